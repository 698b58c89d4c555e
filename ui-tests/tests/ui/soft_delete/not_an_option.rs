use dbgen::Model;

#[derive(Model)]
#[model(soft_delete)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub deleted_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
