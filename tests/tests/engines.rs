//! The generated DDL on the real engines, in a database created for the
//! test and dropped after. For each migration case: build the "before"
//! schema, apply the up migration, the down migration and the up migration
//! again, then drop every index, foreign key and check of the result by
//! the name it has now. After each migration the catalog must describe
//! the same schema as creating the target from nothing (columns, keys,
//! indexes, checks, comments, names). Then each case again with a row in
//! every table: the migration either keeps the rows, up and down, or fails
//! where `lint` said it depends on the data.
//! PostgreSQL and MariaDB come from `DBGEN_TEST_POSTGRES_URL` and
//! `DBGEN_TEST_MYSQL_URL` (default: the usual local servers); a server that
//! does not answer makes the test say it is skipped and why, unless
//! `DBGEN_REQUIRE_DATABASES=1` (CI), where it fails. SQLite runs in memory.

#![allow(clippy::panic, clippy::expect_used)]

mod support;

use dbgen::dialect::Dialect;
use dbgen::migrate::{Generated, generate};
use dbgen::plan::Policy;
use dbgen::schema::{ColumnType as Ty, Schema};
use sqlx::Connection;
use support::db::{Engine, TestDb};
use support::fingerprint::fingerprint;
use support::*;

/// Three tests running `$body(dialect, conn)`: on an in-memory SQLite
/// database with foreign keys on, and on a PostgreSQL and a MariaDB
/// database of their own ([`on_server`]).
macro_rules! on_each_engine {
    ($prefix:literal, $body:ident => $sqlite:ident, $postgres:ident, $mariadb:ident) => {
        #[tokio::test(flavor = "current_thread")]
        async fn $sqlite() {
            let mut conn = sqlite_with(&Schema::default(), "").await;
            $body(Dialect::Sqlite, &mut conn).await;
        }

        #[tokio::test(flavor = "current_thread")]
        async fn $postgres() {
            on_server::<sqlx::PgConnection>(Engine::Postgres, $prefix, async |conn| {
                $body(Dialect::Postgres, conn).await
            })
            .await;
        }

        #[tokio::test(flavor = "current_thread")]
        async fn $mariadb() {
            on_server::<sqlx::MySqlConnection>(Engine::MariaDb, $prefix, async |conn| {
                $body(Dialect::MySql, conn).await
            })
            .await;
        }
    };
}

/// The migration from `from` to `to` in `dialect`, under the default
/// policy; every case renders, so a failure to is the test failing.
fn render(dialect: Dialect, from: &Schema, to: &Schema) -> Generated {
    generate(from, to, dialect, &Policy::default())
        .unwrap_or_else(|e| panic!("{dialect}: does not render: {e}"))
}

/// Runs every case on one connection: before, up, down, up again. The
/// schema after `up` is the one `after` creates from nothing, and after
/// `down` the one `before` creates, as the catalog describes them. Returns
/// the cases whose change the catalog does not show (so the comparison
/// could not tell), which the caller checks.
async fn run_cases<C, DB>(dialect: Dialect, conn: &mut C, cases: Vec<Case>) -> Vec<&'static str>
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let mut unseen = Vec::new();
    for Case {
        name,
        before,
        after,
    } in cases
    {
        let create = render(dialect, &Schema::default(), &before);
        let migration = render(dialect, &before, &after);
        // Dropping the indexes, foreign keys and checks finds each by its
        // name now (and, on MySQL, a live-rows index's generated key column
        // by the index's name).
        let mut bare = after.clone();
        for table in &mut bare.tables {
            table.indexes = Vec::new().into();
            table.foreign_keys = Vec::new().into();
            table.checks = Vec::new().into();
        }
        let unindex = render(dialect, &after, &bare);
        let teardown = render(dialect, &bare, &Schema::default());
        let fresh = render(dialect, &Schema::default(), &after);
        let fresh_teardown = render(dialect, &after, &Schema::default());
        let mut prints: Vec<(&str, Vec<String>)> = Vec::new();
        for (step, sql) in [
            ("before", &create.up),
            ("up", &migration.up),
            ("down", &migration.down),
            ("up again", &migration.up),
            ("indexes, foreign keys and checks dropped", &unindex.up),
            ("teardown", &teardown.up),
            ("after, created", &fresh.up),
            ("after's teardown", &fresh_teardown.up),
        ] {
            if !sql.trim().is_empty()
                && let Err(error) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut *conn)
                    .await
            {
                panic!("{dialect} {name}, {step}: {error}\n{sql}");
            }
            prints.push((step, fingerprint(dialect, conn).await));
        }
        let print = |step: &str| {
            prints
                .iter()
                .find(|(s, _)| *s == step)
                .map(|(_, p)| p.clone())
                .unwrap_or_default()
        };
        for (migrated, created) in [
            ("up", "after, created"),
            ("up again", "after, created"),
            ("down", "before"),
        ] {
            let (migrated_print, created_print) = (print(migrated), print(created));
            let only_migrated: Vec<&String> = migrated_print
                .iter()
                .filter(|l| !created_print.contains(l))
                .collect();
            let only_created: Vec<&String> = created_print
                .iter()
                .filter(|l| !migrated_print.contains(l))
                .collect();
            assert!(
                only_migrated.is_empty() && only_created.is_empty(),
                "{dialect} {name}: the schema after {migrated} is not the one {created} has\nonly after {migrated}: {only_migrated:#?}\nonly in {created}: {only_created:#?}"
            );
        }
        for step in ["teardown", "after's teardown"] {
            assert!(
                print(step).is_empty(),
                "{dialect} {name}: {step} left {:?}",
                print(step)
            );
        }
        if print("up") == print("before") {
            unseen.push(name);
        }
    }
    unseen
}

/// The cases' target schemas as one history: from nothing to the first
/// case's `after`, from each to the next (unrelated schemas that share
/// table names, with their rename hints), then back through them in
/// reverse, then in strides, and back to nothing. Each step runs up, down
/// and up again. After each
/// step the catalog describes the target created from nothing.
async fn run_chain<C, DB>(dialect: Dialect, conn: &mut C, cases: &[Case], order: Vec<usize>)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let plan = |from: &Schema, to: &Schema| render(dialect, from, to).up;
    let empty = Schema::default();
    // Each target created from nothing, as the reference.
    let mut fresh = Vec::with_capacity(cases.len());
    for case in cases {
        for (created, sql) in [
            (true, plan(&empty, &case.after)),
            (false, plan(&case.after, &empty)),
        ] {
            if !sql.trim().is_empty() {
                run(sql.clone())
                    .execute(&mut *conn)
                    .await
                    .unwrap_or_else(|e| panic!("{dialect} {}: {e}\n{sql}", case.name));
            }
            if created {
                fresh.push(fingerprint(dialect, conn).await);
            }
        }
    }
    let empty_print: Vec<String> = Vec::new();
    let (mut current, mut current_print) = (&empty, &empty_print);
    for (case, fresh) in order.into_iter().map(|i| (&cases[i], &fresh[i])) {
        let migration = render(dialect, current, &case.after);
        // Up, its down, and up again: each ends on its target's schema.
        for (what, sql, target) in [
            ("up", &migration.up, fresh),
            ("down", &migration.down, current_print),
            ("up again", &migration.up, fresh),
        ] {
            if !sql.trim().is_empty()
                && let Err(error) = run(sql.clone()).execute(&mut *conn).await
            {
                panic!(
                    "{dialect}: history step to {}, {what}: {error}\n{sql}",
                    case.name
                );
            }
            let now = fingerprint(dialect, conn).await;
            assert!(
                now == *target,
                "{dialect}: after the history step to {}, {what}, the schema is not the one it creates\nonly migrated: {:#?}\nonly created: {:#?}\n{sql}",
                case.name,
                now.iter()
                    .filter(|l| !target.contains(l))
                    .collect::<Vec<_>>(),
                target
                    .iter()
                    .filter(|l| !now.contains(l))
                    .collect::<Vec<_>>()
            );
        }
        (current, current_print) = (&case.after, fresh);
    }
    let sql = plan(current, &empty);
    run(sql.clone())
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{dialect}: history back to nothing: {e}\n{sql}"));
    assert!(fingerprint(dialect, conn).await.is_empty());
}

/// A literal of `ty` every case's checks accept.
fn sample(ty: &Ty) -> &'static str {
    match ty {
        Ty::SmallInt | Ty::Integer | Ty::BigInt => "1",
        Ty::Real | Ty::Double | Ty::Decimal { .. } => "1.5",
        Ty::Char(_) | Ty::Varchar(_) | Ty::Text => "'abcdef'",
        Ty::TimestampTz | Ty::Timestamp => "CURRENT_TIMESTAMP",
        Ty::Boolean => "TRUE",
        Ty::Date => "'2024-01-02'",
        // ok: test helper; a case with another type needs a sample here.
        other => panic!("no sample value for {other:?}"),
    }
}

/// Inserts one row into every table of `schema`, referenced tables first.
/// Nullable foreign keys and the soft-delete column stay NULL; a NOT NULL
/// foreign key points at the row (id 1) of the table it references.
async fn fill<C>(dialect: Dialect, schema: &Schema, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let q = |name: &str| dialect.quote(name);
    let mut done: Vec<&str> = Vec::new();
    while done.len() < schema.tables.len() {
        let before = done.len();
        for table in &schema.tables {
            let ready = table.foreign_keys.iter().all(|fk| {
                done.contains(&&*fk.ref_table)
                    || fk
                        .columns
                        .iter()
                        .all(|c| table.column(c).is_some_and(|c| c.nullable))
            });
            if done.contains(&&*table.name) || !ready {
                continue;
            }
            let (mut names, mut values) = (Vec::new(), Vec::new());
            for column in table.columns.iter().filter(|c| !c.auto_increment) {
                // Every optional column holds NULL (its foreign keys need
                // no row), so that a change making one required meets the
                // NULL it must fill or fail on.
                names.push(q(&column.name));
                values.push(if column.nullable {
                    "NULL"
                } else {
                    sample(&column.ty)
                });
            }
            let sql = if names.is_empty() && dialect != Dialect::MySql {
                format!("INSERT INTO {} DEFAULT VALUES", q(&table.name))
            } else {
                format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    q(&table.name),
                    names.join(", "),
                    values.join(", ")
                )
            };
            if let Err(error) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut *conn)
                .await
            {
                panic!("{dialect}: {sql}: {error}");
            }
            done.push(&table.name);
        }
        assert!(
            done.len() > before,
            "{dialect}: foreign keys in a cycle of NOT NULL columns"
        );
    }
}

/// The cases whose up or down migration failed on tables holding a row.
#[derive(Debug, Default, PartialEq, Eq)]
struct Failed {
    up: Vec<&'static str>,
    down: Vec<&'static str>,
}

/// What fails on tables holding a row (optional columns holding NULL):
/// making an optional column required without a default (every engine);
/// adding a NOT NULL column without a default, up or in a down that
/// re-creates a dropped column (MariaDB instead fills the row with the
/// type's implicit default, which lint's DD103 says); and re-creating a
/// dropped table whose rows another table referenced (every engine).
fn failing_on_data(dialect: Dialect) -> Failed {
    let required = ["alter_column_not_null", "alter_checked_and_indexed_columns"];
    if dialect == Dialect::MySql {
        return Failed {
            up: required.to_vec(),
            down: vec!["drop_referenced_table"],
        };
    }
    Failed {
        up: [&["add_column_not_null"][..], &required].concat(),
        // Re-creating a dropped NOT NULL column on a filled table.
        down: vec![
            "drop_referenced_table",
            "drop_column_of_composite_live_rows_unique",
        ],
    }
}

