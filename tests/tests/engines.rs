//! The generated DDL on the real engines: for each migration case, build the
//! "before" schema, apply the up migration, the down migration, and the up
//! migration again, in a database created for the test and dropped after.
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
        let teardown = generate(&after, &Schema::default(), dialect, &Policy::default())
            .expect("teardown renders");
        for (step, sql) in [
            ("before", &create.up),
            ("up", &migration.up),
            ("down", &migration.down),
            ("up again", &migration.up),
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

/// The server URL from `variable`, else the usual local server.
fn server_url(variable: &str, default: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// Connects, or says why the test is skipped; under
/// `DBGEN_REQUIRE_DATABASES=1` (CI) an unreachable server fails the test.
async fn connect_or_skip<C: Connection>(engine: &str, variable: &str, url: &str) -> Option<C> {
    match C::connect(url).await {
        Ok(conn) => Some(conn),
        Err(error) => {
            assert!(
                std::env::var("DBGEN_REQUIRE_DATABASES").as_deref() != Ok("1"),
                "{engine} at {url} is not answering ({error}); DBGEN_REQUIRE_DATABASES=1 requires it (set {variable})"
            );
            eprintln!(
                "skipped: {engine} at {url} is not answering ({error}); set {variable} to test against it"
            );
            None
        }
    }
}

/// A database name no other test run uses.
fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
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
    let url = server_url(
        "DBGEN_TEST_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432/postgres",
    );
    let Some(mut admin) =
        connect_or_skip::<sqlx::PgConnection>("PostgreSQL", "DBGEN_TEST_POSTGRES_URL", &url).await
    else {
        return;
    };
    let name = unique_name("dbgen_engines");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .expect("create database");
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let mut conn = sqlx::PgConnection::connect(&format!("{base}/{name}"))
        .await
        .expect("connect to the test database");
    run_cases(Dialect::Postgres, &mut conn).await;
    live_rows_unique(Dialect::Postgres, &mut conn).await;
    drop(conn);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .expect("drop database");
}

#[tokio::test(flavor = "current_thread")]
async fn mariadb_runs_every_case() {
    let url = server_url("DBGEN_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test");
    let Some(mut admin) =
        connect_or_skip::<sqlx::MySqlConnection>("MariaDB/MySQL", "DBGEN_TEST_MYSQL_URL", &url)
            .await
    else {
        return;
    };
    let name = unique_name("dbgen_engines");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
        .execute(&mut admin)
        .await
        .expect("create database");
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let mut conn = sqlx::MySqlConnection::connect(&format!("{base}/{name}"))
        .await
        .expect("connect to the test database");
    run_cases(Dialect::MySql, &mut conn).await;
    live_rows_unique(Dialect::MySql, &mut conn).await;
    drop(conn);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE `{name}`")))
        .execute(&mut admin)
        .await
        .expect("drop database");
}
