//! Unit tests of the IR: the type grammar, names, JSON round trip, determinism.

use std::borrow::Cow;

use super::names::{
    MAX_IDENTIFIER_BYTES, check_identifier, default_table_name, derived_name, shorten,
};
use super::*;

#[test]
fn every_type_reads_back_its_canonical_spelling() {
    let all = [
        ColumnType::SmallInt,
        ColumnType::Integer,
        ColumnType::BigInt,
        ColumnType::Real,
        ColumnType::Double,
        ColumnType::Decimal {
            precision: 10,
            scale: 2,
        },
        ColumnType::Boolean,
        ColumnType::Char(2),
        ColumnType::Varchar(200),
        ColumnType::Text,
        ColumnType::Date,
        ColumnType::Time,
        ColumnType::Timestamp,
        ColumnType::TimestampTz,
        ColumnType::Uuid,
        ColumnType::Json,
        ColumnType::Binary,
        ColumnType::Varbinary(16),
    ];
    for ty in all {
        assert_eq!(ColumnType::parse(&ty.to_string()), Ok(ty), "{ty}");
    }
}

#[test]
fn type_grammar_is_forgiving_about_case_and_spaces() {
    assert_eq!(
        ColumnType::parse(" DECIMAL( 12 , 4 ) "),
        Ok(ColumnType::Decimal {
            precision: 12,
            scale: 4
        })
    );
    assert_eq!(
        ColumnType::parse("VarChar(20)"),
        Ok(ColumnType::Varchar(20))
    );
    assert_eq!(ColumnType::parse("int8"), Ok(ColumnType::BigInt));
}

#[test]
fn type_errors_say_what_to_write() {
    let message = |t: &str| {
        ColumnType::parse(t)
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    };
    assert!(message("varchar").contains("varchar(255)"));
    assert!(message("decimal(10)").contains("decimal(10,2)"));
    assert!(message("decimal(5,6)").contains("scale at most the precision"));
    assert!(message("varchar(0)").contains("at least 1"));
    assert!(message("varchar(99999999)").contains("too large"));
    assert!(message("text(5)").contains("takes no arguments"));
    assert!(message("strnig").contains("expected one of"));
    assert!(message("varchar(10").contains("parenthesis"));
}

#[test]
fn identifiers_are_checked_in_bytes() {
    assert!(check_identifier("users").is_ok());
    assert!(check_identifier(&"a".repeat(MAX_IDENTIFIER_BYTES)).is_ok());
    assert!(check_identifier(&"a".repeat(MAX_IDENTIFIER_BYTES + 1)).is_err());
    // 32 two-byte characters are 64 bytes.
    assert!(check_identifier(&"é".repeat(32)).is_err());
    assert!(check_identifier("").is_err());
    assert!(check_identifier("a\0b").is_err());
}

#[test]
fn derived_names_fit_and_stay_distinct() {
    assert_eq!(
        derived_name("idx", "posts", &["author_id"]),
        "idx_posts_author_id"
    );
    let long_a = derived_name("idx", &"t".repeat(60), &["column_a"]);
    let long_b = derived_name("idx", &"t".repeat(60), &["column_b"]);
    assert!(long_a.len() <= MAX_IDENTIFIER_BYTES && long_b.len() <= MAX_IDENTIFIER_BYTES);
    assert_ne!(long_a, long_b);
    assert!(shorten(&"é".repeat(40)).len() <= MAX_IDENTIFIER_BYTES);
}

#[test]
fn default_table_names_are_snake_case_plurals() {
    assert_eq!(default_table_name("User"), "users");
    assert_eq!(default_table_name("Category"), "categories");
    assert_eq!(default_table_name("BlogPost"), "blog_posts");
    assert_eq!(default_table_name("Box"), "boxes");
    assert_eq!(default_table_name("HTTPRequest"), "http_requests");
    assert_eq!(default_table_name("Day"), "days");
}

fn sample_table(name: &'static str) -> Table {
    Table {
        name: Str::new_static(name),
        columns: Cow::Owned(vec![
            Column {
                auto_increment: true,
                ..Column::new("id", ColumnType::BigInt, false).with_comment("key")
            },
            Column::new("deleted_at", ColumnType::TimestampTz, true),
        ]),
        primary_key: Some(PrimaryKey {
            name: "pk_x".into(),
            columns: Cow::Owned(vec!["id".into()]),
        }),
        indexes: Cow::Owned(vec![Index {
            name: "idx_x".into(),
            columns: Cow::Owned(vec!["id".into()]),
            unique: true,
            live_rows: true,
            predicate: Some("id > 0".into()),
        }]),
        foreign_keys: Cow::Owned(vec![ForeignKey {
            name: "fk_x".into(),
            columns: Cow::Owned(vec!["id".into()]),
            ref_table: "other".into(),
            ref_columns: Cow::Owned(vec!["id".into()]),
            on_delete: FkAction::SetNull,
            on_update: FkAction::Cascade,
        }]),
        checks: Cow::Owned(vec![Check {
            name: "chk".into(),
            expr: "id > 0".into(),
        }]),
        comment: Some("a table".into()),
        renamed_from: Some("old".into()),
        soft_delete: Some("deleted_at".into()),
        audit: true,
        timestamps: true,
    }
}

