//! `cargo dbgen`: export the models' schema and manage migrations.
//! `main` only parses and dispatches; each verb has its own file.

/// `print!` that returns an error instead of panicking when standard output
/// cannot be written (see [`write_out`]).
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_out(format_args!($($arg)*)) };
}

/// `println!` that returns an error instead of panicking when standard
/// output cannot be written (see [`write_out`]).
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

mod config;
mod diff;
mod env;
mod error;
mod hash;
mod lint;
mod loader;
mod new;
mod project;
mod schema;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dbgen::dialect::Dialect;

use crate::config::{Config, EnvConfig};
use crate::error::CliError;

/// Schema as code: generate and apply migrations from dbgen models.
#[derive(Debug, Parser)]
#[command(name = "cargo dbgen", bin_name = "cargo dbgen", version)]
struct Cli {
    /// Path to the Cargo.toml of the package defining the models.
    #[arg(long, global = true, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the next migration: the models compared with the migration directory.
    Diff(diff::DiffArgs),
    /// Write an empty migration pair for hand-written SQL.
    New(new::NewArgs),
    /// Check migration file names and dbgen.sum.
    Validate(validate::ValidateArgs),
    /// Rewrite dbgen.sum after a reviewed hand edit.
    Hash(hash::HashArgs),
    /// Check the newest migrations for destructive and risky changes.
    Lint(lint::LintArgs),
    /// Print the schema the models describe (the registry).
    Schema(schema::SchemaArgs),
}

/// What every verb works on.
pub struct Context {
    pub package: project::Package,
    pub config: Config,
}

fn main() -> ExitCode {
    // As a cargo subcommand we are called as `cargo-dbgen dbgen <args>`.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "dbgen") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                error::EXIT_USAGE as u8
            } else {
                0
            });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the output went away (`cargo dbgen schema | head`):
        // it has what it wanted, and there is no one to tell.
        Err(error) if error.is_closed_output() => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::from(error.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let package = project::locate(cli.manifest_path.as_deref())?;
    if let Some(path) = nearest_dotenv(&package.dir, &package.workspace_root) {
        load_dotenv(&path);
    }
    let config = Config::load(&package.dir)?;
    // A dbgen.toml beside the workspace's Cargo.toml is not this package's:
    // its environments would be silently left out.
    let elsewhere = package.workspace_root.join(config::FILE_NAME);
    if package.workspace_root != package.dir
        && elsewhere.is_file()
        && !package.dir.join(config::FILE_NAME).is_file()
    {
        eprintln!(
            "note: {} is not read: dbgen reads {} from the package's folder, {}; move it there",
            elsewhere.display(),
            config::FILE_NAME,
            package.dir.display()
        );
    }
    let cx = Context { package, config };
    match &cli.command {
        Command::Diff(args) => diff::run(&cx, args),
        Command::New(args) => new::run(&cx, args),
        Command::Validate(args) => validate::run(&cx, args),
        Command::Hash(args) => hash::run(&cx, args),
        Command::Lint(args) => lint::run(&cx, args),
        Command::Schema(args) => schema::run(&cx, args),
    }
}

/// The `.env` in the package's folder, else in the nearest folder above it
/// up to the workspace root, as sqlx-cli and dotenvy look for it from the
/// current folder up: a workspace keeps one `.env` at its root.
fn nearest_dotenv(
    package: &std::path::Path,
    workspace: &std::path::Path,
) -> Option<std::path::PathBuf> {
    package
        .ancestors()
        .take_while(|dir| *dir == package || dir.starts_with(workspace))
        .map(|dir| dir.join(".env"))
        .find(|path| path.is_file())
}

