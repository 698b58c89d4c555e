//! The schema IR: plain data describing tables, as the derive emits it and as
//! `dbgen.schema.json` stores it.
//!
//! Every list is `Cow<'static, [T]>`, so static data needs no copy while
//! deserialized schemas own their data. Every string is a [`Str`]: names of
//! up to 23 bytes are stored inline, so comparing two schemas (the no-op
//! diff of thousands of tables) reads the structs and not a heap string per
//! name. Order is meaningful and stable:
//! columns keep field order, tables are sorted by name in a [`Schema`].

mod check;
mod logical;
pub mod names;
mod serde_impls;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

pub use logical::{ColumnType, FkAction, MAX_LENGTH, TYPE_NAMES, TypeParseError};

/// A name or SQL fragment: inline up to 23 bytes, `&'static str` for static
/// text, shared otherwise; derefs to `str` and converts from `&str`/`String`.
pub type Str = smol_str::SmolStr;
/// A list that is a `&'static [T]` when it comes from the derive.
pub type List<T> = Cow<'static, [T]>;

/// Version of the JSON layout of [`Schema`]; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole database schema: every table, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Layout version of this data ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Tables, sorted by name.
    pub tables: Vec<Table>,
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            format_version: FORMAT_VERSION,
            tables: Vec::new(),
        }
    }
}

impl Schema {
    /// A schema of `tables`, sorted by name so equal inputs give equal output.
    pub fn new(mut tables: Vec<Table>) -> Schema {
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Schema {
            format_version: FORMAT_VERSION,
            tables,
        }
    }

    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Pretty JSON with a trailing newline; byte-identical for equal schemas.
    pub fn to_json(&self) -> String {
        // Serializing plain data to a String has no failure path (no maps
        // with non-string keys, no custom error-raising impls).
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a schema from JSON, refusing unknown layout versions: the
    /// registry's export, or a migration directory's `dbgen.schema.json`
    /// (whose `dialect`, the one its SQL is written in, is not part of the
    /// schema and is left out here).
    pub fn from_json(text: &str) -> Result<Schema, crate::Error> {
        /// [`Schema`]'s layout with the snapshot's `dialect`.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            format_version: u32,
            #[serde(default, rename = "dialect")]
            _dialect: Option<String>,
            tables: Vec<Table>,
        }
        let file: File = serde_json::from_str(text).map_err(crate::Error::SchemaJson)?;
        if file.format_version != FORMAT_VERSION {
            return Err(crate::Error::SchemaVersion {
                found: file.format_version,
                supported: FORMAT_VERSION,
            });
        }
        let schema = Schema::new(file.tables);
        schema.check().map_err(crate::Error::InvalidSchema)?;
        Ok(schema)
    }
}

/// A schema's tables by name, for lookups. A schema's tables are kept in
/// name order, so nothing is built: a lookup tries the table after the
/// last one found and that one again (the diff looks tables up in name
/// order, so one of them is almost always it), then searches. Tables set out of order (the
/// field is public) get a hash map instead.
pub(crate) enum ByName<'s> {
    Sorted(&'s [Table], std::cell::Cell<usize>),
    Hashed(std::collections::HashMap<&'s str, usize>, &'s [Table]),
}

impl<'s> ByName<'s> {
    pub(crate) fn of(schema: &'s Schema) -> ByName<'s> {
        let tables = &schema.tables[..];
        if tables.windows(2).all(|w| w[0].name < w[1].name) {
            return ByName::Sorted(tables, std::cell::Cell::new(0));
        }
        let map = tables
            .iter()
            .enumerate()
            .map(|(i, t)| (&*t.name, i))
            .collect();
        ByName::Hashed(map, tables)
    }

    /// The position of the table called `name`.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        match self {
            ByName::Sorted(tables, next) => {
                // The table after the last one found, or that one again.
                let guess = next.get();
                let found = [guess, guess.wrapping_sub(1)]
                    .into_iter()
                    .find(|&i| tables.get(i).is_some_and(|t| t.name == name))
                    .or_else(|| tables.binary_search_by(|t| (*t.name).cmp(name)).ok());
                if let Some(i) = found {
                    next.set(i + 1);
                }
                found
            }
            ByName::Hashed(map, _) => map.get(name).copied(),
        }
    }

    /// The table called `name`.
    pub(crate) fn table(&self, name: &str) -> Option<&'s Table> {
        let tables = match self {
            ByName::Sorted(tables, _) | ByName::Hashed(_, tables) => *tables,
        };
        self.position(name).map(|i| &tables[i])
    }
}

