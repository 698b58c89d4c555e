use dbgen::Model;

#[derive(Model)]
pub struct Item {
    pub name: String,
}

fn main() {}
