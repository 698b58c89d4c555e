//! The runtime helpers of SPEC §3 on the real engines: one test body run on
//! PostgreSQL, MariaDB and SQLite, each in a database created for the test
//! (tables made by dbgen's own DDL) and dropped after.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod support;

use chrono::{DateTime, Duration, Utc};
use dbgen::audit::{AuditContext, AuditFilter, AuditLog, AuditLogger};
use dbgen::{Driver, Error, Model, Order};
use rust_decimal::Decimal;
use support::concurrency;
use support::db::{Engine, TestDb};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "rt_products", soft_delete, audit, timestamps)]
pub struct Product {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 100, unique)]
    pub sku: String,
    #[column(size = 200)]
    pub name: String,
    #[column(type = "decimal(10,2)")]
    pub price: Decimal,
    #[column(size = 20, default = "'active'")]
    pub status: Option<String>,
    #[column(sensitive)]
    pub supplier_code: Option<String>,
    pub api_key: Option<String>,
    pub input_tokens: i64,
    pub meta: Option<serde_json::Value>,
    #[column(skip)]
    pub cached: Option<u32>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// No soft delete, no audit: deletes are for good and write no audit row.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "rt_notes")]
pub struct Note {
    #[column(primary_key)]
    pub id: i64,
    pub body: String,
}

/// Soft delete without audit: a batch that fits one statement needs no
/// transaction, one that does not gets one.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "rt_tags", soft_delete)]
pub struct Tag {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 50, unique)]
    pub name: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A nullable column read into a field that cannot hold NULL, and a small
/// integer type: reading a row that does not fit is an error naming the
/// column and what to change.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "rt_loose")]
pub struct Loose {
    #[column(primary_key)]
    pub id: i64,
    #[column(nullable)]
    pub name: String,
    pub small: u8,
    pub code: Code,
    pub alt: Option<Code>,
}

/// A user's own field type: read back through its `from_value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Code(String);

impl dbgen::SqlType for Code {
    const TYPE: dbgen::schema::ColumnType = dbgen::schema::ColumnType::Varchar(20);
}

impl dbgen::value::ColumnValue for Code {
    const KIND: dbgen::value::Kind = dbgen::value::Kind::String;
    fn to_value(&self) -> dbgen::Value {
        dbgen::Value::String(format!("code:{}", self.0))
    }
    fn from_value(value: dbgen::Value) -> Result<Self, dbgen::value::ValueError> {
        let text = String::from_value(value)?;
        text.strip_prefix("code:")
            .map(|c| Code(c.to_string()))
            .ok_or_else(|| dbgen::value::ValueError(format!("`{text}` is not a code")))
    }
}

fn tag(name: &str, deleted_at: Option<DateTime<Utc>>) -> Tag {
    Tag {
        id: 0,
        name: name.into(),
        deleted_at,
    }
}

