use dbgen::Model;

// The misspelled key hides which field is the key; the derive reports the
// typo only, not "no primary key" as well.
#[derive(Model)]
pub struct Item {
    #[column(primay_key)]
    pub code: i64,
    #[column(type = "text")]
    pub name: String,
}

fn main() {}
