//! Cross-field rules, one function each. Every rule records its errors in
//! the context and returns; none stops the others, so a derive reports all
//! of its mistakes at once.

use std::collections::BTreeMap;

use proc_macro2::Span;

use crate::attrs::flag_span;
use crate::ctxt::Ctxt;
use crate::ir::{Field, Model, PrimaryKey, type_name};
use crate::shared::logical::{ColumnType, FkAction};
use crate::shared::names::{check_identifier, closest};

/// Rust types whose column is an integer without a `type = "..."`.
const INTEGER_TYPES: &[&str] = &["i8", "i16", "i32", "i64", "u8", "u16", "u32"];

pub fn check(cx: &mut Ctxt, model: &Model) {
    // Rules about one field or one value hold whatever else failed.
    check_table_name(cx, model);
    check_column_names(cx, model);
    check_renamed_from(cx, model);
    check_skip_alone(cx, model);
    check_references(cx, model);
    if !model.complete {
        return;
    }
    check_duplicate_columns(cx, model);
    check_has_columns(cx, model);
    check_primary_key(cx, model);
    check_auto_increment(cx, model);
    check_type_conflicts(cx, model);
    check_defaults(cx, model);
    check_soft_delete(cx, model);
    check_timestamps(cx, model);
    check_indexes(cx, model);
    check_constraint_names(cx, model);
}

/// Whether a field's column is an integer, as far as the derive can tell.
pub fn is_integer(field: &Field) -> bool {
    match field.explicit_type {
        Some(ty) => ty.is_integer(),
        None => type_name(field.option_inner.unwrap_or(field.ty))
            .is_some_and(|name| INTEGER_TYPES.contains(&name.as_str())),
    }
}

fn identifier(cx: &mut Ctxt, what: &str, name: &str, span: Span) {
    if let Err(problem) = check_identifier(name) {
        cx.error(span, problem.describe(what, name));
    }
}

/// Rule: the table name is a valid identifier.
fn check_table_name(cx: &mut Ctxt, model: &Model) {
    identifier(cx, "table", &model.table, model.table_span);
}

/// Rule: every column name is a valid identifier.
fn check_column_names(cx: &mut Ctxt, model: &Model) {
    for field in model.columns() {
        identifier(cx, "column", &field.column, field.column_span);
    }
}

/// Rule: two fields may not map to one column. Names that differ in ASCII
/// case only are one column to SQLite, MySQL and SQL Server, which compare
/// column names ignoring case (PostgreSQL alone would take both).
fn check_duplicate_columns(cx: &mut Ctxt, model: &Model) {
    let mut seen: BTreeMap<String, &Field> = BTreeMap::new();
    for field in model.columns() {
        if let Some(first) = seen.insert(field.column.to_ascii_lowercase(), field) {
            let message = if first.column == field.column {
                format!(
                    "fields `{}` and `{}` both map to column `{}`; give one of them another #[column(name = \"...\")]",
                    first.ident, field.ident, field.column
                )
            } else {
                format!(
                    "fields `{}` and `{}` map to columns `{}` and `{}`, one column to SQLite, MySQL and SQL Server, which compare column names ignoring case; give one of them another #[column(name = \"...\")]",
                    first.ident, field.ident, first.column, field.column
                )
            };
            cx.error(field.column_span, message);
        }
    }
}

/// Rule: `renamed_from` names a different, valid identifier.
fn check_renamed_from(cx: &mut Ctxt, model: &Model) {
    if let Some(old) = &model.attrs.renamed_from {
        if **old == model.table {
            cx.error(
                old.span(),
                format!("`renamed_from = \"{}\"` is the table's current name; remove it, or name the table's previous name", old.as_str()),
            );
        } else {
            identifier(cx, "previous table", old, old.span());
        }
    }
    let columns: Vec<_> = model.columns().collect();
    for (n, field) in columns.iter().enumerate() {
        let Some(old) = &field.attrs.renamed_from else {
            continue;
        };
        if **old == field.column {
            cx.error(
                old.span(),
                format!("`renamed_from = \"{}\"` is the column's current name; remove it, or name the column's previous name", old.as_str()),
            );
        } else if let Some(other) = columns.iter().find(|f| *f.column == **old) {
            // The old name stays: no rename can free it (a swap, a chain,
            // or a hint left from a rename applied long ago).
            cx.error(
                old.span(),
                format!("`renamed_from = \"{}\"` names the column of field `{}`, which this model still has; a rename needs its old name to go: remove the hint if the rename was applied earlier, or rename in two migrations (swap through a name neither has)", old.as_str(), other.ident),
            );
        } else if let Some(first) = columns[..n]
            .iter()
            .find(|f| f.attrs.renamed_from.as_deref() == Some(&**old))
        {
            cx.error(
                old.span(),
                format!("field `{}` has `renamed_from = \"{}\"` too; only one column can take its place: remove one of the hints", first.ident, old.as_str()),
            );
        } else {
            identifier(cx, "previous column", old, old.span());
        }
    }
}

