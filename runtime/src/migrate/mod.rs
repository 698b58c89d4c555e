//! Migrations: generating up/down SQL from two schemas, and the migration
//! directory (sqlx's reversible file names, `dbgen.sum`, the schema
//! snapshot).

mod dir;
mod generate;
mod sum;

pub use dir::{GITATTRIBUTES, Migration, MigrationDir, SNAPSHOT_FILE, SUM_FILE, clean_name};
pub use generate::{Generated, generate, snapshot};
pub use sum::{SumError, SumFile};
