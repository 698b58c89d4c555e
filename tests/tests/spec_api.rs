//! SPEC §3's runtime and audit examples, written as SPEC writes them (the
//! names `db`, `p`, `id`, `rows`, `ctx` included), so a signature that
//! drifts from the contract fails to compile here. Run on each engine.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod support;

use chrono::{Duration, Utc};
use dbgen::Model;
use dbgen::audit::{AuditFilter, AuditLog};
use support::db::{Engine, run_on};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "products", soft_delete, audit, timestamps)]
pub struct Product {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 100, unique)]
    pub sku: String,
    #[column(size = 20)]
    pub status: String,
    pub created_at: Option<chrono::DateTime<Utc>>,
    pub updated_at: Option<chrono::DateTime<Utc>>,
    pub deleted_at: Option<chrono::DateTime<Utc>>,
}

fn product(sku: &str) -> Product {
    Product {
        id: 0,
        sku: sku.into(),
        status: "active".into(),
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

async fn spec<DB>(engine: Engine, db: sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    support::create_tables(
        &db,
        vec![Product::table().clone(), AuditLog::table().clone()],
    )
    .await;

    // let p: Product = Product { .. }.insert(&db).await?;
    let mut p: Product = Product { ..product("P-1") }.insert(&db).await.unwrap();
    assert!(p.id > 0 && p.created_at.is_some() && p.created_at == p.updated_at);
    let id = p.id;
    // p.update(&db).await?;
    p.status = "sold".into();
    p.update(&db).await.unwrap();
    assert!(p.updated_at >= p.created_at);
    // Product::find(&db, id).await? -> Option<Product>
    let found: Option<Product> = Product::find(&db, id).await.unwrap();
    assert_eq!(found.as_ref().map(|f| f.status.as_str()), Some("sold"));

    // Product::insert_many(&db, rows, 100).await?
    let rows: Vec<Product> = (2..=4).map(|n| product(&format!("P-{n}"))).collect();
    let many = Product::insert_many(&db, rows, 100).await.unwrap();
    assert_eq!(many.len(), 3);

    // Product::query().with_trashed() / .only_trashed().filter(...)
    //     .order_by("id", dbgen::Order::Desc).limit(50).offset(0)
    //     .fetch_all(&db) / .fetch_optional(&db) / .count(&db)
    let active = Product::query()
        .filter("status = ", "active")
        .order_by("id", dbgen::Order::Desc)
        .limit(50)
        .offset(0)
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        active.iter().map(|r| r.sku.as_str()).collect::<Vec<_>>(),
        ["P-4", "P-3", "P-2"],
        "{engine:?}"
    );
    let one = Product::query()
        .filter("sku = ", "P-2")
        .fetch_optional(&db)
        .await
        .unwrap();
    assert_eq!(one.map(|r| r.id), Some(many[0].id));

    // p.delete(&db).await?; Product::delete_by_id(&db, id)
    let mut second = many[0].clone();
    second.delete(&db).await.unwrap();
    Product::delete_by_id(&db, many[1].id).await.unwrap();
    assert_eq!(Product::query().count(&db).await.unwrap(), 2);
    assert_eq!(Product::query().with_trashed().count(&db).await.unwrap(), 4);
    assert_eq!(Product::query().only_trashed().count(&db).await.unwrap(), 2);
    // Product::count_trashed(&db) -> i64; Product::is_trashed(&db, id) -> bool
    let trashed: i64 = Product::count_trashed(&db).await.unwrap();
    assert_eq!(trashed, 2);
    let is_trashed: bool = Product::is_trashed(&db, many[1].id).await.unwrap();
    assert!(is_trashed);

    // p.restore(&db) / Product::restore_by_id(&db, id) / Product::restore_all(&db)
    second.restore(&db).await.unwrap();
    Product::restore_by_id(&db, many[1].id).await.unwrap();
    Product::delete_by_id(&db, many[2].id).await.unwrap();
    Product::restore_all(&db).await.unwrap();
    assert_eq!(Product::count_trashed(&db).await.unwrap(), 0);

    // p.force_delete(&db) / Product::force_delete_by_id(&db, id)
    second.force_delete(&db).await.unwrap();
    Product::force_delete_by_id(&db, many[1].id).await.unwrap();
    assert_eq!(Product::query().with_trashed().count(&db).await.unwrap(), 2);

    // let ctx = dbgen::audit::AuditContext::new().user(7, "admin@example.com")
    //     .ip("192.168.1.1").user_agent("Mozilla/5.0").request_id("req-abc-123");
    // dbgen::audit::scope(ctx, async { p.update(&db).await }).await?;
    let ctx = dbgen::audit::AuditContext::new()
        .user(7, "admin@example.com")
        .ip("192.168.1.1")
        .user_agent("Mozilla/5.0")
        .request_id("req-abc-123");
    p.status = "returned".into();
    dbgen::audit::scope(ctx, async { p.update(&db).await })
        .await
        .unwrap();

    // dbgen::audit::logs(&db, &AuditFilter { entity_type, entity_id, user_id,
    //     action, start, end }, page, per_page) -> (Vec<AuditLog>, i64)
    let (entity_type, entity_id, user_id) =
        (Some("products".to_string()), Some(id.to_string()), Some(7));
    let (action, start, end) = (
        Some("UPDATE".to_string()),
        Some(Utc::now() - Duration::hours(1)),
        Some(Utc::now() + Duration::hours(1)),
    );
    let (page, per_page) = (1, 10);
    let (logged, total): (Vec<AuditLog>, i64) = dbgen::audit::logs(
        &db,
        &AuditFilter {
            entity_type,
            entity_id,
            user_id,
            action,
            start,
            end,
        },
        page,
        per_page,
    )
    .await
    .unwrap();
    assert_eq!(total, 1, "{engine:?}");
    assert_eq!(logged[0].request_id.as_deref(), Some("req-abc-123"));
    assert_eq!(logged[0].username.as_deref(), Some("admin@example.com"));

    // dbgen::audit::history(&db, "products", id)      // chronological
    let history = dbgen::audit::history(&db, "products", id).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["CREATE", "UPDATE", "UPDATE"], "{engine:?}");

    // dbgen::audit::user_activity(&db, user_id, since, until)
    let (user_id, since, until) = (
        7,
        Utc::now() - Duration::hours(1),
        Utc::now() + Duration::hours(1),
    );
    let activity = dbgen::audit::user_activity(&db, user_id, since, until)
        .await
        .unwrap();
    assert_eq!(activity.len(), 1);

    // dbgen::audit::AuditLogger::new(&db).with_user(7, "admin@example.com")
    //     .with_request("10.0.0.1", "Mozilla/5.0", "req-abc-123")
    //     .log_update("users", id, &old_json, &new_json).await?;
    let (old_json, new_json) = (
        serde_json::json!({"name": "a"}),
        serde_json::json!({"name": "b"}),
    );
    dbgen::audit::AuditLogger::new(&db)
        .with_user(7, "admin@example.com")
        .with_request("10.0.0.1", "Mozilla/5.0", "req-abc-123")
        .log_update("users", id, &old_json, &new_json)
        .await
        .unwrap();
    let users = dbgen::audit::history(&db, "users", id).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].ip_address.as_deref(), Some("10.0.0.1"));

    // dbgen::audit::cleanup(&db, older_than_days) -> u64
    let older_than_days = 30;
    let removed: u64 = dbgen::audit::cleanup(&db, older_than_days).await.unwrap();
    assert_eq!(removed, 0, "every row is from today");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_spec_api() {
    run_on::<sqlx::Sqlite, _>(Engine::Sqlite, "dbgen_spec", |db| spec(Engine::Sqlite, db)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_spec_api() {
    run_on::<sqlx::Postgres, _>(Engine::Postgres, "dbgen_spec", |db| {
        spec(Engine::Postgres, db)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_spec_api() {
    run_on::<sqlx::MySql, _>(Engine::MariaDb, "dbgen_spec", |db| {
        spec(Engine::MariaDb, db)
    })
    .await;
}
