//! MySQL and MariaDB.

use super::Dialect;
use super::ddl::{
    CHAR_INSTEAD, Ddl, Limit, Statements, check_lengths, index_named, live_marker, nolint,
};
use crate::Error;
use crate::plan::AutoKey;
use crate::schema::{Column, ColumnType, ForeignKey, Index, PrimaryKey, Table};

/// MySQL/MariaDB DDL.
pub struct MySql;

impl MySql {
    /// The `ALTER TABLE` actions that move the primary key from `from`'s
    /// columns to `to`'s (none when they are the same: MySQL names every
    /// primary key `PRIMARY`).
    fn primary_key_actions(
        &self,
        from: Option<&PrimaryKey>,
        to: Option<&PrimaryKey>,
    ) -> Result<Vec<String>, Error> {
        let mut actions = Vec::new();
        if from.map(|k| &k.columns) == to.map(|k| &k.columns) {
            return Ok(actions);
        }
        if from.is_some() {
            actions.push("DROP PRIMARY KEY".to_string());
        }
        if let Some(pk) = to {
            actions.push(format!(
                "ADD PRIMARY KEY ({})",
                self.column_list(&pk.columns)?
            ));
        }
        Ok(actions)
    }
}

impl Ddl for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    /// A string literal (a comment): MySQL and MariaDB read a backslash
    /// as an escape unless `NO_BACKSLASH_ESCAPES` is set (sqlx does not
    /// set it), so `C:\temp` would be stored with a tab and a trailing
    /// backslash would end nothing. Backslashes are doubled, as quotes.
    fn string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    }

    /// MySQL and MariaDB refuse a check that reads a column a foreign key
    /// changes (`CASCADE`, `SET NULL`, `SET DEFAULT`): error 1901, "cannot
    /// be used in the CHECK clause", when the table is created or the
    /// check added. Found here, the diff names the check and the key.
    fn check_schema(&self, schema: &crate::schema::Schema) -> Result<(), Error> {
        for table in &schema.tables {
            check_row_size(table)?;
            check_keys(table)?;
            check_comments(table)?;
            // InnoDB has no SET DEFAULT: MySQL refuses the key, MariaDB
            // takes it and drops the action (the key then restricts).
            if let Some(fk) = table.foreign_keys.iter().find(|fk| {
                fk.on_delete == crate::schema::FkAction::SetDefault
                    || fk.on_update == crate::schema::FkAction::SetDefault
            }) {
                return Err(Error::Unsupported(format!(
                    "foreign key `{}` of `{}` has the action `set default`, which InnoDB does not have (MySQL refuses the key; MariaDB drops the action, and the key then restricts): use \"set null\", \"cascade\" or \"restrict\"",
                    fk.name, table.name
                )));
            }
        }
        for table in &schema.tables {
            for fk in table.foreign_keys.iter().filter(|fk| fk.changes_rows()) {
                for check in table.checks.iter() {
                    let read = fk
                        .columns
                        .iter()
                        .find(|c| crate::schema::mentions(&check.expr, c));
                    if let Some(column) = read {
                        return Err(Error::Unsupported(format!(
                            "MySQL and MariaDB refuse check `{}` of `{}`: it reads `{column}`, which foreign key `{}` changes (ON DELETE or ON UPDATE CASCADE, SET NULL or SET DEFAULT); give the key `on_delete`/`on_update` = \"restrict\" or \"no action\", or check another column",
                            check.name, table.name, fk.name
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    fn max_identifier(&self) -> usize {
        64
    }

    fn push_column_def(
        &self,
        def: &mut String,
        _table: &str,
        column: &Column,
        _key: Option<&PrimaryKey>,
    ) -> Result<(), Error> {
        self.push_column_start(def, column)?;
        if !column.nullable {
            def.push_str(" NOT NULL");
        }
        if column.auto_increment {
            def.push_str(" AUTO_INCREMENT");
        }
        if let Some(default) = self.default_expr(column) {
            def.push_str(" DEFAULT ");
            // MySQL 8 takes a default for a TEXT, BLOB or JSON column only
            // as an expression, in parentheses, even a literal one (error
            // 1101), and any other expression only in parentheses;
            // MariaDB takes either.
            let expression = !super::ddl::bare_default(&default, false)
                || matches!(
                    column.ty,
                    ColumnType::Text | ColumnType::Binary | ColumnType::Json
                ) && !default.trim_start().starts_with('(');
            if expression {
                def.push('(');
                def.push_str(&default);
                def.push(')');
            } else {
                def.push_str(&default);
            }
        }
        if let Some(comment) = column.comment() {
            def.push_str(" COMMENT ");
            def.push_str(&self.string(comment));
        }
        Ok(())
    }

    /// `DEFAULT CHARSET = utf8mb4`: a Rust `String` is any UTF-8, four-byte
    /// characters included, whatever the database's default (MariaDB's own
    /// is latin1, and MySQL's `utf8` is three bytes a character at most).
    fn table_suffix(&self, table: &Table) -> String {
        match &table.comment {
            Some(comment) => format!(
                " DEFAULT CHARSET = utf8mb4 COMMENT = {}",
                self.string(comment)
            ),
            None => " DEFAULT CHARSET = utf8mb4".to_string(),
        }
    }

    fn rename_table(&self, from: &Table, to: &str) -> Result<Statements, Error> {
        Ok(vec![format!(
            "RENAME TABLE {} TO {}",
            self.ident(&from.name)?,
            self.ident(to)?
        )])
    }

    fn alter_column(&self, table: &str, from: &Column, to: &Column) -> Result<Statements, Error> {
        let mut out: Statements = self.backfill(table, from, to)?.into_iter().collect();
        if from.ty.is_text() && to.ty == ColumnType::Uuid {
            out.extend(self.uuids_in_one_form(table, &to.name)?);
        }
        out.push(format!(
            "ALTER TABLE {} MODIFY COLUMN {}",
            self.ident(table)?,
            self.column_def(table, to, None)?
        ));
        Ok(out)
    }

    /// No partial indexes: a live-rows unique index keys on an invisible
    /// generated column that is 1 for live rows and NULL for trashed ones
    /// (NULLs never collide in a unique index).
    fn add_index(&self, table: &Table, index: &Index) -> Result<Statements, Error> {
        if index.predicate.is_some() {
            return Err(Error::Unsupported(format!(
                "index `{}` has a `where` predicate; MySQL/MariaDB have no partial indexes",
                index.name
            )));
        }
        let unique = if index.unique { "UNIQUE " } else { "" };
        let mut columns = self.column_list(&index.columns)?;
        let mut out = Vec::new();
        if index.live_rows {
            let soft = table.soft_delete.as_deref().ok_or_else(|| {
                Error::Unsupported(format!(
                    "index `{}` is live-rows only but table `{}` has no soft-delete column",
                    index.name, table.name
                ))
            })?;
            let marker = self.ident(&live_marker(&index.name))?;
            out.push(format!(
                "ALTER TABLE {} ADD COLUMN {marker} TINYINT AS (CASE WHEN {} IS NULL THEN 1 END) VIRTUAL INVISIBLE",
                self.ident(&table.name)?,
                self.ident(soft)?
            ));
            columns.push_str(", ");
            columns.push_str(&marker);
        }
        out.push(format!(
            "CREATE {unique}INDEX {} ON {} ({columns})",
            self.ident(&index.name)?,
            self.ident(&table.name)?
        ));
        Ok(out)
    }

    fn drop_index(&self, table: &Table, index: &Index) -> Result<Statements, Error> {
        let mut out = vec![format!(
            "DROP INDEX {} ON {}",
            self.ident(&index.name)?,
            self.ident(&table.name)?
        )];
        if index.live_rows {
            out.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                self.ident(&table.name)?,
                self.ident(&live_marker(&index.name))?
            ));
        }
        Ok(out)
    }

    /// A live-rows unique index's generated key column is named after the
    /// index, so it is renamed with it (dropping the index later drops the
    /// column by the index's new name).
    fn rename_index(&self, table: &Table, from: &str, to: &str) -> Result<Statements, Error> {
        let mut statement = format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            self.ident(&table.name)?,
            self.ident(from)?,
            self.ident(to)?
        );
        if !index_named(table, to)?.live_rows {
            return Ok(vec![statement]);
        }
        statement.push_str(&format!(
            ", RENAME COLUMN {} TO {}",
            self.ident(&live_marker(from))?,
            self.ident(&live_marker(to))?
        ));
        Ok(vec![nolint(
            "BC102",
            "the renamed column is the index's generated live-rows key",
            statement,
        )])
    }

    fn drop_foreign_key(&self, table: &str, fk: &ForeignKey) -> Result<Statements, Error> {
        Ok(vec![format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}",
            self.ident(table)?,
            self.ident(&fk.name)?
        )])
    }

    /// One `ALTER TABLE`: the new AUTO_INCREMENT column must be a key when
    /// it is added, and the old one must be gone by then.
    fn add_auto_key(&self, key: &AutoKey) -> Result<Statements, Error> {
        let mut parts = vec![format!(
            "ADD COLUMN {}",
            self.column_def(&key.table, &key.column, None)?
        )];
        parts.extend(self.primary_key_actions(key.from.as_ref(), key.to.as_ref())?);
        for drop in &key.drops {
            parts.push(format!("DROP COLUMN {}", self.ident(&drop.name)?));
        }
        Ok(vec![format!(
            "ALTER TABLE {} {}",
            self.ident(&key.table)?,
            parts.join(", ")
        )])
    }

    /// MySQL names every primary key `PRIMARY`: only the columns matter.
    fn set_primary_key(
        &self,
        table: &str,
        from: Option<&PrimaryKey>,
        to: Option<&PrimaryKey>,
    ) -> Result<Statements, Error> {
        let parts = self.primary_key_actions(from, to)?;
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![format!(
            "ALTER TABLE {} {}",
            self.ident(table)?,
            parts.join(", ")
        )])
    }

    fn set_table_comment(
        &self,
        table: &str,
        _from: Option<&str>,
        comment: Option<&str>,
    ) -> Result<Statements, Error> {
        Ok(vec![format!(
            "ALTER TABLE {} COMMENT = {}",
            self.ident(table)?,
            self.string(comment.unwrap_or(""))
        )])
    }
}

/// The scratch table whose check fails a MySQL migration on values a
/// column's new type cannot read (its constraint's name is the message).
const CHECK_TABLE: &str = "`_dbgen_check`";

impl MySql {
    /// Before text column `column` of `table` becomes a `uuid`: fails the
    /// migration on text that is no UUID (32 hex digits, with or without
    /// hyphens), then writes each in the form the helpers read and bind,
    /// lower case and hyphenated, as PostgreSQL converts it. MySQL keeps
    /// the text as written (`CHAR(36)` both ways): a UUID in capitals or
    /// without hyphens was missed by a filter, and other text could not
    /// be read.
    fn uuids_in_one_form(&self, table: &str, column: &str) -> Result<Statements, Error> {
        let (t, c) = (self.ident(table)?, self.ident(column)?);
        let hex = format!("REPLACE({c}, '-', '')");
        let scratch = |statement: String| {
            nolint(
                "DS101",
                "a scratch table of the migration's own, empty when dropped",
                statement,
            )
        };
        Ok(vec![
            scratch(format!("DROP TEMPORARY TABLE IF EXISTS {CHECK_TABLE}")),
            format!(
                "CREATE TEMPORARY TABLE {CHECK_TABLE} (`mistyped` INT, CONSTRAINT `a text column becoming uuid holds no UUID` CHECK (`mistyped` = 0))"
            ),
            format!(
                "INSERT INTO {CHECK_TABLE} (`mistyped`) SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL AND {hex} NOT REGEXP '^[0-9A-Fa-f]{{32}}$'"
            ),
            scratch(format!("DROP TEMPORARY TABLE {CHECK_TABLE}")),
            format!(
                "UPDATE {t} SET {c} = LOWER(CONCAT_WS('-', SUBSTRING({hex}, 1, 8), SUBSTRING({hex}, 9, 4), SUBSTRING({hex}, 13, 4), SUBSTRING({hex}, 17, 4), SUBSTRING({hex}, 21, 12))) WHERE {c} IS NOT NULL"
            ),
        ])
    }

    /// Drops the index the engine made for foreign key `key` of `table`
    /// (see `Step::DropKeyIndex`); not a finding of `lint`: the key's drop
    /// is.
    pub fn drop_key_index(&self, table: &str, key: &str) -> Result<Statements, Error> {
        Ok(vec![nolint(
            "DS103",
            &format!("the index MySQL made for foreign key `{key}`, which went"),
            format!("DROP INDEX {} ON {}", self.ident(key)?, self.ident(table)?),
        )])
    }
}

/// The longest `VARCHAR` in characters MySQL and MariaDB take with
/// `utf8mb4` (four bytes a character): 65 535 bytes, less the length.
const MAX_VARCHAR: u32 = 16_383;

/// The longest `CHAR` MySQL and MariaDB take, in characters.
const MAX_CHAR: u32 = 255;

/// The most bytes a row may take, not counting what `TEXT` and `BLOB`
/// columns hold (error 1118, "Row size too large").
const MAX_ROW_BYTES: usize = 65_535;

/// The bytes a column of `ty` counts towards [`MAX_ROW_BYTES`], as the
/// server counts them (`utf8mb4`; a `TEXT`, `BLOB` or `JSON` column
/// counts its pointer).
fn column_bytes(ty: ColumnType) -> usize {
    // DECIMAL packs nine digits in four bytes, each side of the point.
    let digits = |d: usize| d / 9 * 4 + [0, 1, 1, 2, 2, 3, 3, 4, 4, 4][d % 9];
    let with_length = |bytes: usize| bytes + if bytes > 255 { 2 } else { 1 };
    match ty {
        ColumnType::SmallInt => 2,
        ColumnType::Integer | ColumnType::Real => 4,
        ColumnType::BigInt
        | ColumnType::Double
        | ColumnType::Timestamp
        | ColumnType::TimestampTz => 8,
        ColumnType::Decimal { precision, scale } => {
            digits(usize::from(precision.saturating_sub(scale))) + digits(usize::from(scale))
        }
        ColumnType::Boolean => 1,
        ColumnType::Char(n) => 4 * n as usize,
        ColumnType::Uuid => 4 * 36,
        ColumnType::Varchar(n) => with_length(4 * n as usize),
        ColumnType::Varbinary(n) => with_length(n as usize),
        ColumnType::Text | ColumnType::Json | ColumnType::Binary => 12,
        ColumnType::Date => 3,
        ColumnType::Time => 6,
    }
}

/// The most bytes InnoDB keys on (`innodb_large_prefix`, the default
/// `DYNAMIC` rows): a primary key or a multi-column index past it is
/// refused (error 1071).
const MAX_KEY_BYTES: usize = 3072;

/// The bytes a column of `ty` takes in an InnoDB key: its value's longest
/// encoding, without a length prefix. `None` for `TEXT`, `BLOB` and `JSON`,
/// which are keyed only up to a prefix length.
fn key_bytes(ty: ColumnType) -> Option<usize> {
    match ty {
        ColumnType::Text | ColumnType::Json | ColumnType::Binary => None,
        ColumnType::Varchar(n) => Some(4 * n as usize),
        ColumnType::Varbinary(n) => Some(n as usize),
        other => Some(column_bytes(other)),
    }
}

/// What MySQL 8 refuses of an index [`check_keys`] leaves to MariaDB: a
/// unique index past [`MAX_KEY_BYTES`] or over a `text`/`binary` column
/// (MariaDB enforces it with a hash), or a one-column index over such a
/// column (MariaDB keys a prefix). A note for the migration's reader, as
/// the dialect serves both servers.
pub(crate) fn mysql8_note(table: &Table, index: &Index) -> Option<String> {
    if !index.unique && index.columns.len() > 1 {
        return None;
    }
    let why = match key_size(table, &index.columns) {
        Err(column) => format!("`{}` is a `{}` column (error 1170)", column.name, column.ty),
        Ok(total) if total > MAX_KEY_BYTES && index.unique => {
            format!("it keys {total} bytes, over {MAX_KEY_BYTES} (error 1071)")
        }
        Ok(_) => return None,
    };
    let how = if index.unique {
        "MariaDB enforces it with a hash"
    } else {
        "MariaDB keys a prefix of the column"
    };
    Some(format!(
        "index `{}` of `{}` is refused by MySQL 8: {why}; {how}. For MySQL 8, give its text columns a `size`",
        index.name, table.name
    ))
}

/// The bytes InnoDB keys on for `columns` of `table`, or the first of them
/// it keys only on a prefix (`text`, `binary`, `json`).
fn key_size<'t>(table: &'t Table, columns: &[crate::schema::Str]) -> Result<usize, &'t Column> {
    columns
        .iter()
        .filter_map(|name| table.column(name))
        .map(|column| key_bytes(column.ty).ok_or(column))
        .sum()
}

