//! The generated DDL on the real engines: for each migration case, build the
//! "before" schema, apply the up migration, the down migration, and the up
//! migration again, then drop every index of the result by the name it
//! has now, in a database created for the test and dropped after.
//! PostgreSQL and MariaDB come from `DBGEN_TEST_POSTGRES_URL` and
//! `DBGEN_TEST_MYSQL_URL` (default: the usual local servers); a server that
//! does not answer makes the test say it is skipped and why, unless
//! `DBGEN_REQUIRE_DATABASES=1` (CI), where it fails. SQLite runs in memory.

#![allow(clippy::panic, clippy::expect_used)]

mod support;

use dbgen::dialect::Dialect;
use dbgen::migrate::generate;
use dbgen::plan::Policy;
use dbgen::schema::{ColumnType as Ty, Schema};
use sqlx::Connection;
use support::db::{Engine, TestDb};
use support::*;

/// Runs every case on one connection: before, up, down, up again.
async fn run_cases<C>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    for Case {
        name,
        before,
        after,
    } in cases()
    {
        let create = generate(&Schema::default(), &before, dialect, &Policy::default())
            .expect("before renders");
        let migration =
            generate(&before, &after, dialect, &Policy::default()).expect("migration renders");
        // Dropping the indexes finds each by its new name (and, on MySQL,
        // a live-rows index's generated key column by the index's name).
        let mut bare = after.clone();
        for table in &mut bare.tables {
            table.indexes = Vec::new().into();
        }
        let unindex =
            generate(&after, &bare, dialect, &Policy::default()).expect("index drops render");
        let teardown = generate(&bare, &Schema::default(), dialect, &Policy::default())
            .expect("teardown renders");
        for (step, sql) in [
            ("before", &create.up),
            ("up", &migration.up),
            ("down", &migration.down),
            ("up again", &migration.up),
            ("indexes dropped", &unindex.up),
            ("teardown", &teardown.up),
        ] {
            if sql.trim().is_empty() {
                continue;
            }
            if let Err(error) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut *conn)
                .await
            {
                panic!("{dialect} {name}, {step}: {error}\n{sql}");
            }
        }
    }
}

/// A unique email among live rows: a trashed row does not block a new live
/// one, two live rows collide, and the index keeps working after restore.
async fn live_rows_unique<C>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let users = schema(vec![
        table("users")
            .col("email", Ty::Varchar(255), false)
            .soft_delete()
            .index(&["email"], true),
    ]);
    let create =
        generate(&Schema::default(), &users, dialect, &Policy::default()).expect("renders");
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    run(create.up.clone())
        .execute(&mut *conn)
        .await
        .expect("create users");
    run("INSERT INTO users (email, deleted_at) VALUES ('a@x', CURRENT_TIMESTAMP)".into())
        .execute(&mut *conn)
        .await
        .expect("a trashed row");
    run("INSERT INTO users (email) VALUES ('a@x')".into())
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{dialect}: a live row equal to a trashed one is refused: {e}"));
    let duplicate = run("INSERT INTO users (email) VALUES ('a@x')".into())
        .execute(&mut *conn)
        .await;
    assert!(
        duplicate.is_err(),
        "{dialect}: two live rows with one email were accepted"
    );
    // Restoring the trashed row would make two live rows: refused.
    let restore = run("UPDATE users SET deleted_at = NULL WHERE deleted_at IS NOT NULL".into())
        .execute(&mut *conn)
        .await;
    assert!(
        restore.is_err(),
        "{dialect}: restoring a duplicate was accepted"
    );
    let teardown =
        generate(&users, &Schema::default(), dialect, &Policy::default()).expect("renders");
    run(teardown.up)
        .execute(&mut *conn)
        .await
        .expect("drop users");
}

#[tokio::test(flavor = "current_thread")]
async fn sqlite_runs_every_case() {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    sqlx::raw_sql("PRAGMA foreign_keys = 1")
        .execute(&mut conn)
        .await
        .expect("pragma");
    run_cases(Dialect::Sqlite, &mut conn).await;
    live_rows_unique(Dialect::Sqlite, &mut conn).await;
}

#[tokio::test(flavor = "current_thread")]
async fn postgres_runs_every_case() {
    let Some(db) = TestDb::create(Engine::Postgres, "dbgen_engines").await else {
        return;
    };
    let mut conn = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("connect to the test database");
    run_cases(Dialect::Postgres, &mut conn).await;
    live_rows_unique(Dialect::Postgres, &mut conn).await;
    drop(conn);
    db.drop_db().await;
}

#[tokio::test(flavor = "current_thread")]
async fn mariadb_runs_every_case() {
    let Some(db) = TestDb::create(Engine::MariaDb, "dbgen_engines").await else {
        return;
    };
    let mut conn = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connect to the test database");
    run_cases(Dialect::MySql, &mut conn).await;
    live_rows_unique(Dialect::MySql, &mut conn).await;
    drop(conn);
    db.drop_db().await;
}