/// Ends what a failed migration left: each engine leaves it as it is
/// (PostgreSQL's and SQLite's transactions undo it, MariaDB's DDL does
/// not, and a SQLite rebuild's own transaction stays open), so roll back,
/// then drop whatever is there (twice: a table may be referenced by one
/// dropped after it).
async fn drop_all<C>(dialect: Dialect, before: &Schema, after: &Schema, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let _ = run("ROLLBACK".into()).execute(&mut *conn).await;
    if dialect == Dialect::Sqlite {
        let _ = run("PRAGMA foreign_keys = 1".into())
            .execute(&mut *conn)
            .await;
    }
    // PostgreSQL and MariaDB refuse to drop a table another one
    // references, so a cycle of keys would stay: PostgreSQL's drop takes
    // the keys with it, MariaDB's checks are off meanwhile.
    let cascade = if dialect == Dialect::Postgres {
        " CASCADE"
    } else {
        ""
    };
    if dialect == Dialect::MySql {
        let _ = run("SET FOREIGN_KEY_CHECKS = 0".into())
            .execute(&mut *conn)
            .await;
    }
    for _ in 0..2 {
        for table in after.tables.iter().chain(before.tables.iter()).rev() {
            let drop = format!(
                "DROP TABLE IF EXISTS {}{cascade}",
                dialect.quote(&table.name)
            );
            let _ = run(drop).execute(&mut *conn).await;
        }
    }
    if dialect == Dialect::MySql {
        let _ = run("SET FOREIGN_KEY_CHECKS = 1".into())
            .execute(&mut *conn)
            .await;
    }
}

/// Whether each of `tables` holds exactly one row.
async fn one_row_each<C>(dialect: Dialect, tables: &[String], conn: &mut C) -> bool
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    for table in tables {
        // The rows themselves (a handful), so no column type is decoded.
        let sql = format!("SELECT 1 FROM {}", dialect.quote(table));
        let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{dialect}: rows of {table}: {e}"));
        if rows.len() != 1 {
            return false;
        }
    }
    true
}

/// Every case again on tables holding a row: a migration keeps the rows
/// (up, then down) or fails, and it fails only where `lint` reports a
/// data-dependent change for it. Returns the cases that failed.
async fn run_cases_filled<C>(dialect: Dialect, conn: &mut C, cases: Vec<Case>) -> Failed
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let mut failed = Failed::default();
    for Case {
        name,
        before,
        after,
    } in cases
    {
        let create = render(dialect, &Schema::default(), &before);
        let migration = render(dialect, &before, &after);
        if !create.up.trim().is_empty() {
            run(create.up.clone())
                .execute(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{dialect} {name}, before: {e}"));
        }
        fill(dialect, &before, conn).await;
        // The tables that exist before and after, by their names before
        // and after (a table rename hint names the old one).
        let kept: Vec<(String, String)> = after
            .tables
            .iter()
            .filter_map(|t| {
                let old = before
                    .table(&t.name)
                    .or_else(|| t.renamed_from.as_deref().and_then(|old| before.table(old)))?;
                Some((old.name.to_string(), t.name.to_string()))
            })
            .collect();
        let (old_names, new_names): (Vec<String>, Vec<String>) = kept.into_iter().unzip();
        let up = run(migration.up.clone()).execute(&mut *conn).await;
        if let Err(error) = up {
            let findings = dbgen::lint::lint_sql(dialect, "up.sql", &migration.up).expect("lints");
            assert!(
                findings
                    .iter()
                    .any(|f| f.class == dbgen::lint::Class::DataDependent),
                "{dialect} {name}: up failed on a filled table, and lint reports no data-dependent change: {error}\n{}\n{findings:?}",
                migration.up
            );
            failed.up.push(name);
            drop_all(dialect, &before, &after, conn).await;
            continue;
        }
        assert!(
            one_row_each(dialect, &new_names, conn).await,
            "{dialect} {name}: up lost or added rows\n{}",
            migration.up
        );
        if let Err(error) = run(migration.down.clone()).execute(&mut *conn).await {
            // A down that re-creates a dropped table says it cannot restore
            // its rows; rows that referenced them stop it.
            assert!(
                migration.down.contains("cannot restore the data"),
                "{dialect} {name}, down on a filled table: {error}\n{}",
                migration.down
            );
            failed.down.push(name);
            drop_all(dialect, &before, &after, conn).await;
            continue;
        }
        assert!(
            one_row_each(dialect, &old_names, conn).await,
            "{dialect} {name}: down lost or added rows\n{}",
            migration.down
        );
        let teardown = render(dialect, &before, &Schema::default());
        if !teardown.up.trim().is_empty() {
            run(teardown.up)
                .execute(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{dialect} {name}, teardown: {e}"));
        }
    }
    failed
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
    let create = render(dialect, &Schema::default(), &users);
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
    let teardown = render(dialect, &users, &Schema::default());
    run(teardown.up)
        .execute(&mut *conn)
        .await
        .expect("drop users");
}

/// The changes each engine's catalog does not show: SQLite stores no
/// comments, and INTEGER and BIGINT are one type to it, as are both kinds
/// of timestamp; MariaDB's DATETIME(6) holds both kinds of timestamp.
fn unseen(dialect: Dialect) -> Vec<&'static str> {
    match dialect {
        Dialect::Sqlite => vec![
            "alter_column_comment",
            "alter_type_of_defaulted_column",
            "widen_referenced_key",
            "table_comment",
            "alter_soft_delete_column_type",
        ],
        Dialect::MySql => vec!["alter_soft_delete_column_type"],
        Dialect::Postgres | Dialect::SqlServer => Vec::new(),
    }
}

/// Every case on `conn`: empty, filled, as one history, and the live-rows
/// unique index at work.
async fn every_case<C, DB>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    assert_eq!(
        run_cases(dialect, conn, cases()).await,
        unseen(dialect),
        "changes the catalog does not show"
    );
    assert_eq!(
        run_cases_filled(dialect, conn, cases()).await,
        failing_on_data(dialect)
    );
    let cases = cases();
    run_chain(dialect, conn, &cases, history(cases.len())).await;
    live_rows_unique(dialect, conn).await;
}

on_each_engine!("dbgen_engines", every_case =>
    sqlite_runs_every_case,
    postgres_runs_every_case,
    mariadb_runs_every_case);

/// Random edits of random schemas (`support::random`), each up, down and
/// up again, empty and filled, compared with the target created fresh as
/// the cases are; then a random project history forward and back.
async fn run_random<C, DB>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    // Partial indexes where the dialect has them.
    let partial = dialect != Dialect::MySql;
    run_cases(dialect, conn, random_cases_from_env(40, partial)).await;
    run_cases_filled(dialect, conn, random_cases_from_env(40, partial)).await;
    let steps = random_history_from_env(30, partial);
    let order = (0..steps.len()).chain((0..steps.len()).rev()).collect();
    run_chain(dialect, conn, &steps, order).await;
}

on_each_engine!("dbgen_random", run_random =>
    sqlite_runs_random_cases,
    postgres_runs_random_cases,
    mariadb_runs_random_cases);

/// A database of its own on server `engine` and a connection to it, or
/// `None` when the server does not answer (the test then says it is
/// skipped; see `TestDb`).
async fn server<C: sqlx::Connection>(engine: Engine, prefix: &str) -> Option<(TestDb, C)> {
    let db = TestDb::create(engine, prefix).await?;
    let conn = C::connect(&db.url)
        .await
        .expect("connect to the test database");
    Some((db, conn))
}

/// Runs `body` on a connection to a database of its own on server
/// `engine`, then drops the database; says it is skipped when the server
/// does not answer (see `TestDb`).
async fn on_server<C: sqlx::Connection>(
    engine: Engine,
    prefix: &str,
    body: impl AsyncFnOnce(&mut C),
) {
    let Some((db, mut conn)) = server::<C>(engine, prefix).await else {
        return;
    };
    body(&mut conn).await;
    drop(conn);
    db.drop_db().await;
}

/// An in-memory SQLite database with foreign keys on, holding `schema`
/// and the rows `rows` inserts.
async fn sqlite_with(schema: &Schema, rows: &str) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    let create = render(Dialect::Sqlite, &Schema::default(), schema);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "PRAGMA foreign_keys = 1; {} {rows}",
        create.up
    )))
    .execute(&mut conn)
    .await
    .expect("the schema and its rows");
    conn
}

/// A SQLite rebuild that leaves rows breaking a foreign key fails before it
/// commits, and the table is as it was: `PRAGMA foreign_key_check` alone
/// would only list the rows, which a migration runner ignores.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_refuses_rows_that_break_a_new_foreign_key() {
    use dbgen::schema::FkAction;
    let users = || table("users").col("email", Ty::Varchar(255), false);
    let posts = || table("posts").col("author_id", Ty::BigInt, false);
    let before = schema(vec![users(), posts()]);
    let after = schema(vec![
        users(),
        posts().fk("author_id", "users", FkAction::Restrict),
    ]);
    let mut conn = sqlite_with(
        &before,
        "INSERT INTO users (email) VALUES ('a@x'); INSERT INTO posts (author_id) VALUES (1), (99);",
    )
    .await;
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let migration = render(Dialect::Sqlite, &before, &after);
    assert!(
        migration.up.contains("-- no-transaction"),
        "{}",
        migration.up
    );
    let error = run(migration.up.clone())
        .execute(&mut conn)
        .await
        .expect_err("the rebuild commits rows that break the new foreign key");
    assert!(
        error.to_string().contains("rows break a foreign key"),
        "{error}"
    );
    // The failed check rolled its transaction back (BEGIN would fail inside
    // one); the runner switches foreign keys on again.
    run("BEGIN; ROLLBACK; PRAGMA foreign_keys = 1".into())
        .execute(&mut conn)
        .await
        .expect("no transaction is left open");
    let sql: Vec<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE name = 'posts' OR name LIKE '_dbgen%'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("schema");
    assert_eq!(sql.len(), 1, "{sql:?}");
    assert!(!sql[0].contains("REFERENCES"), "{sql:?}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(rows, 2);
    // With the orphan gone, the same file applies.
    run("DELETE FROM posts WHERE author_id = 99".into())
        .execute(&mut conn)
        .await
        .expect("delete the orphan");
    run(migration.up)
        .execute(&mut conn)
        .await
        .expect("the rebuild on consistent rows");
}

