//! `dbgen.toml` at the package root. Every table and key is optional; an
//! unknown key is an error (a typo must not be silently ignored).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::CliError;

pub const FILE_NAME: &str = "dbgen.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub schema: SchemaConfig,
    #[serde(default)]
    pub env: BTreeMap<String, EnvConfig>,
}

/// How the registry is read.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaConfig {
    /// A binary target of the package whose `main` calls `dbgen::loader::main()`.
    pub bin: Option<String>,
    /// Features of the package to build its models with (models behind
    /// `#[cfg(feature = "...")]` or an optional `dbgen`).
    #[serde(default)]
    pub features: Vec<String>,
}

/// One environment (`[env.dev]`, `[env.prod]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    pub url: Option<String>,
    pub dev_url: Option<String>,
    pub dialect: Option<String>,
    pub dir: Option<String>,
    #[serde(default)]
    pub lint: LintConfig,
    #[serde(default)]
    pub diff: DiffConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Drops (default: error).
    pub destructive: Option<Severity>,
    /// Changes that fail or lose data depending on the rows (default: warn).
    pub data_dependent: Option<Severity>,
    /// Renames (default: warn).
    pub incompatible: Option<Severity>,
}

impl LintConfig {
    /// The severity of a finding class under this policy.
    pub fn severity(&self, class: dbgen::lint::Class) -> Severity {
        use dbgen::lint::Class;
        match class {
            Class::Destructive => self.destructive.unwrap_or(Severity::Error),
            Class::DataDependent => self.data_dependent.unwrap_or(Severity::Warn),
            Class::BackwardIncompatible => self.incompatible.unwrap_or(Severity::Warn),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warn,
    Off,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffConfig {
    #[serde(default)]
    pub skip: Vec<String>,
}

impl Config {
    /// Reads `dbgen.toml` in `dir`; a missing file is the empty config.
    pub fn load(dir: &Path) -> Result<Config, CliError> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(CliError::ReadFile { path, source }),
        };
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: PathBuf) -> Result<Config, CliError> {
        toml::from_str(text).map_err(|source| CliError::Config { path, source })
    }

    /// The environment named `name`, or an error listing the known ones.
    pub fn env(&self, name: Option<&str>) -> Result<Option<&EnvConfig>, CliError> {
        let Some(name) = name else {
            return Ok(self.env.get("dev"));
        };
        self.env.get(name).map(Some).ok_or_else(|| {
            let known: Vec<&str> = self.env.keys().map(String::as_str).collect();
            CliError::Usage(if known.is_empty() {
                format!(
                    "--env {name}: {FILE_NAME} defines no environments; add an [env.{name}] table"
                )
            } else {
                format!(
                    "--env {name}: no [env.{name}] in {FILE_NAME}; known: {}",
                    known.join(", ")
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_example() {
        let text = r#"
[schema]
bin = "dbgen"

[env.dev]
url = "env:DATABASE_URL"
dev_url = "sqlite::memory:"
dialect = "postgres"
dir = "migrations"

[env.prod]
url = "env:PROD_DATABASE_URL"
lint.destructive = "error"
diff.skip = ["drop_table", "drop_column", "drop_index"]
"#;
        let parsed = Config::parse(text, "dbgen.toml".into());
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        let config = parsed.unwrap_or_default();
        assert_eq!(config.schema.bin.as_deref(), Some("dbgen"));
        let prod = &config.env["prod"];
        assert_eq!(prod.lint.destructive, Some(Severity::Error));
        assert_eq!(prod.diff.skip, ["drop_table", "drop_column", "drop_index"]);
        assert_eq!(config.env["dev"].dialect.as_deref(), Some("postgres"));
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key() {
        let err = Config::parse("[env.dev]\nurll = \"x\"\n", "dbgen.toml".into()).err();
        let text = err.map(|e| format!("{:?}", e)).unwrap_or_default();
        assert!(text.contains("urll"), "{text}");
    }

    #[test]
    fn unknown_env_lists_the_known_ones() {
        let config =
            Config::parse("[env.dev]\n[env.prod]\n", "dbgen.toml".into()).unwrap_or_default();
        let err = config
            .env(Some("staging"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("known: dev, prod"), "{err}");
    }
}
