//! SQL Server has no engine on the machines this suite runs on, so its
//! migrations run here against a model of its catalog instead: tables,
//! columns, keys, foreign keys, checks, defaults and indexes, by name, and
//! the rules by which SQL Server refuses a statement that the other
//! engines accept:
//! - `ALTER COLUMN` of a column a key, foreign key (either side), check,
//!   index (key column or filter) or default uses ("The object ... is
//!   dependent on column ...", error 5074), except what the documentation
//!   of `ALTER TABLE` lets through: a variable-length column growing under
//!   an index, changing length under a check, and changing length or
//!   precision under a default of the same type;
//! - `DROP COLUMN` of a column anything uses; `DROP TABLE` of a table
//!   another table's foreign key references; dropping the key or unique
//!   index a foreign key relies on;
//! - a filtered index created while `QUOTED_IDENTIFIER` is off, as it is
//!   when a file starts under `sqlcmd`;
//! - a change outside the file's transaction (dbgen's files: with
//!   `XACT_ABORT ON`, an error rolls back only what a transaction holds);
//! - a data statement naming a column its table did not have when the
//!   file started (a file is one batch, compiled before it runs: "Invalid
//!   column name", error 207), unless run as `EXEC sp_executesql`;
//! - constraint names unique in the database, index names in their table;
//!   a foreign key needs a key or unfiltered unique index over exactly its
//!   referenced columns; key columns are NOT NULL and of an indexable type.
//!
//! Each migration case runs through the model as the engine tests run it
//! on the real engines: before, up, down, up again, and after each the
//! modelled catalog must equal the one creating the target from nothing
//! gives. Then all case targets as one history.

#![allow(clippy::panic, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use dbgen::dialect::Dialect;
use dbgen::dialect::create_schema;
use dbgen::migrate::generate;
use dbgen::plan::Policy;
use dbgen::schema::{ColumnType as Ty, Schema};
use support::{cases, history, schema, table};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// `[name]`, or a bare word (lowercased: the model compares names as
    /// a case-insensitive collation does).
    Ident(String),
    /// A bare word, uppercased.
    Word(String),
    Str(String),
    Num(String),
    Punct(char),
}

/// The text up to `close`, a doubled `close` standing for one.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    close: char,
) -> Result<String, String> {
    let mut text = String::new();
    loop {
        match chars.next() {
            Some(c) if c == close && chars.peek() == Some(&close) => {
                chars.next();
                text.push(close);
            }
            Some(c) if c == close => return Ok(text),
            Some(c) => text.push(c),
            None => return Err(format!("unclosed {close}")),
        }
    }
}

fn tokens(sql: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '[' => out.push(Tok::Ident(quoted(&mut chars, ']')?.to_lowercase())),
            '\'' => {
                let text = quoted(&mut chars, '\'')?;
                // `N'...'`: the N was read as a word.
                if out.last() == Some(&Tok::Word("N".into())) {
                    out.pop();
                }
                out.push(Tok::Str(text));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut word = c.to_string();
                while let Some(&c) = chars.peek() {
                    if !(c.is_alphanumeric() || c == '_' || c == '$') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                out.push(Tok::Word(word.to_uppercase()));
            }
            c if c.is_ascii_digit() => {
                let mut number = c.to_string();
                while let Some(&c) = chars.peek() {
                    if !(c.is_ascii_digit() || c == '.') {
                        break;
                    }
                    number.push(c);
                    chars.next();
                }
                out.push(Tok::Num(number));
            }
            c => out.push(Tok::Punct(c)),
        }
    }
    Ok(out)
}

/// A column's type as SQL Server spells it: `NVARCHAR` and `255`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Type {
    base: String,
    args: String,
}

impl Type {
    fn variable(&self) -> bool {
        matches!(&*self.base, "NVARCHAR" | "VARCHAR" | "VARBINARY")
    }

    fn is_max(&self) -> bool {
        self.args == "MAX"
    }

    fn length(&self) -> Option<u64> {
        self.args.parse().ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Col {
    name: String,
    ty: Type,
    nullable: bool,
    identity: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    PrimaryKey,
    ForeignKey { table: String, columns: Vec<String> },
    Check,
    Default,
    Index { unique: bool, filtered: bool },
}

/// A constraint or index. `columns` are the key columns, or for a check
/// (and an index's filter, in `filter`) the columns its expression names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Obj {
    table: String,
    name: String,
    kind: Kind,
    columns: Vec<String>,
    filter: Vec<String>,
}

impl Obj {
    fn uses(&self, column: &str) -> bool {
        self.columns.iter().chain(&self.filter).any(|c| c == column)
    }

    fn is_index(&self) -> bool {
        matches!(self.kind, Kind::Index { .. })
    }

