use chrono::{DateTime, Utc};
use dbgen::Model;
use rust_decimal::Decimal;

/// Something the blog's shop sells.
#[derive(Model, Debug, Clone)]
#[model(table = "products", soft_delete, timestamps)]
#[model(index(columns("category_id", "status"), name = "idx_products_cat_status"))]
#[model(check(name = "chk_products_price", expr = "price >= 0"))]
pub struct Product {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 200)]
    pub name: String,
    #[column(type = "decimal(10,2)")]
    pub price: Decimal,
    pub description: Option<String>,
    #[column(size = 64, unique)]
    pub sku: String,
    #[column(index, references = "categories(id)", on_delete = "restrict")]
    pub category_id: i64,
    #[column(size = 20, default = "'active'")]
    pub status: String,
    /// Computed in the app, not stored.
    #[column(skip)]
    pub cached_rank: Option<u32>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}
