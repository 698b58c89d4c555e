//! Column values as data: what dbgen binds, decodes, compares and writes to
//! the audit log.
//!
//! Every field type converts to and from one [`Value`] through
//! [`ColumnValue`]. Binding and decoding are then a match on the value's
//! [`Kind`] inside one non-generic function per driver, so a model adds no
//! per-field generic code to the user's crate.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The storage representation of a column value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    Bool,
    I16,
    I32,
    I64,
    F32,
    F64,
    String,
    Bytes,
    Json,
    Date,
    Time,
    DateTime,
    DateTimeUtc,
    Uuid,
    Decimal,
}

impl Kind {
    /// The kind, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bool => "boolean",
            Kind::I16 => "16-bit integer",
            Kind::I32 => "32-bit integer",
            Kind::I64 => "64-bit integer",
            Kind::F32 => "32-bit float",
            Kind::F64 => "64-bit float",
            Kind::String => "text",
            Kind::Bytes => "bytes",
            Kind::Json => "JSON",
            Kind::Date => "date",
            Kind::Time => "time",
            Kind::DateTime => "date-time",
            Kind::DateTimeUtc => "date-time with time zone",
            Kind::Uuid => "UUID",
            Kind::Decimal => "decimal",
        }
    }

    /// Whether a value of kind `value` compares with a column of this kind
    /// on every engine: the same kind, two numbers (integers, floats and
    /// decimals of any width), or two dates or date-times. PostgreSQL
    /// refuses the rest (`bigint = text`), which SQLite compares.
    pub(crate) fn compares(self, value: Kind) -> bool {
        use Kind as K;
        let number = |k| matches!(k, K::I16 | K::I32 | K::I64 | K::F32 | K::F64 | K::Decimal);
        let moment = |k| matches!(k, K::Date | K::DateTime | K::DateTimeUtc);
        self == value || (number(self) && number(value)) || (moment(self) && moment(value))
    }
}

/// One column value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL NULL of the given kind (typed, so PostgreSQL knows its type).
    Null(Kind),
    Bool(bool),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    String(String),
    Bytes(Vec<u8>),
    Json(serde_json::Value),
    Date(NaiveDate),
    Time(NaiveTime),
    DateTime(NaiveDateTime),
    DateTimeUtc(DateTime<Utc>),
    #[cfg(feature = "uuid")]
    Uuid(uuid::Uuid),
    #[cfg(feature = "rust_decimal")]
    Decimal(rust_decimal::Decimal),
    /// A field value that could not be converted; binding it fails with
    /// this message, so nothing half-converted reaches the database.
    Invalid(String),
}

impl Value {
    /// About how many bytes the value takes in a statement: a text's or
    /// bytes' length, a JSON value's text (escapes not counted), 16 for the
    /// rest. Keeps MySQL statements under the server's packet limit
    /// ([`Dialect::statement_bytes`](crate::dialect::Dialect::statement_bytes)).
    pub(crate) fn wire_bytes(&self) -> usize {
        match self {
            Value::String(s) | Value::Invalid(s) => s.len(),
            Value::Bytes(b) => b.len(),
            Value::Json(j) => json_bytes(j),
            _ => 16,
        }
    }

    /// A decimal with more than `scale` digits after the point, rounded to
    /// `scale` half away from zero (as PostgreSQL and MySQL store it in a
    /// column of that scale); any other value as it is.
    pub(crate) fn round_to(&mut self, scale: u32) {
        #[cfg(feature = "rust_decimal")]
        if let Value::Decimal(d) = self
            && d.scale() > scale
        {
            *d = d.round_dp_with_strategy(
                scale,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            );
        }
        #[cfg(not(feature = "rust_decimal"))]
        let _ = scale;
    }