/// Rule: `skip` stands alone: a skipped field is no column, so no other key applies.
fn check_skip_alone(cx: &mut Ctxt, model: &Model) {
    for field in model.fields.iter().filter(|f| f.is_skipped()) {
        for (key, span) in field.attrs.keys_besides_skip() {
            cx.error(
                span,
                format!("`{key}` has no effect on a `skip` field, which is not a column; remove `{key}` or `skip`"),
            );
        }
    }
}

/// Rule: a model has at least one column.
fn check_has_columns(cx: &mut Ctxt, model: &Model) {
    if model.columns().next().is_none() {
        cx.error(
            model.ident.span(),
            "a model needs at least one column; every field is `skip`",
        );
    }
}

/// Rules: one way to declare the key; exactly one key; no nullable key field.
fn check_primary_key(cx: &mut Ctxt, model: &Model) {
    let marked: Vec<&Field> = model
        .columns()
        .filter(|f| f.attrs.primary_key.is_present())
        .collect();
    match model.primary_key() {
        PrimaryKey::Composite(list) => {
            for field in marked {
                cx.error(
                    field.attrs.primary_key.span(),
                    "the key is already declared by #[model(primary_key(columns(...)))]; remove this `primary_key` or that one",
                );
            }
            unknown_columns(cx, model, list.0.iter().map(|c| (c.as_str(), c.span())));
        }
        PrimaryKey::Fields(fields) if fields.len() > 1 => {
            let names: Vec<String> = fields.iter().map(|f| format!("\"{}\"", f.column)).collect();
            for field in &fields[1..] {
                cx.error(
                    field.attrs.primary_key.span(),
                    format!(
                        "more than one field is `primary_key`; for a composite key write #[model(primary_key(columns({})))] instead",
                        names.join(", ")
                    ),
                );
            }
        }
        PrimaryKey::Missing => cx.error(
            model.ident.span(),
            "the model has no primary key; mark a field #[column(primary_key)], name one `id`, or add #[model(primary_key(columns(...)))]",
        ),
        PrimaryKey::Fields(_) | PrimaryKey::ImplicitId(_) => {}
    }
    for name in model.primary_key_columns() {
        let Some(field) = model.column(&name) else {
            continue;
        };
        let message = format!(
            "primary key column `{name}` cannot be NULL; use a non-Option type and drop `nullable`"
        );
        match flag_span(&field.attrs.nullable) {
            Some(span) => cx.error(span, message),
            None if field.option_inner.is_some() => cx.error_spanned(field.ty, message),
            None => {}
        }
    }
}

/// Rules: `auto_increment` only on an integer single-column primary key.
fn check_auto_increment(cx: &mut Ctxt, model: &Model) {
    let key = model.single_key_field().map(|f| f.column.as_str());
    for field in model.columns() {
        let Some(auto) = &field.attrs.auto_increment else {
            continue;
        };
        if !**auto {
            continue;
        }
        if !is_integer(field) {
            cx.error(
                auto.span(),
                "`auto_increment` needs an integer column (i16, i32, i64, or #[column(type = \"bigint\")])",
            );
        } else if key != Some(field.column.as_str()) {
            cx.error(
                auto.span(),
                "`auto_increment` applies to the model's single-column primary key only",
            );
        }
    }
}

