//! Soft delete: `delete` sets the soft-delete column, `restore` clears it,
//! `force_delete` removes the row; reads see live rows unless asked.
//! The live-row filter is exactly `deleted_at IS NULL`, the predicate of the
//! partial unique indexes, so lookups by a unique column use them.

use crate::Error;
use crate::audit::inline::{self, Change};
use crate::audit::write::{self as audit, Action, Entry, full_row_json, row_json};
use crate::driver::{Driver, arguments, begin, finish};
use crate::model::meta::Meta;
use crate::model::ops::{
    Scope, change_rows, find, key_text, locked_change, not_found, push_scope, push_set,
    select_columns, where_key,
};
use crate::query::sql::Sql;
use crate::value::Value;

fn soft_column(meta: &Meta) -> Result<usize, Error> {
    meta.soft_delete.ok_or_else(|| {
        Error::Unsupported(format!(
            "`{}` has no soft delete; add #[model(soft_delete)] and a `deleted_at: Option<DateTime<Utc>>` field",
            meta.name()
        ))
    })
}

async fn run<DB: Driver>(conn: &mut DB::Connection, sql: Sql) -> Result<u64, Error> {
    let (text, values) = sql.finish();
    Ok(DB::execute(conn, text, arguments::<DB>(values)?)
        .await?
        .rows_affected)
}

/// Deletes the live row with `key`: soft when the model has soft delete,
/// otherwise for good. Returns the values set (`deleted_at`, `updated_at`)
/// as `(column, value)` pairs.
pub async fn delete<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    key: &[Value],
) -> Result<Vec<(usize, Value)>, Error> {
    let Some(soft) = meta.soft_delete else {
        remove::<DB>(conn, meta, key, Scope::Live, Action::Delete).await?;
        return Ok(Vec::new());
    };
    let mut set = vec![(soft, meta.now(soft))];
    if let Some(i) = meta.updated_at {
        set.push((i, meta.now(i)));
    }
    let mut sql = Sql::new(DB::DIALECT);
    push_set(&mut sql, meta, set.iter().map(|(i, value)| (*i, value)));
    where_key(&mut sql, meta, key);
    push_scope(&mut sql, meta, Scope::Live);
    let found = if meta.table.audit {
        let change = || Change {
            action: Action::Delete,
            key,
            scope: Scope::Live,
            new: Some(set_json(meta, &set, soft)),
            set: set.clone(),
            old: (0..meta.kinds.len()).collect(),
            changed_only: false,
        };
        let entry = |old: &[Value]| {
            Entry::new(meta, old, Action::Delete)
                .old(full_row_json(meta, old))
                .new_values(set_json(meta, &set, soft))
        };
        audited::<DB>(conn, meta, sql, key, Scope::Live, change, entry).await?
    } else {
        run::<DB>(conn, sql).await? > 0
    };
    if !found {
        return Err(not_found(meta, key));
    }
    Ok(set)
}

/// An audited change of the row with `key` in `scope`, `sql` without its
/// audit row; returns whether a row matched. One statement with its audit
/// row where the engine allows (`change`, see [`inline`]); otherwise a
/// transaction that reads and locks the old row, runs `sql` and writes the
/// audit row `entry` makes from the old values.
async fn audited<'k, DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    sql: Sql,
    key: &'k [Value],
    scope: Scope,
    change: impl FnOnce() -> Change<'k>,
    entry: impl FnOnce(&[Value]) -> Entry,
) -> Result<bool, Error> {
    if inline::change_applies::<DB>(conn, meta)
        && let Some(found) = inline::run::<DB>(conn, meta, change()).await?
    {
        return Ok(found);
    }
    let mut tx = begin::<DB>(conn).await?;
    let result = async {
        let Some(old) = find::<DB>(&mut tx, meta, key, scope, true).await? else {
            return Ok(false);
        };
        run::<DB>(&mut tx, sql).await?;
        audit::write::<DB>(&mut tx, vec![entry(&old)]).await?;
        Ok(true)
    }
    .await;
    finish(tx, result).await
}

/// Removes the row with `key` in `scope` for good.
async fn remove<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    key: &[Value],
    scope: Scope,
    action: Action,
) -> Result<(), Error> {
    let mut sql = Sql::new(DB::DIALECT);
    sql.push("DELETE FROM ").ident(meta.name());
    where_key(&mut sql, meta, key);
    push_scope(&mut sql, meta, scope);
    let found = if meta.table.audit {
        let change = || Change {
            action,
            key,
            scope,
            set: Vec::new(),
            old: (0..meta.kinds.len()).collect(),
            changed_only: false,
            new: None,
        };
        let entry = |old: &[Value]| Entry::new(meta, old, action).old(full_row_json(meta, old));
        audited::<DB>(conn, meta, sql, key, scope, change, entry).await?
    } else {
        run::<DB>(conn, sql).await? > 0
    };
    if !found {
        return Err(not_found(meta, key));
    }
    Ok(())
}

/// Removes the row with `key`, trashed or not, for good.
pub async fn force_delete<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    key: &[Value],
) -> Result<(), Error> {
    remove::<DB>(conn, meta, key, Scope::WithTrashed, Action::ForceDelete).await
}

