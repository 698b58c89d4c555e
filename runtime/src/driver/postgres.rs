//! PostgreSQL: every type has a native column; values are checked on decode.

use sqlx::Postgres;
use sqlx::postgres::PgRow;

use super::{Done, Driver, bind_value, decode_value, optional_column, runners};
use crate::Error;
use crate::dialect::Dialect;
use crate::value::{Kind, Value};

impl Driver for Postgres {
    const DIALECT: Dialect = Dialect::Postgres;
    const RETURNING: bool = true;

    fn bind(args: &mut Self::Arguments, value: Value) -> Result<(), Error> {
        bind_value!(args, value,
            uuid: |u| u, Uuid,
            decimal: |d| d, Decimal,
            utc: |t| t, chrono::DateTime<chrono::Utc>)
    }

    fn decode(row: &PgRow, index: usize, kind: Kind) -> Result<Value, Error> {
        decode_value!(row, index, kind, try_get, uuid: uuid, decimal: decimal)
    }

    runners!(|r| Done {
        rows_affected: r.rows_affected(),
        last_insert_id: None
    });
}

#[cfg(feature = "uuid")]
type Uuid = uuid::Uuid;
#[cfg(not(feature = "uuid"))]
type Uuid = String;
#[cfg(feature = "rust_decimal")]
type Decimal = rust_decimal::Decimal;
#[cfg(not(feature = "rust_decimal"))]
type Decimal = String;

optional_column!(uuid, PgRow, try_get, "uuid", uuid::Uuid, Uuid);

optional_column!(
    decimal,
    PgRow,
    try_get,
    "rust_decimal",
    rust_decimal::Decimal,
    Decimal
);
