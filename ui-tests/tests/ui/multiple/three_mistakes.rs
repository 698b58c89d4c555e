use dbgen::Model;

#[derive(Model)]
#[model(tabel = "items")]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(type = "strnig")]
    pub name: String,
    #[column(references = "users")]
    pub user_id: i64,
}

fn main() {}
