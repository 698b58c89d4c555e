//! Lint of migration files: destructive changes (drops), data-dependent
//! changes (NOT NULL without a default, type changes, new uniqueness on a
//! table that may hold data, table rebuilds) and backward-incompatible ones
//! (renames, which break code still using the old name).
//!
//! Files are the source of truth (they may be edited or hand-written), so
//! lint reads their statements, not the diff that produced them.

mod tokens;

use std::fmt;

pub use tokens::NOLINT;
use tokens::{Token, statements};

use crate::dialect::{Dialect, REBUILD_PREFIX, SqlProblem};

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

/// Every code lint reports. A `-- dbgen:nolint CODE ...` comment right
/// before a statement leaves those codes out for it (`-- dbgen:nolint`
/// alone, every code), as Atlas's `atlas:nolint` does.
pub const CODES: [&str; 15] = [
    "DS101", "DS102", "DS103", "DS104", "DS105", "DS106", "DD101", "DD102", "DD103", "DD104",
    "DD105", "DD106", "BC101", "BC102", "BC103",
];

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

/// Lints the SQL text of one migration file written in `dialect`.
///
/// The file is read with the dialect's tokens, as `validate` reads it; a
/// file that does not tokenize (an unterminated string or comment) is an
/// error, since nothing after that point could be checked.
pub fn lint_sql(dialect: Dialect, file: &str, sql: &str) -> Result<Vec<Finding>, SqlProblem> {
    let mut findings = Vec::new();
    let mut created: Vec<String> = Vec::new();
    // SQLite table rebuilds (`CREATE TABLE "_dbgen_new_x"`, copy, drop
    // `x`, rename the copy to `x`): the drop and the rename are part of
    // the rebuild, which DD105 reports.
    let mut rebuilding: Vec<String> = Vec::new();
    let mut dropped_indexes: Vec<String> = Vec::new();
    for (i, cut) in statements(dialect, sql)?.iter().enumerate() {
        let statement = &cut.tokens;
        let mut push = |class, code: &'static str, message: String| {
            if !cut.nolint.allows(code) {
                return;
            }
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
        if let Some(columns) = &cut.drops {
            push(
                Class::Destructive,
                "DS102",
                format!(
                    "drops column(s) {columns} and their values (the table's rebuild leaves them out)"
                ),
            );
        }
        match w.as_slice() {
            ["CREATE", "TABLE", ..] => {
                let (table, _) = object_name(statement, 2);
                if let Some(rebuilt) = table.strip_prefix(REBUILD_PREFIX) {
                    rebuilding.push(rebuilt.to_string());
                    push(
                        Class::DataDependent,
                        "DD105",
                        format!(
                            "rebuilds table `{rebuilt}` (SQLite): every row is copied; NOT NULL columns without a default fail on existing rows"
                        ),
                    );
                }
                created.push(table);
            }
            // A temporary table holds only what this file put in it.
            ["CREATE", "TEMP" | "TEMPORARY", "TABLE", ..] => {
                created.push(object_name(statement, 3).0);
            }
            ["DROP", "TABLE", ..] => {
                for table in name_list(statement, 2) {
                    if let Some(at) = rebuilding.iter().position(|t| *t == table) {
                        rebuilding.remove(at);
                        continue;
                    }
                    if created.contains(&table) {
                        continue;
                    }
                    push(
                        Class::Destructive,
                        "DS101",
                        format!("drops table `{table}` and all its rows"),
                    );
                }
            }
            // Hand-written data migrations: emptying a table loses its
            // rows as a drop does (a DELETE with a WHERE is left alone).
            ["TRUNCATE", ..] => {
                let at = if w.get(1) == Some(&"TABLE") { 2 } else { 1 };
                for table in name_list(statement, at) {
                    if !created.contains(&table) {
                        push(
                            Class::Destructive,
                            "DS105",
                            format!("deletes every row of `{table}`"),
                        );
                    }
                }
            }
            ["DELETE", "FROM", ..] if !w.contains(&"WHERE") => {
                let (table, _) = object_name(statement, 2);
                if !created.contains(&table) {
                    push(
                        Class::Destructive,
                        "DS105",
                        format!("deletes every row of `{table}` (a DELETE without WHERE)"),
                    );
                }
            }
            ["DROP", kind @ ("SCHEMA" | "DATABASE"), ..] => {
                for name in name_list(statement, 2) {
                    push(
                        Class::Destructive,
                        "DS106",
                        format!(
                            "drops {} `{name}` and every table in it",
                            kind.to_ascii_lowercase()
                        ),
                    );
                }
            }
            ["DROP", "INDEX", ..] => {
                for index in name_list(statement, 2) {
                    dropped_indexes.push(index.clone());
                    push(
                        Class::Destructive,
                        "DS103",
                        format!("drops index `{index}`"),
                    );
                }
            }
            ["ALTER", "TABLE", ..] => {
                let (table, after) = object_name(statement, 2);
                let seen = Seen {
                    fresh: created.contains(&table),
                    rebuilt_copy: table.starts_with(REBUILD_PREFIX),
                    dropped_indexes: &dropped_indexes,
                };
                for (class, code, message) in alter_actions(dialect, statement, after)
                    .into_iter()
                    .filter_map(|action| alter_action(dialect, &table, &seen, action))
                {
                    push(class, code, message);
                }
            }
            // The copy of a SQLite rebuild renames the columns it copies
            // under another name (`INSERT OR ROLLBACK INTO`: a failed copy
            // ends the transaction).
            ["INSERT", "INTO", ..] | ["INSERT", "OR", _, "INTO", ..] => {
                let into = if w[1] == "OR" { 4 } else { 2 };
                let (copy, after) = object_name(statement, into);
                let Some(table) = copy.strip_prefix(REBUILD_PREFIX) else {
                    continue;
                };
                for (old, new) in rebuild_copy(statement, after) {
                    if old != new {
                        push(
                            Class::BackwardIncompatible,
                            "BC102",
                            format!(
                                "renames column `{table}.{old}` to `{new}` (in the rebuild's copy): code still using the old name breaks"
                            ),
                        );
                    }
                }
            }
            ["RENAME", "TABLE", ..] => {
                let (table, _) = object_name(statement, 2);
                push(Class::BackwardIncompatible, "BC101", table_renamed(&table));
            }
            // T-SQL `sp_rename 'object', 'new name' [, 'kind']`.
            ["EXEC" | "EXECUTE", "SP_RENAME", ..] => {
                let args: Vec<String> = statement
                    .iter()
                    .filter(|t| matches!(t, Token::Str(_)))
                    .map(Token::name)
                    .collect();
                // The object's name is a multi-part name, its parts
                // bracketed as dbgen writes them; shown without brackets.
                let shown: Vec<String> = args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| if i == 0 { unbracketed(a) } else { a.clone() })
                    .collect();
                let arg = |i: usize| shown.get(i).map(String::as_str).unwrap_or_default();
                match arg(2).to_ascii_uppercase().as_str() {
                    "" => push(Class::BackwardIncompatible, "BC101", table_renamed(arg(0))),
                    "COLUMN" => push(
                        Class::BackwardIncompatible,
                        "BC102",
                        format!(
                            "renames column `{}` to `{}`: code still using the old name breaks",
                            arg(0),
                            arg(1)
                        ),
                    ),
                    "INDEX" => {}
                    _ => push(
                        Class::BackwardIncompatible,
                        "BC103",
                        format!(
                            "renames object `{}` to `{}` (sp_rename): code still using the old name breaks",
                            arg(0),
                            arg(1)
                        ),
                    ),
                }
            }
            ["CREATE", "UNIQUE", ..] => {
                let on = w
                    .iter()
                    .position(|t| *t == "ON")
                    .map(|p| object_name(statement, p + 1).0)
                    .unwrap_or_default();
                // On a rebuild's copy, before the rows are copied into it,
                // the index is on the rows of the rebuilt table.
                let existing = match on.strip_prefix(REBUILD_PREFIX) {
                    Some(rebuilt) => Some(rebuilt.to_string()),
                    None => (!created.contains(&on)).then_some(on),
                };
                if let Some(on) = existing {
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
    Ok(findings)
}

/// `[a].[b]` as `a.b` (`]]` is `]`); other text as it is.
fn unbracketed(name: &str) -> String {
    if !name.starts_with('[') {
        return name.to_string();
    }
    let mut out = String::new();
    let mut chars = name.chars().peekable();
    let mut inside = false;
    while let Some(c) = chars.next() {
        match (c, inside) {
            ('[', false) => inside = true,
            (']', true) if chars.peek() == Some(&']') => {
                chars.next();
                out.push(']');
            }
            (']', true) => inside = false,
            (c, _) => out.push(c),
        }
    }
    out
}

fn table_renamed(table: &str) -> String {
    format!("renames table `{table}`: code still using the old name breaks")
}

/// The (possibly schema-qualified) name at `at`, after any `IF [NOT]
/// EXISTS`, `ONLY` or `CONCURRENTLY`, and the position after it.
fn object_name(statement: &[Token], mut at: usize) -> (String, usize) {
    let keyword = |at: usize| statement.get(at).map(Token::upper);
    loop {
        match keyword(at).as_deref() {
            Some("IF") => {
                at += 1;
                if keyword(at).as_deref() == Some("NOT") {
                    at += 1;
                }
                if keyword(at).as_deref() == Some("EXISTS") {
                    at += 1;
                }
            }
            Some("ONLY" | "CONCURRENTLY") => at += 1,
            _ => break,
        }
    }
    let mut name = statement.get(at).map(Token::name).unwrap_or_default();
    at += 1;
    while is_punct(statement.get(at), ".") {
        name.push('.');
        name.push_str(&statement.get(at + 1).map(Token::name).unwrap_or_default());
        at += 2;
    }
    (name, at)
}

/// The comma-separated names from `at` (`DROP TABLE a, b`).
fn name_list(statement: &[Token], at: usize) -> Vec<String> {
    let (first, mut at) = object_name(statement, at);
    let mut names = vec![first];
    while is_punct(statement.get(at), ",") {
        let (next, after) = object_name(statement, at + 1);
        names.push(next);
        at = after;
    }
    names
}

/// The `(source, target)` column pairs of a rebuild's copy, `INSERT INTO
/// copy (targets) SELECT sources FROM table`, from `at` (after the copy's
/// name); none if the statement has another shape.
fn rebuild_copy(statement: &[Token], at: usize) -> Vec<(String, String)> {
    // The names of the comma-separated items from `at` to the token `end`
    // (outside parentheses), and where they end. An item is a name, or one
    // of the expressions a rebuild copies a name with, whose first quoted
    // name it is: `COALESCE(name, default)` (a column made NOT NULL gets
    // its default), `date(name)` and `strftime(format, name) || ...` (a
    // date or time in its new type's form), `unhex(...)` and `lower(...)`
    // (a UUID as bytes or as text), `CAST(name AS ...)` (text as bytes, or
    // back), `CASE ... END` (a text read as a boolean). Any other item:
    // none.
    let names = |at: usize, end: &str| {
        let mut out = Vec::new();
        let (mut depth, mut item) = (0usize, at);
        for i in at.. {
            let token = statement.get(i)?;
            let last = match token {
                Token::Punct(p) if p == "(" => {
                    depth += 1;
                    continue;
                }
                Token::Punct(p) if p == ")" && depth > 0 => {
                    depth -= 1;
                    continue;
                }
                Token::Punct(p) if p == "," && depth == 0 => false,
                _ if depth == 0 && token.upper() == end => true,
                _ => continue,
            };
            let tokens = statement.get(item..i)?;
            let name = match tokens {
                [name @ (Token::Ident(_) | Token::Word(_))] => name,
                [call, Token::Punct(open), ..]
                    if open == "("
                        && matches!(
                            call.upper().as_str(),
                            "COALESCE" | "DATE" | "STRFTIME" | "UNHEX" | "LOWER" | "CAST"
                        ) =>
                {
                    tokens.iter().find(|t| matches!(t, Token::Ident(_)))?
                }
                // `CASE WHEN ... name ... END` (a text read as a boolean).
                [case, ..] if case.upper() == "CASE" => {
                    tokens.iter().find(|t| matches!(t, Token::Ident(_)))?
                }
                _ => return None,
            };
            out.push(name.name());
            item = i + 1;
            if last {
                return Some((out, i + 1));
            }
        }
        None
    };
    if !is_punct(statement.get(at), "(") {
        return Vec::new();
    }
    let Some((targets, at)) = names(at + 1, ")") else {
        return Vec::new();
    };
    if statement.get(at).map(Token::upper).as_deref() != Some("SELECT") {
        return Vec::new();
    }
    match names(at + 1, "FROM") {
        Some((sources, _)) if sources.len() == targets.len() => {
            sources.into_iter().zip(targets).collect()
        }
        _ => Vec::new(),
    }
}

fn is_punct(token: Option<&Token>, text: &str) -> bool {
    matches!(token, Some(Token::Punct(p)) if p == text)
}

/// The actions of `ALTER TABLE name action, action, ...`, each as its
/// tokens: cut at the commas outside parentheses.
fn alter_actions(dialect: Dialect, statement: &[Token], after: usize) -> Vec<&[Token]> {
    let rest = statement.get(after..).unwrap_or_default();
    // T-SQL lists several columns after one verb (`DROP COLUMN a, b`):
    // one action.
    if dialect == Dialect::SqlServer {
        return vec![rest];
    }
    let mut actions = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, token) in rest.iter().enumerate() {
        match token {
            Token::Punct(p) if p == "(" => depth += 1,
            Token::Punct(p) if p == ")" => depth = depth.saturating_sub(1),
            Token::Punct(p) if p == "," && depth == 0 => {
                actions.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    actions.push(&rest[start..]);
    actions
}

/// What the statements before an `ALTER TABLE` did to its table.
struct Seen<'a> {
    /// The table was created earlier in the same file: it holds no rows.
    fresh: bool,
    /// The table is the copy of a SQLite rebuild (`_dbgen_new_x`).
    rebuilt_copy: bool,
    /// Indexes dropped earlier in the file.
    dropped_indexes: &'a [String],
}

/// The finding of one `ALTER TABLE` action, if it has one.
fn alter_action(
    dialect: Dialect,
    table: &str,
    seen: &Seen<'_>,
    action: &[Token],
) -> Option<(Class, &'static str, String)> {
    let words: Vec<String> = action.iter().map(Token::upper).collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let has = |needle: &[&str]| w.windows(needle.len()).any(|win| win == needle);
    // Where the column's name starts: the `COLUMN` keyword is optional.
    let at = if w.get(1) == Some(&"COLUMN") { 2 } else { 1 };
    let column_at = |at: usize| object_name(action, at).0;
    let type_change = |column: &str| {
        Some((
            Class::DataDependent,
            "DD102",
            format!(
                "changes the type of `{table}.{column}`: narrowing fails or truncates existing values"
            ),
        ))
    };
    let incompatible = Class::BackwardIncompatible;
    let dependent = Class::DataDependent;
    match w.as_slice() {
        ["DROP", "CONSTRAINT" | "FOREIGN" | "PRIMARY" | "CHECK", ..] => Some((
            Class::Destructive,
            "DS104",
            format!("drops a constraint of `{table}`"),
        )),
        ["DROP", "INDEX" | "KEY", ..] => Some((
            Class::Destructive,
            "DS103",
            format!("drops index `{}` of `{table}`", column_at(2)),
        )),
        ["DROP", "DEFAULT" | "PERIOD" | "PARTITION" | "SYSTEM", ..] => None,
        // `DROP [COLUMN] name` (the keyword is optional in PostgreSQL and
        // MySQL); T-SQL may list several.
        ["DROP", ..] => {
            let columns = if dialect == Dialect::SqlServer {
                name_list(action, at)
            } else {
                vec![column_at(at)]
            };
            // MySQL's generated key column of a live-rows unique index
            // dropped before it holds no data of its own.
            if columns.iter().all(|c| {
                seen.dropped_indexes
                    .iter()
                    .any(|index| crate::dialect::live_marker(index) == *c)
            }) {
                return None;
            }
            let listed: Vec<String> = columns.iter().map(|c| format!("`{table}.{c}`")).collect();
            let (noun, their) = if listed.len() == 1 {
                ("column", "its")
            } else {
                ("columns", "their")
            };
            Some((
                Class::Destructive,
                "DS102",
                format!("drops {noun} {} and {their} data", listed.join(", ")),
            ))
        }
        ["RENAME", "TO" | "AS", ..] if seen.rebuilt_copy => None,
        ["RENAME", "TO" | "AS", ..] => Some((incompatible, "BC101", table_renamed(table))),
        ["RENAME", "INDEX" | "KEY" | "CONSTRAINT", ..] => None,
        ["RENAME", rest @ ..] => {
            if dialect == Dialect::MySql && rest.first() != Some(&"COLUMN") {
                // MySQL: `RENAME new_name` renames the table.
                return Some((incompatible, "BC101", table_renamed(table)));
            }
            Some((
                incompatible,
                "BC102",
                format!(
                    "renames column `{table}.{}`: code still using the old name breaks",
                    column_at(at)
                ),
            ))
        }
        // MySQL `CHANGE [COLUMN] old new definition`: a rename when the
        // names differ, and a new definition either way.
        ["CHANGE", ..] => {
            let (old, after) = object_name(action, at);
            let (new, _) = object_name(action, after);
            if old != new {
                Some((
                    incompatible,
                    "BC102",
                    format!(
                        "renames column `{table}.{old}` to `{new}` and redefines it: code still using the old name breaks"
                    ),
                ))
            } else {
                type_change(&old)
            }
        }
        ["MODIFY", ..] => type_change(&column_at(at)),
        ["ALTER", ..] => {
            let (column, after) = object_name(action, at);
            let what = &w[after.min(w.len())..];
            match what {
                ["SET", "NOT", "NULL", ..] => Some((
                    dependent,
                    "DD101",
                    format!("makes `{table}.{column}` NOT NULL: fails if a row holds NULL"),
                )),
                ["TYPE", ..] | ["SET", "DATA", "TYPE", ..] => type_change(&column),
                // Defaults, dropping NOT NULL, identity, statistics, ...
                ["SET" | "DROP" | "ADD" | "RESTART", ..] => None,
                // T-SQL: `ALTER COLUMN name type [NOT] NULL`.
                _ if dialect == Dialect::SqlServer => Some((
                    dependent,
                    "DD102",
                    format!(
                        "changes the type or nullability of `{table}.{column}`: narrowing fails or truncates existing values, NOT NULL fails on NULLs"
                    ),
                )),
                _ => None,
            }
        }
        _ if seen.fresh => None,
        ["ADD", rest @ ..] => {
            let constraint = match rest {
                ["CONSTRAINT", _, kind, ..] => Some(*kind),
                [kind @ ("UNIQUE" | "PRIMARY" | "CHECK" | "FOREIGN"), ..] => Some(*kind),
                _ => None,
            };
            match constraint {
                Some("UNIQUE" | "PRIMARY") => Some((
                    dependent,
                    "DD104",
                    format!(
                        "adds a unique key to existing table `{table}`: fails if it holds duplicates"
                    ),
                )),
                // PostgreSQL's NOT VALID leaves existing rows unchecked.
                Some("CHECK" | "FOREIGN") if !has(&["NOT", "VALID"]) => Some((
                    dependent,
                    "DD106",
                    format!(
                        "adds a check or foreign key to existing table `{table}`: fails if a row violates it"
                    ),
                )),
                Some(_) => None,
                None if has(&["NOT", "NULL"])
                    && !w.contains(&"DEFAULT")
                    && !w.contains(&"IDENTITY")
                    && !w.contains(&"GENERATED")
                    && !w.contains(&"AUTO_INCREMENT") =>
                {
                    // MySQL fills existing rows with the type's implicit
                    // default instead of failing.
                    let outcome = if dialect == Dialect::MySql {
                        "existing rows get the type's implicit default (0, '', a zero date)"
                    } else {
                        "fails if the table has rows"
                    };
                    Some((
                        dependent,
                        "DD103",
                        format!(
                            "adds NOT NULL column `{}` without a default to `{table}`: {outcome}",
                            column_at(at)
                        ),
                    ))
                }
                None => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
