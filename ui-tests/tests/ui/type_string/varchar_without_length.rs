use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(type = "varchar")]
    pub name: String,
}

fn main() {}
