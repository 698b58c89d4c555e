use dbgen::Model;

// PostgreSQL refuses to write an i64 into a varchar, and to read a
// timestamptz value from a timestamp column; SQLite takes both.
#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    #[column(type = "varchar(10)")]
    pub count: i64,
    #[column(type = "timestamp")]
    pub seen_at: Option<chrono::DateTime<chrono::Utc>>,
    #[column(type = "char(2)")]
    pub country: String,
}

fn main() {}
