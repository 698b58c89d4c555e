use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(references = "users(id)", on_delete = "set default")]
    pub user_id: i64,
}

fn main() {}
