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
    let mut fresh = fresh_sqlite(&schema, "").await;
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

/// The database's fingerprint, sqlx's ledger left out.
async fn schema_now<DB>(pool: &sqlx::Pool<DB>) -> Vec<String>
where
    DB: dbgen::Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let mut conn = pool.acquire().await.expect("a connection");
    fingerprint(DB::DIALECT, &mut *conn)
        .await
        .into_iter()
        .filter(|line| !line.contains("_sqlx_migrations"))
        .collect()
}

/// The fingerprint of `schema` created from nothing on `pool`, which is
/// left empty again. The DDL is written to `file` first, for the reader
/// of a failure.
async fn created_from_nothing<DB>(
    engine: support::db::Engine,
    pool: &sqlx::Pool<DB>,
    schema: &dbgen::schema::Schema,
    file: &std::path::Path,
) -> Vec<String>
where
    DB: dbgen::Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let dialect = DB::DIALECT;
    let ddl = dbgen::dialect::create_schema(schema, dialect).expect("renders");
    std::fs::write(file, &ddl).expect("the DDL file");
    let mut conn = pool.acquire().await.expect("a connection");
    sqlx::raw_sql(sqlx::AssertSqlSafe(ddl))
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: {}: {e}", file.display()));
    let created = schema_now(pool).await;
    let down = dbgen::migrate::generate(
        schema,
        &dbgen::schema::Schema::default(),
        dialect,
        &dbgen::plan::Policy::default(),
    )
    .expect("drop all");
    sqlx::raw_sql(sqlx::AssertSqlSafe(down.up))
        .execute(&mut *conn)
        .await
        .expect("dropped");
    assert!(
        schema_now(pool).await.is_empty(),
        "{engine:?}: a clean database"
    );
    created
}

/// sqlx's migrator applies its directory, which must give `created`, and
/// reverts all of it, which must leave nothing.
async fn applies_and_reverts<DB>(
    engine: support::db::Engine,
    pool: &sqlx::Pool<DB>,
    migrator: &sqlx::migrate::Migrator,
    created: &[String],
    round: usize,
) where
    DB: dbgen::Driver,
    DB::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    migrator
        .run(pool)
        .await
        .unwrap_or_else(|e| panic!("{engine:?} round {round}: sqlx applies the directory: {e}"));
    let migrated = schema_now(pool).await;
    let only = |a: &[String], b: &[String]| {
        a.iter()
            .filter(|l| !b.contains(l))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        migrated == created,
        "{engine:?} round {round}: only migrated: {:#?}\nonly created: {:#?}",
        only(&migrated, created),
        only(created, &migrated)
    );
    migrator
        .undo(pool, 0)
        .await
        .unwrap_or_else(|e| panic!("{engine:?} round {round}: sqlx reverts the directory: {e}"));
    assert!(
        schema_now(pool).await.is_empty(),
        "{engine:?} round {round}: reverted"
    );
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
    let last = &steps.last().expect("steps").after;
    let created = created_from_nothing(engine, &pool, last, &dir.join("last.sql")).await;
    assert!(!created.is_empty(), "{engine:?}: the last step has tables");
    for round in 0..2 {
        applies_and_reverts(engine, &pool, &migrator, &created, round).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

on_every_engine!("dbgen_sqlx", migrator_runs_a_history => postgres_migrator_runs_a_history, mariadb_migrator_runs_a_history, sqlite_migrator_runs_a_history);

/// The migration directory through a random project history, as
/// `cargo dbgen diff` keeps it (all in one second, so versions must not
/// collide): after each step, diffing the same models again has nothing
/// to do (their rename hints included), `dbgen.sum` validates, and at the
/// end sqlx applies the whole directory to the last snapshot's schema,
/// and reverts it.
async fn directory_follows_a_history<DB>(engine: support::db::Engine, pool: sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
    DB::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    directory_history(engine, pool, dbgen::plan::Policy::default(), "all").await;
}

on_every_engine!("dbgen_dir", directory_follows_a_history => postgres_directory_follows_a_history, mariadb_directory_follows_a_history, sqlite_directory_follows_a_history);

/// The same with every kind of drop skipped (`diff.skip`), as a cautious
/// production environment runs it: the snapshot records what each skipped
/// drop keeps, through later renames of what it names, so the directory
/// still gives the database the snapshot describes.
async fn directory_follows_a_history_skipping_drops<DB>(
    engine: support::db::Engine,
    pool: sqlx::Pool<DB>,
) where
    DB: dbgen::Driver,
    DB::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let policy = dbgen::plan::Policy::skipping(dbgen::plan::Policy::SKIPPABLE.iter().copied())
        .expect("the drop kinds");
    directory_history(engine, pool, policy, "nodrops").await;
}

