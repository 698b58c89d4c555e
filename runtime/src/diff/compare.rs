//! The comparison itself: tables, then within each matched table columns,
//! keys, indexes, foreign keys, checks and comment.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::Change;
use crate::schema::{ByName, Column, ForeignKey, Index, Schema, Table};

/// Knobs of the comparison.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {}

/// The changes from `current` to `desired`, and notes for the user (e.g. a
/// `renamed_from` hint that no longer applies).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Changes in canonical order: per desired table (by name), then drops.
    pub changes: Vec<Change>,
    /// Things the user should know that are not changes.
    pub notes: Vec<String>,
    /// Whether `desired` carries any rename hint, and whether `current`
    /// may: found on the way, so a caller that strips hints need not read
    /// both schemas again.
    pub(crate) desired_hints: bool,
    pub(crate) current_hints: bool,
}

/// Compares two schemas. Renames come only from `renamed_from` hints: a
/// hint applies when its old name exists in `current` and the new one does
/// not; otherwise it is ignored with a note.
pub fn diff(current_schema: &Schema, desired_schema: &Schema, _options: &DiffOptions) -> Diff {
    // The common case, nothing changed: one pass of plain comparisons over
    // the two (name-ordered) table lists, no lookups built. A rename hint
    // makes its table differ from the current one, so hints always take the
    // full path below (and get their notes).
    if current_schema.tables.len() == desired_schema.tables.len()
        && current_schema
            .tables
            .iter()
            .zip(desired_schema.tables.iter())
            .all(|(c, d)| c == d && !d.has_hints())
    {
        return Diff::default();
    }
    let mut out = Diff::default();
    let current = ByName::of(current_schema);
    let desired = ByName::of(desired_schema);
    // Table renames first: later comparisons see current tables under their
    // new names, so references to them compare equal.
    let mut table_renames: BTreeMap<String, String> = BTreeMap::new();
    for wanted in &desired_schema.tables {
        let Some(old) = wanted.renamed_from.as_deref() else {
            continue;
        };
        if current.table(&wanted.name).is_some() {
            if current.table(old).is_none() {
                out.notes.push(format!(
                    "table `{}`: renamed_from = \"{old}\" is already applied; the hint can be removed",
                    wanted.name
                ));
            }
            continue;
        }
        if current.table(old).is_some() && desired.table(old).is_none() {
            table_renames.insert(old.to_string(), wanted.name.to_string());
        } else {
            out.notes.push(format!(
                "table `{}`: renamed_from = \"{old}\" names no table of the current schema, so it is ignored (remove it once the rename has been applied)",
                wanted.name
            ));
        }
    }
    // Column renames by (new) table name: the engines follow them in the
    // foreign keys that reference the columns, as they follow table
    // renames. diff_table decides each rename the same way and notes the
    // hints it ignores.
    let mut referenced_renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for wanted in desired_schema.tables.iter().filter(|t| t.has_hints()) {
        let existing = current.table(&wanted.name).or_else(|| {
            let old = wanted.renamed_from.as_deref()?;
            (table_renames.get(old)? == &*wanted.name).then(|| current.table(old))?
        });
        let Some(existing) = existing else {
            continue;
        };
        for column in wanted.columns.iter() {
            if let Some(old) = column.renamed_from()
                && existing.column(&column.name).is_none()
                && existing.column(old).is_some()
                && wanted.column(old).is_none()
            {
                referenced_renames
                    .entry(wanted.name.to_string())
                    .or_default()
                    .insert(old.to_string(), column.name.to_string());
            }
        }
    }
    let mut matched = vec![false; current_schema.tables.len()];
    for wanted in &desired_schema.tables {
        let wanted_hints = wanted.has_hints();
        out.desired_hints |= wanted_hints;
        let existing = current.table(&wanted.name).or_else(|| {
            let old = wanted.renamed_from.as_deref()?;
            (table_renames.get(old)? == &*wanted.name).then(|| current.table(old))?
        });
        match existing {
            Some(existing) => {
                if let Some(i) = current.position(&existing.name) {
                    matched[i] = true;
                }
                if existing.name != wanted.name {
                    out.changes.push(Change::RenameTable {
                        from: existing.name.to_string(),
                        to: wanted.name.to_string(),
                    });
                }
                let original = existing;
                let existing =
                    renamed_references(existing, &wanted.name, &table_renames, &referenced_renames);
                // A table equal to its hint-free counterpart has no hints.
                let same = diff_table(existing, wanted, &mut out);
                if !same || wanted_hints {
                    out.current_hints |= original.has_hints();
                }
            }
            None => {
                let mut table = wanted.clone();
                table.indexes = Vec::new().into();
                table.strip_hints();
                out.changes.push(Change::CreateTable(table));
                for index in wanted.indexes.iter() {
                    out.changes.push(Change::AddIndex {
                        table: wanted.name.to_string(),
                        index: index.clone(),
                    });
                }
            }
        }
    }
    for (gone, _) in current_schema
        .tables
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
    {
        out.current_hints |= gone.has_hints();
        out.changes.push(Change::DropTable(gone.clone()));
    }
    out
}