/// Which kind of key [`check_keys`] looks at.
#[derive(Clone, Copy)]
enum Key {
    Primary,
    Index,
    Foreign,
}

/// Why InnoDB refuses a foreign key over columns it cannot key in full.
const FOREIGN_KEY_INDEX: &str = "InnoDB needs a whole-value index over a foreign key's columns on both sides (error 1071 for the index it makes, or errno 150, \"Foreign key constraint is incorrectly formed\")";

/// The keys MySQL and MariaDB refuse, found when the migration is written
/// rather than when it runs (SQLite and PostgreSQL take them all):
/// - a primary key over a `text` or `binary` column (error 1170: keyed
///   only with a prefix length, which a key cannot take), or over more
///   than [`MAX_KEY_BYTES`] (error 1071);
/// - a plain index over several columns, under the same rules. MariaDB
///   keys a one-column index on a prefix of a longer value, and enforces
///   a long unique index with a hash, so both are left to it;
/// - a foreign key under a primary key's rules (its columns have the
///   referenced columns' types, so one side stands for both).
fn check_keys(table: &Table) -> Result<(), Error> {
    let primary = table.primary_key.iter().map(|pk| {
        let what = format!("the primary key of `{}`", table.name);
        (Key::Primary, what, &pk.columns)
    });
    let indexes = table
        .indexes
        .iter()
        .filter(|index| !index.unique && index.columns.len() > 1)
        .map(|index| {
            let what = format!("index `{}` of `{}`", index.name, table.name);
            (Key::Index, what, &index.columns)
        });
    let foreign = table.foreign_keys.iter().map(|fk| {
        let what = format!("foreign key `{}` of `{}`", fk.name, table.name);
        (Key::Foreign, what, &fk.columns)
    });
    for (key, what, columns) in primary.chain(indexes).chain(foreign) {
        let total = match key_size(table, columns) {
            Ok(total) => total,
            Err(column) => {
                let why = match key {
                    Key::Primary => "a primary key cannot take one (error 1170)",
                    Key::Index => {
                        "MariaDB takes all its 3072 bytes for it, leaving none for the index's other columns (error 1071; MySQL: error 1170)"
                    }
                    Key::Foreign => FOREIGN_KEY_INDEX,
                };
                return Err(Error::Unsupported(format!(
                    "{what} has `{}`, a `{}` column: MySQL and MariaDB key such a column only on a prefix, and {why}; give the field a `size` (a varchar: {} characters at most for the whole key in utf8mb4)",
                    column.name,
                    column.ty,
                    MAX_KEY_BYTES / 4
                )));
            }
        };
        if total > MAX_KEY_BYTES {
            let why = match key {
                Key::Foreign => FOREIGN_KEY_INDEX,
                Key::Primary | Key::Index => "error 1071",
            };
            return Err(Error::Unsupported(format!(
                "{what} takes {total} bytes on MySQL and MariaDB (utf8mb4: four bytes a character of every varchar and char column), over the {MAX_KEY_BYTES} InnoDB keys ({why}): give its columns smaller sizes"
            )));
        }
    }
    Ok(())
}