/// Rule: keys that each fix the type or nullability do not contradict each other.
fn check_type_conflicts(cx: &mut Ctxt, model: &Model) {
    for field in model.columns() {
        if let (Some(_), Some(size)) = (&field.attrs.ty, &field.attrs.size) {
            cx.error(
                size.span(),
                "`size` and `type` both set the column type; keep one, e.g. type = \"varchar(200)\"",
            );
        }
    }
}

/// Rules: `soft_delete` needs its column, as `Option<timestamp>`; the field
/// marker needs the model flag; at most one marked field.
fn check_soft_delete(cx: &mut Ctxt, model: &Model) {
    let marked: Vec<&Field> = model
        .columns()
        .filter(|f| f.attrs.soft_delete.is_present())
        .collect();
    for field in marked.iter().skip(1) {
        cx.error(
            field.attrs.soft_delete.span(),
            "only one field can be the soft-delete column",
        );
    }
    if !model.attrs.soft_delete.is_present() {
        for field in marked {
            cx.error(
                field.attrs.soft_delete.span(),
                "`#[column(soft_delete)]` marks the column of a soft-delete model; add #[model(soft_delete)] to the struct",
            );
        }
        return;
    }
    match model.soft_delete_field() {
        None => cx.error(
            model.attrs.soft_delete.span(),
            "`soft_delete` needs a nullable timestamp field: add `pub deleted_at: Option<chrono::DateTime<chrono::Utc>>` or mark one #[column(soft_delete)]",
        ),
        Some(field) if field.option_inner.is_none() => cx.error_spanned(
            field.ty,
            format!(
                "the soft-delete field `{}` must be an Option (NULL marks a live row), e.g. Option<chrono::DateTime<chrono::Utc>>",
                field.ident
            ),
        ),
        Some(_) => {}
    }
}

/// Rule: `timestamps` needs `created_at` and `updated_at`.
fn check_timestamps(cx: &mut Ctxt, model: &Model) {
    if !model.attrs.timestamps.is_present() {
        return;
    }
    for name in ["created_at", "updated_at"] {
        if model.column(name).is_none() {
            cx.error(
                model.attrs.timestamps.span(),
                format!("`timestamps` needs a field `{name}`: add `pub {name}: Option<chrono::DateTime<chrono::Utc>>`"),
            );
        }
    }
}

/// Rules: indexes name existing columns, have valid and distinct names.
fn check_indexes(cx: &mut Ctxt, model: &Model) {
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for index in model.indexes() {
        unknown_columns(
            cx,
            model,
            index.columns.iter().map(|(c, s)| (c.as_str(), *s)),
        );
        identifier(cx, "index", &index.name, index.name_span);
        if seen.insert(index.name.clone(), index.name_span).is_some() {
            cx.error(
                index.name_span,
                format!(
                    "two indexes are named `{}`; give one of them another `name`",
                    index.name
                ),
            );
        }
        if let Some(predicate) = &index.predicate
            && predicate.trim().is_empty()
        {
            cx.error(
                index.name_span,
                "`where` is empty; write the predicate, e.g. where = \"status = 'active'\"",
            );
        }
    }
}

/// Rules: referenced names are identifiers; FK actions need `references`;
/// `set null` needs a column that can hold NULL (MySQL refuses the key,
/// the other engines fail when the referenced row goes), and `set
/// default` a default or such a column.
fn check_references(cx: &mut Ctxt, model: &Model) {
    for field in model.columns() {
        match (&field.references, &field.attrs.references) {
            (Some(reference), Some(text)) => {
                identifier(cx, "referenced table", &reference.table, text.span());
                identifier(cx, "referenced column", &reference.column, text.span());
                let nullable =
                    field.option_inner.is_some() || flag_span(&field.attrs.nullable).is_some();
                for (action, written) in [
                    (field.on_delete, &field.attrs.on_delete),
                    (field.on_update, &field.attrs.on_update),
                ] {
                    if let (FkAction::SetNull, false, Some(written)) = (action, nullable, written) {
                        cx.error(
                            written.span(),
                            format!(
                                "`set null` needs a column that can hold NULL, and `{}` cannot: make the field `Option<...>`, or choose another action",
                                field.column
                            ),
                        );
                    }
                    // Without a default, SET DEFAULT writes NULL.
                    if let (FkAction::SetDefault, false, None, Some(written)) =
                        (action, nullable, &field.attrs.default, written)
                    {
                        cx.error(
                            written.span(),
                            format!(
                                "`set default` needs a default for `{}` (without one it sets NULL, which the column cannot hold): add `default = \"...\"`, or choose another action",
                                field.column
                            ),
                        );
                    }
                }
            }
            (None, None) => {
                for action in [&field.attrs.on_delete, &field.attrs.on_update]
                    .into_iter()
                    .flatten()
                {
                    cx.error(
                        action.span(),
                        "`on_delete`/`on_update` apply to a foreign key; add `references = \"table(column)\"`",
                    );
                }
            }
            _ => {}
        }
    }
}

