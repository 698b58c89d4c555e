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
use crate::value::{ReadRow, ValueError};

use crate::types::{SoftDeleteField, TimestampField};
use crate::{Error, Model, SqlType};

/// A column's `(type, nullable, kind)` from its field type.
pub type ColumnDef = (ColumnType, bool, Kind);

/// Checks that a `created_at`/`updated_at` field holds a time: fails to
/// compile with a clear message at the field's type otherwise.
pub const fn check_timestamp<T: TimestampField>() {}

/// Checks that the soft-delete field is `Option<timestamp>`.
pub const fn check_soft_delete<T: SoftDeleteField>() {}

/// Whether a field with an explicit `type = "..."`, whose codec is
/// `codec`, is bound and read as a column of `ty` holds its values. When
/// it is not, the derive fails to compile with its message, naming the
/// field and the types that fit: a field bound as another representation
/// is refused by PostgreSQL when written or by MariaDB when read, while
/// SQLite takes anything, so it would fail in production only.
pub const fn fits<T>(codec: &Codec<T>, ty: ColumnType) -> bool {
    let column = match ty {
        ColumnType::Varchar(_) | ColumnType::Char(_) | ColumnType::Text => Kind::String,
        ColumnType::Decimal { .. } => Kind::Decimal,
        ColumnType::SmallInt => Kind::I16,
        ColumnType::Integer => Kind::I32,
        ColumnType::BigInt => Kind::I64,
        ColumnType::Real => Kind::F32,
        ColumnType::Double => Kind::F64,
        ColumnType::Boolean => Kind::Bool,
        ColumnType::Date => Kind::Date,
        ColumnType::Time => Kind::Time,
        ColumnType::Timestamp => Kind::DateTime,
        ColumnType::TimestampTz => Kind::DateTimeUtc,
        ColumnType::Uuid => Kind::Uuid,
        ColumnType::Json => Kind::Json,
        ColumnType::Binary | ColumnType::Varbinary(_) => Kind::Bytes,
    };
    codec.column.2 as u8 == column as u8
}

/// How one field becomes a column: its `(type, nullable, kind)` and its two
/// conversions, as plain data. The derive reads one `Codec` per field (the
/// only place a field's type is checked against [`SqlType`], so an unmapped
/// type gives one error, at the field), and everything after that works on
/// these values through impls without bounds, which cannot fail.
pub struct Codec<T> {
    column: ColumnDef,
    to: fn(&T) -> Value,
    from: fn(Value) -> Result<T, ValueError>,
    read: fn(&dyn ReadRow, usize) -> Result<T, ValueError>,
}

/// The codec of a field whose column type comes from its Rust type.
pub const fn field<T: SqlType>() -> Codec<T> {
    Codec {
        column: T::COLUMN,
        to: T::to_value,
        from: T::from_value,
        read: T::read,
    }
}

/// The codec of a `created_at`/`updated_at` field; fails to compile with a
/// clear message at the field's type when it does not hold a time.
pub const fn timestamp<T: TimestampField + SqlType>() -> Codec<T> {
    field::<T>()
}

/// The codec of the soft-delete field; fails to compile with a clear
/// message when it is not `Option<timestamp>`.
pub const fn soft_delete<T: SoftDeleteField + SqlType>() -> Codec<T> {
    field::<T>()
}

/// The codec of a field with an explicit `type = "..."`: only the value
/// conversion is needed from its Rust type (the column type is one of the
/// model's overrides).
pub const fn typed<T: ColumnValue>() -> Codec<T> {
    Codec {
        column: (ColumnType::Text, false, T::KIND),
        to: T::to_value,
        from: T::from_value,
        read: T::read,
    }
}

/// A model's codecs: a tuple of [`Codec`]s (up to 12), or a [`Group`] of
/// such tuples for wider models. Turns the tuple of field references into
/// values and values back into the tuple of fields, in column order.
pub trait Codecs: Sync + 'static {
    /// The fields, by value.
    type Out;
    /// The fields, by reference.
    type Refs<'a>;
    /// Appends the fields' values.
    fn encode(&'static self, fields: Self::Refs<'_>, out: &mut Vec<Value>);
    /// The fields from the next values; `None` when one does not fit (the
    /// error is kept in `values`).
    fn decode(&'static self, values: &mut Values<'_, '_>) -> Option<Self::Out>;
}

