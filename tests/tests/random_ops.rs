//! Random sequences of every helper of an audited soft-delete model with a
//! unique pair of columns (`insert`, `insert_many`, `update`, `delete_by_id`,
//! `restore_by_id`, `force_delete_by_id`, `restore_all`, a bulk
//! `Query::delete`), alone or a few in the caller's transaction (committed
//! or rolled back), against a model of what each must do kept in Rust:
//! which calls succeed and which fail (missing or trashed rows, a unique
//! value a live row holds, a restore that would clash), what the table
//! holds after each, what the scopes and counts see, and each row's audit
//! history. The same seed on every engine (`DBGEN_RANDOM_SEED`;
//! `DBGEN_RANDOM_OPS` for longer runs).

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use dbgen::audit::AuditLog;
use dbgen::{Driver, Error, Model, Order};
use support::Rng;
use support::db::Engine;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ro_items", audit, soft_delete, unique(columns("org", "code")))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub org: i16,
    #[column(size = 20)]
    pub code: String,
    pub qty: i32,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A row as the model of the table keeps it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    org: i16,
    code: String,
    qty: i32,
    trashed: bool,
}

#[derive(Default, Clone)]
struct Expected {
    rows: BTreeMap<i64, Row>,
    /// Each row's audit actions, in order.
    log: BTreeMap<i64, Vec<&'static str>>,
}

impl Expected {
    /// Whether a live row other than `except` holds the unique pair.
    fn live_code(&self, org: i16, code: &str, except: Option<i64>) -> bool {
        self.rows
            .iter()
            .any(|(id, r)| !r.trashed && r.org == org && r.code == code && Some(*id) != except)
    }

    fn logged(&mut self, id: i64, action: &'static str) {
        self.log.entry(id).or_default().push(action);
    }
}

const CODES: [&str; 6] = ["a", "b", "c", "d", "e", "it's"];

fn item(rng: &mut Rng) -> Item {
    Item {
        id: 0,
        org: rng.below(2) as i16,
        code: CODES[rng.below(CODES.len())].into(),
        qty: rng.below(10) as i32,
        deleted_at: None,
    }
}

/// An id that exists, existed, or never did.
fn some_id(rng: &mut Rng, e: &Expected) -> i64 {
    let known: Vec<i64> = e.log.keys().copied().collect();
    match rng.pick(&known) {
        Some(&id) if rng.chance(90) => id,
        _ => 10_000 + rng.below(5) as i64,
    }
}

async fn check<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>, e: &Expected, step: &str) {
    let all = Item::query()
        .with_trashed()
        .order_by("id", Order::Asc)
        .fetch_all(pool)
        .await
        .unwrap();
    let got: BTreeMap<i64, Row> = all
        .iter()
        .map(|i| {
            let row = Row {
                org: i.org,
                code: i.code.clone(),
                qty: i.qty,
                trashed: i.deleted_at.is_some(),
            };
            (i.id, row)
        })
        .collect();
    assert_eq!(got, e.rows, "{engine:?}: table after {step}");
    let live = e.rows.values().filter(|r| !r.trashed).count() as i64;
    assert_eq!(
        Item::query().count(pool).await.unwrap(),
        live,
        "{engine:?}: {step}"
    );
    assert_eq!(
        Item::count_trashed(pool).await.unwrap(),
        e.rows.len() as i64 - live,
        "{engine:?}: {step}"
    );
}

