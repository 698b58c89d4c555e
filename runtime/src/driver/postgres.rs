//! PostgreSQL: every type has a native column; values are checked on decode.

use sqlx::Postgres;
use sqlx::postgres::PgRow;

use super::{Done, Driver, bind_value, decode_value, runners};
use crate::Error;
use crate::dialect::Dialect;
use crate::value::{Kind, Value};

impl Driver for Postgres {
    const DIALECT: Dialect = Dialect::Postgres;
    const RETURNING: bool = true;

    fn bind(args: &mut Self::Arguments, value: Value) -> Result<(), Error> {
        bind_value!(args, value,
            uuid: |u| u, Uuid,
            decimal: |d| d, Decimal)
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

fn uuid(row: &PgRow, index: usize) -> Result<Value, Error> {
    use sqlx::Row;
    #[cfg(feature = "uuid")]
    return Ok(row
        .try_get::<Option<uuid::Uuid>, _>(index)?
        .map_or(Value::Null(Kind::Uuid), Value::Uuid));
    #[cfg(not(feature = "uuid"))]
    return Err(Error::Decode(format!(
        "column {index}: enable dbgen's `uuid` feature to read this column"
    )));
}

fn decimal(row: &PgRow, index: usize) -> Result<Value, Error> {
    use sqlx::Row;
    #[cfg(feature = "rust_decimal")]
    return Ok(row
        .try_get::<Option<rust_decimal::Decimal>, _>(index)?
        .map_or(Value::Null(Kind::Decimal), Value::Decimal));
    #[cfg(not(feature = "rust_decimal"))]
    return Err(Error::Decode(format!(
        "column {index}: enable dbgen's `rust_decimal` feature to read this column"
    )));
}