/// Rule: check constraints have valid, distinct names and a non-empty expression.
fn check_constraint_names(cx: &mut Ctxt, model: &Model) {
    let mut seen = BTreeMap::new();
    for check in &model.attrs.check {
        identifier(cx, "check constraint", &check.name, check.name.span());
        if seen.insert(check.name.as_str(), ()).is_some() {
            cx.error(
                check.name.span(),
                format!("two checks are named `{}`", check.name.as_str()),
            );
        }
        if check.expr.trim().is_empty() {
            cx.error(check.expr.span(), "the check expression is empty");
        }
    }
}

/// Reports each listed name that is not a column, with a suggestion.
fn unknown_columns<'n>(cx: &mut Ctxt, model: &Model, names: impl Iterator<Item = (&'n str, Span)>) {
    for (name, span) in names {
        if model.column(name).is_some() {
            continue;
        }
        let by_field = model
            .columns()
            .find(|f| f.ident == name)
            .map(|f| f.column.clone());
        let hint = by_field
            .or_else(|| closest(name, model.columns().map(|f| f.column.as_str())))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        cx.error(
            span,
            format!("`{name}` is not a column of table `{}`{hint}", model.table),
        );
    }
}

impl Field<'_> {
    /// The span of the field's type.
    pub fn ty_span(&self) -> Span {
        syn::spanned::Spanned::span(self.ty)
    }
}

/// SQL words a default may be on its own: constants and the time and user
/// functions called without parentheses.
const DEFAULT_WORDS: &[&str] = &[
    "TRUE",
    "FALSE",
    "NULL",
    "CURRENT_TIMESTAMP",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "CURRENT_USER",
    "SESSION_USER",
];

/// What a default's SQL is, as far as the rule below needs to know.
#[derive(Debug, PartialEq)]
enum DefaultSql<'a> {
    /// `'text'` (quotes doubled inside), with its text.
    Text(String),
    /// `12`, `-1.5`, `2e3`.
    Number,
    /// A bare word, upper-cased.
    Word(String),
    /// `"text"`: a name to PostgreSQL, text to MySQL and SQLite.
    DoubleQuoted,
    /// Anything else: a call, an operator, a parenthesized expression.
    Expression(&'a str),
}

fn classify(sql: &str) -> DefaultSql<'_> {
    let sql = sql.trim();
    if let Some(inner) = sql
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
        .filter(|inner| !inner.replace("''", "").contains('\''))
    {
        return DefaultSql::Text(inner.replace("''", "'"));
    }
    if sql.len() >= 2 && sql.starts_with('"') && sql.ends_with('"') {
        return DefaultSql::DoubleQuoted;
    }
    if is_number(sql) {
        return DefaultSql::Number;
    }
    let mut chars = sql.chars();
    if chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return DefaultSql::Word(sql.to_ascii_uppercase());
    }
    DefaultSql::Expression(sql)
}

/// A decimal number literal, signed, with an optional exponent.
fn is_number(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) || digits(fraction))
                && (whole.is_empty() || digits(whole))
                && (fraction.is_empty() || digits(fraction))
        }
        None => digits(mantissa),
    };
    mantissa && exponent.is_none_or(digits)
}

/// What a column holds, for checking its default: from `type = "..."`,
/// else from a built-in Rust type's name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Holds {
    Boolean,
    Number,
    Other,
}