/// A model's column types as its codecs give them, in column order.
pub trait Columns: Sync {
    /// Appends each column's `(type, nullable, kind)`.
    fn push_columns(&self, out: &mut Vec<ColumnDef>);
}

impl<const N: usize> Columns for [ColumnDef; N] {
    fn push_columns(&self, out: &mut Vec<ColumnDef>) {
        out.extend_from_slice(self);
    }
}

impl Columns for () {
    fn push_columns(&self, _: &mut Vec<ColumnDef>) {}
}

/// Tuples of codec tuples, for models of more than 12 columns.
pub struct Group<T>(pub T);

macro_rules! codec_tuples {
    ($(($($name:ident $idx:tt),+))+) => {$(
        impl<$($name: 'static),+> Codecs for ($(Codec<$name>,)+) {
            type Out = ($($name,)+);
            type Refs<'a> = ($(&'a $name,)+);
            fn encode(&'static self, fields: Self::Refs<'_>, out: &mut Vec<Value>) {
                $(out.push((self.$idx.to)(fields.$idx));)+
            }
            fn decode(&'static self, values: &mut Values<'_, '_>) -> Option<Self::Out> {
                Some(($(values.next(&self.$idx)?,)+))
            }
        }
        impl<$($name),+> Columns for ($(Codec<$name>,)+) {
            fn push_columns(&self, out: &mut Vec<ColumnDef>) {
                $(out.push(self.$idx.column);)+
            }
        }
        impl<$($name: Columns),+> Columns for Group<($($name,)+)> {
            fn push_columns(&self, out: &mut Vec<ColumnDef>) {
                $(self.0.$idx.push_columns(out);)+
            }
        }
        impl<$($name: Codecs),+> Codecs for Group<($($name,)+)> {
            type Out = ($($name::Out,)+);
            type Refs<'a> = ($($name::Refs<'a>,)+);
            fn encode(&'static self, fields: Self::Refs<'_>, out: &mut Vec<Value>) {
                $(self.0.$idx.encode(fields.$idx, out);)+
            }
            fn decode(&'static self, values: &mut Values<'_, '_>) -> Option<Self::Out> {
                Some(($(self.0.$idx.decode(values)?,)+))
            }
        }
    )+};
}

codec_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

impl Codecs for () {
    type Out = ();
    type Refs<'a> = ();
    fn encode(&'static self, (): (), _: &mut Vec<Value>) {}
    fn decode(&'static self, _: &mut Values<'_, '_>) -> Option<()> {
        Some(())
    }
}

/// The most codecs (or groups) one tuple holds; the derive nests wider
/// models in [`Group`]s of this many.
pub const TUPLE_MAX: usize = 12;

/// Appends a model's fields as values, in column order (`len` of them).
pub fn encode<C: Codecs>(
    codecs: &'static C,
    len: usize,
    out: &mut Vec<Value>,
    fields: C::Refs<'_>,
) {
    out.reserve(len);
    codecs.encode(fields, out);
}

/// What a model's fields are read from: decoded values (one row's, or a
/// batch's stored one after another), or a database row read column by
/// column with no [`Value`] in between.
pub struct Fields<'r> {
    source: Source<'r>,
}

enum Source<'r> {
    Values(std::vec::IntoIter<Value>),
    Row { row: &'r dyn ReadRow, next: usize },
}

impl Fields<'static> {
    /// Values, row after row.
    pub(crate) fn values(values: Vec<Value>) -> Fields<'static> {
        Fields {
            source: Source::Values(values.into_iter()),
        }
    }
}

impl<'r> Fields<'r> {
    /// The columns of `row`, in order.
    pub(crate) fn row(row: &'r dyn ReadRow) -> Fields<'r> {
        Fields {
            source: Source::Row { row, next: 0 },
        }
    }
}

/// A model's fields from the next values, in column order; the error names
/// the first column that did not decode.
pub fn decode<C: Codecs>(
    def: &'static ModelDef,
    codecs: &'static C,
    values: &mut Fields<'_>,
) -> Result<C::Out, Error> {
    let mut values = Values::new(def, values);
    codecs.decode(&mut values).ok_or_else(|| values.error())
}

/// A model's values being turned back into its fields, in column order.
pub struct Values<'a, 'r> {
    def: &'static ModelDef,
    values: &'a mut Fields<'r>,
    index: usize,
    error: Option<Error>,
}

impl<'a, 'r> Values<'a, 'r> {
    fn new(def: &'static ModelDef, values: &'a mut Fields<'r>) -> Values<'a, 'r> {
        Values {
            def,
            values,
            index: 0,
            error: None,
        }
    }

