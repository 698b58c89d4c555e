//! Does a migration file parse for its dialect? (`cargo dbgen validate`)
//!
//! Uses sqlparser's grammar for each engine. A few statements that dbgen
//! emits and the engines accept lie outside sqlparser's grammar; they are
//! recognised by shape instead (see [`grammar_gap`]).

use sqlparser::dialect::{MsSqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::Dialect;

/// A statement that did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlProblem {
    /// 1-based statement number.
    pub statement: usize,
    pub message: String,
}

/// Valid statements outside sqlparser's grammar, by dialect. Each is
/// documented engine syntax that dbgen renders.
pub fn grammar_gap(dialect: Dialect, statement: &str) -> bool {
    let s = statement.trim();
    match dialect {
        // T-SQL changes a column's type and nullability together, and adds
        // a default as a named constraint `FOR` the column.
        Dialect::SqlServer => {
            (s.starts_with("ALTER TABLE [")
                && s.contains("] ALTER COLUMN [")
                && s.ends_with(" NULL"))
                || (s.starts_with("ALTER TABLE [")
                    && s.contains(" ADD CONSTRAINT [")
                    && s.contains(" DEFAULT ")
                    && s.contains(" FOR ["))
        }
        // MySQL 5.7+/MariaDB 10.5+ `RENAME INDEX`, and the table comment option.
        Dialect::MySql => {
            s.starts_with("ALTER TABLE `")
                && (s.contains("` RENAME INDEX `") || s.contains("` COMMENT = '"))
        }
        // PostgreSQL 10+ `ALTER COLUMN ... DROP IDENTITY`.
        Dialect::Postgres => {
            s.starts_with("ALTER TABLE \"") && s.ends_with(" DROP IDENTITY IF EXISTS")
        }
        Dialect::Sqlite => false,
    }
}

/// Parses every statement of a file (statements end with `;` at the end of
/// a line, as dbgen writes them; `--` comment lines are skipped). Returns
/// how many statements there were.
pub fn check_file(dialect: Dialect, sql: &str) -> Result<usize, SqlProblem> {
    let body: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut count = 0;
    for statement in body.split(";\n").filter(|s| !s.trim().is_empty()) {
        count += 1;
        let parsed = match dialect {
            Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, statement),
            Dialect::MySql => Parser::parse_sql(&MySqlDialect {}, statement),
            Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, statement),
            Dialect::SqlServer => Parser::parse_sql(&MsSqlDialect {}, statement),
        };
        match parsed {
            Ok(list) if list.len() == 1 => {}
            Ok(list) => {
                return Err(SqlProblem {
                    statement: count,
                    message: format!(
                        "{} statements where one was expected; end each statement with `;` and a line break",
                        list.len()
                    ),
                });
            }
            Err(_) if grammar_gap(dialect, statement) => {}
            Err(error) => {
                return Err(SqlProblem {
                    statement: count,
                    message: format!("does not parse as {dialect} SQL: {error}"),
                });
            }
        }
    }
    Ok(count)
}
