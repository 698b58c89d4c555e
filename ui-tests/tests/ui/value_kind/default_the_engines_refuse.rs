use dbgen::Model;

// SQLite takes each of these defaults; PostgreSQL and MySQL refuse the
// table.
#[derive(Model)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(default = "pending")]
    pub status: String,
    #[column(default = "1")]
    pub paid: bool,
    #[column(default = "'none'")]
    pub quantity: i32,
    #[column(default = "'pending'")]
    pub fine: String,
    #[column(default = "\"pending\"")]
    pub quoted: String,
    #[column(default = "CURRENT_TIMESTAMP")]
    pub placed_at: chrono::NaiveDateTime,
}

fn main() {}
