//! A database per test on each engine: created with a unique name, dropped
//! after. PostgreSQL and MariaDB come from `DBGEN_TEST_POSTGRES_URL` and
//! `DBGEN_TEST_MYSQL_URL` (default: the usual local servers); a server that
//! does not answer makes the test say it is skipped and why, unless
//! `DBGEN_REQUIRE_DATABASES=1` (CI), where it fails. SQLite uses a file in
//! the temporary directory so a pool of connections shares it.

use sqlx::{Connection, Executor};

/// One of the three runtime engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    MariaDb,
    Sqlite,
}

pub fn server_url(variable: &str, default: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| default.to_string())
}

pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

pub async fn connect_or_skip<C: Connection>(engine: &str, variable: &str, url: &str) -> Option<C> {
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

/// A database created for one test.
pub struct TestDb {
    pub engine: Engine,
    /// URL of the test database.
    pub url: String,
    name: String,
    admin_url: String,
}

/// Runs `body` with a pool on a database created for it on `engine`, then
/// drops the database (nothing when the server is not answering, outside
/// CI).
#[allow(dead_code)] // the runtime benchmark includes this file
pub async fn run_on<DB, Fut>(engine: Engine, prefix: &str, body: impl FnOnce(sqlx::Pool<DB>) -> Fut)
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    Fut: std::future::Future<Output = ()>,
{
    let Some(db) = TestDb::create(engine, prefix).await else {
        return;
    };
    let pool = db.pool::<DB>().await;
    body(pool.clone()).await;
    pool.close().await;
    db.drop_db().await;
}

/// Three tests, `$postgres`, `$mariadb` and `$sqlite`, each running
/// `$body(engine, pool)` on a database of its engine created for it (see
/// [`run_on`]) with `$prefix` in its name.
#[macro_export]
macro_rules! on_every_engine {
    ($prefix:literal, $body:ident => $postgres:ident, $mariadb:ident, $sqlite:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            let engine = support::db::Engine::Postgres;
            support::db::run_on::<sqlx::Postgres, _>(engine, $prefix, |pool| $body(engine, pool))
                .await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $mariadb() {
            let engine = support::db::Engine::MariaDb;
            support::db::run_on::<sqlx::MySql, _>(engine, $prefix, |pool| $body(engine, pool))
                .await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            let engine = support::db::Engine::Sqlite;
            support::db::run_on::<sqlx::Sqlite, _>(engine, $prefix, |pool| $body(engine, pool))
                .await;
        }
    };
}

impl TestDb {
    /// A pool of 8 connections to the test database. A SQLite connection
    /// waits up to a minute for the database's lock (sqlx's default is 5
    /// seconds): on this 2-core VM, with the server tests running beside
    /// them and every commit synced to disk, the race tests' writers have
    /// waited longer than that ("database is locked"), which is the
    /// machine's load, not what they test.
    #[allow(dead_code)] // the runtime benchmark includes this file and sizes its own pools
    pub async fn pool<DB>(&self) -> sqlx::Pool<DB>
    where
        DB: sqlx::Database,
        for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    {
        let sqlite = self.engine == Engine::Sqlite;
        sqlx::pool::PoolOptions::<DB>::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        sqlx::raw_sql("PRAGMA busy_timeout = 60000")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Creates a uniquely named database; `None` when the server is not
    /// answering (outside CI).
    pub async fn create(engine: Engine, prefix: &str) -> Option<TestDb> {
        let name = unique_name(prefix);
        match engine {
            Engine::Postgres => {
                let url = server_url(
                    "DBGEN_TEST_POSTGRES_URL",
                    "postgres://postgres@127.0.0.1:5432/postgres",
                );
                let create = format!("CREATE DATABASE \"{name}\"");
                Self::on_server::<sqlx::PgConnection>(engine, name, url, create).await
            }
            Engine::MariaDb => {
                let url = server_url("DBGEN_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test");
                let create = format!("CREATE DATABASE `{name}`");
                Self::on_server::<sqlx::MySqlConnection>(engine, name, url, create).await
            }
            Engine::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Some(TestDb {
                    engine,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    name: path.display().to_string(),
                    admin_url: String::new(),
                })
            }
        }
    }

    /// Creates database `name` on the server at `admin_url` with `create`.
    async fn on_server<C>(
        engine: Engine,
        name: String,
        admin_url: String,
        create: String,
    ) -> Option<TestDb>
    where
        C: Connection,
        for<'c> &'c mut C: Executor<'c>,
    {
        let (label, variable) = match engine {
            Engine::Postgres => ("PostgreSQL", "DBGEN_TEST_POSTGRES_URL"),
            _ => ("MariaDB/MySQL", "DBGEN_TEST_MYSQL_URL"),
        };
        let mut admin = connect_or_skip::<C>(label, variable, &admin_url).await?;
        admin
            .execute(sqlx::AssertSqlSafe(create))
            .await
            .expect("the test database is created");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        Some(TestDb {
            engine,
            url: format!("{base}/{name}"),
            name,
            admin_url,
        })
    }

    /// Drops the database.
    pub async fn drop_db(self) {
        match self.engine {
            Engine::Postgres => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                            self.name
                        )))
                        .await;
                }
            }
            Engine::MariaDb => {
                if let Ok(mut admin) = sqlx::MySqlConnection::connect(&self.admin_url).await {
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS `{}`",
                            self.name
                        )))
                        .await;
                }
            }
            Engine::Sqlite => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
        }
    }
}
