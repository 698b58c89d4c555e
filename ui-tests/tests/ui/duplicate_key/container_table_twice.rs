use dbgen::Model;

#[derive(Model)]
#[model(table = "a")]
#[model(table = "b")]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
