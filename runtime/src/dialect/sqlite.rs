//! SQLite. Alterations beyond renames and plain column additions/removals
//! arrive here already lowered to table rebuilds by the planner.

use super::Dialect;
use super::ddl::{Ddl, Statements, index_named, nolint};
use crate::Error;
use crate::schema::{Column, ForeignKey, PrimaryKey, Table};

/// SQLite DDL.
pub struct Sqlite;

impl Ddl for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    /// SQLite has no limit; dbgen keeps PostgreSQL's so schemas stay portable.
    fn max_identifier(&self) -> usize {
        crate::schema::names::MAX_IDENTIFIER_BYTES
    }

    /// An auto-increment key is `INTEGER PRIMARY KEY AUTOINCREMENT`, declared
    /// on the column and named like any other key constraint.
    fn push_column_def(
        &self,
        def: &mut String,
        _table: &str,
        column: &Column,
        key: Option<&PrimaryKey>,
    ) -> Result<(), Error> {
        self.push_column_start(def, column)?;
        if !column.nullable {
            def.push_str(" NOT NULL");
        }
        match key {
            Some(pk) if column.auto_increment => {
                def.push_str(&format!(
                    " CONSTRAINT {} PRIMARY KEY AUTOINCREMENT",
                    self.ident(&pk.name)?
                ));
            }
            _ if column.auto_increment => {
                return Err(Error::Unsupported(format!(
                    "column `{}`: SQLite auto-increments only an INTEGER PRIMARY KEY",
                    column.name
                )));
            }
            _ => {}
        }
        if let Some(default) = column.default() {
            def.push_str(" DEFAULT ");
            def.push_str(default);
        }
        Ok(())
    }

    fn key_inline(&self, table: &Table) -> bool {
        table
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1)
            .and_then(|pk| table.column(&pk.columns[0]))
            .is_some_and(|c| c.auto_increment)
    }

    fn alter_column(&self, table: &str, _from: &Column, to: &Column) -> Result<Statements, Error> {
        Err(Error::Unsupported(format!(
            "SQLite cannot alter column `{table}.{}` in place; the planner rebuilds the table",
            to.name
        )))
    }

    /// SQLite cannot rename an index: it is dropped and created again under
    /// its new name, which `lint` is told is no drop.
    fn rename_index(&self, table: &Table, from: &str, to: &str) -> Result<Statements, Error> {
        let index = index_named(table, to)?;
        let why =
            format!("renames index `{from}` to `{to}` (SQLite drops it and creates it again)");
        let mut out = vec![nolint(
            "DS103",
            &why,
            format!("DROP INDEX {}", self.ident(from)?),
        )];
        for statement in self.add_index(table, index)? {
            out.push(if index.unique {
                nolint("DD104", &why, statement)
            } else {
                statement
            });
        }
        Ok(out)
    }

    /// SQLite stores no comments.
    fn set_table_comment(
        &self,
        _table: &str,
        _from: Option<&str>,
        _to: Option<&str>,
    ) -> Result<Statements, Error> {
        Ok(Vec::new())
    }
}

/// After the rebuilds, before `COMMIT`: fails the migration if the rows
/// break a foreign key. `PRAGMA foreign_key_check` alone only lists the
/// rows, which a migration runner ignores; counted into a table whose check
/// wants none, they are an error that names the cause, and the open
/// transaction is never committed.
pub(crate) const FOREIGN_KEY_CHECK: [&str; 3] = [
    "CREATE TEMP TABLE \"_dbgen_fk_check\" (\"violations\" INTEGER NOT NULL CONSTRAINT \"rows break a foreign key after the rebuild; PRAGMA foreign_key_check lists them\" CHECK (\"violations\" = 0))",
    "INSERT INTO \"_dbgen_fk_check\" SELECT COUNT(*) FROM pragma_foreign_key_check",
    "DROP TABLE \"_dbgen_fk_check\"",
];

/// Prefix of the copy a table rebuild creates, fills and renames to the
/// table's name (`lint` recognises a rebuild by it).
pub(crate) const REBUILD_PREFIX: &str = "_dbgen_new_";

impl Sqlite {
    /// `ALTER TABLE t ADD COLUMN c ... CONSTRAINT fk REFERENCES p (id)`:
    /// SQLite adds a column with a foreign key in place when the column
    /// defaults to NULL, so existing rows cannot break the key.
    pub fn add_referencing_column(
        &self,
        table: &str,
        column: &Column,
        fk: &ForeignKey,
    ) -> Result<Statements, Error> {
        let mut def = self.column_def(table, column, None)?;
        def.push_str(" CONSTRAINT ");
        def.push_str(&self.ident(&fk.name)?);
        def.push(' ');
        def.push_str(&self.references_clause(fk)?);
        Ok(vec![format!(
            "ALTER TABLE {} ADD COLUMN {def}",
            self.ident(table)?
        )])
    }

    /// The statements of one table rebuild (foreign keys are switched off
    /// around the whole migration by the file renderer).
    pub fn rebuild(
        &self,
        from: &Table,
        to: &Table,
        copy: &[(String, String)],
    ) -> Result<Statements, Error> {
        let scratch = crate::schema::names::shorten(&format!("{REBUILD_PREFIX}{}", to.name));
        let mut staged = to.clone();
        staged.name = scratch.clone().into();
        let mut out = self.create_table(&staged)?;
        if !copy.is_empty() {
            let sources: Result<Vec<String>, Error> =
                copy.iter().map(|(s, _)| self.ident(s)).collect();
            let targets: Result<Vec<String>, Error> =
                copy.iter().map(|(_, t)| self.ident(t)).collect();
            out.push(format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                self.ident(&scratch)?,
                targets?.join(", "),
                sources?.join(", "),
                self.ident(&from.name)?
            ));
        }
        out.push(format!("DROP TABLE {}", self.ident(&from.name)?));
        out.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            self.ident(&scratch)?,
            self.ident(&to.name)?
        ));
        // A unique index the table had before (its columns renamed as the
        // copy renames them) held on these rows already.
        let source = |column: &str| {
            copy.iter()
                .find(|(_, target)| target == column)
                .map(|(source, _)| source.as_str())
        };
        for index in to.indexes.iter() {
            let kept = index.unique
                && from.indexes.iter().any(|old| {
                    old.unique
                        && old.live_rows == index.live_rows
                        && old.predicate == index.predicate
                        && old.columns.len() == index.columns.len()
                        && old
                            .columns
                            .iter()
                            .zip(index.columns.iter())
                            .all(|(o, n)| source(n) == Some(&**o))
                });
            for statement in self.add_index(to, index)? {
                out.push(if kept {
                    nolint(
                        "DD104",
                        &format!(
                            "re-creates unique index `{}`, which the copied rows held before",
                            index.name
                        ),
                        statement,
                    )
                } else {
                    statement
                });
            }
        }
        Ok(out)
    }
}