    /// Whether a decimal has more than `digits` digits before the point
    /// (its column, `decimal(p,s)`, holds `p - s`).
    pub(crate) fn exceeds_integer_digits(&self, digits: u32) -> bool {
        #[cfg(feature = "rust_decimal")]
        if let Value::Decimal(d) = self {
            // A `Decimal` holds under 8e28: 29 digits never overflow.
            return 10i128
                .checked_pow(digits)
                .and_then(|limit| rust_decimal::Decimal::try_from_i128_with_scale(limit, 0).ok())
                .is_some_and(|limit| d.abs().trunc() >= limit);
        }
        let _ = digits;
        false
    }

    /// The value as the databases keep it: a time or date-time cut to the
    /// microsecond, PostgreSQL's and MySQL's precision. SQLite, which would
    /// keep nanoseconds as text, is held to it too, so that the three
    /// engines store, return, audit and compare the same instant (MySQL's
    /// insert returns the row as sent).
    #[inline]
    pub fn in_micros(self) -> Value {
        use chrono::Timelike;
        fn cut<T: Timelike + Copy>(t: T) -> T {
            let nanos = t.nanosecond();
            match nanos % 1000 {
                0 => t,
                _ => t.with_nanosecond(nanos - nanos % 1000).unwrap_or(t),
            }
        }
        match self {
            Value::Time(t) => Value::Time(cut(t)),
            Value::DateTime(t) => Value::DateTime(cut(t)),
            Value::DateTimeUtc(t) => Value::DateTimeUtc(cut(t)),
            other => other,
        }
    }

    /// Whether this is SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// Whether this is the zero of a date-time (1970-01-01 00:00:00 UTC),
    /// what `Default::default()` gives a chrono date-time: a `created_at`
    /// holding it was not given, as GORM reads a zero `CreatedAt`.
    pub(crate) fn is_epoch(&self) -> bool {
        match self {
            Value::DateTimeUtc(t) => *t == DateTime::<Utc>::default(),
            Value::DateTime(t) => *t == NaiveDateTime::default(),
            _ => false,
        }
    }

    /// The value as JSON, as the audit log stores it: numbers as numbers
    /// (NaN and infinities, which JSON has no number for, as the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`), dates in RFC 3339, decimals
    /// and UUIDs as strings, bytes as hex.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null(_) => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::I16(n) => J::from(*n),
            Value::I32(n) => J::from(*n),
            Value::I64(n) => J::from(*n),
            Value::F32(n) => float_json(f64::from(*n)),
            Value::F64(n) => float_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::Bytes(b) => J::String(hex(b)),
            Value::Json(j) => j.clone(),
            Value::Date(d) => J::String(d.to_string()),
            Value::Time(t) => J::String(t.to_string()),
            Value::DateTime(t) => J::String(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
            Value::DateTimeUtc(t) => J::String(t.to_rfc3339()),
            #[cfg(feature = "uuid")]
            Value::Uuid(u) => J::String(u.to_string()),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(d) => J::String(d.to_string()),
            Value::Invalid(message) => J::String(format!("<invalid: {message}>")),
        }
    }

    /// What kind of value this is, for messages (never the value itself).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null(_) => "NULL",
            Value::Invalid(_) => "invalid",
            other => other.kind().map_or("invalid", Kind::name),
        }
    }

    /// The kind of a value that is not NULL (nor invalid).
    pub(crate) fn kind(&self) -> Option<Kind> {
        Some(match self {
            Value::Null(_) | Value::Invalid(_) => return None,
            Value::Bool(_) => Kind::Bool,
            Value::I16(_) => Kind::I16,
            Value::I32(_) => Kind::I32,
            Value::I64(_) => Kind::I64,
            Value::F32(_) => Kind::F32,
            Value::F64(_) => Kind::F64,
            Value::String(_) => Kind::String,
            Value::Bytes(_) => Kind::Bytes,
            Value::Json(_) => Kind::Json,
            Value::Date(_) => Kind::Date,
            Value::Time(_) => Kind::Time,
            Value::DateTime(_) => Kind::DateTime,
            Value::DateTimeUtc(_) => Kind::DateTimeUtc,
            #[cfg(feature = "uuid")]
            Value::Uuid(_) => Kind::Uuid,
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(_) => Kind::Decimal,
        })
    }

    /// An integer as `kind`'s width when it fits (`find(pool, 5)` on a
    /// BIGINT key binds an `i64`): a statement is prepared once per text,
    /// with the types of its first values, so its values keep their types.
    /// Anything else is returned as is.
    pub fn into_kind(self, kind: Kind) -> Value {
        let n = match self {
            Value::I16(n) => i64::from(n),
            Value::I32(n) => i64::from(n),
            Value::I64(n) => n,
            other => return other,
        };
        let fits = match kind {
            Kind::I16 => i16::try_from(n).map(Value::I16).ok(),
            Kind::I32 => i32::try_from(n).map(Value::I32).ok(),
            Kind::I64 => Some(Value::I64(n)),
            _ => None,
        };
        fits.unwrap_or(self)
    }

    /// The value as key text (an audit row's `entity_id`).
    pub fn to_key_text(&self) -> String {
        match self.to_json() {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        }
    }
}

