//! Runtime helpers against hand-written sqlx doing the same SQL, in the same
//! run, on each engine that answers (PostgreSQL, MariaDB, SQLite).
//!
//! `cargo bench -p dbgen-tests --bench runtime [-- --record] [-- --quick] [-- --writes]`
//!
//! Each measurement runs many short rounds, each a block of hand-written
//! calls and a block of dbgen calls back to back (see `compare`), and
//! reports the median of the rounds' ratios, so machine noise hits both
//! alike. Prints a table with the ratios and the goals; `--record` writes
//! it to bench/README.md between the runtime-bench markers; `--writes`
//! leaves out the reads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/db.rs"]
mod db;

use std::future::Future;
use std::time::Instant;

use chrono::{DateTime, Utc};
use db::{Engine, TestDb};
use dbgen::audit::AuditLog;
use dbgen::dialect::Dialect;
use dbgen::migrate::generate;
use dbgen::plan::Policy;
use dbgen::schema::Schema;
use dbgen::{Driver, Model};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_items", soft_delete, timestamps)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 64, unique)]
    pub sku: String,
    #[column(size = 200)]
    pub name: String,
    pub price: f64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_audited", soft_delete, timestamps, audit)]
pub struct Audited {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 64, unique)]
    pub sku: String,
    #[column(size = 200)]
    pub name: String,
    pub price: f64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_big", soft_delete)]
pub struct Big {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 64, unique)]
    pub sku: String,
    #[column(size = 200)]
    pub name: String,
    pub price: f64,
    pub deleted_at: Option<DateTime<Utc>>,
}

