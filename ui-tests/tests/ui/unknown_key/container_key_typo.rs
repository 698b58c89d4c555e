use dbgen::Model;

#[derive(Model)]
#[model(tabel = "items")]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
