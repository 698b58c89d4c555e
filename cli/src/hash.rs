//! `cargo dbgen hash`: rewrite `dbgen.sum` after a reviewed hand edit.

use clap::Args;

use crate::Context;
use crate::env::Env;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct HashArgs {
    /// Environment of dbgen.toml (migration dir).
    #[arg(long)]
    env: Option<String>,
}

pub fn run(cx: &Context, args: &HashArgs) -> Result<(), CliError> {
    let env = Env::resolve_files(cx, args.env.as_deref())?;
    env.dir.migrations().map_err(CliError::Directory)?;
    env.dir.write_sum()?;
    outln!(
        "rewrote {}",
        env.dir.path().join(dbgen::migrate::SUM_FILE).display()
    )?;
    Ok(())
}
