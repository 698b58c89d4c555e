use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(renamed_from = "title")]
    pub name: String,
    pub title: String,
}

fn main() {}
