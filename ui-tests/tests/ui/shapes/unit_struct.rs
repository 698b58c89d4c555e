use dbgen::Model;

#[derive(Model)]
pub struct Marker;

fn main() {}
