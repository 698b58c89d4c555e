//! `cargo dbgen validate`: file names and pairs, `dbgen.sum`, and that every
//! file parses for the dialect.

use clap::Args;

use crate::Context;
use crate::env::Env;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Environment of dbgen.toml (migration dir and dialect).
    #[arg(long)]
    env: Option<String>,
    /// SQL dialect the files are written in, overriding the environment's.
    #[arg(long)]
    dialect: Option<String>,
}

pub fn run(cx: &Context, args: &ValidateArgs) -> Result<(), CliError> {
    let env = Env::resolve(cx, args.env.as_deref(), args.dialect.as_deref())?;
    let migrations = env.dir.migrations().map_err(CliError::Directory)?;
    env.dir.check_sum().map_err(CliError::Directory)?;
    for migration in &migrations {
        for path in [Some(&migration.up), migration.down.as_ref()]
            .into_iter()
            .flatten()
        {
            let sql = std::fs::read_to_string(path).map_err(|source| CliError::ReadFile {
                path: path.clone(),
                source,
            })?;
            if let Err(problem) = dbgen::dialect::check_file(env.dialect, &sql) {
                return Err(CliError::Directory(dbgen::Error::MigrationName {
                    file: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    why: format!(
                        "statement {} (line {}): {}",
                        problem.statement, problem.line, problem.message
                    ),
                }));
            }
        }
    }
    outln!(
        "{}: {} migration(s); names, dbgen.sum and {} SQL valid",
        env.dir.path().display(),
        migrations.len(),
        env.dialect
    )?;
    Ok(())
}
