//! SQL dialects: one unit struct per engine implementing [`Ddl`], whose
//! defaults are standard SQL; [`render`] turns a plan into a migration file.

#[cfg(feature = "sql-check")]
mod blocks;
#[cfg(feature = "sql-check")]
mod check;
mod ddl;
#[cfg(feature = "sql-check")]
mod expressions;
#[cfg(feature = "sql-check")]
pub(crate) use expressions::byte_length_note;
mod mysql;
mod namespace;
mod postgres;
mod render;
pub(crate) mod sqlite;
pub(crate) mod sqlserver;

#[cfg(feature = "sql-check")]
pub(crate) use blocks::Blocks;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "sql-check")]
pub(crate) use check::statements;
#[cfg(feature = "sql-check")]
pub use check::{SqlProblem, UNCHECKED, check_file, grammar_gap};
pub(crate) use ddl::literal_default;
pub use ddl::{DROPS, Ddl, NOLINT, Statements, live_marker};
pub use mysql::MySql;
pub(crate) use mysql::mysql8_note;
pub use postgres::Postgres;
pub use render::{create_schema, render};
#[cfg(feature = "sql-check")]
pub(crate) use sqlite::REBUILD_PREFIX;
pub use sqlite::Sqlite;
pub use sqlserver::SqlServer;
pub(crate) use sqlserver::key_size_note;

use crate::schema::ColumnType;

/// Checks what `dialect` refuses of a whole schema before a migration to it
/// is written: names its engine keeps in one namespace for the database,
/// then the engine's own rules ([`Ddl::check_schema`]).
pub(crate) fn check_target(
    dialect: Dialect,
    schema: &crate::schema::Schema,
) -> Result<(), crate::Error> {
    namespace::check_shared_names(dialect, schema)?;
    #[cfg(feature = "sql-check")]
    expressions::check_expressions(dialect, schema)?;
    dialect.ddl().check_schema(schema)
}

/// A database engine's SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
    /// Microsoft SQL Server (DDL only; no runtime driver).
    SqlServer,
}

/// Spellings accepted for each dialect.
pub const DIALECT_NAMES: &str = "postgres, mysql, sqlite, sqlserver";

impl FromStr for Dialect {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Dialect, crate::Error> {
        match text.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            "sqlserver" | "mssql" => Ok(Dialect::SqlServer),
            _ => Err(crate::Error::UnknownDialect(text.to_string())),
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
            Dialect::SqlServer => "sqlserver",
        })
    }
}

impl Dialect {
    /// How many dialects there are: the length of a per-dialect cache.
    pub(crate) const COUNT: usize = 4;

    /// This dialect's slot in a per-dialect cache (`[_; Dialect::COUNT]`).
    pub(crate) const fn slot(self) -> usize {
        match self {
            Dialect::Postgres => 0,
            Dialect::MySql => 1,
            Dialect::Sqlite => 2,
            Dialect::SqlServer => 3,
        }
    }

    /// The most values one statement can bind: SQLite's default
    /// `SQLITE_MAX_VARIABLE_NUMBER` (32 766), PostgreSQL's and MySQL's
    /// 16-bit parameter count, SQL Server's 2 100.
    pub(crate) const fn max_parameters(self) -> usize {
        match self {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres | Dialect::MySql => 65_535,
            Dialect::SqlServer => 2_100,
        }
    }

    /// About how many bytes of values dbgen puts in one statement, where the
    /// engine limits a statement's size: MySQL and MariaDB refuse a packet
    /// over `max_allowed_packet` (4 MiB by default in MySQL 5.7, 16 MiB in
    /// MariaDB, 64 MiB in MySQL 8) and close the connection. A batch is cut
    /// into statements of about this much; a single larger row still goes
    /// alone.
    pub(crate) const fn statement_bytes(self) -> Option<usize> {
        match self {
            Dialect::MySql => Some(2 << 20),
            Dialect::Postgres | Dialect::Sqlite | Dialect::SqlServer => None,
        }
    }

