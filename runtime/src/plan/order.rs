//! Execution order: each change kind has a phase (drops of dependents first,
//! then renames, creates, alterations, drops, and new indexes and foreign
//! keys last); within a phase tables are created in foreign-key order and
//! dropped in reverse. Foreign keys that would point at a table not yet
//! created (cycles) are detached from `CREATE TABLE` and added at the end.

use std::collections::{BTreeMap, BTreeSet};

use crate::dialect::Dialect;
use crate::diff::Change;
use crate::schema::Table;

fn phase(change: &Change) -> u8 {
    match change {
        Change::DropForeignKey { .. } => 0,
        Change::DropIndex { .. } | Change::DropCheck { .. } => 1,
        Change::RenameTable { .. } => 2,
        Change::RenameColumn { .. } | Change::RenameIndex { .. } => 3,
        Change::CreateTable(_) => 4,
        Change::AddColumn { .. } => 5,
        Change::AlterColumn { .. }
        | Change::SetPrimaryKey { .. }
        | Change::SetTableComment { .. } => 6,
        Change::DropColumn { .. } => 7,
        Change::DropTable(_) => 8,
        Change::AddIndex { .. } | Change::AddCheck { .. } => 9,
        Change::AddForeignKey { .. } => 10,
    }
}

pub fn order(changes: Vec<Change>, dialect: Dialect) -> Vec<Change> {
    let mut by_phase: BTreeMap<u8, Vec<Change>> = BTreeMap::new();
    for change in changes {
        by_phase.entry(phase(&change)).or_default().push(change);
    }
    let mut out = Vec::new();
    let mut detached = Vec::new();
    for (phase, changes) in by_phase {
        match phase {
            4 => {
                let tables: Vec<Table> = changes
                    .into_iter()
                    .filter_map(|c| match c {
                        Change::CreateTable(t) => Some(t),
                        _ => None,
                    })
                    .collect();
                let mut pending: BTreeSet<String> =
                    tables.iter().map(|t| t.name.to_string()).collect();
                for table in creation_order(tables) {
                    pending.remove(&*table.name);
                    let (table, later) = detach_forward_keys(table, &pending, dialect);
                    detached.extend(later);
                    out.push(Change::CreateTable(table));
                }
            }
            8 => {
                let tables: Vec<Table> = changes
                    .into_iter()
                    .filter_map(|c| match c {
                        Change::DropTable(t) => Some(t),
                        _ => None,
                    })
                    .collect();
                let mut ordered = creation_order(tables);
                ordered.reverse();
                // In a cycle some table is dropped while another dropped
                // later still references it: drop those keys first.
                if dialect != Dialect::Sqlite {
                    let position: BTreeMap<&str, usize> = ordered
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (&*t.name, i))
                        .collect();
                    for (j, later) in ordered.iter().enumerate() {
                        for fk in later.foreign_keys.iter() {
                            let earlier = position.get(&*fk.ref_table).is_some_and(|&i| i < j);
                            if earlier && fk.ref_table != later.name {
                                out.push(Change::DropForeignKey {
                                    table: later.name.to_string(),
                                    fk: fk.clone(),
                                });
                            }
                        }
                    }
                }
                out.extend(ordered.into_iter().map(Change::DropTable));
            }
            10 => {
                out.append(&mut detached);
                out.extend(changes);
            }
            _ => out.extend(changes),
        }
    }
    out.append(&mut detached);
    out
}

/// Tables so that each comes after the tables it references (among these
/// tables), ties by name; a cycle is broken at its smallest name. Kahn's
/// algorithm over a name-ordered ready set: O(n log n) for n tables.
fn creation_order(tables: Vec<Table>) -> Vec<Table> {
    use std::collections::BTreeMap;
    let mut by_name: BTreeMap<String, Table> = tables
        .into_iter()
        .map(|t| (t.name.to_string(), t))
        .collect();
    let mut waiting_on: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, table) in &by_name {
        let deps: BTreeSet<String> = table
            .foreign_keys
            .iter()
            .map(|fk| fk.ref_table.to_string())
            .filter(|r| r != name && by_name.contains_key(r))
            .collect();
        for dep in &deps {
            dependents
                .entry(dep.clone())
                .or_default()
                .push(name.clone());
        }
        waiting_on.insert(name.clone(), deps);
    }
    let mut ready: BTreeSet<String> = waiting_on
        .iter()
        .filter(|(_, d)| d.is_empty())
        .map(|(n, _)| n.clone())
        .collect();
    let mut out = Vec::with_capacity(by_name.len());
    while !by_name.is_empty() {
        let next = match ready.pop_first() {
            Some(name) => name,
            // Only cycles remain: take the smallest name.
            None => match by_name.keys().next() {
                Some(name) => name.clone(),
                None => break,
            },
        };
        let Some(table) = by_name.remove(&next) else {
            continue;
        };
        waiting_on.remove(&next);
        for dependent in dependents.get(&next).into_iter().flatten() {
            if let Some(deps) = waiting_on.get_mut(dependent) {
                deps.remove(&next);
                if deps.is_empty() && by_name.contains_key(dependent) {
                    ready.insert(dependent.clone());
                }
            }
        }
        out.push(table);
    }
    out
}

/// Splits off foreign keys of `table` that reference a table this plan
/// creates later (`pending`: only a cycle leads there). SQLite keeps them
/// inline: it does not check a foreign key's target when the table is
/// created, and cannot add a foreign key later.
fn detach_forward_keys(
    mut table: Table,
    pending: &BTreeSet<String>,
    dialect: Dialect,
) -> (Table, Vec<Change>) {
    if dialect == Dialect::Sqlite {
        return (table, Vec::new());
    }
    let (keep, later): (Vec<_>, Vec<_>) = table
        .foreign_keys
        .iter()
        .cloned()
        .partition(|fk| !pending.contains(&*fk.ref_table));
    let detached = later
        .into_iter()
        .map(|fk| Change::AddForeignKey {
            table: table.name.to_string(),
            fk,
        })
        .collect();
    table.foreign_keys = keep.into();
    (table, detached)
}
