//! The columns a table's SQL expressions read: its checks and the `where`
//! of its partial indexes. A name there that the table does not have (a
//! field renamed or removed, the expression left as it was) passes the
//! engine that altered the table in place, which rewrote or kept the
//! expression, and fails wherever the table is created from the models:
//! a new environment, a test database. Found when a migration is written.

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, InTarget, Value,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::Dialect;
use crate::Error;
use crate::schema::{Schema, Table};

/// Refuses a check or index predicate of `schema` that reads a column its
/// table does not have.
pub(crate) fn check_expressions(dialect: Dialect, schema: &Schema) -> Result<(), Error> {
    for table in &schema.tables {
        let checks = table.checks.iter().map(|c| ("check", &*c.name, &*c.expr));
        let predicates = table
            .indexes
            .iter()
            .filter_map(|i| Some(("index", &*i.name, &**i.predicate.as_ref()?)));
        for (kind, name, expr) in checks.chain(predicates) {
            if dialect == Dialect::MySql
                && let Some(text) = quoted_column(table, expr)
            {
                return Err(Error::Expression(format!(
                    "{kind} `{name}` of `{}` writes \"{text}\", which MySQL and MariaDB read as the text '{text}', not the column (every row would fail the check: \"Truncated incorrect DECIMAL value\"); write the name unquoted, as every engine reads it",
                    table.name
                )));
            }
            // As it is written for the engine (SQL Server's `TRUE` is `1`).
            // An expression sqlparser cannot read is left to the engine.
            let written = match dialect {
                Dialect::SqlServer => super::sqlserver::tsql(expr),
                _ => expr.into(),
            };
            let Some(parsed) = parse(dialect, &written) else {
                continue;
            };
            if dialect == Dialect::SqlServer
                && kind == "index"
                && let Some(part) = unfiltered(&parsed)
            {
                return Err(Error::Expression(format!(
                    "index `{name}` of `{}` has `where = \"{expr}\"`, and SQL Server's filtered index takes no `{part}` (\"Incorrect WHERE clause for filtered index\"): it takes a column compared with a constant (`=`, `<>`, `<`, `>`, `<=`, `>=`), `IS [NOT] NULL` and `IN` of constants, joined by `AND`; write the predicate so, or leave the index without `where` for SQL Server",
                    table.name
                )));
            }
            // `||`: SQL Server before 2025 has none; MySQL stores it in a
            // check as the sql_mode of the migrating session reads it.
            let why_not_pipes = match dialect {
                Dialect::SqlServer => Some(
                    "SQL Server before 2025 has no `||` (\"Incorrect syntax near '|'\"): write concat(...), which every engine reads",
                ),
                Dialect::MySql if kind == "check" => Some(
                    "MySQL and MariaDB store `||` as OR unless the sql_mode of the session that runs the migration has PIPES_AS_CONCAT (sqlx sets it, the mysql and mariadb clients do not), so the check would depend on the tool that runs it: write concat(...), which every engine reads as PostgreSQL and SQLite read `||`",
                ),
                _ => None,
            };
            if let Some(why) = why_not_pipes
                && let Some(concat) = pipes(&parsed)
            {
                return Err(Error::Expression(format!(
                    "{kind} `{name}` of `{}` writes `{concat}`, and {why}",
                    table.name
                )));
            }
            if dialect == Dialect::Postgres
                && kind == "index"
                && let Some(part) = zone_dependent(table, &parsed)
            {
                return Err(Error::Expression(format!(
                    "index `{name}` of `{}` has `where = \"{expr}\"`, and `{part}` reads a date or time by the session's zone or date style, which PostgreSQL refuses in a partial index (\"functions in index predicate must be marked IMMUTABLE\"); compare the column with a constant of its own type (`created_at > '2024-01-01'`), or keep the rule in the application",
                    table.name
                )));
            }
            if let Some((call, why)) = refused_call(dialect, kind == "index", &parsed) {
                return Err(Error::Expression(format!(
                    "{kind} `{name}` of `{}` calls `{call}`: {why}",
                    table.name
                )));
            }
            let mut names = Vec::new();
            walk(&parsed, &mut names);
            if dialect == Dialect::MySql
                && kind == "check"
                && let Some(key) = table
                    .columns
                    .iter()
                    .find(|c| c.auto_increment && names.iter().any(|n| has_name(dialect, c, n)))
            {
                return Err(Error::Expression(format!(
                    "check `{name}` of `{}` reads `{}`, which is auto-increment: MySQL and MariaDB refuse such a check (error 1901, \"cannot be used in the CHECK clause\"), as the key is given after checks run; leave the key out of the check",
                    table.name, key.name
                )));
            }
            for column in names {
                if !has_column(dialect, table, &column) {
                    return Err(Error::Expression(format!(
                        "{kind} `{name}` of `{}` reads `{}`, which the table does not have (its columns: {}); write the expression with the model's column names (a renamed field's column is renamed in it too)",
                        table.name,
                        column.name,
                        table
                            .columns
                            .iter()
                            .map(|c| &*c.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
    }
    Ok(())
}

/// A double-quoted text in `expr` that names a column of `table`: quoted
/// as PostgreSQL and SQLite quote names, it is a string to MySQL.
fn quoted_column(table: &Table, expr: &str) -> Option<String> {
    let grammar = super::check::grammar(Dialect::MySql);
    let tokens = Tokenizer::new(grammar.as_ref(), expr).tokenize().ok()?;
    tokens.into_iter().find_map(|token| match token {
        Token::DoubleQuotedString(text)
            if table
                .columns
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&text)) =>
        {
            Some(text)
        }
        _ => None,
    })
}

/// A name an expression reads as a column.
#[derive(Debug, PartialEq)]
struct Name {
    name: String,
    /// Quoted: compared as written on PostgreSQL, which folds unquoted
    /// names to lower case; the other engines ignore case either way.
    quoted: bool,
}

fn has_column(dialect: Dialect, table: &Table, column: &Name) -> bool {
    table.columns.iter().any(|c| has_name(dialect, c, column))
}

/// Whether `name`, read from an expression, is `column`'s name.
fn has_name(dialect: Dialect, column: &crate::schema::Column, name: &Name) -> bool {
    if name.quoted && dialect == Dialect::Postgres {
        *column.name == name.name
    } else {
        column.name.eq_ignore_ascii_case(&name.name)
    }
}

/// The names `expr` reads as columns. An expression that does not parse,
/// or a part of one this walk does not know, reads none: the engine is
/// left to say what is wrong with it, and nothing valid is refused.
#[cfg(test)]
fn column_names(dialect: Dialect, expr: &str) -> Vec<Name> {
    let mut names = Vec::new();
    if let Some(parsed) = parse(dialect, expr) {
        walk(&parsed, &mut names);
    }
    names
}

/// `expr` parsed as one whole expression of `dialect`.
fn parse(dialect: Dialect, expr: &str) -> Option<Expr> {
    let grammar = super::check::grammar(dialect);
    Parser::new(grammar.as_ref())
        .try_with_sql(expr)
        .and_then(|mut parser| {
            let parsed = parser.parse_expr()?;
            parser.expect_token(&Token::EOF)?;
            Ok(parsed)
        })
        .ok()
}

/// The first part of `expr` that SQL Server's filtered index refuses in
/// its `WHERE` (error 10609), whose grammar is: conjuncts joined by `AND`,
/// each a column compared with a constant, `IS [NOT] NULL`, or `IN` of
/// constants. A constant may be compared with the column from either
/// side, and any part may be in parentheses.
fn unfiltered(expr: &Expr) -> Option<&Expr> {
    use sqlparser::ast::BinaryOperator as Op;
    fn column(expr: &Expr) -> bool {
        match expr {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => true,
            Expr::Nested(e) => column(e),
            _ => false,
        }
    }
    fn constant(expr: &Expr) -> bool {
        match expr {
            Expr::Value(_) => true,
            Expr::UnaryOp { expr, .. } | Expr::Nested(expr) => constant(expr),
            _ => false,
        }
    }
    match expr {
        Expr::Nested(e) => unfiltered(e),
        Expr::BinaryOp {
            left,
            op: Op::And,
            right,
        } => unfiltered(left).or_else(|| unfiltered(right)),
        Expr::BinaryOp {
            left,
            op: Op::Eq | Op::NotEq | Op::Lt | Op::LtEq | Op::Gt | Op::GtEq,
            right,
        } if (column(left) && constant(right)) || (constant(left) && column(right)) => None,
        Expr::IsNull(e) | Expr::IsNotNull(e) if column(e) => None,
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } if column(expr) && list.iter().all(constant) => None,
        _ => Some(expr),
    }
}

fn name(ident: &Ident) -> Name {
    Name {
        name: ident.value.clone(),
        quoted: ident.quote_style.is_some(),
    }
}

/// Functions whose value changes between calls or sessions, which MySQL
/// and MariaDB refuse in a check (error 1901; `UNIX_TIMESTAMP` without an
/// argument only).
const MYSQL_VOLATILE: &[&str] = &[
    "benchmark",
    "connection_id",
    "curdate",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "curtime",
    "database",
    "found_rows",
    "get_lock",
    "is_free_lock",
    "is_used_lock",
    "last_insert_id",
    "lastval",
    "localtime",
    "localtimestamp",
    "nextval",
    "now",
    "rand",
    "release_lock",
    "row_count",
    "schema",
    "session_user",
    "setval",
    "sleep",
    "sysdate",
    "system_user",
    "unix_timestamp",
    "user",
    "utc_date",
    "utc_time",
    "utc_timestamp",
    "uuid",
    "uuid_short",
    "version",
];

/// SQLite's date and time functions: deterministic unless given `'now'`.
const SQLITE_TIME: &[&str] = &[
    "date",
    "datetime",
    "julianday",
    "strftime",
    "time",
    "timediff",
    "unixepoch",
];

/// SQLite functions a partial index refuses when it is created.
const SQLITE_VOLATILE: &[&str] = &[
    "changes",
    "current_date",
    "current_time",
    "current_timestamp",
    "last_insert_rowid",
    "random",
    "randomblob",
    "total_changes",
];

/// The first part of `expr` (a PostgreSQL partial index's `where` on
/// `table`) whose value depends on the session's `TimeZone` or
/// `DateStyle`, which makes it `STABLE`, not `IMMUTABLE`: a cast of a
/// `timestamptz` column to another type, of a `timestamp` or `date` column
/// to `timestamptz`, or of a text column to a date or time; `EXTRACT`,
/// `date_part` or `date_trunc` of a `timestamptz` column.
fn zone_dependent(table: &Table, expr: &Expr) -> Option<String> {
    use crate::schema::ColumnType as T;
    use sqlparser::ast::{DataType, TimezoneInfo};
    let type_of = |e: &Expr| {
        let ident = match e {
            Expr::Identifier(ident) => ident,
            Expr::CompoundIdentifier(parts) => parts.last()?,
            _ => return None,
        };
        let column = name(ident);
        table
            .columns
            .iter()
            .find(|c| has_name(Dialect::Postgres, c, &column))
            .map(|c| c.ty)
    };
    let zoned = |e: &Expr| type_of(e) == Some(T::TimestampTz);
    let mut found = None;
    visit(expr, &mut |e| {
        if found.is_some() {
            return;
        }
        let dependent = match e {
            Expr::Cast {
                expr, data_type, ..
            } => {
                let to_zoned = matches!(
                    data_type,
                    DataType::Timestamp(_, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz)
                );
                let to_time = to_zoned
                    || matches!(
                        data_type,
                        DataType::Date | DataType::Time(..) | DataType::Timestamp(..)
                    );
                match type_of(expr) {
                    Some(T::TimestampTz) => !to_zoned,
                    Some(T::Timestamp | T::Date) => to_zoned,
                    Some(ty) if ty.is_text() => to_time,
                    _ => false,
                }
            }
            Expr::Extract { expr, .. } => zoned(expr),
            Expr::Function(function) => {
                matches!(
                    call_name(function).as_deref(),
                    Some("date_part" | "date_trunc")
                ) && call_args(function).iter().any(|a| zoned(a))
            }
            _ => false,
        };
        if dependent {
            found = Some(e.to_string());
        }
    });
    found
}

/// PostgreSQL functions that are not `IMMUTABLE`, which a partial index
/// refuses when it is created (`age` with one argument only: it counts
/// from today).
const POSTGRES_MUTABLE: &[&str] = &[
    "age",
    "clock_timestamp",
    "current_catalog",
    "current_database",
    "current_date",
    "current_role",
    "current_schema",
    "current_setting",
    "current_time",
    "current_timestamp",
    "current_user",
    "currval",
    "gen_random_uuid",
    "inet_client_addr",
    "lastval",
    "localtime",
    "localtimestamp",
    "nextval",
    "now",
    "pg_backend_pid",
    "random",
    "session_user",
    "setval",
    "statement_timestamp",
    "timeofday",
    "to_char",
    "to_date",
    "transaction_timestamp",
    "user",
    "uuid_generate_v1",
    "uuid_generate_v4",
];

/// Functions of the other engines that T-SQL does not have ("... is not a
/// recognized built-in function name"), with what it has instead.
const SQLSERVER_MISSING: &[(&str, &str)] = &[
    ("char_length", "LEN(x), which leaves out trailing spaces"),
    (
        "character_length",
        "LEN(x), which leaves out trailing spaces",
    ),
    ("current_date", "CAST(SYSUTCDATETIME() AS DATE)"),
    ("date", "CAST(x AS DATE)"),
    ("datetime", "CAST(x AS DATETIME2)"),
    ("ifnull", "COALESCE(x, y)"),
    ("julianday", "DATEDIFF"),
    ("length", "LEN(x), which leaves out trailing spaces"),
    ("now", "SYSUTCDATETIME()"),
    ("random", "RAND()"),
    ("strftime", "FORMAT or CONVERT"),
    ("substr", "SUBSTRING(x, start, length)"),
];

/// The first call in `expr` (a check, or a partial index's `where` when
/// `index`) that `dialect`'s engine refuses there, as written:
/// - MySQL/MariaDB, in a check: a function of [`MYSQL_VOLATILE`];
/// - SQLite: a date or time function given `'now'`, `'localtime'` or
///   `'utc'`, which it takes in the table and refuses on every row
///   written; in an index, also the functions of [`SQLITE_VOLATILE`];
/// - PostgreSQL, in an index: a function of [`POSTGRES_MUTABLE`] (it
///   takes them in a check);
/// - SQL Server: a function of [`SQLSERVER_MISSING`].
///
/// Returns the call and what the engine does with it.
fn refused_call(dialect: Dialect, index: bool, expr: &Expr) -> Option<(String, String)> {
    let mut found = None;
    visit(expr, &mut |e| {
        if found.is_some() {
            return;
        }
        let called = match e {
            Expr::Function(function) => call_name(function),
            _ => None,
        };
        if dialect == Dialect::SqlServer {
            let instead = match e {
                // Forms sqlparser reads apart from other calls.
                Expr::Substring {
                    shorthand: true, ..
                } => Some("SUBSTRING(x, start, length)"),
                Expr::Position { .. } => Some("CHARINDEX(needle, x)"),
                Expr::Extract { .. } => Some("DATEPART(part, x)"),
                _ => called.as_deref().and_then(|name| {
                    SQLSERVER_MISSING
                        .iter()
                        .find(|(missing, _)| *missing == name)
                        .map(|(_, instead)| *instead)
                }),
            };
            if let Some(instead) = instead {
                found = Some((
                    e.to_string(),
                    format!(
                        "SQL Server has no such function (\"is not a recognized built-in function name\"); T-SQL writes {instead}, or keep the rule in the application"
                    ),
                ));
            }
            return;
        }
        let (Expr::Function(function), Some(name)) = (e, called) else {
            return;
        };
        let args = call_args(function);
        // `'now'`, and the `'localtime'` and `'utc'` modifiers, which read
        // the machine's zone: SQLite's date functions given one are not
        // deterministic.
        let now = || {
            args.iter().any(|a| {
                matches!(a, Expr::Value(v) if matches!(&v.value, Value::SingleQuotedString(t)
                    if ["now", "localtime", "utc"].iter().any(|w| t.trim().eq_ignore_ascii_case(w))))
            })
        };
        let why = match dialect {
            Dialect::MySql
                if !index
                    && MYSQL_VOLATILE.contains(&name.as_str())
                    && (name != "unix_timestamp" || args.is_empty()) =>
            {
                "MySQL and MariaDB refuse it in a check (error 1901: its value changes between calls or sessions)"
            }
            Dialect::Sqlite if SQLITE_TIME.contains(&name.as_str()) && now() => {
                "SQLite creates the table or index, then refuses every row written (\"non-deterministic use of ...\")"
            }
            Dialect::Sqlite if index && SQLITE_VOLATILE.contains(&name.as_str()) => {
                "SQLite refuses it in a partial index (\"non-deterministic functions prohibited\")"
            }
            Dialect::Postgres
                if index
                    && POSTGRES_MUTABLE.contains(&name.as_str())
                    && (name != "age" || args.len() == 1) =>
            {
                "PostgreSQL refuses it in a partial index (\"functions in index predicate must be marked IMMUTABLE\": its value changes between calls or sessions)"
            }
            _ => return,
        };
        found = Some((
            e.to_string(),
            format!(
                "{why}; compare with a column or a constant, or keep the rule in the application"
            ),
        ));
    });
    found
}

/// The name `function` is called by, in lower case (the last part of a
/// qualified name).
fn call_name(function: &sqlparser::ast::Function) -> Option<String> {
    function
        .name
        .0
        .last()
        .and_then(|p| p.as_ident())
        .map(|name| name.value.to_ascii_lowercase())
}

/// The plain arguments `function` is called with.
fn call_args(function: &sqlparser::ast::Function) -> Vec<&Expr> {
    match &function.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The first `a || b` in `expr`.
fn pipes(expr: &Expr) -> Option<String> {
    let mut found = None;
    visit(expr, &mut |e| {
        if found.is_none()
            && let Expr::BinaryOp {
                op: sqlparser::ast::BinaryOperator::StringConcat,
                ..
            } = e
        {
            found = Some(e.to_string());
        }
    });
    found
}

/// A note when check `expr` (named `name`, of `table`) calls `LENGTH`,
/// which MySQL and MariaDB count in bytes, where PostgreSQL and SQLite
/// count characters: a text past ASCII meets another limit there.
pub(crate) fn byte_length_note(table: &str, name: &str, expr: &str) -> Option<String> {
    let parsed = parse(Dialect::MySql, expr)?;
    let mut calls = false;
    visit(&parsed, &mut |e| {
        if let Expr::Function(function) = e
            && call_name(function).as_deref() == Some("length")
        {
            calls = true;
        }
    });
    calls.then(|| {
        format!(
            "check `{name}` of `{table}` calls LENGTH, which MySQL and MariaDB count in bytes (two to four a character past ASCII), where PostgreSQL and SQLite count characters; CHAR_LENGTH counts characters on MySQL, MariaDB and PostgreSQL"
        )
    })
}

/// Collects the column names of `expr` (the last part of a qualified
/// name) into `names`.
fn walk(expr: &Expr, names: &mut Vec<Name>) {
    visit(expr, &mut |e| match e {
        Expr::Identifier(ident) => names.push(name(ident)),
        Expr::CompoundIdentifier(parts) => names.extend(parts.last().map(name)),
        _ => {}
    });
}

/// Calls `f` on `expr` and on each expression inside it that can name a
/// column or call a function, outside in.
fn visit(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    match expr {
        Expr::IsFalse(e)
        | Expr::IsNotFalse(e)
        | Expr::IsTrue(e)
        | Expr::IsNotTrue(e)
        | Expr::IsNull(e)
        | Expr::IsNotNull(e)
        | Expr::IsUnknown(e)
        | Expr::IsNotUnknown(e)
        | Expr::Nested(e)
        | Expr::UnaryOp { expr: e, .. }
        | Expr::Cast { expr: e, .. }
        | Expr::Collate { expr: e, .. } => visit(e, f),
        Expr::IsDistinctFrom(a, b)
        | Expr::IsNotDistinctFrom(a, b)
        | Expr::BinaryOp {
            left: a, right: b, ..
        }
        | Expr::AnyOp {
            left: a, right: b, ..
        }
        | Expr::AllOp {
            left: a, right: b, ..
        }
        | Expr::Like {
            expr: a,
            pattern: b,
            ..
        }
        | Expr::ILike {
            expr: a,
            pattern: b,
            ..
        }
        | Expr::SimilarTo {
            expr: a,
            pattern: b,
            ..
        }
        | Expr::RLike {
            expr: a,
            pattern: b,
            ..
        } => {
            visit(a, f);
            visit(b, f);
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            for e in [expr, low, high] {
                visit(e, f);
            }
        }
        Expr::In { expr, target, .. } => {
            visit(expr, f);
            if let InTarget::List(list) = target {
                list.iter().for_each(|e| visit(e, f));
            }
        }
        Expr::Tuple(list) => list.iter().for_each(|e| visit(e, f)),
        Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            visit(expr, f);
            substring_from.iter().for_each(|e| visit(e, f));
            substring_for.iter().for_each(|e| visit(e, f));
        }
        Expr::Position { expr, r#in } => {
            visit(expr, f);
            visit(r#in, f);
        }
        Expr::Extract { expr, .. } => visit(expr, f),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            operand.iter().for_each(|e| visit(e, f));
            for when in conditions {
                visit(&when.condition, f);
                visit(&when.result, f);
            }
            else_result.iter().for_each(|e| visit(e, f));
        }
        Expr::Function(function) => {
            if let FunctionArguments::List(list) = &function.args {
                for arg in &list.args {
                    let (FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                    | FunctionArg::Named {
                        arg: FunctionArgExpr::Expr(e),
                        ..
                    }) = arg
                    else {
                        continue;
                    };
                    visit(e, f);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{Name, column_names, parse, unfiltered};
    use crate::dialect::Dialect;

    fn read(dialect: Dialect, expr: &str) -> Vec<String> {
        column_names(dialect, expr)
            .into_iter()
            .map(|Name { name, .. }| name)
            .collect()
    }

    #[test]
    fn the_columns_an_expression_reads() {
        let pg = Dialect::Postgres;
        assert_eq!(read(pg, "price > 0"), ["price"]);
        assert_eq!(read(pg, "\"Price\" > 0 AND qty >= 1"), ["Price", "qty"]);
        assert_eq!(
            read(pg, "length(code) BETWEEN 2 AND 3 AND status IN ('a', 'b')"),
            ["code", "status"]
        );
        assert_eq!(read(pg, "CAST(total AS numeric) > 0"), ["total"]);
        assert_eq!(
            read(pg, "total::numeric > 0 AND t.amount > 1"),
            ["total", "amount"]
        );
        assert_eq!(read(pg, "name COLLATE \"C\" <> ''"), ["name"]);
        assert_eq!(
            read(pg, "deleted_at IS NULL AND CURRENT_TIMESTAMP > created_at"),
            ["deleted_at", "created_at"]
        );
        assert_eq!(read(Dialect::MySql, "`qty` > 0"), ["qty"]);
        assert_eq!(read(Dialect::SqlServer, "[qty] > 0"), ["qty"]);
        assert_eq!(read(pg, "note = 'it''s' OR note IS NULL"), ["note", "note"]);
        assert_eq!(
            read(pg, "CASE WHEN kind = 'a' THEN qty > 0 ELSE TRUE END"),
            ["kind", "qty"]
        );
        assert_eq!(
            read(Dialect::Sqlite, "value <> '' AND date IS NOT NULL"),
            ["value", "date"]
        );
        // Not parsed: nothing to say.
        assert!(read(pg, "'unterminated").is_empty());
        assert!(read(pg, "a > 0 b").is_empty());
    }

    #[test]
    fn what_a_sql_server_filtered_index_takes() {
        let refused = |expr: &str| {
            let parsed = parse(Dialect::SqlServer, expr).expect("parses"); // ok: test input
            unfiltered(&parsed).map(ToString::to_string)
        };
        for taken in [
            "deleted_at IS NULL",
            "[qty] > 0 AND [qty] <= 10",
            "(status = 'active') AND (code IS NOT NULL)",
            "status IN ('a', 'b') AND -1 < qty",
            "kind <> N'x' AND t.amount != 2.5",
        ] {
            assert_eq!(refused(taken), None, "{taken}");
        }
        for (expr, part) in [
            (
                "status = 'a' OR status = 'b'",
                "status = 'a' OR status = 'b'",
            ),
            ("qty > 0 AND NOT archived = 1", "NOT archived = 1"),
            ("lower(code) = 'x'", "lower(code) = 'x'"),
            ("qty BETWEEN 1 AND 3", "qty BETWEEN 1 AND 3"),
            ("code LIKE 'a%'", "code LIKE 'a%'"),
            ("status NOT IN ('a')", "status NOT IN ('a')"),
            ("low < high", "low < high"),
        ] {
            assert_eq!(refused(expr).as_deref(), Some(part), "{expr}");
        }
        // Unparsed: left to the engine.
        assert_eq!(parse(Dialect::SqlServer, "a > 0 b"), None);
    }
}
