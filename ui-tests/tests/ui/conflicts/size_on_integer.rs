use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 20)]
    pub count: i64,
}

fn main() {}
