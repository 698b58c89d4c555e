//! `cargo dbgen lint [--latest N]`: destructive, data-dependent and
//! backward-incompatible statements in the newest migrations, with the
//! environment's severities (`lint.destructive`, `lint.data_dependent`,
//! `lint.incompatible`: error | warn | off).

use clap::Args;

use crate::Context;
use crate::config::{LintConfig, Severity};
use crate::env::Env;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// How many of the newest migrations to check.
    #[arg(long, default_value_t = 1)]
    latest: usize,
    /// Environment of dbgen.toml (dir, dialect and lint policy).
    #[arg(long)]
    env: Option<String>,
    /// SQL dialect the files are written in, overriding the environment's.
    #[arg(long)]
    dialect: Option<String>,
}

pub fn run(cx: &Context, args: &LintArgs) -> Result<(), CliError> {
    let env = Env::resolve(cx, args.env.as_deref(), args.dialect.as_deref())?;
    let policy = cx.config.env(args.env.as_deref())?.map(|e| &e.lint);
    let default = LintConfig::default();
    let policy = policy.unwrap_or(&default);
    let migrations = env.dir.migrations().map_err(CliError::Directory)?;
    let newest = &migrations[migrations.len().saturating_sub(args.latest)..];
    let mut errors = 0;
    let mut warnings = 0;
    for migration in newest {
        let name = migration.up_file_name();
        let read = |path: &std::path::Path| {
            std::fs::read_to_string(path).map_err(|source| CliError::ReadFile {
                path: path.to_path_buf(),
                source,
            })
        };
        let mut findings = dbgen::lint::lint_sql(env.dialect, &name, &read(&migration.up)?)
            .map_err(|problem| {
                CliError::Directory(dbgen::Error::MigrationName {
                    file: name.clone(),
                    why: format!(
                        "statement {} (line {}): {}; nothing after it was linted",
                        problem.statement, problem.line, problem.message
                    ),
                })
            })?;
        if let Some(down) = &migration.down
            && read(down)?.contains("cannot restore the data")
        {
            findings.push(dbgen::lint::Finding {
                file: name.clone(),
                statement: 0,
                class: dbgen::lint::Class::Destructive,
                code: "DS105",
                message: "is irreversible: its down migration cannot restore the dropped data"
                    .to_string(),
            });
        }
        for finding in findings {
            match policy.severity(finding.class) {
                Severity::Off => {}
                Severity::Warn => {
                    warnings += 1;
                    outln!("warning: {finding}")?;
                }
                Severity::Error => {
                    errors += 1;
                    outln!("error: {finding}")?;
                }
            }
        }
    }
    outln!(
        "{} migration(s) checked: {errors} error(s), {warnings} warning(s)",
        newest.len()
    )?;
    if errors > 0 {
        return Err(CliError::Lint(errors));
    }
    Ok(())
}
