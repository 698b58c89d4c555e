use dbgen::Model;

#[derive(Model)]
#[model(index(name = "idx_items_name"))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 20)]
    pub name: String,
}

fn main() {}
