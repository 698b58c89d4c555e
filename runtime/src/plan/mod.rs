//! From a change list to executable steps: skip policies, ordering by
//! foreign-key dependencies, and lowering of what a dialect cannot do
//! directly (above all SQLite's table rebuild).

mod order;
mod sqlite;
mod sqlserver;

pub(crate) use sqlserver::alters_in_place;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use crate::Error;
use crate::dialect::{Ddl, Dialect};
use crate::diff::Change;
use crate::schema::{Column, ForeignKey, PrimaryKey, Schema, Str, Table};

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
    /// Add an auto-increment column, replace the primary key and drop the
    /// old auto-increment columns in one statement (MySQL: a table has one
    /// AUTO_INCREMENT column, and it must be a key in the statement that
    /// adds it).
    AddAutoKey(AutoKey),
    /// Add a nullable column together with its single-column foreign key
    /// (SQLite's `ADD COLUMN ... REFERENCES`, which needs no rebuild).
    AddReferencingColumn {
        table: String,
        column: Column,
        fk: ForeignKey,
    },
    /// Drop the index MySQL/MariaDB made for foreign key `key` of `table`,
    /// which the key just dropped had no other index for (the engine keeps
    /// it after the key).
    DropKeyIndex { table: String, key: String },
}

/// A new auto-increment column of `table` (see [`Step::AddAutoKey`]): the
/// column, the primary key it replaces and becomes part of, and the old
/// auto-increment columns it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoKey {
    pub table: String,
    pub column: Column,
    pub from: Option<PrimaryKey>,
    pub to: Option<PrimaryKey>,
    pub drops: Vec<Column>,
}

/// What the plan may do, from the environment's policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Change kinds (`Change::kind`) to leave out, e.g. `drop_table`.
    pub skip: BTreeSet<String>,
}

