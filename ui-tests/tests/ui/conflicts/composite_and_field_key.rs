use dbgen::Model;

#[derive(Model)]
#[model(primary_key(columns("id", "tenant_id")))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
}

fn main() {}
