//! The trait every `#[derive(Model)]` type implements.

use crate::schema::Table;

/// A struct mapped to a table. Implemented by `#[derive(Model)]`; the table
/// definition is `'static` data built at compile time.
pub trait Model: Sized + 'static {
    /// The table this model maps to, as schema IR.
    fn table() -> &'static Table;
}