impl Policy {
    /// The kinds of change a policy may skip: drops, which leave in place
    /// an object the models no longer have. The snapshot records what a
    /// skipped drop keeps, so the next diff starts from the database as
    /// it is. A skipped addition, rename or alteration would leave the
    /// database without what the models need, with nothing to say so.
    pub const SKIPPABLE: &'static [&'static str] = &[
        "drop_table",
        "drop_column",
        "drop_index",
        "drop_foreign_key",
        "drop_check",
    ];

    /// A policy skipping `kinds`, each one of [`Policy::SKIPPABLE`].
    pub fn skipping<'k>(kinds: impl IntoIterator<Item = &'k str>) -> Result<Policy, Error> {
        let mut skip = BTreeSet::new();
        for kind in kinds {
            if !Policy::SKIPPABLE.contains(&kind) {
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

    /// Whether SQLite must run this plan with foreign keys off: a table
    /// rebuild, or a table dropped after a table it references (tables in
    /// a cycle of keys, which SQLite cannot detach).
    ///
    /// With foreign keys on, SQLite's `DROP TABLE` first deletes the rows,
    /// running the `ON DELETE` actions of the tables that reference it;
    /// such an action on a table whose other referenced table is already
    /// gone fails ("no such table"), whatever the rows.
    pub fn foreign_keys_off(&self) -> bool {
        let mut dropped: Vec<&str> = Vec::new();
        self.steps.iter().any(|step| match step {
            Step::RebuildTable { .. } => true,
            Step::Change(Change::DropTable(table)) => {
                let after_parent = table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.ref_table != table.name && dropped.contains(&&*fk.ref_table));
                dropped.push(&table.name);
                after_parent
            }
            _ => false,
        })
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

/// Foreign keys of tables that come and go, to a table whose key or
/// referenced columns change in the same plan. A table is created early
/// and dropped late (around the other tables' alterations), so such a key
/// would name columns not there yet, or block their change until the end.
/// A created table's key is added last instead, and a dropped table's key
/// dropped first, with the other foreign keys. (SQLite has no constraint
/// to add or drop; its rebuilds run with foreign keys off.)
fn detach_changing_references(mut changes: Vec<Change>) -> Vec<Change> {
    use std::collections::HashSet;
    // Tables whose key changes, and (table, column) pairs that change.
    let mut keys: HashSet<&str> = HashSet::new();
    let mut columns: HashSet<(&str, &str)> = HashSet::new();
    for change in &changes {
        match change {
            Change::SetPrimaryKey { table, .. } => {
                keys.insert(table);
            }
            Change::AlterColumn {
                table,
                from: column,
                ..
            }
            | Change::DropColumn { table, column }
            | Change::AddColumn { table, column } => {
                columns.insert((table, &column.name));
            }
            _ => {}
        }
    }
    if keys.is_empty() && columns.is_empty() {
        return changes;
    }
    let keys: HashSet<String> = keys.into_iter().map(str::to_string).collect();
    let columns: HashSet<(String, String)> = columns
        .into_iter()
        .map(|(t, c)| (t.to_string(), c.to_string()))
        .collect();
    let touched = |table: &str, referenced: &[crate::schema::Str]| {
        keys.contains(table)
            || referenced
                .iter()
                .any(|c| columns.contains(&(table.to_string(), c.to_string())))
    };
    let mut detached = Vec::new();
    for change in &mut changes {
        match change {
            Change::DropTable(dropped) => {
                for fk in dropped.foreign_keys.iter() {
                    if touched(&fk.ref_table, &fk.ref_columns) {
                        detached.push(Change::DropForeignKey {
                            table: dropped.name.to_string(),
                            fk: fk.clone(),
                        });
                    }
                }
            }
            Change::CreateTable(created) => {
                let (later, kept): (Vec<ForeignKey>, Vec<ForeignKey>) = created
                    .foreign_keys
                    .iter()
                    .cloned()
                    .partition(|fk| touched(&fk.ref_table, &fk.ref_columns));
                if later.is_empty() {
                    continue;
                }
                let name = created.name.to_string();
                detached.extend(later.into_iter().map(|fk| Change::AddForeignKey {
                    table: name.clone(),
                    fk,
                }));
                created.foreign_keys = kept.into();
            }
            _ => {}
        }
    }
    changes.extend(detached);
    changes
}

/// SQLite and SQL Server compare table names ignoring case: a table
/// created under the name of a dropped one in another case (`Users` for `users`, a rename
/// without a hint) would clash with it, since tables are created before
/// the dropped ones go. Such a drop runs just before the create.
fn drops_before_case_twins(mut changes: Vec<Change>) -> Vec<Change> {
    let twin = |a: &str, b: &str| a != b && a.eq_ignore_ascii_case(b);
    let mut at = 0;
    while at < changes.len() {
        let Change::CreateTable(created) = &changes[at] else {
            at += 1;
            continue;
        };
        let name = created.name.clone();
        let later = changes[at + 1..]
            .iter()
            .position(|c| matches!(c, Change::DropTable(t) if twin(&t.name, &name)));
        match later {
            Some(k) => {
                let drop = changes.remove(at + 1 + k);
                changes.insert(at, drop);
                at += 2;
            }
            None => at += 1,
        }
    }
    changes
}

/// SQL Server names constraints in the database, not the table, and so do
/// MySQL (checks and foreign keys) and MariaDB (foreign keys). Tables are
/// created before the dropped ones go (see `order`), so a check or foreign
/// key of a created table that reuses the name of one of a dropped table
/// (a table renamed without a hint keeps its constraint names) would clash
/// with it: the dropped table's constraint goes first, with the other
/// dropped constraints.
fn free_reused_names(mut changes: Vec<Change>) -> Vec<Change> {
    use std::collections::HashSet;
    let created: HashSet<&str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::CreateTable(table) => Some(table),
            _ => None,
        })
        .flat_map(|table| {
            let checks = table.checks.iter().map(|c| &*c.name);
            checks.chain(table.foreign_keys.iter().map(|fk| &*fk.name))
        })
        .collect();
    if created.is_empty() {
        return changes;
    }
    let dropped: HashSet<(&str, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::DropForeignKey { table, fk } => Some((table.as_str(), &*fk.name)),
            Change::DropCheck { table, check } => Some((table.as_str(), &*check.name)),
            _ => None,
        })
        .collect();
    let mut freed = Vec::new();
    for change in &changes {
        let Change::DropTable(table) = change else {
            continue;
        };
        let table_name = table.name.to_string();
        let clashes =
            |name: &str| created.contains(name) && !dropped.contains(&(&*table.name, name));
        for check in table.checks.iter().filter(|c| clashes(&c.name)) {
            freed.push(Change::DropCheck {
                table: table_name.clone(),
                check: check.clone(),
            });
        }
        for fk in table.foreign_keys.iter().filter(|fk| clashes(&fk.name)) {
            freed.push(Change::DropForeignKey {
                table: table_name.clone(),
                fk: fk.clone(),
            });
        }
    }
    changes.extend(freed);
    changes
}