/// A column changed to a number by a SQLite rebuild: SQLite's affinity
/// keeps a value it cannot convert (`'abc'` stays text in an INTEGER
/// column, which the helpers then fail to read), where PostgreSQL and
/// MySQL refuse the change. The rebuild fails and rolls back; once the
/// values convert, it runs and they are numbers.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_refuses_values_a_new_type_cannot_read() {
    let codes = |ty: Ty| schema(vec![table("codes").col("code", ty, true)]);
    let (before, after) = (codes(Ty::Varchar(10)), codes(Ty::BigInt));
    let mut conn = sqlite_with(
        &before,
        "INSERT INTO codes (code) VALUES ('123'), ('abc'), (NULL);",
    )
    .await;
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let up = render(Dialect::Sqlite, &before, &after).up;
    let error = run(up.clone())
        .execute(&mut conn)
        .await
        .expect_err("'abc' is no integer");
    assert!(
        error
            .to_string()
            .contains("holds values the new type cannot read"),
        "{error}"
    );
    run("BEGIN; ROLLBACK; PRAGMA foreign_keys = 1".into())
        .execute(&mut conn)
        .await
        .expect("no transaction is left open");
    let kept: Vec<Option<String>> = sqlx::query_scalar("SELECT code FROM codes ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("the rows");
    assert_eq!(kept, [Some("123".into()), Some("abc".into()), None]);
    run("UPDATE codes SET code = '7' WHERE code = 'abc'".into())
        .execute(&mut conn)
        .await
        .expect("a number");
    run(up).execute(&mut conn).await.expect("the rebuild");
    let types: Vec<String> = sqlx::query_scalar("SELECT typeof(code) FROM codes ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("the rows");
    assert_eq!(types, ["integer", "integer", "null"]);
}

/// Migrates `before` to `after` on SQLite holding `rows`: with `bad` too,
/// the file must fail, as holding values the new type cannot read; with
/// `rows` alone it must run. Returns the migrated connection.
async fn converted(
    before: &Schema,
    after: &Schema,
    rows: &str,
    bad: &str,
) -> sqlx::SqliteConnection {
    let up = render(Dialect::Sqlite, before, after).up;
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let mut conn = sqlite_with(before, &format!("{rows} {bad}")).await;
    let error = run(up.clone())
        .execute(&mut conn)
        .await
        .expect_err("a value the new type cannot read");
    assert!(
        error
            .to_string()
            .contains("holds values the new type cannot read"),
        "{bad}: {error}"
    );
    let mut conn = sqlite_with(before, rows).await;
    run(up).execute(&mut conn).await.expect("the rebuild");
    conn
}

type Texts = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// [`converted`], then the four values `select` reads, as SQLite stores
/// them.
async fn converted_texts(
    (before, after): (&Schema, &Schema),
    rows: &str,
    bad: &str,
    select: &'static str,
) -> (sqlx::SqliteConnection, Vec<Texts>) {
    let mut conn = converted(before, after, rows, bad).await;
    let texts = sqlx::query_as(select)
        .fetch_all(&mut conn)
        .await
        .expect("the rows");
    (conn, texts)
}

/// A date or time column that becomes another kind of date or time on
/// SQLite: its values are rewritten in the form sqlx reads and writes for
/// the new type (SQLite kept `2024-05-01`, which the helpers could not
/// read as a date-time, where PostgreSQL and MySQL give its midnight), the
/// fraction of a second kept. A value SQLite cannot read as a time fails
/// the file, which rolls back.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_rewrites_dates_and_times_in_the_new_form() {
    let events = |day: Ty, at: Ty, utc: Ty, gone: Ty| {
        schema(vec![
            table("events")
                .col("day", day, true)
                .col("at", at, true)
                .col("utc", utc, true)
                .col("gone", gone, true),
        ])
    };
    let before = events(Ty::Date, Ty::Timestamp, Ty::TimestampTz, Ty::Timestamp);
    let after = events(Ty::TimestampTz, Ty::TimestampTz, Ty::Timestamp, Ty::Date);
    let rows = "INSERT INTO events (day, at, utc, gone) VALUES \
        ('2024-05-01', '2024-05-01 12:00:00.123456', '2024-05-01T12:00:00.5+00:00', '2024-05-01 23:59:59'), \
        (NULL, '2024-05-01 12:00:00', '2024-05-01T12:00:00+00:00', NULL);";
    let (mut conn, texts) = converted_texts(
        (&before, &after),
        rows,
        "INSERT INTO events (day) VALUES ('someday');",
        "SELECT day, at, utc, gone FROM events ORDER BY id",
    )
    .await;
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        texts,
        [
            (
                some("2024-05-01T00:00:00+00:00"),
                some("2024-05-01T12:00:00.123456+00:00"),
                some("2024-05-01 12:00:00.5"),
                some("2024-05-01"),
            ),
            (
                None,
                some("2024-05-01T12:00:00+00:00"),
                some("2024-05-01 12:00:00"),
                None
            ),
        ]
    );
    let read: Vec<(
        Option<chrono::DateTime<chrono::Utc>>,
        chrono::DateTime<chrono::Utc>,
        chrono::NaiveDateTime,
    )> = sqlx::query_as("SELECT day, at, utc FROM events ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read as the new types");
    assert_eq!(read[0].1.timestamp_subsec_micros(), 123_456);
    assert_eq!(
        read[0].0.map(|d| d.to_rfc3339()),
        some("2024-05-01T00:00:00+00:00")
    );
}

/// A text column that becomes a date, time or date-time on SQLite holds
/// its values in the form sqlx reads and writes for the new type (SQLite
/// kept the text as written, which compared as text with the values the
/// helpers bind): a text with an offset as the instant it names, in UTC,
/// the fraction of a second kept. A text SQLite cannot read as a time
/// fails the file.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_rewrites_texts_that_become_times() {
    let events = |utc: Ty, at: Ty, day: Ty, clock: Ty| {
        schema(vec![
            table("events")
                .col("utc", utc, true)
                .col("at", at, true)
                .col("day", day, true)
                .col("clock", clock, true),
        ])
    };
    let before = events(Ty::Text, Ty::Varchar(40), Ty::Text, Ty::Text);
    let after = events(Ty::TimestampTz, Ty::Timestamp, Ty::Date, Ty::Time);
    let rows = "INSERT INTO events (utc, at, day, clock) VALUES \
        ('2024-05-01 12:00:00', '2024-05-01T12:00:00.25+02:00', '2024-05-01 12:00:00', '12:00'), \
        ('2024-05-01T23:30:00.123456-04:00', '2024-05-01 12:00:00Z', '2024-05-01', '2024-05-01 12:00:00.5'), \
        (NULL, NULL, NULL, NULL);";
    let (mut conn, texts) = converted_texts(
        (&before, &after),
        rows,
        "INSERT INTO events (clock) VALUES ('noon');",
        "SELECT utc, at, day, clock FROM events ORDER BY id",
    )
    .await;
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        texts,
        [
            (
                some("2024-05-01T12:00:00+00:00"),
                some("2024-05-01 10:00:00.25"),
                some("2024-05-01"),
                some("12:00:00"),
            ),
            (
                some("2024-05-02T03:30:00.123456+00:00"),
                some("2024-05-01 12:00:00"),
                some("2024-05-01"),
                some("12:00:00.5"),
            ),
            (None, None, None, None),
        ]
    );
    // Each as sqlx reads the new type.
    type Read = (
        Option<chrono::DateTime<chrono::Utc>>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveTime>,
    );
    let read: Vec<Read> = sqlx::query_as("SELECT utc, at, day, clock FROM events ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read as the new types");
    assert_eq!(
        read[1].0.map(|t| t.timestamp_subsec_micros()),
        Some(123_456)
    );
    assert_eq!(read[1].3.map(|t| t.to_string()), some("12:00:00.500"));
}

/// A date-time column that becomes a `time` on SQLite holds the time of
/// day in the form sqlx reads (SQLite kept the whole date-time, which the
/// helpers could not read as a time), in UTC, as PostgreSQL's change
/// gives it.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_cuts_date_times_that_become_times() {
    let events = |at: Ty, utc: Ty| {
        schema(vec![
            table("events").col("at", at, true).col("utc", utc, true),
        ])
    };
    let rows = "INSERT INTO events (at, utc) VALUES \
        ('2024-05-01 12:00:00.5', '2024-05-01T23:30:00.123456+00:00'), (NULL, NULL);";
    let mut conn = converted(
        &events(Ty::Timestamp, Ty::TimestampTz),
        &events(Ty::Time, Ty::Time),
        rows,
        "INSERT INTO events (at) VALUES ('soon');",
    )
    .await;
    let texts: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT at, utc FROM events ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("the rows");
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        texts,
        [(some("12:00:00.5"), some("23:30:00.123456")), (None, None)]
    );
    let read: Vec<(Option<chrono::NaiveTime>, Option<chrono::NaiveTime>)> =
        sqlx::query_as("SELECT at, utc FROM events ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("read as times");
    assert_eq!(read[0].1.map(|t| t.to_string()), some("23:30:00.123456"));
}

/// A text column that becomes bytes on SQLite holds blobs, and bytes that
/// become text hold text (SQLite's affinity kept each value's old storage
/// class, so a filter binding a value of the new type compared a blob with
/// a text and matched nothing).
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_casts_text_and_bytes() {
    let notes = |body: Ty, raw: Ty| {
        schema(vec![
            table("notes").col("body", body, true).col("raw", raw, true),
        ])
    };
    let (before, after) = (
        notes(Ty::Text, Ty::Binary),
        notes(Ty::Varbinary(20), Ty::Varchar(20)),
    );
    let mut conn = sqlite_with(
        &before,
        "INSERT INTO notes (body, raw) VALUES ('héllo', CAST('wörld' AS BLOB)), (NULL, NULL);",
    )
    .await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(
        render(Dialect::Sqlite, &before, &after).up,
    ))
    .execute(&mut conn)
    .await
    .expect("the rebuild");
    let classes: Vec<(String, String)> =
        sqlx::query_as("SELECT typeof(body), typeof(raw) FROM notes ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("the rows");
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(classes, [pair("blob", "text"), pair("null", "null")]);
    let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notes WHERE body = ? AND raw = ?")
        .bind("héllo".as_bytes())
        .bind("wörld")
        .fetch_one(&mut conn)
        .await
        .expect("the count");
    assert_eq!(found, 1);
}

/// A text column that becomes a boolean on SQLite holds 1 and 0 for the
/// texts PostgreSQL reads as true and false (`t`, `true`, `y`, `yes`,
/// `on`, `1` and their opposites, in any case, spaces around them
/// ignored); SQLite's affinity kept `'true'` as text, which the helpers
/// could not read as a boolean. Any other text fails the file, as it
/// fails PostgreSQL's cast.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_reads_texts_as_booleans_as_postgres_does() {
    let flags = |ty: Ty| schema(vec![table("flags").col("on", ty, true)]);
    let (text, flag) = (flags(Ty::Varchar(10)), flags(Ty::Boolean));
    let rows = "INSERT INTO flags (\"on\") VALUES \
        ('true'), ('Yes'), (' on '), ('T'), ('1'), ('FALSE'), ('no'), ('off'), ('f'), ('0'), (NULL);";
    let mut conn = converted(
        &text,
        &flag,
        rows,
        "INSERT INTO flags (\"on\") VALUES ('maybe');",
    )
    .await;
    let read: Vec<Option<bool>> = sqlx::query_scalar("SELECT \"on\" FROM flags ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read as booleans");
    let (t, f) = (Some(true), Some(false));
    assert_eq!(read, [t, t, t, t, t, f, f, f, f, f, None]);
}

/// A text column that becomes a `uuid` on SQLite holds the 16 bytes sqlx
/// reads (SQLite kept the text, which the helpers could not read as a
/// UUID, where PostgreSQL converts it), and back to text the hyphenated
/// form. Text that is no UUID fails the file.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_rewrites_uuids_in_the_new_form() {
    let tokens = |ty: Ty| schema(vec![table("tokens").col("token", ty, true)]);
    let (text, uuid) = (tokens(Ty::Varchar(36)), tokens(Ty::Uuid));
    let rows = "INSERT INTO tokens (token) VALUES \
        ('550e8400-e29b-41d4-a716-446655440000'), ('550E8400E29B41D4A716446655440001'), (NULL);";
    let mut conn = converted(
        &text,
        &uuid,
        rows,
        "INSERT INTO tokens (token) VALUES ('nope');",
    )
    .await;
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let read: Vec<Option<uuid::Uuid>> = sqlx::query_scalar("SELECT token FROM tokens ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read as UUIDs");
    let id = |s: &str| Some(s.parse::<uuid::Uuid>().unwrap());
    assert_eq!(
        read,
        [
            id("550e8400-e29b-41d4-a716-446655440000"),
            id("550e8400-e29b-41d4-a716-446655440001"),
            None
        ]
    );
    run(render(Dialect::Sqlite, &uuid, &text).up)
        .execute(&mut conn)
        .await
        .expect("back to text");
    let back: Vec<Option<String>> = sqlx::query_scalar("SELECT token FROM tokens ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read as text");
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        back,
        [
            some("550e8400-e29b-41d4-a716-446655440000"),
            some("550e8400-e29b-41d4-a716-446655440001"),
            None
        ]
    );
}

