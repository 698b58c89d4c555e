//! Migration fixtures, one folder of snapshots per change kind
//! (`tests/fixtures/<case>/<dialect>.snap`, up and down together), for all
//! four dialects. Every generated file must also parse with sqlparser under
//! its dialect with the expected number of statements.
//!
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always`).

#![allow(clippy::panic, clippy::expect_used)]

mod support;

use dbgen::diff::Change;
use dbgen::migrate::generate;
use dbgen::plan::Policy;
use dbgen::schema::{ColumnType as Ty, FkAction, Schema};
use support::*;

/// Generates the case for every dialect, snapshots it, and parses it.
fn case(name: &str, before: Schema, after: Schema) {
    for dialect in DIALECTS {
        let generated = match generate(&before, &after, dialect, &Policy::default()) {
            Ok(generated) => generated,
            Err(error) => panic!("{name}/{dialect}: {error}"),
        };
        assert!(!generated.is_empty(), "{name}: the fixture changes nothing");
        for (direction, sql) in [("up", &generated.up), ("down", &generated.down)] {
            let parsed = match parse_file(dialect, sql) {
                Ok(parsed) => parsed,
                Err(error) => panic!("{name}/{dialect} {direction} does not parse: {error}\n{sql}"),
            };
            assert_eq!(
                parsed,
                statement_count(sql),
                "{name}/{dialect} {direction}:\n{sql}"
            );
            assert!(!sql.contains('\r'));
        }
        let again = generate(&before, &after, dialect, &Policy::default()).map(|g| (g.up, g.down));
        assert_eq!(
            again.ok(),
            Some((generated.up.clone(), generated.down.clone())),
            "{name}/{dialect}: not deterministic"
        );
        let text = format!("-- up\n{}\n-- down\n{}", generated.up, generated.down);
        insta::with_settings!({
            snapshot_path => format!("fixtures/{name}"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(dialect.to_string(), text);
        });
    }
}

fn users() -> T {
    table("users").col("email", Ty::Varchar(255), false)
}

#[test]
fn create_table() {
    case(
        "create_table",
        schema(vec![]),
        schema(vec![users().index(&["email"], true)]),
    );
}

#[test]
fn create_tables_with_foreign_key_in_dependency_order() {
    let posts = table("posts").col("author_id", Ty::BigInt, false).fk(
        "author_id",
        "users",
        FkAction::Cascade,
    );
    case(
        "create_with_fk",
        schema(vec![]),
        schema(vec![posts, users()]),
    );
}

#[test]
fn create_tables_with_a_foreign_key_cycle() {
    let a = table("a")
        .col("b_id", Ty::BigInt, true)
        .fk("b_id", "b", FkAction::SetNull);
    let b = table("b")
        .col("a_id", Ty::BigInt, true)
        .fk("a_id", "a", FkAction::SetNull);
    case("create_fk_cycle", schema(vec![]), schema(vec![a, b]));
}

#[test]
fn drop_table() {
    case(
        "drop_table",
        schema(vec![users(), table("legacy")]),
        schema(vec![users()]),
    );
}

#[test]
fn rename_table_renames_derived_index_names() {
    let before = schema(vec![
        table("people")
            .col("email", Ty::Varchar(255), false)
            .index(&["email"], true),
    ]);
    let after = schema(vec![users().index(&["email"], true).renamed_from("people")]);
    case("rename_table", before, after);
}

#[test]
fn add_nullable_column() {
    case(
        "add_column_nullable",
        schema(vec![users()]),
        schema(vec![users().col("bio", Ty::Text, true)]),
    );
}

#[test]
fn add_not_null_column_with_default() {
    let after = users().column({
        let mut c = col("status", Ty::Varchar(20), false);
        c.default = Some("'active'".into());
        c
    });
    case(
        "add_column_default",
        schema(vec![users()]),
        schema(vec![after]),
    );
}

#[test]
fn add_not_null_column_without_default() {
    case(
        "add_column_not_null",
        schema(vec![users()]),
        schema(vec![users().col("age", Ty::Integer, false)]),
    );
}

#[test]
fn drop_column() {
    case(
        "drop_column",
        schema(vec![users().col("bio", Ty::Text, true)]),
        schema(vec![users()]),
    );
}

#[test]
fn rename_column() {
    let before = schema(vec![table("users").col("mail", Ty::Varchar(255), false)]);
    let after = schema(vec![
        users().edit("email", |c| c.renamed_from = Some("mail".into())),
    ]);
    case("rename_column", before, after);
}

#[test]
fn alter_column_type() {
    let after = table("users").col("email", Ty::Varchar(320), false);
    case(
        "alter_column_type",
        schema(vec![users()]),
        schema(vec![after]),
    );
}

#[test]
fn alter_column_to_not_null() {
    let before = table("users").col("email", Ty::Varchar(255), true);
    case(
        "alter_column_not_null",
        schema(vec![before]),
        schema(vec![users()]),
    );
}

#[test]
fn alter_column_default() {
    let after = users().edit("email", |c| c.default = Some("''".into()));
    case(
        "alter_column_default",
        schema(vec![users()]),
        schema(vec![after]),
    );
}

#[test]
fn alter_column_comment() {
    let after = users().edit("email", |c| c.comment = Some("where we write".into()));
    case(
        "alter_column_comment",
        schema(vec![users()]),
        schema(vec![after]),
    );
}

#[test]
fn add_index() {
    case(
        "add_index",
        schema(vec![users()]),
        schema(vec![users().index(&["email"], false)]),
    );
}

#[test]
fn add_unique_index() {
    case(
        "add_unique_index",
        schema(vec![users()]),
        schema(vec![users().index(&["email"], true)]),
    );
}

#[test]
fn add_partial_index() {
    let after = users().col("active", Ty::Boolean, false).partial_index(
        "idx_users_active_email",
        &["email"],
        "active",
    );
    let before = users().col("active", Ty::Boolean, false);
    // MySQL has no partial indexes: that dialect is checked to refuse it.
    {
        let dialect = dbgen::dialect::Dialect::MySql;
        let result = generate(
            &schema(vec![T(before.0.clone())]),
            &schema(vec![T(after.0.clone())]),
            dialect,
            &Policy::default(),
        );
        assert!(
            matches!(result, Err(dbgen::Error::Unsupported(_))),
            "{result:?}"
        );
    }
    for dialect in [
        dbgen::dialect::Dialect::Postgres,
        dbgen::dialect::Dialect::Sqlite,
        dbgen::dialect::Dialect::SqlServer,
    ] {
        let generated = generate(
            &schema(vec![T(before.0.clone())]),
            &schema(vec![T(after.0.clone())]),
            dialect,
            &Policy::default(),
        )
        .expect("partial index renders");
        assert!(generated.up.contains("WHERE active"), "{}", generated.up);
        parse_file(dialect, &generated.up).expect("parses");
    }
}

#[test]
fn add_unique_among_live_rows() {
    let before = users().soft_delete();
    let after = users().soft_delete().index(&["email"], true);
    case(
        "add_live_rows_unique",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn drop_index() {
    case(
        "drop_index",
        schema(vec![users().index(&["email"], false)]),
        schema(vec![users()]),
    );
}

#[test]
fn rename_index_after_column_rename() {
    let before = schema(vec![
        table("users")
            .col("mail", Ty::Varchar(255), false)
            .index(&["mail"], false),
    ]);
    let after = schema(vec![
        users()
            .edit("email", |c| c.renamed_from = Some("mail".into()))
            .index(&["email"], false),
    ]);
    case("rename_index", before, after);
}

#[test]
fn add_foreign_key() {
    let posts = || table("posts").col("author_id", Ty::BigInt, false);
    let before = schema(vec![users(), posts()]);
    let after = schema(vec![
        users(),
        posts().fk("author_id", "users", FkAction::Restrict),
    ]);
    case("add_foreign_key", before, after);
}

#[test]
fn drop_foreign_key() {
    let posts = || table("posts").col("author_id", Ty::BigInt, false);
    let before = schema(vec![
        users(),
        posts().fk("author_id", "users", FkAction::Cascade),
    ]);
    case("drop_foreign_key", before, schema(vec![users(), posts()]));
}

#[test]
fn add_check() {
    let products = || {
        table("products").col(
            "price",
            Ty::Decimal {
                precision: 10,
                scale: 2,
            },
            false,
        )
    };
    case(
        "add_check",
        schema(vec![products()]),
        schema(vec![products().check("chk_products_price", "price >= 0")]),
    );
}

#[test]
fn drop_check() {
    let products = || {
        table("products").col(
            "price",
            Ty::Decimal {
                precision: 10,
                scale: 2,
            },
            false,
        )
    };
    case(
        "drop_check",
        schema(vec![products().check("chk_products_price", "price >= 0")]),
        schema(vec![products()]),
    );
}

#[test]
fn change_primary_key() {
    // Keys without identity columns: PostgreSQL's `DROP IDENTITY` is valid
    // but outside sqlparser's grammar, so it has no place in this fixture.
    let memberships = || {
        table("memberships")
            .col("group_id", Ty::BigInt, false)
            .col("user_id", Ty::BigInt, false)
    };
    let before = memberships().key(&["id"]);
    let after = memberships().key(&["group_id", "user_id"]);
    case(
        "change_primary_key",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn table_comment() {
    case(
        "table_comment",
        schema(vec![users()]),
        schema(vec![users().comment("people who sign in; it's them")]),
    );
}

#[test]
fn identifiers_with_quote_characters() {
    let odd = table("we\"ird`na]me")
        .col("co\"l`u]mn; --", Ty::Text, true)
        .index(&["co\"l`u]mn; --"], false);
    case("quoted_identifiers", schema(vec![]), schema(vec![odd]));
}