#[test]
fn json_round_trip_keeps_every_field() {
    let schema = Schema::new(vec![sample_table("b"), sample_table("a")]);
    let json = schema.to_json();
    let back = Schema::from_json(&json).unwrap_or_default();
    assert_eq!(back, schema);
    assert!(json.contains("\"on_delete\": \"set null\""), "{json}");
    assert!(json.contains("\"where\": \"id > 0\""), "{json}");
}

#[test]
fn schema_order_and_bytes_do_not_depend_on_input_order() {
    let one = Schema::new(vec![
        sample_table("b"),
        sample_table("a"),
        sample_table("c"),
    ]);
    let two = Schema::new(vec![
        sample_table("c"),
        sample_table("a"),
        sample_table("b"),
    ]);
    assert_eq!(one.to_json(), two.to_json());
    assert_eq!(one.tables[0].name, "a");
    assert!(one.to_json().ends_with("}\n") && !one.to_json().contains('\r'));
}

#[test]
fn unknown_versions_and_fields_are_refused() {
    let future = Schema::new(vec![])
        .to_json()
        .replace("\"format_version\": 1", "\"format_version\": 99");
    assert!(matches!(
        Schema::from_json(&future),
        Err(crate::Error::SchemaVersion { found: 99, .. })
    ));
    let typo = "{\"format_version\": 1, \"tables\": [], \"tabels\": []}";
    assert!(matches!(
        Schema::from_json(typo),
        Err(crate::Error::SchemaJson(_))
    ));
    let bad_type = r#"{"format_version":1,"tables":[{"name":"t","columns":[{"name":"a","field":"a","type":"strnig","nullable":true}]}]}"#;
    let err = Schema::from_json(bad_type)
        .err()
        .map(|e| format!("{e}"))
        .unwrap_or_default();
    assert!(err.contains("strnig"), "{err}");
}

#[test]
fn a_column_is_small_and_its_rare_attributes_round_trip() -> Result<(), serde_json::Error> {
    assert!(
        std::mem::size_of::<Column>() <= 48,
        "Column is {} bytes",
        std::mem::size_of::<Column>()
    );
    let plain = Column::new("id", ColumnType::BigInt, false);
    assert_eq!(plain.field(), "id");
    assert_eq!(plain.default(), None);
    // A field named like the column is the same column as no field at all.
    assert_eq!(plain.clone().with_field("id"), plain);
    let rich = Column::new("e_mail", ColumnType::Varchar(200), true)
        .with_field("email")
        .with_default("''")
        .with_comment("where we write")
        .with_renamed_from("mail");
    let json = serde_json::to_string(&rich)?;
    assert_eq!(
        json,
        r#"{"name":"e_mail","field":"email","type":"varchar(200)","nullable":true,"default":"''","comment":"where we write","renamed_from":"mail"}"#
    );
    let back: Column = serde_json::from_str(&json)?;
    assert_eq!(back, rich);
    assert_eq!(back.field(), "email");
    assert_eq!(back.renamed_from(), Some("mail"));
    let mut cleared = back;
    cleared.set_field("e_mail");
    cleared.set_default(None);
    cleared.set_comment(None);
    cleared.set_renamed_from(None);
    assert_eq!(
        cleared,
        Column::new("e_mail", ColumnType::Varchar(200), true),
        "clearing every rare attribute leaves a plain column"
    );
    let unknown = r#"{"name":"a","field":"a","type":"text","nullable":true,"colour":"red"}"#;
    assert!(serde_json::from_str::<Column>(unknown).is_err());
    Ok(())
}

