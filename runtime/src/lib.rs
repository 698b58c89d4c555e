//! dbgen: the database schema as a property of the code.
//!
//! Put `#[derive(Model)]` on a struct; the derive checks the schema attributes
//! at compile time, emits the table definition as data ([`Model::table`]) and
//! registers it, so [`registry::schema`] returns every model of the program
//! and `cargo dbgen` can export it and generate migrations from it.
//!
//! ```
//! use dbgen::Model;
//!
//! #[derive(Model)]
//! #[model(soft_delete)]
//! pub struct Category {
//!     #[column(primary_key)]
//!     pub id: i64,
//!     #[column(size = 100, unique)]
//!     pub name: String,
//!     pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
//! }
//!
//! let table = Category::table();
//! assert_eq!(table.name, "categories");
//! assert_eq!(table.columns[1].ty, dbgen::schema::ColumnType::Varchar(100));
//! ```

// Lets the derive's `::dbgen::...` paths resolve inside this crate too.
extern crate self as dbgen;

pub mod audit;
pub mod dialect;
pub mod diff;
pub mod driver;
mod error;
#[cfg(feature = "sql-check")]
pub mod lint;
pub mod loader;
pub mod migrate;
mod model;
pub mod plan;
pub mod query;
pub mod registry;
pub mod schema;
mod soft_delete;
pub mod types;
pub mod value;

pub use dbgen_macros::Model;
pub use driver::Driver;
pub use error::Error;
pub use model::{Model, Order};
pub use query::Query;
pub use types::SqlType;
pub use value::{ColumnValue, KeyValue, Value};

/// Items the derive's generated code names. Not a public API.
#[doc(hidden)]
pub mod __private;