fn product(sku: &str, name: &str) -> Product {
    Product {
        id: 0,
        sku: sku.into(),
        name: name.into(),
        price: Decimal::new(1050, 2),
        status: None,
        supplier_code: Some("sup-123".into()),
        api_key: Some("key-456".into()),
        input_tokens: 42,
        meta: Some(serde_json::json!({"auth": {"password": "hunter2", "user": "u"}, "n": 1})),
        cached: Some(7),
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

/// Makes an audited update fail inside dbgen's own transaction (a live
/// sku taken twice) on `conn`.
async fn fail_an_update<DB: Driver>(pool: &sqlx::Pool<DB>, conn: &mut DB::Connection)
where
    for<'c> &'c mut DB::Connection: sqlx::Acquire<'c, Database = DB>,
{
    let live = Product::query()
        .order_by("id", Order::Asc)
        .limit(2)
        .fetch_all(pool)
        .await
        .unwrap();
    let mut first = live[0].clone();
    first.sku = live[1].sku.clone();
    let clash = first.update(&mut *conn).await;
    assert!(clash.is_err(), "{clash:?}");
}

async fn audit_rows<DB: Driver>(pool: &sqlx::Pool<DB>, table: &str, id: i64) -> Vec<AuditLog> {
    dbgen::audit::history(pool, table, id)
        .await
        .expect("history")
}

fn actions(rows: &[AuditLog]) -> Vec<&str> {
    rows.iter().map(|r| r.action.as_str()).collect()
}

/// Every helper, scope, count, the audit log and atomicity.
async fn suite<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    support::create_tables(
        pool,
        vec![
            Product::table().clone(),
            Note::table().clone(),
            Tag::table().clone(),
            Loose::table().clone(),
            AuditLog::table().clone(),
        ],
    )
    .await;
    rows_that_do_not_fit(engine, pool).await;

    // insert: generated key, database default, timestamps; skip fields default.
    let mut p = product("A-1", "Alpha").insert(pool).await.expect("insert");
    assert!(p.id > 0, "{engine:?}: key generated");
    assert_eq!(
        p.status.as_deref(),
        Some("active"),
        "database default applied"
    );
    assert!(p.created_at.is_some() && p.updated_at.is_some());
    assert_eq!(p.cached, None, "skipped fields take their Default");
    assert_eq!(p.price, Decimal::new(105, 1));
    let found = Product::find(pool, p.id)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(found, p, "{engine:?}: find returns what insert returned");

    // sqlx::query_as works with the derive's FromRow.
    let table = dbgen::dialect::Dialect::quote(DB::DIALECT, "rt_products");
    let rows: Vec<Product> =
        sqlx::query_as::<DB, Product>(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(pool)
            .await
            .expect("query_as");
    assert_eq!(rows, vec![p.clone()]);
    // Columns are matched by name, whatever order the query lists them in.
    let mut reversed: Vec<&str> = Product::table()
        .columns
        .iter()
        .map(|c| c.name.as_ref())
        .collect();
    reversed.reverse();
    let reversed = reversed
        .iter()
        .map(|c| dbgen::dialect::Dialect::quote(DB::DIALECT, c))
        .collect::<Vec<_>>()
        .join(", ");
    let row: Product = sqlx::query_as::<DB, Product>(sqlx::AssertSqlSafe(format!(
        "SELECT {reversed} FROM {table}"
    )))
    .fetch_one(pool)
    .await
    .expect("query_as by name");
    assert_eq!(row, p, "{engine:?}: FromRow reads columns by name");

    // update: bumps updated_at, audit keeps changed fields only.
    let before = p.updated_at;
    p.name = "Alpha 2".into();
    p.price = Decimal::new(1199, 2);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    p.update(pool).await.expect("update");
    assert!(p.updated_at > before, "updated_at bumped");
    assert_eq!(
        Product::find(pool, p.id).await.unwrap().unwrap().name,
        "Alpha 2"
    );
    let history = audit_rows(pool, "rt_products", p.id).await;
    assert_eq!(actions(&history), ["CREATE", "UPDATE"]);
    let update = &history[1];
    let old = update.old_values.as_ref().expect("old values");
    let new = update.new_values.as_ref().expect("new values");
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(old),
        ["name", "price"],
        "{engine:?}: only changed fields"
    );
    assert_eq!(keys(new), ["name", "price"]);
    assert_eq!(new["name"], "Alpha 2");
    assert_eq!(old["name"], "Alpha");

    // redaction: attribute, name pattern, nested JSON; `input_tokens` kept.
    let created = history[0].new_values.as_ref().expect("create values");
    assert_eq!(created["supplier_code"], "[REDACTED]");
    assert_eq!(created["api_key"], "[REDACTED]");
    assert_eq!(created["input_tokens"], 42);
    assert_eq!(created["meta"]["auth"]["password"], "[REDACTED]");
    assert_eq!(created["meta"]["auth"]["user"], "u");
    assert_eq!(created["name"], "Alpha");
    assert_eq!(
        created["id"], p.id,
        "{engine:?}: the generated key is in the audit row"
    );
    assert_eq!(created["status"], "active", "{engine:?}: so is the default");

    // query: filters, order, limit/offset, count.
    let many: Vec<Product> = (0..250)
        .map(|i| product(&format!("B-{i:03}"), &format!("Bulk {i}")))
        .collect();
    let stored = Product::insert_many(pool, many, 100)
        .await
        .expect("insert_many");
    assert_eq!(stored.len(), 250);
    assert!(
        stored.windows(2).all(|w| w[0].id < w[1].id),
        "rows keep their order"
    );
    assert_eq!(stored[17].sku, "B-017");
    let again = Product::find(pool, stored[17].id).await.unwrap().unwrap();
    assert_eq!(
        again, stored[17],
        "{engine:?}: insert_many returns rows as stored"
    );
    let batch_audit = audit_rows(pool, "rt_products", stored[17].id).await;
    assert_eq!(actions(&batch_audit), ["CREATE"]);
    let values = batch_audit[0]
        .new_values
        .as_ref()
        .expect("batch create values");
    assert_eq!(values["name"], "Bulk 17", "{engine:?}");
    assert_eq!(values["api_key"], "[REDACTED]");
    assert_eq!(values["meta"]["auth"]["password"], "[REDACTED]");
    assert_eq!(batch_audit[0].entity_id, stored[17].id.to_string());
    assert_eq!(Product::query().count(pool).await.unwrap(), 251);
    let page = Product::query()
        .filter("sku LIKE ", "B-%".to_string())
        .order_by("sku", Order::Desc)
        .limit(3)
        .offset(1)
        .fetch_all(pool)
        .await
        .unwrap();
    let skus: Vec<&str> = page.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus, ["B-248", "B-247", "B-246"]);
    let audited_creates = dbgen::audit::logs(
        pool,
        &AuditFilter {
            entity_type: Some("rt_products".into()),
            action: Some("CREATE".into()),
            ..AuditFilter::default()
        },
        2,
        100,
    )
    .await
    .unwrap();
    assert_eq!(audited_creates.1, 251, "one CREATE row per inserted row");
    assert_eq!(audited_creates.0.len(), 100, "page 2 of 100");
    let last_page = dbgen::audit::logs(
        pool,
        &AuditFilter {
            entity_type: Some("rt_products".into()),
            action: Some("CREATE".into()),
            ..AuditFilter::default()
        },
        3,
        100,
    )
    .await
    .unwrap();
    assert_eq!(last_page.0.len(), 51);
    let unknown = Product::query()
        .order_by("nope", Order::Asc)
        .fetch_all(pool)
        .await
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        unknown.as_deref(),
        Some("`nope` is not a column of `rt_products`")
    );
    // A name that only differs in case says which column it meant.
    let unknown = Product::query()
        .order_by("SKU", Order::Asc)
        .fetch_all(pool)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(unknown.contains("use column `sku`"), "{unknown}");
    // A fragment with its own placeholder, as GORM's `Where` takes it, is
    // an error that says what to write, on every terminal call.
    let gorm = || Product::query().filter("sku = ?", "B-001".to_string());
    for refused in [
        gorm().fetch_all(pool).await.map(|_| ()),
        gorm().fetch_optional(pool).await.map(|_| ()),
        gorm().count(pool).await.map(|_| ()),
        gorm().delete(pool).await.map(|_| ()),
    ] {
        assert!(
            matches!(&refused, Err(Error::Bind(m)) if m.contains("filter(\"sku = \", value)")),
            "{engine:?}: {refused:?}"
        );
    }
    assert_eq!(
        Product::query()
            .filter("sku IN (", "B-001".to_string())
            .where_sql(")")
            .count(pool)
            .await
            .map_err(|e| e.to_string())
            .ok(),
        None,
        "{engine:?}: each fragment is a whole condition"
    );
    let count = |query: dbgen::Query<Product>| async move { query.count(pool).await };
    // A key of another type: SQLite compared a text "1" with the integer
    // key and found the row, PostgreSQL refused the statement. Refused on
    // every engine; another width of integer is the key.
    let text_key = Product::find(pool, "1").await;
    assert!(
        matches!(&text_key, Err(Error::Bind(m)) if m.contains("the key of `rt_products` (`id`) is a 64-bit integer column, and the value given is text")),
        "{engine:?}: {text_key:?}"
    );
    assert!(
        matches!(Product::delete_by_id(pool, true).await, Err(Error::Bind(_))),
        "{engine:?}"
    );
    // The same for a filter comparing a column, or a filter_in list; other
    // numbers compare with a number column on every engine.
    let refused = [
        count(Product::query().filter("input_tokens = ", "5")).await,
        count(Product::query().filter("\"sku\" <> ", 5i64)).await,
        count(Product::query().filter_in("id", ["1"])).await,
        count(Product::query().filter("input_tokens LIKE ", "1%")).await,
        count(Product::query().filter("sku not like ", 5i64)).await,
    ];
    for refused in refused {
        assert!(
            matches!(&refused, Err(Error::Bind(m)) if m.contains("PostgreSQL refuses them") || m.contains("PostgreSQL has for text only")),
            "{engine:?}: {refused:?}"
        );
    }
    for taken in [
        count(Product::query().filter("price > ", 0i64)).await,
        count(Product::query().filter("input_tokens >= ", 0.5f64)).await,
        count(Product::query().filter("lower(sku) = ", "b-001")).await,
        count(Product::query().filter("sku NOT LIKE ", "Z%")).await,
    ] {
        assert!(taken.is_ok(), "{engine:?}: {taken:?}");
    }
    let first = Product::query()
        .order_by("id", Order::Asc)
        .fetch_optional(pool)
        .await
        .unwrap()
        .unwrap();
    let narrow = i32::try_from(first.id).unwrap();
    assert_eq!(
        Product::find(pool, narrow).await.unwrap().map(|p| p.id),
        Some(first.id),
        "{engine:?}"
    );
    // A value bound after IS (SQLite takes it, PostgreSQL and MySQL
    // refuse the statement), or a `None` compared with `=` or `<>` (which
    // matches no row on any engine): refused, saying to write IS NULL.
    for fragment in [
        "status IS ",
        "status is not ",
        "status = ",
        "status <> ",
        "status !=",
    ] {
        let refused = count(Product::query().filter(fragment, None::<String>)).await;
        assert!(
            matches!(&refused, Err(Error::Bind(m)) if m.contains("where_sql(\"status IS NULL\")")),
            "{engine:?} {fragment}: {refused:?}"
        );
    }
    // filter_in: a column of the table, IN the values bound one by one,
    // with the scope and the other conditions.
    let listed = Product::query()
        .filter_in("sku", ["B-002", "B-001", "no-such-sku", "x' OR '1' = '1"])
        .order_by("sku", Order::Asc)
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|p| p.sku.as_str()).collect::<Vec<_>>(),
        ["B-001", "B-002"],
        "{engine:?}"
    );
    assert_eq!(
        count(Product::query().filter_in("sku", Vec::<String>::new()))
            .await
            .unwrap(),
        0,
        "{engine:?}: an empty list matches no row"
    );
    assert_eq!(
        count(
            Product::query()
                .filter_in("id", [listed[0].id])
                .filter_in("sku", ["B-001", "B-002"])
                .filter("name <> ", "")
        )
        .await
        .unwrap(),
        1,
        "{engine:?}"
    );
    // A long list works up to the engine's parameter limit (SQLite's is
    // the lowest); past it, one error on every engine that says to split
    // it, where each engine failed in its own words.
    let long = |n: usize| {
        let mut skus: Vec<String> = (0..n).map(|i| format!("none-{i}")).collect();
        skus.extend(["B-001".to_string(), "B-002".to_string()]);
        skus
    };
    assert_eq!(
        count(Product::query().filter_in("sku", long(32_000)))
            .await
            .unwrap(),
        2,
        "{engine:?}"
    );
    let nothing = || {
        Product::query()
            .filter_in("sku", long(32_000))
            .filter("sku = ", "none")
    };
    assert_eq!(nothing().delete(pool).await.unwrap(), 0, "{engine:?}");
    assert!(
        nothing().fetch_all(pool).await.unwrap().is_empty(),
        "{engine:?}"
    );
    let too_long = || Product::query().filter_in("sku", long(70_000));
    for refused in [
        too_long().fetch_all(pool).await.map(|_| ()),
        too_long().fetch_optional(pool).await.map(|_| ()),
        too_long().count(pool).await.map(|_| ()),
        too_long().delete(pool).await.map(|_| ()),
    ] {
        assert!(
            matches!(&refused, Err(Error::Bind(m)) if m.contains("`sku` (70002 values)") && m.contains("split the list")),
            "{engine:?}: {refused:?}"
        );
    }
    let unknown = count(Product::query().filter_in("Sku", ["B-001"]))
        .await
        .map_err(|e| e.to_string());
    assert!(
        matches!(&unknown, Err(m) if m.contains("use column `sku`") && m.contains("filter_in")),
        "{engine:?}: {unknown:?}"
    );
    // Out-of-range paging is an error or an empty page, the same on every
    // engine, never a panic.
    for query in [Product::query().limit(-1), Product::query().offset(-5)] {
        let refused = query.fetch_all(pool).await;
        assert!(
            matches!(&refused, Err(Error::Bind(m)) if m.contains("must be 0 or more")),
            "{refused:?}"
        );
    }
    let (far, total) = dbgen::audit::logs(pool, &AuditFilter::default(), i64::MAX, 1000)
        .await
        .unwrap();
    assert!(far.is_empty() && total > 0, "{total}");
    // Past the calendar, or before year 1 (MySQL binds no such date).
    for days in [u32::MAX, 1_000_000] {
        assert_eq!(
            dbgen::audit::cleanup(pool, days).await.unwrap(),
            0,
            "{engine:?} {days}"
        );
    }
    // Time bounds outside years 1 to 9999 (MySQL's) select as the
    // calendar's ends do, on every engine.
    let everything = AuditFilter {
        start: Some(chrono::DateTime::<chrono::Utc>::MIN_UTC),
        end: Some(chrono::DateTime::<chrono::Utc>::MAX_UTC),
        ..AuditFilter::default()
    };
    let (_, all) = dbgen::audit::logs(pool, &everything, 1, 10).await.unwrap();
    assert_eq!(all, total, "{engine:?}");
    // An action in another case finds what it names on every engine
    // (MariaDB compared ignoring case; PostgreSQL and SQLite found none).
    let created = |action: &str| AuditFilter {
        action: Some(action.to_string()),
        ..AuditFilter::default()
    };
    let (_, upper) = dbgen::audit::logs(pool, &created("CREATE"), 1, 10)
        .await
        .unwrap();
    let (_, lower) = dbgen::audit::logs(pool, &created("create"), 1, 10)
        .await
        .unwrap();
    assert!(upper > 0 && lower == upper, "{engine:?}: {upper} {lower}");
    assert_eq!(
        Product::query()
            .where_sql("input_tokens > 0")
            .count(pool)
            .await
            .unwrap(),
        251
    );
    assert_eq!(
        Product::query()
            .filter("sku = ", "nope".to_string())
            .fetch_optional(pool)
            .await
            .unwrap(),
        None
    );
    let tail = Product::query()
        .order_by("id", Order::Asc)
        .offset(249)
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(tail.len(), 2, "{engine:?}: an offset without a limit");
    assert_eq!(tail[1].id, stored[249].id);

    // soft delete and scopes.
    p.delete(pool).await.expect("soft delete");
    assert!(p.deleted_at.is_some(), "the instance sees its deleted_at");
    assert_eq!(
        Product::find(pool, p.id).await.unwrap(),
        None,
        "find excludes trashed rows"
    );
    assert_eq!(Product::query().count(pool).await.unwrap(), 250);
    assert_eq!(
        Product::query().with_trashed().count(pool).await.unwrap(),
        251
    );
    let trashed = Product::query()
        .only_trashed()
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(trashed.len(), 1);
    assert_eq!(trashed[0].id, p.id);
    assert_eq!(Product::count_trashed(pool).await.unwrap(), 1);
    // An OR at the top of a filter stays inside it: the scope and the
    // other filters still hold.
    let either = Product::query()
        .filter("id = -1 OR id = ", p.id)
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(either.is_empty(), "{engine:?}: {either:?}");
    assert_eq!(
        Product::query()
            .where_sql("1 = 0 OR 1 = 1")
            .count(pool)
            .await
            .unwrap(),
        250
    );
    // Neither a scope nor another filter lets a live row through an OR.
    for query in [
        Product::query().only_trashed(),
        Product::query().where_sql("1 = 0"),
    ] {
        let count = query
            .filter("id = -1 OR id = ", stored[0].id)
            .count(pool)
            .await
            .unwrap();
        assert_eq!(count, 0, "{engine:?}");
    }
    assert_eq!(
        Product::query()
            .filter("id = -1 OR id = ", p.id)
            .delete(pool)
            .await
            .unwrap(),
        0,
        "{engine:?}: a bulk delete through an OR leaves the trashed row alone"
    );
    assert_eq!(
        audit_rows(pool, "rt_products", p.id).await.len(),
        3,
        "{engine:?}: CREATE, UPDATE, DELETE"
    );
    assert!(Product::is_trashed(pool, p.id).await.unwrap());
    assert!(!Product::is_trashed(pool, stored[0].id).await.unwrap());
    assert!(matches!(
        p.clone().delete(pool).await,
        Err(Error::NotFound { .. })
    ));
    let mut trashed_copy = p.clone();
    trashed_copy.name = "ghost".into();
    assert!(
        matches!(trashed_copy.update(pool).await, Err(Error::NotFound { .. })),
        "updates do not reach trashed rows"
    );

    // unique among live rows: the sku of a trashed row can be reused...
    let twin = product("A-1", "Alpha twin")
        .insert(pool)
        .await
        .expect("same sku as a trashed row");
    // ...and restoring the trashed row then is refused with a clear error.
    match Product::restore_by_id(pool, p.id).await {
        Err(Error::RestoreConflict { table, .. }) => assert_eq!(table, "rt_products"),
        other => panic!("{engine:?}: expected a restore conflict, got {other:?}"),
    }
    assert!(
        Product::is_trashed(pool, p.id).await.unwrap(),
        "the failed restore changed nothing"
    );
    assert!(
        product("A-1", "third").insert(pool).await.is_err(),
        "two live rows may not share a sku"
    );
    twin.force_delete(pool).await.expect("force delete");
    assert_eq!(
        Product::query()
            .with_trashed()
            .filter("id = ", twin.id)
            .count(pool)
            .await
            .unwrap(),
        0
    );
    p.restore(pool).await.expect("restore");
    assert_eq!(p.deleted_at, None);
    assert_eq!(
        Product::find(pool, p.id).await.unwrap().map(|f| f.id),
        Some(p.id)
    );
    assert!(matches!(
        Product::restore_by_id(pool, p.id).await,
        Err(Error::NotFound { .. })
    ));

    // by-id helpers, restore_all, bulk delete through a query.
    Product::delete_by_id(pool, stored[0].id).await.unwrap();
    Product::delete_by_id(pool, stored[1].id).await.unwrap();
    assert_eq!(Product::count_trashed(pool).await.unwrap(), 2);
    assert_eq!(Product::restore_all(pool).await.unwrap(), 2);
    assert_eq!(Product::count_trashed(pool).await.unwrap(), 0);
    let gone = Product::query()
        .filter("sku LIKE ", "B-2%".to_string())
        .delete(pool)
        .await
        .unwrap();
    assert_eq!(gone, 50);
    assert_eq!(Product::count_trashed(pool).await.unwrap(), 50);
    assert_eq!(
        Product::query()
            .filter("sku LIKE ", "B-2%".to_string())
            .delete(pool)
            .await
            .unwrap(),
        0,
        "bulk deletes skip trashed rows"
    );
    Product::force_delete_by_id(pool, stored[200].id)
        .await
        .unwrap();
    assert_eq!(Product::count_trashed(pool).await.unwrap(), 49);
    let history = audit_rows(pool, "rt_products", stored[200].id).await;
    assert_eq!(actions(&history), ["CREATE", "DELETE", "FORCE_DELETE"]);
    let history = audit_rows(pool, "rt_products", p.id).await;
    assert_eq!(actions(&history), ["CREATE", "UPDATE", "DELETE", "RESTORE"]);
    assert_eq!(
        history[3].new_values.as_ref().unwrap()["deleted_at"],
        serde_json::Value::Null
    );
    let twin_history = audit_rows(pool, "rt_products", twin.id).await;
    assert_eq!(actions(&twin_history), ["CREATE", "FORCE_DELETE"]);

    // a model without soft delete or audit: deletes are for good.
    let mut note = Note {
        id: 0,
        body: "n".into(),
    }
    .insert(pool)
    .await
    .unwrap();
    note.body = "n2".into();
    note.update(pool).await.unwrap();
    note.delete(pool).await.unwrap();
    assert_eq!(Note::find(pool, note.id).await.unwrap(), None);
    assert_eq!(Note::count_trashed(pool).await.unwrap(), 0);
    assert!(!Note::is_trashed(pool, note.id).await.unwrap());
    assert!(matches!(
        Note::restore_by_id(pool, note.id).await,
        Err(Error::Unsupported(_))
    ));
    assert!(audit_rows(pool, "rt_notes", note.id).await.is_empty());

    context_and_atomicity(engine, pool).await;
    cleanup_by_age(pool).await;
    trashed_rows_in_a_batch(engine, pool).await;
    concurrent_changes(engine, pool).await;
}

