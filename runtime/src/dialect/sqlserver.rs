//! Microsoft SQL Server (T-SQL). DDL only: dbgen has no runtime driver for it.

use std::borrow::Cow;

use super::Dialect;
use super::ddl::{CHAR_INSTEAD, Ddl, Limit, Statements, check_lengths, declared_where, nolint};
use crate::Error;
use crate::plan::AutoKey;
use crate::schema::{Column, ColumnType, FkAction, ForeignKey, PrimaryKey, Schema, names};

/// SQL Server DDL.
pub struct SqlServer;

impl SqlServer {
    /// Defaults are named constraints so a later change can drop them.
    pub(crate) fn default_name(table: &str, column: &str) -> String {
        names::derived_name("df", table, &[column])
    }

    /// The column's default as T-SQL takes it: `BIT` has no `true` and
    /// `false`, which a default written for the other engines uses, so
    /// they are `1` and `0`; the time now is UTC (`ddl::utc_now`).
    fn default_sql(column: &Column) -> Option<Cow<'_, str>> {
        let default = column.default()?;
        Some(match column.ty {
            ColumnType::Boolean if default.trim().eq_ignore_ascii_case("true") => "1".into(),
            ColumnType::Boolean if default.trim().eq_ignore_ascii_case("false") => "0".into(),
            ty => match super::ddl::utc_now(Dialect::SqlServer, ty, default) {
                Some(now) => now.into(),
                None => tsql(default),
            },
        })
    }

    /// The `MS_Description` extended property of `table` or one of its
    /// columns going from `from` to `to`, as SSMS stores descriptions.
    fn description(
        &self,
        table: &str,
        column: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Option<String> {
        let mut target = format!(
            "@level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N{}",
            self.string(table)
        );
        if let Some(column) = column {
            target.push_str(&format!(
                ", @level2type = N'COLUMN', @level2name = N{}",
                self.string(column)
            ));
        }
        let procedure = match (from, to) {
            (None, None) => return None,
            (Some(_), None) => {
                return Some(format!(
                    "EXEC sys.sp_dropextendedproperty @name = N'MS_Description', {target}"
                ));
            }
            (None, Some(_)) => "sp_addextendedproperty",
            (Some(_), Some(_)) => "sp_updateextendedproperty",
        };
        Some(format!(
            "EXEC sys.{procedure} @name = N'MS_Description', @value = N{}, {target}",
            self.string(to.unwrap_or_default())
        ))
    }

    /// `EXEC sp_rename N'[part].[part]', N'new name'[, N'kind']`. SQL
    /// Server reads the object's name as a multi-part name, so each part is
    /// bracketed (a `.` or `]` in a name would otherwise split it); the new
    /// name is taken as written, brackets and all, so it is not.
    /// `statement`, a data statement, as `EXEC sp_executesql N'...'`, which
    /// SQL Server compiles when it runs. A file is one batch, compiled
    /// before any of it runs, and a statement naming a column the file adds
    /// or renames failed the whole batch there ("Invalid column name",
    /// error 207); a table it adds or renames is looked up when the
    /// statement runs, a column is not.
    fn at_run_time(&self, statement: &str) -> String {
        format!("EXEC sp_executesql N{}", self.string(statement))
    }

    fn sp_rename(&self, object: &[&str], new_name: &str, kind: Option<&str>) -> String {
        let kind = kind.map(|k| format!(", N'{k}'")).unwrap_or_default();
        format!(
            "EXEC sp_rename N{}, N{}{kind}",
            self.string(&Self::parts(object)),
            self.string(new_name)
        )
    }

    /// `[a].[b]`: a multi-part name as SQL Server's system procedures and
    /// `OBJECT_ID` read one.
    fn parts(parts: &[&str]) -> String {
        let mut out = String::new();
        for (n, part) in parts.iter().enumerate() {
            if n > 0 {
                out.push('.');
            }
            Dialect::SqlServer.quote_into(part, &mut out);
        }
        out
    }
}