/// MySQL and MariaDB refuse a `VARCHAR` over [`MAX_VARCHAR`] characters
/// or a `CHAR` over [`MAX_CHAR`] (error 1074), and a row over [`MAX_ROW_BYTES`] (error 1118), counting
/// each live-rows index's generated key column. Found here, the diff names
/// the table and what to change instead of the migration failing.
fn check_row_size(table: &Table) -> Result<(), Error> {
    check_lengths(
        table,
        "MySQL and MariaDB take",
        &[
            Limit {
                length: |ty| match ty {
                    ColumnType::Varchar(n) => Some(n),
                    _ => None,
                },
                max: MAX_VARCHAR,
                spelled: "varchar",
                instead: " in utf8mb4: make it `text` (a String without `size`) or give it a smaller size",
            },
            Limit {
                length: |ty| match ty {
                    ColumnType::Char(n) => Some(n),
                    _ => None,
                },
                max: MAX_CHAR,
                spelled: "char",
                instead: CHAR_INSTEAD,
            },
        ],
    )?;
    let markers = table.indexes.iter().filter(|i| i.live_rows).count();
    let nullable = table.columns.iter().filter(|c| c.nullable).count() + markers;
    let bytes = table
        .columns
        .iter()
        .map(|c| column_bytes(c.ty))
        .sum::<usize>()
        + markers
        + nullable.div_ceil(8);
    if bytes > MAX_ROW_BYTES {
        return Err(Error::Unsupported(format!(
            "a row of `{}` takes {bytes} bytes on MySQL and MariaDB (utf8mb4: four bytes a character of every varchar and char column), over the {MAX_ROW_BYTES} they allow: make the longest sized columns `text` (a String without `size`), whose values do not count, or give them smaller sizes",
            table.name
        )));
    }
    Ok(())
}

/// MySQL and MariaDB refuse a table comment over 2048 characters (error
/// 1628) and a column comment over 1024 (error 1629).
fn check_comments(table: &Table) -> Result<(), Error> {
    let long =
        |comment: Option<&str>, limit: usize| comment.is_some_and(|c| c.chars().count() > limit);
    if long(table.comment.as_deref(), 2048) {
        return Err(Error::Unsupported(format!(
            "the comment of `{}` is longer than the 2048 characters MySQL and MariaDB keep for a table; shorten it",
            table.name
        )));
    }
    if let Some(column) = table.columns.iter().find(|c| long(c.comment(), 1024)) {
        return Err(Error::Unsupported(format!(
            "the comment of `{}.{}` is longer than the 1024 characters MySQL and MariaDB keep for a column; shorten it",
            table.name, column.name
        )));
    }
    Ok(())
}
