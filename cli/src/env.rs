//! What one environment of dbgen.toml resolves to for the migration verbs.

use std::path::PathBuf;

use dbgen::dialect::Dialect;
use dbgen::migrate::MigrationDir;
use dbgen::plan::Policy;

use crate::Context;
use crate::error::CliError;

/// The resolved settings of `--env` (default `dev`, or none at all).
pub struct Env {
    pub dialect: Dialect,
    pub dir: MigrationDir,
    pub policy: Policy,
}

impl Env {
    pub fn resolve(
        cx: &Context,
        env: Option<&str>,
        dialect: Option<&str>,
    ) -> Result<Env, CliError> {
        let config = cx.config.env(env)?;
        let dialect = crate::resolve_dialect(dialect, config)?;
        let dir: PathBuf = cx.package.dir.join(
            config
                .and_then(|e| e.dir.as_deref())
                .unwrap_or("migrations"),
        );
        let skip = config
            .map(|e| e.diff.skip.iter().map(String::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        let policy = Policy::skipping(skip).map_err(|e| {
            CliError::Usage(format!("dbgen.toml [env.{}]: {e}", env.unwrap_or("dev")))
        })?;
        Ok(Env {
            dialect,
            dir: MigrationDir::new(dir),
            policy,
        })
    }
}

/// The current UTC time as a migration version, `yyyymmddHHMMSS`.
pub fn now_version() -> i64 {
    chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()
        .unwrap_or(0)
}
