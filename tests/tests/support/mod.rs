//! Builders for schemas in tests, and the four dialects with their parsers.

#![allow(dead_code)]

mod cases;
pub mod concurrency;
pub mod db;
pub mod fingerprint;
mod random;

#[allow(unused_imports)] // each test file uses a different part of the support module
pub use cases::{Case, cases, history};
#[allow(unused_imports)]
pub use random::{
    Rng, env, random_cases, random_cases_from_env, random_history, random_history_from_env, seed,
};

use dbgen::dialect::Dialect;
use dbgen::schema::{
    Check, Column, ColumnType, FkAction, ForeignKey, Index, PrimaryKey, Schema, Table, names,
};

pub const DIALECTS: [Dialect; 4] = [
    Dialect::Postgres,
    Dialect::MySql,
    Dialect::Sqlite,
    Dialect::SqlServer,
];

pub fn col(name: &str, ty: ColumnType, nullable: bool) -> Column {
    Column::new(name, ty, nullable)
}

/// A table builder.
#[derive(Clone)]
pub struct T(pub Table);

pub fn table(name: &str) -> T {
    let mut id = col("id", ColumnType::BigInt, false);
    id.auto_increment = true;
    T(Table {
        name: name.to_string().into(),
        columns: vec![id].into(),
        primary_key: Some(PrimaryKey {
            name: names::primary_key_name(name).into(),
            columns: vec!["id".into()].into(),
        }),
        indexes: Vec::new().into(),
        foreign_keys: Vec::new().into(),
        checks: Vec::new().into(),
        comment: None,
        renamed_from: None,
        soft_delete: None,
        audit: false,
        timestamps: false,
    })
}

impl T {
    pub fn col(mut self, name: &str, ty: ColumnType, nullable: bool) -> T {
        self.0.columns.to_mut().push(col(name, ty, nullable));
        self
    }

    pub fn column(mut self, column: Column) -> T {
        self.0.columns.to_mut().push(column);
        self
    }

    pub fn index(mut self, columns: &[&str], unique: bool) -> T {
        let name = if unique {
            names::unique_name(&self.0.name, columns)
        } else {
            names::index_name(&self.0.name, columns)
        };
        let live_rows = unique && self.0.soft_delete.is_some();
        self.0.indexes.to_mut().push(Index {
            name: name.into(),
            columns: columns
                .iter()
                .map(|c| c.to_string().into())
                .collect::<Vec<_>>()
                .into(),
            unique,
            live_rows,
            predicate: None,
        });
        self
    }

    /// A plain index with a name of its own (`#[model(index(..., name))]`).
    pub fn named_index(mut self, name: &str, columns: &[&str]) -> T {
        self = self.index(columns, false);
        if let Some(index) = self.0.indexes.to_mut().last_mut() {
            index.name = name.to_string().into();
        }
        self
    }

    pub fn partial_index(mut self, name: &str, columns: &[&str], predicate: &str) -> T {
        self.0.indexes.to_mut().push(Index {
            name: name.to_string().into(),
            columns: columns
                .iter()
                .map(|c| c.to_string().into())
                .collect::<Vec<_>>()
                .into(),
            unique: false,
            live_rows: false,
            predicate: Some(predicate.to_string().into()),
        });
        self
    }

    pub fn fk(mut self, column: &str, ref_table: &str, on_delete: FkAction) -> T {
        self.0.foreign_keys.to_mut().push(ForeignKey {
            name: names::foreign_key_name(&self.0.name, &[column]).into(),
            columns: vec![column.to_string().into()].into(),
            ref_table: ref_table.to_string().into(),
            ref_columns: vec!["id".into()].into(),
            on_delete,
            on_update: FkAction::NoAction,
        });
        self
    }

    pub fn check(mut self, name: &str, expr: &str) -> T {
        self.0.checks.to_mut().push(Check {
            name: name.to_string().into(),
            expr: expr.to_string().into(),
        });
        self
    }

    pub fn soft_delete(mut self) -> T {
        self.0
            .columns
            .to_mut()
            .push(col("deleted_at", ColumnType::TimestampTz, true));
        self.0.soft_delete = Some("deleted_at".into());
        self
    }

    pub fn renamed_from(mut self, old: &str) -> T {
        self.0.renamed_from = Some(old.to_string().into());
        self
    }

    pub fn comment(mut self, comment: &str) -> T {
        self.0.comment = Some(comment.to_string().into());
        self
    }

    pub fn key(mut self, columns: &[&str]) -> T {
        for c in self.0.columns.to_mut() {
            c.auto_increment = false;
        }
        self.0.primary_key = Some(PrimaryKey {
            name: names::primary_key_name(&self.0.name).into(),
            columns: columns
                .iter()
                .map(|c| c.to_string().into())
                .collect::<Vec<_>>()
                .into(),
        });
        self
    }

    /// Edits the column called `name`.
    pub fn edit(mut self, name: &str, f: impl FnOnce(&mut Column)) -> T {
        if let Some(c) = self.0.columns.to_mut().iter_mut().find(|c| c.name == name) {
            f(c);
        }
        self
    }

    pub fn build(self) -> Table {
        self.0
    }
}

pub fn schema(tables: Vec<T>) -> Schema {
    Schema::new(tables.into_iter().map(T::build).collect())
}

/// Statements in a rendered file: lines ending with `;` outside comments.
pub fn statement_count(sql: &str) -> usize {
    sql.lines()
        .filter(|l| !l.starts_with("--") && l.ends_with(';'))
        .count()
}

/// Parses every statement of a rendered file with the runtime's checker
/// (the one `cargo dbgen validate` uses); returns how many there were.
pub fn parse_file(dialect: Dialect, sql: &str) -> Result<usize, String> {
    dbgen::dialect::check_file(dialect, sql)
        .map_err(|p| format!("statement {} (line {}): {}", p.statement, p.line, p.message))
}

/// Parses `sql` with sqlparser's dialect for `dialect`.
pub fn parse(dialect: Dialect, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, String> {
    use sqlparser::dialect::{MsSqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
    use sqlparser::parser::Parser;
    let result = match dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        Dialect::MySql => Parser::parse_sql(&MySqlDialect {}, sql),
        Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, sql),
        Dialect::SqlServer => Parser::parse_sql(&MsSqlDialect {}, sql),
    };
    result.map_err(|e| e.to_string())
}

/// Creates `tables` in the database behind `pool` with dbgen's own DDL for
/// its dialect.
pub async fn create_tables<DB>(pool: &sqlx::Pool<DB>, tables: Vec<Table>)
where
    DB: dbgen::Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let schema = Schema::new(tables);
    let ddl = dbgen::migrate::generate(
        &Schema::default(),
        &schema,
        DB::DIALECT,
        &dbgen::plan::Policy::default(),
    )
    .expect("DDL renders");
    sqlx::raw_sql(sqlx::AssertSqlSafe(ddl.up))
        .execute(pool)
        .await
        .expect("tables are created");
}
