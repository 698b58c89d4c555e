//! The registry of the blog example, read in-process: every model, including
//! one in a module nothing references, with the right columns and keys.

#![allow(clippy::panic, clippy::expect_used)]

use blog as _;
use dbgen::schema::{ColumnType, FkAction, Schema, Table};

fn schema() -> Schema {
    match dbgen::registry::schema() {
        Ok(schema) => schema,
        Err(error) => panic!("the blog's registry is inconsistent: {error}"),
    }
}

fn table<'s>(schema: &'s Schema, name: &str) -> &'s Table {
    schema.table(name).unwrap_or_else(|| {
        panic!(
            "no table `{name}` in {:?}",
            schema.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
        )
    })
}

fn column(table: &Table, name: &str) -> (ColumnType, bool) {
    let c = table
        .column(name)
        .unwrap_or_else(|| panic!("no column {}.{name}", table.name));
    (c.ty, c.nullable)
}

#[test]
fn lists_the_five_tables_in_name_order() {
    let names: Vec<String> = schema().tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        names,
        ["audit_logs", "categories", "posts", "products", "users"]
    );
}

#[test]
fn columns_have_their_types_and_nullability() {
    let schema = schema();
    let users = table(&schema, "users");
    assert_eq!(column(users, "id"), (ColumnType::BigInt, false));
    assert_eq!(column(users, "email"), (ColumnType::Varchar(255), false));
    assert_eq!(column(users, "is_admin"), (ColumnType::Boolean, false));
    assert_eq!(column(users, "deleted_at"), (ColumnType::TimestampTz, true));
    assert!(users.column("password_hash").is_some_and(|c| c.sensitive));
    assert!(users.column("id").is_some_and(|c| c.auto_increment));
    assert_eq!(users.soft_delete.as_deref(), Some("deleted_at"));
    assert!(users.audit && users.timestamps);

    let products = table(&schema, "products");
    assert_eq!(
        column(products, "price"),
        (
            ColumnType::Decimal {
                precision: 10,
                scale: 2
            },
            false
        )
    );
    assert_eq!(column(products, "description"), (ColumnType::Text, true));
    assert_eq!(
        products.column("status").and_then(|c| c.default()),
        Some("'active'")
    );
    assert!(
        products.column("cached_rank").is_none(),
        "skip fields are not columns"
    );
    assert!(!products.audit);

    let posts = table(&schema, "posts");
    assert_eq!(
        column(posts, "published_at"),
        (ColumnType::TimestampTz, true)
    );
    assert_eq!(column(posts, "body"), (ColumnType::Text, false));
}

#[test]
fn indexes_and_live_row_uniqueness() {
    let schema = schema();
    let users = table(&schema, "users");
    let email = users
        .indexes
        .iter()
        .find(|i| i.name == "uq_users_email")
        .expect("email unique");
    assert!(
        email.unique && email.live_rows,
        "unique on a soft-delete model holds among live rows"
    );

    let posts = table(&schema, "posts");
    let names: Vec<&str> = posts.indexes.iter().map(|i| &*i.name).collect();
    assert_eq!(
        names,
        [
            "idx_posts_author_id",
            "idx_posts_author_published",
            "uq_posts_slug"
        ]
    );
    let slug = &posts.indexes[2];
    assert!(slug.unique && !slug.live_rows, "posts has no soft delete");

    let products = table(&schema, "products");
    let cat_status = products
        .indexes
        .iter()
        .find(|i| i.name == "idx_products_cat_status")
        .expect("composite");
    assert_eq!(
        cat_status.columns.iter().map(|c| &**c).collect::<Vec<_>>(),
        ["category_id", "status"]
    );
    assert_eq!(products.checks.len(), 1);
    assert_eq!(products.checks[0].expr, "price >= 0");

    let audit = table(&schema, "audit_logs");
    let audit_names: Vec<Vec<&str>> = audit
        .indexes
        .iter()
        .map(|i| i.columns.iter().map(|c| &**c).collect())
        .collect();
    assert!(audit_names.contains(&vec!["entity_type", "entity_id"]));
    assert!(audit_names.contains(&vec!["user_id"]));
    assert!(audit_names.contains(&vec!["created_at"]));
}

#[test]
fn foreign_keys_with_actions() {
    let schema = schema();
    let posts = table(&schema, "posts");
    assert_eq!(posts.foreign_keys.len(), 1);
    let fk = &posts.foreign_keys[0];
    assert_eq!(fk.name, "fk_posts_author_id");
    assert_eq!((&*fk.ref_table, &*fk.ref_columns[0]), ("users", "id"));
    assert_eq!(fk.on_delete, FkAction::Cascade);

    let categories = table(&schema, "categories");
    assert_eq!(categories.foreign_keys[0].on_delete, FkAction::SetNull);
    assert_eq!(column(categories, "parent_id"), (ColumnType::BigInt, true));
    assert_eq!(
        table(&schema, "products").foreign_keys[0].on_delete,
        FkAction::Restrict
    );
}

#[test]
fn json_export_round_trips_and_is_deterministic() {
    let schema = schema();
    let json = schema.to_json();
    assert_eq!(
        json,
        dbgen::registry::schema()
            .map(|s| s.to_json())
            .unwrap_or_default()
    );
    let back = Schema::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, schema);
    assert!(json.contains("\"format_version\": 1"));
    assert!(json.contains("\"type\": \"decimal(10,2)\""));
}
