use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(name = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc")]
    pub long: String,
}

fn main() {}
