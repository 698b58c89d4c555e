//! One module per model.

// `category` is private and used by nothing else in the crate: its model is
// still part of the schema, through the derive's registration.
#[allow(dead_code)]
mod category;
pub mod post;
pub mod product;
pub mod user;

pub use post::Post;
pub use product::Product;
pub use user::User;
