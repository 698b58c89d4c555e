//! The Rust type -> logical column type mapping.
//!
//! `#[derive(Model)]` reads a field's column type from [`SqlType`] unless the
//! field says `#[column(type = "...")]`. Implement it for your own types:
//!
//! A column type also says how values are stored ([`ColumnValue`]):
//!
//! ```
//! use dbgen::value::{ColumnValue, Kind, Value, ValueError};
//! struct Email(String);
//! impl dbgen::SqlType for Email {
//!     const TYPE: dbgen::schema::ColumnType = dbgen::schema::ColumnType::Varchar(320);
//! }
//! impl ColumnValue for Email {
//!     const KIND: Kind = Kind::String;
//!     fn to_value(&self) -> Value { Value::String(self.0.clone()) }
//!     fn from_value(v: Value) -> Result<Self, ValueError> { String::from_value(v).map(Email) }
//! }
//! ```

use crate::schema::ColumnType;
use crate::value::{ColumnValue, Kind};

/// A Rust type stored in one column. `Option<T>` is the nullable `T`.
#[diagnostic::on_unimplemented(
    message = "the field type `{Self}` has no SQL column type",
    label = "no column type for this field",
    note = "give the field an explicit type, e.g. `#[column(type = \"text\")]`, mark it `#[column(skip)]` if it is not a column, or implement `dbgen::SqlType` for `{Self}`"
)]
pub trait SqlType: ColumnValue {
    /// The logical type of the column.
    const TYPE: ColumnType;
    /// Whether the column accepts NULL (true for `Option<T>`).
    const NULLABLE: bool = false;
    /// All three, as the derive reads them (one constant per field).
    #[doc(hidden)]
    const COLUMN: (ColumnType, bool, Kind) = (Self::TYPE, Self::NULLABLE, Self::KIND);
}

impl<T: SqlType> SqlType for Option<T> {
    const TYPE: ColumnType = T::TYPE;
    const NULLABLE: bool = true;
}

macro_rules! sql_types {
    ($($rust:ty => $logical:expr),* $(,)?) => {
        $(impl SqlType for $rust {
            const TYPE: ColumnType = $logical;
        })*
    };
}

sql_types! {
    bool => ColumnType::Boolean,
    i8 => ColumnType::SmallInt,
    i16 => ColumnType::SmallInt,
    i32 => ColumnType::Integer,
    i64 => ColumnType::BigInt,
    u8 => ColumnType::SmallInt,
    u16 => ColumnType::Integer,
    u32 => ColumnType::BigInt,
    f32 => ColumnType::Real,
    f64 => ColumnType::Double,
    String => ColumnType::Text,
    Box<str> => ColumnType::Text,
    Vec<u8> => ColumnType::Binary,
    serde_json::Value => ColumnType::Json,
}

sql_types! {
    chrono::NaiveDate => ColumnType::Date,
    chrono::NaiveTime => ColumnType::Time,
    chrono::NaiveDateTime => ColumnType::Timestamp,
}

sql_types! {
    chrono::DateTime<chrono::Utc> => ColumnType::TimestampTz,
    chrono::DateTime<chrono::FixedOffset> => ColumnType::TimestampTz,
    chrono::DateTime<chrono::Local> => ColumnType::TimestampTz,
}

#[cfg(feature = "time")]
sql_types! {
    time::Date => ColumnType::Date,
    time::Time => ColumnType::Time,
    time::PrimitiveDateTime => ColumnType::Timestamp,
    time::OffsetDateTime => ColumnType::TimestampTz,
}

#[cfg(feature = "uuid")]
sql_types! { uuid::Uuid => ColumnType::Uuid }

// `rust_decimal::Decimal` holds 28 significant digits; the default column
// keeps 10 of them after the point. Use `#[column(type = "decimal(p,s)")]`
// for money and other fixed scales.
#[cfg(feature = "rust_decimal")]
sql_types! { rust_decimal::Decimal => ColumnType::Decimal { precision: 28, scale: 10 } }

#[cfg(feature = "json")]
impl<T: serde::Serialize + serde::de::DeserializeOwned> SqlType for sqlx::types::Json<T> {
    const TYPE: ColumnType = ColumnType::Json;
}

/// A type that holds a date and time: what `timestamps` and `soft_delete`
/// fields must be.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a timestamp type",
    label = "expected a date-time type here",
    note = "use `Option<chrono::DateTime<chrono::Utc>>` (or `chrono::NaiveDateTime`, `time::OffsetDateTime`, `time::PrimitiveDateTime`), or implement `dbgen::types::Timestamp` for `{Self}`"
)]
pub trait Timestamp {}

