//! SQLite lowering: `ALTER TABLE` in SQLite can rename a table or column and
//! add or drop a plain column, nothing else. Every other change to an
//! existing table becomes one rebuild of that table (create the new
//! definition, copy the rows, drop the old table, rename, recreate the
//! indexes), with foreign keys off around it and checked after.

use std::collections::{BTreeMap, BTreeSet};

use super::Step;
use crate::diff::Change;
use crate::schema::{ForeignKey, Schema};

pub fn lower(current: &Schema, desired: &Schema, changes: Vec<Change>) -> Vec<Step> {
    let changes = without_unseen_changes(changes);
    let (changes, mut inline) = inline_foreign_keys(changes);
    let rebuilt = tables_to_rebuild(current, &changes);
    // A column added with its foreign key is one statement, unless its
    // table is rebuilt anyway (the rebuild creates the key).
    let mut step = |change: Change| match change {
        Change::AddColumn { table, column } => {
            match inline.remove(&(table.clone(), column.name.to_string())) {
                Some(fk) => Step::AddReferencingColumn { table, column, fk },
                None => Step::Change(Change::AddColumn { table, column }),
            }
        }
        change => Step::Change(change),
    };
    if rebuilt.is_empty() {
        return changes.into_iter().map(step).collect();
    }
    // Renames of rebuilt tables stay steps; column renames become the copy
    // map; everything else about a rebuilt table is the rebuild itself.
    let mut table_renames: BTreeMap<String, String> = BTreeMap::new();
    let mut column_renames: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for change in &changes {
        match change {
            Change::RenameTable { from, to } => {
                table_renames.insert(to.clone(), from.clone());
            }
            Change::RenameColumn { table, from, to } if rebuilt.contains(table) => {
                column_renames
                    .entry(table.clone())
                    .or_default()
                    .insert(to.clone(), from.clone());
            }
            _ => {}
        }
    }
    // An index the models drop from a rebuilt table would go with the old
    // table unsaid: it is dropped by name before the rebuild, so the file
    // shows it (and `lint` reports it, DS103).
    let mut index_drops: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    let changes: Vec<Change> = changes
        .into_iter()
        .filter_map(|change| match change {
            Change::DropIndex { ref table, .. } if rebuilt.contains(table) => {
                index_drops
                    .entry(table.clone())
                    .or_default()
                    .push(Step::Change(change));
                None
            }
            change => Some(change),
        })
        .collect();
    let mut steps = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    // The rebuild of a renamed table whose first folded change comes before
    // the rename (a dropped foreign key or check): it runs right after the
    // rename, on the table under its new name.
    let mut after_rename: BTreeMap<String, Step> = BTreeMap::new();
    let mut renamed: BTreeSet<String> = BTreeSet::new();
    for change in changes {
        let table = change.table().to_string();
        let folded = rebuilt.contains(&table)
            && !matches!(
                change,
                Change::RenameTable { .. } | Change::CreateTable(_) | Change::DropTable(_)
            );
        if !folded {
            let is_rename = matches!(change, Change::RenameTable { .. });
            steps.push(step(change));
            if is_rename {
                renamed.insert(table.clone());
                steps.extend(after_rename.remove(&table));
            }
            continue;
        }
        if !placed.insert(table.clone()) {
            continue;
        }
        steps.extend(index_drops.remove(&table).unwrap_or_default());
        let old_name = table_renames
            .get(&table)
            .cloned()
            .unwrap_or_else(|| table.clone());
        let (Some(from), Some(to)) = (current.table(&old_name), desired.table(&table)) else {
            // Without both definitions there is nothing to rebuild from; keep
            // the change so the renderer reports it as unsupported.
            steps.push(Step::Change(change));
            continue;
        };
        let mut from = from.clone();
        from.name = table.clone().into();
        let renames = column_renames.get(&table);
        let copy = to
            .columns
            .iter()
            .filter_map(|column| {
                let source = renames
                    .and_then(|r| r.get(&*column.name))
                    .cloned()
                    .unwrap_or_else(|| column.name.to_string());
                from.column(&source)
                    .map(|_| (source, column.name.to_string()))
            })
            .collect();
        let rebuild = Step::RebuildTable {
            from: Box::new(from),
            to: Box::new(to.clone()),
            copy,
        };
        if table_renames.contains_key(&table) && !renamed.contains(&table) {
            after_rename.insert(table, rebuild);
        } else {
            steps.push(rebuild);
        }
    }
    // A rename the plan does not hold cannot be waited for.
    steps.extend(after_rename.into_values());
    steps.extend(index_drops.into_values().flatten());
    steps
}