/// `expr` (a default, check or index filter written for every engine) as
/// T-SQL reads it:
/// - each string literal that holds a character past ASCII is a Unicode
///   one, `N'...'`. SQL Server reads `'...'` in the code page of the
///   database's collation (1252 by default), where such a character may
///   not exist: `'новый'` was stored as `'?????'`, so a default gave that
///   to every row and a check refused every row holding the real text;
/// - `TRUE` and `FALSE` are `1` and `0`: T-SQL has no boolean literal
///   (`active = true` reads `true` as a column), and a `BIT` compares
///   with the numbers.
///
/// Names in brackets or double quotes, comments and literals already
/// `N'...'` are kept as they are.
pub(crate) fn tsql(expr: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut rest = expr;
    // Whether the last token written is a word (a literal right after one
    // is `N'...'` or another prefix, kept as written).
    let mut after_word = false;
    while let Some(c) = rest.chars().next() {
        let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '@' | '#' | '$');
        let (token, replaced): (&str, Option<Cow<'_, str>>) = match c {
            '\'' => {
                let literal = &rest[..closing(rest, '\'')];
                let unicode = !after_word && !literal.is_ascii();
                (literal, unicode.then(|| format!("N{literal}").into()))
            }
            '[' => (&rest[..closing(rest, ']')], None),
            '"' => (&rest[..closing(rest, '"')], None),
            '-' if rest.starts_with("--") => (&rest[..rest.find('\n').unwrap_or(rest.len())], None),
            '/' if rest.starts_with("/*") => {
                (&rest[..rest.find("*/").map_or(rest.len(), |i| i + 2)], None)
            }
            c if word(c) => {
                let token = &rest[..rest.find(|c| !word(c)).unwrap_or(rest.len())];
                let literal = match token {
                    t if t.eq_ignore_ascii_case("true") => Some("1".into()),
                    t if t.eq_ignore_ascii_case("false") => Some("0".into()),
                    _ => None,
                };
                (token, literal)
            }
            c => (&rest[..c.len_utf8()], None),
        };
        if replaced.is_some() && out.is_empty() {
            out.reserve(expr.len() + 4);
            out.push_str(&expr[..expr.len() - rest.len()]);
        }
        match replaced {
            Some(replacement) => out.push_str(&replacement),
            None if !out.is_empty() => out.push_str(token),
            None => {}
        }
        after_word = word(c);
        rest = &rest[token.len()..];
    }
    if out.is_empty() {
        Cow::Borrowed(expr)
    } else {
        Cow::Owned(out)
    }
}

/// The length of the quoted run at the start of `text` (opened by its
/// first character), up to and with the `close` that ends it, a doubled
/// `close` standing for one; all of `text` when it is not closed.
fn closing(text: &str, close: char) -> usize {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == close {
            if chars.peek().is_some_and(|&(_, next)| next == close) {
                chars.next();
            } else {
                return i + c.len_utf8();
            }
        }
    }
    text.len()
}

/// The longest `NCHAR` SQL Server takes, in characters.
const MAX_NCHAR: u32 = 4000;

/// The bytes SQL Server keys on for a column of type `ty` (`NVARCHAR` and
/// `NCHAR` take two a character), or `None` for a type it stores as
/// `(MAX)`, which no index key holds.
fn key_bytes(ty: ColumnType) -> Option<usize> {
    if Dialect::SqlServer.type_name(ty).ends_with("(MAX)") {
        return None;
    }
    Some(match ty {
        ColumnType::Text | ColumnType::Json | ColumnType::Binary => return None,
        ColumnType::Varchar(n) | ColumnType::Char(n) => 2 * n as usize,
        ColumnType::Varbinary(n) => n as usize,
        ColumnType::Boolean => 1,
        ColumnType::SmallInt => 2,
        ColumnType::Date => 3,
        ColumnType::Integer | ColumnType::Real => 4,
        ColumnType::Time => 5,
        ColumnType::BigInt | ColumnType::Double | ColumnType::Timestamp => 8,
        ColumnType::TimestampTz => 10,
        ColumnType::Uuid => 16,
        ColumnType::Decimal { precision, .. } => match precision {
            0..=9 => 5,
            10..=19 => 9,
            20..=28 => 13,
            _ => 17,
        },
    })
}

