//! The three runtime drivers (sqlx's PostgreSQL, MySQL/MariaDB and SQLite):
//! binding and decoding [`Value`]s and running one statement.
//!
//! Each driver is one non-generic implementation, compiled once in `dbgen`;
//! the model helpers are generic over [`Driver`] only, never over a
//! model's field types.

use std::future::Future;
use std::pin::Pin;

use sqlx::{Connection, Database, Transaction};

use crate::Error;
use crate::dialect::Dialect;
use crate::value::{Kind, Value};

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

/// A boxed future borrowing the connection for `'e`.
pub type BoxFuture<'e, T> = Pin<Box<dyn Future<Output = T> + Send + 'e>>;

/// What a write statement reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Done {
    /// Rows the statement changed.
    pub rows_affected: u64,
    /// The generated key of an INSERT (MySQL/MariaDB, SQLite).
    pub last_insert_id: Option<i64>,
}

/// A sqlx database dbgen's runtime helpers work with. Its rows decode into
/// every model (`sqlx::query_as::<DB, Model>` works in generic code too).
pub trait Driver: Database<Row: crate::__private::Row> {
    /// The SQL dialect of this engine.
    const DIALECT: Dialect;
    /// The statement that opens a transaction for a write (SQLite takes
    /// the write lock up front so concurrent writers wait instead of failing).
    const BEGIN: &'static str = "BEGIN";
    /// Whether `INSERT ... RETURNING` and `DELETE ... RETURNING` work.
    const RETURNING: bool;

    #[doc(hidden)]
    fn bind(args: &mut Self::Arguments, value: Value) -> Result<(), Error>;

    /// Binds a value the caller keeps. Drivers that encode arguments as
    /// they are added (MySQL) read it in place; the others take a copy.
    #[doc(hidden)]
    fn bind_ref(args: &mut Self::Arguments, value: &Value) -> Result<(), Error> {
        Self::bind(args, value.clone())
    }

    #[doc(hidden)]
    fn decode(row: &Self::Row, index: usize, kind: Kind) -> Result<Value, Error>;

    #[doc(hidden)]
    fn execute<'e>(
        conn: &'e mut Self::Connection,
        sql: String,
        args: Self::Arguments,
    ) -> BoxFuture<'e, Result<Done, Error>>;

    #[doc(hidden)]
    fn fetch_all<'e>(
        conn: &'e mut Self::Connection,
        sql: String,
        args: Self::Arguments,
    ) -> BoxFuture<'e, Result<Vec<Self::Row>, Error>>;

    #[doc(hidden)]
    fn fetch_optional<'e>(
        conn: &'e mut Self::Connection,
        sql: String,
        args: Self::Arguments,
    ) -> BoxFuture<'e, Result<Option<Self::Row>, Error>>;
}

/// Binds every value, in order.
pub(crate) fn arguments<DB: Driver>(values: Vec<Value>) -> Result<DB::Arguments, Error> {
    let mut args = DB::Arguments::default();
    // A batch binds thousands of values: one allocation up front (about
    // 16 bytes each, a timestamp's or a short name's encoding with its
    // length) instead of repeated growth.
    sqlx::Arguments::reserve(&mut args, values.len(), values.len() * 16);
    for value in values {
        DB::bind(&mut args, value)?;
    }
    Ok(args)
}

/// Opens a transaction on `conn`: a savepoint when one is already open
/// (the caller's transaction), otherwise the driver's `BEGIN`.
pub(crate) async fn begin<DB: Driver>(
    conn: &mut DB::Connection,
) -> Result<Transaction<'_, DB>, Error> {
    if conn.is_in_transaction() {
        Ok(conn.begin().await?)
    } else {
        Ok(conn.begin_with(DB::BEGIN).await?)
    }
}