/// MySQL/MariaDB refuse to change the type of a column a foreign key
/// uses, on either side, and SQL Server its type or nullability. The keys
/// of the tables that stay, over a column the plan alters so, are dropped
/// first and added again last (keys of created and dropped tables are
/// already, see [`detach_changing_references`]).
fn detach_altered_keys(
    mut changes: Vec<Change>,
    desired: &Schema,
    dialect: Dialect,
) -> Vec<Change> {
    use std::collections::HashSet;
    // A type MySQL writes alike (`DATETIME(6)` holds both kinds of
    // timestamp) is no change of type to it.
    let rewrites = |table: &str, from: &Column, to: &Column| match dialect {
        Dialect::SqlServer => alters_in_place(from, to),
        _ => from.ty != to.ty && !writes_alike(dialect.ddl(), table, from, to),
    };
    let altered: HashSet<(&str, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::AlterColumn { table, from, to } if rewrites(table, from, to) => {
                Some((table.as_str(), &*to.name))
            }
            _ => None,
        })
        .collect();
    if altered.is_empty() {
        return changes;
    }
    // Keys the plan already drops or adds, and tables it creates.
    let handled: HashSet<(&str, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::DropForeignKey { table, fk } | Change::AddForeignKey { table, fk } => {
                Some((table.as_str(), &*fk.name))
            }
            _ => None,
        })
        .collect();
    let created: HashSet<&str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::CreateTable(table) => Some(&*table.name),
            _ => None,
        })
        .collect();
    let mut detached = Vec::new();
    for table in desired
        .tables
        .iter()
        .filter(|t| !created.contains(&*t.name))
    {
        for fk in table.foreign_keys.iter() {
            let uses = |t: &str, columns: &[crate::schema::Str]| {
                columns.iter().any(|c| altered.contains(&(t, &**c)))
            };
            if (uses(&table.name, &fk.columns) || uses(&fk.ref_table, &fk.ref_columns))
                && !handled.contains(&(&*table.name, &*fk.name))
            {
                for change in [
                    Change::DropForeignKey {
                        table: table.name.to_string(),
                        fk: fk.clone(),
                    },
                    Change::AddForeignKey {
                        table: table.name.to_string(),
                        fk: fk.clone(),
                    },
                ] {
                    detached.push(change);
                }
            }
        }
    }
    changes.extend(detached);
    changes
}

/// MySQL/MariaDB keep an index for every foreign key (its columns first):
/// they create one, named as the key, when the key has none, and drop that
/// one silently once another index serves it. Dropping the only index that
/// serves a key that stays fails ("needed in a foreign key constraint").
/// The key is dropped before and added again after, which makes the engine
/// create its own index again, as for a fresh table. (An index created in
/// its place would stay when the user's index comes back, and clash with
/// the next one.)
fn detach_served_keys(mut changes: Vec<Change>, current: &Schema, desired: &Schema) -> Vec<Change> {
    use std::collections::HashSet;
    let serves = |index: &crate::schema::Index, fk: &ForeignKey| {
        index.predicate.is_none() && index.columns.starts_with(&fk.columns)
    };
    let renames = table_renames(&changes);
    let old_name: std::collections::HashMap<&str, &str> =
        renames.iter().map(|(&old, &new)| (new, old)).collect();
    let dropped_indexes: HashSet<(&str, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::DropIndex { table, index } => Some((table.as_str(), &*index.name)),
            _ => None,
        })
        .collect();
    let detached: HashSet<&str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::DropForeignKey { fk, .. } => Some(&*fk.name),
            _ => None,
        })
        .collect();
    let mut added: Vec<Change> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for change in &changes {
        let Change::DropIndex { table, index } = change else {
            continue;
        };
        let Some(def) = current.table(old_name.get(table.as_str()).copied().unwrap_or(table))
        else {
            continue;
        };
        // The index as the table has it now (a change names columns as a
        // rename in the plan leaves them).
        let Some(index) = def.indexes.iter().find(|i| i.name == index.name) else {
            continue;
        };
        for fk in def.foreign_keys.iter().filter(|fk| {
            serves(index, fk)
                && !detached.contains(&*fk.name)
                && !def.indexes.iter().any(|other| {
                    other.name != index.name
                        && serves(other, fk)
                        && !dropped_indexes.contains(&(table.as_str(), &*other.name))
                })
        }) {
            // The key as it is after the plan (a referenced table may be
            // renamed).
            let after = desired
                .table(table)
                .and_then(|t| t.foreign_keys.iter().find(|k| k.name == fk.name));
            if let Some(after) = after
                && seen.insert(fk.name.to_string())
            {
                added.push(Change::DropForeignKey {
                    table: table.clone(),
                    fk: fk.clone(),
                });
                added.push(Change::AddForeignKey {
                    table: table.clone(),
                    fk: after.clone(),
                });
            }
        }
    }
    changes.extend(added);
    changes
}

