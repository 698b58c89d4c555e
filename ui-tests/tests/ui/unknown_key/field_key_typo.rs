use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primay_key)]
    pub id: i64,
}

fn main() {}