/// `table` as it is after renaming it to `name` and renaming the tables and
/// columns its foreign keys reference (the engines follow renames in
/// references). Borrowed when nothing is renamed.
fn renamed_references<'t>(
    table: &'t Table,
    name: &str,
    renames: &BTreeMap<String, String>,
    column_renames: &BTreeMap<String, BTreeMap<String, String>>,
) -> Cow<'t, Table> {
    fn new_table<'a>(fk: &'a ForeignKey, renames: &'a BTreeMap<String, String>) -> &'a str {
        renames
            .get(&*fk.ref_table)
            .map_or(&*fk.ref_table, String::as_str)
    }
    let touched = table.name != name
        || (!(renames.is_empty() && column_renames.is_empty())
            && table.foreign_keys.iter().any(|fk| {
                renames.contains_key(&*fk.ref_table)
                    || column_renames.contains_key(new_table(fk, renames))
            }));
    if !touched {
        return Cow::Borrowed(table);
    }
    let mut table = table.clone();
    table.name = name.to_string().into();
    for fk in table.foreign_keys.to_mut() {
        let referenced = new_table(fk, renames).to_string();
        if let Some(columns) = column_renames.get(&referenced) {
            for column in fk.ref_columns.to_mut() {
                if let Some(new) = columns.get(&**column) {
                    *column = new.clone().into();
                }
            }
        }
        fk.ref_table = referenced.into();
    }
    Cow::Owned(table)
}

