//! The logical column types and their one textual grammar.
//!
//! This file has no dependencies on purpose: the `dbgen-macros` crate includes
//! it too (`#[path]`), so `#[column(type = "...")]` is parsed at compile time
//! by exactly the code that reads `dbgen.schema.json` at run time.

use std::fmt;

/// A dialect-independent column type. Each dialect renders it to its own SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnType {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInt,
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// Exact decimal with precision and scale.
    Decimal { precision: u8, scale: u8 },
    /// True/false.
    Boolean,
    /// Fixed-length character string.
    Char(u32),
    /// Variable-length character string with a maximum length.
    Varchar(u32),
    /// Unbounded text.
    Text,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time without time zone.
    Timestamp,
    /// Date and time with time zone (an instant).
    TimestampTz,
    /// UUID.
    Uuid,
    /// JSON document.
    Json,
    /// Unbounded binary.
    Binary,
    /// Variable-length binary with a maximum length.
    Varbinary(u32),
}

/// Why a type string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeParseError {
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl fmt::Display for TypeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every type name the grammar knows, for error messages.
pub const TYPE_NAMES: &[&str] = &[
    "varchar(n)",
    "char(n)",
    "text",
    "decimal(p,s)",
    "smallint",
    "integer",
    "bigint",
    "real",
    "double",
    "boolean",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "uuid",
    "json",
    "binary",
    "varbinary(n)",
];

/// Largest length accepted for `varchar(n)`, `char(n)`, `varbinary(n)`.
pub const MAX_LENGTH: u32 = 65_535;

impl ColumnType {
    /// Reads a logical type such as `varchar(200)` or `decimal(10, 2)`.
    /// Case and spaces around punctuation are ignored.
    pub fn parse(text: &str) -> Result<ColumnType, TypeParseError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let (name, args) = match compact.find('(') {
            Some(open) => {
                let Some(inner) = compact[open + 1..].strip_suffix(')') else {
                    return Err(err(format!(
                        "`{text}` has an unclosed or misplaced parenthesis; write e.g. `varchar(200)`"
                    )));
                };
                (&compact[..open], Some(inner))
            }
            None => (compact.as_str(), None),
        };
        let simple = match name {
            "smallint" | "int2" => Some(ColumnType::SmallInt),
            "integer" | "int" | "int4" => Some(ColumnType::Integer),
            "bigint" | "int8" => Some(ColumnType::BigInt),
            "real" | "float4" => Some(ColumnType::Real),
            "double" | "float8" | "doubleprecision" => Some(ColumnType::Double),
            "boolean" | "bool" => Some(ColumnType::Boolean),
            "text" => Some(ColumnType::Text),
            "date" => Some(ColumnType::Date),
            "time" => Some(ColumnType::Time),
            "timestamp" => Some(ColumnType::Timestamp),
            "timestamptz" => Some(ColumnType::TimestampTz),
            "uuid" => Some(ColumnType::Uuid),
            "json" | "jsonb" => Some(ColumnType::Json),
            "binary" | "blob" | "bytea" => Some(ColumnType::Binary),
            _ => None,
        };
        if let Some(ty) = simple {
            return match args {
                None => Ok(ty),
                Some(_) => Err(err(format!("`{name}` takes no arguments; write `{name}`"))),
            };
        }
        match name {
            "varchar" | "char" | "varbinary" => {
                let Some(args) = args else {
                    return Err(err(format!(
                        "`{name}` needs a length; write e.g. `{name}(255)`"
                    )));
                };
                let n = parse_number(args, name, MAX_LENGTH)?;
                if n == 0 {
                    return Err(err(format!(
                        "`{name}(0)` has no room; the length must be at least 1"
                    )));
                }
                Ok(match name {
                    "varchar" => ColumnType::Varchar(n),
                    "char" => ColumnType::Char(n),
                    _ => ColumnType::Varbinary(n),
                })
            }
            "decimal" | "numeric" => {
                let Some(args) = args else {
                    return Err(err(
                        "`decimal` needs a precision and scale; write e.g. `decimal(10,2)`"
                            .to_string(),
                    ));
                };
                let Some((p, s)) = args.split_once(',') else {
                    return Err(err(format!(
                        "`decimal({args})` needs both precision and scale; write e.g. `decimal(10,2)`"
                    )));
                };
                let precision = parse_number(p, "decimal precision", 38)?;
                let scale = parse_number(s, "decimal scale", 38)?;
                if precision == 0 || scale > precision {
                    return Err(err(format!(
                        "`decimal({precision},{scale})` is not valid: precision must be 1..=38 and scale at most the precision"
                    )));
                }
                Ok(ColumnType::Decimal {
                    precision: precision as u8,
                    scale: scale as u8,
                })
            }
            _ => Err(err(format!(
                "unknown column type `{text}`; expected one of: {}",
                TYPE_NAMES.join(", ")
            ))),
        }
    }

    /// True for the integer types (the ones that can auto-increment).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        )
    }

    /// True for the text types (bounded or not).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ColumnType::Varchar(_) | ColumnType::Char(_) | ColumnType::Text
        )
    }

    /// True for the byte types (bounded or not).
    pub fn is_binary(self) -> bool {
        matches!(self, ColumnType::Binary | ColumnType::Varbinary(_))
    }

    /// True for the types that hold a point in time with a date.
    pub fn is_timestamp(self) -> bool {
        matches!(self, ColumnType::Timestamp | ColumnType::TimestampTz)
    }
}

