//! SQLite. Alterations beyond renames and plain column additions/removals
//! arrive here already lowered to table rebuilds by the planner.

use super::Dialect;
use super::ddl::{Ddl, Statements, alter_rename, index_named, nolint};
use crate::Error;
use crate::schema::{Column, ColumnType, ForeignKey, Index, PrimaryKey, Table, names};

/// SQLite DDL.
pub struct Sqlite;

impl Ddl for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    /// SQLite compares table names ignoring case, so a rename that changes
    /// only the case ("there is already another table or index with this
    /// name") goes through a name of its own.
    fn rename_table(&self, from: &Table, to: &str) -> Result<Statements, Error> {
        let rename = |a: &str, b: &str| alter_rename(self, a, b);
        if from.name == to || !from.name.eq_ignore_ascii_case(to) {
            return Ok(vec![rename(&from.name, to)?]);
        }
        let through = names::shorten(&format!("_dbgen_renaming_{to}"));
        Ok(vec![
            rename(&from.name, &through)?,
            nolint(
                "BC101",
                "the second half of the rename above, which changes only the case",
                rename(&through, to)?,
            ),
        ])
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
        if let Some(default) = self.default_expr(column) {
            // SQLite takes an expression only in parentheses.
            def.push_str(" DEFAULT ");
            if super::ddl::bare_default(&default, true) {
                def.push_str(&default);
            } else {
                def.push('(');
                def.push_str(&default);
                def.push(')');
            }
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

/// What a file with table rebuilds (or drops of tables in a cycle of keys,
/// see `Plan::foreign_keys_off`) runs before its first statement: foreign
/// keys off (they cannot be switched inside a transaction), one transaction
/// for the whole file, and a scratch table whose checks turn what a
/// migration runner would ignore into an error that names the cause:
/// - `triggers`: a rebuilt table's triggers, which `DROP TABLE` would drop
///   with it (dbgen writes none, and cannot write back a user's);
/// - `violations`: rows that break a foreign key after the migration
///   (`PRAGMA foreign_key_check` alone only lists them).
///
/// Every statement of a rebuild that the rows can make fail (the copy and
/// these checks) is `INSERT OR ROLLBACK`: a failure rolls the transaction
/// back, so the connection is not left inside it. (Foreign keys stay off
/// on it until it is closed or switches them on.)
pub(crate) const REBUILD_OPEN: [&str; 3] = [
    "PRAGMA foreign_keys = 0",
    "BEGIN",
    "CREATE TEMP TABLE \"_dbgen_check\" (\"triggers\" INTEGER CONSTRAINT \"a rebuilt table has triggers, which the rebuild would drop; drop them before this migration and create them after it (SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger')\" CHECK (\"triggers\" = 0), \"violations\" INTEGER CONSTRAINT \"rows break a foreign key after this migration; PRAGMA foreign_key_check lists them\" CHECK (\"violations\" = 0), \"mistyped\" INTEGER CONSTRAINT \"a column whose type this migration changes holds values the new type cannot read, which SQLite would keep as they are; convert or remove them before this migration\" CHECK (\"mistyped\" = 0))",
];

/// What a file with table rebuilds runs after its last statement: the
/// foreign-key check (see [`REBUILD_OPEN`]), `COMMIT`, foreign keys on.
pub(crate) const REBUILD_CLOSE: [&str; 4] = [
    "INSERT OR ROLLBACK INTO \"_dbgen_check\" (\"violations\") SELECT COUNT(*) FROM pragma_foreign_key_check",
    "DROP TABLE \"_dbgen_check\"",
    "COMMIT",
    "PRAGMA foreign_keys = 1",
];

/// Prefix of the copy a table rebuild creates, fills and renames to the
/// table's name (`lint` recognises a rebuild by it).
pub(crate) const REBUILD_PREFIX: &str = "_dbgen_new_";

/// How a rebuild's copy turns a value of a column of type `from` into
/// the form sqlx reads and writes for type `to`, where SQLite would keep
/// it as it was and the helpers could not read it as the new type, or it
/// would compare as text with the values they bind.
pub(crate) struct Rewrite {
    /// The copied value, from the source column's quoted name.
    pub convert: fn(&str) -> String,
    /// When a source value cannot be converted (it fails the file), if
    /// one can be unconvertible.
    pub unconvertible: Option<fn(&str) -> String>,
}

/// The [`Rewrite`] from `from` to `to`, if they need one:
/// - from one of `date`, `timestamp` and `timestamptz`, or from text, to
///   another of them or to `time`: a date as its midnight,
///   `2024-05-01 12:00:00.123456` for a naive date-time,
///   `2024-05-01T12:00:00.123456+00:00` for one in UTC, `12:00:00.5` for a
///   time, the fraction of a second kept as written; a text with an offset
///   is the instant it names, in UTC (as dbgen reads naive times); a text
///   SQLite cannot read as a time is unconvertible;
/// - from text to `uuid`: the 16 bytes sqlx stores (text that is not 32
///   hex digits, with or without hyphens, is unconvertible), and from
///   `uuid` to text: the hyphenated lower-case form;
/// - from text to `json`: the text, which must be JSON (SQLite stores
///   both as text, so the change was no migration at all there);
/// - between text and bytes: the text's UTF-8 bytes as a blob, and the
///   blob's bytes as text (SQLite's affinity kept each value's storage
///   class, so a bound value of the new type never equalled it);
/// - from text to `boolean`: 1 and 0 for the texts PostgreSQL reads as
///   true and false (`t`, `true`, `y`, `yes`, `on`, `1` and their
///   opposites, in any case, spaces around them ignored); any other text
///   is unconvertible.
pub(crate) fn rewrite(from: ColumnType, to: ColumnType) -> Option<Rewrite> {
    use ColumnType as T;
    let moment = |ty| matches!(ty, T::Date | T::Timestamp | T::TimestampTz);
    let text = T::is_text;
    if from == to {
        return None;
    }
    if text(from) && to == T::Uuid {
        return Some(Rewrite {
            convert: |s| format!("unhex(replace({s}, '-', ''))"),
            unconvertible: Some(|s| {
                format!(
                    "{s} IS NOT NULL AND (typeof({s}) <> 'text' OR length(unhex(replace({s}, '-', ''))) IS NOT 16)"
                )
            }),
        });
    }
    if text(from) && to.is_binary() || from.is_binary() && text(to) {
        return Some(Rewrite {
            convert: if text(to) {
                |s| format!("CAST({s} AS TEXT)")
            } else {
                |s| format!("CAST({s} AS BLOB)")
            },
            unconvertible: None,
        });
    }
    if text(from) && to == T::Boolean {
        // The texts PostgreSQL's cast reads as true and false.
        const TRUE: &str = "'t', 'true', 'y', 'yes', 'on', '1'";
        const FALSE: &str = "'f', 'false', 'n', 'no', 'off', '0'";
        return Some(Rewrite {
            convert: |s| {
                format!(
                    "CASE WHEN lower(trim({s})) IN ({TRUE}) THEN 1 WHEN lower(trim({s})) IN ({FALSE}) THEN 0 ELSE {s} END"
                )
            },
            unconvertible: Some(|s| {
                format!("{s} IS NOT NULL AND lower(trim({s})) NOT IN ({TRUE}, {FALSE})")
            }),
        });
    }
    if text(from) && to == T::Json {
        return Some(Rewrite {
            convert: |s| s.to_string(),
            unconvertible: Some(|s| format!("{s} IS NOT NULL AND json_valid({s}) = 0")),
        });
    }
    if from == T::Uuid && text(to) {
        return Some(Rewrite {
            convert: |s| {
                format!(
                    "lower(CASE WHEN typeof({s}) = 'blob' AND length({s}) = 16 THEN substr(hex({s}), 1, 8) || '-' || substr(hex({s}), 9, 4) || '-' || substr(hex({s}), 13, 4) || '-' || substr(hex({s}), 17, 4) || '-' || substr(hex({s}), 21) ELSE {s} END)"
                )
            },
            unconvertible: None,
        });
    }
    let timed = (moment(from) || text(from)) && (moment(to) || to == T::Time);
    if !timed {
        return None;
    }
    // The fraction of a second: the digits after the first `.` (none in
    // a date), without what follows them (an offset, `Z`).
    fn fraction(s: &str) -> String {
        let after = format!("substr({s}, instr({s}, '.') + 1)");
        format!(
            "(CASE WHEN instr({s}, '.') > 0 THEN '.' || substr({after}, 1, length({after}) - length(ltrim({after}, '0123456789'))) ELSE '' END)"
        )
    }
    let convert: fn(&str) -> String = match to {
        T::Date => |s| format!("date({s})"),
        T::Time => |s| format!("strftime('%H:%M:%S', {s}) || {}", fraction(s)),
        T::Timestamp => |s| format!("strftime('%Y-%m-%d %H:%M:%S', {s}) || {}", fraction(s)),
        _ => |s| {
            format!(
                "strftime('%Y-%m-%dT%H:%M:%S', {s}) || {} || '+00:00'",
                fraction(s)
            )
        },
    };
    Some(Rewrite {
        convert,
        unconvertible: Some(|s| {
            format!("{s} IS NOT NULL AND (typeof({s}) <> 'text' OR julianday({s}) IS NULL)")
        }),
    })
}

/// The storage classes a value of a column of type `ty` may have for the
/// helpers to read it, where SQLite's affinity can leave another: numbers
/// and booleans. `None` for the types stored as given.
fn storage_classes(ty: ColumnType) -> Option<&'static str> {
    match ty {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt | ColumnType::Boolean => {
            Some("'integer', 'null'")
        }
        ColumnType::Real | ColumnType::Double | ColumnType::Decimal { .. } => {
            Some("'integer', 'real', 'null'")
        }
        _ => None,
    }
}

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
        // A unique index the table had before (its columns renamed as the
        // copy renames them) held on these rows already.
        let source = |column: &str| {
            copy.iter()
                .find(|(_, target)| target == column)
                .map(|(source, _)| source.as_str())
        };
        let kept = |index: &Index| {
            index.unique
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
                })
        };
        let create = |out: &mut Statements, table: &Table, index: &Index| {
            let statements = self.add_index(table, index)?;
            if kept(index) {
                let why = format!(
                    "re-creates unique index `{}`, which the copied rows held before",
                    index.name
                );
                out.extend(statements.into_iter().map(|s| nolint("DD104", &why, s)));
            } else {
                out.extend(statements);
            }
            Ok::<(), Error>(())
        };
        // A unique index named unlike every index of the old table goes on
        // the copy before the rows, so that rows it refuses fail the copy,
        // which rolls back (the index moves with the table when renamed).
        // The others wait for the old table, which holds their names.
        let (early, late): (Vec<&Index>, Vec<&Index>) = to.indexes.iter().partition(|index| {
            index.unique && !from.indexes.iter().any(|old| old.name == index.name)
        });
        for index in early {
            create(&mut out, &staged, index)?;
        }
        // The columns the copy leaves out, and their values, are dropped:
        // said in a comment `lint` reads, since the SQL does not show them.
        let dropped: Result<Vec<String>, Error> = from
            .columns
            .iter()
            .filter(|c| !copy.iter().any(|(source, _)| *source == *c.name))
            .map(|c| {
                Ok(format!(
                    "{}.{}",
                    self.ident(&from.name)?,
                    self.ident(&c.name)?
                ))
            })
            .collect();
        let mut dropped = dropped?;
        let mut drops = |statement: String| match dropped.is_empty() {
            true => statement,
            false => format!(
                "-- {} {}: the copy leaves them out\n{statement}",
                super::ddl::DROPS,
                super::ddl::one_line(&std::mem::take(&mut dropped).join(", "))
            ),
        };
        if !copy.is_empty() {
            // A nullable column with a default that becomes NOT NULL gives
            // its NULLs the default (`Ddl::backfill` on the other engines).
            let sources: Result<Vec<String>, Error> = copy
                .iter()
                .map(|(s, t)| {
                    let columns = from.column(s).zip(to.column(t));
                    let source = self.ident(s)?;
                    let source = match columns.and_then(|(f, t)| rewrite(f.ty, t.ty)) {
                        Some(rewrite) => (rewrite.convert)(&source),
                        None => source,
                    };
                    Ok(
                        match columns.and_then(|(f, t)| super::ddl::backfill_default(self, f, t)) {
                            Some(default) => format!("COALESCE({source}, {default})"),
                            None => source,
                        },
                    )
                })
                .collect();
            // A value rewritten in its new type's form must convert: one
            // that does not fails the file.
            for (s, t) in copy {
                let columns = from.column(s).zip(to.column(t));
                let unconvertible = columns
                    .and_then(|(f, t)| rewrite(f.ty, t.ty))
                    .and_then(|rewrite| rewrite.unconvertible);
                if let Some(unconvertible) = unconvertible {
                    out.push(format!(
                        "INSERT OR ROLLBACK INTO \"_dbgen_check\" (\"mistyped\") SELECT COUNT(*) FROM {} WHERE {}",
                        self.ident(&from.name)?,
                        unconvertible(&self.ident(s)?)
                    ));
                }
            }
            let targets: Result<Vec<String>, Error> =
                copy.iter().map(|(_, t)| self.ident(t)).collect();
            out.push(drops(format!(
                "INSERT OR ROLLBACK INTO {} ({}) SELECT {} FROM {}",
                self.ident(&scratch)?,
                targets?.join(", "),
                sources?.join(", "),
                self.ident(&from.name)?
            )));
            // A column changed to a number keeps each value its affinity
            // cannot convert (`'abc'` in an INTEGER column), which the
            // helpers then fail to read; PostgreSQL and MySQL refuse the
            // change. The copy must hold none.
            for (s, t) in copy {
                let (Some(before), Some(after)) = (from.column(s), to.column(t)) else {
                    continue;
                };
                let Some(classes) = storage_classes(after.ty).filter(|_| before.ty != after.ty)
                else {
                    continue;
                };
                out.push(format!(
                    "INSERT OR ROLLBACK INTO \"_dbgen_check\" (\"mistyped\") SELECT COUNT(*) FROM {} WHERE typeof({}) NOT IN ({classes})",
                    self.ident(&scratch)?,
                    self.ident(t)?
                ));
            }
        }
        out.push(format!(
            "INSERT OR ROLLBACK INTO \"_dbgen_check\" (\"triggers\") SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {}",
            self.string(&from.name)
        ));
        out.push(drops(format!("DROP TABLE {}", self.ident(&from.name)?)));
        // A view over the table names it, gone for a moment: SQLite 3.26+
        // checks every view and trigger when renaming and refuses ("error
        // in view v: no such table"). The legacy rename does not, and the
        // view reads the rebuilt table by its name as before.
        out.push("PRAGMA legacy_alter_table = 1".to_string());
        out.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            self.ident(&scratch)?,
            self.ident(&to.name)?
        ));
        out.push("PRAGMA legacy_alter_table = 0".to_string());
        for index in late {
            create(&mut out, to, index)?;
        }
        Ok(out)
    }
}