/// After each foreign key MySQL/MariaDB drop, the index they made for it:
/// they create one, named as the key, when no index of the table (the
/// primary key included) starts with the key's columns, and keep it when
/// the key goes. (`steps` in execution order, a dropped key naming its
/// table as it was.)
fn drop_key_indexes(steps: Vec<Step>, current: &Schema) -> Vec<Step> {
    // A table the plan drops takes its indexes with it.
    let dropped: BTreeSet<String> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Change(Change::DropTable(table)) => Some(table.name.to_string()),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        let made = match &step {
            Step::Change(Change::DropForeignKey { table, fk }) if !dropped.contains(table) => {
                // The key and indexes as the table has them now (a change
                // names columns as a rename in the plan leaves them).
                let made = |def: &Table| {
                    let Some(fk) = def.foreign_keys.iter().find(|k| k.name == fk.name) else {
                        return false;
                    };
                    let key = def
                        .primary_key
                        .as_ref()
                        .is_some_and(|pk| pk.columns.starts_with(&fk.columns));
                    let index = def.indexes.iter().any(|index| {
                        index.predicate.is_none() && index.columns.starts_with(&fk.columns)
                    });
                    !key && !index
                };
                current
                    .table(table)
                    .is_some_and(made)
                    .then(|| Step::DropKeyIndex {
                        table: table.clone(),
                        key: fk.name.to_string(),
                    })
            }
            _ => None,
        };
        out.push(step);
        out.extend(made);
    }
    out
}

/// Whether `ddl` writes column `from` of `table` as it writes `to`, so that
/// altering one into the other changes nothing on its engine (types that
/// are one type there). The key's own clause is left out: it is written
/// only with the table's key.
fn writes_alike(ddl: &dyn Ddl, table: &str, from: &Column, to: &Column) -> bool {
    let (mut from, mut to) = (from.clone(), to.clone());
    if from.auto_increment == to.auto_increment {
        (from.auto_increment, to.auto_increment) = (false, false);
    }
    matches!(
        (ddl.column_def(table, &from, None), ddl.column_def(table, &to, None)),
        (Ok(a), Ok(b)) if a == b
    )
}

/// Folds each new auto-increment column, its table's primary key change and
/// the drops of the table's old auto-increment columns into one
/// [`Step::AddAutoKey`], at the new column's place.
fn auto_keys(steps: Vec<Step>) -> Vec<Step> {
    let tables: BTreeSet<String> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Change(Change::AddColumn { table, column }) if column.auto_increment => {
                Some(table.clone())
            }
            _ => None,
        })
        .collect();
    if tables.is_empty() {
        return steps;
    }
    let mut keys: std::collections::BTreeMap<String, (Option<PrimaryKey>, Option<PrimaryKey>)> =
        std::collections::BTreeMap::new();
    let mut drops: std::collections::BTreeMap<String, Vec<Column>> =
        std::collections::BTreeMap::new();
    let mut rest = Vec::with_capacity(steps.len());
    for step in steps {
        match step {
            Step::Change(Change::SetPrimaryKey { table, from, to }) if tables.contains(&table) => {
                keys.insert(table, (from, to));
            }
            Step::Change(Change::DropColumn { table, column })
                if column.auto_increment && tables.contains(&table) =>
            {
                drops.entry(table).or_default().push(column);
            }
            step => rest.push(step),
        }
    }
    rest.into_iter()
        .map(|step| match step {
            Step::Change(Change::AddColumn { table, column }) if column.auto_increment => {
                let (from, to) = keys.remove(&table).unwrap_or_default();
                let drops = drops.remove(&table).unwrap_or_default();
                Step::AddAutoKey(AutoKey {
                    table,
                    column,
                    from,
                    to,
                    drops,
                })
            }
            step => step,
        })
        .collect()
}

/// A foreign key dropped and added again under another name only.
struct Renamed {
    /// Index of the `DropForeignKey` change.
    drop: usize,
    /// Index of the `AddForeignKey` change.
    add: usize,
    old_name: String,
}

/// The tables `changes` rename, old name to new.
fn table_renames(changes: &[Change]) -> std::collections::HashMap<&str, &str> {
    changes
        .iter()
        .filter_map(|change| match change {
            Change::RenameTable { from, to } => Some((from.as_str(), to.as_str())),
            _ => None,
        })
        .collect()
}

