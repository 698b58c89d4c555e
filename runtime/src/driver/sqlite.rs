//! SQLite: dynamically typed, so values are decoded without sqlx's type
//! check (a NUMERIC column may hold an integer, a real or text). Decimals
//! are bound as text and read back from their text form; UUIDs are 16-byte
//! blobs.

use sqlx::Sqlite;
use sqlx::sqlite::SqliteRow;

use super::{Done, Driver, bind_value, decode_value, optional_column, runners};
use crate::Error;
use crate::dialect::Dialect;
use crate::value::{Kind, Value};

impl Driver for Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
    const BEGIN: &'static str = "BEGIN IMMEDIATE";
    const RETURNING: bool = true;

    fn bind(args: &mut Self::Arguments, value: Value) -> Result<(), Error> {
        // SQLite stores a NaN as NULL: refuse it rather than lose it.
        if matches!(value, Value::F64(n) if n.is_nan())
            || matches!(value, Value::F32(n) if n.is_nan())
        {
            return Err(Error::Bind(
                "NaN cannot be stored in SQLite, which turns it into NULL; use an Option and None for a missing number".into(),
            ));
        }
        #[cfg(feature = "rust_decimal")]
        if let Value::Decimal(d) = &value {
            kept_exactly(d)?;
        }
        bind_value!(args, value,
            uuid: |u| u, Uuid,
            decimal: |d| d.to_string(), String,
            utc: |t| t, chrono::DateTime<chrono::Utc>)
    }

    fn decode(row: &SqliteRow, index: usize, kind: Kind) -> Result<Value, Error> {
        decode_value!(row, index, kind, try_get_unchecked, uuid: uuid, decimal: decimal)
    }

    runners!(|r| Done {
        rows_affected: r.rows_affected(),
        last_insert_id: Some(r.last_insert_rowid()),
    });
}

/// SQLite turns the text of a decimal stored in a NUMERIC column into an
/// integer, exact within 64 bits, or a 64-bit float, which keeps 15
/// significant digits: `1234567890123456.78` became
/// `1.23456789012346e+15`, silently. A decimal it would change is refused.
#[cfg(feature = "rust_decimal")]
fn kept_exactly(d: &rust_decimal::Decimal) -> Result<(), Error> {
    let d = d.normalize();
    if d.scale() == 0 && i64::try_from(d.mantissa()).is_ok() {
        return Ok(());
    }
    let mut mantissa = d.mantissa().unsigned_abs();
    while mantissa >= 10 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
    }
    let digits = mantissa.checked_ilog10().map_or(1, |n| n + 1);
    if digits <= 15 {
        return Ok(());
    }
    Err(Error::Bind(format!(
        "{d}: SQLite keeps a decimal as a 64-bit integer or float, which holds 15 significant digits, and would change this one's {digits}; round it to 15 significant digits, or keep such values on PostgreSQL or MySQL, which store them exactly"
    )))
}

#[cfg(feature = "uuid")]
type Uuid = uuid::Uuid;
#[cfg(not(feature = "uuid"))]
type Uuid = Vec<u8>;

optional_column!(uuid, SqliteRow, try_get_unchecked, "uuid", uuid::Uuid, Uuid);

fn decimal(row: &SqliteRow, index: usize) -> Result<Value, Error> {
    use sqlx::Row;
    let text: Option<String> = row.try_get_unchecked(index)?;
    #[cfg(feature = "rust_decimal")]
    return match text {
        None => Ok(Value::Null(Kind::Decimal)),
        Some(text) => text
            .parse::<rust_decimal::Decimal>()
            .or_else(|_| rust_decimal::Decimal::from_scientific(&text))
            .map(Value::Decimal)
            .map_err(|e| Error::Decode(format!("column {index}: `{text}` is not a decimal: {e}"))),
    };
    #[cfg(not(feature = "rust_decimal"))]
    drop(text);
    #[cfg(not(feature = "rust_decimal"))]
    return Err(Error::Decode(format!(
        "column {index}: enable dbgen's `rust_decimal` feature to read this column"
    )));
}
