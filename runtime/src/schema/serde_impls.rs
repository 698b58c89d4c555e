//! `ColumnType` is stored in JSON as its canonical spelling (`"varchar(200)"`).

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::ColumnType;

impl Serialize for ColumnType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ColumnType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl Visitor<'_> for TypeVisitor {
            type Value = ColumnType;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a logical column type such as \"varchar(200)\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnType, E> {
                ColumnType::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TypeVisitor)
    }
}

/// Foreign key actions are stored as their SQL words in lower case
/// (`"cascade"`, `"set null"`).
impl Serialize for super::FkAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.sql().to_ascii_lowercase())
    }
}

impl<'de> Deserialize<'de> for super::FkAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::FkAction::parse(&text).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown foreign key action `{text}`; expected one of: {}",
                super::FkAction::NAMES.join(", ")
            ))
        })
    }
}
