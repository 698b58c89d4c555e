use dbgen::Model;

#[derive(Model)]
#[model(index(colums("id")))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
