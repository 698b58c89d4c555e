//! Migrations: generating up/down SQL from two schemas, and the migration
//! directory (sqlx's reversible file names, `dbgen.sum`, the schema
//! snapshot).

mod generate;

pub use generate::{Generated, generate};