/// A text column that becomes `json` on SQLite (both text to it, so the
/// change wrote nothing) must hold JSON, as PostgreSQL and MySQL check
/// when they convert it: text that is not fails the file, which the
/// helpers could not have read.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_checks_text_that_becomes_json() {
    let notes = |ty: Ty| schema(vec![table("notes").col("body", ty, true)]);
    let (text, json) = (notes(Ty::Text), notes(Ty::Json));
    let up = render(Dialect::Sqlite, &text, &json).up;
    assert!(up.contains("json_valid"), "{up}");
    let rows = "INSERT INTO notes (body) VALUES ('{\"a\": [1, 2]}'), (NULL);";
    let mut conn = converted(
        &text,
        &json,
        rows,
        "INSERT INTO notes (body) VALUES ('not json');",
    )
    .await;
    let read: Vec<Option<sqlx::types::Json<serde_json::Value>>> =
        sqlx::query_scalar("SELECT body FROM notes ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("read as JSON");
    assert_eq!(
        read[0].as_ref().map(|j| j.0.clone()),
        Some(serde_json::json!({"a": [1, 2]}))
    );
}

/// Rows a rebuild's copy refuses (NULL in a column made NOT NULL, a
/// duplicate under a new unique index) fail the copy, which rolls the
/// file's transaction back: nothing changed, no transaction left open.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_rolls_back_when_the_copy_fails() {
    let before = schema(vec![
        table("users")
            .col("email", Ty::Varchar(255), true)
            .col("nick", Ty::Varchar(40), false),
    ]);
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    for (after, says) in [
        (
            schema(vec![
                table("users").col("email", Ty::Varchar(255), false).col(
                    "nick",
                    Ty::Varchar(40),
                    false,
                ),
            ]),
            "NOT NULL constraint failed",
        ),
        (
            schema(vec![
                table("users")
                    .col("email", Ty::Varchar(255), true)
                    .col("nick", Ty::Varchar(40), false)
                    .check("ck_users_nick", "length(nick) > 0")
                    .index(&["nick"], true),
            ]),
            "UNIQUE constraint failed",
        ),
    ] {
        let migration = render(Dialect::Sqlite, &before, &after);
        assert!(
            migration.up.contains("_dbgen_new_users"),
            "{}",
            migration.up
        );
        let mut conn = sqlite_with(
            &before,
            "INSERT INTO users (email, nick) VALUES (NULL, 'a'), ('b@x', 'a');",
        )
        .await;
        let error = run(migration.up.clone())
            .execute(&mut conn)
            .await
            .expect_err("the copy refuses the rows");
        assert!(error.to_string().contains(says), "{error}");
        run("BEGIN; ROLLBACK; PRAGMA foreign_keys = 1".into())
            .execute(&mut conn)
            .await
            .expect("no transaction is left open");
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .expect("schema");
        assert!(
            tables.iter().all(|t| !t.starts_with("_dbgen")),
            "{tables:?}"
        );
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut conn)
            .await
            .expect("count");
        assert_eq!(rows, 2, "the rows are kept");
    }
}

/// A view over a table that SQLite rebuilds reads the rebuilt table (the
/// rename would otherwise refuse: "error in view ...: no such table"). A
/// trigger on it, which the rebuild's `DROP TABLE` would drop unseen,
/// stops the migration instead, before anything is committed.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_rebuild_keeps_views_and_refuses_to_drop_triggers() {
    let before = schema(vec![table("users").col("email", Ty::Varchar(255), true)]);
    let after = schema(vec![table("users").col("email", Ty::Varchar(255), false)]);
    let migration = render(Dialect::Sqlite, &before, &after);
    assert!(
        migration.up.contains("_dbgen_new_users"),
        "{}",
        migration.up
    );
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));

    let mut conn = sqlite_with(
        &before,
        "INSERT INTO users (email) VALUES ('a@x'); CREATE VIEW emails AS SELECT email FROM users;",
    )
    .await;
    run(migration.up.clone())
        .execute(&mut conn)
        .await
        .expect("the rebuild under a view");
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM emails")
        .fetch_all(&mut conn)
        .await
        .expect("the view reads the rebuilt table");
    assert_eq!(emails, ["a@x"]);
    let not_null: i64 = sqlx::query_scalar(
        "SELECT \"notnull\" FROM pragma_table_info('users') WHERE name = 'email'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("table info");
    assert_eq!(not_null, 1, "the rebuild took effect");

    let mut conn = sqlite_with(
        &before,
        "INSERT INTO users (email) VALUES ('a@x'); \
         CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN SELECT 1; END;",
    )
    .await;
    let error = run(migration.up.clone())
        .execute(&mut conn)
        .await
        .expect_err("the rebuild would drop the trigger");
    assert!(error.to_string().contains("has triggers"), "{error}");
    run("BEGIN; ROLLBACK; PRAGMA foreign_keys = 1".into())
        .execute(&mut conn)
        .await
        .expect("no transaction is left open");
    let triggers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'")
            .fetch_one(&mut conn)
            .await
            .expect("schema");
    assert_eq!(triggers, 1, "the trigger is kept");
    // With the trigger dropped by hand, the same file applies.
    run("DROP TRIGGER users_audit".into())
        .execute(&mut conn)
        .await
        .expect("drop the trigger");
    run(migration.up)
        .execute(&mut conn)
        .await
        .expect("the rebuild without the trigger");
}

/// SQLite adds a nullable column with its foreign key in place (no
/// rebuild, so no copy of the rows), and the key holds: an unknown
/// reference is refused, and deleting the referenced row sets it NULL.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_adds_a_column_with_its_foreign_key_in_place() {
    use dbgen::schema::FkAction;
    let users = || table("users").col("email", Ty::Varchar(255), false);
    let before = schema(vec![users(), table("posts")]);
    let after = schema(vec![
        users(),
        table("posts").col("author_id", Ty::BigInt, true).fk(
            "author_id",
            "users",
            FkAction::SetNull,
        ),
    ]);
    let mut conn = sqlite_with(
        &before,
        "INSERT INTO users (email) VALUES ('a@x'); INSERT INTO posts DEFAULT VALUES;",
    )
    .await;
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let migration = render(Dialect::Sqlite, &before, &after);
    assert!(
        !migration.up.contains("_dbgen_new_"),
        "a rebuild: {}",
        migration.up
    );
    run(migration.up).execute(&mut conn).await.expect("up");
    let refused = run("INSERT INTO posts (author_id) VALUES (99)".into())
        .execute(&mut conn)
        .await;
    assert!(refused.is_err(), "an unknown author was accepted");
    run("UPDATE posts SET author_id = 1; DELETE FROM users;".into())
        .execute(&mut conn)
        .await
        .expect("reference, then delete the author");
    let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE author_id IS NULL")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(orphans, 1, "ON DELETE SET NULL did not apply");
}

/// MySQL and MariaDB key at most 3072 bytes, and a `TEXT` or `BLOB` column
/// only on a prefix: a primary key or a plain index over several columns
/// past that is refused (errors 1071 and 1170), and so is a foreign key
/// (InnoDB indexes its columns whole), where PostgreSQL and SQLite take
/// them. `diff` refuses the same keys, and no other: random keys over
/// random column types, each added by hand to tables dbgen created; the
/// server's verdict must be dbgen's.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_and_dbgen_agree_on_key_lengths() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_keylen", async |conn| {
        let mut rng = Rng(seed());
        let mut seen = (0, 0);
        for round in 0..80 {
            let name = format!("keys_{round}");
            let mut base = table(&name).key(&["id"]);
            let mut columns = Vec::new();
            for c in 0..1 + rng.below(3) {
                let ty = match rng.below(9) {
                    0 => Ty::Text,
                    1 => Ty::Binary,
                    2 => Ty::Varbinary(1 + rng.below(2000) as u32),
                    3 => Ty::Char(1 + rng.below(255) as u32),
                    4 => Ty::Uuid,
                    5 => Ty::Integer,
                    6 => Ty::TimestampTz,
                    7 => Ty::Decimal {
                        precision: 20,
                        scale: 4,
                    },
                    _ => Ty::Varchar(1 + rng.below(800) as u32),
                };
                base = base.col(&format!("c{c}"), ty, false);
                columns.push(format!("c{c}"));
            }
            let listed: Vec<&str> = columns.iter().map(String::as_str).collect();
            let quoted = listed
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            // The tables as dbgen is asked to write them, the same without
            // the key (created first, by dbgen's SQL), and the statement that
            // adds the key by hand.
            let child = format!("{name}_child");
            let (keyed, bare, statement) = match rng.below(4) {
                0 => {
                    let mut keyed = table(&name).key(&["id"]).key(&listed).0;
                    keyed.columns = base.0.columns.clone();
                    (
                        vec![keyed],
                        vec![base.0],
                        format!("ALTER TABLE `{name}` DROP PRIMARY KEY, ADD PRIMARY KEY ({quoted})"),
                    )
                }
                1 => (
                    vec![T(base.0.clone()).index(&listed, false).0],
                    vec![base.0],
                    format!("CREATE INDEX `i_{name}` ON `{name}` ({quoted})"),
                ),
                2 => (
                    vec![T(base.0.clone()).index(&listed, true).0],
                    vec![base.0],
                    format!("CREATE UNIQUE INDEX `u_{name}` ON `{name}` ({quoted})"),
                ),
                _ => {
                    // A foreign key to a unique index over the same columns.
                    let parent = T(base.0.clone()).index(&listed, true).0;
                    let mut plain = table(&child).key(&["id"]).0;
                    plain.columns = base.0.columns.clone();
                    let mut referencing = plain.clone();
                    referencing.foreign_keys = vec![dbgen::schema::ForeignKey {
                        name: format!("f_{name}").into(),
                        columns: listed.iter().map(|c| c.to_string().into()).collect::<Vec<_>>().into(),
                        ref_table: name.clone().into(),
                        ref_columns: listed.iter().map(|c| c.to_string().into()).collect::<Vec<_>>().into(),
                        on_delete: dbgen::schema::FkAction::NoAction,
                        on_update: dbgen::schema::FkAction::NoAction,
                    }]
                    .into();
                    (
                        vec![parent.clone(), referencing],
                        vec![parent, plain],
                        format!("ALTER TABLE `{child}` ADD CONSTRAINT `f_{name}` FOREIGN KEY ({quoted}) REFERENCES `{name}` ({quoted})"),
                    )
                }
            };
            let verdict = generate(
                &Schema::default(),
                &schema(keyed.iter().cloned().map(T).collect()),
                Dialect::MySql,
                &Policy::default(),
            );
            let up = render(
                Dialect::MySql,
                &Schema::default(),
                &schema(bare.into_iter().map(T).collect()),
            )
            .up;
            sqlx::raw_sql(sqlx::AssertSqlSafe(up))
                .execute(&mut *conn)
                .await
                .expect("the tables without the key");
            let keyed_on_server = sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut *conn)
                .await
                .map(|_| ());
            // The server's error number, or InnoDB's errno for a foreign key.
            tally(
                &mut seen,
                round,
                &verdict,
                &keyed_on_server,
                |message, e| {
                    message.contains(&format!("error {}", e.number()))
                        || (e.message().contains("errno: 150") && message.contains("errno 150"))
                },
                &(&statement, &keyed[0].columns),
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP TABLE IF EXISTS `{child}`; DROP TABLE `{name}`"
            )))
            .execute(&mut *conn)
            .await
            .expect("drop");
        }
        both_seen(seen);
    })
    .await;
}

