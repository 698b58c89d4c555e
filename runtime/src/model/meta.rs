//! What the runtime helpers need to know about a model's table, worked out
//! once per model from its definition.

use std::sync::{Mutex, OnceLock};

use crate::Error;
use crate::audit::redact;
use crate::audit::write::json_member;
use crate::dialect::Dialect;
use crate::schema::Table;
use crate::value::{Kind, Value};

/// A model's table plus the column roles the helpers use.
#[derive(Debug)]
pub struct Meta {
    /// The table definition.
    pub table: Table,
    /// How each column's value is stored, in column order.
    pub kinds: Vec<Kind>,
    /// Primary key columns (indexes into `table.columns`).
    pub key: Vec<usize>,
    /// The generated (auto-increment) key column.
    pub auto_key: Option<usize>,
    /// The soft-delete column.
    pub soft_delete: Option<usize>,
    /// `created_at` when the model has `timestamps`.
    pub created_at: Option<usize>,
    /// `updated_at` when the model has `timestamps`.
    pub updated_at: Option<usize>,
    /// Columns the audit log stores as `"[REDACTED]"`.
    pub redacted: Vec<bool>,
    /// Columns an INSERT may leave out when no value is given for them
    /// (`ops::omitted` says when one is): the generated key, columns with
    /// a default, the soft-delete column.
    pub omittable: Vec<usize>,
    /// `"<column>": `, the start of each column's member in JSON text.
    pub json_members: Vec<String>,
    /// Decimal columns: `(index, precision, scale)`.
    scales: Vec<(usize, u32, u32)>,
    /// Columns of a bounded length: `(index, length, counted in bytes)`.
    lengths: Vec<(usize, u32, bool)>,
    /// Per dialect, worked out on first use: every column name quoted, and
    /// `SELECT <all columns> FROM <table>`.
    quoted: [OnceLock<Quoted>; Dialect::COUNT],
    /// The texts of the last few batch INSERTs built for this table (a
    /// program inserts batches of a few shapes over and over; a batch's
    /// text has a placeholder per value).
    inserts: Mutex<Vec<InsertText>>,
}

/// How many INSERT texts a table keeps.
const INSERT_TEXTS: usize = 4;

/// One INSERT text and what it was built for.
#[derive(Debug)]
struct InsertText {
    dialect: Dialect,
    included: Vec<usize>,
    rows: usize,
    returning: bool,
    text: String,
}

#[derive(Debug)]
struct Quoted {
    table: String,
    columns: Vec<String>,
    select: String,
}

