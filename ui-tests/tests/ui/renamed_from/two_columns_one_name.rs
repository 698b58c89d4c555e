use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(renamed_from = "title")]
    pub name: String,
    #[column(renamed_from = "title")]
    pub label: String,
}

fn main() {}