/// The foreign keys `changes` drop and add again with the same definition
/// under another name (named after a table or column that was renamed).
fn renamed_foreign_keys(changes: &[Change]) -> Vec<Renamed> {
    // The table a change ends on (drops before a rename may name it by
    // its old name).
    let renames = table_renames(changes);
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

/// A table's name and the name of an object on it.
type Named<'a> = (&'a str, &'a str);

/// The table and name of the index, foreign key or check that `change`
/// adds (`Ok`) or drops (`Err`).
fn named_object(change: &Change) -> Option<Result<Named<'_>, Named<'_>>> {
    Some(match change {
        Change::AddIndex { table, index } => Ok((table.as_str(), &*index.name)),
        Change::AddForeignKey { table, fk } => Ok((table.as_str(), &*fk.name)),
        Change::AddCheck { table, check } => Ok((table.as_str(), &*check.name)),
        Change::DropIndex { table, index } => Err((table.as_str(), &*index.name)),
        Change::DropForeignKey { table, fk } => Err((table.as_str(), &*fk.name)),
        Change::DropCheck { table, check } => Err((table.as_str(), &*check.name)),
        _ => return None,
    })
}

/// A skipped drop of an index, foreign key or check that the plan adds
/// again under the same name is half of a redefinition (a unique index
/// made partial by soft delete, another action, another expression), not
/// a removal: it is kept, or the add would fail on the name the old
/// definition still holds.
fn keep_redefinitions(kept: Vec<Change>, skipped: Vec<Change>) -> (Vec<Change>, Vec<Change>) {
    if skipped.is_empty() {
        return (kept, skipped);
    }
    let added: HashSet<(String, String)> = kept
        .iter()
        .filter_map(|c| match named_object(c) {
            Some(Ok((table, name))) => Some((table.to_string(), name.to_string())),
            _ => None,
        })
        .collect();
    let (redefined, skipped): (Vec<Change>, Vec<Change>) = skipped.into_iter().partition(|c| {
        matches!(named_object(c), Some(Err((table, name)))
            if added.contains(&(table.to_string(), name.to_string())))
    });
    let mut kept = kept;
    kept.extend(redefined);
    (kept, skipped)
}

/// A skipped drop the plan needs after all is not skipped. The diff names
/// the objects it drops as this migration's renames leave them (table and
/// column names; expressions are rewritten here, as the engines do).
/// - Something on a column or table the plan drops: the engine would drop
///   it with what it depends on, or refuse to drop that. So an index, key
///   or check on a dropped column goes, as does a key referencing a
///   dropped table or column.
/// - A foreign key or check on a column whose type or nullability the
///   plan changes: a key must match the type it references, and `SET NULL`
///   needs a nullable column; a check may not apply to the new type.
/// - A live-rows index on a table whose soft delete the plan changes: it
///   reads the old soft-delete column.
/// - An object the models still define under another name (a rename of
///   a key or index named after a renamed table or column), or a foreign
///   key on columns the models give another key: keeping the old one
///   would constrain the rows twice, and on MySQL the two keys would
///   share the index one of them made.
///
/// A table whose drop is skipped loses its foreign keys to a table the
/// plan drops (a `DropForeignKey` joins the plan, and the kept table is
/// recorded without them).
fn keep_needed_drops(
    current: &Schema,
    desired: &Schema,
    kept: Vec<Change>,
    skipped: Vec<Change>,
) -> (Vec<Change>, Vec<Change>) {
    if skipped.is_empty() {
        return (kept, skipped);
    }
    let mut dropped_tables: HashSet<&str> = HashSet::new();
    let mut dropped: HashSet<(&str, &str)> = HashSet::new();
    let mut retyped: HashSet<(&str, &str)> = HashSet::new();
    for change in &kept {
        match change {
            Change::DropTable(table) => {
                dropped_tables.insert(&table.name);
            }
            Change::DropColumn { table, column } => {
                dropped.insert((table, &column.name));
            }
            Change::AlterColumn { table, from, to }
                if from.ty != to.ty || from.nullable != to.nullable =>
            {
                retyped.insert((table, &to.name));
            }
            _ => {}
        }
    }
    let in_set = |set: &HashSet<(&str, &str)>, table: &str, columns: &[Str]| {
        columns.iter().any(|c| set.contains(&(table, &**c)))
    };
    let references_gone = |fk: &ForeignKey| {
        dropped_tables.contains(&*fk.ref_table) || in_set(&dropped, &fk.ref_table, &fk.ref_columns)
    };
    let mentioned = |set: &HashSet<(&str, &str)>, table: &str, expr: &str| {
        set.iter()
            .any(|&(t, c)| t == table && crate::schema::mentions(expr, c))
    };
    let wanted = |table: &str| desired.table(table);
    // The table as it was: by its name, or the name it is renamed from.
    let before = |table: &str| table_before(current, desired, table);
    let mut needed: Vec<Change> = Vec::new();
    let mut still_skipped: Vec<Change> = Vec::new();
    for change in skipped {
        let need = match &change {
            Change::DropIndex { table, index } => {
                let now = wanted(table);
                let predicate = now.and_then(|t| expr_now(t, index.predicate.as_deref()));
                let same = |other: &crate::schema::Index| {
                    other.columns == index.columns
                        && other.unique == index.unique
                        && other.live_rows == index.live_rows
                        && other.predicate.as_deref()
                            == predicate.as_deref().or(index.predicate.as_deref())
                };
                in_set(&dropped, table, &index.columns)
                    || index
                        .predicate
                        .as_deref()
                        .is_some_and(|p| mentioned(&dropped, table, p))
                    || (index.live_rows
                        && before(table).map(|t| &t.soft_delete) != now.map(|t| &t.soft_delete))
                    || now.is_some_and(|t| t.indexes.iter().any(same))
            }
            Change::DropForeignKey { table, fk } => {
                let same = |other: &ForeignKey| other.columns == fk.columns;
                in_set(&dropped, table, &fk.columns)
                    || references_gone(fk)
                    || in_set(&retyped, table, &fk.columns)
                    || in_set(&retyped, &fk.ref_table, &fk.ref_columns)
                    || wanted(table).is_some_and(|t| t.foreign_keys.iter().any(same))
            }
            Change::DropCheck { table, check } => {
                let expr = wanted(table)
                    .and_then(|t| expr_now(t, Some(&check.expr)))
                    .unwrap_or_else(|| check.expr.to_string());
                mentioned(&dropped, table, &check.expr)
                    || mentioned(&retyped, table, &expr)
                    || wanted(table).is_some_and(|t| t.checks.iter().any(|c| *c.expr == *expr))
            }
            _ => false,
        };
        match change {
            change if need => needed.push(change),
            Change::DropTable(mut table) if table.foreign_keys.iter().any(references_gone) => {
                let (gone, stay): (Vec<ForeignKey>, Vec<ForeignKey>) = table
                    .foreign_keys
                    .iter()
                    .cloned()
                    .partition(|fk| references_gone(fk));
                table.foreign_keys = stay.into();
                needed.extend(gone.into_iter().map(|fk| Change::DropForeignKey {
                    table: table.name.to_string(),
                    fk,
                }));
                still_skipped.push(Change::DropTable(table));
            }
            change => still_skipped.push(change),
        }
    }
    let mut kept = kept;
    kept.extend(needed);
    (kept, still_skipped)
}

/// The plan's target, the models plus what skipped drops keep, must be a
/// schema the engine takes (`dialect::check_target`): a key kept beside
/// the models' keys may complete a path of actions SQL Server refuses, a
/// kept check or key may form a pair MySQL refuses, and a kept index may
/// hold a name PostgreSQL and SQLite give one object per database. When
/// the models pass and the target does not, kept objects go, one at a
/// time until it passes: first foreign keys with actions (skipped drops,
/// then those of tables whose drop is skipped), then checks, then indexes
/// whose name clashes (skipped drops, then those of kept tables).
fn keep_what_the_engine_refuses(
    desired: &Schema,
    dialect: Dialect,
    kept: Vec<Change>,
    skipped: Vec<Change>,
) -> (Vec<Change>, Vec<Change>) {
    let check = |schema: &Schema| crate::dialect::check_target(dialect, schema);
    let refused = |skipped: &[Change]| check(&with_skipped_kept(desired, skipped)).is_err();
    if skipped.is_empty() || check(desired).is_err() || !refused(&skipped) {
        return (kept, skipped);
    }
    let acts = |fk: &ForeignKey| {
        fk.on_delete != crate::schema::FkAction::NoAction
            || fk.on_update != crate::schema::FkAction::NoAction
    };
    let (mut kept, mut skipped) = (kept, skipped);
    // Each pass takes one kept object out: a skipped drop run after all,
    // or a key of a kept table dropped.
    loop {
        let key_drop = skipped
            .iter()
            .position(|c| matches!(c, Change::DropForeignKey { fk, .. } if acts(fk)));
        let table_key = skipped.iter().enumerate().find_map(|(i, c)| match c {
            Change::DropTable(table) => table.foreign_keys.iter().position(acts).map(|k| (i, k)),
            _ => None,
        });
        let check_drop = skipped
            .iter()
            .position(|c| matches!(c, Change::DropCheck { .. }));
        if let Some(i) = key_drop {
            kept.push(skipped.remove(i));
        } else if let Some((i, k)) = table_key {
            let Change::DropTable(table) = &mut skipped[i] else {
                break;
            };
            let fk = table.foreign_keys.to_mut().remove(k);
            kept.push(Change::DropForeignKey {
                table: table.name.to_string(),
                fk,
            });
        } else if let Some(i) = check_drop {
            kept.push(skipped.remove(i));
        } else if let Some(i) = skipped
            .iter()
            .position(|c| matches!(c, Change::DropIndex { .. }) && refused(std::slice::from_ref(c)))
        {
            // A kept index whose name the engine gives to another object
            // of the models (an index of another table, on PostgreSQL and
            // SQLite): the models' one wins.
            kept.push(skipped.remove(i));
        } else if let Some((i, k)) = skipped.iter().enumerate().find_map(|(i, c)| match c {
            Change::DropTable(table) => (0..table.indexes.len())
                .find(|&k| {
                    let mut alone = table.clone();
                    alone.indexes = vec![table.indexes[k].clone()].into();
                    alone.foreign_keys = Vec::new().into();
                    alone.checks = Vec::new().into();
                    refused(&[Change::DropTable(alone)])
                })
                .map(|k| (i, k)),
            _ => None,
        }) {
            let Change::DropTable(table) = &mut skipped[i] else {
                break;
            };
            let index = table.indexes.to_mut().remove(k);
            kept.push(Change::DropIndex {
                table: table.name.to_string(),
                index,
            });
        } else {
            break;
        }
        if !refused(&skipped) {
            break;
        }
    }
    (kept, skipped)
}

/// `desired` plus what skipped drops leave in place: the schema the
/// database has after a plan whose policy skipped them. The plan works
/// towards it (a SQLite rebuild keeps a column whose drop was skipped), and
/// the directory's snapshot records it.
///
/// What is kept was defined before this migration, which may rename the
/// tables and columns it names (`renamed_from`): every engine's rename
/// carries indexes, keys and references along, so the kept definitions
/// follow the renames too.
pub fn with_skipped_kept<'s>(desired: &'s Schema, skipped: &[Change]) -> Cow<'s, Schema> {
    if skipped.is_empty() {
        return Cow::Borrowed(desired);
    }
    let mut schema = desired.clone();
    // Tables whose drop was skipped, whose keys must follow renames.
    let mut kept: Vec<Str> = Vec::new();
    for change in skipped {
        if let Change::DropTable(table) = change {
            kept.push(table.name.clone());
            schema.tables.push(table.clone());
        }
    }
    // Columns first: a kept index or key may name a kept column.
    for change in skipped {
        if let Change::DropColumn { table, column } = change
            && let Some(t) = table_now(&schema.tables, table)
        {
            schema.tables[t].columns.to_mut().push(column.clone());
        }
    }
    for change in skipped {
        let Some(t) = table_now(&schema.tables, change.table()) else {
            continue;
        };
        match change {
            Change::DropIndex { index, .. } => {
                let mut index = index.clone();
                if let Some(predicate) = expr_now(&schema.tables[t], index.predicate.as_deref()) {
                    index.predicate = Some(predicate.into());
                }
                schema.tables[t].indexes.to_mut().push(index);
            }
            Change::DropForeignKey { fk, .. } => {
                schema.tables[t].foreign_keys.to_mut().push(fk.clone());
            }
            Change::DropCheck { check, .. } => {
                let mut check = check.clone();
                if let Some(expr) = expr_now(&schema.tables[t], Some(&check.expr)) {
                    check.expr = expr.into();
                }
                schema.tables[t].checks.to_mut().push(check);
            }
            _ => {}
        }
    }
    for i in 0..schema.tables.len() {
        if !kept.contains(&schema.tables[i].name) {
            continue;
        }
        for k in 0..schema.tables[i].foreign_keys.len() {
            let mut fk = schema.tables[i].foreign_keys[k].clone();
            if references_now(&schema.tables, &mut fk) {
                schema.tables[i].foreign_keys.to_mut()[k] = fk;
            }
        }
    }
    Cow::Owned(Schema::new(schema.tables))
}