    /// Whether a foreign key may reference `columns` of its table through
    /// this object.
    fn backs(&self, columns: &[String]) -> bool {
        let unique = matches!(
            self.kind,
            Kind::PrimaryKey
                | Kind::Index {
                    unique: true,
                    filtered: false
                }
        );
        let set = |c: &[String]| c.iter().cloned().collect::<BTreeSet<_>>();
        unique && set(&self.columns) == set(columns)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Db {
    tables: BTreeMap<String, Vec<Col>>,
    objects: Vec<Obj>,
    /// `MS_Description` of a table or one of its columns.
    comments: BTreeMap<(String, Option<String>), String>,
    /// The session's `QUOTED_IDENTIFIER`: off when a file starts, as
    /// `sqlcmd` runs it; a filtered index needs it on.
    quoted_identifier: bool,
    /// The columns of each table when the file started: SQL Server
    /// compiles a file (one batch) before it runs any of it, and a data
    /// statement naming a column its table did not have then fails the
    /// whole batch (error 207, "Invalid column name"). A table that did
    /// not exist is compiled when the statement runs (deferred name
    /// resolution), and so is `EXEC sp_executesql N'...'`.
    compiled: BTreeMap<String, Vec<String>>,
    /// Inside `BEGIN TRANSACTION`: with `XACT_ABORT ON`, an error rolls
    /// back every statement since.
    transaction: bool,
    /// Whether every change must be inside a transaction (dbgen's files:
    /// a change outside one stays when a later statement fails).
    atomic: bool,
}

/// A reader over one statement's tokens.
struct Reader {
    toks: Vec<Tok>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Result<Tok, String> {
        let tok = self.toks.get(self.at).cloned();
        self.at += 1;
        tok.ok_or_else(|| "statement ends early".to_string())
    }

    fn word(&mut self, word: &str) -> bool {
        if self.peek() == Some(&Tok::Word(word.into())) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, word: &str) -> Result<(), String> {
        if self.word(word) {
            Ok(())
        } else {
            Err(format!("expected {word}, found {:?}", self.peek()))
        }
    }

    fn punct(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        match self.next()? {
            Tok::Ident(name) => Ok(name),
            other => Err(format!("expected a [name], found {other:?}")),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        match self.next()? {
            Tok::Str(text) => Ok(text.to_lowercase()),
            other => Err(format!("expected a string, found {other:?}")),
        }
    }

    /// `([a], [b])`
    fn ident_list(&mut self) -> Result<Vec<String>, String> {
        if !self.punct('(') {
            return Err("expected (".into());
        }
        let mut names = vec![self.ident()?];
        while self.punct(',') {
            names.push(self.ident()?);
        }
        if !self.punct(')') {
            return Err("expected )".into());
        }
        Ok(names)
    }

    /// The tokens up to the `)` that closes the one just read, or to the
    /// end when `to_end`.
    fn group(&mut self, to_end: bool) -> Result<Vec<Tok>, String> {
        let mut depth = 0;
        let mut out = Vec::new();
        while let Some(tok) = self.peek().cloned() {
            match tok {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') if depth == 0 && !to_end => return Ok(out),
                Tok::Punct(')') => depth -= 1,
                Tok::Punct(',') if depth == 0 && !to_end => return Ok(out),
                _ => {}
            }
            out.push(tok);
            self.at += 1;
        }
        Ok(out)
    }

    fn done(&self) -> Result<(), String> {
        match self.peek() {
            None => Ok(()),
            Some(tok) => Err(format!("unexpected {tok:?}")),
        }
    }
}

/// A default is a constant or a function: T-SQL has no `TRUE`/`FALSE`,
/// and a bare name is not allowed there.
fn check_default(expr: &[Tok]) -> Result<(), String> {
    match expr
        .iter()
        .find(|t| matches!(t, Tok::Word(w) if w == "TRUE" || w == "FALSE"))
    {
        Some(word) => Err(format!(
            "the name {word:?} is not permitted in this context (a default)"
        )),
        None => Ok(()),
    }
}

/// The columns of `table` an expression names.
fn named(columns: &[Col], expr: &[Tok]) -> Vec<String> {
    let mut out: Vec<String> = expr
        .iter()
        .filter_map(|tok| match tok {
            Tok::Ident(name) => Some(name.clone()),
            Tok::Word(word) => Some(word.to_lowercase()),
            _ => None,
        })
        .filter(|name| columns.iter().any(|c| &c.name == name))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Db {
    fn columns(&self, table: &str) -> Result<&Vec<Col>, String> {
        self.tables
            .get(table)
            .ok_or_else(|| format!("no table {table}"))
    }

    fn column(&self, table: &str, column: &str) -> Result<&Col, String> {
        self.columns(table)?
            .iter()
            .find(|c| c.name == column)
            .ok_or_else(|| format!("no column {table}.{column}"))
    }

    fn column_mut(&mut self, table: &str, column: &str) -> Result<&mut Col, String> {
        self.tables
            .get_mut(table)
            .and_then(|cols| cols.iter_mut().find(|c| c.name == column))
            .ok_or_else(|| format!("no column {table}.{column}"))
    }

    fn find(&self, table: Option<&str>, name: &str, index: bool) -> Option<usize> {
        self.objects.iter().position(|o| {
            o.name == name && o.is_index() == index && table.is_none_or(|t| o.table == t)
        })
    }

    /// Adds a constraint or index, with SQL Server's checks.
    fn add(&mut self, obj: Obj) -> Result<(), String> {
        let cols = self.columns(&obj.table)?.clone();
        for c in obj.columns.iter().chain(&obj.filter) {
            self.column(&obj.table, c)?;
        }
        if obj.is_index() {
            if self.find(Some(&obj.table), &obj.name, true).is_some() {
                return Err(format!(
                    "index {} already exists on {}",
                    obj.name, obj.table
                ));
            }
        } else if self.find(None, &obj.name, false).is_some() || self.tables.contains_key(&obj.name)
        {
            return Err(format!("there is already an object named {}", obj.name));
        }
        let col = |name: &String| cols.iter().find(|c| &c.name == name);
        match &obj.kind {
            Kind::PrimaryKey | Kind::Index { .. } => {
                if let Some(c) = obj.columns.iter().filter_map(col).find(|c| c.ty.is_max()) {
                    return Err(format!(
                        "column {} is of a type that is invalid for use as a key column in an index",
                        c.name
                    ));
                }
            }
            _ => {}
        }
        match &obj.kind {
            Kind::PrimaryKey => {
                if self
                    .objects
                    .iter()
                    .any(|o| o.table == obj.table && o.kind == Kind::PrimaryKey)
                {
                    return Err(format!("table {} already has a primary key", obj.table));
                }
                if let Some(c) = obj.columns.iter().filter_map(col).find(|c| c.nullable) {
                    return Err(format!(
                        "cannot define a primary key on nullable column {}",
                        c.name
                    ));
                }
            }
            Kind::ForeignKey { table, columns } => {
                for c in columns {
                    self.column(table, c)?;
                }
                if !self
                    .objects
                    .iter()
                    .any(|o| &o.table == table && o.backs(columns))
                {
                    return Err(format!(
                        "there are no primary or candidate keys in {table} that match the referencing column list in {}",
                        obj.name
                    ));
                }
            }
            Kind::Default
                if self.objects.iter().any(|o| {
                    o.table == obj.table && o.kind == Kind::Default && o.columns == obj.columns
                }) =>
            {
                return Err(format!("column {:?} already has a default", obj.columns));
            }
            _ => {}
        }
        self.objects.push(obj);
        Ok(())
    }

    /// Removes object `i`, unless a foreign key relies on it.
    fn remove(&mut self, i: usize) -> Result<(), String> {
        let obj = &self.objects[i];
        for fk in &self.objects {
            if let Kind::ForeignKey { table, columns } = &fk.kind
                && table == &obj.table
                && obj.backs(columns)
                && !self
                    .objects
                    .iter()
                    .any(|o| !std::ptr::eq(o, obj) && &o.table == table && o.backs(columns))
            {
                return Err(format!(
                    "{} is referenced by foreign key {}",
                    obj.name, fk.name
                ));
            }
        }
        self.objects.remove(i);
        Ok(())
    }

    /// Reads a column definition: `[name] TYPE[(args)] [IDENTITY(1,1)]
    /// NULL|NOT NULL [CONSTRAINT [df] DEFAULT expr]`; returns the column and
    /// its default's name, if any.
    fn column_def(r: &mut Reader) -> Result<(Col, Option<String>), String> {
        let name = r.ident()?;
        let base = match r.next()? {
            Tok::Word(word) => word,
            other => return Err(format!("expected a type, found {other:?}")),
        };
        let mut args = String::new();
        if r.punct('(') {
            for tok in r.group(false)? {
                match tok {
                    Tok::Num(n) => args.push_str(&n),
                    Tok::Word(w) => args.push_str(&w),
                    Tok::Punct(c) => args.push(c),
                    other => return Err(format!("odd type argument {other:?}")),
                }
            }
            while r.punct(',') {
                args.push(',');
                for tok in r.group(false)? {
                    if let Tok::Num(n) = tok {
                        args.push_str(&n);
                    }
                }
            }
            if !r.punct(')') {
                return Err("expected ) after type arguments".into());
            }
        }
        let identity = r.word("IDENTITY");
        if identity {
            r.punct('(');
            r.group(false)?;
            while r.punct(',') {
                r.group(false)?;
            }
            r.punct(')');
        }
        let nullable = if r.word("NOT") {
            r.expect("NULL")?;
            false
        } else {
            r.expect("NULL")?;
            true
        };
        let mut default = None;
        if r.word("CONSTRAINT") {
            default = Some(r.ident()?);
            r.expect("DEFAULT")?;
            check_default(&r.group(false)?)?;
        }
        let col = Col {
            name,
            ty: Type { base, args },
            nullable,
            identity,
        };
        Ok((col, default))
    }

    /// Reads `PRIMARY KEY (..)`, `FOREIGN KEY (..) REFERENCES [t] (..)
    /// [ON ...]`, `CHECK (..)` or `DEFAULT expr FOR [c]` after
    /// `CONSTRAINT [name]`.
    fn constraint(&self, r: &mut Reader, table: &str, name: String) -> Result<Obj, String> {
        let obj = |kind, columns, filter| Obj {
            table: table.to_string(),
            name: name.clone(),
            kind,
            columns,
            filter,
        };
        if r.word("PRIMARY") {
            r.expect("KEY")?;
            Ok(obj(Kind::PrimaryKey, r.ident_list()?, Vec::new()))
        } else if r.word("FOREIGN") {
            r.expect("KEY")?;
            let columns = r.ident_list()?;
            r.expect("REFERENCES")?;
            let ref_table = r.ident()?;
            let ref_columns = r.ident_list()?;
            // T-SQL's actions: no RESTRICT.
            while r.word("ON") {
                if !(r.word("DELETE") || r.word("UPDATE")) {
                    return Err(format!("incorrect syntax near ON {:?}", r.peek()));
                }
                let action = if r.word("CASCADE") {
                    true
                } else if r.word("SET") {
                    r.word("NULL") || r.word("DEFAULT")
                } else if r.word("NO") {
                    r.word("ACTION")
                } else {
                    false
                };
                if !action {
                    return Err(format!("incorrect syntax near {:?}", r.peek()));
                }
            }
            Ok(obj(
                Kind::ForeignKey {
                    table: ref_table,
                    columns: ref_columns,
                },
                columns,
                Vec::new(),
            ))
        } else if r.word("CHECK") {
            let expr = r.group(false)?;
            let columns = match self.tables.get(table) {
                Some(cols) => named(cols, &expr),
                None => Vec::new(),
            };
            Ok(obj(Kind::Check, columns, Vec::new()))
        } else if r.word("DEFAULT") {
            let mut expr = Vec::new();
            while !r.word("FOR") {
                expr.push(r.next()?);
            }
            check_default(&expr)?;
            let column = r.ident()?;
            Ok(obj(Kind::Default, vec![column], Vec::new()))
        } else {
            Err(format!("unknown constraint {:?}", r.peek()))
        }
    }

    fn run(&mut self, statement: &str) -> Result<(), String> {
        let mut r = Reader {
            toks: tokens(statement)?,
            at: 0,
        };
        if r.word("SET") {
            if r.word("QUOTED_IDENTIFIER") {
                self.quoted_identifier = r.word("ON");
            }
            return Ok(());
        }
        if r.word("BEGIN") {
            r.expect("TRANSACTION")?;
            r.done()?;
            if self.transaction {
                return Err("a transaction inside the file's transaction".into());
            }
            self.transaction = true;
            return Ok(());
        }
        if r.word("COMMIT") {
            r.expect("TRANSACTION")?;
            r.done()?;
            if !self.transaction {
                return Err("The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION (error 3902)".into());
            }
            self.transaction = false;
            return Ok(());
        }
        if self.atomic && !self.transaction {
            return Err(
                "a change outside a transaction: it stays if a later statement fails".into(),
            );
        }
        if r.word("CREATE") {
            let unique = r.word("UNIQUE");
            if r.word("TABLE") {
                return self.create_table(&mut r);
            }
            r.expect("INDEX")?;
            let name = r.ident()?;
            r.expect("ON")?;
            let table = r.ident()?;
            let columns = r.ident_list()?;
            let filter = if r.word("WHERE") {
                if !self.quoted_identifier {
                    return Err(format!(
                        "CREATE INDEX failed because the following SET options have incorrect settings: 'QUOTED_IDENTIFIER' ({name})"
                    ));
                }
                let expr = r.group(true)?;
                named(self.columns(&table)?, &expr)
            } else {
                Vec::new()
            };
            r.done()?;
            return self.add(Obj {
                table,
                name,
                kind: Kind::Index {
                    unique,
                    filtered: !filter.is_empty(),
                },
                columns,
                filter,
            });
        }
        if r.word("DROP") {
            if r.word("INDEX") {
                let name = r.ident()?;
                r.expect("ON")?;
                let table = r.ident()?;
                r.done()?;
                let i = self
                    .find(Some(&table), &name, true)
                    .ok_or_else(|| format!("no index {name} on {table}"))?;
                return self.remove(i);
            }
            r.expect("TABLE")?;
            let table = r.ident()?;
            r.done()?;
            self.columns(&table)?;
            if let Some(fk) = self.objects.iter().find(|o| {
                o.table != table
                    && matches!(&o.kind, Kind::ForeignKey { table: t, .. } if *t == table)
            }) {
                return Err(format!(
                    "could not drop {table}: it is referenced by foreign key {}",
                    fk.name
                ));
            }
            self.tables.remove(&table);
            self.objects.retain(|o| o.table != table);
            self.comments.retain(|(t, _), _| *t != table);
            return Ok(());
        }
        if r.word("ALTER") {
            r.expect("TABLE")?;
            let table = r.ident()?;
            return self.alter_table(&mut r, &table);
        }
        if r.word("IF") {
            // IF OBJECT_ID(N'name', N'D') IS NOT NULL EXEC ...
            r.expect("OBJECT_ID")?;
            r.punct('(');
            let name = multipart(&r.string()?)?.concat();
            r.punct(',');
            let kind = r.string()?;
            r.punct(')');
            r.expect("IS")?;
            r.expect("NOT")?;
            r.expect("NULL")?;
            let exists = kind == "d"
                && self
                    .objects
                    .iter()
                    .any(|o| o.name == name && o.kind == Kind::Default);
            if !exists {
                return Ok(());
            }
        }
        if r.word("UPDATE") {
            // A backfill: changes rows only, of a column that must exist,
            // and have existed when the batch was compiled.
            let table = r.ident()?;
            r.expect("SET")?;
            let column = r.ident()?;
            self.column(&table, &column)?;
            if self
                .compiled
                .get(&table)
                .is_some_and(|columns| !columns.contains(&column))
            {
                return Err(format!(
                    "Invalid column name '{column}' (error 207: the batch was compiled before `{table}` had it)"
                ));
            }
            return Ok(());
        }
        if r.word("EXEC") {
            if r.word("SYS") {
                r.punct('.');
                return self.extended_property(&mut r);
            }
            if r.word("SP_EXECUTESQL") {
                // Compiled when it runs.
                let inner = r.string()?;
                r.done()?;
                let compiled = std::mem::take(&mut self.compiled);
                let result = self.run(&inner);
                self.compiled = compiled;
                return result;
            }
            r.expect("SP_RENAME")?;
            let from = r.string()?;
            r.punct(',');
            let to = r.string()?;
            let kind = if r.punct(',') {
                r.string()?
            } else {
                String::new()
            };
            r.done()?;
            return self.rename(&from, to, &kind);
        }
        Err(format!("a statement the model does not know: {statement}"))
    }

    /// `sys.sp_addextendedproperty`, `sp_updateextendedproperty` or
    /// `sp_dropextendedproperty` of `MS_Description` on a table or column.
    fn extended_property(&mut self, r: &mut Reader) -> Result<(), String> {
        let procedure = match r.next()? {
            Tok::Word(word) => word,
            other => return Err(format!("expected a procedure, found {other:?}")),
        };
        let mut params: BTreeMap<String, String> = BTreeMap::new();
        while r.punct('@') {
            let Tok::Word(param) = r.next()? else {
                return Err("expected a parameter name".into());
            };
            r.punct('=');
            let Tok::Str(value) = r.next()? else {
                return Err(format!("@{param} wants a string"));
            };
            params.insert(param, value);
            r.punct(',');
        }
        r.done()?;
        let param = |name: &str| {
            params
                .get(name)
                .cloned()
                .ok_or_else(|| format!("{procedure} without @{name}"))
        };
        if param("NAME")? != "MS_Description" || param("LEVEL0NAME")? != "dbo" {
            return Err(format!("{procedure}: not a description in dbo: {params:?}"));
        }
        let table = param("LEVEL1NAME")?.to_lowercase();
        let column = params.get("LEVEL2NAME").map(|c| c.to_lowercase());
        match &column {
            Some(column) => {
                self.column(&table, column)?;
            }
            None => {
                self.columns(&table)?;
            }
        }
        let key = (table, column);
        let exists = self.comments.contains_key(&key);
        match &*procedure {
            "SP_ADDEXTENDEDPROPERTY" if exists => {
                Err(format!("property MS_Description already exists on {key:?}"))
            }
            "SP_UPDATEEXTENDEDPROPERTY" | "SP_DROPEXTENDEDPROPERTY" if !exists => {
                Err(format!("property MS_Description does not exist on {key:?}"))
            }
            "SP_DROPEXTENDEDPROPERTY" => {
                self.comments.remove(&key);
                Ok(())
            }
            "SP_ADDEXTENDEDPROPERTY" | "SP_UPDATEEXTENDEDPROPERTY" => {
                self.comments.insert(key, param("VALUE")?);
                Ok(())
            }
            other => Err(format!("procedure {other}")),
        }
    }

    fn create_table(&mut self, r: &mut Reader) -> Result<(), String> {
        let table = r.ident()?;
        if self.tables.contains_key(&table) {
            return Err(format!("there is already an object named {table}"));
        }
        if !r.punct('(') {
            return Err("expected (".into());
        }
        let mut columns = Vec::new();
        let mut defaults = Vec::new();
        let mut constraints = Vec::new();
        loop {
            if r.word("CONSTRAINT") {
                constraints.push((r.ident()?, r.at));
                r.group(false)?;
            } else {
                let (col, default) = Self::column_def(r)?;
                if let Some(name) = default {
                    defaults.push((name, col.name.clone()));
                }
                columns.push(col);
            }
            if !r.punct(',') {
                break;
            }
        }
        if !r.punct(')') {
            return Err(format!("expected ) after the table, found {:?}", r.peek()));
        }
        r.done()?;
        self.tables.insert(table.clone(), columns);
        for (name, column) in defaults {
            self.add(Obj {
                table: table.clone(),
                name,
                kind: Kind::Default,
                columns: vec![column],
                filter: Vec::new(),
            })?;
        }
        for (name, at) in constraints {
            r.at = at;
            let obj = self.constraint(r, &table, name)?;
            self.add(obj)?;
        }
        Ok(())
    }

    fn alter_table(&mut self, r: &mut Reader, table: &str) -> Result<(), String> {
        self.columns(table)?;
        if r.word("ADD") {
            if r.word("CONSTRAINT") {
                let name = r.ident()?;
                let obj = self.constraint(r, table, name)?;
                r.done()?;
                return self.add(obj);
            }
            let (col, default) = Self::column_def(r)?;
            r.done()?;
            if self.column(table, &col.name).is_ok() {
                return Err(format!("column {} already exists", col.name));
            }
            if col.identity && self.columns(table)?.iter().any(|c| c.identity) {
                return Err(format!("multiple identity columns specified for {table}"));
            }
            let name = col.name.clone();
            if let Some(cols) = self.tables.get_mut(table) {
                cols.push(col);
            }
            if let Some(default) = default {
                self.add(Obj {
                    table: table.to_string(),
                    name: default,
                    kind: Kind::Default,
                    columns: vec![name],
                    filter: Vec::new(),
                })?;
            }
            return Ok(());
        }
        if r.word("DROP") {
            if r.word("CONSTRAINT") {
                let name = r.ident()?;
                r.done()?;
                let i = self
                    .find(Some(table), &name, false)
                    .ok_or_else(|| format!("{name} is not a constraint of {table}"))?;
                return self.remove(i);
            }
            r.expect("COLUMN")?;
            let column = r.ident()?;
            r.done()?;
            self.column(table, &column)?;
            if let Some(o) = self.dependent(table, &column) {
                return Err(format!(
                    "the object {} is dependent on column {column}; DROP COLUMN failed",
                    o.name
                ));
            }
            if let Some(cols) = self.tables.get_mut(table) {
                cols.retain(|c| c.name != column);
            }
            self.comments
                .retain(|(t, c), _| !(t == table && c.as_deref() == Some(&*column)));
            return Ok(());
        }
        r.expect("ALTER")?;
        r.expect("COLUMN")?;
        let (to, default) = Self::column_def(r)?;
        r.done()?;
        if default.is_some() {
            return Err("ALTER COLUMN takes no default".into());
        }
        let from = self.column(table, &to.name)?.clone();
        let resized =
            from.ty.base == to.ty.base && from.ty.variable() && from.nullable == to.nullable;
        let grows = resized
            && (to.ty.is_max()
                || matches!((from.ty.length(), to.ty.length()), (Some(a), Some(b)) if b >= a));
        for o in self.objects.iter().filter(|o| {
            o.table == table && o.uses(&to.name)
                || matches!(&o.kind, Kind::ForeignKey { table: t, columns } if t == table && columns.contains(&to.name))
        }) {
            let allowed = match o.kind {
                Kind::Index { .. } => grows && !o.filter.contains(&to.name),
                Kind::Check => resized,
                Kind::Default => from.ty.base == to.ty.base,
                Kind::PrimaryKey | Kind::ForeignKey { .. } => false,
            };
            if !allowed {
                return Err(format!(
                    "the object {} is dependent on column {}; ALTER TABLE ALTER COLUMN {} failed",
                    o.name, to.name, to.name
                ));
            }
        }
        let name = to.name.clone();
        *self.column_mut(table, &name)? = Col {
            identity: from.identity,
            ..to
        };
        Ok(())
    }

    /// An object that uses `table.column`, on either side of a foreign key.
    fn dependent(&self, table: &str, column: &str) -> Option<&Obj> {
        self.objects.iter().find(|o| {
            o.table == table && o.uses(column)
                || matches!(&o.kind, Kind::ForeignKey { table: t, columns } if t == table && columns.iter().any(|c| c == column))
        })
    }

    fn rename(&mut self, from: &str, to: String, kind: &str) -> Result<(), String> {
        let parts = multipart(from)?;
        let one = || match parts.as_slice() {
            [name] => Ok(name.as_str()),
            _ => Err(format!("{from} is not a one-part name")),
        };
        let two = |what: &str| match parts.as_slice() {
            [table, name] => Ok((table.as_str(), name.as_str())),
            _ => Err(format!("{what} wants table.name, got {from}")),
        };
        match kind {
            "" => {
                let from = one()?;
                let cols = self
                    .tables
                    .remove(from)
                    .ok_or_else(|| format!("no table {from} to rename"))?;
                if self.tables.contains_key(&to) || self.find(None, &to, false).is_some() {
                    return Err(format!("there is already an object named {to}"));
                }
                self.tables.insert(to.clone(), cols);
                self.comments = std::mem::take(&mut self.comments)
                    .into_iter()
                    .map(|((t, c), v)| ((if t == from { to.clone() } else { t }, c), v))
                    .collect();
                for o in &mut self.objects {
                    if o.table == from {
                        o.table = to.clone();
                    }
                    if let Kind::ForeignKey { table, .. } = &mut o.kind
                        && table == from
                    {
                        *table = to.clone();
                    }
                }
            }
            "column" => {
                let (table, column) = two("COLUMN")?;
                if self.column(table, &to).is_ok() {
                    return Err(format!("column {to} already exists in {table}"));
                }
                self.column_mut(table, column)?.name = to.clone();
                self.comments = std::mem::take(&mut self.comments)
                    .into_iter()
                    .map(|((t, c), v)| {
                        let c = match c {
                            Some(c) if t == table && c == column => Some(to.clone()),
                            c => c,
                        };
                        ((t, c), v)
                    })
                    .collect();
                let rename = |c: &mut String| {
                    if c == column {
                        *c = to.clone();
                    }
                };
                for o in &mut self.objects {
                    if o.table == table {
                        o.columns.iter_mut().for_each(rename);
                        o.filter.iter_mut().for_each(rename);
                    }
                    if let Kind::ForeignKey { table: t, columns } = &mut o.kind
                        && t == table
                    {
                        columns.iter_mut().for_each(rename);
                    }
                }
            }
            "index" => {
                let (table, index) = two("INDEX")?;
                if self.find(Some(table), &to, true).is_some() {
                    return Err(format!("index {to} already exists on {table}"));
                }
                let i = self
                    .find(Some(table), index, true)
                    .ok_or_else(|| format!("no index {index} on {table}"))?;
                self.objects[i].name = to;
            }
            "object" => {
                let from = one()?;
                if self.find(None, &to, false).is_some() || self.tables.contains_key(&to) {
                    return Err(format!("there is already an object named {to}"));
                }
                let i = self
                    .find(None, from, false)
                    .ok_or_else(|| format!("no object {from} to rename"))?;
                self.objects[i].name = to;
            }
            other => return Err(format!("sp_rename of kind {other}")),
        }
        Ok(())
    }

    /// Runs every statement of a migration file (one per line group, each
    /// ending with `;`; comment lines skipped).
    fn apply(&mut self, sql: &str) -> Result<(), String> {
        self.quoted_identifier = false;
        self.compiled = self
            .tables
            .iter()
            .map(|(table, columns)| {
                (
                    table.clone(),
                    columns.iter().map(|c| c.name.clone()).collect(),
                )
            })
            .collect();
        let mut statement = String::new();
        for (n, line) in sql.lines().enumerate() {
            if line.starts_with("--") {
                continue;
            }
            statement.push_str(line);
            statement.push('\n');
            if let Some(text) = statement.trim_end().strip_suffix(';') {
                let text = text.to_string();
                statement.clear();
                self.run(&text)
                    .map_err(|e| format!("line {}: {e}\n  in: {}", n + 1, text.trim()))?;
            }
        }
        if self.transaction {
            return Err("the file leaves its transaction open".into());
        }
        Ok(())
    }

    /// The catalog in a comparable form: each table's columns by name (a
    /// column added later is last), the objects sorted.
    #[allow(clippy::type_complexity)]
    fn fingerprint(
        &self,
    ) -> (
        BTreeMap<String, Vec<Col>>,
        Vec<Obj>,
        BTreeMap<(String, Option<String>), String>,
    ) {
        let mut tables = self.tables.clone();
        for columns in tables.values_mut() {
            columns.sort();
        }
        let mut objects = self.objects.clone();
        for o in &mut objects {
            if o.kind == Kind::Check {
                o.columns.sort();
            }
            // A filter's names, as `named` reads them (a rename keeps
            // the renamed name's place).
            o.filter.sort();
        }
        objects.sort();
        (tables, objects, self.comments.clone())
    }
}

/// The parts of a multi-part name as `sp_rename` and `OBJECT_ID` read one:
/// separated by dots, each bare (up to the next dot) or in brackets with
/// `]]` for `]`.
fn multipart(text: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'[') {
            chars.next();
            loop {
                match chars.next() {
                    Some(']') if chars.peek() == Some(&']') => {
                        chars.next();
                        part.push(']');
                    }
                    Some(']') => break,
                    Some(c) => part.push(c),
                    None => return Err(format!("unclosed [ in {text}")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.push(c);
                chars.next();
            }
        }
        parts.push(part);
        match chars.next() {
            Some('.') => {}
            None => return Ok(parts),
            Some(c) => return Err(format!("{c:?} after a part of {text}")),
        }
    }
}

fn fresh(schema: &Schema) -> Db {
    let sql = create_schema(schema, Dialect::SqlServer).unwrap_or_else(|e| panic!("creates: {e}"));
    let mut db = Db {
        atomic: true,
        ..Db::default()
    };
    db.apply(&sql)
        .unwrap_or_else(|e| panic!("the model refuses dbgen's CREATE: {e}\n{sql}"));
    db
}

/// Migrates `db` from `from` to `to`, then compares it with `to` created
/// fresh.
fn migrate(db: &mut Db, from: &Schema, to: &Schema, what: &str) -> Result<(), String> {
    let generated = generate(from, to, Dialect::SqlServer, &Policy::default())
        .map_err(|e| format!("{what}: does not render: {e}"))?;
    db.apply(&generated.up)
        .map_err(|e| format!("{what}: {e}\n{}", generated.up))?;
    let want = fresh(to).fingerprint();
    if db.fingerprint() != want {
        return Err(format!(
            "{what}: the catalog after the migration is not the target's\n{}\n got: {:#?}\nwant: {want:#?}",
            generated.up,
            db.fingerprint()
        ));
    }
    Ok(())
}

/// Up from `from` to `to`, down, and up again, each checked by [`migrate`].
fn round_trip(db: &mut Db, from: &Schema, to: &Schema) -> Result<(), String> {
    migrate(db, from, to, "up")
        .and_then(|()| migrate(db, to, from, "down"))
        .and_then(|()| migrate(db, from, to, "up again"))
}

/// The targets of `steps` in `order`, on one modelled database from
/// nothing, each step a round trip.
fn run_history(steps: &[support::Case], order: impl IntoIterator<Item = usize>) {
    let empty = Schema::default();
    let mut db = Db::default();
    let mut current = &empty;
    for i in order {
        let to = &steps[i].after;
        if let Err(e) = round_trip(&mut db, current, to) {
            panic!("step to {}: {e}", steps[i].name);
        }
        current = to;
    }
}

#[test]
fn the_model_refuses_what_sql_server_refuses() {
    let mut db = Db::default();
    db.apply(
        "CREATE TABLE [users] (\n  [id] BIGINT IDENTITY(1,1) NOT NULL,\n  [email] NVARCHAR(255) NOT NULL,\n  [age] INTEGER NULL CONSTRAINT [df_users_age] DEFAULT 0,\n  [score] INTEGER NULL,\n  CONSTRAINT [pk_users] PRIMARY KEY ([id]),\n  CONSTRAINT [ck_score] CHECK (score >= 0)\n);\n\
         CREATE UNIQUE INDEX [uq_users_email] ON [users] ([email]);\n\
         CREATE TABLE [posts] (\n  [id] BIGINT NOT NULL,\n  [author_id] BIGINT NOT NULL,\n  CONSTRAINT [fk_posts_author_id] FOREIGN KEY ([author_id]) REFERENCES [users] ([id]) ON DELETE CASCADE\n);\n",
    )
    .expect("the model takes a valid schema");
    let refused = |statement: &str, why: &str| {
        let mut copy = db.clone();
        let result = copy.apply(&format!("{statement};\n"));
        assert!(
            result.as_ref().is_err_and(|e| e.contains(why)),
            "{statement}: {result:?}"
        );
    };
    refused(
        "ALTER TABLE [users] ALTER COLUMN [id] INTEGER NOT NULL",
        "pk_users",
    );
    refused(
        "ALTER TABLE [posts] ALTER COLUMN [author_id] INTEGER NOT NULL",
        "fk_posts_author_id",
    );
    refused(
        "ALTER TABLE [users] ALTER COLUMN [email] NVARCHAR(100) NOT NULL",
        "uq_users_email",
    );
    refused(
        "ALTER TABLE [users] ALTER COLUMN [email] NVARCHAR(255) NULL",
        "uq_users_email",
    );
    refused(
        "ALTER TABLE [users] ALTER COLUMN [age] BIGINT NULL",
        "df_users_age",
    );
    refused(
        "ALTER TABLE [users] ALTER COLUMN [score] BIGINT NULL",
        "ck_score",
    );
    refused(
        "ALTER TABLE [users] ALTER COLUMN [score] INTEGER NOT NULL",
        "ck_score",
    );
    refused("ALTER TABLE [users] DROP COLUMN [age]", "df_users_age");
    refused(
        "ALTER TABLE [users] DROP CONSTRAINT [pk_users]",
        "fk_posts_author_id",
    );
    refused("DROP TABLE [users]", "fk_posts_author_id");
    refused(
        "ALTER TABLE [posts] ADD CONSTRAINT [pk_users] PRIMARY KEY ([id])",
        "already an object",
    );
    refused("CREATE INDEX [ix] ON [users] ([nope])", "no column");
    refused(
        "ALTER TABLE [posts] ADD CONSTRAINT [fk_x] FOREIGN KEY ([id]) REFERENCES [users] ([score])",
        "no primary or candidate keys",
    );
    refused(
        "CREATE TABLE [t] ([a] NVARCHAR(MAX) NOT NULL, CONSTRAINT [pk_t] PRIMARY KEY ([a]))",
        "invalid for use as a key column",
    );
    refused(
        "ALTER TABLE [users] ADD [n] BIGINT IDENTITY(1,1) NOT NULL",
        "multiple identity",
    );
    refused("SELECT 1", "does not know");
    refused(
        "ALTER TABLE [posts] ADD [on] BIT NOT NULL CONSTRAINT [df_posts_on] DEFAULT true",
        "not permitted",
    );
    refused(
        "EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = N'x', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'users'",
        "does not exist",
    );
    refused(
        "ALTER TABLE [posts] ADD CONSTRAINT [fk_x] FOREIGN KEY ([id]) REFERENCES [users] ([id]) ON DELETE RESTRICT",
        "incorrect syntax",
    );
    refused(
        "ALTER TABLE [users] ADD [nick] NVARCHAR(10) NULL;\nUPDATE [users] SET [nick] = 'x'",
        "Invalid column name 'nick'",
    );
    refused(
        "EXEC sp_rename N'users.score', N'points', N'COLUMN';\nUPDATE [users] SET [points] = 0 WHERE [points] IS NULL",
        "Invalid column name 'points'",
    );
    refused("COMMIT TRANSACTION", "error 3902");
    refused("BEGIN TRANSACTION", "leaves its transaction open");
    let mut atomic = Db {
        atomic: true,
        ..db.clone()
    };
    let outside = atomic.apply("SET XACT_ABORT ON;\nDROP INDEX [uq_users_email] ON [users];\n");
    assert!(
        outside.is_err_and(|e| e.contains("outside a transaction")),
        "a change outside the file's transaction"
    );
    // What SQL Server lets through.
    let mut copy = db.clone();
    copy.apply(
        "ALTER TABLE [users] ADD [nick] NVARCHAR(10) NULL;\n\
         EXEC sp_executesql N'UPDATE [users] SET [nick] = N''x''';\n\
         UPDATE [users] SET [age] = 0 WHERE [age] IS NULL;\n\
         ALTER TABLE [users] ALTER COLUMN [email] NVARCHAR(320) NOT NULL;\n\
         ALTER TABLE [users] ALTER COLUMN [age] INTEGER NOT NULL;\n\
         ALTER TABLE [users] DROP CONSTRAINT [ck_score];\n\
         ALTER TABLE [users] ALTER COLUMN [score] BIGINT NOT NULL;\n\
         EXEC sp_rename N'users.email', N'mail', N'COLUMN';\n\
         EXEC sp_rename N'users', N'people';\n\
         EXEC sp_rename N'people.uq_users_email', N'uq_people_mail', N'INDEX';\n\
         IF OBJECT_ID(N'df_users_age', N'D') IS NOT NULL EXEC sp_rename N'df_users_age', N'df_people_age', N'OBJECT';\n\
         IF OBJECT_ID(N'df_nothing', N'D') IS NOT NULL EXEC sp_rename N'df_nothing', N'df_else', N'OBJECT';\n\
         ALTER TABLE [posts] DROP CONSTRAINT [fk_posts_author_id];\n\
         DROP TABLE [people];\n",
    )
    .expect("the model lets these through");
    assert_eq!(copy.tables.keys().collect::<Vec<_>>(), ["posts"]);
}

/// Every case, up, down and up again, on the model.
#[test]
fn every_case_migrates_the_modelled_catalog_both_ways() {
    let mut failures = Vec::new();
    for case in cases() {
        let mut db = fresh(&case.before);
        if let Err(e) = round_trip(&mut db, &case.before, &case.after) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Random edits of random schemas (`support::random`), up, down and up
/// again.
#[test]
fn random_cases_migrate_the_modelled_catalog_both_ways() {
    let mut failures = Vec::new();
    let cases = support::random_cases_from_env(300, true);
    for case in cases {
        let mut db = fresh(&case.before);
        if let Err(e) = round_trip(&mut db, &case.before, &case.after) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A random project history (`support::random`), forward then backward,
/// on one modelled database.
#[test]
fn a_random_history_migrates_the_modelled_catalog() {
    let steps = support::random_history_from_env(200, true);
    run_history(&steps, (0..steps.len()).chain((0..steps.len()).rev()));
}

/// Renames of names holding `.` and `]`: `sp_rename` reads the object's
/// name as a multi-part name, so dbgen brackets each part (`[my.t].[x.y]`);
/// unbracketed, `my.t.x.y` named another object, or none.
#[test]
fn renames_of_names_with_dots_and_brackets() {
    let before = schema(vec![
        table("my.t")
            .col("x.y", Ty::Integer, true)
            .col("k]", Ty::Integer, true)
            .edit("k]", |c| c.set_default(Some("0".into())))
            .index(&["x.y"], false),
    ]);
    let after = schema(vec![
        table("my.t2")
            .renamed_from("my.t")
            .col("z", Ty::Integer, true)
            .edit("z", |c| c.set_renamed_from(Some("x.y".into())))
            .col("k]]", Ty::Integer, true)
            .edit("k]]", |c| {
                c.set_renamed_from(Some("k]".into()));
                c.set_default(Some("0".into()));
            })
            .index(&["z"], false),
    ]);
    let mut db = fresh(&before);
    migrate(&mut db, &before, &after, "up").unwrap_or_else(|e| panic!("{e}"));
    migrate(&mut db, &after, &before, "down").unwrap_or_else(|e| panic!("{e}"));
    let up = generate(&before, &after, Dialect::SqlServer, &Policy::default())
        .expect("renders")
        .up;
    assert!(
        up.contains("EXEC sp_rename N'[my.t2].[x.y]', N'z', N'COLUMN'"),
        "{up}"
    );
}

/// A random project history kept as `cargo dbgen diff` keeps its
/// directory, with every drop skipped (`diff.skip`): each step starts from
/// the previous snapshot, and the modelled catalog after it must be the
/// next snapshot created fresh (the models plus what the skipped drops
/// keep).
#[test]
fn a_random_history_with_drops_skipped_migrates_the_modelled_catalog() {
    let policy = Policy::skipping(Policy::SKIPPABLE.iter().copied()).expect("drop kinds");
    let steps = support::random_history_from_env(200, true);
    let mut db = Db::default();
    let mut current = Schema::default();
    for (n, step) in steps.iter().enumerate() {
        let generated = generate(&current, &step.after, Dialect::SqlServer, &policy)
            .unwrap_or_else(|e| panic!("step {n}: does not render: {e}"));
        db.apply(&generated.up)
            .unwrap_or_else(|e| panic!("step {n}: {e}\n{}", generated.up));
        let next = dbgen::migrate::snapshot(&step.after, &generated);
        assert_eq!(
            db.fingerprint(),
            fresh(&next).fingerprint(),
            "step {n}: the catalog is not the snapshot's\n{}",
            generated.up
        );
        current = next;
    }
}

/// All case targets as one history, forward, backward and in strides.
#[test]
fn the_case_history_migrates_the_modelled_catalog() {
    let cases = cases();
    run_history(&cases, history(cases.len()));
}
