//! One migration from two schemas: the diff, its plan for a dialect, the up
//! SQL, and the down SQL (the diff back, with the renames reversed).

use std::borrow::Cow;

use crate::Error;
use crate::dialect::{Dialect, render};
use crate::diff::{Change, DiffOptions, diff};
use crate::plan::{Policy, plan, plan_split, split, with_skipped_kept};
use crate::schema::{Schema, Table};

/// A generated migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The kinds of change it makes (`Change::kind`), one per change, in
    /// the diff's order; a skipped drop the plan needs after all (see
    /// `plan::split`) comes last.
    pub kinds: Vec<&'static str>,
    /// Changes the policy left out.
    pub skipped: Vec<Change>,
    /// Notes for the user (ignored rename hints, skipped changes).
    pub notes: Vec<String>,
    /// `.up.sql` text.
    pub up: String,
    /// `.down.sql` text.
    pub down: String,
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
    let (desired_hints, current_hints) = (found.desired_hints, found.current_hints);
    if desired_hints {
        crate::diff::check_hints(current, desired)?;
    }
    let mut notes = found.notes;
    if found.changes.is_empty() {
        return Ok(Generated {
            kinds: Vec::new(),
            skipped: Vec::new(),
            notes,
            up: String::new(),
            down: String::new(),
        });
    }
    // What the down migration needs from the changes is read before the
    // planner takes them: the renames to reverse and the data lost.
    let (kept, skipped) = split(current, desired, found.changes, dialect, policy);
    let kinds: Vec<&'static str> = kept.iter().map(Change::kind).collect();
    for change in &kept {
        notes.extend(change_notes(change, desired, dialect));
    }
    let renames: Vec<Change> = kept
        .iter()
        .filter(|c| matches!(c, Change::RenameTable { .. } | Change::RenameColumn { .. }))
        .cloned()
        .collect();
    let losses: Vec<String> = kept
        .iter()
        .filter(|c| c.loses_data())
        .map(|c| match c {
            Change::DropColumn { table, column } => format!("column `{table}.{}`", column.name),
            other => format!("table `{}`", other.table()),
        })
        .collect();
    // Columns whose NULLs the up migration replaces by their default.
    let filled: Vec<String> = kept
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumn { table, from, to }
                if from.nullable && !to.nullable && to.default().is_some() =>
            {
                Some(format!("`{table}.{}`", to.name))
            }
            _ => None,
        })
        .collect();
    let up_plan = plan_split(current, desired, kept, skipped, dialect);
    for change in &up_plan.skipped {
        notes.push(format!(
            "skipped by policy (diff.skip): {} on `{}`",
            change.kind(),
            change.table()
        ));
    }
    // The target state without hints: the snapshot, and the starting point
    // of the down diff (which reads hints only from `back`), as the up
    // migration really leaves it (skipped drops stay). Neither is a copy
    // unless there are hints to strip or renames to reverse, and the diff
    // has said whether either schema has hints, so neither is read again.
    let target = with_skipped_kept(desired, &up_plan.skipped);
    // Kept drops come from `current`, with its hints.
    let after_up = if desired_hints || (current_hints && !up_plan.skipped.is_empty()) {
        without_hints(target.clone())
    } else {
        target.clone()
    };
    let back = if current_hints || !renames.is_empty() {
        reverse_hints(current, &renames)
    } else {
        Cow::Borrowed(current)
    };
    let down_changes = diff(&after_up, &back, &DiffOptions::default()).changes;
    let down_plan = plan(&after_up, &back, down_changes, dialect, &Policy::default());
    let mut down_notes: Vec<String> = Vec::new();
    if !losses.is_empty() {
        down_notes.push(format!(
            "WARNING: the up migration drops {}; this down migration recreates the structure but cannot restore the data.",
            losses.join(", ")
        ));
    }
    if !filled.is_empty() {
        down_notes.push(format!(
            "WARNING: the up migration gives the NULLs of {} the column's default; this down migration allows NULL again but cannot tell those rows apart.",
            filled.join(", ")
        ));
    }
    // Rendered against the state it leads to, kept objects included (an
    // index the plan adds again may key a column whose drop was skipped),
    // with the models' hints, which say what each table was.
    let up = render(&up_plan, dialect, current, &target, &notes)?;
    let down = render(&down_plan, dialect, &after_up, &back, &down_notes)?;
    Ok(Generated {
        kinds,
        skipped: up_plan.skipped,
        notes,
        up,
        down,
    })
}

/// The schema after `generated`'s up migration from `desired`: the next
/// snapshot, without rename hints, keeping what skipped drops leave.
pub fn snapshot(desired: &Schema, generated: &Generated) -> Schema {
    without_hints(with_skipped_kept(desired, &generated.skipped)).into_owned()
}

