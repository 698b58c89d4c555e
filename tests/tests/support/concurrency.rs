//! 50 tasks updating and soft-deleting the same 5 rows of an audited model:
//! every successful change has exactly one audit row, and the table
//! matches the log. One body for every audited model the tests define.

#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;

use dbgen::{Driver, Error, Model};
use serde_json::Value as Json;

use super::db::Engine;

/// How the check reads and changes one field of the model.
pub struct Field<M> {
    /// Its column name, as the audit values key it.
    pub column: &'static str,
    /// Sets the field to a value derived from the task number (every task
    /// writes a different value, so every update changes the row).
    pub set: fn(&mut M, usize),
    /// The field as its audit JSON.
    pub get: fn(&M) -> Json,
    /// The row's id.
    pub id: fn(&M) -> i64,
    /// Whether the row is trashed.
    pub trashed: fn(&M) -> bool,
}

/// Runs the 50 tasks over `rows` (5 rows, inserted by the caller) of
/// `table`, then checks the table against the audit log.
pub async fn fifty_tasks<DB, M>(
    engine: Engine,
    pool: &sqlx::Pool<DB>,
    table: &str,
    rows: Vec<M>,
    field: Field<M>,
) where
    DB: Driver,
    M: Model + Clone + Send + Sync + 'static,
{
    let ids: Vec<i64> = rows.iter().map(field.id).collect();
    let initial: BTreeMap<i64, Json> = rows
        .iter()
        .map(|r| ((field.id)(r), (field.get)(r)))
        .collect();
    let set = field.set;
    let mut tasks = Vec::new();
    for task in 0..50 {
        let pool = pool.clone();
        let id = ids[task % ids.len()];
        tasks.push(tokio::spawn(async move {
            if task % 9 == 4 {
                match M::delete_by_id(&pool, id).await {
                    Ok(()) => Some(("DELETE", id)),
                    Err(Error::NotFound { .. }) => None,
                    Err(other) => panic!("delete failed: {other}"),
                }
            } else {
                let mut row = M::find(&pool, id).await.unwrap()?;
                set(&mut row, task);
                match row.update(&pool).await {
                    Ok(()) => Some(("UPDATE", id)),
                    Err(Error::NotFound { .. }) => None,
                    Err(other) => panic!("update failed: {other}"),
                }
            }
        }));
    }
    let mut done: BTreeMap<(&str, i64), usize> = BTreeMap::new();
    for task in tasks {
        if let Some(change) = task.await.unwrap() {
            *done.entry(change).or_default() += 1;
        }
    }
    for &id in &ids {
        let log = dbgen::audit::history(pool, table, id).await.unwrap();
        let count = |action: &str| log.iter().filter(|r| r.action == action).count();
        for action in ["UPDATE", "DELETE"] {
            assert_eq!(
                count(action),
                done.get(&(action, id)).copied().unwrap_or(0),
                "{engine:?} {table} row {id}: one {action} row per successful {action}"
            );
        }
        assert!(count("DELETE") <= 1);
        let row = M::query()
            .with_trashed()
            .filter("id = ", id)
            .fetch_optional(pool)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (field.trashed)(&row),
            count("DELETE") == 1,
            "{engine:?}: trashed iff a DELETE was logged"
        );
        // Each logged update's old value is the previous one's new value,
        // and the last one is what the table holds.
        let mut last = initial[&id].clone();
        for update in log.iter().filter(|r| r.action == "UPDATE") {
            assert_eq!(
                update.old_values.as_ref().unwrap()[field.column],
                last,
                "{engine:?} {table} row {id}"
            );
            last = update.new_values.as_ref().unwrap()[field.column].clone();
        }
        assert_eq!(
            (field.get)(&row),
            last,
            "{engine:?}: the table matches the log"
        );
    }
}
