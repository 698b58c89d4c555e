//! What `#[derive(Model)]` expands to refers to these paths, so user crates
//! never depend on `inventory` or `sqlx` directly for it, nor name runtime
//! internals themselves.

pub use inventory;
pub use sqlx;
use std::borrow::Cow;

use crate::schema::{Column, Table};

pub use crate::registry::{ModelDef, ModelEntry};
pub use crate::schema::{ColumnType, Table as TableDef};
pub use crate::value::{ColumnValue, Kind, Value};

use crate::types::{SoftDeleteField, TimestampField};
use crate::{Error, Model, SqlType};

/// A column's `(type, nullable, kind)` from its field type.
pub type ColumnDef = (ColumnType, bool, Kind);

/// The column of a `created_at`/`updated_at` field; fails to compile with a
/// clear message when `T` is not a timestamp type.
pub const fn timestamp_column<T: TimestampField + SqlType>() -> ColumnDef {
    T::COLUMN
}

/// The column of the soft-delete field; fails to compile with a clear
/// message when `T` is not `Option<timestamp>`.
pub const fn soft_delete_column<T: SoftDeleteField + SqlType>() -> ColumnDef {
    T::COLUMN
}

/// A column made nullable by `#[column(nullable)]`.
pub const fn nullable(column: ColumnDef) -> ColumnDef {
    (column.0, true, column.2)
}

/// Everything the derive needs from a field of type `T`, behind one trait
/// bound: an unmapped type yields one error at the field's type (rustc
/// reports an identical error once), however many places name it.
pub struct Field<T>(std::marker::PhantomData<T>);

/// The same for a field with an explicit `type = "..."`: only the value
/// conversion is needed from its Rust type.
pub struct Typed<T>(std::marker::PhantomData<T>);

/// What the derive calls on [`Field`] and [`Typed`].
pub trait FieldOps {
    /// The field's Rust type.
    type Rust;
    /// The column's `(type, nullable, kind)` (the kind only, for [`Typed`]).
    const COLUMN: ColumnDef;
    /// How the column's values are stored.
    const KIND: Kind = Self::COLUMN.2;
    /// The value to bind.
    fn value(field: &Self::Rust) -> Value;
    /// The field from the next value; `None` when it does not fit (the
    /// error is kept in `values`).
    fn next(values: &mut Values) -> Option<Self::Rust>;
}

impl<T: SqlType> FieldOps for Field<T> {
    type Rust = T;
    const COLUMN: ColumnDef = T::COLUMN;
    fn value(field: &T) -> Value {
        field.to_value()
    }
    fn next(values: &mut Values) -> Option<T> {
        values.next()
    }
}

impl<T: ColumnValue> FieldOps for Typed<T> {
    type Rust = T;
    const COLUMN: ColumnDef = (ColumnType::Text, false, T::KIND);
    fn value(field: &T) -> Value {
        field.to_value()
    }
    fn next(values: &mut Values) -> Option<T> {
        values.next()
    }
}

/// A model's values being turned back into its fields, in column order.
pub struct Values {
    def: &'static ModelDef,
    values: std::vec::IntoIter<Value>,
    index: usize,
    error: Option<Error>,
}

impl Values {
    pub fn new(def: &'static ModelDef, values: Vec<Value>) -> Values {
        Values {
            def,
            values: values.into_iter(),
            index: 0,
            error: None,
        }
    }

    /// Why a field did not decode.
    pub fn error(&mut self) -> Error {
        self.error.take().unwrap_or_else(|| {
            Error::Decode(format!(
                "`{}`: a field did not decode",
                self.def.type_name()
            ))
        })
    }

    /// The next field, or `None` (keeping the first error). Not generic
    /// beyond the conversion itself, so each field type costs one small
    /// instantiation.
    #[allow(clippy::should_implement_trait)]
    pub fn next<T: ColumnValue>(&mut self) -> Option<T> {
        let value = self.take()?;
        match T::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e.0);
                None
            }
        }
    }

    fn take(&mut self) -> Option<Value> {
        self.index += 1;
        let value = self.values.next();
        if value.is_none() {
            self.fail("fewer values than fields".into());
        }
        value
    }

    fn fail(&mut self, message: String) {
        if self.error.is_some() {
            return;
        }
        let column = self
            .def
            .try_table()
            .ok()
            .and_then(|t| t.columns.get(self.index - 1))
            .map_or("?", |c| c.name.as_ref());
        self.error = Some(Error::Decode(format!(
            "`{}`.{column}: {message}",
            self.def.type_name()
        )));
    }
}

/// A row type of one of the enabled drivers.
pub trait Row: sqlx::Row {
    /// Column `index` decoded as `kind`.
    fn value(&self, index: usize, kind: Kind) -> Result<Value, Error>;
}

macro_rules! rows {
    ($($feature:literal => $row:ty, $db:ty;)*) => {$(
        #[cfg(feature = $feature)]
        impl Row for $row {
            fn value(&self, index: usize, kind: Kind) -> Result<Value, Error> {
                <$db as crate::driver::Driver>::decode(self, index, kind)
            }
        }
    )*};
}

rows! {
    "postgres" => sqlx::postgres::PgRow, sqlx::Postgres;
    "mysql" => sqlx::mysql::MySqlRow, sqlx::MySql;
    "sqlite" => sqlx::sqlite::SqliteRow, sqlx::Sqlite;
}

/// `sqlx::FromRow` for every model: each column found by name (a
/// `SELECT *` of a table whose columns were added in another order still
/// decodes), checking the same position first so dbgen's own column lists
/// cost no search.
pub fn from_row<M: Model, R: Row>(row: &R) -> Result<M, sqlx::Error> {
    use sqlx::Column as _;
    let meta = M::__meta().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let columns = row.columns();
    let mut values = Vec::with_capacity(meta.kinds.len());
    for (i, &kind) in meta.kinds.iter().enumerate() {
        let name = meta.column(i);
        let index = if columns.get(i).is_some_and(|c| c.name() == name) {
            i
        } else {
            columns
                .iter()
                .position(|c| c.name() == name)
                .ok_or_else(|| sqlx::Error::ColumnNotFound(name.to_string()))?
        };
        values.push(
            row.value(index, kind)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        );
    }
    M::__from_values::<R>(values).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

static STUB_COLUMNS: [Column; 0] = [];
static STUB: Table = Table {
    name: Cow::Borrowed(""),
    columns: Cow::Borrowed(&STUB_COLUMNS),
    primary_key: None,
    indexes: Cow::Borrowed(&[]),
    foreign_keys: Cow::Borrowed(&[]),
    checks: Cow::Borrowed(&[]),
    comment: None,
    renamed_from: None,
    soft_delete: None,
    audit: false,
    timestamps: false,
};

/// The table of a model whose attributes did not compile. Only ever reached
/// from code that also carries a compile error, so it never runs; it exists
/// so that one mistake yields one error instead of a cascade.
pub fn stub_table() -> &'static Table {
    &STUB
}

/// The definition standing in for a model whose attributes did not compile.
pub static STUB_DEF: ModelDef = ModelDef::new("<model with errors>", "{}", &[]);

/// The error a model whose attributes did not compile would return.
pub fn stub_error() -> Error {
    Error::Decode("this model did not compile".into())
}
