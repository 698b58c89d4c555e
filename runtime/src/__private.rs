//! What `#[derive(Model)]` expands to refers to these paths, so user crates
//! never depend on `inventory` or name runtime internals themselves.

pub use inventory;
pub use std::borrow::Cow;

use crate::schema::{Column, Table};

pub use crate::registry::ModelEntry;
pub use crate::schema::{
    Check, Column as ColumnDef, ColumnType, FkAction, ForeignKey, Index, PrimaryKey,
    Table as TableDef,
};

/// Fails to compile with a clear message when `T` is not a timestamp type.
pub const fn assert_timestamp_field<T: ?Sized + crate::types::TimestampField>() {}

/// Fails to compile with a clear message when `T` is not `Option<timestamp>`.
pub const fn assert_soft_delete_field<T: ?Sized + crate::types::SoftDeleteField>() {}

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