/// Counts one round of a test holding dbgen's verdict on some DDL to
/// MariaDB's, `seen` (taken, refused): both take it, or both refuse it for
/// the same reason (`same_reason` of dbgen's message and the server's
/// error). Anything else fails the test, showing `shown`.
fn tally(
    seen: &mut (usize, usize),
    round: usize,
    verdict: &Result<Generated, dbgen::Error>,
    server: &Result<(), sqlx::Error>,
    same_reason: impl Fn(&str, &sqlx::mysql::MySqlDatabaseError) -> bool,
    shown: &dyn std::fmt::Debug,
) {
    match (verdict, server) {
        (Ok(_), Ok(())) => seen.0 += 1,
        (Err(dbgen::Error::Unsupported(message)), Err(sqlx::Error::Database(e)))
            if e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                .is_some_and(|e| same_reason(message, e)) =>
        {
            seen.1 += 1;
        }
        (verdict, server) => {
            panic!("round {round}: dbgen {verdict:?}, MariaDB {server:?}\n{shown:#?}")
        }
    }
}

/// Both verdicts came up often enough for the comparison to mean something.
fn both_seen((accepted, refused): (usize, usize)) {
    assert!(
        accepted > 5 && refused > 5,
        "{accepted} accepted, {refused} refused"
    );
}

/// MySQL and MariaDB refuse a row over 65 535 bytes (`VARCHAR` and `CHAR`
/// at four bytes a character in utf8mb4): `diff` refuses the same tables,
/// and no other. Random tables near the limit, each created by the SQL
/// dbgen writes for it; the server's verdict must be dbgen's.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_and_dbgen_agree_on_the_largest_row() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_rowsize", async |conn| {
        let mut rng = Rng(seed());
        let types = [
            Ty::SmallInt,
            Ty::Integer,
            Ty::BigInt,
            Ty::Real,
            Ty::Double,
            Ty::Decimal {
                precision: 19,
                scale: 4,
            },
            Ty::Decimal {
                precision: 5,
                scale: 5,
            },
            Ty::Boolean,
            Ty::Char(20),
            Ty::Uuid,
            Ty::Text,
            Ty::Json,
            Ty::Binary,
            Ty::Varbinary(300),
            Ty::Varbinary(7),
            Ty::Date,
            Ty::Time,
            Ty::Timestamp,
            Ty::TimestampTz,
        ];
        let mut seen = (0, 0);
        for round in 0..40 {
            let mut t = table(&format!("rows_{round}"));
            for c in 0..rng.below(12) {
                t = t.col(
                    &format!("c{c}"),
                    types[rng.below(types.len())],
                    rng.below(2) == 0,
                );
            }
            if rng.below(2) == 0 {
                t = t
                    .soft_delete()
                    .col("code", Ty::Varchar(10), false)
                    .index(&["code"], true);
            }
            // Most of the rest in one long column: the sum lands within a few
            // bytes of the limit either side.
            let fill = 16_383 - rng.below(60) as u32 - if rng.below(3) == 0 { 100 } else { 0 };
            t = t.col("fill", Ty::Varchar(fill), rng.below(2) == 0);
            let schema_ = schema(vec![t]);
            let verdict = generate(
                &Schema::default(),
                &schema_,
                Dialect::MySql,
                &Policy::default(),
            );
            // The SQL the server is asked to run: dbgen's, or, when dbgen
            // refuses, the same table rendered without the row check (the fill
            // column as text, then changed to its varchar).
            let created = match &verdict {
                Ok(generated) => sqlx::raw_sql(sqlx::AssertSqlSafe(generated.up.clone()))
                    .execute(&mut *conn)
                    .await
                    .map(|_| ()),
                Err(_) => {
                    let mut text = schema_.clone();
                    let fill_at = text.tables[0].columns.len() - 1;
                    text.tables[0].columns.to_mut()[fill_at].ty = Ty::Text;
                    let up = render(Dialect::MySql, &Schema::default(), &text).up;
                    sqlx::raw_sql(sqlx::AssertSqlSafe(up))
                        .execute(&mut *conn)
                        .await
                        .expect("the table with a text column");
                    let nullable = if text.tables[0].columns[fill_at].nullable {
                        ""
                    } else {
                        " NOT NULL"
                    };
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "ALTER TABLE `rows_{round}` MODIFY COLUMN `fill` VARCHAR({fill}){nullable}"
                    )))
                    .execute(&mut *conn)
                    .await
                    .map(|_| ())
                }
            };
            tally(
                &mut seen,
                round,
                &verdict,
                &created,
                |message, e| e.code() == Some("42000") && message.contains("bytes"),
                &schema_.tables[0].columns,
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP TABLE IF EXISTS `rows_{round}`"
            )))
            .execute(&mut *conn)
            .await
            .expect("drop");
        }
        both_seen(seen);
    })
    .await;
}

/// Comments with quotes, backslashes (a trailing one too), `%` and line
/// breaks come back from the catalog as the model wrote them. MySQL and
/// MariaDB read a backslash in a string as an escape: `C:\temp` was
/// stored with a tab, and a trailing backslash broke the statement.
async fn comments_round_trip<C>(dialect: Dialect, conn: &mut C, read: &str)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    C: sqlx::Connection,
    for<'r> String: sqlx::Decode<'r, C::Database> + sqlx::Type<C::Database>,
    usize: sqlx::ColumnIndex<<C::Database as sqlx::Database>::Row>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let texts = [
        r"C:\temp\new",
        r"ends with \",
        r"it's \'quoted\' 100% _so_",
        "two\nlines",
    ];
    for (n, text) in texts.iter().enumerate() {
        let mut t = table(&format!("notes_{n}")).comment(text);
        t = t.col("body", Ty::Text, true);
        t = t.edit("body", |c| c.set_comment(Some(text.to_string().into())));
        let up = render(dialect, &Schema::default(), &schema(vec![t])).up;
        // `validate` and `lint` read the file as the engine does.
        let statements = dbgen::dialect::check_file(dialect, &up)
            .unwrap_or_else(|e| panic!("{dialect} {text:?}: {e:?}\n{up}"));
        assert_eq!(statements, up.matches(";\n").count(), "{up}");
        dbgen::lint::lint_sql(dialect, "up.sql", &up).expect("lint reads it");
        sqlx::raw_sql(sqlx::AssertSqlSafe(up.clone()))
            .execute(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{dialect} {text:?}: {e}\n{up}"));
        let query = read.replace("{table}", &format!("notes_{n}"));
        let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(query))
            .fetch_all(&mut *conn)
            .await
            .expect("the comments");
        let comments: Vec<&str> = rows.iter().map(|(c,)| c.as_str()).collect();
        assert_eq!(comments, [*text, *text], "{dialect}: table, then column");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn comments_round_trip_on_mariadb() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_comments", async |conn| {
        comments_round_trip(
            Dialect::MySql,
            &mut *conn,
            "SELECT CAST(table_comment AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = '{table}' \
             UNION ALL SELECT CAST(column_comment AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = '{table}' AND column_name = 'body'",
        )
        .await;
    })
    .await;
}

/// MySQL and MariaDB keep 2048 characters of a table comment and 1024 of
/// a column comment (two-byte characters here: the limits count
/// characters). dbgen refuses a longer one, as the server does.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_and_dbgen_agree_on_comment_lengths() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_comment_len", async |conn| {
        for (n, (table_chars, column_chars)) in
            [(2048, 1024), (2049, 1), (1, 1025)].into_iter().enumerate()
        {
            let (table_comment, column_comment) = ("é".repeat(table_chars), "é".repeat(column_chars));
            let name = format!("long_{n}");
            let t = table(&name)
                .comment(&table_comment)
                .col("body", Ty::Text, true)
                .edit("body", |c| {
                    c.set_comment(Some(column_comment.clone().into()))
                });
            let verdict = generate(
                &Schema::default(),
                &schema(vec![t]),
                Dialect::MySql,
                &Policy::default(),
            );
            let by_hand = format!(
                "CREATE TABLE `{name}_hand` (`body` LONGTEXT COMMENT '{column_comment}') COMMENT = '{table_comment}'"
            );
            server_agrees(
                conn,
                &format!("{table_chars}/{column_chars}"),
                verdict,
                by_hand,
            )
            .await;
        }
    })
    .await;
}

/// Runs `by_hand` on the server, whose verdict must be dbgen's (`verdict`
/// for the same table); dbgen's migration, when it writes one, runs.
async fn server_agrees(
    conn: &mut sqlx::MySqlConnection,
    what: &str,
    verdict: Result<Generated, dbgen::Error>,
    by_hand: String,
) {
    let server = sqlx::raw_sql(sqlx::AssertSqlSafe(by_hand))
        .execute(&mut *conn)
        .await;
    assert_eq!(
        verdict.is_ok(),
        server.is_ok(),
        "{what}: dbgen {:?}, server {:?}",
        verdict.as_ref().err(),
        server.as_ref().err()
    );
    if let Ok(generated) = verdict {
        sqlx::raw_sql(sqlx::AssertSqlSafe(generated.up))
            .execute(&mut *conn)
            .await
            .expect("dbgen's table");
    }
}

/// MySQL and MariaDB take `CHAR` up to 255 characters (error 1074 past
/// it); dbgen refuses what the server refuses, and its table is created.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_and_dbgen_agree_on_char_lengths() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_char_len", async |conn| {
        for n in [1, 255, 256, 300] {
            let name = format!("chars_{n}");
            let verdict = generate(
                &Schema::default(),
                &schema(vec![table(&name).col("code", Ty::Char(n), false)]),
                Dialect::MySql,
                &Policy::default(),
            );
            let by_hand = format!(
                "CREATE TABLE `{name}_hand` (`code` CHAR({n}) NOT NULL) DEFAULT CHARSET = utf8mb4"
            );
            server_agrees(conn, &format!("char({n})"), verdict, by_hand).await;
        }
    })
    .await;
}

/// Checks that call a function whose value changes between calls or
/// sessions, or read the auto-increment key: MariaDB refuses the table
/// (error 1901), and dbgen refuses the same checks, and no other, when
/// it writes a MySQL migration.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_and_dbgen_agree_on_functions_in_checks() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_check_calls", async |conn| {
        let mut seen = (0, 0);
        for (n, expr) in [
            "at <= now()",
            "at <= CURRENT_TIMESTAMP",
            "at < current_timestamp(6)",
            "at <> curdate()",
            "at IS NULL OR at > utc_timestamp()",
            "note <> uuid()",
            "note <> user()",
            "unix_timestamp() > 0",
            "rand() < 2",
            "coalesce(at, sysdate()) IS NOT NULL",
            "unix_timestamp(at) > 0",
            "year(at) > 2000",
            "lower(note) = note",
            "date_add(at, INTERVAL 1 DAY) > at",
            "length(note) < 10 AND note NOT LIKE 'now%'",
            // The auto-increment key, given after checks run.
            "id > 0",
            "note <> 'id'",
        ]
        .into_iter()
        .enumerate()
        {
            let name = format!("calls_{n}");
            let with_check = table(&name)
                .col("at", Ty::Timestamp, true)
                .col("note", Ty::Varchar(40), true)
                .check(&format!("chk_{n}"), expr);
            let verdict = generate(
                &Schema::default(),
                &schema(vec![with_check]),
                Dialect::MySql,
                &Policy::default(),
            );
            let server = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE `{name}_hand` (`id` BIGINT AUTO_INCREMENT PRIMARY KEY, `at` DATETIME(6), `note` VARCHAR(40), CONSTRAINT `chk_hand_{n}` CHECK ({expr}))"
            )))
            .execute(&mut *conn)
            .await;
            match (&verdict, &server) {
                (Err(dbgen::Error::Expression(m)), Err(e)) => {
                    assert!(m.contains("error 1901") && e.to_string().contains("CHECK"), "{expr}: {m} / {e}");
                    seen.0 += 1;
                }
                (Ok(generated), Ok(_)) => {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(generated.up.clone()))
                        .execute(&mut *conn)
                        .await
                        .expect("dbgen's table");
                    seen.1 += 1;
                }
                _ => panic!("{expr}: dbgen {:?}, server {:?}", verdict.err(), server.err()),
            }
        }
        assert_eq!(seen, (11, 6));
    })
    .await;
}

