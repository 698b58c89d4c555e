//! Bulk changes of an audited model (`Query::delete`, `restore_all`) racing
//! writers that add rows the bulk change matches: every row the bulk change
//! touched has its audit row, on every engine.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod support;

use chrono::{DateTime, Utc};
use dbgen::audit::AuditLog;
use dbgen::{Driver, Model};
use support::db::Engine;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "br_tickets", audit, soft_delete)]
pub struct Ticket {
    #[column(primary_key)]
    pub id: i64,
    pub qty: i32,
    pub deleted_at: Option<DateTime<Utc>>,
}

async fn races<DB>(engine: Engine, pool: sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    support::create_tables(
        &pool,
        vec![Ticket::table().clone(), AuditLog::table().clone()],
    )
    .await;
    let rounds = support::env("DBGEN_RACE_ROUNDS").map_or(100, |n| n as usize);
    // How many rows the writer has added: the bulk changes wait for it to
    // move on between rounds, so neither side starves the other (SQLite
    // lets one writer in at a time).
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writer = {
        let pool = pool.clone();
        let written = written.clone();
        tokio::spawn(async move {
            let mut deleted = 0;
            for n in 0..rounds * 4 {
                let mut t = Ticket {
                    id: 0,
                    qty: 1 + (n % 5) as i32,
                    deleted_at: None,
                }
                .insert(&pool)
                .await
                .unwrap();
                written.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n % 3 == 0 {
                    match t.delete(&pool).await {
                        Ok(()) => deleted += 1,
                        // The bulk delete was first.
                        Err(dbgen::Error::NotFound { .. }) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            written.store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
            deleted
        })
    };
    let next_row = |seen: &mut usize| {
        let written = written.clone();
        let since = *seen;
        *seen = since + 1;
        async move {
            while written.load(std::sync::atomic::Ordering::SeqCst) <= since {
                tokio::time::sleep(std::time::Duration::from_micros(200)).await;
            }
        }
    };
    let mut seen = 0;
    let mut deleted = 0;
    let mut restored = 0;
    for _ in 0..rounds / 2 {
        deleted += Ticket::query()
            .filter("qty > ", 0)
            .delete(&pool)
            .await
            .unwrap();
        restored += Ticket::restore_all(&pool).await.unwrap();
        next_row(&mut seen).await;
    }
    // MariaDB's default REPEATABLE READ locks the gaps a locking read
    // scans, so no row can join the read rows before the change; READ
    // COMMITTED (PostgreSQL's default) does not.
    let mut conn = pool.acquire().await.unwrap();
    if engine == Engine::MariaDb {
        sqlx::raw_sql("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    for _ in 0..rounds / 2 {
        deleted += Ticket::query()
            .filter("qty > ", 0)
            .delete(&mut *conn)
            .await
            .unwrap();
        restored += Ticket::restore_all(&mut *conn).await.unwrap();
        next_row(&mut seen).await;
    }
    drop(conn);
    let own = writer.await.unwrap();
    let actions = |action: &'static str| AuditLog::query().filter("action = ", action).count(&pool);
    let deletes = actions("DELETE").await.unwrap();
    let restores = actions("RESTORE").await.unwrap();
    eprintln!(
        "{engine:?}: bulk deleted {deleted}, restored {restored}; audit DELETE {deletes} (writer's {own}) RESTORE {restores}"
    );
    assert_eq!(
        restores as u64, restored,
        "{engine:?}: one RESTORE row per restored row"
    );
    assert_eq!(
        deletes as u64,
        deleted + own,
        "{engine:?}: one DELETE row per soft-deleted row"
    );
}

on_every_engine!("dbgen_br", races => postgres_bulk_races, mariadb_bulk_races, sqlite_bulk_races);

/// A batch asks for more placeholders than an engine takes in one
/// statement (SQLite 32 766, PostgreSQL and MySQL 65 535): it is stored
/// all the same, audited row by row.
async fn huge_batch<DB>(engine: Engine, pool: sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    support::create_tables(
        &pool,
        vec![Ticket::table().clone(), AuditLog::table().clone()],
    )
    .await;
    let rows: Vec<Ticket> = (0..70_000)
        .map(|n| Ticket {
            id: 0,
            qty: n,
            deleted_at: None,
        })
        .collect();
    let stored = Ticket::insert_many(&pool, rows, 70_000)
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: {e}"));
    assert_eq!(stored.len(), 70_000);
    assert!(stored.iter().enumerate().all(|(n, t)| t.qty == n as i32));
    assert_eq!(
        Ticket::query().count(&pool).await.unwrap(),
        70_000,
        "{engine:?}"
    );
    let created = AuditLog::query()
        .filter("action = ", "CREATE")
        .count(&pool)
        .await
        .unwrap();
    assert_eq!(created, 70_000, "{engine:?}");
}

on_every_engine!("dbgen_hb", huge_batch => postgres_huge_batch, mariadb_huge_batch, sqlite_huge_batch);
