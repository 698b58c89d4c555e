use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(type = "decimal(10)")]
    pub price: rust_decimal::Decimal,
}

fn main() {}
