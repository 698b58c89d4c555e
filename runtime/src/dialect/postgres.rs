//! PostgreSQL.

use super::Dialect;
use super::ddl::{Ddl, Statements};
use crate::Error;
use crate::schema::{Column, ColumnType, Table};

/// PostgreSQL DDL.
pub struct Postgres;

impl Ddl for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn max_identifier(&self) -> usize {
        63
    }

    fn after_create(&self, table: &Table) -> Result<Statements, Error> {
        let mut out = Vec::new();
        if let Some(comment) = &table.comment {
            out.extend(self.set_table_comment(&table.name, None, Some(comment))?);
        }
        for column in table.columns.iter() {
            if let Some(comment) = column.comment() {
                out.push(self.column_comment(&table.name, &column.name, Some(comment))?);
            }
        }
        Ok(out)
    }

    /// A comment is its own statement.
    fn add_column(&self, table: &str, column: &Column) -> Result<Statements, Error> {
        let mut out = vec![format!(
            "ALTER TABLE {} ADD COLUMN {}",
            self.ident(table)?,
            self.column_def(table, column, None)?
        )];
        if let Some(comment) = column.comment() {
            out.push(self.column_comment(table, &column.name, Some(comment))?);
        }
        Ok(out)
    }

    fn alter_column(&self, table: &str, from: &Column, to: &Column) -> Result<Statements, Error> {
        // A time of day followed by an offset, `Z` or a zone's name.
        const ZONED: &str = ":[0-9]{2}(:[0-9]{2}(\\.[0-9]*)?)?\\s*([zZ]|[+-][0-9]{1,2}(:?[0-9]{2})?|[A-Za-z][A-Za-z0-9_/+-]*)\\s*$";
        let prefix = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            self.ident(table)?,
            self.ident(&to.name)?
        );
        let mut out = Vec::new();
        if from.auto_increment && !to.auto_increment {
            out.push(format!("{prefix} DROP IDENTITY IF EXISTS"));
        }
        if from.ty != to.ty {
            let ty = self.type_name(to.ty);
            let column = self.ident(&to.name)?;
            out.push(match (from.ty, to.ty) {
                // Text and bytes convert as UTF-8, as MySQL converts them: a
                // cast read `\x41` in a text as the byte it escapes, and
                // wrote bytes as the text of their hex digits. A bounded
                // target takes the text by assignment, which refuses one
                // too long.
                (f, t) if f.is_text() && t.is_binary() => {
                    format!("{prefix} TYPE {ty} USING convert_to({column}, 'UTF8')")
                }
                (f, t) if f.is_binary() && t.is_text() => {
                    format!("{prefix} TYPE {ty} USING convert_from({column}, 'UTF8')")
                }
                // An instant as text in UTC, as the session's zone would
                // otherwise spell it; the text is assigned to the bounded
                // type, which refuses one too long.
                (ColumnType::TimestampTz, ColumnType::Varchar(_) | ColumnType::Char(_)) => {
                    format!("{prefix} TYPE {ty} USING ({column} AT TIME ZONE 'UTC')::TEXT")
                }
                // PostgreSQL's assignment cast to a bounded text refuses a
                // longer value ("value too long"), as MySQL does; an
                // explicit `USING c::VARCHAR(n)` cut it silently.
                (_, ColumnType::Varchar(_) | ColumnType::Char(_)) => format!("{prefix} TYPE {ty}"),
                // Between a naive time and one with a zone, the naive one
                // is UTC, as dbgen reads and writes it: a cast would read
                // it in the zone of the session that runs the migration.
                (ColumnType::Timestamp, ColumnType::TimestampTz)
                | (ColumnType::TimestampTz, ColumnType::Timestamp) => {
                    format!("{prefix} TYPE {ty} USING {column} AT TIME ZONE 'UTC'")
                }
                (ColumnType::Date, ColumnType::TimestampTz) => {
                    format!("{prefix} TYPE {ty} USING {column}::TIMESTAMP AT TIME ZONE 'UTC'")
                }
                (ColumnType::TimestampTz, _) => {
                    format!("{prefix} TYPE {ty} USING ({column} AT TIME ZONE 'UTC')::{ty}")
                }
                // A text becomes the time it names: with its offset or
                // zone if it has one, else in UTC. A cast would read a
                // text without one in the session's zone, and a cast to
                // a naive type would drop the offset of one that has it.
                (f, ColumnType::TimestampTz | ColumnType::Timestamp | ColumnType::Date)
                    if f.is_text() =>
                {
                    let zoned = format!(
                        "{column} ~ '{ZONED}' AND {column} !~* '[0-9]\\s*[ap]\\.?m\\.?\\s*$'"
                    );
                    let (with, without) = match to.ty {
                        ColumnType::TimestampTz => (
                            format!("{column}::TIMESTAMPTZ"),
                            format!("{column}::TIMESTAMP AT TIME ZONE 'UTC'"),
                        ),
                        _ => (
                            format!("({column}::TIMESTAMPTZ AT TIME ZONE 'UTC')::{ty}"),
                            format!("{column}::{ty}"),
                        ),
                    };
                    format!(
                        "{prefix} TYPE {ty} USING CASE WHEN {zoned} THEN {with} ELSE {without} END"
                    )
                }
                _ => format!("{prefix} TYPE {ty} USING {column}::{ty}"),
            });
        }
        // As written: the same default may read otherwise for the new type
        // (the time now, see `ddl::utc_now`).
        if self.default_expr(from) != self.default_expr(to) {
            out.push(match self.default_expr(to) {
                Some(default) => format!("{prefix} SET DEFAULT {default}"),
                None => format!("{prefix} DROP DEFAULT"),
            });
        }
        if from.nullable != to.nullable {
            let statement = format!(
                "{prefix} {} NOT NULL",
                if to.nullable { "DROP" } else { "SET" }
            );
            match self.backfill(table, from, to)? {
                Some(backfill) => {
                    out.push(backfill);
                    out.push(super::ddl::nolint(
                        "DD101",
                        super::ddl::BACKFILLED,
                        statement,
                    ));
                }
                None => out.push(statement),
            }
        }
        if !from.auto_increment && to.auto_increment {
            out.push(format!("{prefix} ADD GENERATED BY DEFAULT AS IDENTITY"));
        }
        if from.comment() != to.comment() {
            out.push(self.column_comment(table, &to.name, to.comment())?);
        }
        Ok(out)
    }

    fn rename_key_constraint(
        &self,
        table: &str,
        from: &str,
        to: &str,
    ) -> Option<Result<String, Error>> {
        let rename = || -> Result<String, Error> {
            Ok(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                self.ident(table)?,
                self.ident(from)?,
                self.ident(to)?
            ))
        };
        Some(rename())
    }

    fn set_table_comment(
        &self,
        table: &str,
        _from: Option<&str>,
        comment: Option<&str>,
    ) -> Result<Statements, Error> {
        let value = comment.map_or_else(|| "NULL".to_string(), |c| self.string(c));
        Ok(vec![format!(
            "COMMENT ON TABLE {} IS {value}",
            self.ident(table)?
        )])
    }
}

impl Postgres {
    fn column_comment(
        &self,
        table: &str,
        column: &str,
        comment: Option<&str>,
    ) -> Result<String, Error> {
        let value = comment.map_or_else(|| "NULL".to_string(), |c| self.string(c));
        Ok(format!(
            "COMMENT ON COLUMN {}.{} IS {value}",
            self.ident(table)?,
            self.ident(column)?
        ))
    }
}
