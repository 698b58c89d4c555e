//! SQL Server lowering: `ALTER COLUMN` fails while an index, a check or
//! the primary key uses the column ("The index ... is dependent on column
//! ...", error 5074), for a change of type and for one of nullability
//! alike. Those are dropped before the column's first such change and
//! created again after its table's last one. (Foreign keys over such a
//! column are detached around the whole plan, see `detach_altered_keys`;
//! a default, by the dialect's `alter_column`.)

use std::collections::{BTreeMap, HashSet};

use crate::dialect::sqlserver::null_filtered;
use crate::diff::Change;
use crate::schema::{Column, ColumnType, PrimaryKey, Schema, mentions};

/// Whether `ALTER COLUMN` rewrites the column from `from` to `to` (T-SQL
/// restates type and nullability together).
pub(crate) fn alters_in_place(from: &Column, to: &Column) -> bool {
    from.ty != to.ty || from.nullable != to.nullable
}

/// A variable-length column whose length changes, nothing else: an index
/// allows it when the column grows, a check either way.
fn resized(from: &Column, to: &Column, grows_only: bool) -> bool {
    let lengths = match (from.ty, to.ty) {
        (ColumnType::Varchar(a), ColumnType::Varchar(b))
        | (ColumnType::Varbinary(a), ColumnType::Varbinary(b)) => Some((a, b)),
        _ => None,
    };
    from.nullable == to.nullable && lengths.is_some_and(|(a, b)| !grows_only || b >= a)
}

/// One table's rewritten columns, as (before, after), and the positions of
/// its first and last rewrite in the plan.
struct Rewrites<'c> {
    columns: Vec<(&'c Column, &'c Column)>,
    first: usize,
    last: usize,
}

/// What one table's rewrites need around them: where they begin and end
/// in the plan, what goes before the first and what comes after the last.
struct Detached {
    first: usize,
    last: usize,
    drops: Vec<Change>,
    adds: Vec<Change>,
}