/// A note when `columns` of `table` may key more bytes than SQL Server's
/// index keys hold: 900 for a primary key (clustered), 1700 for another
/// index. SQL Server creates such an index with a warning and refuses the
/// rows whose key is longer, which the other engines take.
pub(crate) fn key_size_note(
    table: &crate::schema::Table,
    columns: &[crate::schema::Str],
    name: &str,
    primary: bool,
) -> Option<String> {
    let limit = if primary { 900 } else { 1700 };
    let total: usize = columns
        .iter()
        .filter_map(|c| table.column(c))
        .filter_map(|c| key_bytes(c.ty))
        .sum();
    let what = if primary { "primary key" } else { "index" };
    (total > limit).then(|| {
        format!(
            "{what} `{name}` of `{}` keys up to {total} bytes on SQL Server (two a character of text), over the {limit} it keys: SQL Server creates it with a warning and refuses a row whose key is longer. Give its text columns smaller sizes",
            table.name
        )
    })
}

/// The key columns whose NULLs SQL Server's `index` on `table` leaves out
/// (see [`SqlServer`]'s `index_where`): a unique index's nullable ones.
pub(crate) fn null_filtered<'t>(
    table: &'t crate::schema::Table,
    index: &'t crate::schema::Index,
) -> impl Iterator<Item = &'t Column> + 't {
    index
        .columns
        .iter()
        .filter_map(|c| table.column(c))
        .filter(|c| index.unique && c.nullable)
}

impl Ddl for SqlServer {
    fn dialect(&self) -> Dialect {
        Dialect::SqlServer
    }

    fn max_identifier(&self) -> usize {
        128
    }

    fn push_column_def(
        &self,
        def: &mut String,
        table: &str,
        column: &Column,
        _key: Option<&PrimaryKey>,
    ) -> Result<(), Error> {
        self.push_column_start(def, column)?;
        if column.auto_increment {
            def.push_str(" IDENTITY(1,1)");
        }
        def.push_str(if column.nullable {
            " NULL"
        } else {
            " NOT NULL"
        });
        if let Some(default) = Self::default_sql(column) {
            def.push_str(&format!(
                " CONSTRAINT {} DEFAULT {default}",
                self.ident(&Self::default_name(table, &column.name))?
            ));
        }
        Ok(())
    }

    /// Default constraints are named after their table and column
    /// (`df_users_status`), and dropped by that name: they are renamed
    /// with the table.
    fn rename_table(&self, from: &crate::schema::Table, to: &str) -> Result<Statements, Error> {
        let mut out = vec![self.sp_rename(&[&from.name], to, None)];
        for column in from.columns.iter().filter(|c| c.default().is_some()) {
            out.push(nolint(
                "BC103",
                "the default constraint is named after its table",
                self.sp_rename(
                    &[&Self::default_name(&from.name, &column.name)],
                    &Self::default_name(to, &column.name),
                    Some("OBJECT"),
                ),
            ));
        }
        Ok(out)
    }

    /// A nullable column with a default is then set to its default in the
    /// rows the table has: SQL Server fills them with NULL, where the other
    /// engines (and SQL Server, for a NOT NULL column) give them the
    /// default. (`ADD ... WITH VALUES` does the same in one statement,
    /// which SQL parsers other than SQL Server's do not read.)
    fn add_column(&self, table: &str, column: &Column) -> Result<Statements, Error> {
        let mut out = vec![format!(
            "ALTER TABLE {} ADD {}",
            self.ident(table)?,
            self.column_def(table, column, None)?
        )];
        if column.nullable && column.default().is_some() {
            out.push(self.at_run_time(&format!(
                "UPDATE {} SET {} = DEFAULT",
                self.ident(table)?,
                self.ident(&column.name)?
            )));
        }
        out.extend(self.description(table, Some(&column.name), None, column.comment()));
        Ok(out)
    }