/// One random call on `conn`: what it was, and whether it failed as the
/// model says it must (the caller's transaction, if any, is then over).
async fn step<DB>(
    engine: Engine,
    conn: &mut DB::Connection,
    rng: &mut Rng,
    e: &mut Expected,
    n: usize,
) -> (String, bool)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let mut failed = false;
    let step;
    match rng.below(9) {
        0 | 1 => {
            let new = item(rng);
            step = format!("{n}: insert {new:?}");
            let clash = e.live_code(new.org, &new.code, None);
            match new.clone().insert(&mut *conn).await {
                Ok(stored) if !clash => {
                    let row = Row {
                        org: new.org,
                        code: new.code,
                        qty: new.qty,
                        trashed: false,
                    };
                    e.rows.insert(stored.id, row);
                    e.logged(stored.id, "CREATE");
                }
                other => {
                    assert!(clash && other.is_err(), "{engine:?}: {step}: {other:?}");
                    failed = true;
                }
            }
        }
        2 => {
            let batch: Vec<Item> = (0..1 + rng.below(4)).map(|_| item(rng)).collect();
            step = format!("{n}: insert_many {batch:?}");
            let mut codes: Vec<(i16, &str)> =
                batch.iter().map(|i| (i.org, i.code.as_str())).collect();
            codes.sort_unstable();
            let clash = codes.windows(2).any(|w| w[0] == w[1])
                || batch.iter().any(|i| e.live_code(i.org, &i.code, None));
            match Item::insert_many(&mut *conn, batch.clone(), 2).await {
                Ok(stored) if !clash => {
                    for (s, given) in stored.iter().zip(&batch) {
                        let row = Row {
                            org: given.org,
                            code: given.code.clone(),
                            qty: given.qty,
                            trashed: false,
                        };
                        e.rows.insert(s.id, row);
                        e.logged(s.id, "CREATE");
                    }
                }
                other => {
                    assert!(clash && other.is_err(), "{engine:?}: {step}: {other:?}");
                    failed = true;
                }
            }
        }
        3 => {
            let id = some_id(rng, e);
            let mut changed = item(rng);
            changed.id = id;
            if rng.chance(50)
                && let Some(r) = e.rows.get(&id)
            {
                changed.org = r.org;
                changed.code = r.code.clone();
            }
            step = format!("{n}: update {changed:?}");
            let result = changed.update(&mut *conn).await;
            match e.rows.get(&id).cloned() {
                Some(r) if !r.trashed => {
                    if e.live_code(changed.org, &changed.code, Some(id)) {
                        assert!(result.is_err(), "{engine:?}: {step}: unique");
                        failed = true;
                    } else {
                        result.unwrap_or_else(|err| panic!("{engine:?}: {step}: {err}"));
                        if r.org != changed.org || r.code != changed.code || r.qty != changed.qty {
                            e.logged(id, "UPDATE");
                        }
                        let row = Row {
                            org: changed.org,
                            code: changed.code,
                            qty: changed.qty,
                            trashed: false,
                        };
                        e.rows.insert(id, row);
                    }
                }
                _ => {
                    assert!(
                        matches!(result, Err(Error::NotFound { .. })),
                        "{engine:?}: {step}: {result:?}"
                    );
                    failed = true;
                }
            }
        }
        4 => {
            let id = some_id(rng, e);
            step = format!("{n}: delete_by_id {id}");
            let result = Item::delete_by_id(&mut *conn, id).await;
            match e.rows.get_mut(&id) {
                Some(r) if !r.trashed => {
                    result.unwrap_or_else(|err| panic!("{engine:?}: {step}: {err}"));
                    r.trashed = true;
                    e.logged(id, "DELETE");
                }
                _ => {
                    assert!(
                        matches!(result, Err(Error::NotFound { .. })),
                        "{engine:?}: {step}: {result:?}"
                    );
                    failed = true;
                }
            }
        }
        5 => {
            let id = some_id(rng, e);
            step = format!("{n}: restore_by_id {id}");
            let result = Item::restore_by_id(&mut *conn, id).await;
            match e.rows.get(&id).cloned() {
                Some(r) if r.trashed => {
                    if e.live_code(r.org, &r.code, None) {
                        assert!(
                            matches!(result, Err(Error::RestoreConflict { .. })),
                            "{engine:?}: {step}: {result:?}"
                        );
                        failed = true;
                    } else {
                        result.unwrap_or_else(|err| panic!("{engine:?}: {step}: {err}"));
                        e.rows.get_mut(&id).unwrap().trashed = false;
                        e.logged(id, "RESTORE");
                    }
                }
                _ => {
                    assert!(
                        matches!(result, Err(Error::NotFound { .. })),
                        "{engine:?}: {step}: {result:?}"
                    );
                    failed = true;
                }
            }
        }
        6 => {
            let id = some_id(rng, e);
            step = format!("{n}: force_delete_by_id {id}");
            let result = Item::force_delete_by_id(&mut *conn, id).await;
            if e.rows.remove(&id).is_some() {
                result.unwrap_or_else(|err| panic!("{engine:?}: {step}: {err}"));
                e.logged(id, "FORCE_DELETE");
            } else {
                assert!(
                    matches!(result, Err(Error::NotFound { .. })),
                    "{engine:?}: {step}: {result:?}"
                );
            }
        }
        7 => {
            step = format!("{n}: restore_all");
            let trashed: Vec<(i64, i16, String)> = e
                .rows
                .iter()
                .filter(|(_, r)| r.trashed)
                .map(|(id, r)| (*id, r.org, r.code.clone()))
                .collect();
            let mut codes: Vec<(i16, &str)> =
                trashed.iter().map(|(_, o, c)| (*o, c.as_str())).collect();
            codes.sort_unstable();
            let clash = codes.windows(2).any(|w| w[0] == w[1])
                || trashed.iter().any(|(_, o, c)| e.live_code(*o, c, None));
            let result = Item::restore_all(&mut *conn).await;
            if clash {
                assert!(
                    matches!(result, Err(Error::RestoreConflict { .. })),
                    "{engine:?}: {step}: {result:?}"
                );
                failed = true;
            } else {
                assert_eq!(result.unwrap(), trashed.len() as u64, "{engine:?}: {step}");
                for (id, _, _) in trashed {
                    e.rows.get_mut(&id).unwrap().trashed = false;
                    e.logged(id, "RESTORE");
                }
            }
        }
        _ => {
            let over = rng.below(10) as i32;
            // A soft delete changes live rows only, whatever the scope:
            // a trashed row keeps the time it was deleted.
            let scope = rng.below(3);
            step = format!("{n}: query().filter(qty > {over}) (scope {scope}).delete()");
            let query = match scope {
                0 => Item::query(),
                1 => Item::query().with_trashed(),
                _ => Item::query().only_trashed(),
            };
            let result = query.filter("qty > ", over).delete(&mut *conn).await;
            if scope == 2 {
                assert!(
                    matches!(result, Err(Error::Unsupported(_))),
                    "{engine:?}: {step}: {result:?}"
                );
                return (step, true);
            }
            let removed = result.unwrap();
            let mut expected = 0;
            for (id, r) in e.rows.iter_mut() {
                if !r.trashed && r.qty > over {
                    r.trashed = true;
                    expected += 1;
                    e.log.entry(*id).or_default().push("DELETE");
                }
            }
            assert_eq!(removed, expected, "{engine:?}: {step}");
        }
    }
    (step, failed)
}