fn holds(field: &Field) -> Holds {
    if let Some(ty) = field.explicit_type {
        return match ty {
            ColumnType::Boolean => Holds::Boolean,
            ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Decimal { .. } => Holds::Number,
            _ => Holds::Other,
        };
    }
    match type_name(field.option_inner.unwrap_or(field.ty)).as_deref() {
        Some("bool") => Holds::Boolean,
        Some("i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "f32" | "f64" | "Decimal") => {
            Holds::Number
        }
        _ => Holds::Other,
    }
}

/// Rule: a `default` is SQL the engines take for the column. SQLite takes
/// nearly anything (a bare word becomes text), while PostgreSQL and
/// MySQL refuse the table: a mistake here would fail in production only.
/// - A bare word other than a SQL constant names a column (PostgreSQL:
///   "cannot use column reference in DEFAULT expression"): text is quoted.
/// - A boolean's default is `true` or `false` (PostgreSQL refuses `1`,
///   MySQL a quoted word).
/// - A number's default is a number (PostgreSQL and MySQL refuse `'x'`
///   and `true`).
fn check_defaults(cx: &mut Ctxt, model: &Model) {
    for field in model.columns() {
        let Some(default) = &field.attrs.default else {
            continue;
        };
        let holds = holds(field);
        let problem = match classify(default) {
            DefaultSql::DoubleQuoted => Some(format!(
                "`default = \"{}\"` is in double quotes, which name a column to PostgreSQL (\"cannot use column reference in DEFAULT expression\") and are text to MySQL and SQLite; write text in single quotes: `default = \"'{}'\"`",
                default.as_str().replace('"', "\\\""),
                default.trim().trim_matches('"')
            )),
            DefaultSql::Word(word) if !DEFAULT_WORDS.contains(&word.as_str()) => Some(format!(
                "`default = \"{}\"` is SQL, where a bare word names a column; for the text, quote it: `default = \"'{}'\"`",
                default.as_str(),
                default.trim()
            )),
            DefaultSql::Number | DefaultSql::Text(_) if holds == Holds::Boolean => Some(format!(
                "`default = \"{}\"` on boolean column `{}`: write `default = \"true\"` or `default = \"false\"` (PostgreSQL refuses a number here, and MySQL a quoted word)",
                default.as_str(),
                field.column
            )),
            DefaultSql::Word(word)
                if holds == Holds::Number && (word == "TRUE" || word == "FALSE") =>
            {
                Some(format!(
                    "`default = \"{}\"` on numeric column `{}`: write a number, e.g. `default = \"{}\"`",
                    default.as_str(),
                    field.column,
                    u8::from(word == "TRUE")
                ))
            }
            DefaultSql::Text(text) if holds == Holds::Number && !is_number(text.trim()) => {
                Some(format!(
                    "`default = \"{}\"` on numeric column `{}` is text that is not a number; write a number without quotes, e.g. `default = \"0\"`",
                    default.as_str(),
                    field.column
                ))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            cx.error(default.span(), problem);
        }
    }
}

#[cfg(test)]
mod default_tests {
    use super::{DefaultSql, classify, is_number};

    #[test]
    fn defaults_are_told_apart() {
        assert_eq!(classify("'active'"), DefaultSql::Text("active".into()));
        assert_eq!(classify(" 'it''s' "), DefaultSql::Text("it's".into()));
        assert_eq!(classify("''"), DefaultSql::Text(String::new()));
        assert_eq!(classify("active"), DefaultSql::Word("ACTIVE".into()));
        assert_eq!(classify("\"active\""), DefaultSql::DoubleQuoted);
        assert_eq!(
            classify("current_timestamp"),
            DefaultSql::Word("CURRENT_TIMESTAMP".into())
        );
        assert_eq!(classify("-1.5"), DefaultSql::Number);
        assert_eq!(classify("now()"), DefaultSql::Expression("now()"));
        assert_eq!(classify("'a' || 'b'"), DefaultSql::Expression("'a' || 'b'"));
        for number in ["0", "-7", "+3", "1.5", ".5", "5.", "2e3", "1.5E-2"] {
            assert!(is_number(number), "{number}");
        }
        for other in ["", "-", ".", "e3", "1e", "1.2.3", "0x10", "1_000"] {
            assert!(!is_number(other), "{other}");
        }
    }
}
