//! Hand-written migration files are user input: whatever they hold,
//! `validate`'s parse (`dialect::check_file`), `lint` (`lint::lint_sql`)
//! and `dbgen.sum`'s reader answer with a result, never a panic. Random
//! files from SQL's tricky pieces (quotes of every dialect, dollar quotes,
//! comments, `BEGIN … END`, `dbgen:` directives, unterminated anything,
//! deep nesting, non-ASCII), from a fixed seed (`DBGEN_RANDOM_SEED`;
//! `DBGEN_RANDOM_FILES` for more).

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

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

/// `dbgen.schema.json` is a file users can edit too. A random edit of a
/// real snapshot's JSON (a member removed, a name changed to another or to
/// one that does not exist, an entry duplicated, a value of another type)
/// either fails to load with an error, or loads and diffs against the
/// models, both ways and in every dialect, with a result: never a panic.
#[test]
fn edited_snapshots_are_answered_not_panicked_on() {
    use serde_json::Value as Json;

    let cases = support::random_cases(20, support::seed(), true);
    let edits = support::env("DBGEN_RANDOM_FILES").map_or(1500, |n| n as usize);
    let mut rng = Rng(support::seed() ^ 0x5a);
    let names = ["id", "users", "t0", "c1", "missing", "", "x\"y", "pk_t0"];
    let mut loaded = 0;
    for n in 0..edits {
        let case = &case_of(&cases, n);
        let mut json: Json = serde_json::from_str(&case.after.to_json()).unwrap();
        for _ in 0..1 + rng.below(3) {
            edit(&mut json, &mut rng, &names);
        }
        let text = json.to_string();
        let Ok(edited) = dbgen::schema::Schema::from_json(&text) else {
            continue;
        };
        loaded += 1;
        for dialect in DIALECTS {
            let policy = dbgen::plan::Policy::default();
            no_panic("generate from the snapshot", dialect, &text, || {
                dbgen::migrate::generate(&edited, &case.before, dialect, &policy)
            });
            no_panic("generate to the snapshot", dialect, &text, || {
                dbgen::migrate::generate(&case.before, &edited, dialect, &policy)
            });
            no_panic("create_schema", dialect, &text, || {
                dbgen::dialect::create_schema(&edited, dialect)
            });
        }
    }
    // A quarter of the edits must load at least, or the diff is not what
    // is being tried. About a third load (31–37 % over ten seeds).
    assert!(
        loaded * 4 > edits,
        "only {loaded} of {edits} edited snapshots loaded (seed {})",
        support::seed()
    );
}

fn case_of(cases: &[support::Case], n: usize) -> &support::Case {
    &cases[n % cases.len()]
}

/// One random edit somewhere in `json`.
fn edit(json: &mut serde_json::Value, rng: &mut Rng, names: &[&str]) {
    use serde_json::Value as Json;
    // Pick a random path (as a JSON pointer), then change what is there.
    let mut pointer = String::new();
    let mut at = &*json;
    for _ in 0..rng.below(6) {
        let step = match at {
            Json::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).unwrap();
                Some((key.replace('~', "~0").replace('/', "~1"), &map[key]))
            }
            Json::Array(items) if !items.is_empty() => {
                let i = rng.below(items.len());
                Some((i.to_string(), &items[i]))
            }
            _ => None,
        };
        let Some((part, next)) = step else { break };
        pointer.push('/');
        pointer.push_str(&part);
        at = next;
    }
    let here = json.pointer_mut(&pointer).unwrap();
    match here {
        // Mostly edits that keep the document's shape, so that it loads.
        Json::Object(map) if !map.is_empty() && rng.chance(10) => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap();
            map.remove(&key);
        }
        Json::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len());
            if rng.chance(50) {
                let copy = items[i].clone();
                items.push(copy);
            } else {
                items.remove(i);
            }
        }
        Json::String(s) => *s = names[rng.below(names.len())].to_string(),
        Json::Number(_) => {
            *here = Json::from([0i64, -1, 1, 65_536, i64::MAX][rng.below(5)]);
        }
        Json::Bool(b) => *b = !*b,
        Json::Null if rng.chance(20) => *here = Json::from("x"),
        _ => {}
    }
}

/// The schema JSON (the snapshot's format) reads back as the schema it was
/// written from, and writing it again gives the same bytes, for random
/// schemas with every kind of table element and rename hints.
#[test]
fn random_schemas_round_trip_through_json() {
    let cases = support::random_cases_from_env(300, true);
    for case in &cases {
        for schema in [&case.before, &case.after] {
            let json = schema.to_json();
            let back = dbgen::schema::Schema::from_json(&json)
                .unwrap_or_else(|e| panic!("{}: {e}\n{json}", case.name));
            assert_eq!(&back, schema, "{}", case.name);
            assert_eq!(back.to_json(), json, "{}: the same bytes", case.name);
        }
    }
}
