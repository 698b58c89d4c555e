//! The columns a table's SQL expressions read: its checks and the `where`
//! of its partial indexes. A name there that the table does not have (a
//! field renamed or removed, the expression left as it was) passes the
//! engine that altered the table in place, which rewrote or kept the
//! expression, and fails wherever the table is created from the models:
//! a new environment, a test database. Found when a migration is written.

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, InTarget};
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
            if dialect == Dialect::SqlServer
                && kind == "index"
                && let Some(part) = parse(dialect, expr).as_ref().and_then(unfiltered)
            {
                return Err(Error::Expression(format!(
                    "index `{name}` of `{}` has `where = \"{expr}\"`, and SQL Server's filtered index takes no `{part}` (\"Incorrect WHERE clause for filtered index\"): it takes a column compared with a constant (`=`, `<>`, `<`, `>`, `<=`, `>=`), `IS [NOT] NULL` and `IN` of constants, joined by `AND`; write the predicate so, or leave the index without `where` for SQL Server",
                    table.name
                )));
            }
            for column in column_names(dialect, expr) {
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
    table.columns.iter().any(|c| {
        if column.quoted && dialect == Dialect::Postgres {
            *c.name == column.name
        } else {
            c.name.eq_ignore_ascii_case(&column.name)
        }
    })
}

/// The names `expr` reads as columns. An expression that does not parse,
/// or a part of one this walk does not know, reads none: the engine is
/// left to say what is wrong with it, and nothing valid is refused.
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

/// Collects the column names of `expr` (the last part of a qualified
/// name) into `names`.
fn walk(expr: &Expr, names: &mut Vec<Name>) {
    match expr {
        Expr::Identifier(ident) => names.push(name(ident)),
        Expr::CompoundIdentifier(parts) => names.extend(parts.last().map(name)),
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
        | Expr::Collate { expr: e, .. } => walk(e, names),
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
            walk(a, names);
            walk(b, names);
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            for e in [expr, low, high] {
                walk(e, names);
            }
        }
        Expr::In { expr, target, .. } => {
            walk(expr, names);
            if let InTarget::List(list) = target {
                list.iter().for_each(|e| walk(e, names));
            }
        }
        Expr::Tuple(list) => list.iter().for_each(|e| walk(e, names)),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            operand.iter().for_each(|e| walk(e, names));
            for when in conditions {
                walk(&when.condition, names);
                walk(&when.result, names);
            }
            else_result.iter().for_each(|e| walk(e, names));
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
                    walk(e, names);
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
            let parsed = parse(Dialect::SqlServer, expr).expect("parses");
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
