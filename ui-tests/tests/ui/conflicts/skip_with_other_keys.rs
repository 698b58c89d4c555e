use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(skip, unique)]
    pub cache: Option<u32>,
}

fn main() {}
