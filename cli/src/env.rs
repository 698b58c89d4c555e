//! What one environment of dbgen.toml resolves to for the migration verbs.

use dbgen::dialect::Dialect;
use dbgen::migrate::MigrationDir;
use dbgen::plan::Policy;

use crate::Context;
use crate::error::CliError;

/// The resolved settings of `--env` (default `dev`, or none at all).
pub struct Env {
    /// The dialect of the directory's SQL: the one configured, else the
    /// one its snapshot records, else SQLite.
    pub dialect: Dialect,
    /// The configured or recorded dialect; `None` when SQLite is only the
    /// default.
    pub known: Option<Dialect>,
    pub dir: MigrationDir,
    pub policy: Policy,
}

impl Env {
    /// For the verbs that read or write SQL: the configured dialect must be
    /// resolvable and match the one the directory's snapshot records.
    pub fn resolve(
        cx: &Context,
        env: Option<&str>,
        dialect: Option<&str>,
    ) -> Result<Env, CliError> {
        Env::build(cx, env, dialect, true)
    }

    /// For the verbs that only handle the files (`hash`, `new`): a dialect
    /// that cannot be resolved, or one that differs from the directory's,
    /// is not their concern.
    pub fn resolve_files(cx: &Context, env: Option<&str>) -> Result<Env, CliError> {
        Env::build(cx, env, None, false)
    }

    fn build(
        cx: &Context,
        env: Option<&str>,
        flag: Option<&str>,
        strict: bool,
    ) -> Result<Env, CliError> {
        let name = env.unwrap_or("dev");
        let config = cx.config.env(env)?;
        let configured = match crate::configured_dialect(flag, config) {
            Ok(dialect) => dialect,
            Err(e) if strict => return Err(e),
            Err(_) => None,
        };
        let dir_name = config
            .and_then(|e| e.dir.as_deref())
            .unwrap_or("migrations");
        let dir = MigrationDir::new(cx.package.dir.join(dir_name));
        let recorded = match dir.dialect() {
            Ok(recorded) => recorded,
            Err(e) if strict => return Err(CliError::Directory(e)),
            Err(_) => None,
        };
        if strict
            && let (Some(configured), Some(recorded)) = (configured, recorded)
            && configured != recorded
        {
            let source = match flag {
                Some(_) => "--dialect".to_string(),
                None => format!("[env.{name}] in dbgen.toml"),
            };
            return Err(CliError::Usage(format!(
                "the migrations in {} are {recorded} SQL (the \"dialect\" of its {}), but {source} says {configured}; a directory holds one engine's migrations: give this environment a directory of its own (`dir = \"{dir_name}_{configured}\"` in [env.{name}]), or, if its files are in fact {configured} SQL, change that \"dialect\"",
                dir.path().display(),
                dbgen::migrate::SNAPSHOT_FILE,
            )));
        }
        let skip = config
            .map(|e| e.diff.skip.iter().map(String::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        let policy = Policy::skipping(skip)
            .map_err(|e| CliError::Usage(format!("dbgen.toml [env.{name}]: {e}")))?;
        let known = configured.or(recorded);
        Ok(Env {
            dialect: known.unwrap_or(Dialect::Sqlite),
            known,
            dir,
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
