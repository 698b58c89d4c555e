//! The CLI's error type: what failed, what to do, and the exit code of SPEC §4.

use std::path::PathBuf;

/// Exit code: a check found a problem (drift, lint error, invalid directory).
pub const EXIT_CHECK: i32 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: database or I/O failure.
pub const EXIT_IO: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("could not read {path}")]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid")]
    Config {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("could not run `{program}`")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`cargo metadata` failed: {0}")]
    Metadata(String),
    #[error("building the schema loader for `{package}` failed (cargo's messages are above)")]
    Build { package: String },
    #[error("the schema loader for `{package}` failed with exit code {code}")]
    Loader { package: String, code: i32 },
    #[error("the schema loader for `{package}` printed something that is not a dbgen schema")]
    LoaderOutput {
        package: String,
        #[source]
        source: dbgen::Error,
    },
    #[error("could not write {path}")]
    WriteFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write to standard output")]
    Stdout(#[source] std::io::Error),
    #[error("lint found {0} error(s)")]
    Lint(usize),
    #[error("the migration directory is not valid")]
    Directory(#[source] dbgen::Error),
    #[error(transparent)]
    Dbgen(#[from] dbgen::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            // Content, not I/O: a migration file is part of the directory
            // `validate`/`lint` check, `dbgen.toml` is configuration.
            CliError::ReadFile { path, source }
                if source.kind() == std::io::ErrorKind::InvalidData =>
            {
                if path.extension().is_some_and(|e| e == "sql") {
                    EXIT_CHECK
                } else {
                    EXIT_USAGE
                }
            }
            CliError::Config { .. }
            | CliError::Usage(_)
            | CliError::Build { .. }
            | CliError::Metadata(_) => EXIT_USAGE,
            CliError::Loader { code, .. } if *code == EXIT_USAGE => EXIT_USAGE,
            CliError::Directory(dbgen::Error::Io { .. })
            | CliError::Dbgen(dbgen::Error::Io { .. }) => EXIT_IO,
            CliError::Directory(_) | CliError::Lint(_) => EXIT_CHECK,
            CliError::Dbgen(_) => EXIT_USAGE,
            CliError::ReadFile { .. }
            | CliError::Spawn { .. }
            | CliError::Loader { .. }
            | CliError::LoaderOutput { .. }
            | CliError::WriteFile { .. }
            | CliError::Stdout(_) => EXIT_IO,
        }
    }

    /// Whether standard output's reader went away (a closed pipe).
    pub fn is_closed_output(&self) -> bool {
        matches!(self, CliError::Stdout(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            CliError::Config { .. } => {
                "fix the file (see the [schema] and [env.NAME] tables in dbgen's documentation), or pass the setting as a flag"
            }
            CliError::Build { .. } => "fix the errors cargo reported, then run the command again",
            CliError::Metadata(_) => {
                "run the command inside a cargo package, or pass --manifest-path"
            }
            CliError::Spawn { .. } => "make sure cargo is installed and on PATH",
            CliError::Loader { .. } => {
                "read the loader's message above; a custom [schema] bin must call dbgen::loader::main()"
            }
            CliError::LoaderOutput { .. } => {
                "the loader and cargo-dbgen must come from the same dbgen version: update one of them"
            }
            CliError::ReadFile { source, .. }
                if source.kind() == std::io::ErrorKind::InvalidData =>
            {
                "the file is not UTF-8 text: save it as UTF-8"
            }
            CliError::ReadFile { .. }
            | CliError::WriteFile { .. }
            | CliError::Directory(dbgen::Error::Io { .. })
            | CliError::Dbgen(dbgen::Error::Io { .. }) => {
                "check that the path exists and is readable/writable (the migration directory must be a directory: `dir` in dbgen.toml)"
            }
            CliError::Directory(dbgen::Error::Snapshot { .. }) => {
                "restore dbgen.schema.json from version control: `cargo dbgen diff` writes it with each migration"
            }
            CliError::Directory(dbgen::Error::MissingSnapshot { .. }) => {
                "restore dbgen.schema.json from version control; for migrations written without dbgen, once a database migrated by them matches the models, write it with `cargo dbgen schema --format json > <dir>/dbgen.schema.json`"
            }
            CliError::Directory(dbgen::Error::SumMismatch(_)) => {
                "if the change was reviewed and is intended, run `cargo dbgen hash`; otherwise restore the files from version control"
            }
            // A misnamed file or a statement that does not parse: hashing
            // would not make it valid.
            CliError::Directory(_) => {
                "fix the file named above or restore it from version control, then run `cargo dbgen hash` if an .up.sql file changed"
            }
            CliError::Lint(_) => {
                "review the statements above; to accept one reviewed statement put e.g. `-- dbgen:nolint DS101: why` on the line before it, or to accept a class of change in this environment set e.g. lint.destructive = \"warn\" in dbgen.toml"
            }
            CliError::Stdout(_) => {
                "redirect the output to a file with room (`> schema.sql`), or run the command again"
            }
            CliError::Usage(_) | CliError::Dbgen(_) => return None,
        })
    }
}