/// What dbgen's MySQL checks rest on: MariaDB stores a check's `||` as
/// OR or as concatenation by the sql_mode of the session that creates
/// the table (sqlx's has PIPES_AS_CONCAT, the mariadb client's does
/// not), and counts `LENGTH` in bytes.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_reads_pipes_by_session_and_length_in_bytes() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_pipes", async |conn| {
        let mut stored = Vec::new();
        for (n, mode) in ["STRICT_TRANS_TABLES", "STRICT_TRANS_TABLES,PIPES_AS_CONCAT"]
            .into_iter()
            .enumerate()
        {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "SET SESSION sql_mode = '{mode}'; \
                 CREATE TABLE `pipes_{n}` (`a` VARCHAR(5), `b` VARCHAR(5), CONSTRAINT `chk_{n}` CHECK (`a` || `b` <> 'xy'))"
            )))
            .execute(&mut *conn)
            .await
            .expect("the table");
            let (clause,): (String,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT CAST(check_clause AS CHAR) FROM information_schema.check_constraints \
                 WHERE constraint_schema = DATABASE() AND constraint_name = 'chk_{n}'"
            )))
            .fetch_one(&mut *conn)
            .await
            .expect("the stored check");
            stored.push(clause);
        }
        assert!(stored[0].contains(" or "), "{stored:?}");
        assert!(stored[1].contains("concat("), "{stored:?}");
        let (bytes, chars): (i64, i64) = sqlx::query_as("SELECT LENGTH('é'), CHAR_LENGTH('é')")
            .fetch_one(&mut *conn)
            .await
            .expect("the lengths");
        assert_eq!((bytes, chars), (2, 1));
    })
    .await;
}

/// PostgreSQL refuses a partial index whose `where` calls a function
/// that is not `IMMUTABLE` (the time now, random values, the session's
/// user or settings, or what the session's zone or date style decides:
/// a `timestamptz` cast to a date, text cast to a date), when the
/// migration runs; dbgen refuses the same predicates, and no other, when
/// it writes a PostgreSQL migration.
#[tokio::test(flavor = "current_thread")]
async fn postgres_and_dbgen_agree_on_functions_in_partial_indexes() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_index_calls", async |conn| {
        let mut seen = (0, 0);
        for (n, expr) in [
            "at <= now()",
            "at <= CURRENT_TIMESTAMP",
            "at > CURRENT_DATE",
            "at > localtimestamp",
            "at IS NULL OR at > clock_timestamp()",
            "note <> gen_random_uuid()::text",
            "random() < 0.5",
            "note <> current_user",
            "note <> current_setting('TimeZone')",
            "age(at) > interval '1 day'",
            "note <> 'now'",
            "at > '2024-01-01'",
            "lower(note) = 'x'",
            "age(at, '2000-01-01') > interval '1 day'",
            "length(note) < 10 AND at IS NOT NULL",
            // What the session's zone or date style decides.
            "utc::date > '2024-01-01'",
            "CAST(utc AS date) > '2024-01-01'",
            "utc::timestamp > '2024-01-01'",
            "utc::text <> ''",
            "at::timestamptz > '2024-01-01'",
            "note::date > '2024-01-01'",
            "date_trunc('day', utc) > '2024-01-01'",
            "extract(year from utc) > 2000",
            "date_part('year', utc) > 2000",
            "to_char(at, 'YYYY') <> ''",
            "at::date > '2024-01-01'",
            "utc > '2024-01-01'",
            "extract(year from at) > 2000",
            "date_trunc('day', utc, 'UTC') > '2024-01-01'",
            "date_trunc('day', at) > '2024-01-01'",
            "note::int > 0",
        ]
        .into_iter()
        .enumerate()
        {
            let name = format!("calls_{n}");
            let with_index = table(&name)
                .col("at", Ty::Timestamp, true)
                .col("utc", Ty::TimestampTz, true)
                .col("note", Ty::Varchar(40), true)
                .partial_index(&format!("pix_{n}"), &["note"], expr);
            let verdict = generate(
                &Schema::default(),
                &schema(vec![with_index]),
                Dialect::Postgres,
                &Policy::default(),
            );
            let server = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE \"{name}_hand\" (\"at\" TIMESTAMP, \"utc\" TIMESTAMPTZ, \"note\" VARCHAR(40)); \
                 CREATE INDEX \"pix_hand_{n}\" ON \"{name}_hand\" (\"note\") WHERE {expr}"
            )))
            .execute(&mut *conn)
            .await;
            match (&verdict, &server) {
                (Err(dbgen::Error::Expression(m)), Err(e)) => {
                    assert!(
                        m.contains("IMMUTABLE") && e.to_string().contains("IMMUTABLE"),
                        "{expr}: {m} / {e}"
                    );
                    seen.0 += 1;
                }
                (Ok(generated), Ok(_)) => {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(generated.up.clone()))
                        .execute(&mut *conn)
                        .await
                        .expect("dbgen's table");
                    seen.1 += 1;
                }
                _ => panic!(
                    "{expr}: dbgen {:?}, server {:?}",
                    verdict.err(),
                    server.err()
                ),
            }
        }
        assert_eq!(seen, (21, 10));
    })
    .await;
}

/// SQLite takes a check or partial index that calls a date or time
/// function with `'now'`, then refuses every row written; it refuses a
/// partial index over `random()` or `CURRENT_TIMESTAMP` when created.
/// dbgen refuses exactly those when it writes a SQLite migration.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_and_dbgen_agree_on_functions_in_checks_and_indexes() {
    let mut seen = (0, 0);
    for (n, (expr, index)) in [
        ("at <= datetime('now')", false),
        ("at <= date('NOW', '+1 day')", false),
        ("julianday('now') > 0", false),
        ("at IS NULL OR at > strftime('%Y', 'now')", true),
        ("at > datetime('now')", true),
        ("random() > 0", true),
        ("at > CURRENT_TIMESTAMP", true),
        ("at <= CURRENT_TIMESTAMP", false),
        ("random() <> 0.5", false),
        ("at <= datetime(at, '+1 day')", false),
        ("at <= date(at)", true),
        ("note <> 'now'", true),
        ("lower(note) = note", true),
        ("at <= datetime(at, 'localtime')", false),
        ("at IS NULL OR at <= datetime(at, 'UTC')", true),
        ("at <= unixepoch(at, 'localtime')", true),
        ("at >= date(at, 'start of month')", false),
        ("note <> 'localtime'", false),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("calls_{n}");
        let mut t = table(&name)
            .col("at", Ty::Timestamp, true)
            .col("note", Ty::Varchar(40), true);
        t = if index {
            t.partial_index(&format!("pix_{n}"), &["note"], expr)
        } else {
            t.check(&format!("chk_{n}"), expr)
        };
        let verdict = generate(
            &Schema::default(),
            &schema(vec![t]),
            Dialect::Sqlite,
            &Policy::default(),
        );
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite");
        let constraint = if index {
            format!("); CREATE INDEX \"pix\" ON \"t\" (\"note\") WHERE {expr}")
        } else {
            format!(", CHECK ({expr}))")
        };
        let server = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE \"t\" (\"at\" TIMESTAMP, \"note\" VARCHAR(40){constraint}; \
             INSERT INTO \"t\" VALUES ('2000-01-01 00:00:00', 'x')"
        )))
        .execute(&mut conn)
        .await;
        match (&verdict, &server) {
            (Err(dbgen::Error::Expression(m)), Err(e)) => {
                assert!(m.contains("SQLite"), "{expr}: {m} / {e}");
                seen.0 += 1;
            }
            (Ok(generated), Ok(_)) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "{} INSERT INTO \"{name}\" (\"at\", \"note\") VALUES ('2000-01-01 00:00:00', 'x')",
                    generated.up
                )))
                .execute(&mut conn)
                .await
                .expect("dbgen's table and a row");
                seen.1 += 1;
            }
            _ => panic!(
                "{expr}: dbgen {:?}, SQLite {:?}",
                verdict.err(),
                server.err()
            ),
        }
    }
    assert_eq!(seen, (10, 8));
}

/// A text column narrowed below a value it holds: the migration fails
/// and the value stays whole, on PostgreSQL as on MariaDB (PostgreSQL's
/// `USING c::VARCHAR(5)` cut it to five characters, silently); once the
/// values fit, it runs.
async fn narrowing_keeps_values<C>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    C: sqlx::Connection,
    for<'r> String: sqlx::Decode<'r, C::Database> + sqlx::Type<C::Database>,
    usize: sqlx::ColumnIndex<<C::Database as sqlx::Database>::Row>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
    C::Database: sqlx::database::HasStatementCache,
{
    let codes = |ty: Ty| schema(vec![table("codes").col("code", ty, false)]);
    let (wide, narrow) = (codes(Ty::Varchar(100)), codes(Ty::Varchar(5)));
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    run(render(dialect, &Schema::default(), &wide).up)
        .execute(&mut *conn)
        .await
        .expect("the table");
    let (t, c) = (dialect.quote("codes"), dialect.quote("code"));
    let up = render(dialect, &wide, &narrow).up;
    // A value too long for the new type, then one that fits.
    for (value, runs) in [("abcdefghij", false), ("abc", true)] {
        run(format!(
            "DELETE FROM {t}; INSERT INTO {t} ({c}) VALUES ('{value}')"
        ))
        .execute(&mut *conn)
        .await
        .expect("a row");
        let migrated = run(up.clone()).execute(&mut *conn).await;
        assert_eq!(migrated.is_ok(), runs, "{dialect} {value}: {up}");
        let (code,): (String,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {c} FROM {t}")))
                // Not prepared once: the column's type changes in between.
                .persistent(false)
                .fetch_one(&mut *conn)
                .await
                .expect("the row");
        assert_eq!(code, value, "{dialect}: the value stays whole");
    }
}

/// A text column that becomes a `uuid` on MySQL/MariaDB holds each UUID in
/// the form the helpers read and bind (lower case, hyphenated), as
/// PostgreSQL converts it; MySQL kept the text as written (`CHAR(36)` both
/// ways), so a UUID in capitals or without hyphens was missed by a filter
/// and text that is no UUID could not be read. Such text fails the
/// migration, before the column changes.
#[tokio::test(flavor = "current_thread")]
async fn mariadb_text_becomes_uuids_in_one_form() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_uuids", async |conn| {
        let tokens = |ty: Ty| schema(vec![table("tokens").col("token", ty, true)]);
        let (text, uuid) = (tokens(Ty::Varchar(40)), tokens(Ty::Uuid));
        let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        run(render(Dialect::MySql, &Schema::default(), &text).up)
            .execute(&mut *conn)
            .await
            .expect("the table");
        let up = render(Dialect::MySql, &text, &uuid).up;
        run("INSERT INTO tokens (token) VALUES ('nope')".into())
            .execute(&mut *conn)
            .await
            .expect("a row");
        let refused = run(up.clone()).execute(&mut *conn).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("no UUID")),
            "{refused:?}"
        );
        run("DELETE FROM tokens; INSERT INTO tokens (token) VALUES \
            ('550E8400-E29B-41D4-A716-446655440000'), ('550e8400e29b41d4a716446655440001'), (NULL)"
            .into())
        .execute(&mut *conn)
        .await
        .expect("the rows");
        run(up).execute(&mut *conn).await.expect("the migration");
        let tokens: Vec<Option<String>> =
            sqlx::query_scalar("SELECT token FROM tokens ORDER BY id")
                .persistent(false)
                .fetch_all(&mut *conn)
                .await
                .expect("the rows");
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            tokens,
            [
                some("550e8400-e29b-41d4-a716-446655440000"),
                some("550e8400-e29b-41d4-a716-446655440001"),
                None
            ]
        );
    })
    .await;
}

