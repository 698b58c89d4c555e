use dbgen::Model;

pub struct Money(i64);

#[derive(Model)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
    pub money: Money,
}

fn main() {}
