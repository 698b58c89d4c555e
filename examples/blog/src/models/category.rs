use dbgen::Model;

/// A product category. Nothing in this crate names this type.
#[derive(Model, Debug, Clone)]
#[model(table = "categories")]
pub struct Category {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 100, unique)]
    pub name: String,
    #[column(references = "categories(id)", on_delete = "set null")]
    pub parent_id: Option<i64>,
}