/// A date or time column that becomes another kind on PostgreSQL keeps
/// its instants whatever the zone of the session that runs the migration
/// (a `psql` with the server's `TimeZone`): naive times are UTC, as dbgen
/// reads and writes them. A cast read them in the session's zone, and
/// moved each by its offset (four hours in New York in May).
#[tokio::test(flavor = "current_thread")]
async fn postgres_time_changes_keep_instants_in_any_session_zone() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_zones", async |conn| {
        let events = |at: Ty, day: Ty, utc: Ty, stamp: Ty| {
            schema(vec![
                table("events")
                    .col("at", at, true)
                    .col("day", day, true)
                    .col("utc", utc, true)
                    .col("stamp", stamp, true),
            ])
        };
        let before = events(Ty::Timestamp, Ty::Date, Ty::TimestampTz, Ty::TimestampTz);
        let after = events(Ty::TimestampTz, Ty::TimestampTz, Ty::Timestamp, Ty::Date);
        let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        run(render(Dialect::Postgres, &Schema::default(), &before).up)
            .execute(&mut *conn)
            .await
            .expect("the table");
        run("INSERT INTO events (at, day, utc, stamp) VALUES ('2024-05-01 12:00:00', '2024-05-01', '2024-05-01 12:00:00+00', '2024-05-01 02:00:00+00')".into())
            .execute(&mut *conn)
            .await
            .expect("a row");
        run(format!(
            "SET TIME ZONE 'America/New_York'; {} SET TIME ZONE 'UTC';",
            render(Dialect::Postgres, &before, &after).up
        ))
        .execute(&mut *conn)
        .await
        .expect("the migration");
        let (at, day, utc, stamp): (String, String, String, String) = sqlx::query_as(
            "SELECT at::TEXT, day::TEXT, utc::TEXT, stamp::TEXT FROM events",
        )
        .persistent(false)
        .fetch_one(&mut *conn)
        .await
        .expect("the row");
        assert_eq!(
            (at.as_str(), day.as_str(), utc.as_str(), stamp.as_str()),
            ("2024-05-01 12:00:00+00", "2024-05-01 00:00:00+00", "2024-05-01 12:00:00", "2024-05-01")
        );
    })
    .await;
}

/// A text column that becomes a date or date-time on PostgreSQL reads each
/// text as the time it names, whatever the zone of the session that runs
/// the migration: a text with an offset or a zone's name as that instant
/// (a naive column or a date keeps it in UTC, as dbgen reads them; a cast
/// dropped the offset), one without as UTC (a cast read it in the
/// session's zone). A time of day with AM or PM names no zone.
#[tokio::test(flavor = "current_thread")]
async fn postgres_texts_become_the_times_they_name_in_any_session_zone() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_text_times", async |conn| {
        let events = |utc: Ty, at: Ty, day: Ty| {
            schema(vec![
                table("events")
                    .col("utc", utc, true)
                    .col("at", at, true)
                    .col("day", day, true),
            ])
        };
        let before = events(Ty::Varchar(40), Ty::Text, Ty::Text);
        let after = events(Ty::TimestampTz, Ty::Timestamp, Ty::Date);
        let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        run(render(Dialect::Postgres, &Schema::default(), &before).up)
            .execute(&mut *conn)
            .await
            .expect("the table");
        let texts = [
            "2024-05-01 12:00:00",
            "2024-05-01T12:00:00.5+02:00",
            "2024-05-01 12:00:00Z",
            "2024-05-01 23:30:00-0400",
            "2024-05-01 12:00:00 Europe/Paris",
            "2024-05-01 09:00 PM",
            "2024-05-01",
        ];
        for text in texts {
            sqlx::query("INSERT INTO events (utc, at, day) VALUES ($1, $1, $1)")
                .bind(text)
                .execute(&mut *conn)
                .await
                .expect("a row");
        }
        run(format!(
            "SET TIME ZONE 'America/New_York'; {} SET TIME ZONE 'UTC';",
            render(Dialect::Postgres, &before, &after).up
        ))
        .execute(&mut *conn)
        .await
        .expect("the migration");
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT utc::TEXT, at::TEXT, day::TEXT FROM events ORDER BY id")
                .persistent(false)
                .fetch_all(&mut *conn)
                .await
                .expect("the rows");
        let expected = [
            (
                "2024-05-01 12:00:00+00",
                "2024-05-01 12:00:00",
                "2024-05-01",
            ),
            (
                "2024-05-01 10:00:00.5+00",
                "2024-05-01 10:00:00.5",
                "2024-05-01",
            ),
            (
                "2024-05-01 12:00:00+00",
                "2024-05-01 12:00:00",
                "2024-05-01",
            ),
            (
                "2024-05-02 03:30:00+00",
                "2024-05-02 03:30:00",
                "2024-05-02",
            ),
            (
                "2024-05-01 10:00:00+00",
                "2024-05-01 10:00:00",
                "2024-05-01",
            ),
            (
                "2024-05-01 21:00:00+00",
                "2024-05-01 21:00:00",
                "2024-05-01",
            ),
            (
                "2024-05-01 00:00:00+00",
                "2024-05-01 00:00:00",
                "2024-05-01",
            ),
        ];
        let rows: Vec<_> = rows
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(rows, expected);
        // Back to text, an instant is spelled in UTC (the session's zone
        // spelled it before).
        run(format!(
            "SET TIME ZONE 'America/New_York'; {} SET TIME ZONE 'UTC';",
            render(Dialect::Postgres, &after, &before).up
        ))
        .execute(&mut *conn)
        .await
        .expect("the migration back");
        let texts: Vec<String> = sqlx::query_scalar("SELECT utc FROM events ORDER BY id")
            .persistent(false)
            .fetch_all(&mut *conn)
            .await
            .expect("the texts");
        let utc: Vec<_> = expected
            .iter()
            .map(|e| e.0.trim_end_matches("+00"))
            .collect();
        assert_eq!(texts, utc);
    })
    .await;
}

/// Text that becomes bytes, and bytes that become text, on PostgreSQL:
/// the UTF-8 bytes of the text, and the text those bytes spell, as MySQL
/// converts them. A cast read `\x41` in a text as the byte it escapes
/// (and refused `a\b`), and wrote bytes as the text of their hex digits
/// (`\x68c3a9`).
#[tokio::test(flavor = "current_thread")]
async fn postgres_text_and_bytes_convert_as_utf8() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_bytes", async |conn| {
        let notes = |body: Ty, raw: Ty| {
            schema(vec![
                table("notes").col("body", body, true).col("raw", raw, true),
            ])
        };
        let (before, after) = (
            notes(Ty::Text, Ty::Binary),
            notes(Ty::Binary, Ty::Varchar(20)),
        );
        let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        run(render(Dialect::Postgres, &Schema::default(), &before).up)
            .execute(&mut *conn)
            .await
            .expect("the table");
        let text = "a\\b \\x41 héllo";
        sqlx::query("INSERT INTO notes (body, raw) VALUES ($1, $2)")
            .bind(text)
            .bind("héllo".as_bytes())
            .execute(&mut *conn)
            .await
            .expect("a row");
        run(render(Dialect::Postgres, &before, &after).up)
            .execute(&mut *conn)
            .await
            .expect("the migration");
        let (body, raw): (Vec<u8>, String) = sqlx::query_as("SELECT body, raw FROM notes")
            .persistent(false)
            .fetch_one(&mut *conn)
            .await
            .expect("the row");
        assert_eq!((body.as_slice(), raw.as_str()), (text.as_bytes(), "héllo"));
        run(render(Dialect::Postgres, &after, &before).up)
            .execute(&mut *conn)
            .await
            .expect("the migration back");
        let (body, raw): (String, Vec<u8>) = sqlx::query_as("SELECT body, raw FROM notes")
            .persistent(false)
            .fetch_one(&mut *conn)
            .await
            .expect("the row");
        assert_eq!((body.as_str(), raw.as_slice()), (text, "héllo".as_bytes()));
    })
    .await;
}

/// A default of the time now fills a date-time column with the time in
/// UTC, as dbgen reads it, whatever the zone of the session that inserts
/// the row (a client other than dbgen, or the migration backfilling a
/// filled table): PostgreSQL's naive columns and MariaDB's gave the
/// session's local time. So does each of its other spellings (`now()`,
/// `CURRENT_TIMESTAMP()`, `LOCALTIMESTAMP`, ...), which not every engine
/// has (SQLite has no `now()`). Defaults written as a call or an
/// expression are taken by every engine and give what they say (SQLite
/// takes a call only in parentheses, MySQL 8 an expression). `zone` is
/// the statement setting the session to New York's summer offset; each
/// time default must be within a minute of the time now in UTC, as the
/// server counts.
async fn expression_defaults<C>(dialect: Dialect, conn: &mut C, zone: &str)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    C: sqlx::Connection,
    for<'r> i64: sqlx::Decode<'r, C::Database> + sqlx::Type<C::Database>,
    for<'r> String: sqlx::Decode<'r, C::Database> + sqlx::Type<C::Database>,
    usize: sqlx::ColumnIndex<<C::Database as sqlx::Database>::Row>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let with = |name: &str, ty: Ty, default: &str| {
        let mut column = dbgen::schema::Column::new(name, ty, true);
        column.set_default(Some(default.to_string().into()));
        column
    };
    let times = [
        ("stamp", Ty::Timestamp, "CURRENT_TIMESTAMP"),
        ("instant", Ty::TimestampTz, "CURRENT_TIMESTAMP"),
        ("at", Ty::Timestamp, "now()"),
        ("utc", Ty::TimestampTz, "NOW()"),
        ("local", Ty::Timestamp, "LOCALTIMESTAMP"),
        ("called", Ty::TimestampTz, "current_timestamp()"),
        ("precise", Ty::Timestamp, "CURRENT_TIMESTAMP(3)"),
    ];
    let mut t = table("defaults")
        .col("note", Ty::Varchar(10), true)
        .column(with("code", Ty::Varchar(10), "lower('X')"))
        .column(with("n", Ty::Integer, "(1 + 2)"));
    for (name, ty, default) in times {
        t = t.column(with(name, ty, default));
    }
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    run(format!(
        "{zone}; {} INSERT INTO {} ({}) VALUES ('x')",
        render(dialect, &Schema::default(), &schema(vec![t])).up,
        dialect.quote("defaults"),
        dialect.quote("note")
    ))
    .execute(&mut *conn)
    .await
    .expect("a row the defaults fill");
    let (code, n): (String, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {}, CAST({} AS {}) FROM {}",
        dialect.quote("code"),
        dialect.quote("n"),
        if dialect == Dialect::MySql {
            "SIGNED"
        } else {
            "BIGINT"
        },
        dialect.quote("defaults")
    )))
    .fetch_one(&mut *conn)
    .await
    .expect("the row");
    assert_eq!((code.as_str(), n), ("x", 3), "{dialect}");
    for (name, _, default) in times {
        let column = dialect.quote(name);
        let seconds = match dialect {
            Dialect::Postgres if matches!(name, "instant" | "utc" | "called") => {
                format!("CAST(EXTRACT(EPOCH FROM ({column} - now())) AS BIGINT)")
            }
            Dialect::Postgres => {
                format!(
                    "CAST(EXTRACT(EPOCH FROM ({column} - (now() AT TIME ZONE 'UTC'))) AS BIGINT)"
                )
            }
            Dialect::Sqlite => {
                format!("CAST((julianday({column}) - julianday('now')) * 86400 AS INTEGER)")
            }
            _ => format!("TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), {column})"),
        };
        let (off,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {seconds} FROM {}",
            dialect.quote("defaults")
        )))
        .fetch_one(&mut *conn)
        .await
        .expect("the row");
        assert!(
            off.abs() < 60,
            "{dialect}: default {default} is {off} s from now in UTC"
        );
    }
}

