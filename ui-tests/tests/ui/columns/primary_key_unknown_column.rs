use dbgen::Model;

#[derive(Model)]
#[model(primary_key(columns("org_id", "user")))]
pub struct Item {
    pub org_id: i64,
    pub user_id: i64,
}

fn main() {}
