use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(soft_delete)]
    pub removed_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {}