/// One table, with the model behaviour that shapes its columns and indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Table name.
    pub name: Str,
    /// Columns in field order.
    pub columns: List<Column>,
    /// The primary key, single or composite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Indexes, unique ones included, sorted by name.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub indexes: List<Index>,
    /// Foreign keys, sorted by name.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub foreign_keys: List<ForeignKey>,
    /// Check constraints, sorted by name.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub checks: List<Check>,
    /// Table comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Str>,
    /// The table's previous name, a hint for a rename in the next migration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Str>,
    /// The soft-delete column (`deleted_at`), when the model has `soft_delete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete: Option<Str>,
    /// Whether changes made through dbgen are written to the audit log.
    #[serde(default, skip_serializing_if = "is_false")]
    pub audit: bool,
    /// Whether dbgen sets `created_at`/`updated_at`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub timestamps: bool,
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether the primary key, a foreign key or a check of the table uses
    /// column `name` (a check by naming it in its expression). Indexes are
    /// [`Index::uses`].
    pub fn constrains(&self, name: &str) -> bool {
        self.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|c| c == name))
            || self
                .foreign_keys
                .iter()
                .any(|fk| fk.columns.iter().any(|c| c == name))
            || self.checks.iter().any(|c| mentions(&c.expr, name))
    }

    /// Whether the table or one of its columns carries a `renamed_from`
    /// hint.
    pub(crate) fn has_hints(&self) -> bool {
        self.renamed_from.is_some() || self.columns.iter().any(|c| c.renamed_from().is_some())
    }

    /// Removes every rename hint (directions for one diff, not schema
    /// facts); the column list is copied only when a column has one.
    pub(crate) fn strip_hints(&mut self) {
        self.renamed_from = None;
        if self.columns.iter().any(|c| c.renamed_from().is_some()) {
            for column in self.columns.to_mut() {
                column.set_renamed_from(None);
            }
        }
    }
}

/// One column.
///
/// The attributes most columns leave unset (a Rust field named unlike the
/// column, a default, a comment, a rename hint) live behind one pointer, so
/// a column is 48 bytes and comparing two large schemas (the no-op diff)
/// reads half the memory. Read them with [`Column::field`],
/// [`Column::default`], [`Column::comment`], [`Column::renamed_from`]; set
/// them with the `set_` methods or the `with_` builders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: Str,
    /// Logical type.
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Whether the database generates the value (identity/auto-increment).
    pub auto_increment: bool,
    /// Whether the audit log stores `"[REDACTED]"` instead of the value.
    pub sensitive: bool,
    /// The rarely set attributes; `None` when all are unset, so equal
    /// columns are equal field by field.
    extra: Option<Box<Extra>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Extra {
    /// Only when it differs from the column name.
    field: Option<Str>,
    default: Option<Str>,
    comment: Option<Str>,
    renamed_from: Option<Str>,
}

impl Extra {
    fn is_empty(&self) -> bool {
        self.field.is_none()
            && self.default.is_none()
            && self.comment.is_none()
            && self.renamed_from.is_none()
    }
}

impl Column {
    /// A column read into a field of the same name, with no default,
    /// comment or rename hint.
    pub fn new(name: impl Into<Str>, ty: ColumnType, nullable: bool) -> Column {
        Column {
            name: name.into(),
            ty,
            nullable,
            auto_increment: false,
            sensitive: false,
            extra: None,
        }
    }

    /// The Rust field the column is read into and written from.
    pub fn field(&self) -> &str {
        self.extra
            .as_ref()
            .and_then(|e| e.field.as_deref())
            .unwrap_or(&self.name)
    }

