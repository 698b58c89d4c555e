//! `cargo dbgen validate`: file names, pairs and `dbgen.sum`.

use clap::Args;

use crate::Context;
use crate::env::Env;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Environment of dbgen.toml (migration dir).
    #[arg(long)]
    env: Option<String>,
}

pub fn run(cx: &Context, args: &ValidateArgs) -> Result<(), CliError> {
    let env = Env::resolve(cx, args.env.as_deref(), None)?;
    let migrations = env.dir.migrations().map_err(CliError::Directory)?;
    env.dir.check_sum().map_err(CliError::Directory)?;
    println!(
        "{}: {} migration(s), names and dbgen.sum valid",
        env.dir.path().display(),
        migrations.len()
    );
    Ok(())
}
