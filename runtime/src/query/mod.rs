//! `Model::query()`: reads, counts and bulk changes with the soft-delete
//! scope applied, filters as SQL fragments with one bound value each.

pub mod sql;

use std::marker::PhantomData;

use sqlx::Acquire;

use crate::audit::write::{self as audit, Action, Entry, full_row_json, row_json};
use crate::driver::{Driver, arguments, begin};
use crate::model::Model;
use crate::model::meta::Meta;
use crate::model::ops::{self, Scope, push_scope, select_columns};
use crate::value::{ColumnValue, Value};
use crate::{Error, Order};
use sql::Sql;

/// A query over one model's table. Starts with live rows only.
#[derive(Debug)]
pub struct Query<M> {
    scope: Scope,
    filters: Vec<(String, Option<Value>)>,
    order: Vec<(String, Order)>,
    limit: Option<i64>,
    offset: Option<i64>,
    model: PhantomData<fn() -> M>,
}

impl<M> Clone for Query<M> {
    fn clone(&self) -> Self {
        Query {
            scope: self.scope,
            filters: self.filters.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            model: PhantomData,
        }
    }
}

impl<M: Model> Default for Query<M> {
    fn default() -> Self {
        Query {
            scope: Scope::Live,
            filters: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
            model: PhantomData,
        }
    }
}

impl<M: Model> Query<M> {
    /// Live and soft-deleted rows.
    pub fn with_trashed(mut self) -> Self {
        self.scope = Scope::WithTrashed;
        self
    }

    /// Soft-deleted rows only.
    pub fn only_trashed(mut self) -> Self {
        self.scope = Scope::OnlyTrashed;
        self
    }

    /// `AND <fragment> <placeholder>`: `filter("status = ", "active")`.
    /// The fragment is SQL written by the caller and must not contain
    /// values; the value is always bound.
    pub fn filter(mut self, fragment: impl Into<String>, value: impl ColumnValue) -> Self {
        self.filters.push((fragment.into(), Some(value.to_value())));
        self
    }

    /// `AND <condition>` with no value: `where_sql("archived_at IS NULL")`.
    pub fn where_sql(mut self, condition: impl Into<String>) -> Self {
        self.filters.push((condition.into(), None));
        self
    }

