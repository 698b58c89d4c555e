//! The schema IR: plain data describing tables, as the derive emits it and as
//! `dbgen.schema.json` stores it.
//!
//! Every list is `Cow<'static, [T]>`, so static data needs no copy while
//! deserialized schemas own their data. Every string is a [`Str`]: names of
//! up to 23 bytes are stored inline, so comparing two schemas (the no-op
//! diff of thousands of tables) reads the structs and not a heap string per
//! name. Order is meaningful and stable:
//! columns keep field order, tables are sorted by name in a [`Schema`].

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

    /// Reads a schema from JSON, refusing unknown layout versions.
    pub fn from_json(text: &str) -> Result<Schema, crate::Error> {
        let schema: Schema = serde_json::from_str(text).map_err(crate::Error::SchemaJson)?;
        if schema.format_version != FORMAT_VERSION {
            return Err(crate::Error::SchemaVersion {
                found: schema.format_version,
                supported: FORMAT_VERSION,
            });
        }
        Ok(Schema::new(schema.tables))
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
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Column name.
    pub name: Str,
    /// The Rust field the column is read into and written from.
    pub field: Str,
    /// Logical type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Default as an SQL expression, written as the user wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Str>,
    /// Whether the database generates the value (identity/auto-increment).
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_increment: bool,
    /// Whether the audit log stores `"[REDACTED]"` instead of the value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// Column comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Str>,
    /// The column's previous name, a hint for a rename in the next migration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Str>,
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

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_no_action(a: &FkAction) -> bool {
    *a == FkAction::NoAction
}

#[cfg(test)]
mod tests;
