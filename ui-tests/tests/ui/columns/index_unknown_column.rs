use dbgen::Model;

#[derive(Model)]
#[model(index(columns("categroy_id")))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub category_id: i64,
}

fn main() {}
