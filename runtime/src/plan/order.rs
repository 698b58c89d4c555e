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
    let mut depends: Vec<Vec<usize>> = Vec::with_capacity(n);
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
        for &j in &deps {
            dependents[j].push(i);
        }
        depends.push(deps);
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse(rank[i]))
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let i = match ready.pop() {
            Some(Reverse(r)) => by_name[r],
            // Only cycles, and the tables that wait for them, remain:
            // break a cycle that waits for no other.
            None => match cycle_to_break(&depends, &done, &by_name) {
                Some(i) => i,
                None => break,
            },
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

/// Where to break the cycles among the tables not `done`: the smallest
/// name (first in `by_name`) of a cycle whose tables wait for no table
/// outside it. Not merely the smallest name left: that may be a table
/// that waits for a cycle without being in one, and SQLite, which drops in
/// the reverse of this order without detaching keys, would then drop it
/// after the tables it references, and fail ("no such table").
///
/// The cycles are the strongly connected components of "waits for"
/// (Tarjan's algorithm, iterative); one that waits for no other component
/// is a sink of that graph.
fn cycle_to_break(depends: &[Vec<usize>], done: &[bool], by_name: &[usize]) -> Option<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = depends.len();
    let (mut index, mut low) = (vec![UNSEEN; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let (mut components, mut next) = (0, 0);
    for &root in by_name {
        if done[root] || index[root] != UNSEEN {
            continue;
        }
        let mut calls = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, edge)) = calls.last() {
            if let Some(&w) = depends[v].get(edge) {
                if let Some(call) = calls.last_mut() {
                    call.1 += 1;
                }
                if done[w] {
                    continue;
                }
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    let mut sink = vec![true; components];
    for v in (0..n).filter(|&v| !done[v]) {
        if depends[v]
            .iter()
            .any(|&w| !done[w] && component[w] != component[v])
        {
            sink[component[v]] = false;
        }
    }
    by_name
        .iter()
        .copied()
        .find(|&v| !done[v] && sink[component[v]])
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
