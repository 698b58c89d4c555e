use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(on_delete = "cascade")]
    pub owner_id: i64,
}

fn main() {}