/// A float as JSON: a number, or PostgreSQL's spelling of the values JSON
/// has no number for (serde_json would write null, and the log would say
/// the column held NULL).
fn float_json(n: f64) -> serde_json::Value {
    if n.is_nan() {
        serde_json::Value::from("NaN")
    } else if n.is_infinite() {
        serde_json::Value::from(if n > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        serde_json::Value::from(n)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Why a decoded value does not fit a field.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueError(pub String);

impl ValueError {
    fn mismatch<T>(value: &Value) -> ValueError {
        match value {
            Value::Null(_) => ValueError(format!(
                "the column is NULL but the field type `{}` cannot hold NULL; make it an Option",
                std::any::type_name::<T>()
            )),
            // The kind only: the value itself may be a secret.
            other => ValueError(format!(
                "a {} value does not fit the field type `{}`",
                other.kind_name(),
                std::any::type_name::<T>()
            )),
        }
    }
}

/// A Rust type stored in one column: how dbgen binds it and reads it back.
/// Implemented for every type [`crate::SqlType`] maps; implement it for your
/// own types by converting to and from one of the built-in representations:
///
/// ```
/// use dbgen::value::{ColumnValue, Kind, Value, ValueError};
/// struct Email(String);
/// impl ColumnValue for Email {
///     const KIND: Kind = Kind::String;
///     fn to_value(&self) -> Value { Value::String(self.0.clone()) }
///     fn from_value(value: Value) -> Result<Self, ValueError> {
///         String::from_value(value).map(Email)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "the field type `{Self}` cannot be stored by dbgen",
    label = "dbgen cannot bind or read this type",
    note = "implement `dbgen::value::ColumnValue` for `{Self}` (convert to one of the built-in kinds), or mark the field `#[column(skip)]`"
)]
pub trait ColumnValue: Sized {
    /// The representation the database column holds.
    const KIND: Kind;
    /// The value to bind.
    fn to_value(&self) -> Value;
    /// The value to bind, taking the field (text and bytes move rather
    /// than being copied).
    fn into_value(self) -> Value {
        self.to_value()
    }
    /// The field from a decoded value.
    fn from_value(value: Value) -> Result<Self, ValueError>;
    /// The field read from column `index` of a row. The built-in types
    /// read their own type from the driver, with no [`Value`] in between;
    /// the default decodes a [`Value`] of [`ColumnValue::KIND`].
    fn read(row: &dyn ReadRow, index: usize) -> Result<Self, ValueError> {
        Self::from_value(row.decode(index, Self::KIND)?)
    }
    /// [`ColumnValue::read`] of a column that may be NULL (for `Option`).
    fn read_opt(row: &dyn ReadRow, index: usize) -> Result<Option<Self>, ValueError> {
        match row.decode(index, Self::KIND)? {
            Value::Null(_) => Ok(None),
            value => Self::from_value(value).map(Some),
        }
    }
}

/// A database row read column by column, as [`ColumnValue::read`] reads
/// it: one method per built-in representation, the column decoded straight
/// into its Rust type. Implemented for the rows of every enabled driver.
pub trait ReadRow {
    /// Column `index` decoded as a value of `kind`.
    fn decode(&self, index: usize, kind: Kind) -> Result<Value, ValueError>;
    fn bool(&self, index: usize) -> Result<Option<bool>, ValueError>;
    fn i16(&self, index: usize) -> Result<Option<i16>, ValueError>;
    fn i32(&self, index: usize) -> Result<Option<i32>, ValueError>;
    fn i64(&self, index: usize) -> Result<Option<i64>, ValueError>;
    fn f32(&self, index: usize) -> Result<Option<f32>, ValueError>;
    fn f64(&self, index: usize) -> Result<Option<f64>, ValueError>;
    fn string(&self, index: usize) -> Result<Option<String>, ValueError>;
    fn bytes(&self, index: usize) -> Result<Option<Vec<u8>>, ValueError>;
    fn json(&self, index: usize) -> Result<Option<serde_json::Value>, ValueError>;
    fn date(&self, index: usize) -> Result<Option<NaiveDate>, ValueError>;
    fn time(&self, index: usize) -> Result<Option<NaiveTime>, ValueError>;
    fn date_time(&self, index: usize) -> Result<Option<NaiveDateTime>, ValueError>;
    fn date_time_utc(&self, index: usize) -> Result<Option<DateTime<Utc>>, ValueError>;
}

/// A value a helper binds: the key a by-id helper (`find`,
/// `delete_by_id`, ...) takes, or a query filter's value. A value of any
/// field type, or `&str` / `&String` for text (`Tag::find(&pool, "rust")`,
/// `.filter("status = ", "active")`, `.filter("email = ", &email)`).
pub trait KeyValue {
    /// The value to bind.
    fn to_key(&self) -> Value;
    /// The value to bind, taken by move (text and bytes are not copied).
    fn into_key(self) -> Value
    where
        Self: Sized,
    {
        self.to_key()
    }
}

impl<T: ColumnValue> KeyValue for T {
    fn to_key(&self) -> Value {
        self.to_value()
    }
    fn into_key(self) -> Value {
        self.into_value()
    }
}

impl KeyValue for &str {
    fn to_key(&self) -> Value {
        Value::String((*self).to_string())
    }
}

/// `.filter("email = ", &email)`, as sqlx's `.bind(&email)` reads.
impl KeyValue for &String {
    fn to_key(&self) -> Value {
        Value::String((*self).clone())
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const KIND: Kind = T::KIND;
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::KIND),
        }
    }
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null(T::KIND),
        }
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Null(_) => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
    fn read(row: &dyn ReadRow, index: usize) -> Result<Self, ValueError> {
        T::read_opt(row, index)
    }
}

