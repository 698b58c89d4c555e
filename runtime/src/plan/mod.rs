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
        _ => order::name_tables_as_before_renames(ordered)
            .into_iter()
            .map(Step::Change)
            .collect(),
    };
    Plan { steps, skipped }
}
