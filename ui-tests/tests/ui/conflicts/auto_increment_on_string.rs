use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key, auto_increment)]
    pub code: String,
}

fn main() {}