fn item(sku: String) -> Item {
    Item {
        id: 0,
        name: format!("name of {sku}"),
        sku,
        price: 9.5,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

fn audited(sku: String) -> Audited {
    Audited {
        id: 0,
        name: format!("name of {sku}"),
        sku,
        price: 9.5,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

/// Microseconds, truncated like the helpers do.
fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

struct Settings {
    rounds: usize,
    singles: usize,
    /// Rows each side inserts per round of a batch comparison.
    batch_rows: usize,
    big_rows: i64,
    lookups: usize,
}

/// One line of the result table.
struct Line {
    engine: &'static str,
    what: String,
    base_label: &'static str,
    base_us: f64,
    dbgen_us: f64,
    /// The median of the rounds' ratios.
    ratio: f64,
    goal: Goal,
}

#[derive(Clone, Copy)]
enum Goal {
    /// dbgen / baseline at most this.
    AtMost(f64),
    /// baseline / dbgen at least this (dbgen faster).
    FasterBy(f64),
}

impl Line {
    fn ratio(&self) -> f64 {
        self.ratio
    }

    fn verdict(&self) -> String {
        match self.goal {
            Goal::AtMost(max) => {
                let ok = self.ratio() <= max;
                format!("≤ {max:.2}× {}", if ok { "OK" } else { "MISSED" })
            }
            Goal::FasterBy(min) => {
                let speedup = 1.0 / self.ratio;
                let ok = speedup >= min;
                format!(
                    "≥ {min:.1}× faster: {speedup:.2}× {}",
                    if ok { "OK" } else { "MISSED" }
                )
            }
        }
    }
}

/// `size` rows made by `make`, with skus `b{size}-{i}-{k}{side}`.
///
/// The side's letter comes last so that both sides' keys interleave in the
/// unique index on `sku`. With the letter first, one side's keys all sorted
/// after the other's, and only that side's inserts could land on the
/// index's last page, which SQLite appends to more cheaply than it splits a
/// page in the middle.
fn rows_of<T>(make: fn(String) -> T, side: char, size: usize, i: usize) -> Vec<T> {
    (0..size)
        .map(|k| make(format!("b{size}-{i}-{k}{side}")))
        .collect()
}

/// The median µs per operation of each side, and the median of the
/// rounds' ratios (ours / base).
struct Timing {
    base_us: f64,
    ours_us: f64,
    ratio: f64,
}

/// Alternates `rounds` blocks of `base` and `ours` (each `n` operations,
/// each side's own operation count passed in), the side going first
/// alternating by round. A round's two blocks run back to back, so its
/// ratio sees the same machine state on both sides; the median of those
/// ratios is what the table reports, which slow drift of the machine
/// (seen here at ±10 % over minutes) does not move the way it moves a
/// ratio of two medians taken at different times.
async fn compare<B, BF, O, OF>(rounds: usize, n: usize, mut base: B, mut ours: O) -> Timing
where
    B: FnMut(usize) -> BF,
    BF: Future<Output = ()>,
    O: FnMut(usize) -> OF,
    OF: Future<Output = ()>,
{
    let mut base_times = Vec::new();
    let mut our_times = Vec::new();
    let (mut base_next, mut our_next) = (0, 0);
    for round in 0..rounds {
        for base_first in [round % 2 == 0, round % 2 != 0] {
            let start = Instant::now();
            for _ in 0..n {
                if base_first {
                    base(base_next).await;
                    base_next += 1;
                } else {
                    ours(our_next).await;
                    our_next += 1;
                }
            }
            let per_op = start.elapsed().as_secs_f64() * 1e6 / n as f64;
            if base_first {
                base_times.push(per_op);
            } else {
                our_times.push(per_op);
            }
        }
    }
    let ratios = base_times
        .iter()
        .zip(&our_times)
        .map(|(b, o)| o / b)
        .collect();
    Timing {
        base_us: median(base_times),
        ours_us: median(our_times),
        ratio: median(ratios),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn placeholder(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Postgres => format!("${n}"),
        _ => "?".into(),
    }
}

/// The statements the helpers send for `bench_items`, written out by hand
/// for a table of the same definition.
struct HandSql {
    insert: String,
    insert_many: Vec<(usize, String)>,
    update: String,
    soft_delete: String,
    lookup: String,
}

fn hand_sql(dialect: Dialect, table: &str, batches: &[usize]) -> HandSql {
    let q = |s: &str| dialect.quote(s);
    let p = |n| placeholder(dialect, n);
    let columns = ["sku", "name", "price", "created_at", "updated_at"];
    let all = [
        "id",
        "sku",
        "name",
        "price",
        "created_at",
        "updated_at",
        "deleted_at",
    ];
    let list = |cols: &[&str]| cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    let returning = if dialect == Dialect::MySql {
        String::new()
    } else {
        format!(" RETURNING {}", list(&all))
    };
    let values = |rows: usize| {
        (0..rows)
            .map(|r| {
                format!(
                    "({})",
                    (1..=5).map(|c| p(r * 5 + c)).collect::<Vec<_>>().join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let insert_into = format!("INSERT INTO {} ({}) VALUES ", q(table), list(&columns));
    HandSql {
        insert: format!("{insert_into}{}{returning}", values(1)),
        // MySQL/MariaDB: the keys of a batch are LAST_INSERT_ID() and the
        // session's increment apart, read in the INSERT's round trip, as
        // dbgen reads them (a compound statement).
        insert_many: batches
            .iter()
            .map(|&b| {
                let insert = format!("{insert_into}{}{returning}", values(b));
                let text = if dialect == Dialect::MySql && b > 1 {
                    format!(
                        "BEGIN NOT ATOMIC {insert}; SELECT CAST(LAST_INSERT_ID() AS SIGNED), CAST(@@SESSION.auto_increment_increment AS SIGNED); END"
                    )
                } else {
                    insert
                };
                (b, text)
            })
            .collect(),
        update: format!(
            "UPDATE {} SET {} = {}, {} = {}, {} = {}, {} = {} WHERE {} = {} AND {} IS NULL",
            q(table),
            q("sku"),
            p(1),
            q("name"),
            p(2),
            q("price"),
            p(3),
            q("updated_at"),
            p(4),
            q("id"),
            p(5),
            q("deleted_at")
        ),
        soft_delete: format!(
            "UPDATE {} SET {} = {}, {} = {} WHERE {} = {} AND {} IS NULL",
            q(table),
            q("deleted_at"),
            p(1),
            q("updated_at"),
            p(2),
            q("id"),
            p(3),
            q("deleted_at")
        ),
        lookup: format!(
            "SELECT {} FROM {} WHERE 1 = 1 AND {} IS NULL AND (sku = {}) LIMIT {}",
            list(&["id", "sku", "name", "price", "deleted_at"]),
            q("bench_big"),
            q("deleted_at"),
            p(1),
            p(2)
        ),
    }
}

type ItemRow = (
    i64,
    String,
    String,
    f64,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);
type BigRow = (i64, String, String, f64, Option<DateTime<Utc>>);

/// Hand-written sqlx for one concrete engine (the same SQL dbgen sends).
macro_rules! hand {
    ($module:ident, $db:ty, $returning:expr) => {
        mod $module {
            use super::*;
            type Pool = sqlx::Pool<$db>;

            pub async fn insert(pool: &Pool, sql: &str, rows: Vec<Item>) -> Vec<Item> {
                let at = now();
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
                for row in &rows {
                    query = query
                        .bind(row.sku.clone())
                        .bind(row.name.clone())
                        .bind(row.price)
                        .bind(at)
                        .bind(at);
                }
                if $returning {
                    let out = query.fetch_all(pool).await.unwrap();
                    out.iter()
                        .map(|r| {
                            use sqlx::Row;
                            let t: ItemRow = (
                                r.get(0),
                                r.get(1),
                                r.get(2),
                                r.get(3),
                                r.get(4),
                                r.get(5),
                                r.get(6),
                            );
                            Item {
                                id: t.0,
                                sku: t.1,
                                name: t.2,
                                price: t.3,
                                created_at: t.4,
                                updated_at: t.5,
                                deleted_at: t.6,
                            }
                        })
                        .collect()
                } else {
                    let (first, step) = if sql.starts_with("BEGIN NOT ATOMIC") {
                        use sqlx::Row;
                        let keys = query.fetch_one(pool).await.unwrap();
                        (keys.get::<i64, _>(0), keys.get::<i64, _>(1))
                    } else {
                        (last_id(&query.execute(pool).await.unwrap()), 1)
                    };
                    rows.into_iter()
                        .enumerate()
                        .map(|(n, mut row)| {
                            row.id = first + n as i64 * step;
                            row.created_at = Some(at);
                            row.updated_at = Some(at);
                            row
                        })
                        .collect()
                }
            }

            pub async fn update(pool: &Pool, sql: &str, row: &mut Item) {
                let at = now();
                let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .bind(row.sku.clone())
                    .bind(row.name.clone())
                    .bind(row.price)
                    .bind(at)
                    .bind(row.id)
                    .execute(pool)
                    .await
                    .unwrap();
                assert_eq!(done.rows_affected(), 1);
                row.updated_at = Some(at);
            }

            pub async fn soft_delete(pool: &Pool, sql: &str, id: i64) {
                let at = now();
                let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                    .bind(at)
                    .bind(at)
                    .bind(id)
                    .execute(pool)
                    .await
                    .unwrap();
                assert_eq!(done.rows_affected(), 1);
            }

            pub async fn lookup(pool: &Pool, sql: &str, sku: String) -> Option<Big> {
                let row: Option<BigRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
                    .bind(sku)
                    .bind(1i64)
                    .fetch_optional(pool)
                    .await
                    .unwrap();
                row.map(|t| Big {
                    id: t.0,
                    sku: t.1,
                    name: t.2,
                    price: t.3,
                    deleted_at: t.4,
                })
            }
        }
    };
}

#[allow(dead_code)]
fn last_id<T>(_: &T) -> i64 {
    unreachable!("only MySQL reads LAST_INSERT_ID()")
}

hand!(hand_pg, sqlx::Postgres, true);
hand!(hand_sqlite, sqlx::Sqlite, true);
mod hand_mysql {
    use super::*;
    fn last_id(done: &sqlx::mysql::MySqlQueryResult) -> i64 {
        i64::try_from(done.last_insert_id()).unwrap()
    }
    hand!(inner, sqlx::MySql, false);
    pub use inner::*;
}

/// What differs per engine: the pool type and its hand-written functions.
macro_rules! engine_bench {
    ($fn_name:ident, $engine:expr, $label:expr, $db:ty, $hand:ident, $fill:expr, $analyze:expr) => {
        /// The writes, or the reads (which fill a table of a million rows).
        async fn $fn_name(settings: &Settings, lines: &mut Vec<Line>, reads: bool) {
            let Some(test_db) = TestDb::create($engine, "dbgen_bench").await else {
                return;
            };
            let pool = sqlx::pool::PoolOptions::<$db>::new()
                .max_connections(4)
                .connect(&test_db.url)
                .await
                .unwrap();
            let dialect = <$db as Driver>::DIALECT;
            let schema = Schema::new(vec![
                Item::table().clone(),
                Audited::table().clone(),
                Big::table().clone(),
                AuditLog::table().clone(),
            ]);
            let ddl = generate(&Schema::default(), &schema, dialect, &Policy::default()).unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(ddl.up))
                .execute(&pool)
                .await
                .unwrap();
            // The hand-written side writes to a table of its own, created
            // by the same DDL: each side's table and indexes then grow the
            // same way, and neither side's inserts land on pages the other
            // just split or that another connection just changed.
            let item_ddl = generate(
                &Schema::default(),
                &Schema::new(vec![Item::table().clone()]),
                dialect,
                &Policy::default(),
            )
            .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(
                item_ddl.up.replace("bench_items", "bench_items_hand"),
            ))
            .execute(&pool)
            .await
            .unwrap();
            let sql = hand_sql(dialect, "bench_items_hand", &[100, 1000]);
            let r = settings.rounds;
            let n = settings.singles;
            let engine = $label;
            let mut line = |what: &str, base_label, t: Timing, goal| {
                lines.push(Line {
                    engine,
                    what: what.to_string(),
                    base_label,
                    base_us: t.base_us,
                    dbgen_us: t.ours_us,
                    ratio: t.ratio,
                    goal,
                });
            };
            if !reads {
                eprintln!("{engine}: single writes");

                // Single insert, update, soft delete against hand-written sqlx.
                let hand_rows = std::cell::RefCell::new(Vec::new());
                let our_rows = std::cell::RefCell::new(Vec::new());
                let t = compare(
                    r,
                    n,
                    |i| {
                        let pool = &pool;
                        let sql = &sql.insert;
                        let rows = &hand_rows;
                        async move {
                            let row = $hand::insert(pool, sql, vec![item(format!("{i}h"))]).await;
                            rows.borrow_mut().extend(row);
                        }
                    },
                    |i| {
                        let pool = &pool;
                        let rows = &our_rows;
                        async move {
                            let row = item(format!("{i}d")).insert(pool).await.unwrap();
                            rows.borrow_mut().push(row);
                        }
                    },
                )
                .await;
                line("insert one row", "hand-written sqlx", t, Goal::AtMost(1.05));
                let hand_rows = hand_rows.into_inner();
                let our_rows = our_rows.into_inner();
                let t = compare(
                    r,
                    n,
                    |i| {
                        let pool = &pool;
                        let sql = &sql.update;
                        let mut row = hand_rows[i % hand_rows.len()].clone();
                        async move {
                            row.name = format!("u{i}");
                            $hand::update(pool, sql, &mut row).await;
                        }
                    },
                    |i| {
                        let pool = &pool;
                        let mut row = our_rows[i % our_rows.len()].clone();
                        async move {
                            row.name = format!("u{i}");
                            row.update(pool).await.unwrap();
                        }
                    },
                )
                .await;
                line("update one row", "hand-written sqlx", t, Goal::AtMost(1.05));
                let (hand_ids, our_ids): (Vec<i64>, Vec<i64>) = (
                    hand_rows.iter().map(|r| r.id).collect(),
                    our_rows.iter().map(|r| r.id).collect(),
                );
                let t = compare(
                    r,
                    n,
                    |i| {
                        let pool = &pool;
                        let sql = &sql.soft_delete;
                        let id = hand_ids[i % hand_ids.len()];
                        async move { $hand::soft_delete(pool, sql, id).await }
                    },
                    |i| {
                        let pool = &pool;
                        let id = our_ids[i % our_ids.len()];
                        async move { Item::delete_by_id(pool, id).await.unwrap() }
                    },
                )
                .await;
                line(
                    "soft delete one row",
                    "hand-written sqlx",
                    t,
                    Goal::AtMost(1.05),
                );

                eprintln!("{engine}: batches");
                for &(size, ref text) in &sql.insert_many {
                    // Several batches per round: one batch alone is too short a
                    // sample to compare.
                    let t = compare(
                        r,
                        (settings.batch_rows / size).max(2),
                        |i| {
                            let pool = &pool;
                            async move {
                                let rows = rows_of(item, 'h', size, i);
                                $hand::insert(pool, text, rows).await;
                            }
                        },
                        |i| {
                            let pool = &pool;
                            async move {
                                let rows = rows_of(item, 'd', size, i);
                                Item::insert_many(pool, rows, size).await.unwrap();
                            }
                        },
                    )
                    .await;
                    line(
                        &format!("insert batch of {size}"),
                        "hand-written sqlx",
                        t,
                        Goal::AtMost(1.05),
                    );
                }

                eprintln!("{engine}: audited writes");
                // Audited against unaudited, both through dbgen.
                let plain_rows = std::cell::RefCell::new(Vec::new());
                let audited_rows = std::cell::RefCell::new(Vec::new());
                let t = compare(
                    r,
                    n,
                    |i| {
                        let pool = &pool;
                        let rows = &plain_rows;
                        async move {
                            let row = item(format!("{i}p")).insert(pool).await.unwrap();
                            rows.borrow_mut().push(row);
                        }
                    },
                    |i| {
                        let pool = &pool;
                        let rows = &audited_rows;
                        async move {
                            let row = audited(format!("{i}a")).insert(pool).await.unwrap();
                            rows.borrow_mut().push(row);
                        }
                    },
                )
                .await;
                line("audited insert", "unaudited insert", t, Goal::AtMost(1.3));
                let plain_rows = plain_rows.into_inner();
                let audited_rows = audited_rows.into_inner();
                // The two tables are compared from here on: both get planner
                // statistics, as a table in service has. Without them,
                // PostgreSQL may look a row up by id through the live-rows
                // index on sku (a tie in its estimates) and scan all of it,
                // on one table and not the other, depending on whether
                // autovacuum has reached it yet.
                let tables = [
                    "bench_items",
                    "bench_items_hand",
                    "bench_audited",
                    "audit_logs",
                ]
                .map(|t| dialect.quote(t));
                let analyze = match dialect {
                    Dialect::Postgres => format!("ANALYZE {}", tables.join(", ")),
                    Dialect::MySql => format!("ANALYZE TABLE {}", tables.join(", ")),
                    _ => "ANALYZE".to_string(),
                };
                sqlx::raw_sql(sqlx::AssertSqlSafe(analyze))
                    .execute(&pool)
                    .await
                    .unwrap();
                let t = compare(
                    r,
                    n,
                    |i| {
                        let pool = &pool;
                        let mut row = plain_rows[i % plain_rows.len()].clone();
                        async move {
                            row.name = format!("v{i}");
                            row.update(pool).await.unwrap();
                        }
                    },
                    |i| {
                        let pool = &pool;
                        let mut row = audited_rows[i % audited_rows.len()].clone();
                        async move {
                            row.name = format!("v{i}");
                            row.update(pool).await.unwrap();
                        }
                    },
                )
                .await;
                line("audited update", "unaudited update", t, Goal::AtMost(1.3));
                let (plain_ids, audited_ids): (Vec<i64>, Vec<i64>) = (
                    plain_rows.iter().map(|r| r.id).collect(),
                    audited_rows.iter().map(|r| r.id).collect(),
                );
                let t = compare(
                    r,
                    n,
                    |i| {
                        let pool = &pool;
                        let id = plain_ids[i % plain_ids.len()];
                        async move { Item::delete_by_id(pool, id).await.unwrap() }
                    },
                    |i| {
                        let pool = &pool;
                        let id = audited_ids[i % audited_ids.len()];
                        async move { Audited::delete_by_id(pool, id).await.unwrap() }
                    },
                )
                .await;
                line(
                    "audited soft delete",
                    "unaudited soft delete",
                    t,
                    Goal::AtMost(1.3),
                );
                for size in [100usize, 1000] {
                    let t = compare(
                        r,
                        (settings.batch_rows / size).max(2),
                        |i| {
                            let pool = &pool;
                            async move {
                                let rows = rows_of(item, 'p', size, i);
                                Item::insert_many(pool, rows, size).await.unwrap();
                            }
                        },
                        |i| {
                            let pool = &pool;
                            async move {
                                let rows = rows_of(audited, 'a', size, i);
                                Audited::insert_many(pool, rows, size).await.unwrap();
                            }
                        },
                    )
                    .await;
                    line(
                        &format!("audited batch of {size}"),
                        "unaudited batch",
                        t,
                        Goal::AtMost(1.15),
                    );
                }
                if $engine == Engine::Postgres {
                    // One statement per 1000 rows against one statement per row.
                    let t = compare(
                        (r / 4).max(3),
                        1,
                        |i| {
                            let pool = &pool;
                            async move {
                                for k in 0..1000 {
                                    item(format!("row1-{i}-{k}")).insert(pool).await.unwrap();
                                }
                            }
                        },
                        |i| {
                            let pool = &pool;
                            async move {
                                let rows =
                                    (0..1000).map(|k| item(format!("rowb-{i}-{k}"))).collect();
                                Item::insert_many(pool, rows, 1000).await.unwrap();
                            }
                        },
                    )
                    .await;
                    line(
                        "insert 1000 rows in one batch",
                        "1000 single inserts",
                        t,
                        Goal::FasterBy(1.5),
                    );
                }
            }
            if reads {
                eprintln!("{engine}: filling {} rows", settings.big_rows);
                for statement in $fill(settings.big_rows) {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                        .execute(&pool)
                        .await
                        .unwrap();
                }
                for tenths in [1, 5, 9] {
                    let mark = format!(
                        "UPDATE {} SET {} = {} WHERE {} IS NULL AND {} % 10 < {tenths}",
                        dialect.quote("bench_big"),
                        dialect.quote("deleted_at"),
                        placeholder(dialect, 1),
                        dialect.quote("deleted_at"),
                        dialect.quote("id"),
                    );
                    sqlx::query(sqlx::AssertSqlSafe(mark))
                        .bind(now())
                        .execute(&pool)
                        .await
                        .unwrap();
                    for statement in $analyze {
                        sqlx::raw_sql(statement).execute(&pool).await.unwrap();
                    }
                    eprintln!("{engine}: reads with {}0 % deleted", tenths);
                    // Live skus: ids whose last digit is >= tenths.
                    let rows = settings.big_rows;
                    let sku = move |i: usize| {
                        let x = (i as i64).wrapping_mul(2_654_435_761) % (rows / 10);
                        format!("S{}", x * 10 + 9)
                    };
                    let t = compare(
                        r,
                        settings.lookups,
                        // The sides look up different keys (even and odd
                        // positions of one sequence), so neither reads pages
                        // the other has just brought into memory.
                        |i| {
                            let pool = &pool;
                            let sql = &sql.lookup;
                            let sku = sku(2 * i);
                            async move {
                                assert!($hand::lookup(pool, sql, sku).await.is_some());
                            }
                        },
                        |i| {
                            let pool = &pool;
                            let sku = sku(2 * i + 1);
                            async move {
                                let found = Big::query()
                                    .filter("sku = ", sku)
                                    .fetch_optional(pool)
                                    .await
                                    .unwrap();
                                assert!(found.is_some());
                            }
                        },
                    )
                    .await;
                    line(
                        &format!(
                            "live-row lookup by unique sku, {}0 % of {} rows deleted",
                            tenths, settings.big_rows
                        ),
                        "hand-written sqlx",
                        t,
                        Goal::AtMost(1.02),
                    );
                }
            }
            pool.close().await;
            test_db.drop_db().await;
        }
    };
}

fn pg_fill(rows: i64) -> Vec<String> {
    vec![format!(
        "INSERT INTO \"bench_big\" (\"sku\", \"name\", \"price\") SELECT 'S' || g, 'name ' || g, g FROM generate_series(1, {rows}) g"
    )]
}

fn mysql_fill(rows: i64) -> Vec<String> {
    vec![format!(
        "INSERT INTO `bench_big` (`sku`, `name`, `price`) SELECT CONCAT('S', seq), CONCAT('name ', seq), seq FROM seq_1_to_{rows}"
    )]
}

fn sqlite_fill(rows: i64) -> Vec<String> {
    vec![format!(
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {rows}) \
         INSERT INTO \"bench_big\" (\"sku\", \"name\", \"price\") SELECT 'S' || n, 'name ' || n, n FROM g"
    )]
}

engine_bench!(
    bench_postgres,
    Engine::Postgres,
    "PostgreSQL",
    sqlx::Postgres,
    hand_pg,
    pg_fill,
    ["ANALYZE \"bench_big\""]
);
engine_bench!(
    bench_mariadb,
    Engine::MariaDb,
    "MariaDB",
    sqlx::MySql,
    hand_mysql,
    mysql_fill,
    ["ANALYZE TABLE `bench_big`"]
);
engine_bench!(
    bench_sqlite,
    Engine::Sqlite,
    "SQLite",
    sqlx::Sqlite,
    hand_sqlite,
    sqlite_fill,
    ["ANALYZE"]
);

fn table(lines: &[Line]) -> String {
    let mut out = String::from(
        "| engine | operation | baseline | baseline (µs/op) | dbgen (µs/op) | ratio | goal |\n|---|---|---|---:|---:|---:|---|\n",
    );
    for l in lines {
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.3} | {} |\n",
            l.engine,
            l.what,
            l.base_label,
            l.base_us,
            l.dbgen_us,
            l.ratio(),
            l.verdict()
        ));
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // --writes leaves out the reads (and filling their million-row table).
    let writes_only = args.iter().any(|a| a == "--writes");
    let settings = if quick {
        Settings {
            rounds: 4,
            singles: 30,
            batch_rows: 2000,
            big_rows: 100_000,
            lookups: 100,
        }
    } else {
        // Many short rounds: each ratio compares blocks a fraction of a
        // second apart. An even count lets each side go first equally often.
        Settings {
            rounds: 44,
            singles: 50,
            batch_rows: 2500,
            big_rows: 1_000_000,
            lookups: 250,
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut lines = Vec::new();
    // DBGEN_BENCH_ENGINES=postgres,sqlite limits the run.
    let only = std::env::var("DBGEN_BENCH_ENGINES").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|e| e.trim() == name);
    // Every engine's writes first, then the reads: filling a million rows
    // leaves the servers writing in the background for minutes, which
    // would slow the commits of writes timed after it.
    runtime.block_on(async {
        for reads in [false, true] {
            if reads && writes_only {
                break;
            }
            if wanted("postgres") {
                bench_postgres(&settings, &mut lines, reads).await;
            }
            if wanted("mariadb") {
                bench_mariadb(&settings, &mut lines, reads).await;
            }
            if wanted("sqlite") {
                bench_sqlite(&settings, &mut lines, reads).await;
            }
        }
    });
    // One engine's lines together, in the order they ran.
    let order = ["PostgreSQL", "MariaDB", "SQLite"];
    lines.sort_by_key(|l| order.iter().position(|e| *e == l.engine));
    let rendered = table(&lines);
    println!("{rendered}");
    if args.iter().any(|a| a == "--record") {
        if writes_only || !only.is_empty() {
            eprintln!("not recorded: --record needs every engine's writes and reads");
            return;
        }
        record(&rendered, &settings);
    }
}

fn record(rendered: &str, settings: &Settings) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- runtime-bench:start -->", "<!-- runtime-bench:end -->");
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("bench/README.md has no runtime-bench markers");
    };
    let date = Utc::now().format("%Y-%m-%d");
    let body = format!(
        "{start}\nMeasured {date}, release profile, 2 cores, local servers; {} rounds, each running the two sides back to back (which goes first alternates): {} operations per single-row round, {} rows per batch round, {} lookups per read round. µs/op are each side's median; the ratio is the median of the rounds' ratios.\n\n{rendered}{end}",
        settings.rounds, settings.singles, settings.batch_rows, settings.lookups
    );
    let updated = format!("{}{}{}", &readme[..a], body, &readme[b + end.len()..]);
    std::fs::write(&path, updated).unwrap();
}