/// Every read path (a query's rows, its first row, by key) refuses a row
/// whose values do not fit the fields, naming the column.
async fn rows_that_do_not_fit<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let fits = Loose::insert_many(
        pool,
        vec![
            Loose {
                id: 1,
                name: "ok".into(),
                small: 255,
                code: Code("a".into()),
                alt: None,
            },
            Loose {
                id: 4,
                name: "ok".into(),
                small: 0,
                code: Code("b".into()),
                alt: Some(Code("c".into())),
            },
        ],
        10,
    )
    .await
    .unwrap();
    assert_eq!(fits[0].small, 255, "{engine:?}");
    assert_eq!(fits[1].alt, Some(Code("c".into())), "{engine:?}");
    assert_eq!(Loose::find(pool, 1).await.unwrap().as_ref(), fits.first());
    assert_eq!(Loose::find(pool, 4).await.unwrap().as_ref(), fits.get(1));
    let all = Loose::query()
        .order_by("id", Order::Asc)
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(
        all, fits,
        "{engine:?}: user types read back through from_value"
    );
    for (id, name, small, code, column, why) in [
        (2, "NULL", "7", "'code:x'", "name", "make it an Option"),
        (
            3,
            "'x'",
            "300",
            "'code:x'",
            "small",
            "300 is out of range for `u8`",
        ),
        (5, "'x'", "1", "'x'", "code", "`x` is not a code"),
    ] {
        let insert = format!(
            "INSERT INTO rt_loose (id, name, small, code) VALUES ({id}, {name}, {small}, {code})"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(insert))
            .execute(pool)
            .await
            .unwrap();
        let errors = [
            Loose::query().fetch_all(pool).await.err(),
            Loose::query()
                .filter("id = ", id)
                .fetch_optional(pool)
                .await
                .err(),
            Loose::find(pool, id).await.err(),
        ];
        for error in errors {
            let message = error.map(|e| e.to_string()).unwrap_or_default();
            assert!(
                message.contains(&format!("`Loose`.{column}")) && message.contains(why),
                "{engine:?}: {message}"
            );
        }
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DELETE FROM rt_loose WHERE id = {id}"
        )))
        .execute(pool)
        .await
        .unwrap();
    }
}

