//! Field names that are Rust keywords (`r#type`) or that match names the
//! derive uses inside its functions (`out`, `values`, `f0`) are ordinary
//! columns; table and column names holding any dialect's quote characters
//! work through every helper on every engine.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use dbgen::Model;

mod support;

use dbgen::audit::AuditLog;
use support::db::Engine;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "keyword_fields")]
pub struct KeywordFields {
    #[column(primary_key)]
    pub id: i64,
    pub r#type: String,
    pub r#match: Option<i32>,
    pub out: i64,
    pub values: String,
    pub f0: bool,
    pub f1: bool,
}

#[test]
fn keyword_and_helper_named_fields_are_columns() {
    let names: Vec<&str> = KeywordFields::table()
        .columns
        .iter()
        .map(|c| c.name.as_ref())
        .collect();
    assert_eq!(names, ["id", "type", "match", "out", "values", "f0", "f1"]);
}

#[tokio::test(flavor = "current_thread")]
async fn they_round_trip_through_the_database() {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    support::create_tables(&pool, vec![KeywordFields::table().clone()]).await;
    let row = KeywordFields {
        id: 0,
        r#type: "t".into(),
        r#match: Some(3),
        out: 7,
        values: "v".into(),
        f0: true,
        f1: false,
    };
    let stored = row.clone().insert(&pool).await.expect("insert");
    assert!(stored.id > 0);
    assert_eq!(
        KeywordFields {
            id: stored.id,
            ..row
        },
        stored
    );
    let found = KeywordFields::query()
        .filter("\"type\" = ", "t")
        .fetch_all(&pool)
        .await
        .expect("query");
    assert_eq!(found, [stored]);
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "odd \"t`]'", audit, soft_delete, timestamps)]
#[model(unique(columns("co\"de`]")))]
pub struct Odd {
    #[column(primary_key, name = "i'd\"`]")]
    pub id: i64,
    #[column(name = "co\"de`]")]
    pub code: String,
    #[column(name = "a;-- b")]
    pub note: Option<String>,
    #[column(name = "n\\x")]
    pub n: i32,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Table and column names holding quotes of every dialect, `]`, `;`,
/// `--` and a backslash, through every helper and the audit log on each
/// engine: each is quoted for its dialect (or bound, as a JSON key).
async fn odd_names<DB>(engine: Engine, pool: sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    support::create_tables(&pool, vec![Odd::table().clone(), AuditLog::table().clone()]).await;
    let row = |c: &str| Odd {
        id: 0,
        code: c.into(),
        note: Some("x".into()),
        n: 1,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    };
    let mut a = row("A").insert(&pool).await.unwrap();
    let found = Odd::find(&pool, a.id).await.unwrap().unwrap();
    assert_eq!(found, a, "{engine:?}");
    a.note = Some("y".into());
    a.n = 2;
    a.update(&pool).await.unwrap();
    let many = Odd::insert_many(&pool, vec![row("B"), row("C")], 10)
        .await
        .unwrap();
    assert_eq!(many.len(), 2);
    a.clone().delete(&pool).await.unwrap();
    let again = row("A").insert(&pool).await.unwrap();
    assert!(
        matches!(
            Odd::restore_by_id(&pool, a.id).await,
            Err(dbgen::Error::RestoreConflict { .. })
        ),
        "{engine:?}"
    );
    assert_eq!(
        Odd::query().filter("1 = ", 1).count(&pool).await.unwrap(),
        3
    );
    // A filter naming the field where the column is named otherwise says
    // which column to write (the engine would say only that none exists).
    let by_field = Odd::query().filter("code = ", "x").count(&pool).await;
    assert!(
        matches!(&by_field, Err(e) if e.to_string().contains("use column `co\"de`]` (field `code`)")),
        "{engine:?}: {by_field:?}"
    );
    assert_eq!(
        Odd::query()
            .with_trashed()
            .order_by("co\"de`]", dbgen::Order::Desc)
            .fetch_all(&pool)
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(Odd::query().delete(&pool).await.unwrap(), 3);
    let clash = Odd::restore_all(&pool).await;
    assert!(
        matches!(clash, Err(dbgen::Error::RestoreConflict { .. })),
        "{engine:?}: two A rows clash: {clash:?}"
    );
    Odd::force_delete_by_id(&pool, again.id).await.unwrap();
    let restored = Odd::restore_all(&pool).await.unwrap();
    assert_eq!(restored, 3, "{engine:?}");
    let log = dbgen::audit::history(&pool, "odd \"t`]'", a.id)
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(
        actions,
        ["CREATE", "UPDATE", "DELETE", "RESTORE"],
        "{engine:?}"
    );
    let upd = log[1].new_values.as_ref().unwrap();
    assert_eq!(upd["a;-- b"], "y", "{engine:?}");
    assert_eq!(upd["n\\x"], 2, "{engine:?}");
    assert_eq!(
        log[0].new_values.as_ref().unwrap()["co\"de`]"],
        "A",
        "{engine:?}"
    );
}

on_every_engine!("dbgen_names", odd_names => postgres_odd_names, mariadb_odd_names, sqlite_odd_names);
