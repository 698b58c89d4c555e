use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(primary_key)]
    pub tenant_id: i64,
}

fn main() {}
