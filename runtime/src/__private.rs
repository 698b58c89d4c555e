//! What `#[derive(Model)]` expands to refers to these paths, so user crates
//! never depend on `inventory` or name runtime internals themselves.

pub use inventory;
use std::borrow::Cow;

use crate::schema::{Column, Table};

pub use crate::registry::{ModelDef, ModelEntry};
pub use crate::schema::{ColumnType, Table as TableDef};

use crate::SqlType;
use crate::types::{SoftDeleteField, TimestampField};

/// The column of a `created_at`/`updated_at` field; fails to compile with a
/// clear message when `T` is not a timestamp type.
pub const fn timestamp_column<T: TimestampField + SqlType>() -> (ColumnType, bool) {
    T::COLUMN
}

/// The column of the soft-delete field; fails to compile with a clear
/// message when `T` is not `Option<timestamp>`.
pub const fn soft_delete_column<T: SoftDeleteField + SqlType>() -> (ColumnType, bool) {
    T::COLUMN
}

/// A column made nullable by `#[column(nullable)]`.
pub const fn nullable(column: (ColumnType, bool)) -> (ColumnType, bool) {
    (column.0, true)
}

static STUB_COLUMNS: [Column; 0] = [];
static STUB: Table = Table {
    name: Cow::Borrowed(""),
    columns: Cow::Borrowed(&STUB_COLUMNS),
    primary_key: None,
    indexes: Cow::Borrowed(&[]),
    foreign_keys: Cow::Borrowed(&[]),
    checks: Cow::Borrowed(&[]),
    comment: None,
    renamed_from: None,
    soft_delete: None,
    audit: false,
    timestamps: false,
};

/// The table of a model whose attributes did not compile. Only ever reached
/// from code that also carries a compile error, so it never runs; it exists
/// so that one mistake yields one error instead of a cascade.
pub fn stub_table() -> &'static Table {
    &STUB
}
