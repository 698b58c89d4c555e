//! Field names that are Rust keywords (`r#type`) or that match names the
//! derive uses inside its functions (`out`, `values`, `f0`) are ordinary
//! columns.

#![allow(clippy::expect_used)]

use dbgen::Model;

mod support;

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