/// Table `name`, as this migration's renames leave it, as it was in
/// `current`: by its name, or by the name `desired` says it is renamed
/// from (a change names its table as the renames leave it).
pub(crate) fn table_before<'s>(
    current: &'s Schema,
    desired: &Schema,
    name: &str,
) -> Option<&'s Table> {
    current.table(name).or_else(|| {
        let old = desired.table(name)?.renamed_from.as_deref()?;
        current.table(old)
    })
}

/// The position of the table named `name` before or after this
/// migration: a drop may name its table as it was before a rename.
fn table_now(tables: &[Table], name: &str) -> Option<usize> {
    tables.iter().position(|t| t.name == *name).or_else(|| {
        tables
            .iter()
            .position(|t| t.renamed_from.as_deref() == Some(name))
    })
}

/// The name column `name` of `table` takes in this migration, when it
/// changes: a name the table no longer has follows the column renamed
/// from it. Compared without regard to ASCII case, as SQL reads names in
/// expressions.
fn column_now<'t>(table: &'t Table, name: &str) -> Option<&'t str> {
    if table
        .columns
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case(name))
    {
        return None;
    }
    table
        .columns
        .iter()
        .find(|c| {
            c.renamed_from()
                .is_some_and(|old| old.eq_ignore_ascii_case(name))
        })
        .map(|c| &*c.name)
}