/// Ends a transaction [`begin`] opened: commits it when `result` is a
/// success; on an error, rolls it back before returning the error. A
/// dropped sqlx transaction only queues its rollback, and until that runs
/// the locks of the failed change stay held: other writers wait on them,
/// and on SQLite a connection that has read and then writes gets "database
/// is locked" at once.
pub(crate) async fn finish<DB: Driver, T>(
    tx: Transaction<'_, DB>,
    result: Result<T, Error>,
) -> Result<T, Error> {
    match result {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(error) => {
            // The error that ended the transaction is the one to report;
            // if the rollback fails too, sqlx's queued one still runs.
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}

/// A value that failed to bind.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) fn bind_error(e: sqlx::error::BoxDynError) -> Error {
    Error::Bind(e.to_string())
}

/// Runs `$body` with the bindable form of `$value`, one arm per kind;
/// `$uuid`, `$decimal` and `$utc` say how this driver stores those three.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! bind_value {
    ($args:expr, $value:expr, uuid: |$u:ident| $uuid:expr, $uuid_null:ty, decimal: |$d:ident| $decimal:expr, $decimal_null:ty, utc: |$t:ident| $utc:expr, $utc_null:ty) => {{
        use sqlx::Arguments as _;
        use $crate::value::{Kind, Value};
        let args = $args;
        let result = match $value {
            Value::Null(kind) => match kind {
                Kind::Bool => args.add(None::<bool>),
                Kind::I16 => args.add(None::<i16>),
                Kind::I32 => args.add(None::<i32>),
                Kind::I64 => args.add(None::<i64>),
                Kind::F32 => args.add(None::<f32>),
                Kind::F64 => args.add(None::<f64>),
                Kind::String => args.add(None::<String>),
                Kind::Bytes => args.add(None::<Vec<u8>>),
                Kind::Json => args.add(None::<serde_json::Value>),
                Kind::Date => args.add(None::<chrono::NaiveDate>),
                Kind::Time => args.add(None::<chrono::NaiveTime>),
                Kind::DateTime => args.add(None::<chrono::NaiveDateTime>),
                Kind::DateTimeUtc => args.add(None::<$utc_null>),
                Kind::Uuid => args.add(None::<$uuid_null>),
                Kind::Decimal => args.add(None::<$decimal_null>),
            },
            Value::Bool(v) => args.add(v),
            Value::I16(v) => args.add(v),
            Value::I32(v) => args.add(v),
            Value::I64(v) => args.add(v),
            Value::F32(v) => args.add(v),
            Value::F64(v) => args.add(v),
            Value::String(v) => args.add(v),
            Value::Bytes(v) => args.add(v),
            Value::Json(v) => args.add(v),
            Value::Date(v) => args.add(v),
            Value::Time(v) => args.add(v),
            Value::DateTime(v) => args.add(v),
            Value::DateTimeUtc($t) => args.add($utc),
            #[cfg(feature = "uuid")]
            Value::Uuid($u) => args.add($uuid),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal($d) => args.add($decimal),
            Value::Invalid(message) => return Err($crate::Error::Bind(message.clone())),
        };
        result.map_err($crate::driver::bind_error)
    }};
}

/// Decodes column `$index` of `$row` as `$kind` with `$get` (sqlx's
/// checked or unchecked getter); `$uuid`/`$decimal` read those two.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! decode_value {
    ($row:expr, $index:expr, $kind:expr, $get:ident, uuid: $uuid:expr, decimal: $decimal:expr) => {{
        use sqlx::Row as _;
        use $crate::value::{Kind, Value};
        let (row, index, kind) = ($row, $index, $kind);
        macro_rules! get {
            ($t:ty, $variant:ident) => {
                row.$get::<Option<$t>, usize>(index)?
                    .map_or_else(|| Value::Null(kind), Value::$variant)
            };
        }
        let value = match kind {
            Kind::Bool => get!(bool, Bool),
            Kind::I16 => get!(i16, I16),
            Kind::I32 => get!(i32, I32),
            Kind::I64 => get!(i64, I64),
            Kind::F32 => get!(f32, F32),
            Kind::F64 => get!(f64, F64),
            Kind::String => get!(String, String),
            Kind::Bytes => get!(Vec<u8>, Bytes),
            Kind::Json => get!(serde_json::Value, Json),
            Kind::Date => get!(chrono::NaiveDate, Date),
            Kind::Time => get!(chrono::NaiveTime, Time),
            Kind::DateTime => get!(chrono::NaiveDateTime, DateTime),
            Kind::DateTimeUtc => get!(chrono::DateTime<chrono::Utc>, DateTimeUtc),
            Kind::Uuid => $uuid(row, index)?,
            Kind::Decimal => $decimal(row, index)?,
        };
        Ok(value)
    }};
}

/// The three statement runners, identical for every driver.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! runners {
    (|$r:ident| $done:expr) => {
        fn execute<'e>(
            conn: &'e mut Self::Connection,
            sql: String,
            args: Self::Arguments,
        ) -> $crate::driver::BoxFuture<'e, Result<$crate::driver::Done, $crate::Error>> {
            Box::pin(async move {
                let done = sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                    .execute(conn)
                    .await?;
                let $r = &done;
                Ok($done)
            })
        }

        fn fetch_all<'e>(
            conn: &'e mut Self::Connection,
            sql: String,
            args: Self::Arguments,
        ) -> $crate::driver::BoxFuture<'e, Result<Vec<Self::Row>, $crate::Error>> {
            Box::pin(async move {
                Ok(sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                    .fetch_all(conn)
                    .await?)
            })
        }

        fn fetch_optional<'e>(
            conn: &'e mut Self::Connection,
            sql: String,
            args: Self::Arguments,
        ) -> $crate::driver::BoxFuture<'e, Result<Option<Self::Row>, $crate::Error>> {
            Box::pin(async move {
                Ok(sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                    .fetch_optional(conn)
                    .await?)
            })
        }
    };
}

/// `fn $name(row, index)`: column `index` read with `$get` as
/// `Option<$ty>` into `Value::$variant`, or an error saying which feature
/// to enable when `$feature` is off.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! optional_column {
    ($name:ident, $row:ty, $get:ident, $feature:literal, $ty:ty, $variant:ident) => {
        fn $name(row: &$row, index: usize) -> Result<Value, Error> {
            #[cfg(feature = $feature)]
            return Ok(sqlx::Row::$get::<Option<$ty>, _>(row, index)?
                .map_or_else(|| Value::Null(Kind::$variant), Value::$variant));
            #[cfg(not(feature = $feature))]
            let _ = row;
            #[cfg(not(feature = $feature))]
            return Err(Error::Decode(format!(
                "column {index} of {}: enable dbgen's `{}` feature to read this column",
                stringify!($row),
                $feature
            )));
        }
    };
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) use {bind_value, decode_value, optional_column, runners};