/// Drops the indexes, checks and primary key that use a column the plan
/// rewrites (see [`alters_in_place`]) before its table's first rewrite, and
/// creates them again after the last. The plan's own key change on such a
/// table is split the same way: old key before, new key after.
pub fn detach_column_dependents(changes: Vec<Change>, desired: &Schema) -> Vec<Change> {
    // The columns each table rewrites, as (before, after), and where.
    let mut altered: BTreeMap<&str, Rewrites> = BTreeMap::new();
    for (i, change) in changes.iter().enumerate() {
        if let Change::AlterColumn { table, from, to } = change
            && alters_in_place(from, to)
        {
            let entry = altered.entry(table).or_insert(Rewrites {
                columns: Vec::new(),
                first: i,
                last: i,
            });
            entry.columns.push((from, to));
            entry.last = i;
        }
    }
    if altered.is_empty() {
        return changes;
    }
    // Drops before the table renames name the table as it was.
    let renames = super::table_renames(&changes);
    let now = |table: &str| renames.get(table).copied().unwrap_or(table).to_string();
    // Indexes and checks the plan drops or adds itself.
    let handled: HashSet<(String, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::AddIndex { table, index } | Change::DropIndex { table, index } => {
                Some((now(table), &*index.name))
            }
            Change::AddCheck { table, check } | Change::DropCheck { table, check } => {
                Some((now(table), &*check.name))
            }
            _ => None,
        })
        .collect();
    // A new auto-increment column brings its key with it (`Step::AddAutoKey`,
    // which drops the old key first).
    let auto_keyed: HashSet<&str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::AddColumn { table, column } if column.auto_increment => Some(table.as_str()),
            _ => None,
        })
        .collect();

    let mut moved: HashSet<usize> = HashSet::new();
    let mut detached: Vec<Detached> = Vec::new();
    for (&table, rewrites) in &altered {
        let columns = &rewrites.columns;
        let Some(def) = desired.table(table) else {
            continue;
        };
        // Whether `uses` names a rewritten column (by its name before or
        // after the plan) whose change `allowed` does not let through.
        let blocks = |uses: &dyn Fn(&str) -> bool, allowed: &dyn Fn(&Column, &Column) -> bool| {
            columns
                .iter()
                .any(|&(from, to)| !allowed(from, to) && (uses(&from.name) || uses(&to.name)))
        };
        let keyed = |key: &Option<PrimaryKey>| {
            key.as_ref()
                .is_some_and(|key| blocks(&|c| key.columns.iter().any(|k| k == c), &|_, _| false))
        };
        let key_change =
            |from: &Option<PrimaryKey>, to: &Option<PrimaryKey>| Change::SetPrimaryKey {
                table: table.to_string(),
                from: from.clone(),
                to: to.clone(),
            };
        let (mut key_drop, mut key_add) = (None, None);
        if !auto_keyed.contains(table) {
            let planned = changes
                .iter()
                .enumerate()
                .find_map(|(i, change)| match change {
                    Change::SetPrimaryKey { table: t, from, to } if t == table => {
                        Some((i, from, to))
                    }
                    _ => None,
                });
            match planned {
                // The plan's own key change: the old key goes before the
                // rewrites, the new one comes after them.
                Some((i, from, to)) if keyed(from) || keyed(to) => {
                    moved.insert(i);
                    key_drop = from.is_some().then(|| key_change(from, &None));
                    key_add = to.is_some().then(|| key_change(&None, to));
                }
                Some(_) => {}
                None if keyed(&def.primary_key) => {
                    key_drop = Some(key_change(&def.primary_key, &None));
                    key_add = Some(key_change(&None, &def.primary_key));
                }
                None => {}
            }
        }
        let unhandled = |name: &str| !handled.contains(&(table.to_string(), name));
        // A key column may grow; a column of the filter may not change.
        let indexes: Vec<_> = def
            .indexes
            .iter()
            .filter(|index| {
                let keys = |c: &str| index.columns.iter().any(|k| k == c);
                let filter = |c: &str| {
                    index.filters_on(def, c) || null_filtered(def, index).any(|n| n.name == c)
                };
                unhandled(&index.name)
                    && (blocks(&keys, &|from, to| resized(from, to, true))
                        || blocks(&filter, &|_, _| false))
            })
            .collect();
        let checks: Vec<_> = def
            .checks
            .iter()
            .filter(|check| {
                unhandled(&check.name)
                    && blocks(&|c| mentions(&check.expr, c), &|from, to| {
                        resized(from, to, false)
                    })
            })
            .collect();
        let table = table.to_string();
        let drops = checks
            .iter()
            .map(|&check| Change::DropCheck {
                table: table.clone(),
                check: check.clone(),
            })
            .chain(indexes.iter().map(|&index| Change::DropIndex {
                table: table.clone(),
                index: index.clone(),
            }))
            .chain(key_drop)
            .collect();
        // The key first: a clustered key rebuilds every other index.
        let adds = key_add
            .into_iter()
            .chain(indexes.iter().map(|&index| Change::AddIndex {
                table: table.clone(),
                index: index.clone(),
            }))
            .chain(checks.iter().map(|&check| Change::AddCheck {
                table: table.clone(),
                check: check.clone(),
            }))
            .collect();
        detached.push(Detached {
            first: rewrites.first,
            last: rewrites.last,
            drops,
            adds,
        });
    }

    let mut out = Vec::with_capacity(changes.len());
    for (i, change) in changes.into_iter().enumerate() {
        for d in detached.iter_mut().filter(|d| d.first == i) {
            out.append(&mut d.drops);
        }
        if !moved.contains(&i) {
            out.push(change);
        }
        for d in detached.iter_mut().filter(|d| d.last == i) {
            out.append(&mut d.adds);
        }
    }
    out
}
