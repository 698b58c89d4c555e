use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(name = "a\0b")]
    pub odd: String,
}

fn main() {}