    /// Default as an SQL expression, written as the user wrote it.
    pub fn default(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.default.as_deref())
    }

    /// Column comment.
    pub fn comment(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.comment.as_deref())
    }

    /// The column's previous name, a hint for a rename in the next migration.
    pub fn renamed_from(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.renamed_from.as_deref())
    }

    fn update(&mut self, change: impl FnOnce(&mut Extra)) {
        // Most columns have none of the rare attributes: the change works
        // on a value on the stack, so clearing one allocates nothing.
        let mut extra = self.extra.take().map_or_else(Extra::default, |e| *e);
        change(&mut extra);
        if extra.field.as_deref() == Some(&*self.name) {
            extra.field = None;
        }
        self.extra = (!extra.is_empty()).then(|| Box::new(extra));
    }

    /// Sets the Rust field the column is read into.
    pub fn set_field(&mut self, field: impl Into<Str>) {
        let field = field.into();
        self.update(|e| e.field = Some(field));
    }

    /// Sets or clears the default.
    pub fn set_default(&mut self, default: Option<Str>) {
        self.update(|e| e.default = default);
    }

    /// Sets or clears the comment.
    pub fn set_comment(&mut self, comment: Option<Str>) {
        self.update(|e| e.comment = comment);
    }

    /// Sets or clears the rename hint.
    pub fn set_renamed_from(&mut self, renamed_from: Option<Str>) {
        self.update(|e| e.renamed_from = renamed_from);
    }

    /// With the Rust field `field`.
    pub fn with_field(mut self, field: impl Into<Str>) -> Column {
        self.set_field(field);
        self
    }

    /// With the default `default` (an SQL expression).
    pub fn with_default(mut self, default: impl Into<Str>) -> Column {
        self.set_default(Some(default.into()));
        self
    }

    /// With the comment `comment`.
    pub fn with_comment(mut self, comment: impl Into<Str>) -> Column {
        self.set_comment(Some(comment.into()));
        self
    }

    /// With the rename hint `renamed_from`.
    pub fn with_renamed_from(mut self, renamed_from: impl Into<Str>) -> Column {
        self.set_renamed_from(Some(renamed_from.into()));
        self
    }
}

/// A column as JSON stores it (the field always written).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnJson<S> {
    name: S,
    field: S,
    #[serde(rename = "type")]
    ty: ColumnType,
    nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<S>,
    #[serde(default, skip_serializing_if = "is_false")]
    auto_increment: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    sensitive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<S>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    renamed_from: Option<S>,
}

impl Serialize for Column {
    fn serialize<Se: serde::Serializer>(&self, serializer: Se) -> Result<Se::Ok, Se::Error> {
        ColumnJson::<&str> {
            name: &self.name,
            field: self.field(),
            ty: self.ty,
            nullable: self.nullable,
            default: self.default(),
            auto_increment: self.auto_increment,
            sensitive: self.sensitive,
            comment: self.comment(),
            renamed_from: self.renamed_from(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = ColumnJson::<Str>::deserialize(deserializer)?;
        let mut column = Column::new(json.name, json.ty, json.nullable);
        column.auto_increment = json.auto_increment;
        column.sensitive = json.sensitive;
        let extra = Extra {
            field: (json.field != column.name).then_some(json.field),
            default: json.default,
            comment: json.comment,
            renamed_from: json.renamed_from,
        };
        column.extra = (!extra.is_empty()).then(|| Box::new(extra));
        Ok(column)
    }
}

/// The primary key of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKey {
    /// Constraint name (`pk_<table>`).
    pub name: Str,
    /// Key columns in order.
    pub columns: List<Str>,
}

/// An index; `unique` ones back unique constraints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Index name.
    pub name: Str,
    /// Indexed columns in order.
    pub columns: List<Str>,
    /// Whether the index enforces uniqueness.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Holds among live rows only (soft-delete column IS NULL). Dialects
    /// render it as a partial/filtered index, or an equivalent on MySQL.
    #[serde(default, skip_serializing_if = "is_false")]
    pub live_rows: bool,
    /// A user-written partial-index predicate (SQL), `index(where = "...")`.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<Str>,
}

impl Index {
    /// Whether the index, on `table`, uses column `name`: as a key column,
    /// in its `where`, or as the soft-delete column a live-rows index is
    /// filtered on.
    pub fn uses(&self, table: &Table, name: &str) -> bool {
        self.columns.iter().any(|c| c == name) || self.filters_on(table, name)
    }

    /// Whether the index, on `table`, holds only rows chosen by column
    /// `name`: its `where` names it, or it is the soft-delete column of a
    /// live-rows index.
    pub fn filters_on(&self, table: &Table, name: &str) -> bool {
        self.predicate.as_ref().is_some_and(|p| mentions(p, name))
            || (self.live_rows && table.soft_delete.as_deref() == Some(name))
    }
}