/// SQLite's `ADD COLUMN` refuses a default that is not a constant on a
/// table holding rows ("Cannot add a column with non-constant default"):
/// a column whose default is the time now in another spelling, or an
/// expression, is added by a rebuild, which gives the rows the default.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_adds_columns_with_expression_defaults_to_a_filled_table() {
    let with = |name: &str, ty: Ty, default: &str| {
        let mut column = dbgen::schema::Column::new(name, ty, true);
        column.set_default(Some(default.to_string().into()));
        column
    };
    let before = schema(vec![table("notes").col("note", Ty::Varchar(10), true)]);
    let after = schema(vec![
        table("notes")
            .col("note", Ty::Varchar(10), true)
            .column(with("seen", Ty::Timestamp, "now()"))
            .column(with("code", Ty::Varchar(10), "lower('X')")),
    ]);
    let mut conn = sqlite_with(&before, "INSERT INTO notes (note) VALUES ('kept');").await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(
        render(Dialect::Sqlite, &before, &after).up,
    ))
    .execute(&mut conn)
    .await
    .expect("the migration");
    let (note, code, age): (String, String, i64) = sqlx::query_as(
        "SELECT note, code, CAST((julianday('now') - julianday(seen)) * 86400 AS INTEGER) FROM notes",
    )
    .fetch_one(&mut conn)
    .await
    .expect("the row");
    assert_eq!((note.as_str(), code.as_str()), ("kept", "x"));
    assert!(age.abs() < 60, "{age}");
}

#[tokio::test(flavor = "current_thread")]
async fn expression_defaults_on_postgres() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_expr_defaults", async |conn| {
        expression_defaults(
            Dialect::Postgres,
            &mut *conn,
            "SET TIME ZONE 'America/New_York'",
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn expression_defaults_on_mariadb() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_expr_defaults", async |conn| {
        expression_defaults(Dialect::MySql, &mut *conn, "SET time_zone = '-04:00'").await;
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn expression_defaults_on_sqlite() {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    expression_defaults(Dialect::Sqlite, &mut conn, "PRAGMA foreign_keys = 1").await;
}

#[tokio::test(flavor = "current_thread")]
async fn narrowing_keeps_values_on_postgres() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_narrow", async |conn| {
        narrowing_keeps_values(Dialect::Postgres, &mut *conn).await;
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn narrowing_keeps_values_on_mariadb() {
    on_server::<sqlx::MySqlConnection>(Engine::MariaDb, "dbgen_narrow", async |conn| {
        narrowing_keeps_values(Dialect::MySql, &mut *conn).await;
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn comments_round_trip_on_postgres() {
    on_server::<sqlx::PgConnection>(Engine::Postgres, "dbgen_comments", async |conn| {
        comments_round_trip(
            Dialect::Postgres,
            &mut *conn,
            "SELECT obj_description('\"{table}\"'::regclass, 'pg_class') \
             UNION ALL SELECT col_description('\"{table}\"'::regclass, 2)",
        )
        .await;
    })
    .await;
}

/// Random schemas of two tables whose table and index names are drawn
/// from a few that clash by case or exactly: dbgen refuses the schema
/// exactly when the engine refuses to create it (here by statements
/// written by hand, so dbgen's own check is not what decides).
async fn shared_names_agree<C>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let mut rng = Rng(seed());
    let tables = ["t", "T", "u", "pk_u", "x"];
    let indexes = ["x", "X", "i", "I", "u", "pk_t"];
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..120 {
        let mut names: Vec<&str> = Vec::new();
        while names.len() < 2 {
            let name = tables[rng.below(tables.len())];
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let mut built = Vec::new();
        let mut sql = Vec::new();
        for name in &names {
            let mut t = table(name).col("c", Ty::Integer, false);
            let mut taken: Vec<&str> = Vec::new();
            for _ in 0..rng.below(3) {
                let index = indexes[rng.below(indexes.len())];
                if !taken.contains(&index) {
                    taken.push(index);
                    t = t.named_index(index, &["c"]);
                }
            }
            let q = |n: &str| dialect.quote(n);
            let key = dbgen::schema::names::primary_key_name(name);
            sql.push(format!(
                "CREATE TABLE {} ({} BIGINT NOT NULL, {} INTEGER NOT NULL, CONSTRAINT {} PRIMARY KEY ({}))",
                q(name),
                q("id"),
                q("c"),
                q(&key),
                q("id")
            ));
            for index in &taken {
                sql.push(format!(
                    "CREATE INDEX {} ON {} ({})",
                    q(index),
                    q(name),
                    q("c")
                ));
            }
            built.push(t);
        }
        let verdict = generate(
            &Schema::default(),
            &schema(built),
            dialect,
            &Policy::default(),
        );
        let mut engine = Ok(());
        for statement in &sql {
            engine = sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut *conn)
                .await
                .map(|_| ());
            if engine.is_err() {
                break;
            }
        }
        match (&verdict, &engine) {
            (Ok(_), Ok(())) => accepted += 1,
            (Err(dbgen::Error::Unsupported(_)), Err(_)) => refused += 1,
            _ => panic!(
                "round {round}, {dialect}: dbgen {:?}, engine {engine:?}\n{sql:#?}",
                verdict.map(|g| g.up)
            ),
        }
        for name in &names {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP TABLE IF EXISTS {}",
                dialect.quote(name)
            )))
            .execute(&mut *conn)
            .await
            .expect("drop");
        }
    }
    // MySQL keeps only foreign key names per database: fewer clashes.
    assert!(
        accepted > 5 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}

on_each_engine!("dbgen_names", shared_names_agree =>
    sqlite_and_dbgen_agree_on_shared_names,
    postgres_and_dbgen_agree_on_shared_names,
    mariadb_and_dbgen_agree_on_shared_names);

/// SQLite compares table names ignoring case. A rename that changes only
/// the case goes through another name (a plain rename is refused: "there
/// is already another table or index with this name"), and a table
/// replaced by one named in another case without a hint is dropped before
/// the new one is created (the create came first and was refused). Both
/// ways, on a table holding a row.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_changes_the_case_of_a_table_name() {
    let lower = || {
        table("users")
            .col("email", Ty::Varchar(255), false)
            .index(&["email"], false)
    };
    let upper = || {
        table("Users")
            .col("email", Ty::Varchar(255), false)
            .index(&["email"], false)
    };
    for (what, before, after) in [
        (
            "rename",
            schema(vec![lower()]),
            schema(vec![upper().renamed_from("users")]),
        ),
        ("replace", schema(vec![lower()]), schema(vec![upper()])),
        (
            "rename back",
            schema(vec![upper()]),
            schema(vec![lower().renamed_from("Users")]),
        ),
    ] {
        let mut conn = sqlite_with(&before, "").await;
        let old = &before.tables[0].name;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "INSERT INTO \"{old}\" (\"email\") VALUES ('a@x')"
        )))
        .execute(&mut conn)
        .await
        .expect("a row");
        let migration = render(Dialect::Sqlite, &before, &after);
        for sql in [&migration.up, &migration.down, &migration.up] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}\n{sql}"));
        }
        let names: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .expect("tables");
        let new = &after.tables[0].name;
        assert!(names.contains(&new.to_string()), "{what}: {names:?}");
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{new}\""
        )))
        .fetch_one(&mut conn)
        .await
        .expect("count");
        // A rename keeps the row; a replacement starts empty.
        assert_eq!(rows, i64::from(what != "replace"), "{what}");
    }
}

/// A nullable column with a default becoming NOT NULL on a table holding
/// NULLs: the rows holding NULL take the default (Django's and Rails'
/// backfill), the others keep their values, lint has nothing to report on
/// the statement, and the down migration allows NULL again. Without a
/// default the change fails, and lint says it would.
async fn backfill_on<C, DB>(dialect: Dialect, conn: &mut C)
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    use sqlx::Row;
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let q = |name: &str| dialect.quote(name);
    let nullable = || {
        table("orders")
            .col("status", Ty::Varchar(20), true)
            .col("code", Ty::Integer, true)
    };
    let before = schema(vec![nullable()]);
    let after = schema(vec![
        nullable()
            .edit("status", |c| {
                c.nullable = false;
                c.set_default(Some("'active'".into()));
            })
            .edit("code", |c| {
                c.nullable = false;
                c.set_default(Some("7".into()));
            }),
    ]);
    let create = render(dialect, &Schema::default(), &before);
    run(create.up).execute(&mut *conn).await.expect("the table");
    run(format!(
        "INSERT INTO {t} ({s}, {c}) VALUES (NULL, NULL); INSERT INTO {t} ({s}, {c}) VALUES ('paid', 3)",
        t = q("orders"),
        s = q("status"),
        c = q("code"),
    ))
    .execute(&mut *conn)
    .await
    .expect("rows");
    let migration = render(dialect, &before, &after);
    let findings = dbgen::lint::lint_sql(dialect, "up.sql", &migration.up).expect("lints");
    assert!(
        !findings.iter().any(|f| f.code == "DD101"),
        "{dialect}: {findings:?}\n{}",
        migration.up
    );
    assert!(
        migration.down.contains("cannot tell those rows apart"),
        "{dialect}:\n{}",
        migration.down
    );
    run(migration.up.clone())
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{dialect}: up on rows holding NULL: {e}\n{}", migration.up));
    let select = format!(
        "SELECT {s}, CAST({c} AS CHAR(10)) FROM {t} ORDER BY {c}",
        t = q("orders"),
        s = q("status"),
        c = q("code"),
    );
    let select = if dialect == Dialect::Postgres {
        select.replace("CHAR(10)", "VARCHAR(10)")
    } else {
        select
    };
    let rows: Vec<(String, String)> = run(select)
        .fetch_all(&mut *conn)
        .await
        .expect("rows")
        .iter()
        .map(|row| {
            let text = |i: usize| row.try_get::<String, usize>(i).expect("text");
            (text(0), text(1))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("paid".to_string(), "3".to_string()),
            ("active".to_string(), "7".to_string())
        ],
        "{dialect}"
    );
    run(migration.down.clone())
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{dialect}: down: {e}\n{}", migration.down));
    run(format!(
        "INSERT INTO {} ({}) VALUES (NULL)",
        q("orders"),
        q("status")
    ))
    .execute(&mut *conn)
    .await
    .unwrap_or_else(|e| panic!("{dialect}: NULL after the down migration: {e}"));

    // Without a default, the rows holding NULL stop the change.
    let strict = schema(vec![nullable().edit("status", |c| c.nullable = false)]);
    let migration = render(dialect, &before, &strict);
    assert!(
        run(migration.up.clone()).execute(&mut *conn).await.is_err(),
        "{dialect}: NOT NULL without a default on a NULL row\n{}",
        migration.up
    );
    let findings = dbgen::lint::lint_sql(dialect, "up.sql", &migration.up).expect("lints");
    assert!(
        findings
            .iter()
            .any(|f| f.class == dbgen::lint::Class::DataDependent),
        "{dialect}: {findings:?}"
    );
}

on_each_engine!("dbgen_backfill", backfill_on =>
    sqlite_backfills_a_column_made_not_null,
    postgres_backfills_a_column_made_not_null,
    mariadb_backfills_a_column_made_not_null);
