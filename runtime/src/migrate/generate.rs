//! One migration from two schemas: the diff, its plan for a dialect, the up
//! SQL, and the down SQL (the diff back, with the renames reversed).

use crate::Error;
use crate::dialect::{Dialect, render};
use crate::diff::{Change, DiffOptions, diff};
use crate::plan::{Policy, plan};
use crate::schema::Schema;

/// A generated migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The kinds of change it makes (`Change::kind`), in canonical order,
    /// after the policy's skips.
    pub kinds: Vec<&'static str>,
    /// Changes the policy left out.
    pub skipped: Vec<Change>,
    /// Notes for the user (ignored rename hints, skipped changes).
    pub notes: Vec<String>,
    /// `.up.sql` text.
    pub up: String,
    /// `.down.sql` text.
    pub down: String,
    /// The schema after the up migration (the next snapshot), without
    /// rename hints; `None` when there is nothing to migrate.
    pub after: Option<Schema>,
}

impl Generated {
    /// Whether there is nothing to migrate.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// The migration from `current` to `desired` in `dialect`.
pub fn generate(
    current: &Schema,
    desired: &Schema,
    dialect: Dialect,
    policy: &Policy,
) -> Result<Generated, Error> {
    let found = diff(current, desired, &DiffOptions::default());
    let mut notes = found.notes;
    if found.changes.is_empty() {
        return Ok(Generated {
            kinds: Vec::new(),
            skipped: Vec::new(),
            notes,
            up: String::new(),
            down: String::new(),
            after: None,
        });
    }
    // What the down migration needs from the changes is read before the
    // planner takes them: the renames to reverse and the data lost.
    let kept = |c: &&Change| !policy.skip.contains(c.kind());
    let kinds: Vec<&'static str> = found
        .changes
        .iter()
        .filter(kept)
        .map(Change::kind)
        .collect();
    let renames: Vec<Change> = found
        .changes
        .iter()
        .filter(kept)
        .filter(|c| matches!(c, Change::RenameTable { .. } | Change::RenameColumn { .. }))
        .cloned()
        .collect();
    let losses: Vec<String> = found
        .changes
        .iter()
        .filter(kept)
        .filter(|c| c.loses_data())
        .map(|c| match c {
            Change::DropColumn { table, column } => format!("column `{table}.{}`", column.name),
            other => format!("table `{}`", other.table()),
        })
        .collect();
    let up_plan = plan(current, desired, found.changes, dialect, policy);
    for change in &up_plan.skipped {
        notes.push(format!(
            "skipped by policy (diff.skip): {} on `{}`",
            change.kind(),
            change.table()
        ));
    }
    // One copy of the target state, without hints: the snapshot, and the
    // starting point of the down diff (which reads hints only from `back`),
    // as the up migration really leaves it (skipped drops stay).
    let after_up = reverse_hints(&with_skipped_kept(desired, &up_plan.skipped), &[]);
    let back = reverse_hints(current, &renames);
    let down_changes = diff(&after_up, &back, &DiffOptions::default()).changes;
    let down_plan = plan(&after_up, &back, down_changes, dialect, &Policy::default());
    let down_notes: Vec<String> = if losses.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "WARNING: the up migration drops {}; this down migration recreates the structure but cannot restore the data.",
            losses.join(", ")
        )]
    };
    let up = render(&up_plan, dialect, current, desired, &notes)?;
    let down = render(&down_plan, dialect, &after_up, &back, &down_notes)?;
    Ok(Generated {
        kinds,
        skipped: up_plan.skipped,
        notes,
        up,
        down,
        after: Some(after_up),
    })
}

/// `current` with its hints replaced by the reverse of `changes`' renames.
fn reverse_hints(current: &Schema, changes: &[Change]) -> Schema {
    let mut schema = current.clone();
    for table in &mut schema.tables {
        table.renamed_from = None;
        for column in table.columns.to_mut() {
            column.renamed_from = None;
        }
    }
    let old_table_name = |name: &str| {
        changes
            .iter()
            .find_map(|c| match c {
                Change::RenameTable { from, to } if to == name => Some(from.clone()),
                _ => None,
            })
            .unwrap_or_else(|| name.to_string())
    };
    for change in changes {
        match change {
            Change::RenameTable { from, to } => {
                if let Some(table) = schema.tables.iter_mut().find(|t| t.name == *from) {
                    table.renamed_from = Some(to.clone().into());
                }
            }
            Change::RenameColumn { table, from, to } => {
                let old = old_table_name(table);
                let column = schema
                    .tables
                    .iter_mut()
                    .find(|t| t.name == old)
                    .and_then(|t| t.columns.to_mut().iter_mut().find(|c| c.name == *from));
                if let Some(column) = column {
                    column.renamed_from = Some(to.clone().into());
                }
            }
            _ => {}
        }
    }
    schema
}

/// `desired` plus what skipped drops leave in place.
fn with_skipped_kept<'s>(desired: &'s Schema, skipped: &[Change]) -> std::borrow::Cow<'s, Schema> {
    if skipped.is_empty() {
        return std::borrow::Cow::Borrowed(desired);
    }
    let mut schema = desired.clone();
    for change in skipped {
        match change {
            Change::DropTable(table) => schema.tables.push(table.clone()),
            Change::DropColumn { table, column } => {
                if let Some(t) = schema.tables.iter_mut().find(|t| t.name == *table) {
                    t.columns.to_mut().push(column.clone());
                }
            }
            Change::DropIndex { table, index } => {
                if let Some(t) = schema.tables.iter_mut().find(|t| t.name == *table) {
                    t.indexes.to_mut().push(index.clone());
                }
            }
            _ => {}
        }
    }
    std::borrow::Cow::Owned(Schema::new(schema.tables))
}
