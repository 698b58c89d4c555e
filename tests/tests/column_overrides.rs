//! Column types come from field types unless attributes say otherwise:
//! `size`/`type` set the type, `nullable` or an `Option` field the
//! nullability, and the rest keep what the field type gives.

use dbgen::Model;
use dbgen::schema::ColumnType;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "overrides")]
pub struct Overrides {
    #[column(primary_key)]
    pub id: i64,
    #[column(nullable)]
    pub note: String,
    #[column(size = 20)]
    pub code: Option<String>,
    #[column(size = 30)]
    pub label: String,
    #[column(type = "text", nullable)]
    pub body: String,
    #[column(type = "decimal(8,3)")]
    pub amount: rust_decimal::Decimal,
    pub plain: i32,
}

#[test]
fn attributes_override_the_field_type_where_given() {
    let table = Overrides::table();
    let columns: Vec<(&str, ColumnType, bool)> = table
        .columns
        .iter()
        .map(|c| (&*c.name, c.ty, c.nullable))
        .collect();
    assert_eq!(
        columns,
        [
            ("id", ColumnType::BigInt, false),
            ("note", ColumnType::Text, true),
            ("code", ColumnType::Varchar(20), true),
            ("label", ColumnType::Varchar(30), false),
            ("body", ColumnType::Text, true),
            (
                "amount",
                ColumnType::Decimal {
                    precision: 8,
                    scale: 3
                },
                false
            ),
            ("plain", ColumnType::Integer, false),
        ]
    );
}
