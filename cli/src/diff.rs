//! `cargo dbgen diff [NAME]`: compare the models with the migration
//! directory's state and write the next migration.

use clap::Args;

use crate::Context;
use crate::env::{Env, now_version};
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Migration name (file-name fragment), e.g. add_posts.
    name: Option<String>,
    /// Environment of dbgen.toml (dialect, dir, diff.skip).
    #[arg(long)]
    env: Option<String>,
    /// SQL dialect, overriding the environment's.
    #[arg(long)]
    dialect: Option<String>,
    /// Print the migration instead of writing it.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(cx: &Context, args: &DiffArgs) -> Result<(), CliError> {
    let env = Env::resolve(cx, args.env.as_deref(), args.dialect.as_deref())?;
    env.dir.check_sum().map_err(CliError::Directory)?;
    let current = env.dir.snapshot().map_err(CliError::Directory)?;
    let desired = crate::loader::load_schema(&cx.package, &cx.config)?;
    // No model at all, over a directory that has tables: the models were
    // not built (behind a feature, an optional dbgen), far likelier than
    // every table meant to go.
    if desired.tables.is_empty() && !current.tables.is_empty() {
        return Err(CliError::Usage(format!(
            "package `{}` defines no model, and the migrations in {} create {} table(s): this diff would drop them all; if the models are behind a cargo feature, name it in dbgen.toml ([schema] features = [\"...\"]); to drop every table, write the migration by hand (`cargo dbgen new drop_all`)",
            cx.package.name,
            env.dir.path().display(),
            current.tables.len()
        )));
    }
    let generated = dbgen::migrate::generate(&current, &desired, env.dialect, &env.policy)?;
    for note in &generated.notes {
        eprintln!("note: {note}");
    }
    if generated.is_empty() {
        outln!(
            "nothing to do: the migrations in {} already match the models",
            env.dir.path().display()
        )?;
        return Ok(());
    }
    if args.dry_run {
        out!(
            "-- {}.up.sql\n{}\n-- .down.sql\n{}",
            args.name.as_deref().unwrap_or("schema"),
            generated.up,
            generated.down
        )?;
        return Ok(());
    }
    let version = env.dir.next_version(now_version())?;
    let name = args.name.as_deref().unwrap_or("schema");
    let (up, down) = env
        .dir
        .write_migration(version, name, &generated.up, &generated.down)?;
    if let Err(e) = env.dir.write_snapshot(
        &dbgen::migrate::snapshot(&desired, &generated),
        Some(env.dialect),
    ) {
        env.dir.remove_migration(&up, &down);
        return Err(e.into());
    }
    env.dir.write_sum()?;
    outln!("wrote {}", up.display())?;
    outln!("wrote {}", down.display())?;
    outln!(
        "{} change(s); review them, then apply them with sqlx (`sqlx migrate run` or `sqlx::migrate!`)",
        generated.kinds.len()
    )?;
    Ok(())
}
