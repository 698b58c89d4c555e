//! The program `cargo dbgen` runs to read the registry of a package.
//!
//! By default `cargo dbgen` builds a loader for you (a tiny binary linking
//! your lib). A package can also ship its own: a binary whose `main` calls
//! [`main`], named in `dbgen.toml` as `[schema] bin = "..."`.

use std::io::Write;

use crate::Error;

/// The environment variable through which `cargo dbgen` tells the loader
/// what it wants.
pub const REQUEST_ENV: &str = "DBGEN_LOADER_REQUEST";

/// Answers `cargo dbgen`'s request and exits: writes the registry's schema
/// as JSON to standard output. Exit code 0 on success, 2 when the models are
/// inconsistent (e.g. two models with one table), 3 on an I/O failure.
pub fn main() {
    let request = std::env::var(REQUEST_ENV).unwrap_or_else(|_| "schema".to_string());
    let code = match run(&request, &mut std::io::stdout().lock()) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: {error}");
            match error {
                Error::Output(_) => 3,
                _ => 2,
            }
        }
    };
    std::process::exit(code);
}

/// Serves one request into `out`.
pub fn run(request: &str, out: &mut dyn Write) -> Result<(), Error> {
    match request {
        "schema" => {
            let schema = crate::registry::schema()?;
            out.write_all(schema.to_json().as_bytes())
                .map_err(Error::Output)?;
            out.flush().map_err(Error::Output)
        }
        other => Err(Error::LoaderRequest(other.to_string())),
    }
}