    fn drop_column(&self, table: &str, column: &Column) -> Result<Statements, Error> {
        let mut out = Vec::new();
        if column.default().is_some() {
            out.push(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                self.ident(table)?,
                self.ident(&Self::default_name(table, &column.name))?
            ));
        }
        out.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            self.ident(table)?,
            self.ident(&column.name)?
        ));
        Ok(out)
    }

    /// The column's default constraint, if it has one, is renamed with it
    /// (see `rename_table`); whether it has one before this migration is
    /// asked of the database.
    fn rename_column(&self, table: &str, from: &str, to: &str) -> Result<Statements, Error> {
        let (old, new) = (
            Self::default_name(table, from),
            Self::default_name(table, to),
        );
        Ok(vec![
            self.sp_rename(&[table, from], to, Some("COLUMN")),
            format!(
                "IF OBJECT_ID(N{}, N'D') IS NOT NULL {}",
                self.string(&Self::parts(&[&old])),
                self.sp_rename(&[&old], &new, Some("OBJECT"))
            ),
        ])
    }

    fn default_expr<'c>(&self, column: &'c Column) -> Option<Cow<'c, str>> {
        Self::default_sql(column)
    }

    /// As every dialect writes it, run as [`SqlServer::at_run_time`]: the
    /// column may have been renamed earlier in the file.
    fn backfill(&self, table: &str, from: &Column, to: &Column) -> Result<Option<String>, Error> {
        let Some(default) = super::ddl::backfill_default(self, from, to) else {
            return Ok(None);
        };
        let column = self.ident(&to.name)?;
        Ok(Some(self.at_run_time(&format!(
            "UPDATE {} SET {column} = {default} WHERE {column} IS NULL",
            self.ident(table)?
        ))))
    }

    fn check_clause(&self, check: &crate::schema::Check) -> Result<String, Error> {
        Ok(format!(
            "CONSTRAINT {} CHECK ({})",
            self.ident(&check.name)?,
            tsql(&check.expr)
        ))
    }

    fn alter_column(&self, table: &str, from: &Column, to: &Column) -> Result<Statements, Error> {
        if from.auto_increment != to.auto_increment {
            return Err(Error::Unsupported(format!(
                "SQL Server cannot add or remove IDENTITY on existing column `{table}.{}`",
                to.name
            )));
        }
        let mut out: Statements = self.backfill(table, from, to)?.into_iter().collect();
        let default_name = self.ident(&Self::default_name(table, &to.name))?;
        // A default constraint blocks `ALTER COLUMN` to another type (a
        // length, precision or scale of the same type it allows): it is
        // dropped and added again around it.
        let retyped = std::mem::discriminant(&from.ty) != std::mem::discriminant(&to.ty);
        let readd = from.default() != to.default() || retyped;
        if from.default().is_some() && readd {
            out.push(nolint(
                "DS104",
                "the constraint is the column's default; no data is lost",
                format!(
                    "ALTER TABLE {} DROP CONSTRAINT {default_name}",
                    self.ident(table)?
                ),
            ));
        }
        if crate::plan::alters_in_place(from, to) {
            out.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} {} {}",
                self.ident(table)?,
                self.ident(&to.name)?,
                self.type_name(to.ty),
                if to.nullable { "NULL" } else { "NOT NULL" }
            ));
        }
        if let Some(default) = Self::default_sql(to).filter(|_| readd) {
            out.push(format!(
                "ALTER TABLE {} ADD CONSTRAINT {default_name} DEFAULT {default} FOR {}",
                self.ident(table)?,
                self.ident(&to.name)?
            ));
        }
        if from.comment() != to.comment() {
            out.extend(self.description(table, Some(&to.name), from.comment(), to.comment()));
        }
        Ok(out)
    }

    /// T-SQL has no `RESTRICT`: its `NO ACTION` checks at once, as
    /// `RESTRICT` does (there are no deferred constraints to wait for).
    fn fk_action(&self, action: FkAction) -> Option<&'static str> {
        match action {
            FkAction::NoAction | FkAction::Restrict => None,
            action => Some(action.sql()),
        }
    }

    /// SQL Server refuses a foreign key whose action (`CASCADE`, `SET
    /// NULL`, `SET DEFAULT`) would, with the others of the same event,
    /// reach a table twice from one delete or update: around a cycle, or
    /// along two paths ("may cause cycles or multiple cascade paths",
    /// error 1785). Found here, the diff says which key and what to do.
    fn check_schema(&self, schema: &Schema) -> Result<(), Error> {
        use std::collections::{BTreeMap, HashSet};
        type Action = fn(&ForeignKey) -> FkAction;
        let events: [(&str, &str, Action); 2] = [
            ("DELETE", "on_delete", |fk| fk.on_delete),
            ("UPDATE", "on_update", |fk| fk.on_update),
        ];
        for (event, attribute, action) in events {
            // Referenced table -> (referencing table, key), for the keys
            // whose action on `event` reaches the referencing table.
            let mut reaches: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
            for table in &schema.tables {
                for fk in table.foreign_keys.iter() {
                    if self.fk_action(action(fk)).is_some() {
                        reaches
                            .entry(&fk.ref_table)
                            .or_default()
                            .push((&table.name, &fk.name));
                    }
                }
            }
            for &start in reaches.keys() {
                let mut seen: HashSet<&str> = HashSet::new();
                let mut stack = vec![start];
                while let Some(table) = stack.pop() {
                    for &(next, key) in reaches.get(table).into_iter().flatten() {
                        if next == start || !seen.insert(next) {
                            return Err(Error::Unsupported(format!(
                                "SQL Server refuses foreign key `{key}` of `{next}`: with the other ON {event} actions from `{start}` it reaches `{next}` twice, around a cycle or along a second path (\"may cause cycles or multiple cascade paths\"); make it or another key on that path `{attribute} = \"no action\"`"
                            )));
                        }
                        stack.push(next);
                    }
                }
            }
        }
        for table in &schema.tables {
            check_lengths(
                table,
                "SQL Server takes",
                &[Limit {
                    length: |ty| match ty {
                        ColumnType::Char(n) => Some(n),
                        _ => None,
                    },
                    max: MAX_NCHAR,
                    spelled: "nchar",
                    instead: CHAR_INSTEAD,
                }],
            )?;
            for fk in table.foreign_keys.iter() {
                let parent = schema.tables.iter().find(|t| t.name == fk.ref_table);
                let nullable = fk.ref_columns.iter().find_map(|c| {
                    parent
                        .and_then(|p| p.column(c))
                        .filter(|column| column.nullable)
                });
                if let Some(column) = nullable {
                    return Err(Error::Unsupported(format!(
                        "SQL Server refuses foreign key `{}` of `{}`: it references `{}.{}`, which may be NULL, and a unique index over such a column is filtered on SQL Server (`IS NOT NULL`, so that it holds many NULLs as the other engines do), which no foreign key can reference; make `{}.{}` NOT NULL (a field that is not an `Option`) or reference `{}`'s primary key",
                        fk.name,
                        table.name,
                        fk.ref_table,
                        column.name,
                        fk.ref_table,
                        column.name,
                        fk.ref_table
                    )));
                }
            }
        }
        Ok(())
    }

    /// A unique index holds one NULL on SQL Server, where PostgreSQL,
    /// MySQL and SQLite hold any number (a row with a NULL in its key is
    /// never a duplicate there). Its nullable key columns are filtered
    /// out (`[c] IS NOT NULL`, as EF Core writes it), so a unique `Option`
    /// field takes any number of rows without a value on every engine.
    fn index_where(
        &self,
        table: &crate::schema::Table,
        index: &crate::schema::Index,
    ) -> Result<Option<String>, Error> {
        let mut conditions: Vec<String> = declared_where(self, table, index)?
            .map(|declared| tsql(&declared).into_owned())
            .into_iter()
            .collect();
        for column in null_filtered(table, index) {
            conditions.push(format!("{} IS NOT NULL", self.ident(&column.name)?));
        }
        Ok((!conditions.is_empty()).then(|| conditions.join(" AND ")))
    }

    /// No index key holds a `(MAX)` column (`NVARCHAR(MAX)`,
    /// `VARBINARY(MAX)`: text, JSON and binary, and lengths past 4000
    /// characters or 8000 bytes).
    fn check_key_columns(
        &self,
        table: &crate::schema::Table,
        columns: &[crate::schema::Str],
        what: &str,
    ) -> Result<(), Error> {
        for column in columns.iter().filter_map(|c| table.column(c)) {
            if key_bytes(column.ty).is_none() {
                return Err(Error::Unsupported(format!(
                    "SQL Server cannot key `{what}` on `{}.{}`: {} is not a key type; give the field a size (`#[column(size = 255)]`, or `type = \"varchar(n)\"`/`\"varbinary(n)\"`, at most 4000 characters or 8000 bytes)",
                    table.name,
                    column.name,
                    self.type_name(column.ty)
                )));
            }
        }
        Ok(())
    }

    fn drop_index(
        &self,
        table: &crate::schema::Table,
        index: &crate::schema::Index,
    ) -> Result<Statements, Error> {
        Ok(vec![format!(
            "DROP INDEX {} ON {}",
            self.ident(&index.name)?,
            self.ident(&table.name)?
        )])
    }

    /// A table has one IDENTITY column, and T-SQL's `ALTER TABLE` does one
    /// kind of action: the old key and columns go first, then the new
    /// column (IDENTITY numbers the rows) and the new key.
    fn add_auto_key(&self, key: &AutoKey) -> Result<Statements, Error> {
        let table = &key.table;
        let mut out = Vec::new();
        let moved = key.from != key.to;
        if moved {
            out.extend(self.set_primary_key(table, key.from.as_ref(), None)?);
        }
        for drop in &key.drops {
            out.extend(self.drop_column(table, drop)?);
        }
        out.extend(self.add_column(table, &key.column)?);
        if moved {
            out.extend(self.set_primary_key(table, None, key.to.as_ref())?);
        }
        Ok(out)
    }

    /// `sp_rename` of the constraint keeps the clustered index; dropping
    /// the key would rebuild the table, and fails while a foreign key
    /// references it.
    fn rename_key_constraint(
        &self,
        _table: &str,
        from: &str,
        to: &str,
    ) -> Option<Result<String, Error>> {
        Some(Ok(nolint(
            "BC103",
            "the constraint is named after its table or columns",
            self.sp_rename(&[from], to, Some("OBJECT")),
        )))
    }

    fn rename_index(
        &self,
        table: &crate::schema::Table,
        from: &str,
        to: &str,
    ) -> Result<Statements, Error> {
        Ok(vec![self.sp_rename(
            &[&table.name, from],
            to,
            Some("INDEX"),
        )])
    }

    fn after_create(&self, table: &crate::schema::Table) -> Result<Statements, Error> {
        let mut out: Statements = self
            .description(&table.name, None, None, table.comment.as_deref())
            .into_iter()
            .collect();
        for column in table.columns.iter() {
            out.extend(self.description(&table.name, Some(&column.name), None, column.comment()));
        }
        Ok(out)
    }

    /// Stored as the `MS_Description` extended property, as SSMS does.
    fn set_table_comment(
        &self,
        table: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Statements, Error> {
        Ok(self
            .description(table, None, from, to)
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::tsql;

    #[test]
    fn expressions_are_written_as_tsql_reads_them() {
        for (written, expected) in [
            ("'active'", "'active'"),
            ("'новый'", "N'новый'"),
            (
                "status IN ('новый', 'done', N'готов')",
                "status IN (N'новый', 'done', N'готов')",
            ),
            ("[état] = 'l''été'", "[état] = N'l''été'"),
            ("\"naïve\" <> 'x' -- 'ü'\n", "\"naïve\" <> 'x' -- 'ü'\n"),
            ("note <> /* 'ü' */ 'ü'", "note <> /* 'ü' */ N'ü'"),
            ("n'é' <> 'é'", "n'é' <> N'é'"),
            ("name <> 'unclosed é", "name <> N'unclosed é"),
            (
                "active = TRUE OR archived = false",
                "active = 1 OR archived = 0",
            ),
            (
                "[true] = true AND truest <> 'true'",
                "[true] = 1 AND truest <> 'true'",
            ),
            ("true", "1"),
        ] {
            assert_eq!(tsql(written), expected, "{written}");
        }
    }

    /// Any text, quotes and brackets unbalanced, multi-byte characters
    /// anywhere: no panic, written once is written for good, and without
    /// `TRUE`/`FALSE` the text comes back with only `N`s added.
    #[test]
    fn any_expression_is_scanned_without_panic() {
        let pieces = [
            "'", "[", "]", "\"", "-", "--", "/*", "*/", "\n", "N", "n'", "é", "жж", "日本", "true",
            "FALSE", "x", " ", "(", ")", "''", "]]", "🙂",
        ];
        for text in crate::dialect::random_texts(&pieces, 5000) {
            let written = tsql(&text);
            assert_eq!(tsql(&written), written, "{text:?} twice");
            let lower = text.to_lowercase();
            if !lower.contains("true") && !lower.contains("false") {
                assert_eq!(
                    written.replace('N', ""),
                    text.replace('N', ""),
                    "{text:?} became {written:?}"
                );
            }
        }
    }
}
