use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(default = 0)]
    pub rank: i32,
}

fn main() {}
