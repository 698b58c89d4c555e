//! `cargo dbgen new NAME`: an empty migration pair for hand-written SQL.

use clap::Args;

use crate::Context;
use crate::env::{Env, now_version};
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Migration name (file-name fragment), e.g. backfill_slugs.
    name: String,
    /// Environment of dbgen.toml (migration dir).
    #[arg(long)]
    env: Option<String>,
}

pub fn run(cx: &Context, args: &NewArgs) -> Result<(), CliError> {
    let env = Env::resolve(cx, args.env.as_deref(), None)?;
    env.dir.check_sum().map_err(CliError::Directory)?;
    let version = env.dir.next_version(now_version())?;
    let up = format!(
        "-- {}: write the migration here (data changes, backfills).\n",
        args.name
    );
    let down = format!(
        "-- {}: write what undoes the up migration here.\n",
        args.name
    );
    let (up, down) = env.dir.write_migration(version, &args.name, &up, &down)?;
    env.dir.write_sum()?;
    println!("wrote {}", up.display());
    println!("wrote {}", down.display());
    Ok(())
}
