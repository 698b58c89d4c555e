use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(unique = true)]
    pub name: String,
}

fn main() {}