/// New rows leave a NULL soft-delete column out of the INSERT; a batch that
/// mixes live and already-trashed rows still stores each as given, in order.
async fn trashed_rows_in_a_batch<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>) {
    let at = Utc::now() - Duration::days(1);
    // Every third row, from the second, already trashed.
    let mixed = |prefix: &str, count: usize| -> Vec<Product> {
        (0..count)
            .map(|i| {
                let mut p = product(&format!("{prefix}-{i}"), "mixed");
                if i % 3 == 1 {
                    p.deleted_at = Some(at);
                }
                p
            })
            .collect()
    };
    let rows = mixed("T", 6);
    let live_before = Product::query().count(pool).await.unwrap();
    let trashed_before = Product::count_trashed(pool).await.unwrap();
    let stored = Product::insert_many(pool, rows, 100).await.unwrap();
    let skus: Vec<&str> = stored.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(
        skus,
        ["T-0", "T-1", "T-2", "T-3", "T-4", "T-5"],
        "{engine:?}"
    );
    for (i, row) in stored.iter().enumerate() {
        let found = Product::query()
            .with_trashed()
            .filter("sku = ", &row.sku)
            .fetch_optional(pool)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, row.id, "{engine:?}: {i}");
        assert_eq!(found.deleted_at.is_some(), i % 3 == 1, "{engine:?}: {i}");
        assert_eq!(found, *row, "{engine:?}: returned as stored");
    }
    assert_eq!(Product::query().count(pool).await.unwrap(), live_before + 4);
    assert_eq!(
        Product::count_trashed(pool).await.unwrap(),
        trashed_before + 2
    );

    // Batches of 4: statements split at the batch boundary and between
    // live and trashed rows ([V-0] [V-1] [V-2 V-3] | [V-4] [V-5] [V-6]).
    // Any batch size is taken, the largest included.
    let huge = Product::insert_many(pool, mixed("W", 3), usize::MAX).await;
    assert_eq!(huge.map(|rows| rows.len()).ok(), Some(3), "{engine:?}");
    let rows = mixed("V", 7);
    let sent = rows.clone();
    let stored = Product::insert_many(pool, rows, 4).await.unwrap();
    assert_eq!(stored.len(), sent.len(), "{engine:?}");
    for (row, sent) in stored.iter().zip(&sent) {
        assert_eq!(row.sku, sent.sku, "{engine:?}: in order");
        assert_eq!(
            row.deleted_at.is_some(),
            sent.deleted_at.is_some(),
            "{engine:?}"
        );
        let found = Product::query()
            .with_trashed()
            .filter("id = ", row.id)
            .fetch_optional(pool)
            .await
            .unwrap();
        assert_eq!(found.as_ref(), Some(row), "{engine:?}: as stored");
        let log = audit_rows(pool, "rt_products", row.id).await;
        assert_eq!(actions(&log), ["CREATE"], "{engine:?}: {}", row.sku);
    }

    // Three statements (live, trashed, live); the last one breaks live-row
    // uniqueness, and none of the rows stays.
    let mut trashed = product("U-1", "mixed");
    trashed.deleted_at = Some(at);
    let rows = vec![
        product("U-0", "mixed"),
        trashed,
        product("T-0", "duplicate"),
    ];
    assert!(Product::insert_many(pool, rows, 100).await.is_err());
    for sku in ["U-0", "U-1"] {
        let found = Product::query()
            .with_trashed()
            .filter("sku = ", sku.to_string())
            .fetch_optional(pool)
            .await
            .unwrap();
        assert!(found.is_none(), "{engine:?}: {sku} was rolled back");
    }

    // The same without audit (where one statement goes without BEGIN).
    let stored = Tag::insert_many(pool, vec![tag("a", None), tag("b", Some(at))], 10)
        .await
        .unwrap();
    assert!(stored[1].deleted_at.is_some(), "{engine:?}");
    let rows = vec![tag("c", None), tag("d", Some(at)), tag("a", None)];
    assert!(Tag::insert_many(pool, rows, 10).await.is_err());
    let names: Vec<String> = Tag::query()
        .with_trashed()
        .order_by("name", Order::Asc)
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["a", "b"], "{engine:?}: c and d were rolled back");
}

