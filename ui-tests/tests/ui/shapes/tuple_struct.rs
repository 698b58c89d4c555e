use dbgen::Model;

#[derive(Model)]
pub struct Pair(i64, String);

fn main() {}