macro_rules! direct {
    ($($rust:ty => $kind:ident $(by $read:ident)?),* $(,)?) => {$(
        impl ColumnValue for $rust {
            const KIND: Kind = Kind::$kind;
            fn to_value(&self) -> Value {
                Value::$kind(self.clone()).in_micros()
            }
            fn into_value(self) -> Value {
                Value::$kind(self).in_micros()
            }
            fn from_value(value: Value) -> Result<Self, ValueError> {
                match value {
                    Value::$kind(v) => Ok(v),
                    other => Err(ValueError::mismatch::<Self>(&other)),
                }
            }
            $(
                fn read(row: &dyn ReadRow, index: usize) -> Result<Self, ValueError> {
                    row.$read(index)?
                        .ok_or_else(|| ValueError::mismatch::<Self>(&Value::Null(Kind::$kind)))
                }
                fn read_opt(row: &dyn ReadRow, index: usize) -> Result<Option<Self>, ValueError> {
                    row.$read(index)
                }
            )?
        }
    )*};
}

direct! {
    bool => Bool by bool,
    i16 => I16 by i16,
    i32 => I32 by i32,
    i64 => I64 by i64,
    f32 => F32 by f32,
    f64 => F64 by f64,
    String => String by string,
    Vec<u8> => Bytes by bytes,
    serde_json::Value => Json by json,
    NaiveDate => Date by date,
    NaiveTime => Time by time,
    NaiveDateTime => DateTime by date_time,
    DateTime<Utc> => DateTimeUtc by date_time_utc,
}

