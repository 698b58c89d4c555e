//! The blog's generated migration directory is sqlx's format: the
//! `sqlx::migrate!` macro embeds it and applies it to an in-memory SQLite,
//! sharing sqlx's `_sqlx_migrations` ledger, and the down migrations undo it.
//! Applied in order, the directory's history gives the schema the models
//! create from nothing today.

#![allow(clippy::panic, clippy::expect_used)]

mod support;

use blog as _;
use dbgen::dialect::Dialect;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{Connection, Row};
use support::fingerprint::fingerprint;

async fn tables(pool: &sqlx::SqlitePool) -> Vec<String> {
    sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .fetch_all(pool)
        .await
        .expect("sqlite_master")
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_applies_and_reverts_the_generated_directory() {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    let migrator = sqlx::migrate!("../examples/blog/migrations");
    assert!(migrator.iter().count() >= 1);
    migrator
        .run(&pool)
        .await
        .expect("the generated migrations apply");
    assert_eq!(
        tables(&pool).await,
        [
            "_sqlx_migrations",
            "audit_logs",
            "categories",
            "posts",
            "products",
            "users"
        ]
    );
    // The history's schema is the models' schema.
    let schema = dbgen::registry::schema().expect("the blog's registry");
    let mut fresh = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    sqlx::raw_sql(sqlx::AssertSqlSafe(
        dbgen::dialect::create_schema(&schema, Dialect::Sqlite).expect("renders"),
    ))
    .execute(&mut fresh)
    .await
    .expect("the models' schema");
    let mut conn = pool.acquire().await.expect("the connection");
    let migrated: Vec<String> = fingerprint(Dialect::Sqlite, &mut *conn)
        .await
        .into_iter()
        .filter(|line| !line.contains("_sqlx_migrations"))
        .collect();
    drop(conn);
    let created = fingerprint(Dialect::Sqlite, &mut fresh).await;
    assert!(!created.is_empty());
    assert_eq!(migrated, created, "the history's schema is not the models'");
    // Live-row uniqueness: a trashed row does not block a new one.
    sqlx::query("INSERT INTO users (email, display_name, password_hash, deleted_at) VALUES ('a@x', 'A', 'h', CURRENT_TIMESTAMP)")
        .execute(&pool)
        .await
        .expect("trashed row");
    sqlx::query("INSERT INTO users (email, display_name, password_hash) VALUES ('a@x', 'A', 'h')")
        .execute(&pool)
        .await
        .expect("live row with the same email");
    let duplicate = sqlx::query(
        "INSERT INTO users (email, display_name, password_hash) VALUES ('a@x', 'B', 'h')",
    )
    .execute(&pool)
    .await;
    assert!(duplicate.is_err(), "two live rows with one email");

    migrator
        .undo(&pool, 0)
        .await
        .expect("the down migrations apply");
    assert_eq!(tables(&pool).await, ["_sqlx_migrations"]);
}