impl<Tz: chrono::TimeZone> Timestamp for chrono::DateTime<Tz> {}
impl Timestamp for chrono::NaiveDateTime {}
#[cfg(feature = "time")]
impl Timestamp for time::OffsetDateTime {}
#[cfg(feature = "time")]
impl Timestamp for time::PrimitiveDateTime {}

/// A `timestamps` field: a [`Timestamp`] or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold `created_at`/`updated_at`",
    label = "expected a date-time type here",
    note = "use `Option<chrono::DateTime<chrono::Utc>>` or another `dbgen::types::Timestamp` type"
)]
pub trait TimestampField {}
impl<T: Timestamp> TimestampField for T {}
impl<T: Timestamp> TimestampField for Option<T> {}

/// A soft-delete field: an `Option` of a [`Timestamp`] (NULL = live row).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold the soft-delete time",
    label = "expected `Option<timestamp>` here",
    note = "the soft-delete column is NULL for live rows: use `Option<chrono::DateTime<chrono::Utc>>`"
)]
pub trait SoftDeleteField {}
impl<T: Timestamp> SoftDeleteField for Option<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn of<T: SqlType>() -> (ColumnType, bool) {
        (T::TYPE, T::NULLABLE)
    }

    #[test]
    fn std_types_map_to_their_columns() {
        assert_eq!(of::<i64>(), (ColumnType::BigInt, false));
        assert_eq!(of::<i32>(), (ColumnType::Integer, false));
        assert_eq!(of::<i16>(), (ColumnType::SmallInt, false));
        assert_eq!(of::<u32>(), (ColumnType::BigInt, false));
        assert_eq!(of::<bool>(), (ColumnType::Boolean, false));
        assert_eq!(of::<f32>(), (ColumnType::Real, false));
        assert_eq!(of::<f64>(), (ColumnType::Double, false));
        assert_eq!(of::<String>(), (ColumnType::Text, false));
        assert_eq!(of::<Vec<u8>>(), (ColumnType::Binary, false));
        assert_eq!(of::<serde_json::Value>(), (ColumnType::Json, false));
    }

    #[test]
    fn option_is_nullable_and_keeps_the_inner_type() {
        assert_eq!(of::<Option<String>>(), (ColumnType::Text, true));
        assert_eq!(of::<Option<i64>>(), (ColumnType::BigInt, true));
    }

    #[test]
    fn chrono_types() {
        assert_eq!(
            of::<chrono::DateTime<chrono::Utc>>().0,
            ColumnType::TimestampTz
        );
        assert_eq!(of::<chrono::NaiveDateTime>().0, ColumnType::Timestamp);
        assert_eq!(of::<chrono::NaiveDate>().0, ColumnType::Date);
        assert_eq!(of::<chrono::NaiveTime>().0, ColumnType::Time);
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_types() {
        assert_eq!(of::<time::OffsetDateTime>().0, ColumnType::TimestampTz);
        assert_eq!(of::<time::PrimitiveDateTime>().0, ColumnType::Timestamp);
        assert_eq!(of::<time::Date>().0, ColumnType::Date);
        assert_eq!(of::<time::Time>().0, ColumnType::Time);
    }

    #[cfg(all(feature = "uuid", feature = "rust_decimal"))]
    #[test]
    fn uuid_and_decimal() {
        assert_eq!(of::<uuid::Uuid>().0, ColumnType::Uuid);
        assert_eq!(
            of::<rust_decimal::Decimal>().0,
            ColumnType::Decimal {
                precision: 28,
                scale: 10
            }
        );
    }

    #[cfg(feature = "json")]
    #[test]
    fn sqlx_json_is_json() {
        assert_eq!(
            of::<sqlx::types::Json<Vec<i32>>>(),
            (ColumnType::Json, false)
        );
        assert_eq!(
            of::<Option<sqlx::types::Json<String>>>(),
            (ColumnType::Json, true)
        );
    }

    struct Email;
    impl SqlType for Email {
        const TYPE: ColumnType = ColumnType::Varchar(320);
    }
    impl ColumnValue for Email {
        const KIND: Kind = Kind::String;
        fn to_value(&self) -> crate::Value {
            crate::Value::String(String::new())
        }
        fn from_value(_: crate::Value) -> Result<Self, crate::value::ValueError> {
            Ok(Email)
        }
    }

    #[test]
    fn user_types_can_implement_the_mapping() {
        assert_eq!(of::<Email>(), (ColumnType::Varchar(320), false));
        assert_eq!(of::<Option<Email>>(), (ColumnType::Varchar(320), true));
    }
}