/// Actor context across awaits and spawned tasks; rollback both ways.
async fn context_and_atomicity<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let ctx = AuditContext::new()
        .user(7, "admin@example.com")
        .ip("192.168.1.1")
        .user_agent("Mozilla/5.0")
        .request_id("req-abc-123");
    let pool2 = pool.clone();
    let (inserted, spawned) = dbgen::audit::scope(ctx.clone(), async move {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        let inserted = product("C-1", "ctx").insert(&pool2).await.unwrap();
        let spawned = dbgen::audit::spawn({
            let pool = pool2.clone();
            async move {
                tokio::task::yield_now().await;
                product("C-2", "spawned").insert(&pool).await.unwrap()
            }
        })
        .await
        .unwrap();
        (inserted, spawned)
    })
    .await;
    for id in [inserted.id, spawned.id] {
        let rows = audit_rows(pool, "rt_products", id).await;
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.user_id, Some(7), "{engine:?}");
        assert_eq!(row.username.as_deref(), Some("admin@example.com"));
        assert_eq!(row.ip_address.as_deref(), Some("192.168.1.1"));
        assert_eq!(row.user_agent.as_deref(), Some("Mozilla/5.0"));
        assert_eq!(row.request_id.as_deref(), Some("req-abc-123"));
    }
    let outside = product("C-3", "no ctx").insert(pool).await.unwrap();
    assert_eq!(
        audit_rows(pool, "rt_products", outside.id).await[0].user_id,
        None
    );
    let activity = dbgen::audit::user_activity(
        pool,
        7,
        Utc::now() - Duration::hours(1),
        Utc::now() + Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(activity.len(), 2);

    // A change rolled back by the caller leaves no audit row.
    let mut tx = pool.begin().await.unwrap();
    let mut changed = Product::find(&mut *tx, inserted.id).await.unwrap().unwrap();
    changed.name = "rolled back".into();
    changed.update(&mut *tx).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        Product::find(pool, inserted.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "ctx"
    );
    assert_eq!(audit_rows(pool, "rt_products", inserted.id).await.len(), 1);

    // An audit insert that fails rolls the change back.
    let audit = dbgen::dialect::Dialect::quote(DB::DIALECT, "audit_logs");
    let hidden = dbgen::dialect::Dialect::quote(DB::DIALECT, "audit_logs_hidden");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE {audit} RENAME TO {hidden}"
    )))
    .execute(pool)
    .await
    .unwrap();
    let before = Product::query().with_trashed().count(pool).await.unwrap();
    let failed = product("D-1", "never").insert(pool).await;
    let mut victim = Product::find(pool, outside.id).await.unwrap().unwrap();
    victim.name = "never either".into();
    let failed_update = victim.update(pool).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE {hidden} RENAME TO {audit}"
    )))
    .execute(pool)
    .await
    .unwrap();
    assert!(failed.is_err() && failed_update.is_err(), "{engine:?}");
    assert_eq!(
        Product::query().with_trashed().count(pool).await.unwrap(),
        before
    );
    assert_eq!(
        Product::find(pool, outside.id).await.unwrap().unwrap().name,
        "no ctx"
    );

    // Changes made outside dbgen, logged by hand, redacted the same way.
    AuditLogger::new(pool)
        .with_user(9, "ops")
        .with_request("10.0.0.1", "curl", "req-9")
        .log_update(
            "external",
            5,
            &serde_json::json!({"token": "t", "a": 1, "same": "s"}),
            &serde_json::json!({"token": "u", "a": 2, "same": "s"}),
        )
        .await
        .unwrap();
    let external = dbgen::audit::history(pool, "external", 5).await.unwrap();
    assert_eq!(external.len(), 1);
    assert_eq!(external[0].user_id, Some(9));
    assert_eq!(external[0].request_id.as_deref(), Some("req-9"));
    assert_eq!(
        external[0].old_values.as_ref().unwrap()["token"],
        "[REDACTED]"
    );
    assert_eq!(external[0].new_values.as_ref().unwrap()["a"], 2);
    // Changed members only, as dbgen's own updates store them.
    assert_eq!(
        external[0].new_values,
        Some(serde_json::json!({"token": "[REDACTED]", "a": 2}))
    );
    // A table name longer than the log's column is refused on every
    // engine, and nothing is logged: cut, it would not find its rows.
    let long = "t".repeat(101);
    let refused = AuditLogger::new(pool)
        .log_create(&long, 1, &serde_json::json!({}))
        .await;
    assert!(
        matches!(&refused, Err(Error::TooLong { column, found: 101, .. }) if column == "entity_type"),
        "{refused:?}"
    );
    assert!(
        dbgen::audit::history(pool, &long, 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn cleanup_by_age<DB: Driver>(pool: &sqlx::Pool<DB>) {
    let old = AuditLog {
        id: 0,
        entity_type: "aged".into(),
        entity_id: "1".into(),
        action: "UPDATE".into(),
        description: None,
        old_values: None,
        new_values: None,
        user_id: None,
        username: None,
        ip_address: None,
        user_agent: None,
        request_id: None,
        created_at: Utc::now() - Duration::days(40),
    };
    old.insert(pool).await.unwrap();
    let total = AuditLog::query().count(pool).await.unwrap();
    assert_eq!(dbgen::audit::cleanup(pool, 30).await.unwrap(), 1);
    assert_eq!(AuditLog::query().count(pool).await.unwrap(), total - 1);
    assert!(
        dbgen::audit::history(pool, "aged", 1)
            .await
            .unwrap()
            .is_empty()
    );
}

/// 50 tasks updating and soft-deleting the same 5 rows: every successful
/// change has exactly one audit row, and the table matches the log.
async fn concurrent_changes<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>) {
    let mut rows = Vec::new();
    for i in 0..5 {
        rows.push(
            product(&format!("X-{i}"), "start")
                .insert(pool)
                .await
                .unwrap(),
        );
    }
    let field = concurrency::Field {
        column: "name",
        set: |p: &mut Product, task| p.name = format!("task-{task}"),
        get: |p| serde_json::json!(p.name),
        id: |p| p.id,
        trashed: |p| p.deleted_at.is_some(),
    };
    concurrency::fifty_tasks(engine, pool, "rt_products", rows, field).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_runtime() {
    let Some(db) = TestDb::create(Engine::Postgres, "dbgen_rt").await else {
        return;
    };
    let pool = db.pool::<sqlx::Postgres>().await;
    suite(Engine::Postgres, &pool).await;
    // The live-row lookup by a unique column uses the partial unique index.
    let mut conn = pool.acquire().await.unwrap();
    sqlx::raw_sql("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT * FROM \"rt_products\" WHERE \"sku\" = 'B-001' AND \"deleted_at\" IS NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(plan.join("\n").contains("uq_rt_products_sku"), "{plan:?}");
    // A change that fails inside dbgen's transaction ends it before the
    // error returns: the connection holds no transaction, nor its locks.
    // (A dropped sqlx transaction only queues its ROLLBACK until the
    // connection's next use.)
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    fail_an_update(&pool, &mut conn).await;
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM pg_stat_activity WHERE pid = $1")
            .bind(pid)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(state.as_deref(), Some("idle"));
    drop(conn);
    pool.close().await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_runtime() {
    let Some(db) = TestDb::create(Engine::MariaDb, "dbgen_rt").await else {
        return;
    };
    let pool = db.pool::<sqlx::MySql>().await;
    suite(Engine::MariaDb, &pool).await;
    // The live-row lookup by a unique column uses the unique key whose
    // second part is the live-row marker.
    let row = sqlx::query(
        "EXPLAIN SELECT * FROM `rt_products` WHERE `sku` = 'B-001' AND `deleted_at` IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let key: Option<String> = sqlx::Row::try_get(&row, "key").unwrap();
    assert_eq!(key.as_deref(), Some("uq_rt_products_sku"));
    // A change that fails inside dbgen's transaction ends it before the
    // error returns (see postgres_runtime).
    let mut conn = pool.acquire().await.unwrap();
    let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    fail_an_update(&pool, &mut conn).await;
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = ?",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(open, 0, "the failed update's transaction is still open");
    drop(conn);
    pool.close().await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runtime() {
    let Some(db) = TestDb::create(Engine::Sqlite, "dbgen_rt").await else {
        return;
    };
    let pool = db.pool::<sqlx::Sqlite>().await;
    suite(Engine::Sqlite, &pool).await;
    let rows = sqlx::query(
        "EXPLAIN QUERY PLAN SELECT * FROM \"rt_products\" WHERE \"sku\" = 'B-001' AND \"deleted_at\" IS NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let plan: Vec<String> = rows
        .iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "detail"))
        .collect();
    assert!(
        plan.join("\n").contains("USING INDEX uq_rt_products_sku"),
        "{plan:?}"
    );
    pool.close().await;
    db.drop_db().await;
}
