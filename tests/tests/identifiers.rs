//! Property test: any identifier, rendered by a dialect, parses back as one
//! identifier with exactly the original text; names over the dialect's
//! limit are refused with an error, never truncated.

#![allow(clippy::panic, clippy::expect_used)]

mod support;

use dbgen::dialect::Dialect;
use dbgen::schema::ColumnType;
use sqlparser::ast::{ObjectNamePart, Statement};
use support::*;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn name(&mut self, max_bytes: usize) -> String {
        const PIECES: &[&str] = &[
            "a", "Z", "_", "0", " ", "\"", "\"\"", "`", "``", "[", "]", "]]", "'", ";", "--", "/*",
            "*/", "é", "ß", "名", "🦀", "\\", ".", ",", "(", ")",
        ];
        let target = 1 + (self.next() as usize % max_bytes);
        let mut out = String::new();
        while out.len() < target {
            let piece = PIECES[self.next() as usize % PIECES.len()];
            if out.len() + piece.len() > max_bytes {
                break;
            }
            out.push_str(piece);
        }
        if out.is_empty() { "x".to_string() } else { out }
    }
}

fn limit(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres | Dialect::Sqlite => 63,
        Dialect::MySql => 64,
        Dialect::SqlServer => 128,
    }
}

/// Renders `CREATE TABLE <name> (<name> ...)` and returns the table and
/// first column names as the parser read them.
fn round_trip(dialect: Dialect, name: &str) -> Result<(String, String), String> {
    let mut table = table(name).build();
    table.columns.to_mut()[0] = col(name, ColumnType::Text, true);
    table.primary_key = None;
    let sql = dialect
        .ddl()
        .create_table(&table)
        .map_err(|e| e.to_string())?
        .join(";\n");
    let statements = parse(dialect, &sql).map_err(|e| format!("{e}\n{sql}"))?;
    let [Statement::CreateTable(create)] = statements.as_slice() else {
        return Err(format!("not one CREATE TABLE: {sql}"));
    };
    let parts: Vec<String> = create
        .name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(ident) => ident.value.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    let [table_name] = parts.as_slice() else {
        return Err(format!("the name split into {parts:?}: {sql}"));
    };
    let column = create
        .columns
        .first()
        .map(|c| c.name.value.clone())
        .unwrap_or_default();
    Ok((table_name.clone(), column))
}

#[test]
fn every_name_comes_back_intact_as_one_identifier() {
    for dialect in DIALECTS {
        let mut rng = Rng(0x5eed ^ dialect as u64);
        let mut names: Vec<String> = (0..400).map(|_| rng.name(limit(dialect))).collect();
        names.extend(
            [
                "\"",
                "`",
                "]",
                "[",
                "]]]",
                "; DROP TABLE users; --",
                "-- comment",
                "名前",
                "🦀🦀",
                "a\"b`c]d",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        names.push("x".repeat(limit(dialect)));
        names.push(format!("{}é", "y".repeat(limit(dialect) - 2)));
        for name in names {
            match round_trip(dialect, &name) {
                Ok((table, column)) => {
                    assert_eq!(table, name, "{dialect}: table name changed");
                    assert_eq!(column, name, "{dialect}: column name changed");
                }
                Err(error) => panic!("{dialect} {name:?}: {error}"),
            }
        }
    }
}

#[test]
fn names_over_the_limit_are_refused() {
    for dialect in DIALECTS {
        for len in [limit(dialect) + 1, 128 + 1] {
            let name = "n".repeat(len);
            let error = round_trip(dialect, &name).err().unwrap_or_default();
            assert!(
                error.contains("bytes") && error.contains(&dialect.to_string()),
                "{dialect} {len}: {error}"
            );
        }
    }
    // 63/64/128 bytes: accepted exactly up to each engine's limit.
    assert!(round_trip(Dialect::MySql, &"m".repeat(64)).is_ok());
    assert!(round_trip(Dialect::Postgres, &"p".repeat(64)).is_err());
    assert!(round_trip(Dialect::SqlServer, &"s".repeat(128)).is_ok());
}

/// A name may hold a line break (PostgreSQL takes one in a quoted name).
/// dbgen's comment lines name objects (a note of what a down migration
/// cannot restore, a rebuild's dropped columns, a reason not to lint): a
/// line break there would end the comment and make the rest of the name
/// SQL. Each file must parse to its own statements only.
#[test]
fn a_name_with_a_line_break_stays_inside_its_comment() {
    for dialect in DIALECTS {
        for name in ["a\nDROP TABLE victims; --", "a\rDROP TABLE victims; --"] {
            let before = schema(vec![
                table("t").col("keep", ColumnType::Integer, false).col(
                    name,
                    ColumnType::Text,
                    true,
                ),
            ]);
            // Another column changes type: SQLite rebuilds the table.
            let after = schema(vec![table("t").col("keep", ColumnType::BigInt, false)]);
            let generated =
                dbgen::migrate::generate(&before, &after, dialect, &dbgen::plan::Policy::default())
                    .unwrap_or_else(|e| panic!("{dialect}: {e}"));
            for sql in [&generated.up, &generated.down] {
                if let Err(problem) = dbgen::dialect::check_file(dialect, sql) {
                    panic!("{dialect} {name:?}: {problem:?}\n{sql}");
                }
                let findings = dbgen::lint::lint_sql(dialect, "m.sql", sql)
                    .unwrap_or_else(|p| panic!("{dialect}: {p:?}\n{sql}"));
                assert!(
                    !findings.iter().any(|f| f.message.contains("`victims`")),
                    "{dialect} {name:?}: a statement escaped its comment\n{sql}"
                );
            }
        }
    }
}
