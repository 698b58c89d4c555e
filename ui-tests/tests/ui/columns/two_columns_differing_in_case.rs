use dbgen::Model;

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub email: String,
    #[column(name = "Email")]
    pub contact: String,
}

fn main() {}