#[test]
fn tables_are_found_by_name_whatever_the_order_of_lookups() {
    let sorted = Schema::new(vec![
        sample_table("c"),
        sample_table("a"),
        sample_table("b"),
    ]);
    let by_name = ByName::of(&sorted);
    assert!(matches!(by_name, ByName::Sorted(..)));
    for name in ["a", "b", "b", "c", "a", "c", "b", "a"] {
        assert_eq!(by_name.table(name).map(|t| &*t.name), Some(name));
    }
    assert_eq!(by_name.position("c"), Some(2));
    assert!(by_name.table("d").is_none());
    assert!(by_name.table("").is_none());
    // Tables set out of order (the field is public) are still found.
    let mut unsorted = sorted.clone();
    unsorted.tables.reverse();
    let by_name = ByName::of(&unsorted);
    assert!(matches!(by_name, ByName::Hashed(..)));
    assert_eq!(by_name.position("a"), Some(2));
    assert_eq!(by_name.table("b").map(|t| &*t.name), Some("b"));
    assert!(by_name.table("d").is_none());
}

#[test]
fn an_expression_mentions_a_column_by_its_whole_name() {
    for (expr, mentioned) in [
        ("price > 0", true),
        ("\"price\" > 0", true),
        ("[price] > 0 AND [qty] > 0", true),
        ("`price` > 0", true),
        ("PRICE >= 0", true),
        ("(price)>0", true),
        ("prices > 0", false),
        ("unit_price > 0", false),
        ("price_cents > 0", false),
        ("status = 'price'", false),
        ("status = 'it''s price'", false),
        ("\"pr\"\"ice\" > 0", false),
        ("1price > 0", false),
        ("", false),
    ] {
        assert_eq!(mentions(expr, "price"), mentioned, "{expr}");
    }
    assert!(mentions("\"a\"\"b\" > 0", "a\"b"));
    assert!(mentions("[a]]b] > 0", "a]b"));
    assert!(mentions("größe > 0", "GRÖßE") == "größe".eq_ignore_ascii_case("GRÖßE"));
}

#[test]
fn a_rename_rewrites_each_mention_keeping_its_quotes() {
    for (expr, renamed) in [
        ("price > 0", Some("cost > 0")),
        (
            "PRICE > 0 AND \"price\" < 9",
            Some("cost > 0 AND \"cost\" < 9"),
        ),
        (
            "[price] > 0 OR `price` IS NULL",
            Some("[cost] > 0 OR `cost` IS NULL"),
        ),
        ("(price)>0", Some("(cost)>0")),
        ("unit_price > 0 AND status = 'price'", None),
        ("\"pr\"\"ice\" > 0", None),
        ("", None),
    ] {
        assert_eq!(
            rename_in(expr, one("price", "cost")).as_deref(),
            renamed,
            "{expr}"
        );
    }
    // A new name that needs quotes gets them, escaped as the old quotes.
    assert_eq!(
        rename_in("price > 0 AND [price] > 1", one("price", "a]b c")).as_deref(),
        Some("\"a]b c\" > 0 AND [a]]b c] > 1")
    );
    assert_eq!(
        rename_in("\"price\" > 0", one("price", "say \"hi\"")).as_deref(),
        Some("\"say \"\"hi\"\"\" > 0")
    );
    // What is renamed is what `mentions` finds, and only that.
    for expr in ["x >= 0 AND y < 3", "\"x\" = 'x'", "x"] {
        let renamed = rename_in(expr, one("x", "z")).unwrap_or_default();
        assert!(
            !mentions(&renamed, "x") && mentions(&renamed, "z"),
            "{renamed}"
        );
    }
    // Names are renamed at once: a swap is a swap.
    let swap = |name: &str| match name {
        "a" => Some("b"),
        "b" => Some("a"),
        _ => None,
    };
    assert_eq!(rename_in("a < b", swap).as_deref(), Some("b < a"));
}

/// A renaming of `from` (in any ASCII case) to `to`.
fn one<'n>(from: &'static str, to: &'n str) -> impl Fn(&str) -> Option<&'n str> {
    move |name: &str| name.eq_ignore_ascii_case(from).then_some(to)
}

#[test]
fn a_live_rows_index_uses_the_soft_delete_column() {
    let mut table = sample_table("t");
    table.soft_delete = Some("deleted_at".into());
    let index = Index {
        name: "uq".into(),
        columns: vec!["email".into()].into(),
        unique: true,
        live_rows: true,
        predicate: None,
    };
    assert!(index.uses(&table, "email"));
    assert!(index.uses(&table, "deleted_at"));
    assert!(!index.uses(&table, "name"));
    let partial = Index {
        live_rows: false,
        predicate: Some("\"status\" <> 'gone'".into()),
        ..index
    };
    assert!(partial.uses(&table, "status"));
    assert!(!partial.uses(&table, "deleted_at"));
    // The filter's columns, apart from the key's.
    assert!(partial.filters_on(&table, "status"));
    assert!(!partial.filters_on(&table, "email"));
}

type Edit = fn(&mut serde_json::Value);