    /// Why a field did not decode.
    fn error(&mut self) -> Error {
        self.error.take().unwrap_or_else(|| {
            Error::Decode(format!(
                "`{}`: a field did not decode",
                self.def.type_name()
            ))
        })
    }

    /// The next field, read by `codec`, or `None` (keeping the first
    /// error).
    #[inline]
    fn next<T>(&mut self, codec: &Codec<T>) -> Option<T> {
        self.index += 1;
        let field = match &mut self.values.source {
            Source::Values(values) => match values.next() {
                Some(value) => (codec.from)(value),
                None => Err(ValueError("fewer values than fields".into())),
            },
            Source::Row { row, next } => {
                *next += 1;
                (codec.read)(*row, *next - 1)
            }
        };
        match field {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e.0);
                None
            }
        }
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
pub trait Row: sqlx::Row + ReadRow {
    /// Column `index` decoded as `kind`.
    fn value(&self, index: usize, kind: Kind) -> Result<Value, Error>;
    /// The row, to read fields from ([`ColumnValue::read`]).
    fn reader(&self) -> &dyn ReadRow;
}

/// A driver's error reading a column, as a field's: the cause alone (the
/// caller names the column).
#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
fn read_error(error: sqlx::Error) -> ValueError {
    match error {
        sqlx::Error::ColumnDecode { source, .. } => ValueError(source.to_string()),
        other => ValueError(other.to_string()),
    }
}

macro_rules! rows {
    ($($feature:literal => $row:ty, $db:ty, $get:ident;)*) => {$(
        #[cfg(feature = $feature)]
        impl Row for $row {
            fn value(&self, index: usize, kind: Kind) -> Result<Value, Error> {
                <$db as crate::driver::Driver>::decode(self, index, kind)
            }
            fn reader(&self) -> &dyn ReadRow {
                self
            }
        }

        #[cfg(feature = $feature)]
        impl ReadRow for $row {
            fn decode(&self, index: usize, kind: Kind) -> Result<Value, ValueError> {
                <$db as crate::driver::Driver>::decode(self, index, kind).map_err(|e| match e {
                    Error::Database(e) => read_error(e),
                    other => ValueError(other.to_string()),
                })
            }
            rows!(@typed $get,
                bool: bool, i16: i16, i32: i32, i64: i64, f32: f32, f64: f64,
                string: String, bytes: Vec<u8>, json: serde_json::Value,
                date: chrono::NaiveDate, time: chrono::NaiveTime,
                date_time: chrono::NaiveDateTime,
                date_time_utc: chrono::DateTime<chrono::Utc>);
        }
    )*};
    (@typed $get:ident, $($method:ident: $t:ty),*) => {$(
        fn $method(&self, index: usize) -> Result<Option<$t>, ValueError> {
            sqlx::Row::$get::<Option<$t>, usize>(self, index).map_err(read_error)
        }
    )*};
}

rows! {
    "postgres" => sqlx::postgres::PgRow, sqlx::Postgres, try_get;
    "mysql" => sqlx::mysql::MySqlRow, sqlx::MySql, try_get;
    "sqlite" => sqlx::sqlite::SqliteRow, sqlx::Sqlite, try_get_unchecked;
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
    M::__from_values::<R>(&mut Fields::values(values)).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

static STUB_COLUMNS: [Column; 0] = [];
static STUB: Table = Table {
    name: crate::schema::Str::new_static(""),
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

/// Whether audited changes on MySQL/MariaDB take the transaction path
/// because the server refused a compound statement (MySQL does). For
/// tests: on MariaDB it stays `false`.
pub fn compound_statements_refused() -> bool {
    !crate::audit::compound::available()
}

/// Makes this process behave as against MySQL: audited changes take the
/// transaction path. For tests of that path on MariaDB.
pub fn refuse_compound_statements() {
    crate::audit::compound::refuse();
}