on_every_engine!("dbgen_dir_keep", directory_follows_a_history_skipping_drops => postgres_directory_follows_a_history_skipping_drops, mariadb_directory_follows_a_history_skipping_drops, sqlite_directory_follows_a_history_skipping_drops);

async fn directory_history<DB>(
    engine: support::db::Engine,
    pool: sqlx::Pool<DB>,
    policy: dbgen::plan::Policy,
    name: &str,
) where
    DB: dbgen::Driver,
    DB::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let dialect = DB::DIALECT;
    let length = if dialect == Dialect::Sqlite { 60 } else { 25 };
    let steps = support::random_history_from_env(length, dialect != Dialect::MySql);
    let path = std::env::temp_dir().join(format!(
        "dbgen-dir-{name}-{engine:?}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&path);
    let dir = dbgen::migrate::MigrationDir::new(&path);
    let now = 20_261_125_120_000;
    for (n, step) in steps.iter().enumerate() {
        let current = dir.snapshot().expect("the snapshot");
        let generated = dbgen::migrate::generate(&current, &step.after, dialect, &policy)
            .unwrap_or_else(|e| panic!("{engine:?} step {n}: {e}"));
        if !generated.is_empty() {
            let version = dir.next_version(now).expect("a version");
            dir.write_migration(version, "step", &generated.up, &generated.down)
                .expect("written");
            dir.write_snapshot(
                &dbgen::migrate::snapshot(&step.after, &generated),
                Some(dialect),
            )
            .expect("snapshot");
            assert_eq!(dir.dialect().expect("read back"), Some(dialect));
            dir.write_sum().expect("sum");
        }
        dir.check_sum()
            .unwrap_or_else(|e| panic!("{engine:?} step {n}: {e}"));
        let again = dbgen::migrate::generate(
            &dir.snapshot().expect("snapshot"),
            &step.after,
            dialect,
            &policy,
        )
        .unwrap_or_else(|e| panic!("{engine:?} step {n}: {e}"));
        assert!(
            again.kinds.is_empty() && again.skipped.iter().all(|c| policy.skip.contains(c.kind())),
            "{engine:?} step {n}: the same models diff again to:\n{}",
            again.up
        );
    }
    let migrations = dir.migrations().expect("the directory");
    let versions: Vec<i64> = migrations.iter().map(|m| m.version).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(
        versions.len() > steps.len() / 2,
        "{engine:?}: most steps change something"
    );
    let last = dir.snapshot().expect("the snapshot");
    let created = created_from_nothing(engine, &pool, &last, &path.join("snapshot.sql")).await;
    let migrator = sqlx::migrate::Migrator::new(path.as_path())
        .await
        .expect("sqlx reads the directory");
    applies_and_reverts(engine, &pool, &migrator, &created, 0).await;
    let _ = std::fs::remove_dir_all(&path);
}

/// An in-memory SQLite holding `schema` created from nothing, then `rows`
/// (SQL inserting them).
async fn fresh_sqlite(schema: &dbgen::schema::Schema, rows: &str) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    let create = dbgen::dialect::create_schema(schema, Dialect::Sqlite).expect("renders");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("{create}\n{rows}")))
        .execute(&mut conn)
        .await
        .expect("the schema, with its rows");
    conn
}