/// Whether SQL expression `expr` (a check, an index's `where`) names column
/// `column`: as a bare word or quoted with `"`, `` ` `` or `[]`, compared
/// without regard to ASCII case; string literals are skipped. A word that
/// only contains the name (`emails` for `email`) is not it.
pub fn mentions(expr: &str, column: &str) -> bool {
    let mut found = false;
    each_name(expr, |_, word, _| {
        found = word.eq_ignore_ascii_case(column);
        found
    });
    found
}

/// `expr` with each name [`mentions`] would find renamed as `new_name`
/// says (`None`: unchanged), as the engines rewrite an index's `where` or
/// a check when a column is renamed: a quoted name stays quoted the same
/// way, a bare one stays bare when the new name needs no quotes. `None`
/// when nothing is renamed.
pub fn rename_in<'n>(expr: &str, new_name: impl Fn(&str) -> Option<&'n str>) -> Option<String> {
    // (where the name is, its new name, its quote characters)
    type Found<'n> = (std::ops::Range<usize>, &'n str, Option<(char, char)>);
    let mut found: Vec<Found<'_>> = Vec::new();
    each_name(expr, |range, word, quote| {
        if let Some(to) = new_name(word) {
            found.push((range, to, quote));
        }
        false
    });
    if found.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(expr.len() + 16);
    let mut at = 0;
    for (range, to, quote) in found {
        out.push_str(&expr[at..range.start]);
        let plain = to
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && to.chars().all(|c| c.is_alphanumeric() || c == '_');
        match quote.or((!plain).then_some(('"', '"'))) {
            Some((open, close)) => {
                out.push(open);
                for c in to.chars() {
                    out.push(c);
                    if c == close {
                        out.push(c);
                    }
                }
                out.push(close);
            }
            None => out.push_str(to),
        }
        at = range.end;
    }
    out.push_str(&expr[at..]);
    Some(out)
}

/// Calls `f` with each name in `expr`: its byte range, the name (unquoted),
/// and its quote characters, until `f` returns true. String literals and
/// numbers are skipped.
fn each_name(
    expr: &str,
    mut f: impl FnMut(std::ops::Range<usize>, &str, Option<(char, char)>) -> bool,
) {
    let mut chars = expr.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let close = match c {
            '\'' => Some('\''),
            '"' => Some('"'),
            '`' => Some('`'),
            '[' => Some(']'),
            _ => None,
        };
        if let Some(close) = close {
            // Quoted: up to the closing character, a doubled one escaped.
            let mut word = String::new();
            let mut end = expr.len();
            while let Some((i, c)) = chars.next() {
                if c == close {
                    if chars.peek().map(|&(_, n)| n) == Some(close) {
                        chars.next();
                    } else {
                        end = i + c.len_utf8();
                        break;
                    }
                }
                word.push(c);
            }
            if c != '\'' && f(start..end, &word, Some((c, close))) {
                return;
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut end = start + c.len_utf8();
            while let Some(&(i, c)) = chars.peek() {
                if !(c.is_alphanumeric() || c == '_' || c == '$') {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            if f(start..end, &expr[start..end], None) {
                return;
            }
        } else if c.is_ascii_digit() {
            // A number, with any letters that run on (`1e5`), is no name.
            while chars
                .peek()
                .is_some_and(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '.')
            {
                chars.next();
            }
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// Constraint name (`fk_<table>_<cols>`).
    pub name: Str,
    /// Referencing columns.
    pub columns: List<Str>,
    /// Referenced table.
    pub ref_table: Str,
    /// Referenced columns.
    pub ref_columns: List<Str>,
    /// Action on delete of the referenced row.
    #[serde(default, skip_serializing_if = "is_no_action")]
    pub on_delete: FkAction,
    /// Action on update of the referenced key.
    #[serde(default, skip_serializing_if = "is_no_action")]
    pub on_update: FkAction,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Constraint name.
    pub name: Str,
    /// The SQL boolean expression.
    pub expr: Str,
}

impl ForeignKey {
    /// Whether the key changes rows of its table when a referenced row is
    /// deleted or updated (`CASCADE`, `SET NULL`, `SET DEFAULT`).
    pub fn changes_rows(&self) -> bool {
        [self.on_delete, self.on_update].into_iter().any(|action| {
            matches!(
                action,
                FkAction::Cascade | FkAction::SetNull | FkAction::SetDefault
            )
        })
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_no_action(a: &FkAction) -> bool {
    *a == FkAction::NoAction
}

#[cfg(test)]
mod tests;