#[cfg(feature = "uuid")]
direct! { uuid::Uuid => Uuid }

#[cfg(feature = "rust_decimal")]
direct! { rust_decimal::Decimal => Decimal }

/// Integer types stored in a wider signed column (no engine dbgen targets
/// has unsigned columns everywhere).
macro_rules! widened {
    ($($rust:ty => $kind:ident($wide:ty)),* $(,)?) => {$(
        impl ColumnValue for $rust {
            const KIND: Kind = Kind::$kind;
            fn to_value(&self) -> Value {
                Value::$kind(<$wide>::from(*self))
            }
            fn from_value(value: Value) -> Result<Self, ValueError> {
                match value {
                    Value::$kind(v) => <$rust>::try_from(v).map_err(|_| {
                        ValueError(format!("{v} is out of range for `{}`", stringify!($rust)))
                    }),
                    other => Err(ValueError::mismatch::<Self>(&other)),
                }
            }
        }
    )*};
}

widened! {
    i8 => I16(i16),
    u8 => I16(i16),
    u16 => I32(i32),
    u32 => I64(i64),
}

impl ColumnValue for Box<str> {
    const KIND: Kind = Kind::String;
    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        String::from_value(value).map(String::into_boxed_str)
    }
}

impl ColumnValue for DateTime<chrono::FixedOffset> {
    const KIND: Kind = Kind::DateTimeUtc;
    fn to_value(&self) -> Value {
        Value::DateTimeUtc(self.with_timezone(&Utc)).in_micros()
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        DateTime::<Utc>::from_value(value).map(|t| t.fixed_offset())
    }
}

impl ColumnValue for DateTime<chrono::Local> {
    const KIND: Kind = Kind::DateTimeUtc;
    fn to_value(&self) -> Value {
        Value::DateTimeUtc(self.with_timezone(&Utc)).in_micros()
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        DateTime::<Utc>::from_value(value).map(|t| t.with_timezone(&chrono::Local))
    }
}

#[cfg(feature = "json")]
impl<T> ColumnValue for sqlx::types::Json<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    const KIND: Kind = Kind::Json;
    fn to_value(&self) -> Value {
        match serde_json::to_value(&self.0) {
            Ok(json) => Value::Json(json),
            Err(e) => Value::Invalid(format!("could not serialize to JSON: {e}")),
        }
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        let json = serde_json::Value::from_value(value)?;
        serde_json::from_value(json)
            .map(sqlx::types::Json)
            .map_err(|e| ValueError(format!("the JSON does not fit the field: {e}")))
    }
}

#[cfg(feature = "time")]
mod time_types {
    use super::*;