#[test]
fn drop_unique_among_live_rows() {
    let before = users().soft_delete().index(&["email"], true);
    case(
        "drop_live_rows_unique",
        schema(vec![before]),
        schema(vec![users().soft_delete()]),
    );
}

#[test]
fn every_change_kind_is_covered_by_a_fixture() {
    // The fixtures above produce these kinds; a new kind needs a fixture.
    let covered = [
        "create_table",
        "drop_table",
        "rename_table",
        "add_column",
        "drop_column",
        "rename_column",
        "alter_column",
        "add_index",
        "drop_index",
        "rename_index",
        "add_foreign_key",
        "drop_foreign_key",
        "add_check",
        "drop_check",
        "set_primary_key",
        "set_table_comment",
    ];
    assert_eq!(Change::KINDS, covered);
}

#[test]
fn no_changes_render_nothing() {
    let s = schema(vec![users().index(&["email"], true)]);
    for dialect in DIALECTS {
        let generated = generate(&s, &s, dialect, &Policy::default()).expect("renders");
        assert!(generated.is_empty() && generated.up.is_empty() && generated.down.is_empty());
    }
}

#[test]
fn skip_policy_leaves_drops_out_and_says_so() {
    let policy = Policy::skipping(["drop_table"]).expect("known kind");
    let generated = generate(
        &schema(vec![users(), table("legacy")]),
        &schema(vec![users()]),
        dbgen::dialect::Dialect::Postgres,
        &policy,
    )
    .expect("renders");
    assert!(generated.is_empty());
    assert_eq!(generated.skipped.len(), 1);
    assert!(
        generated.up.contains("skipped by policy"),
        "{}",
        generated.up
    );
    assert!(Policy::skipping(["drop_everything"]).is_err());
}

#[test]
fn stale_rename_hints_are_ignored_with_a_note() {
    let s = schema(vec![users().renamed_from("people")]);
    let generated = generate(
        &s,
        &s,
        dbgen::dialect::Dialect::Postgres,
        &Policy::default(),
    )
    .expect("renders");
    assert!(generated.is_empty());
    assert!(
        generated
            .notes
            .iter()
            .any(|n| n.contains("renamed_from = \"people\"")),
        "{:?}",
        generated.notes
    );
}
