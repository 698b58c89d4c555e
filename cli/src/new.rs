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
    let env = Env::resolve_files(cx, args.env.as_deref())?;
    env.dir.check_sum().map_err(CliError::Directory)?;
    // The directory's schema state is kept from its first migration on, so
    // that a hand-written first migration does not leave `diff` without a
    // baseline (what SQL it runs is the user's; the models' tables are
    // still to be created by `diff`).
    let snapshot = env.dir.snapshot().map_err(CliError::Directory)?;
    if !env.dir.has_snapshot() {
        env.dir.write_snapshot(&snapshot, env.known)?;
    }
    let version = env.dir.next_version(now_version())?;
    // The name as it appears in the file name: a comment line cannot be
    // ended by what was typed.
    let name = dbgen::migrate::clean_name(&args.name);
    let up = format!("-- {name}: write the migration here (data changes, backfills).\n");
    let down = format!("-- {name}: write what undoes the up migration here.\n");
    let (up, down) = env.dir.write_migration(version, &name, &up, &down)?;
    env.dir.write_sum()?;
    outln!("wrote {}", up.display())?;
    outln!("wrote {}", down.display())?;
    Ok(())
}