    fn date_to_chrono(d: time::Date) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(d.year(), u32::from(u8::from(d.month())), u32::from(d.day()))
    }

    fn date_from_chrono(d: NaiveDate) -> Result<time::Date, ValueError> {
        use chrono::Datelike;
        let month = u8::try_from(d.month())
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or_else(|| ValueError(format!("bad month in {d}")))?;
        let day = u8::try_from(d.day()).map_err(|_| ValueError(format!("bad day in {d}")))?;
        time::Date::from_calendar_date(d.year(), month, day)
            .map_err(|e| ValueError(format!("{d} is not a `time::Date`: {e}")))
    }

    fn time_to_chrono(t: time::Time) -> Option<NaiveTime> {
        NaiveTime::from_hms_nano_opt(
            u32::from(t.hour()),
            u32::from(t.minute()),
            u32::from(t.second()),
            t.nanosecond(),
        )
    }

    fn time_from_chrono(t: NaiveTime) -> Result<time::Time, ValueError> {
        use chrono::Timelike;
        let part = |v: u32| u8::try_from(v).map_err(|_| ValueError(format!("bad time {t}")));
        time::Time::from_hms_nano(
            part(t.hour())?,
            part(t.minute())?,
            part(t.second())?,
            t.nanosecond(),
        )
        .map_err(|e| ValueError(format!("{t} is not a `time::Time`: {e}")))
    }

    fn invalid(what: &str) -> Value {
        Value::Invalid(format!("{what} is outside the range chrono can hold"))
    }

    impl ColumnValue for time::Date {
        const KIND: Kind = Kind::Date;
        fn to_value(&self) -> Value {
            date_to_chrono(*self).map_or_else(|| invalid("the date"), Value::Date)
        }
        fn from_value(value: Value) -> Result<Self, ValueError> {
            date_from_chrono(NaiveDate::from_value(value)?)
        }
    }

    impl ColumnValue for time::Time {
        const KIND: Kind = Kind::Time;
        fn to_value(&self) -> Value {
            time_to_chrono(*self)
                .map_or_else(|| invalid("the time"), Value::Time)
                .in_micros()
        }
        fn from_value(value: Value) -> Result<Self, ValueError> {
            time_from_chrono(NaiveTime::from_value(value)?)
        }
    }

    impl ColumnValue for time::PrimitiveDateTime {
        const KIND: Kind = Kind::DateTime;
        fn to_value(&self) -> Value {
            match (date_to_chrono(self.date()), time_to_chrono(self.time())) {
                (Some(d), Some(t)) => Value::DateTime(NaiveDateTime::new(d, t)).in_micros(),
                _ => invalid("the date-time"),
            }
        }
        fn from_value(value: Value) -> Result<Self, ValueError> {
            let t = NaiveDateTime::from_value(value)?;
            Ok(time::PrimitiveDateTime::new(
                date_from_chrono(t.date())?,
                time_from_chrono(t.time())?,
            ))
        }
    }

    impl ColumnValue for time::OffsetDateTime {
        const KIND: Kind = Kind::DateTimeUtc;
        fn to_value(&self) -> Value {
            let nanos = self.unix_timestamp_nanos();
            i64::try_from(nanos)
                .ok()
                .map(DateTime::<Utc>::from_timestamp_nanos)
                .map_or_else(|| invalid("the date-time"), Value::DateTimeUtc)
                .in_micros()
        }
        fn from_value(value: Value) -> Result<Self, ValueError> {
            let t = DateTime::<Utc>::from_value(value)?;
            let nanos =
                i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos());
            time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .map_err(|e| ValueError(format!("{t} is not a `time::OffsetDateTime`: {e}")))
        }
    }
}

