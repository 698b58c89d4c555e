use dbgen::Model;

#[derive(Model)]
#[model(unique(columns("sku", "tenant")))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub sku: String,
    pub tenant_id: i64,
}

fn main() {}