/// A check's or an index's expression with the columns it names as this
/// migration leaves them (engines rewrite it on a rename); `None` when
/// nothing changes.
fn expr_now(table: &Table, expr: Option<&str>) -> Option<String> {
    crate::schema::rename_in(expr?, |name| column_now(table, name))
}

/// Points `fk` (of a table whose drop is skipped, as it was before this
/// migration) at the table and columns it references as this migration
/// leaves them; whether that changed anything.
fn references_now(tables: &[Table], fk: &mut ForeignKey) -> bool {
    let Some(t) = table_now(tables, &fk.ref_table) else {
        return false;
    };
    let table = &tables[t];
    let ref_columns: crate::schema::List<Str> = fk
        .ref_columns
        .iter()
        .map(|name| column_now(table, name).map_or_else(|| name.clone(), Str::from))
        .collect();
    if table.name == fk.ref_table && ref_columns[..] == fk.ref_columns[..] {
        return false;
    }
    fk.ref_table = table.name.clone();
    fk.ref_columns = ref_columns;
    true
}

/// Plans `changes`, which lead from `current` to `desired`, for `dialect`.
pub fn plan(
    current: &Schema,
    desired: &Schema,
    changes: Vec<Change>,
    dialect: Dialect,
    policy: &Policy,
) -> Plan {
    let (kept, skipped) = split(current, desired, changes, dialect, policy);
    plan_split(current, desired, kept, skipped, dialect)
}

