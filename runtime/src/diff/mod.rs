//! From two schemas to a typed list of changes, with no dialect in sight.
//!
//! [`diff`] compares the current schema (what the migration directory
//! produces) with the desired one (the registry) and returns [`Change`]s in
//! a canonical order. Renames come only from `renamed_from` hints, never
//! from guessing. Ordering for execution, skip policies and dialect
//! lowering are the planner's job (`crate::plan`).

mod compare;
mod hints;

use crate::schema::{Check, Column, ForeignKey, Index, PrimaryKey, Table};

pub use compare::{DiffOptions, diff};
pub(crate) use hints::check_hints;

/// One schema change. Drops carry the full definition of what they drop,
/// so lint and the down migration's warning can say what is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create a table with its columns, key, checks and foreign keys
    /// (indexes are separate `AddIndex` changes).
    CreateTable(Table),
    /// Drop a table (its full definition is kept for the inverse).
    DropTable(Table),
    /// Rename a table.
    RenameTable { from: String, to: String },
    /// Add a column.
    AddColumn { table: String, column: Column },
    /// Drop a column (definition kept for the inverse).
    DropColumn { table: String, column: Column },
    /// Rename a column.
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    /// Change a column's type, nullability, default or comment.
    AlterColumn {
        table: String,
        from: Column,
        to: Column,
    },
    /// Create an index (unique and partial included).
    AddIndex { table: String, index: Index },
    /// Drop an index.
    DropIndex { table: String, index: Index },
    /// Rename an index (a table rename renames derived index names).
    RenameIndex {
        table: String,
        from: String,
        to: String,
    },
    /// Add a foreign key.
    AddForeignKey { table: String, fk: ForeignKey },
    /// Drop a foreign key.
    DropForeignKey { table: String, fk: ForeignKey },
    /// Add a check constraint.
    AddCheck { table: String, check: Check },
    /// Drop a check constraint.
    DropCheck { table: String, check: Check },
    /// Replace the primary key.
    SetPrimaryKey {
        table: String,
        from: Option<PrimaryKey>,
        to: Option<PrimaryKey>,
    },
    /// Change the table comment.
    SetTableComment {
        table: String,
        from: Option<String>,
        to: Option<String>,
    },
}

impl Change {
    /// The policy name of this kind of change, as `diff.skip` lists them.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CreateTable(_) => "create_table",
            Change::DropTable(_) => "drop_table",
            Change::RenameTable { .. } => "rename_table",
            Change::AddColumn { .. } => "add_column",
            Change::DropColumn { .. } => "drop_column",
            Change::RenameColumn { .. } => "rename_column",
            Change::AlterColumn { .. } => "alter_column",
            Change::AddIndex { .. } => "add_index",
            Change::DropIndex { .. } => "drop_index",
            Change::RenameIndex { .. } => "rename_index",
            Change::AddForeignKey { .. } => "add_foreign_key",
            Change::DropForeignKey { .. } => "drop_foreign_key",
            Change::AddCheck { .. } => "add_check",
            Change::DropCheck { .. } => "drop_check",
            Change::SetPrimaryKey { .. } => "set_primary_key",
            Change::SetTableComment { .. } => "set_table_comment",
        }
    }

    /// Every kind's name ([`Change::kind`]); `diff.skip` takes the drops
    /// among them (`plan::Policy::SKIPPABLE`).
    pub const KINDS: &'static [&'static str] = &[
        "create_table",
        "drop_table",
        "rename_table",
        "add_column",
        "drop_column",
        "rename_column",
        "alter_column",
        "add_index",
        "drop_index",
        "rename_index",
        "add_foreign_key",
        "drop_foreign_key",
        "add_check",
        "drop_check",
        "set_primary_key",
        "set_table_comment",
    ];

    /// The table the change applies to (the new name for a rename).
    pub fn table(&self) -> &str {
        match self {
            Change::CreateTable(t) | Change::DropTable(t) => &t.name,
            Change::RenameTable { to, .. } => to,
            Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::AddIndex { table, .. }
            | Change::DropIndex { table, .. }
            | Change::RenameIndex { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::SetPrimaryKey { table, .. }
            | Change::SetTableComment { table, .. } => table,
        }
    }

    /// Whether applying the change loses data that its inverse cannot
    /// bring back (dropped tables and columns).
    pub fn loses_data(&self) -> bool {
        matches!(self, Change::DropTable(_) | Change::DropColumn { .. })
    }
}