/// `schema` without rename hints (the same schema when it has none).
fn without_hints(schema: Cow<'_, Schema>) -> Cow<'_, Schema> {
    if !schema.tables.iter().any(Table::has_hints) {
        return schema;
    }
    let mut schema = schema.into_owned();
    for table in &mut schema.tables {
        table.strip_hints();
    }
    Cow::Owned(schema)
}

/// `current` with its hints replaced by the reverse of `changes`' renames.
fn reverse_hints<'s>(current: &'s Schema, changes: &[Change]) -> Cow<'s, Schema> {
    let stripped = without_hints(Cow::Borrowed(current));
    if changes.is_empty() {
        return stripped;
    }
    let mut schema = stripped.into_owned();
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
                    column.set_renamed_from(Some(to.clone().into()));
                }
            }
            _ => {}
        }
    }
    Cow::Owned(schema)
}

/// What the reader of a migration should know of `change` towards
/// `desired` in `dialect`, beside its SQL.
/// Notes on check `check` of `table` for MySQL and MariaDB: its name is
/// another table's check's in `desired` (MySQL 8 keeps check names per
/// database and refuses the second, error 3822, where MariaDB keeps them
/// per table); it calls `LENGTH`, which counts bytes there.
fn mysql_check_notes(desired: &Schema, table: &str, check: &crate::schema::Check) -> Vec<String> {
    let name = &*check.name;
    let mut notes = Vec::new();
    let other = desired
        .tables
        .iter()
        .find(|t| *t.name != *table && t.checks.iter().any(|c| c.name.eq_ignore_ascii_case(name)));
    if let Some(other) = other {
        notes.push(format!(
            "check `{name}` of `{table}` has the name of a check of `{}`: MySQL 8 keeps check names per database and refuses the second (error 3822, \"Duplicate check constraint name\"); MariaDB takes it. For MySQL 8, give one of them another name",
            other.name
        ));
    }
    #[cfg(feature = "sql-check")]
    notes.extend(crate::dialect::byte_length_note(table, name, &check.expr));
    notes
}

fn change_notes(change: &Change, desired: &Schema, dialect: Dialect) -> Vec<String> {
    let mut notes = Vec::new();
    match change {
        // The log keys its rows by table name, and its history is not
        // rewritten.
        Change::RenameTable { from, to } if desired.table(to).is_some_and(|t| t.audit) => {
            notes.push(format!(
                "the audit log keeps the rows of `{from}` under that name: history(db, \"{to}\", id) returns the changes from this migration on, history(db, \"{from}\", id) the earlier ones"
            ));
        }
        // What MySQL 8 refuses of the indexes MariaDB takes.
        Change::AddIndex { table, index } if dialect == Dialect::MySql => {
            notes.extend(
                desired
                    .table(table)
                    .and_then(|t| crate::dialect::mysql8_note(t, index)),
            );
        }
        // MySQL 8 keeps check names per database, MariaDB per table.
        Change::CreateTable(t) if dialect == Dialect::MySql => {
            for check in t.checks.iter() {
                notes.extend(mysql_check_notes(desired, &t.name, check));
            }
        }
        Change::AddCheck { table, check } if dialect == Dialect::MySql => {
            notes.extend(mysql_check_notes(desired, table, check));
        }
        // What SQL Server keys with a warning, and refuses rows of.
        Change::AddIndex { table, index } if dialect == Dialect::SqlServer => {
            notes.extend(desired.table(table).and_then(|t| {
                crate::dialect::key_size_note(t, &index.columns, &index.name, false)
            }));
        }
        Change::CreateTable(t) if dialect == Dialect::SqlServer => {
            notes.extend(
                t.primary_key
                    .as_ref()
                    .and_then(|pk| crate::dialect::key_size_note(t, &pk.columns, &pk.name, true)),
            );
        }
        Change::SetPrimaryKey {
            table,
            to: Some(pk),
            ..
        } if dialect == Dialect::SqlServer => {
            notes.extend(
                desired
                    .table(table)
                    .and_then(|t| crate::dialect::key_size_note(t, &pk.columns, &pk.name, true)),
            );
        }
        _ => {}
    }
    // A key to a table no model defines is to the user's own table, or a
    // typo, which SQLite takes until a row is written and PostgreSQL
    // refuses when the migration runs.
    let (table, keys) = match change {
        Change::CreateTable(t) => (t.name.as_ref(), t.foreign_keys.as_ref()),
        Change::AddForeignKey { table, fk } => (table.as_str(), std::slice::from_ref(fk)),
        _ => return notes,
    };
    for fk in keys
        .iter()
        .filter(|fk| desired.table(&fk.ref_table).is_none())
    {
        let near = crate::schema::names::closest(
            &fk.ref_table,
            desired.tables.iter().map(|t| t.name.as_ref()),
        )
        .map(|t| format!("; did you mean `{t}`?"))
        .unwrap_or_default();
        notes.push(format!(
            "foreign key `{}` of `{table}` references `{}`, which no model defines: it must exist before this migration runs (a hand-written migration creates it){near}",
            fk.name, fk.ref_table
        ));
    }
    notes
}
