//! MySQL/MariaDB: UUIDs live in CHAR(36) as hyphenated text; values are
//! checked on decode; generated keys come back as `LAST_INSERT_ID()`.

use sqlx::MySql;
use sqlx::mysql::MySqlRow;

use super::{Done, Driver, bind_value, decode_value, optional_column, runners};
use crate::Error;
use crate::dialect::Dialect;
use crate::value::{Kind, Value};

impl Driver for MySql {
    const DIALECT: Dialect = Dialect::MySql;
    const RETURNING: bool = false;

    fn bind(args: &mut Self::Arguments, value: Value) -> Result<(), Error> {
        // Arguments are encoded as they are added: nothing to gain by
        // moving the value in.
        Self::bind_ref(args, &value)
    }

    fn bind_ref(args: &mut Self::Arguments, value: &Value) -> Result<(), Error> {
        past_year_9999(value)?;
        bind_value!(args, value,
            uuid: |u| u.hyphenated().to_string(), String,
            decimal: |d| d, Decimal,
            // A DATETIME(6) holding UTC. Sent as sqlx sends `DateTime<Utc>`
            // (a TIMESTAMP parameter), MariaDB turns a date outside
            // TIMESTAMP's 1970-2038 into NULL.
            utc: |t| t.naive_utc(), chrono::NaiveDateTime)
    }

    fn decode(row: &MySqlRow, index: usize, kind: Kind) -> Result<Value, Error> {
        decode_value!(row, index, kind, try_get, uuid: uuid, decimal: decimal)
    }

    runners!(|r| Done {
        rows_affected: r.rows_affected(),
        last_insert_id: i64::try_from(r.last_insert_id()).ok().filter(|id| *id != 0),
    });
}

/// A date after year 9999 is refused: DATE and DATETIME end there, and
/// MariaDB stores such a value, sent in the binary protocol, as a zero
/// date that reads back as NULL (a NOT NULL column included), where
/// PostgreSQL and SQLite keep it. Years before 0 are refused by sqlx.
fn past_year_9999(value: &Value) -> Result<(), Error> {
    use chrono::Datelike;
    let date = match value {
        Value::Date(d) => *d,
        Value::DateTime(t) => t.date(),
        Value::DateTimeUtc(t) => t.date_naive(),
        _ => return Ok(()),
    };
    if date.year() <= 9999 {
        return Ok(());
    }
    Err(Error::Bind(format!(
        "{date}: MySQL and MariaDB hold dates up to year 9999 (DATE and DATETIME end there), and would store this one as a zero date; keep dates within it"
    )))
}

#[cfg(feature = "rust_decimal")]
type Decimal = rust_decimal::Decimal;
#[cfg(not(feature = "rust_decimal"))]
type Decimal = String;

fn uuid(row: &MySqlRow, index: usize) -> Result<Value, Error> {
    use sqlx::Row;
    let text: Option<String> = row.try_get(index)?;
    #[cfg(feature = "uuid")]
    return match text {
        None => Ok(Value::Null(Kind::Uuid)),
        Some(text) => uuid::Uuid::parse_str(&text)
            .map(Value::Uuid)
            .map_err(|e| Error::Decode(format!("column {index}: `{text}` is not a UUID: {e}"))),
    };
    #[cfg(not(feature = "uuid"))]
    drop(text);
    #[cfg(not(feature = "uuid"))]
    return Err(Error::Decode(format!(
        "column {index}: enable dbgen's `uuid` feature to read this column"
    )));
}

optional_column!(
    decimal,
    MySqlRow,
    try_get,
    "rust_decimal",
    rust_decimal::Decimal,
    Decimal
);
