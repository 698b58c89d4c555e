use dbgen::Model;

#[derive(Model)]
#[model(table = "items", renamed_from = "items")]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
