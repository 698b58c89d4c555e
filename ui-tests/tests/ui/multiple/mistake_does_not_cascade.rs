use dbgen::Model;

#[derive(Model)]
#[model(soft_delete)]
pub struct Item {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {
    // Uses of the model compile: the derive's only error is the one above.
    let _ = Item::table();
}