/// Loads the `.env` found for the package: it provides `env:` variables. Its
/// absence is fine. A file that cannot be read is a warning, not an error:
/// most verbs read no variable, and the one that needs a variable missing
/// says so. The warning names the line, never its text (it may hold a
/// password).
fn load_dotenv(path: &std::path::Path) {
    let error = match dotenvy::from_path(path) {
        Ok(()) => return,
        Err(error) if error.not_found() => return,
        Err(error) => error,
    };
    let what = match &error {
        dotenvy::Error::LineParse(line, _) => {
            let number = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| {
                    let at = text.find(line.as_str())?;
                    Some(text[..at].matches('\n').count() + 1)
                })
                .map_or_else(|| "a line".to_owned(), |n| format!("line {n}"));
            format!("{number} is not `NAME=value`")
        }
        other => other.to_string(),
    };
    eprintln!(
        "warning: {} could not be read: {what}; no variable from there on is loaded\n  hint: fix the file (one `NAME=value` a line, `#` for comments), or set the variables in the environment",
        path.display()
    );
}

/// Writes to standard output, flushed: the verbs' results go there, and
/// errors, notes and cargo's messages to standard error.
pub fn write_out(text: std::fmt::Arguments<'_>) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_fmt(text)
        .and_then(|()| stdout.flush())
        .map_err(CliError::Stdout)
}

/// The error, its causes, and a hint.
fn report(error: &CliError) {
    let mut said = error.to_string();
    eprintln!("error: {said}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        // Errors that spell their cause in their own message (`... is not
        // valid: unknown field`) would show it twice.
        let text = cause.to_string();
        if !said.ends_with(&text) {
            eprintln!("  caused by: {text}");
        }
        said = text;
        source = cause.source();
    }
    if let Some(hint) = error.hint() {
        eprintln!("  hint: {hint}");
    }
}

/// The dialect a database URL speaks; the error names its scheme only
/// (the URL may hold a password).
fn dialect_of_url(url: &str, source: &str) -> Result<Dialect, CliError> {
    Dialect::from_url(url).map_err(|_| {
        let scheme = url.split(':').next().unwrap_or_default();
        CliError::Usage(format!(
            "{source} starts with `{scheme}:`, which names no database dbgen knows; write postgres://, mysql:// (or mariadb://), sqlite: or sqlserver://, or give the environment a `dialect`"
        ))
    })
}

/// The dialect `--dialect`, the environment's `dialect` or its URL name;
/// `None` when none of them is given.
pub fn configured_dialect(
    flag: Option<&str>,
    env: Option<&EnvConfig>,
) -> Result<Option<Dialect>, CliError> {
    let parse = |name: &str| {
        name.parse()
            .map_err(|e: dbgen::Error| CliError::Usage(e.to_string()))
    };
    if let Some(name) = flag {
        return parse(name).map(Some);
    }
    if let Some(name) = env.and_then(|e| e.dialect.as_deref()) {
        let dialect: Dialect = parse(name)?;
        // A literal URL of another engine in the same environment is a
        // mistake one of the two makes: migrations would be written for
        // one engine and applied to the other.
        let url =
            env.and_then(|e| e.url.as_deref())
                .and_then(|url| match url.strip_prefix("env:") {
                    Some(variable) => Some((std::env::var(variable).ok()?, format!("${variable}"))),
                    None => Some((url.to_owned(), "the `url` in dbgen.toml".to_owned())),
                });
        if let Some((url, source)) = url {
            let of_url = dialect_of_url(&url, &source)?;
            if of_url != dialect {
                return Err(CliError::Usage(format!(
                    "dbgen.toml gives the environment `dialect = \"{name}\"`, but {source} is a {of_url} URL; make them name the same database, or leave `dialect` out to follow the URL"
                )));
            }
        }
        return Ok(Some(dialect));
    }
    match env.and_then(|e| e.url.as_deref()) {
        Some(url) if !url.starts_with("env:") => {
            dialect_of_url(url, "the `url` in dbgen.toml").map(Some)
        }
        Some(url) => {
            let variable = url.trim_start_matches("env:");
            match std::env::var(variable) {
                Ok(value) => dialect_of_url(&value, &format!("${variable}")).map(Some),
                // Guessing would write migrations for the wrong engine.
                Err(_) => Err(CliError::Usage(format!(
                    "dbgen.toml reads the database URL from ${variable}, which is not set (nor in .env); set it, or give the environment a `dialect = \"postgres|mysql|sqlite|sqlserver\"`, or pass --dialect"
                ))),
            }
        }
        None => Ok(None),
    }
}
