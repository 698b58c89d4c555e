use dbgen::Model;

#[derive(Model)]
#[model(table = 5)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
