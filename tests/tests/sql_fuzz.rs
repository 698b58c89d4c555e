//! Hand-written migration files are user input: whatever they hold,
//! `validate`'s parse (`dialect::check_file`), `lint` (`lint::lint_sql`)
//! and `dbgen.sum`'s reader answer with a result, never a panic. Random
//! files from SQL's tricky pieces (quotes of every dialect, dollar quotes,
//! comments, `BEGIN … END`, `dbgen:` directives, unterminated anything,
//! deep nesting, non-ASCII), from a fixed seed (`DBGEN_RANDOM_SEED`;
//! `DBGEN_RANDOM_FILES` for more).

#![allow(clippy::panic, clippy::unwrap_used)]

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};

use dbgen::dialect::Dialect;
use support::{DIALECTS, Rng};

const PIECES: [&str; 48] = [
    "CREATE TABLE ",
    "DROP TABLE ",
    "ALTER TABLE ",
    "ADD COLUMN ",
    "DROP COLUMN ",
    "RENAME COLUMN ",
    " TO ",
    "CREATE UNIQUE INDEX ",
    " ON ",
    "INSERT INTO ",
    "UPDATE ",
    " SET ",
    " WHERE ",
    "DELETE FROM ",
    "SELECT ",
    "BEGIN",
    "END",
    "CASE",
    " WHEN ",
    "CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW BEGIN ",
    "GO",
    ";",
    ";",
    "\n",
    " ",
    "(",
    ")",
    ",",
    "'",
    "''",
    "\"",
    "`",
    "[",
    "]",
    "$$",
    "$tag$",
    "--",
    "/*",
    "*/",
    "-- dbgen:nolint",
    "-- dbgen:nolint DS101: why",
    "-- dbgen:unchecked\n",
    "-- no-transaction\n",
    "\"users\"",
    "x",
    "42",
    "NOT NULL",
    "ü🦀\u{feff}",
];

fn random_file(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(60) {
        text.push_str(PIECES[rng.below(PIECES.len())]);
    }
    if rng.chance(5) {
        let depth = 1 + rng.below(5000);
        text.push_str(&"(".repeat(depth));
        text.push_str(&")".repeat(rng.below(depth + 1)));
    }
    text
}

/// Runs `f`, naming the file that made it panic.
fn no_panic<T>(what: &str, dialect: Dialect, file: &str, f: impl FnOnce() -> T) {
    if catch_unwind(AssertUnwindSafe(f)).is_err() {
        panic!("{what} panicked for {dialect:?} on {file:?}");
    }
}

#[test]
fn random_files_are_answered_not_panicked_on() {
    let files = support::env("DBGEN_RANDOM_FILES").map_or(1500, |n| n as usize);
    let mut rng = Rng(support::seed());
    for _ in 0..files {
        let file = random_file(&mut rng);
        for dialect in DIALECTS {
            no_panic("check_file", dialect, &file, || {
                dbgen::dialect::check_file(dialect, &file)
            });
            no_panic("lint_sql", dialect, &file, || {
                dbgen::lint::lint_sql(dialect, "1_x.up.sql", &file)
            });
        }
        no_panic("SumFile::parse", Dialect::Sqlite, &file, || {
            dbgen::migrate::SumFile::parse(&file)
        });
    }
}