impl fmt::Display for ColumnType {
    /// The canonical spelling, which [`ColumnType::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::SmallInt => f.write_str("smallint"),
            ColumnType::Integer => f.write_str("integer"),
            ColumnType::BigInt => f.write_str("bigint"),
            ColumnType::Real => f.write_str("real"),
            ColumnType::Double => f.write_str("double"),
            ColumnType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            ColumnType::Boolean => f.write_str("boolean"),
            ColumnType::Char(n) => write!(f, "char({n})"),
            ColumnType::Varchar(n) => write!(f, "varchar({n})"),
            ColumnType::Text => f.write_str("text"),
            ColumnType::Date => f.write_str("date"),
            ColumnType::Time => f.write_str("time"),
            ColumnType::Timestamp => f.write_str("timestamp"),
            ColumnType::TimestampTz => f.write_str("timestamptz"),
            ColumnType::Uuid => f.write_str("uuid"),
            ColumnType::Json => f.write_str("json"),
            ColumnType::Binary => f.write_str("binary"),
            ColumnType::Varbinary(n) => write!(f, "varbinary({n})"),
        }
    }
}

/// What a foreign key does when the referenced row changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum FkAction {
    /// `NO ACTION` (the SQL default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// Every spelling accepted in `on_delete`/`on_update`.
    pub const NAMES: &'static [&'static str] = &[
        "cascade",
        "restrict",
        "set null",
        "set default",
        "no action",
    ];

    /// Reads `cascade`, `set null`, ... (case-insensitive, `_` for space).
    pub fn parse(text: &str) -> Option<FkAction> {
        let words: Vec<String> = text
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        match words.join(" ").as_str() {
            "no action" => Some(FkAction::NoAction),
            "restrict" => Some(FkAction::Restrict),
            "cascade" => Some(FkAction::Cascade),
            "set null" => Some(FkAction::SetNull),
            "set default" => Some(FkAction::SetDefault),
            _ => None,
        }
    }

    /// The SQL keywords.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

fn parse_number(text: &str, what: &str, max: u32) -> Result<u32, TypeParseError> {
    match text.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        Ok(n) => Err(err(format!(
            "{what} {n} is too large; the maximum is {max}"
        ))),
        Err(_) => Err(err(format!("`{text}` is not a whole number for {what}"))),
    }
}

fn err(message: String) -> TypeParseError {
    TypeParseError { message }
}
