use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub tags: Option<Vec<String>>,
}

fn main() {}