async fn run<DB>(engine: Engine, pool: sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    support::create_tables(
        &pool,
        vec![Item::table().clone(), AuditLog::table().clone()],
    )
    .await;
    let ops = support::env("DBGEN_RANDOM_OPS").map_or(300, |n| n as usize);
    let mut rng = Rng(support::seed() ^ 0x0b5);
    let mut e = Expected::default();
    let mut n = 0;
    while n < ops {
        let step = if rng.chance(30) {
            // A few calls in the caller's transaction, committed or rolled
            // back; a call that fails ends it with a rollback.
            let before = e.clone();
            let mut tx = pool.begin().await.unwrap();
            let mut steps = Vec::new();
            let mut failed = false;
            for _ in 0..1 + rng.below(5) {
                let (step, f) = step::<DB>(engine, &mut tx, &mut rng, &mut e, n).await;
                n += 1;
                steps.push(step);
                if f {
                    failed = true;
                    break;
                }
            }
            if failed || rng.chance(30) {
                tx.rollback().await.unwrap();
                e = before;
                format!("rolled back: {steps:?}")
            } else {
                tx.commit().await.unwrap();
                format!("committed: {steps:?}")
            }
        } else {
            let mut conn = pool.acquire().await.unwrap();
            n += 1;
            step::<DB>(engine, &mut conn, &mut rng, &mut e, n).await.0
        };
        let step = step.as_str();
        check(engine, &pool, &e, step).await;
        let id = some_id(&mut rng, &e);
        let expected = e.rows.get(&id);
        let found = Item::find(&pool, id).await.unwrap();
        assert_eq!(
            found.is_some(),
            expected.is_some_and(|r| !r.trashed),
            "{engine:?}: find {id} after {step}"
        );
        let trashed = Item::is_trashed(&pool, id).await.unwrap();
        assert_eq!(
            trashed,
            expected.is_some_and(|r| r.trashed),
            "{engine:?}: is_trashed {id} after {step}"
        );
    }
    for (id, actions) in &e.log {
        let history = dbgen::audit::history(&pool, "ro_items", id).await.unwrap();
        let got: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(&got, actions, "{engine:?}: history of {id}");
    }
}

on_every_engine!("dbgen_ro", run => postgres_random_ops, mariadb_random_ops, sqlite_random_ops);

/// Audited, without soft delete, keyed by text the caller chooses: deletes
/// are for good (`DELETE` rows in the log, `FORCE_DELETE` for
/// `force_delete_by_id`), and a bulk delete names its rows by text keys.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ro_notes", audit)]
pub struct Note {
    #[column(primary_key, size = 40)]
    pub key: String,
    pub qty: i32,
}

/// Keys that quote, escape, separate or are not ASCII, and none that
/// MariaDB's case- and space-insensitive comparison would call equal.
const KEYS: [&str; 8] = ["k1", "k'2", "ключ", "🦀", "a,b", "x\"y", "back\\slash", ""];