/// SQLite never uses a key constraint's name (no statement names one, and
/// every change to a constraint is a rebuild, which writes the names of the
/// desired schema), so a primary or foreign key that changes its name only
/// (after a table or column rename) is no change at all, and no reason to
/// rebuild the table.
///
/// Likewise a column change SQLite cannot see: types that are one type to
/// it (`INTEGER` and `BIGINT` are both `INTEGER`), or a comment, which it
/// does not store. Rebuilding the table for them would copy every row for
/// nothing.
fn without_unseen_changes(changes: Vec<Change>) -> Vec<Change> {
    use crate::dialect::Sqlite;
    let pairs = super::renamed_foreign_keys(&changes);
    let unseen = |change: &Change| match change {
        // A date-time that becomes one in UTC, or back, is the same type
        // to SQLite, but its values are rewritten in the new type's form
        // (`dialect::sqlite::rewrite`).
        Change::AlterColumn { table, from, to } => {
            let (mut from, mut to) = (from.clone(), to.clone());
            from.set_comment(None);
            to.set_comment(None);
            super::writes_alike(&Sqlite, table, &from, &to)
                && crate::dialect::sqlite::rewrite(from.ty, to.ty).is_none()
        }
        _ => false,
    };
    changes
        .into_iter()
        .enumerate()
        .filter(|(i, change)| {
            let renamed_key = matches!(change, Change::SetPrimaryKey { from: Some(old), to: Some(new), .. }
                if old.columns == new.columns);
            !renamed_key && !unseen(change) && !pairs.iter().any(|p| p.drop == *i || p.add == *i)
        })
        .map(|(_, change)| change)
        .collect()
}

/// Takes out each foreign key that SQLite can add with its column: a
/// single-column key on a column added by the same plan, nullable with no
/// default and no identity. Returns the other changes and those keys by
/// `(table, column)`.
fn inline_foreign_keys(
    changes: Vec<Change>,
) -> (Vec<Change>, BTreeMap<(String, String), ForeignKey>) {
    let added: BTreeSet<(String, String)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::AddColumn { table, column }
                if column.nullable && column.default().is_none() && !column.auto_increment =>
            {
                Some((table.clone(), column.name.to_string()))
            }
            _ => None,
        })
        .collect();
    let mut inline = BTreeMap::new();
    let mut kept = Vec::with_capacity(changes.len());
    for change in changes {
        match change {
            Change::AddForeignKey { table, fk }
                if fk.columns.len() == 1
                    && !inline.contains_key(&(table.clone(), fk.columns[0].to_string()))
                    && added.contains(&(table.clone(), fk.columns[0].to_string())) =>
            {
                inline.insert((table, fk.columns[0].to_string()), fk);
            }
            change => kept.push(change),
        }
    }
    (kept, inline)
}

/// Tables with a change SQLite's `ALTER TABLE` cannot make.
fn tables_to_rebuild(current: &Schema, changes: &[Change]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for change in changes {
        let needs = match change {
            Change::AlterColumn { .. }
            | Change::AddForeignKey { .. }
            | Change::DropForeignKey { .. }
            | Change::AddCheck { .. }
            | Change::DropCheck { .. }
            | Change::SetPrimaryKey { .. } => true,
            // ADD COLUMN cannot add a NOT NULL column without a default,
            // nor a key column, nor (to a table holding rows) a column
            // whose default is not a constant.
            Change::AddColumn { column, .. } => {
                (!column.nullable && column.default().is_none())
                    || column.auto_increment
                    || crate::dialect::Ddl::default_expr(&crate::dialect::Sqlite, column)
                        .is_some_and(|d| !crate::dialect::literal_default(&d))
            }
            // DROP COLUMN fails on key, foreign key and checked columns.
            Change::DropColumn { table, column } => current
                .table(table)
                .is_none_or(|t| t.constrains(&column.name)),
            _ => false,
        };
        if needs {
            out.insert(change.table().to_string());
        }
    }
    out
}