/// The changes a plan runs and the drops `policy` skips. A skipped drop
/// that is half of a redefinition, that something the plan changes needs,
/// or that leaves an object the engine refuses beside the models' ones, is
/// run after all (`keep_redefinitions`, `keep_needed_drops`,
/// `keep_what_the_engine_refuses`).
pub fn split(
    current: &Schema,
    desired: &Schema,
    changes: Vec<Change>,
    dialect: Dialect,
    policy: &Policy,
) -> (Vec<Change>, Vec<Change>) {
    let (kept, skipped): (Vec<Change>, Vec<Change>) = changes
        .into_iter()
        .partition(|c| !policy.skip.contains(c.kind()));
    let (kept, skipped) = keep_redefinitions(kept, skipped);
    let (kept, skipped) = keep_needed_drops(current, desired, kept, skipped);
    keep_what_the_engine_refuses(desired, dialect, kept, skipped)
}

/// Plans the `kept` changes of a [`split`] for `dialect`, towards
/// `desired` plus what the `skipped` drops keep.
pub fn plan_split(
    current: &Schema,
    desired: &Schema,
    kept: Vec<Change>,
    skipped: Vec<Change>,
    dialect: Dialect,
) -> Plan {
    let target = with_skipped_kept(desired, &skipped);
    let desired = &*target;
    let kept = match dialect {
        Dialect::Sqlite => kept,
        Dialect::Postgres => detach_changing_references(kept),
        Dialect::MySql => free_reused_names(detach_served_keys(
            detach_altered_keys(detach_changing_references(kept), desired, dialect),
            current,
            desired,
        )),
        Dialect::SqlServer => free_reused_names(detach_altered_keys(
            detach_changing_references(kept),
            desired,
            dialect,
        )),
    };
    let ordered = order::order(kept, dialect);
    let steps = match dialect {
        Dialect::Sqlite => sqlite::lower(current, desired, drops_before_case_twins(ordered)),
        Dialect::Postgres => {
            rename_foreign_keys(order::name_tables_as_before_renames(ordered), dialect)
        }
        // One AUTO_INCREMENT / IDENTITY column per table.
        Dialect::MySql => drop_key_indexes(
            auto_keys(rename_foreign_keys(
                order::name_tables_as_before_renames(ordered),
                dialect,
            )),
            current,
        ),
        Dialect::SqlServer => auto_keys(rename_foreign_keys(
            sqlserver::detach_column_dependents(
                order::name_tables_as_before_renames(drops_before_case_twins(ordered)),
                desired,
            ),
            dialect,
        )),
    };
    Plan { steps, skipped }
}
