use dbgen::Model;

#[derive(Model)]
#[model(timestamps)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub created_at: String,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {}
