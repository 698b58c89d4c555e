//! The blog's generated migration directory is sqlx's format: the
//! `sqlx::migrate!` macro embeds it and applies it to an in-memory SQLite,
//! sharing sqlx's `_sqlx_migrations` ledger, and the down migrations undo it.

#![allow(clippy::panic, clippy::expect_used)]

use sqlx::Row;
use sqlx::sqlite::SqlitePoolOptions;

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