    /// The dialect a database URL speaks, from its scheme.
    pub fn from_url(url: &str) -> Result<Dialect, crate::Error> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            "sqlite" => Ok(Dialect::Sqlite),
            "sqlserver" | "mssql" => Ok(Dialect::SqlServer),
            _ => Err(crate::Error::UnknownDialect(scheme.to_string())),
        }
    }

    /// The renderer of this dialect.
    pub fn ddl(self) -> &'static dyn Ddl {
        match self {
            Dialect::Postgres => &Postgres,
            Dialect::MySql => &MySql,
            Dialect::Sqlite => &Sqlite,
            Dialect::SqlServer => &SqlServer,
        }
    }

    /// `name` quoted as an identifier, embedded quote characters doubled.
    pub fn quote(self, name: &str) -> String {
        let mut out = String::with_capacity(name.len() + 2);
        self.quote_into(name, &mut out);
        out
    }

    /// Appends `name` quoted, as [`Dialect::quote`] spells it.
    pub fn quote_into(self, name: &str, out: &mut String) {
        let (open, close) = match self {
            Dialect::Postgres | Dialect::Sqlite => ('"', '"'),
            Dialect::MySql => ('`', '`'),
            Dialect::SqlServer => ('[', ']'),
        };
        out.reserve(name.len() + 2);
        out.push(open);
        // Copied in runs up to each closing quote (rare), which is doubled.
        // The quote characters are ASCII, so a byte equal to one is that
        // character and the runs split on character boundaries.
        let mut rest = name;
        while let Some(at) = rest.bytes().position(|b| char::from(b) == close) {
            let (run, after) = rest.split_at(at + 1);
            out.push_str(run);
            out.push(close);
            rest = after;
        }
        out.push_str(rest);
        out.push(close);
    }

    /// The column type as this dialect spells it.
    pub fn type_name(self, ty: ColumnType) -> Cow<'static, str> {
        use ColumnType as T;
        use Dialect as D;
        match (self, ty) {
            (D::Sqlite, T::SmallInt | T::Integer | T::BigInt) => "INTEGER".into(),
            (_, T::SmallInt) => "SMALLINT".into(),
            (D::MySql, T::Integer) => "INT".into(),
            (_, T::Integer) => "INTEGER".into(),
            (_, T::BigInt) => "BIGINT".into(),
            (D::Postgres | D::Sqlite, T::Real) => "REAL".into(),
            (D::MySql, T::Real) => "FLOAT".into(),
            (D::SqlServer, T::Real) => "REAL".into(),
            (D::Postgres, T::Double) => "DOUBLE PRECISION".into(),
            (D::SqlServer, T::Double) => "FLOAT(53)".into(),
            (_, T::Double) => "DOUBLE".into(),
            (D::Sqlite, T::Decimal { .. }) => "NUMERIC".into(),
            (_, T::Decimal { precision, scale }) => format!("DECIMAL({precision},{scale})").into(),
            (D::Postgres, T::Boolean) => "BOOLEAN".into(),
            (D::MySql, T::Boolean) => "TINYINT(1)".into(),
            (D::Sqlite, T::Boolean) => "BOOLEAN".into(),
            (D::SqlServer, T::Boolean) => "BIT".into(),
            (D::SqlServer, T::Char(n)) => format!("NCHAR({n})").into(),
            (_, T::Char(n)) => format!("CHAR({n})").into(),
            (D::SqlServer, T::Varchar(n)) if n > 4000 => "NVARCHAR(MAX)".into(),
            (D::SqlServer, T::Varchar(n)) => format!("NVARCHAR({n})").into(),
            (_, T::Varchar(n)) => format!("VARCHAR({n})").into(),
            (D::MySql, T::Text) => "LONGTEXT".into(),
            (D::SqlServer, T::Text) => "NVARCHAR(MAX)".into(),
            (_, T::Text) => "TEXT".into(),
            (_, T::Date) => "DATE".into(),
            // MySQL/MariaDB keep no fraction of a second unless asked.
            (D::MySql, T::Time) => "TIME(6)".into(),
            (_, T::Time) => "TIME".into(),
            (D::MySql, T::Timestamp) => "DATETIME(6)".into(),
            (D::SqlServer, T::Timestamp) => "DATETIME2".into(),
            (_, T::Timestamp) => "TIMESTAMP".into(),
            (D::Postgres, T::TimestampTz) => "TIMESTAMPTZ".into(),
            (D::MySql, T::TimestampTz) => "DATETIME(6)".into(),
            (D::Sqlite, T::TimestampTz) => "TIMESTAMP".into(),
            (D::SqlServer, T::TimestampTz) => "DATETIMEOFFSET".into(),
            (D::Postgres, T::Uuid) => "UUID".into(),
            (D::MySql, T::Uuid) => "CHAR(36)".into(),
            (D::Sqlite, T::Uuid) => "BLOB".into(),
            (D::SqlServer, T::Uuid) => "UNIQUEIDENTIFIER".into(),
            (D::Postgres, T::Json) => "JSONB".into(),
            (D::MySql, T::Json) => "JSON".into(),
            (D::Sqlite, T::Json) => "TEXT".into(),
            (D::SqlServer, T::Json) => "NVARCHAR(MAX)".into(),
            (D::Postgres, T::Binary | T::Varbinary(_)) => "BYTEA".into(),
            (D::MySql, T::Binary) => "LONGBLOB".into(),
            (D::Sqlite, T::Binary | T::Varbinary(_)) => "BLOB".into(),
            (D::SqlServer, T::Binary) => "VARBINARY(MAX)".into(),
            (D::SqlServer, T::Varbinary(n)) if n > 8000 => "VARBINARY(MAX)".into(),
            (_, T::Varbinary(n)) => format!("VARBINARY({n})").into(),
        }
    }
}

/// `count` texts joined from `pieces` (up to a dozen each), the same ones
/// every run: input for the tests that read any text without panic.
#[cfg(test)]
pub(crate) fn random_texts(pieces: &[&str], count: usize) -> Vec<String> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    (0..count)
        .map(|_| {
            (0..next() % 13)
                .map(|_| pieces[next() % pieces.len()])
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_closing_quote() {
        assert_eq!(Dialect::Postgres.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::MySql.quote("a`b"), "`a``b`");
        assert_eq!(Dialect::SqlServer.quote("a]b[c"), "[a]]b[c]");
        assert_eq!(Dialect::Sqlite.quote("plain"), "\"plain\"");
    }

    #[test]
    fn names_and_urls() {
        assert_eq!(
            "PostgreSQL".parse::<Dialect>().ok(),
            Some(Dialect::Postgres)
        );
        assert_eq!("mariadb".parse::<Dialect>().ok(), Some(Dialect::MySql));
        assert!("oracle".parse::<Dialect>().is_err());
        assert_eq!(
            Dialect::from_url("sqlite::memory:").ok(),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            Dialect::from_url("mysql://root@localhost/test").ok(),
            Some(Dialect::MySql)
        );
        assert!(Dialect::from_url("http://x").is_err());
    }
}