async fn run_notes<DB>(engine: Engine, pool: sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    support::create_tables(
        &pool,
        vec![Note::table().clone(), AuditLog::table().clone()],
    )
    .await;
    let ops = support::env("DBGEN_RANDOM_OPS").map_or(300, |n| n as usize);
    let mut rng = Rng(support::seed() ^ 0x70e);
    let mut rows: BTreeMap<String, i32> = BTreeMap::new();
    let mut log: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for n in 0..ops {
        let key = KEYS[rng.below(KEYS.len())].to_string();
        let qty = rng.below(10) as i32;
        let step = format!("{n}");
        match rng.below(6) {
            0 | 1 => {
                let result = Note {
                    key: key.clone(),
                    qty,
                }
                .insert(&pool)
                .await;
                if rows.contains_key(&key) {
                    assert!(result.is_err(), "{engine:?}: {step}: duplicate key {key:?}");
                } else {
                    result.unwrap_or_else(|e| panic!("{engine:?}: {step}: {e}"));
                    rows.insert(key.clone(), qty);
                    log.entry(key).or_default().push("CREATE");
                }
            }
            2 => {
                let result = Note {
                    key: key.clone(),
                    qty,
                }
                .clone()
                .update(&pool)
                .await;
                match rows.get_mut(&key) {
                    Some(stored) => {
                        result.unwrap_or_else(|e| panic!("{engine:?}: {step}: {e}"));
                        if *stored != qty {
                            log.entry(key).or_default().push("UPDATE");
                        }
                        *stored = qty;
                    }
                    None => assert!(
                        matches!(result, Err(Error::NotFound { .. })),
                        "{engine:?}: {step}: {result:?}"
                    ),
                }
            }
            3 | 4 => {
                let force = rng.chance(50);
                let result = if force {
                    Note::force_delete_by_id(&pool, key.as_str()).await
                } else {
                    Note::delete_by_id(&pool, key.as_str()).await
                };
                if rows.remove(&key).is_some() {
                    result.unwrap_or_else(|e| panic!("{engine:?}: {step}: {e}"));
                    let action = if force { "FORCE_DELETE" } else { "DELETE" };
                    log.entry(key).or_default().push(action);
                } else {
                    assert!(
                        matches!(result, Err(Error::NotFound { .. })),
                        "{engine:?}: {step}: {result:?}"
                    );
                }
            }
            _ => {
                let removed = Note::query()
                    .filter("qty > ", qty)
                    .delete(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{engine:?}: {step}: {e}"));
                let gone: Vec<String> = rows
                    .iter()
                    .filter(|(_, q)| **q > qty)
                    .map(|(k, _)| k.clone())
                    .collect();
                assert_eq!(removed, gone.len() as u64, "{engine:?}: {step}");
                for k in gone {
                    rows.remove(&k);
                    log.entry(k).or_default().push("DELETE");
                }
            }
        }
        let stored: BTreeMap<String, i32> = Note::query()
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|note| (note.key, note.qty))
            .collect();
        assert_eq!(stored, rows, "{engine:?}: table after {step}");
        // Without soft delete nothing is trashed, whatever exists.
        assert_eq!(Note::count_trashed(&pool).await.unwrap(), 0, "{engine:?}");
        let probe = KEYS[n % KEYS.len()];
        assert!(!Note::is_trashed(&pool, probe).await.unwrap(), "{engine:?}");
        let trashed = Note::query().only_trashed().fetch_all(&pool).await.unwrap();
        assert!(trashed.is_empty(), "{engine:?}: {trashed:?}");
        let all = Note::query().with_trashed().count(&pool).await.unwrap();
        assert_eq!(all, rows.len() as i64, "{engine:?}");
    }
    for (key, actions) in &log {
        let history = dbgen::audit::history(&pool, "ro_notes", key).await.unwrap();
        let got: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(&got, actions, "{engine:?}: history of {key:?}");
    }
}

on_every_engine!("dbgen_rn", run_notes => postgres_random_notes, mariadb_random_notes, sqlite_random_notes);

/// The transaction path MySQL takes (it has no compound statements outside
/// stored programs), on MariaDB; nextest runs each test in its own
/// process, so the switch stays in this one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_random_ops_transaction_path() {
    dbgen::__private::refuse_compound_statements();
    let engine = Engine::MariaDb;
    support::db::run_on::<sqlx::MySql, _>(engine, "dbgen_rot", |pool| run(engine, pool)).await;
    assert!(dbgen::__private::compound_statements_refused());
}
