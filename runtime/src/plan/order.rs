//! Execution order: each change kind has a phase (drops of dependents first,
//! then renames, creates, alterations, drops, and new indexes and foreign
//! keys last); within a phase tables are created in foreign-key order and
//! dropped in reverse. Foreign keys that would point at a table not yet
//! created (cycles) are detached from `CREATE TABLE` and added at the end.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

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

/// Changes of the phases before the table renames (dropped foreign keys,
/// indexes and checks) run on a renamed table under its old name, so they
/// name it so. (SQLite's lowering folds them into the table's rebuild,
/// which runs after the rename, and keeps the new name.)
pub fn name_tables_as_before_renames(mut changes: Vec<Change>) -> Vec<Change> {
    let renames: HashMap<String, String> = changes
        .iter()
        .filter_map(|change| match change {
            Change::RenameTable { from, to } => Some((to.clone(), from.clone())),
            _ => None,
        })
        .collect();
    if renames.is_empty() {
        return changes;
    }
    // These three kinds are exactly the phases before `RenameTable`'s.
    for change in &mut changes {
        if let Change::DropForeignKey { table, .. }
        | Change::DropIndex { table, .. }
        | Change::DropCheck { table, .. } = change
            && let Some(old) = renames.get(table.as_str())
        {
            *table = old.clone();
        }
    }
    changes
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
                let order = creation_order(&tables);
                // Foreign keys to a table created later (only a cycle leads
                // there) are added once every table exists.
                let forward = forward_keys(&tables, &order, dialect);
                let mut slots: Vec<Option<Table>> = tables.into_iter().map(Some).collect();
                for (i, forward) in order.into_iter().zip(forward) {
                    let Some(mut table) = slots[i].take() else {
                        continue;
                    };
                    if !forward.is_empty() {
                        let (keep, later): (Vec<_>, Vec<_>) = table
                            .foreign_keys
                            .iter()
                            .enumerate()
                            .map(|(k, fk)| (k, fk.clone()))
                            .partition(|(k, _)| !forward.contains(k));
                        detached.extend(later.into_iter().map(|(_, fk)| Change::AddForeignKey {
                            table: table.name.to_string(),
                            fk,
                        }));
                        table.foreign_keys = keep
                            .into_iter()
                            .map(|(_, fk)| fk)
                            .collect::<Vec<_>>()
                            .into();
                    }
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
                let mut order = creation_order(&tables);
                order.reverse();
                // In a cycle some table is dropped while another dropped
                // later still references it: drop those keys first.
                if dialect != Dialect::Sqlite {
                    let position: HashMap<&str, usize> = order
                        .iter()
                        .enumerate()
                        .map(|(p, &i)| (&*tables[i].name, p))
                        .collect();
                    for (j, &i) in order.iter().enumerate() {
                        let later = &tables[i];
                        for fk in later.foreign_keys.iter() {
                            let earlier = position.get(&*fk.ref_table).is_some_and(|&p| p < j);
                            if earlier && fk.ref_table != later.name {
                                out.push(Change::DropForeignKey {
                                    table: later.name.to_string(),
                                    fk: fk.clone(),
                                });
                            }
                        }
                    }
                }
                let mut slots: Vec<Option<Table>> = tables.into_iter().map(Some).collect();
                out.extend(
                    order
                        .into_iter()
                        .filter_map(|i| slots[i].take())
                        .map(Change::DropTable),
                );
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

/// The positions of `tables` in creation order: each after the tables it
/// references (among these tables), ties by name; a cycle is broken at its
/// smallest name. Kahn's algorithm over positions, with the ready tables
/// in a heap by name rank, so nothing is copied and no name is allocated.
fn creation_order(tables: &[Table]) -> Vec<usize> {
    let n = tables.len();
    let mut by_name: Vec<usize> = (0..n).collect();
    by_name.sort_by(|&a, &b| tables[a].name.cmp(&tables[b].name));
    let mut rank = vec![0; n];
    for (r, &i) in by_name.iter().enumerate() {
        rank[i] = r;
    }
    let index: HashMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (&*t.name, i))
        .collect();
    let mut waiting = vec![0usize; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, table) in tables.iter().enumerate() {
        let mut deps: Vec<usize> = table
            .foreign_keys
            .iter()
            .filter_map(|fk| index.get(&*fk.ref_table).copied())
            .filter(|&j| j != i)
            .collect();
        deps.sort_unstable();
        deps.dedup();
        waiting[i] = deps.len();
        for j in deps {
            dependents[j].push(i);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse(rank[i]))
        .collect();
    let mut done = vec![false; n];
    let mut smallest = 0;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let i = match ready.pop() {
            Some(Reverse(r)) => by_name[r],
            // Only cycles remain: take the smallest name.
            None => {
                while smallest < n && done[by_name[smallest]] {
                    smallest += 1;
                }
                match by_name.get(smallest) {
                    Some(&i) => i,
                    None => break,
                }
            }
        };
        if done[i] {
            continue;
        }
        done[i] = true;
        out.push(i);
        for &d in &dependents[i] {
            waiting[d] = waiting[d].saturating_sub(1);
            if waiting[d] == 0 && !done[d] {
                ready.push(Reverse(rank[d]));
            }
        }
    }
    out
}

/// For each table in creation `order`, which of its foreign keys (by
/// position) reference a table created after it. SQLite keeps them inline:
/// it does not check a foreign key's target when the table is created,
/// and cannot add a foreign key later.
fn forward_keys(tables: &[Table], order: &[usize], dialect: Dialect) -> Vec<Vec<usize>> {
    if dialect == Dialect::Sqlite {
        return vec![Vec::new(); order.len()];
    }
    let created: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(p, &i)| (&*tables[i].name, p))
        .collect();
    order
        .iter()
        .enumerate()
        .map(|(p, &i)| {
            tables[i]
                .foreign_keys
                .iter()
                .enumerate()
                .filter(|(_, fk)| created.get(&*fk.ref_table).is_some_and(|&q| q > p))
                .map(|(k, _)| k)
                .collect()
        })
        .collect()
}
