use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(auto_increment)]
    pub seq: i64,
}

fn main() {}