/// Adds the changes from `existing` to `wanted`; returns whether the two
/// are equal and without column hints (nothing to do).
fn diff_table(existing: Cow<'_, Table>, wanted: &Table, out: &mut Diff) -> bool {
    if *existing == *wanted && wanted.columns.iter().all(|c| c.renamed_from().is_none()) {
        return true;
    }
    let table = wanted.name.to_string();
    let mut existing = existing;

    // Columns: renames, then alterations and additions, then drops.
    let mut column_renames: BTreeMap<String, String> = BTreeMap::new();
    for column in wanted.columns.iter() {
        let Some(old) = column.renamed_from() else {
            continue;
        };
        if existing.column(&column.name).is_some() {
            if existing.column(old).is_none() {
                out.notes.push(format!(
                    "column `{table}.{}`: renamed_from = \"{old}\" is already applied; the hint can be removed",
                    column.name
                ));
            }
            continue;
        }
        if existing.column(old).is_some() && wanted.column(old).is_none() {
            column_renames.insert(old.to_string(), column.name.to_string());
            out.changes.push(Change::RenameColumn {
                table: table.clone(),
                from: old.to_string(),
                to: column.name.to_string(),
            });
        } else {
            out.notes.push(format!(
                "column `{table}.{}`: renamed_from = \"{old}\" names no column of the current table, so it is ignored (remove it once the rename has been applied)",
                column.name
            ));
        }
    }
    if !column_renames.is_empty() {
        apply_column_renames(existing.to_mut(), &column_renames);
    }

    for column in wanted.columns.iter() {
        match existing.column(&column.name) {
            Some(before) if !same_column(before, column) => out.changes.push(Change::AlterColumn {
                table: table.clone(),
                from: hintless(before),
                to: hintless(column),
            }),
            Some(_) => {}
            None => out.changes.push(Change::AddColumn {
                table: table.clone(),
                column: hintless(column),
            }),
        }
    }

    if existing.primary_key != wanted.primary_key {
        out.changes.push(Change::SetPrimaryKey {
            table: table.clone(),
            from: existing.primary_key.clone(),
            to: wanted.primary_key.clone(),
        });
    }

    // A live-rows index's condition is the soft-delete column: another
    // column makes it another index.
    let live_rows_moved = existing.soft_delete != wanted.soft_delete;
    diff_indexes(
        &table,
        &existing.indexes,
        &wanted.indexes,
        live_rows_moved,
        out,
    );

    let by_name = |fks: &[ForeignKey]| {
        fks.iter()
            .map(|f| (f.name.to_string(), f.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    let (old_fks, new_fks) = (
        by_name(&existing.foreign_keys),
        by_name(&wanted.foreign_keys),
    );
    for (name, fk) in &old_fks {
        if new_fks.get(name) != Some(fk) {
            out.changes.push(Change::DropForeignKey {
                table: table.clone(),
                fk: fk.clone(),
            });
        }
    }
    for (name, fk) in &new_fks {
        if old_fks.get(name) != Some(fk) {
            out.changes.push(Change::AddForeignKey {
                table: table.clone(),
                fk: fk.clone(),
            });
        }
    }

    for check in existing.checks.iter() {
        if !wanted.checks.contains(check) {
            out.changes.push(Change::DropCheck {
                table: table.clone(),
                check: check.clone(),
            });
        }
    }
    for check in wanted.checks.iter() {
        if !existing.checks.contains(check) {
            out.changes.push(Change::AddCheck {
                table: table.clone(),
                check: check.clone(),
            });
        }
    }

    // Dropped columns go after everything that might still name them.
    for column in existing.columns.iter() {
        if wanted.column(&column.name).is_none() {
            out.changes.push(Change::DropColumn {
                table: table.clone(),
                column: hintless(column),
            });
        }
    }

    let (old_comment, new_comment) = (existing.comment.as_deref(), wanted.comment.as_deref());
    if old_comment != new_comment {
        out.changes.push(Change::SetTableComment {
            table,
            from: old_comment.map(str::to_string),
            to: new_comment.map(str::to_string),
        });
    }
    false
}

/// Indexes by name; an index whose definition is unchanged but whose name
/// changed (e.g. derived from a renamed table or column) is renamed, not
/// rebuilt.
/// `live_rows_moved`: the table's soft-delete column changed, so its
/// live-rows indexes are no longer the ones it has.
fn diff_indexes(
    table: &str,
    existing: &[Index],
    wanted: &[Index],
    live_rows_moved: bool,
    out: &mut Diff,
) {
    let same_definition = |a: &Index, b: &Index| {
        a.columns == b.columns
            && a.unique == b.unique
            && a.live_rows == b.live_rows
            && a.predicate == b.predicate
            && !(a.live_rows && live_rows_moved)
    };
    // The index `name` of `among`, if it is still `index` as it stands.
    let kept = |among: &[Index], index: &Index| {
        among.iter().find(|i| i.name == index.name) == Some(index)
            && !(index.live_rows && live_rows_moved)
    };
    let mut renamed_old: BTreeSet<&str> = BTreeSet::new();
    let mut renamed_new: BTreeSet<&str> = BTreeSet::new();
    for new in wanted
        .iter()
        .filter(|n| !existing.iter().any(|e| e.name == n.name))
    {
        let candidate = existing.iter().find(|old| {
            !wanted.iter().any(|w| w.name == old.name)
                && !renamed_old.contains(&*old.name)
                && same_definition(old, new)
        });
        if let Some(old) = candidate {
            renamed_old.insert(&old.name);
            renamed_new.insert(&new.name);
            out.changes.push(Change::RenameIndex {
                table: table.to_string(),
                from: old.name.to_string(),
                to: new.name.to_string(),
            });
        }
    }
    for old in existing.iter().filter(|o| !renamed_old.contains(&*o.name)) {
        if !kept(wanted, old) {
            out.changes.push(Change::DropIndex {
                table: table.to_string(),
                index: old.clone(),
            });
        }
    }
    for new in wanted.iter().filter(|n| !renamed_new.contains(&*n.name)) {
        if !kept(existing, new) {
            out.changes.push(Change::AddIndex {
                table: table.to_string(),
                index: new.clone(),
            });
        }
    }
}

/// Rewrites column names in `table`'s columns, key, indexes and foreign keys
/// as the engine does when columns are renamed.
fn apply_column_renames(table: &mut Table, renames: &BTreeMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    let rename = |name: &mut crate::schema::Str| {
        if let Some(new) = renames.get(&**name) {
            *name = new.clone().into();
        }
    };
    for column in table.columns.to_mut() {
        rename(&mut column.name);
    }
    if let Some(pk) = &mut table.primary_key {
        pk.columns.to_mut().iter_mut().for_each(rename);
    }
    for index in table.indexes.to_mut() {
        index.columns.to_mut().iter_mut().for_each(rename);
    }
    for fk in table.foreign_keys.to_mut() {
        fk.columns.to_mut().iter_mut().for_each(rename);
    }
    if let Some(soft) = &mut table.soft_delete {
        rename(soft);
    }
}

/// Columns are equal for the database when these match (the Rust field
/// name, the audit flag and hints are not schema facts).
fn same_column(a: &Column, b: &Column) -> bool {
    a.name == b.name
        && a.ty == b.ty
        && a.nullable == b.nullable
        && a.default() == b.default()
        && a.auto_increment == b.auto_increment
        && a.comment() == b.comment()
}

fn hintless(column: &Column) -> Column {
    let mut column = column.clone();
    column.set_renamed_from(None);
    column
}