    /// Orders by a column (quoted; must be a column of the table).
    pub fn order_by(mut self, column: impl Into<String>, order: Order) -> Self {
        self.order.push((column.into(), order));
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n);
        self
    }

    fn push_where(&self, sql: &mut Sql, meta: &Meta) {
        sql.push(" WHERE 1 = 1");
        push_scope(sql, meta, self.scope);
        for (fragment, value) in &self.filters {
            sql.push(" AND ").push(fragment);
            if let Some(value) = value {
                sql.bind(value.clone());
            }
        }
    }

    fn select(&self, meta: &Meta, dialect: crate::dialect::Dialect) -> Result<Sql, Error> {
        let mut sql = Sql::new(dialect);
        select_columns(&mut sql, meta);
        self.push_where(&mut sql, meta);
        for (n, (column, order)) in self.order.iter().enumerate() {
            if !meta.columns().any(|c| c == column) {
                return Err(Error::UnknownColumn {
                    table: meta.name().to_string(),
                    column: column.clone(),
                });
            }
            sql.push(if n == 0 { " ORDER BY " } else { ", " })
                .ident(column);
            sql.push(match order {
                Order::Asc => " ASC",
                Order::Desc => " DESC",
            });
        }
        match (self.limit, self.offset) {
            (Some(limit), offset) => {
                sql.push(" LIMIT ").bind(Value::I64(limit));
                if let Some(offset) = offset {
                    sql.push(" OFFSET ").bind(Value::I64(offset));
                }
            }
            (None, Some(offset)) => {
                // MySQL has no OFFSET without LIMIT; this is its documented
                // "all remaining rows" limit.
                sql.push(" LIMIT ")
                    .bind(Value::I64(i64::MAX))
                    .push(" OFFSET ")
                    .bind(Value::I64(offset));
            }
            (None, None) => {}
        }
        Ok(sql)
    }

    /// Every matching row.
    pub async fn fetch_all<'c, A>(self, db: A) -> Result<Vec<M>, Error>
    where
        A: Acquire<'c>,
        A::Database: Driver,
    {
        let mut conn = db.acquire().await?;
        self.fetch_all_on::<A::Database>(&mut conn).await
    }

    pub(crate) async fn fetch_all_on<DB: Driver>(
        self,
        conn: &mut DB::Connection,
    ) -> Result<Vec<M>, Error> {
        let meta = M::__meta()?;
        let sql = self.select(meta, DB::DIALECT)?;
        let rows = fetch_values::<DB>(conn, meta, sql).await?;
        rows.into_iter().map(M::__from_values::<DB>).collect()
    }

    /// The first matching row, if any.
    pub async fn fetch_optional<'c, A>(self, db: A) -> Result<Option<M>, Error>
    where
        A: Acquire<'c>,
        A::Database: Driver,
    {
        let meta = M::__meta()?;
        let sql = self
            .limit(1)
            .select(meta, <A::Database as Driver>::DIALECT)?;
        let mut conn = db.acquire().await?;
        let rows = fetch_values::<A::Database>(&mut conn, meta, sql).await?;
        rows.into_iter()
            .next()
            .map(M::__from_values::<A::Database>)
            .transpose()
    }

    /// How many rows match (limit and offset ignored).
    pub async fn count<'c, A>(self, db: A) -> Result<i64, Error>
    where
        A: Acquire<'c>,
        A::Database: Driver,
    {
        let mut conn = db.acquire().await?;
        self.count_on::<A::Database>(&mut conn).await
    }

    pub(crate) async fn count_on<DB: Driver>(
        self,
        conn: &mut DB::Connection,
    ) -> Result<i64, Error> {
        let meta = M::__meta()?;
        let mut sql = Sql::new(DB::DIALECT);
        sql.push("SELECT COUNT(*) FROM ").ident(meta.name());
        self.push_where(&mut sql, meta);
        ops::count::<DB>(conn, sql).await
    }

    /// Deletes every matching row (soft when the model has soft delete),
    /// writing one audit row per row in one statement. Returns how many.
    pub async fn delete<'c, A>(self, db: A) -> Result<u64, Error>
    where
        A: Acquire<'c>,
        A::Database: Driver,
    {
        let meta = M::__meta()?;
        let dialect = <A::Database as Driver>::DIALECT;
        let mut change = Sql::new(dialect);
        let mut set = Vec::new();
        match meta.soft_delete {
            Some(soft) => {
                set.push((soft, meta.now(soft)));
                if let Some(i) = meta.updated_at {
                    set.push((i, meta.now(i)));
                }
                change.push("UPDATE ").ident(meta.name()).push(" SET ");
                for (n, (i, value)) in set.iter().enumerate() {
                    if n > 0 {
                        change.push(", ");
                    }
                    change
                        .ident(meta.column(*i))
                        .push(" = ")
                        .bind(value.clone());
                }
            }
            None => {
                change.push("DELETE FROM ").ident(meta.name());
            }
        }
        self.push_where(&mut change, meta);
        let mut conn = db.acquire().await?;
        if !meta.table.audit {
            let (text, values) = change.finish();
            let done = <A::Database as Driver>::execute(
                &mut conn,
                text,
                arguments::<A::Database>(values)?,
            )
            .await?;
            return Ok(done.rows_affected);
        }
        let mut tx = begin::<A::Database>(&mut conn).await?;
        let all = Query::<M> {
            order: Vec::new(),
            limit: None,
            offset: None,
            ..self.clone()
        };
        let mut select = all.select(meta, dialect)?;
        if dialect != crate::dialect::Dialect::Sqlite {
            select.push(" FOR UPDATE");
        }
        let old = fetch_values::<A::Database>(&mut tx, meta, select).await?;
        let (text, values) = change.finish();
        let done =
            <A::Database as Driver>::execute(&mut tx, text, arguments::<A::Database>(values)?)
                .await?;
        let entries = old
            .iter()
            .map(|row| {
                let entry = Entry::new(meta, row, Action::Delete).old(full_row_json(meta, row));
                match meta.soft_delete {
                    Some(soft) => {
                        let mut new = row.clone();
                        for (i, value) in &set {
                            new[*i] = value.clone();
                        }
                        entry.new_values(row_json(meta, &new, [soft]))
                    }
                    None => entry,
                }
            })
            .collect();
        audit::write::<A::Database>(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(done.rows_affected)
    }
}

/// Runs a SELECT of every column and decodes the rows.
pub(crate) async fn fetch_values<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    sql: Sql,
) -> Result<Vec<Vec<Value>>, Error> {
    ops::fetch_rows::<DB>(conn, meta, sql).await
}
