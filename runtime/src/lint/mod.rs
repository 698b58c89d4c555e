//! Lint of migration files: destructive changes (drops), data-dependent
//! changes (NOT NULL without a default, type changes, new uniqueness on a
//! table that may hold data, table rebuilds) and backward-incompatible ones
//! (renames, which break code still using the old name).
//!
//! Files are the source of truth (they may be edited or hand-written), so
//! lint reads their statements, not the diff that produced them.

mod tokens;

use std::fmt;

use tokens::{Token, statements};

/// What kind of risk a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Drops data or structure.
    Destructive,
    /// Fails or loses data depending on what the table holds.
    DataDependent,
    /// Breaks readers or writers that use the old shape.
    BackwardIncompatible,
}

impl Class {
    /// The `dbgen.toml` policy key for this class.
    pub fn key(self) -> &'static str {
        match self {
            Class::Destructive => "destructive",
            Class::DataDependent => "data_dependent",
            Class::BackwardIncompatible => "incompatible",
        }
    }
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// File name.
    pub file: String,
    /// 1-based statement number in the file.
    pub statement: usize,
    pub class: Class,
    /// Stable code, e.g. `DS102`.
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (statement {}): {} {}",
            self.file, self.statement, self.code, self.message
        )
    }
}

/// Lints the SQL text of one migration file.
pub fn lint_sql(file: &str, sql: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut created: Vec<String> = Vec::new();
    for (i, statement) in statements(sql).iter().enumerate() {
        let mut push = |class, code, message: String| {
            findings.push(Finding {
                file: file.to_string(),
                statement: i + 1,
                class,
                code,
                message,
            })
        };
        let words: Vec<String> = statement.iter().map(Token::upper).collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let name = |at: usize| statement.get(at).map(Token::name).unwrap_or_default();
        match w.as_slice() {
            ["CREATE", "TABLE", ..] => {
                let table = name(2);
                if table.starts_with("_dbgen_new_") {
                    push(
                        Class::DataDependent,
                        "DD105",
                        format!(
                            "rebuilds table `{}` (SQLite): every row is copied; NOT NULL columns without a default fail on existing rows",
                            table.trim_start_matches("_dbgen_new_")
                        ),
                    );
                }
                created.push(table);
            }
            ["DROP", "TABLE", ..] => push(
                Class::Destructive,
                "DS101",
                format!("drops table `{}` and all its rows", name(2)),
            ),
            ["DROP", "INDEX", ..] => push(
                Class::Destructive,
                "DS103",
                format!("drops index `{}`", name(2)),
            ),
            ["ALTER", "TABLE", ..] => {
                let table = name(2);
                let rest = &w[3.min(w.len())..];
                let at = |needle: &[&str]| rest.windows(needle.len()).position(|win| win == needle);
                if let Some(p) = at(&["DROP", "COLUMN"]) {
                    push(
                        Class::Destructive,
                        "DS102",
                        format!("drops column `{table}.{}` and its data", name(3 + p + 2)),
                    );
                } else if at(&["DROP", "FOREIGN", "KEY"]).is_some()
                    || at(&["DROP", "CONSTRAINT"]).is_some()
                    || at(&["DROP", "PRIMARY", "KEY"]).is_some()
                {
                    push(
                        Class::Destructive,
                        "DS104",
                        format!("drops a constraint of `{table}`"),
                    );
                } else if let Some(p) = at(&["RENAME", "COLUMN"]) {
                    push(
                        Class::BackwardIncompatible,
                        "BC102",
                        format!(
                            "renames column `{table}.{}`: code still using the old name breaks",
                            name(3 + p + 2)
                        ),
                    );
                } else if at(&["RENAME", "TO"]).is_some() {
                    push(
                        Class::BackwardIncompatible,
                        "BC101",
                        format!("renames table `{table}`: code still using the old name breaks"),
                    );
                } else if at(&["SET", "NOT", "NULL"]).is_some() {
                    push(
                        Class::DataDependent,
                        "DD101",
                        format!("makes a column of `{table}` NOT NULL: fails if a row holds NULL"),
                    );
                } else if at(&["TYPE"]).is_some()
                    || at(&["MODIFY", "COLUMN"]).is_some()
                    || (at(&["ALTER", "COLUMN"]).is_some() && !rest.contains(&"DEFAULT"))
                {
                    push(
                        Class::DataDependent,
                        "DD102",
                        format!(
                            "changes a column type of `{table}`: narrowing fails or truncates existing values"
                        ),
                    );
                } else if rest.first() == Some(&"ADD")
                    && rest.contains(&"NOT")
                    && rest.contains(&"NULL")
                    && !rest.contains(&"DEFAULT")
                    && !rest.contains(&"CONSTRAINT")
                    && !created.contains(&table)
                {
                    push(
                        Class::DataDependent,
                        "DD103",
                        format!(
                            "adds a NOT NULL column without a default to `{table}`: fails if the table has rows"
                        ),
                    );
                }
            }
            ["RENAME", "TABLE", ..] => push(
                Class::BackwardIncompatible,
                "BC101",
                format!(
                    "renames table `{}`: code still using the old name breaks",
                    name(2)
                ),
            ),
            ["EXEC", "SP_RENAME", ..] => push(
                Class::BackwardIncompatible,
                "BC103",
                "renames an object (sp_rename): code still using the old name breaks".to_string(),
            ),
            ["CREATE", "UNIQUE", "INDEX", ..] => {
                let on = w
                    .iter()
                    .position(|t| *t == "ON")
                    .map(|p| name(p + 1))
                    .unwrap_or_default();
                if !created.contains(&on) {
                    push(
                        Class::DataDependent,
                        "DD104",
                        format!(
                            "adds a unique index on existing table `{on}`: fails if it holds duplicates"
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    findings
}

#[cfg(test)]
mod tests;
