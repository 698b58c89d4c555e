//! `cargo dbgen schema [--format sql|json] [--dialect D] [--env E]`:
//! the registry's desired schema.

use clap::{Args, ValueEnum};

use crate::Context;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Sql)]
    format: Format,
    /// SQL dialect for `--format sql` (default: the env's dialect or URL,
    /// else the one its migration directory records, else sqlite).
    #[arg(long)]
    dialect: Option<String>,
    /// Environment of dbgen.toml whose dialect to use.
    #[arg(long)]
    env: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Sql,
    Json,
}

pub fn run(cx: &Context, args: &SchemaArgs) -> Result<(), CliError> {
    let env = cx.config.env(args.env.as_deref())?;
    // Configured, else the one the environment's migrations are written in.
    let dialect = match crate::configured_dialect(args.dialect.as_deref(), env)? {
        Some(dialect) => dialect,
        None => crate::env::Env::resolve_files(cx, args.env.as_deref())?.dialect,
    };
    let schema = crate::loader::load_schema(&cx.package, &cx.config)?;
    let text = match args.format {
        Format::Json => schema.to_json(),
        Format::Sql => dbgen::dialect::create_schema(&schema, dialect)?,
    };
    out!("{text}")
}