/// Appends a copy of the list's last element.
fn twice(list: &mut serde_json::Value) {
    if let Some(items) = list.as_array_mut()
        && let Some(last) = items.last().cloned()
    {
        items.push(last);
    }
}

/// A snapshot edited by hand, or merged badly, is refused when it is read:
/// each edit below made `cargo dbgen diff` write a migration for a database
/// that does not exist (a table listed twice was dropped).
#[test]
fn a_schema_that_contradicts_itself_is_refused() -> Result<(), serde_json::Error> {
    let good = r#"{"format_version":1,"tables":[
        {"name":"authors","columns":[{"name":"id","field":"id","type":"bigint","nullable":false}],
         "primary_key":{"name":"pk_authors","columns":["id"]}},
        {"name":"books","columns":[
            {"name":"id","field":"id","type":"bigint","nullable":false},
            {"name":"author_id","field":"author_id","type":"bigint","nullable":false},
            {"name":"deleted_at","field":"deleted_at","type":"timestamptz","nullable":true}],
         "primary_key":{"name":"pk_books","columns":["id"]},
         "indexes":[{"name":"idx_books_author_id","columns":["author_id"]}],
         "foreign_keys":[{"name":"fk_books_author_id","columns":["author_id"],"ref_table":"authors","ref_columns":["id"]}],
         "checks":[{"name":"chk_books_id","expr":"id > 0"}],
         "soft_delete":"deleted_at"}]}"#;
    assert!(Schema::from_json(good).is_ok());
    let cases: [(&str, Edit, &str); 14] = [
        (
            "table twice",
            |s| twice(&mut s["tables"]),
            "table `books` is listed twice",
        ),
        (
            "no columns",
            |s| s["tables"][0]["columns"] = serde_json::json!([]),
            "table `authors`: it has no columns",
        ),
        (
            "column twice",
            |s| s["tables"][1]["columns"][2]["name"] = "id".into(),
            "column `id` is listed twice",
        ),
        (
            "empty column name",
            |s| s["tables"][1]["columns"][2]["name"] = "".into(),
            "column name is empty",
        ),
        (
            "key on a missing column",
            |s| s["tables"][1]["primary_key"]["columns"][0] = "key".into(),
            "primary key `pk_books` names column `key`, which the table does not have",
        ),
        (
            "key of no column",
            |s| s["tables"][1]["primary_key"]["columns"] = serde_json::json!([]),
            "primary key `pk_books` names no column",
        ),
        (
            "index on a missing column",
            |s| s["tables"][1]["indexes"][0]["columns"][0] = "writer_id".into(),
            "index `idx_books_author_id` names column `writer_id`",
        ),
        (
            "index twice",
            |s| twice(&mut s["tables"][1]["indexes"]),
            "index `idx_books_author_id` is listed twice",
        ),
        (
            "index column twice",
            |s| s["tables"][1]["indexes"][0]["columns"] = serde_json::json!(["id", "id"]),
            "names column `id` twice",
        ),
        (
            "key on a missing column",
            |s| s["tables"][1]["foreign_keys"][0]["columns"][0] = "writer_id".into(),
            "foreign key `fk_books_author_id` names column `writer_id`",
        ),
        (
            "key of unequal width",
            |s| {
                s["tables"][1]["foreign_keys"][0]["ref_columns"] = serde_json::json!(["id", "name"])
            },
            "has 1 column(s) and references 2",
        ),
        (
            "key to a missing column",
            |s| s["tables"][1]["foreign_keys"][0]["ref_columns"][0] = "uid".into(),
            "references column `uid` of `authors`",
        ),
        (
            "check twice",
            |s| twice(&mut s["tables"][1]["checks"]),
            "check `chk_books_id` is listed twice",
        ),
        (
            "soft delete on a missing column",
            |s| s["tables"][1]["soft_delete"] = "removed_at".into(),
            "soft-delete column `removed_at`",
        ),
    ];
    for (what, edit, expected) in cases {
        let mut value: serde_json::Value = serde_json::from_str(good)?;
        edit(&mut value);
        let read = Schema::from_json(&value.to_string());
        assert!(
            matches!(&read, Err(crate::Error::InvalidSchema(message)) if message.contains(expected)),
            "{what}: expected InvalidSchema naming {expected:?}, got {read:?}"
        );
    }
    // A key to a table the schema does not hold is the user's own table.
    let mut value: serde_json::Value = serde_json::from_str(good)?;
    value["tables"][1]["foreign_keys"][0]["ref_table"] = "people".into();
    value["tables"][1]["foreign_keys"][0]["ref_columns"][0] = "person_id".into();
    assert!(Schema::from_json(&value.to_string()).is_ok());
    Ok(())
}