/// A unique violation while restoring, as the error that says what to do.
fn conflict(meta: &Meta, key: &str, error: Error) -> Error {
    match error {
        Error::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            Error::RestoreConflict {
                table: meta.name().to_string(),
                key: key.to_string(),
                detail: db.message().to_string(),
            }
        }
        other => other,
    }
}

/// `SET deleted_at = NULL[, updated_at = now]`; returns what was set.
/// What a restore sets: the soft-delete column to NULL, `updated_at` to now.
fn restore_set(meta: &Meta, soft: usize) -> Vec<(usize, Value)> {
    let mut set = vec![(soft, Value::Null(meta.kinds[soft]))];
    if let Some(i) = meta.updated_at {
        set.push((i, meta.now(i)));
    }
    set
}

fn push_restore_set(sql: &mut Sql, meta: &Meta, soft: usize) -> Vec<(usize, Value)> {
    let set = restore_set(meta, soft);
    push_set(sql, meta, set.iter().map(|(i, value)| (*i, value)));
    set
}

/// Restores the trashed row with `key`; returns the values set.
pub async fn restore<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    key: &[Value],
) -> Result<Vec<(usize, Value)>, Error> {
    let soft = soft_column(meta)?;
    let mut sql = Sql::new(DB::DIALECT);
    let set = push_restore_set(&mut sql, meta, soft);
    where_key(&mut sql, meta, key);
    push_scope(&mut sql, meta, Scope::OnlyTrashed);
    let found = if meta.table.audit {
        let change = || Change {
            action: Action::Restore,
            key,
            scope: Scope::OnlyTrashed,
            new: Some(set_json(meta, &set, soft)),
            set: set.clone(),
            old: vec![soft],
            changed_only: false,
        };
        let entry = |old: &[Value]| {
            Entry::new(meta, old, Action::Restore)
                .old(row_json(meta, old, [soft]))
                .new_values(set_json(meta, &set, soft))
        };
        audited::<DB>(conn, meta, sql, key, Scope::OnlyTrashed, change, entry).await
    } else {
        run::<DB>(conn, sql).await.map(|rows| rows > 0)
    };
    // A unique violation can only come from the row coming back to life.
    let key_text = key_text(meta, key);
    match found {
        Ok(true) => Ok(set),
        Ok(false) => Err(not_trashed(meta, &key_text)),
        Err(e) => Err(conflict(meta, &key_text, e)),
    }
}

/// `{"deleted_at": <its new value>}` for the audit row.
fn set_json(meta: &Meta, set: &[(usize, Value)], soft: usize) -> serde_json::Value {
    let mut row = vec![Value::Null(meta.kinds[soft]); meta.kinds.len()];
    for (i, value) in set {
        row[*i] = value.clone();
    }
    row_json(meta, &row, [soft])
}

fn not_trashed(meta: &Meta, key: &str) -> Error {
    Error::NotFound {
        table: meta.name().to_string(),
        key: format!("{key} among trashed rows"),
    }
}

/// Restores every trashed row; returns how many.
pub async fn restore_all<DB: Driver>(conn: &mut DB::Connection, meta: &Meta) -> Result<u64, Error> {
    let soft = soft_column(meta)?;
    let set = restore_set(meta, soft);
    let head = |sql: &mut Sql| push_set(sql, meta, set.iter().map(|(i, value)| (*i, value)));
    let trashed = |sql: &mut Sql| {
        sql.push(" WHERE 1 = 1");
        push_scope(sql, meta, Scope::OnlyTrashed);
    };
    let clash = |e| conflict(meta, "(all trashed rows)", e);
    if !meta.table.audit {
        let mut sql = Sql::new(DB::DIALECT);
        head(&mut sql);
        trashed(&mut sql);
        return run::<DB>(conn, sql).await.map_err(clash);
    }
    let mut tx = begin::<DB>(conn).await?;
    let result = async {
        let locked = (DB::DIALECT == crate::dialect::Dialect::Postgres)
            .then(|| locked_change(meta, trashed, Some(&set)))
            .flatten();
        let (old, changed) = match locked {
            Some(locked) => {
                let old = crate::query::fetch_values::<DB>(&mut tx, meta, locked)
                    .await
                    .map_err(clash)?;
                let changed = old.len() as u64;
                (old, changed)
            }
            None => {
                let mut select = Sql::new(DB::DIALECT);
                select_columns(&mut select, meta);
                trashed(&mut select);
                if DB::DIALECT != crate::dialect::Dialect::Sqlite {
                    select.push(" FOR UPDATE");
                }
                let old = crate::query::fetch_values::<DB>(&mut tx, meta, select).await?;
                let changed = change_rows::<DB>(&mut tx, meta, head, &old)
                    .await
                    .map_err(clash)?;
                (old, changed)
            }
        };
        let cleared = vec![Value::Null(meta.kinds[soft]); meta.kinds.len()];
        let entries = old
            .iter()
            .map(|row| {
                Entry::new(meta, row, Action::Restore)
                    .old(row_json(meta, row, [soft]))
                    .new_values(row_json(meta, &cleared, [soft]))
            })
            .collect();
        audit::write::<DB>(&mut tx, entries).await?;
        Ok(changed)
    }
    .await;
    finish(tx, result).await
}