/// Runs `before`'s schema and `rows`, then the migration to `after` under
/// `skip`, on an in-memory SQLite.
async fn migrate_sqlite_skipping(
    before: &dbgen::schema::Schema,
    rows: &str,
    after: &dbgen::schema::Schema,
    skip: &[&str],
) -> sqlx::SqliteConnection {
    let policy = dbgen::plan::Policy::skipping(skip.iter().copied()).expect("known kinds");
    let mut conn = fresh_sqlite(before, rows).await;
    let up = dbgen::migrate::generate(before, after, Dialect::Sqlite, &policy)
        .expect("generates")
        .up;
    sqlx::raw_sql(sqlx::AssertSqlSafe(up.clone()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{up}"));
    conn
}

/// `diff.skip = ["drop_column"]`: a table rebuilt for another change of
/// the same migration keeps the column whose drop was skipped, and its
/// values (the rebuild once copied the table into the models' definition,
/// which has no such column).
#[tokio::test(flavor = "current_thread")]
async fn a_rebuild_keeps_a_column_whose_drop_is_skipped() {
    use dbgen::schema::ColumnType as Ty;
    use support::{schema, table};
    let before = schema(vec![table("users").col("legacy", Ty::Text, true).col(
        "age",
        Ty::Integer,
        true,
    )]);
    let after = schema(vec![table("users").col("age", Ty::Integer, false)]);
    let mut conn = migrate_sqlite_skipping(
        &before,
        "INSERT INTO users (legacy, age) VALUES ('keep me', 30);",
        &after,
        &["drop_column"],
    )
    .await;
    let legacy: String = sqlx::query_scalar("SELECT legacy FROM users")
        .fetch_one(&mut conn)
        .await
        .expect("the column and its value are still there");
    assert_eq!(legacy, "keep me");
    let nullable: i64 =
        sqlx::query_scalar("SELECT \"notnull\" FROM pragma_table_info('users') WHERE name = 'age'")
            .fetch_one(&mut conn)
            .await
            .expect("age");
    assert_eq!(nullable, 1, "the rebuild made `age` NOT NULL");
}

/// `diff.skip = ["drop_index"]`: soft delete makes a unique index
/// partial under the same name, which is a redefinition, not a removal,
/// so its drop is kept (the create failed on the name the old index held).
#[tokio::test(flavor = "current_thread")]
async fn a_redefined_index_is_not_a_skipped_drop() {
    use dbgen::schema::ColumnType as Ty;
    use support::{schema, table};
    let before = schema(vec![
        table("items")
            .col("code", Ty::Varchar(40), false)
            .index(&["code"], true),
    ]);
    let after = schema(vec![
        table("items")
            .col("code", Ty::Varchar(40), false)
            .soft_delete()
            .index(&["code"], true),
    ]);
    let mut conn = migrate_sqlite_skipping(
        &before,
        "INSERT INTO items (code) VALUES ('a');",
        &after,
        &["drop_index"],
    )
    .await;
    let index: String = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("the index");
    assert!(index.contains("WHERE \"deleted_at\" IS NULL"), "{index}");
}

/// `diff.skip = ["drop_index"]`: an index the models drop keeps its name
/// in the database, so when the models give that name to an index of
/// another table (SQLite keeps index names per database), the drop runs
/// after all and the new index is created.
#[tokio::test(flavor = "current_thread")]
async fn a_kept_index_gives_up_a_name_the_models_reuse() {
    use dbgen::schema::ColumnType as Ty;
    use support::{schema, table};
    let users = || table("users").col("email", Ty::Text, false);
    let posts = || table("posts").col("author_id", Ty::BigInt, false);
    let before = schema(vec![users().named_index("idx_shared", &["email"]), posts()]);
    let after = schema(vec![
        users(),
        posts().named_index("idx_shared", &["author_id"]),
    ]);
    let mut conn = migrate_sqlite_skipping(
        &before,
        "INSERT INTO users (email) VALUES ('a@x');",
        &after,
        &["drop_index"],
    )
    .await;
    let on: String =
        sqlx::query_scalar("SELECT tbl_name FROM sqlite_master WHERE name = 'idx_shared'")
            .fetch_one(&mut conn)
            .await
            .expect("the index");
    assert_eq!(on, "posts");
    // An index name kept that clashes with nothing stays kept.
    let after = schema(vec![
        users(),
        posts().named_index("idx_other", &["author_id"]),
    ]);
    let policy = dbgen::plan::Policy::skipping(["drop_index"]).expect("known kinds");
    let generated =
        dbgen::migrate::generate(&before, &after, Dialect::Sqlite, &policy).expect("generates");
    assert_eq!(generated.skipped.len(), 1, "{}", generated.up);
    assert!(!generated.up.contains("DROP INDEX"), "{}", generated.up);
}

/// `diff.skip = ["drop_table"]`: a table the models drop stays, and its
/// foreign key follows the rename of the table it references in the same
/// migration, as SQLite's rename carries it; the snapshot says so, and the
/// same models then have nothing more to do.
#[tokio::test(flavor = "current_thread")]
async fn a_kept_table_follows_the_rename_of_what_it_references() {
    use dbgen::schema::{ColumnType as Ty, FkAction};
    use support::{schema, table};
    let before = schema(vec![
        table("authors").col("name", Ty::Text, false),
        table("notes").col("author_id", Ty::BigInt, false).fk(
            "author_id",
            "authors",
            FkAction::Cascade,
        ),
    ]);
    let after = schema(vec![
        table("writers")
            .col("name", Ty::Text, false)
            .renamed_from("authors"),
    ]);
    let policy = dbgen::plan::Policy::skipping(["drop_table"]).expect("known kinds");
    let generated =
        dbgen::migrate::generate(&before, &after, Dialect::Sqlite, &policy).expect("generates");
    let snapshot = dbgen::migrate::snapshot(&after, &generated);
    let notes = snapshot.table("notes").expect("notes is kept");
    assert_eq!(&*notes.foreign_keys[0].ref_table, "writers");
    let again =
        dbgen::migrate::generate(&snapshot, &after, Dialect::Sqlite, &policy).expect("generates");
    assert!(again.is_empty(), "{}", again.up);
    let mut conn = migrate_sqlite_skipping(&before, "", &after, &["drop_table"]).await;
    let mut fresh = fresh_sqlite(&snapshot, "").await;
    assert_eq!(
        fingerprint(Dialect::Sqlite, &mut conn).await,
        fingerprint(Dialect::Sqlite, &mut fresh).await
    );
}
