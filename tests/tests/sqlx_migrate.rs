//! The blog's generated migration directory is sqlx's format: the
//! `sqlx::migrate!` macro embeds it and applies it to an in-memory SQLite,
//! sharing sqlx's `_sqlx_migrations` ledger, and the down migrations undo it.
//! Applied in order, the directory's history gives the schema the models
//! create from nothing today. On every engine, sqlx's migrator also runs
//! a random history of generated migrations, reverts it and runs it again.

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

/// Writes `steps` (a random project history) as a migration directory of
/// `dialect`: one reversible migration per step that changes something,
/// numbered by its step.
fn history_dir(dialect: Dialect, steps: &[support::Case], name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let policy = dbgen::plan::Policy::default();
    for (n, step) in steps.iter().enumerate() {
        let generated = dbgen::migrate::generate(&step.before, &step.after, dialect, &policy)
            .unwrap_or_else(|e| panic!("{dialect} step {n}: {e}"));
        // Nothing to do: `cargo dbgen diff` writes no file either.
        if generated.is_empty() {
            continue;
        }
        let stem = dir.join(format!("{}_step", n + 1));
        std::fs::write(stem.with_extension("up.sql"), &generated.up).expect("up");
        std::fs::write(stem.with_extension("down.sql"), &generated.down).expect("down");
    }
    dir
}

/// sqlx's own migrator, which runs each file in a transaction unless it
/// says `-- no-transaction`, applies a random history of generated
/// migrations on every engine, reverts all of it, and applies it again;
/// the schema at the end is the last step's created from nothing.
async fn migrator_runs_a_history<DB>(engine: support::db::Engine, pool: sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
    DB::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let dialect = DB::DIALECT;
    let steps = support::random_history_from_env(20, dialect != Dialect::MySql);
    let dir = history_dir(dialect, &steps, &format!("dbgen-sqlx-{engine:?}"));
    let migrator = sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .expect("sqlx reads the directory");
    assert!(
        migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .count()
            > steps.len() / 2,
        "{engine:?}: most steps change something"
    );
    let schema_now = |pool: sqlx::Pool<DB>| async move {
        let mut conn = pool.acquire().await.expect("a connection");
        fingerprint(dialect, &mut *conn)
            .await
            .into_iter()
            .filter(|line| !line.contains("_sqlx_migrations"))
            .collect::<Vec<String>>()
    };
    let last = &steps.last().expect("steps").after;
    let created = {
        let mut conn = pool.acquire().await.expect("a connection");
        let ddl = dbgen::dialect::create_schema(last, dialect).expect("renders");
        sqlx::raw_sql(sqlx::AssertSqlSafe(ddl))
            .execute(&mut *conn)
            .await
            .expect("created");
        let created = schema_now(pool.clone()).await;
        let down = dbgen::migrate::generate(
            last,
            &dbgen::schema::Schema::default(),
            dialect,
            &dbgen::plan::Policy::default(),
        )
        .expect("drop all");
        sqlx::raw_sql(sqlx::AssertSqlSafe(down.up))
            .execute(&mut *conn)
            .await
            .expect("dropped");
        created
    };
    assert!(!created.is_empty(), "{engine:?}: the last step has tables");
    assert!(
        schema_now(pool.clone()).await.is_empty(),
        "{engine:?}: a clean database"
    );
    for round in 0..2 {
        migrator
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("{engine:?} round {round}: sqlx applies the history: {e}"));
        assert_eq!(
            schema_now(pool.clone()).await,
            created,
            "{engine:?} round {round}"
        );
        migrator
            .undo(&pool, 0)
            .await
            .unwrap_or_else(|e| panic!("{engine:?} round {round}: sqlx reverts the history: {e}"));
        assert!(
            schema_now(pool.clone()).await.is_empty(),
            "{engine:?} round {round}: reverted"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

on_every_engine!("dbgen_sqlx", migrator_runs_a_history => postgres_migrator_runs_a_history, mariadb_migrator_runs_a_history, sqlite_migrator_runs_a_history);
