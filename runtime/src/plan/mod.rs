//! From a change list to executable steps: skip policies, ordering by
//! foreign-key dependencies, and lowering of what a dialect cannot do
//! directly (above all SQLite's table rebuild).

mod order;
mod sqlite;

use std::collections::BTreeSet;

use crate::Error;
use crate::dialect::Dialect;
use crate::diff::Change;
use crate::schema::{Column, ForeignKey, Schema, Table};

/// One executable step. (Sizes differ: a change carries whole tables.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A change the dialect renders directly.
    Change(Change),
    /// Rebuild `to.name` from its current definition `from`: create the new
    /// table, copy the listed columns, drop the old one, rename, recreate
    /// indexes. SQLite's way to alter columns and constraints.
    RebuildTable {
        from: Box<Table>,
        to: Box<Table>,
        /// `(source column in from, target column in to)` pairs to copy.
        copy: Vec<(String, String)>,
    },
    /// Rename foreign key `from` of `table` to `to`, which differs from it
    /// in name only (a table or column it is named after was renamed), on
    /// an engine that renames constraints in place: no drop, no new
    /// validation of every row.
    RenameForeignKey {
        table: String,
        from: String,
        to: String,
    },
    /// Add a nullable column together with its single-column foreign key
    /// (SQLite's `ADD COLUMN ... REFERENCES`, which needs no rebuild).
    AddReferencingColumn {
        table: String,
        column: Column,
        fk: ForeignKey,
    },
}

/// What the plan may do, from the environment's policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Change kinds (`Change::kind`) to leave out, e.g. `drop_table`.
    pub skip: BTreeSet<String>,
}

impl Policy {
    /// A policy skipping `kinds`, each checked against [`Change::KINDS`].
    pub fn skipping<'k>(kinds: impl IntoIterator<Item = &'k str>) -> Result<Policy, Error> {
        let mut skip = BTreeSet::new();
        for kind in kinds {
            if !Change::KINDS.contains(&kind) {
                return Err(Error::UnknownChangeKind(kind.to_string()));
            }
            skip.insert(kind.to_string());
        }
        Ok(Policy { skip })
    }
}

/// Executable steps, and the changes the policy left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub skipped: Vec<Change>,
}

impl Plan {
    /// Whether there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether any step needs foreign keys off around it (SQLite rebuilds).
    pub fn rebuilds(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s, Step::RebuildTable { .. }))
    }
}

/// A dropped foreign key and one added to the same table with the same
/// definition under another name are one rename, where the engine renames
/// constraints; it takes the added key's place, after the table renames.
fn rename_foreign_keys(changes: Vec<Change>, dialect: Dialect) -> Vec<Step> {
    let pairs = if dialect.ddl().renames_constraints() {
        renamed_foreign_keys(&changes)
    } else {
        Vec::new()
    };
    if pairs.is_empty() {
        return changes.into_iter().map(Step::Change).collect();
    }
    let mut steps = Vec::with_capacity(changes.len());
    for (i, change) in changes.into_iter().enumerate() {
        if pairs.iter().any(|p| p.drop == i) {
            continue;
        }
        match (pairs.iter().find(|p| p.add == i), change) {
            (Some(pair), Change::AddForeignKey { table, fk }) => {
                steps.push(Step::RenameForeignKey {
                    table,
                    from: pair.old_name.clone(),
                    to: fk.name.to_string(),
                });
            }
            (_, change) => steps.push(Step::Change(change)),
        }
    }
    steps
}

/// A foreign key dropped and added again under another name only.
struct Renamed {
    /// Index of the `DropForeignKey` change.
    drop: usize,
    /// Index of the `AddForeignKey` change.
    add: usize,
    old_name: String,
}

/// The foreign keys `changes` drop and add again with the same definition
/// under another name (named after a table or column that was renamed).
fn renamed_foreign_keys(changes: &[Change]) -> Vec<Renamed> {
    // The table a change ends on (drops before a rename may name it by
    // its old name).
    let renames: std::collections::HashMap<&str, &str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::RenameTable { from, to } => Some((from.as_str(), to.as_str())),
            _ => None,
        })
        .collect();
    let after = |table: &str| renames.get(table).copied().unwrap_or(table).to_string();
    let same = |a: &ForeignKey, b: &ForeignKey| {
        a.name != b.name
            && a.columns == b.columns
            && a.ref_table == b.ref_table
            && a.ref_columns == b.ref_columns
            && a.on_delete == b.on_delete
            && a.on_update == b.on_update
    };
    let mut pairs: Vec<Renamed> = Vec::new();
    for (drop, change) in changes.iter().enumerate() {
        let Change::DropForeignKey { table, fk: old } = change else {
            continue;
        };
        let found = changes.iter().enumerate().position(|(add, change)| {
            matches!(change, Change::AddForeignKey { table: t, fk: new }
                if *t == after(table)
                    && same(old, new)
                    && !pairs.iter().any(|p| p.add == add))
        });
        if let Some(add) = found {
            pairs.push(Renamed {
                drop,
                add,
                old_name: old.name.to_string(),
            });
        }
    }
    pairs
}

/// Plans `changes`, which lead from `current` to `desired`, for `dialect`.
pub fn plan(
    current: &Schema,
    desired: &Schema,
    changes: Vec<Change>,
    dialect: Dialect,
    policy: &Policy,
) -> Plan {
    let (kept, skipped): (Vec<Change>, Vec<Change>) = changes
        .into_iter()
        .partition(|c| !policy.skip.contains(c.kind()));
    let ordered = order::order(kept, dialect);
    let steps = match dialect {
        Dialect::Sqlite => sqlite::lower(current, desired, ordered),
        _ => rename_foreign_keys(order::name_tables_as_before_renames(ordered), dialect),
    };
    Plan { steps, skipped }
}