impl Meta {
    pub fn new(table: Table, kinds: Vec<Kind>) -> Meta {
        let position = |name: &str| table.columns.iter().position(|c| c.name == name);
        let key = table
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.iter().filter_map(|c| position(c)).collect())
            .unwrap_or_default();
        let auto_key = table.columns.iter().position(|c| c.auto_increment);
        let soft_delete = table.soft_delete.as_deref().and_then(position);
        let (created_at, updated_at) = if table.timestamps {
            (position("created_at"), position("updated_at"))
        } else {
            (None, None)
        };
        let redacted = table
            .columns
            .iter()
            .map(|c| {
                c.sensitive || redact::is_secret_name(&c.name) || redact::is_secret_name(c.field())
            })
            .collect();
        let omittable = (0..table.columns.len())
            .filter(|&i| {
                Some(i) == auto_key
                    || Some(i) == soft_delete
                    || table.columns[i].default().is_some()
            })
            .collect();
        let json_members = table.columns.iter().map(|c| json_member(&c.name)).collect();
        let scales = table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.ty {
                crate::schema::ColumnType::Decimal { precision, scale } => {
                    Some((i, u32::from(precision), u32::from(scale)))
                }
                _ => None,
            })
            .collect();
        let lengths = table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.ty {
                crate::schema::ColumnType::Varchar(n) | crate::schema::ColumnType::Char(n) => {
                    Some((i, n, false))
                }
                crate::schema::ColumnType::Varbinary(n) => Some((i, n, true)),
                _ => None,
            })
            .collect();
        Meta {
            json_members,
            scales,
            lengths,
            table,
            kinds,
            key,
            auto_key,
            soft_delete,
            created_at,
            updated_at,
            redacted,
            omittable,
            quoted: Default::default(),
            inserts: Mutex::new(Vec::new()),
        }
    }

    /// Cuts each decimal of `row` to its column's scale as PostgreSQL and
    /// MySQL store it (half away from zero: 1.005 in `decimal(10,2)` is
    /// 1.01), so the row a write returns and its audit row hold what the
    /// database holds, and SQLite (which keeps any scale) holds the same.
    ///
    /// A text longer than its `varchar(n)`/`char(n)` column (in characters,
    /// as PostgreSQL and MySQL count them) or bytes longer than their
    /// `varbinary(n)` column is refused, on every engine: PostgreSQL and
    /// MySQL refuse it, and SQLite, which enforces no length, would keep
    /// it, so code tested on SQLite would fail in production only. So is a
    /// decimal with more digits before the point than its column holds.
    pub fn fit(&self, row: &mut [Value]) -> Result<(), Error> {
        for &(i, max, bytes) in &self.lengths {
            let found = match row.get(i) {
                Some(Value::String(s)) if !bytes && s.len() > max as usize => s.chars().count(),
                Some(Value::Bytes(b)) if bytes => b.len(),
                _ => continue,
            };
            if found > max as usize {
                return Err(Error::TooLong {
                    table: self.name().to_string(),
                    column: self.column(i).to_string(),
                    found,
                    max,
                    unit: if bytes { "bytes" } else { "characters" },
                });
            }
        }
        for &(i, precision, scale) in &self.scales {
            if let Some(value) = row.get_mut(i) {
                value.round_to(scale);
                if value.exceeds_integer_digits(precision.saturating_sub(scale)) {
                    return Err(Error::OutOfRange {
                        table: self.name().to_string(),
                        column: self.column(i).to_string(),
                        value: value.to_key_text(),
                        precision,
                        scale,
                    });
                }
            }
        }
        Ok(())
    }

    /// The table name.
    pub fn name(&self) -> &str {
        &self.table.name
    }

    /// Column name by index.
    pub fn column(&self, index: usize) -> &str {
        &self.table.columns[index].name
    }

    /// Every column name, in order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.table.columns.iter().map(|c| c.name.as_ref())
    }

    /// Whether column `index` has a database default.
    pub fn has_default(&self, index: usize) -> bool {
        self.table.columns[index].default().is_some()
    }

    /// Whether column `index` is a timestamp dbgen sets itself.
    pub fn is_timestamp(&self, index: usize) -> bool {
        Some(index) == self.created_at || Some(index) == self.updated_at
    }

    fn quoted_for(&self, dialect: Dialect) -> &Quoted {
        self.quoted[dialect.slot()].get_or_init(|| {
            let table = dialect.quote(self.name());
            let columns: Vec<String> = self.columns().map(|c| dialect.quote(c)).collect();
            let select = format!("SELECT {} FROM {table}", columns.join(", "));
            Quoted {
                table,
                columns,
                select,
            }
        })
    }

    /// The table name quoted for `dialect`.
    pub fn quoted_name(&self, dialect: Dialect) -> &str {
        &self.quoted_for(dialect).table
    }

    /// Column `index`'s name quoted for `dialect`.
    pub fn quoted(&self, dialect: Dialect, index: usize) -> &str {
        &self.quoted_for(dialect).columns[index]
    }

    /// `SELECT <every column> FROM <table>` for `dialect`.
    pub fn select(&self, dialect: Dialect) -> &str {
        &self.quoted_for(dialect).select
    }

    /// The text of a batch INSERT of `rows` rows giving the `included`
    /// columns (with `RETURNING` every column when `returning`), if one
    /// was kept.
    pub(crate) fn insert_text(
        &self,
        dialect: Dialect,
        included: &[usize],
        rows: usize,
        returning: bool,
    ) -> Option<String> {
        let texts = self.inserts.lock().ok()?;
        texts
            .iter()
            .find(|t| {
                t.dialect == dialect
                    && t.rows == rows
                    && t.returning == returning
                    && t.included == included
            })
            .map(|t| t.text.clone())
    }

    /// Keeps the text of a batch INSERT (the oldest of [`INSERT_TEXTS`]
    /// makes room).
    pub(crate) fn keep_insert_text(
        &self,
        dialect: Dialect,
        included: &[usize],
        rows: usize,
        returning: bool,
        text: &str,
    ) {
        if let Ok(mut texts) = self.inserts.lock() {
            if texts.len() >= INSERT_TEXTS {
                texts.remove(0);
            }
            texts.push(InsertText {
                dialect,
                included: included.to_vec(),
                rows,
                returning,
                text: text.to_string(),
            });
        }
    }

    /// The current time as a value of column `index`'s kind.
    pub fn now(&self, index: usize) -> Value {
        now(self.kinds[index])
    }
}

/// The current time in `kind`, truncated to microseconds (what every
/// engine stores), so the value a model holds equals what is read back.
pub fn now(kind: Kind) -> Value {
    at(kind, instant())
}

/// The current time, truncated to microseconds.
pub fn instant() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    let micros = now.timestamp_micros();
    chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros).unwrap_or(now)
}

/// `time` as a value of `kind`.
pub fn at(kind: Kind, time: chrono::DateTime<chrono::Utc>) -> Value {
    match kind {
        Kind::DateTime => Value::DateTime(time.naive_utc()),
        _ => Value::DateTimeUtc(time),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_texts_are_kept_per_shape_and_the_oldest_makes_room() {
        let meta = Meta::new(crate::__private::stub_table().clone(), Vec::new());
        let pg = Dialect::Postgres;
        for rows in 1..=INSERT_TEXTS {
            meta.keep_insert_text(pg, &[0, 1], rows, true, &format!("text {rows}"));
        }
        assert_eq!(
            meta.insert_text(pg, &[0, 1], 2, true).as_deref(),
            Some("text 2")
        );
        // Another dialect, column set or RETURNING is another shape.
        assert_eq!(meta.insert_text(Dialect::Sqlite, &[0, 1], 2, true), None);
        assert_eq!(meta.insert_text(pg, &[1], 2, true), None);
        assert_eq!(meta.insert_text(pg, &[0, 1], 2, false), None);
        meta.keep_insert_text(pg, &[1], 9, true, "newest");
        assert_eq!(
            meta.insert_text(pg, &[0, 1], 1, true),
            None,
            "the oldest went"
        );
        assert_eq!(
            meta.insert_text(pg, &[1], 9, true).as_deref(),
            Some("newest")
        );
    }
}