/// About how long `value` is as JSON text (escapes not counted).
pub(crate) fn json_bytes(value: &serde_json::Value) -> usize {
    use serde_json::Value as J;
    match value {
        J::Null => 4,
        J::Bool(_) => 5,
        J::Number(_) => 20,
        J::String(s) => s.len() + 2,
        J::Array(items) => 2 + items.iter().map(|v| json_bytes(v) + 1).sum::<usize>(),
        J::Object(members) => {
            2 + members
                .iter()
                .map(|(k, v)| k.len() + 4 + json_bytes(v))
                .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: ColumnValue + PartialEq + std::fmt::Debug + Clone>(v: T) {
        // Taking the field gives the value a reference to it gives.
        assert_eq!(v.clone().into_value(), v.to_value());
        let back = T::from_value(v.to_value());
        assert_eq!(back, Ok(v));
    }

    #[test]
    fn values_round_trip() {
        round_trip(true);
        round_trip(-5i16);
        round_trip(7i64);
        round_trip(200u8);
        round_trip(u32::MAX);
        round_trip(1.5f64);
        round_trip(String::from("x"));
        round_trip(Some(3i32));
        round_trip(None::<String>);
        round_trip(Some(String::from("y")));
        round_trip(vec![1u8, 2]);
        round_trip(serde_json::json!({"a": [1, 2]}));
        round_trip(DateTime::<Utc>::from_timestamp(1_700_000_000, 5_000).unwrap_or_default());
    }

    #[test]
    fn times_are_kept_to_the_microsecond() {
        let at = DateTime::<Utc>::from_timestamp(1_700_000_000, 123_456_789).unwrap_or_default();
        let cut = DateTime::<Utc>::from_timestamp(1_700_000_000, 123_456_000).unwrap_or_default();
        assert_eq!(at.to_value(), Value::DateTimeUtc(cut));
        assert_eq!(at.into_value(), Value::DateTimeUtc(cut));
        assert_eq!(at.naive_utc().to_value(), Value::DateTime(cut.naive_utc()));
        assert_eq!(at.time().to_value(), Value::Time(cut.time()));
        assert_eq!(Some(at).to_value(), Value::DateTimeUtc(cut));
        // Before 1970 the cut is toward the earlier microsecond too.
        let early = DateTime::<Utc>::from_timestamp(-1, 999_999_999).unwrap_or_default();
        let early_cut = DateTime::<Utc>::from_timestamp(-1, 999_999_000).unwrap_or_default();
        assert_eq!(early.to_value(), Value::DateTimeUtc(early_cut));
        // Other values are as given.
        assert_eq!(1.5f64.to_value(), Value::F64(1.5));
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_types_round_trip() {
        round_trip(
            time::OffsetDateTime::from_unix_timestamp(1_700_000_000)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        );
        round_trip(
            time::Date::from_calendar_date(2024, time::Month::February, 29)
                .unwrap_or(time::Date::MIN),
        );
        round_trip(time::Time::from_hms_nano(23, 59, 58, 123_000).unwrap_or(time::Time::MIDNIGHT));
        let nanos = time::OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        assert_eq!(
            time::OffsetDateTime::from_value(nanos.to_value()).map(|t| t.nanosecond()),
            Ok(123_456_000)
        );
    }

    #[test]
    fn null_into_a_plain_field_says_to_use_option() {
        let err = i64::from_value(Value::Null(Kind::I64)).err().map(|e| e.0);
        assert!(err.is_some_and(|m| m.contains("make it an Option")));
    }

    #[test]
    fn mismatch_messages_name_the_kind_not_the_value() {
        let err = String::from_value(Value::I64(123_456_789))
            .err()
            .map(|e| e.0)
            .unwrap_or_default();
        assert!(err.contains("64-bit integer"), "{err}");
        assert!(!err.contains("123456789"), "{err}");
    }

    #[test]
    fn out_of_range_is_an_error() {
        assert!(u8::from_value(Value::I16(300)).is_err());
        assert!(u32::from_value(Value::I64(-1)).is_err());
    }

    #[test]
    fn integers_take_the_width_of_their_column() {
        assert_eq!(Value::I32(5).into_kind(Kind::I64), Value::I64(5));
        assert_eq!(Value::I64(-7).into_kind(Kind::I16), Value::I16(-7));
        assert_eq!(
            Value::I64(1 << 40).into_kind(Kind::I32),
            Value::I64(1 << 40)
        );
        assert_eq!(
            Value::String("a".into()).into_kind(Kind::I64),
            Value::String("a".into())
        );
        assert_eq!(Value::I16(3).into_kind(Kind::Uuid), Value::I16(3));
    }

    #[test]
    fn json_forms() {
        assert_eq!(
            Value::Bytes(vec![0, 255]).to_json(),
            serde_json::json!("00ff")
        );
        assert_eq!(Value::Null(Kind::I64).to_json(), serde_json::Value::Null);
        assert_eq!(Value::F64(0.5).to_json(), serde_json::json!(0.5));
        assert_eq!(Value::F64(f64::NAN).to_json(), serde_json::json!("NaN"));
        assert_eq!(
            Value::F32(f32::NEG_INFINITY).to_json(),
            serde_json::json!("-Infinity")
        );
        assert_eq!(Value::I64(42).to_key_text(), "42");
        assert_eq!(Value::String("a".into()).to_key_text(), "a");
    }
}
