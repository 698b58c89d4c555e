use dbgen::Model;

#[derive(Model)]
#[model(index(columns("id"), name = "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"))]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
