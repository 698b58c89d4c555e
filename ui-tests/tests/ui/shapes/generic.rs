use dbgen::Model;

#[derive(Model)]
pub struct Wrapper<T> {
    #[column(primary_key)]
    pub id: i64,
    pub value: T,
}

fn main() {}
