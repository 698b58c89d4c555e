//! The helpers' work as futures that do not depend on the model type:
//! generic over the executor only, so a program with many models compiles
//! each once per executor type. The model's own code is a plain function
//! turning values into the model ([`Decode`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use sqlx::Acquire;

use super::ops::{self, Scope, Stored};
use super::rows::Rows;
use crate::Error;
use crate::driver::{BoxFuture, Driver};
use crate::registry::ModelDef;
use crate::soft_delete;
use crate::value::Value;

/// A boxed future whose output a plain function turns into `T`.
pub struct Decode<'f, R, T> {
    future: BoxFuture<'f, Result<R, Error>>,
    decode: fn(R) -> Result<T, Error>,
}

impl<R, T> Future for Decode<'_, R, T> {
    type Output = Result<T, Error>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let decode = self.decode;
        self.future.as_mut().poll(cx).map(|r| r.and_then(decode))
    }
}

/// `future`, its output decoded by `decode`.
pub fn decode<'f, R: 'f, T: Send + 'f>(
    future: BoxFuture<'f, Result<R, Error>>,
    decode: fn(R) -> Result<T, Error>,
) -> BoxFuture<'f, Result<T, Error>> {
    Box::pin(Decode { future, decode })
}

/// Writes the decoded output of a future into `target`.
pub struct WriteBack<'f, T> {
    future: BoxFuture<'f, Result<Vec<Value>, Error>>,
    decode: fn(Vec<Value>) -> Result<T, Error>,
    target: &'f mut T,
}

impl<T> Future for WriteBack<'_, T> {
    type Output = Result<(), Error>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.future.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(values)) => {
                let decode = self.decode;
                Poll::Ready(decode(values).map(|model| *self.target = model))
            }
        }
    }
}

/// `future`, its output decoded into `target`.
pub fn write_back<'f, T: Send>(
    future: BoxFuture<'f, Result<Vec<Value>, Error>>,
    decode: fn(Vec<Value>) -> Result<T, Error>,
    target: &'f mut T,
) -> BoxFuture<'f, Result<(), Error>> {
    Box::pin(WriteBack {
        future,
        decode,
        target,
    })
}

/// The model's key from one value, for the by-id helpers.
fn single_key(def: &'static ModelDef, id: Value) -> Result<Vec<Value>, Error> {
    let meta = def.meta()?;
    if meta.key.len() != 1 {
        return Err(Error::Unsupported(format!(
            "`{}` has a composite primary key; use `query().filter(...)` or the instance methods",
            meta.name()
        )));
    }
    let column = meta.key[0];
    let kind = meta.kinds[column];
    let id = id.into_kind(kind);
    // SQLite compares a text `"5"` with an integer key (and finds the row);
    // PostgreSQL refuses the statement (`bigint = text`): refused here on
    // every engine, saying which type to pass.
    if let Some(given) = id.kind().filter(|&given| !kind.compares(given)) {
        return Err(Error::Bind(format!(
            "the key of `{}` (`{}`) is a {} column, and the value given is {}; pass the key as its field's type (SQLite compares the two, PostgreSQL refuses them)",
            meta.name(),
            meta.column(column),
            kind.name(),
            given.name()
        )));
    }
    Ok(vec![id])
}

pub fn insert<'f, 'c, A>(
    db: A,
    def: &'static ModelDef,
    rows: Rows,
    batch: usize,
) -> BoxFuture<'f, Result<Stored<<A::Database as sqlx::Database>::Row>, Error>>
where
    A: Acquire<'c> + Send + 'f,
    A::Database: Driver,
{
    Box::pin(async move {
        let meta = def.meta()?;
        let mut conn = db.acquire().await?;
        ops::insert::<A::Database>(&mut conn, meta, rows, batch).await
    })
}

pub fn update<'f, 'c, A>(
    db: A,
    def: &'static ModelDef,
    row: Vec<Value>,
) -> BoxFuture<'f, Result<Vec<Value>, Error>>
where
    A: Acquire<'c> + Send + 'f,
    A::Database: Driver,
{
    Box::pin(async move {
        let meta = def.meta()?;
        let mut conn = db.acquire().await?;
        ops::update::<A::Database>(&mut conn, meta, row).await
    })
}

pub fn find<'f, 'c, A>(
    db: A,
    def: &'static ModelDef,
    id: Value,
    scope: Scope,
) -> BoxFuture<'f, Result<Option<<A::Database as sqlx::Database>::Row>, Error>>
where
    A: Acquire<'c> + Send + 'f,
    A::Database: Driver,
{
    Box::pin(async move {
        let meta = def.meta()?;
        if scope == Scope::OnlyTrashed && meta.soft_delete.is_none() {
            return Ok(None);
        }
        let key = single_key(def, id)?;
        let mut conn = db.acquire().await?;
        ops::find_raw::<A::Database>(&mut conn, meta, &key, scope).await
    })
}

/// Which row a change applies to.
pub enum Target {
    /// The whole row (its key is taken from it; the row comes back changed).
    Row(Vec<Value>),
    /// The value of a single-column primary key.
    Id(Value),
}

/// A change to one row's soft-delete state, or its removal.
#[derive(Clone, Copy)]
pub enum RowChange {
    /// Soft delete (for good without soft delete).
    Delete,
    /// Clear the soft-delete column.
    Restore,
    /// Remove the row for good, trashed or not.
    ForceDelete,
}

/// Applies `change` to the row `target` names; returns the row as it now
/// is when the whole row was given (empty otherwise).
pub fn change<'f, 'c, A>(
    db: A,
    def: &'static ModelDef,
    change: RowChange,
    target: Target,
) -> BoxFuture<'f, Result<Vec<Value>, Error>>
where
    A: Acquire<'c> + Send + 'f,
    A::Database: Driver,
{
    Box::pin(async move {
        let meta = def.meta()?;
        let (key, mut row) = match target {
            Target::Row(row) => (ops::key_of(meta, &row), row),
            Target::Id(id) => (single_key(def, id)?, Vec::new()),
        };
        let mut conn = db.acquire().await?;
        let set = match change {
            RowChange::Delete => soft_delete::delete::<A::Database>(&mut conn, meta, &key).await?,
            RowChange::Restore => {
                soft_delete::restore::<A::Database>(&mut conn, meta, &key).await?
            }
            RowChange::ForceDelete => {
                soft_delete::force_delete::<A::Database>(&mut conn, meta, &key).await?;
                Vec::new()
            }
        };
        if !row.is_empty() {
            for (i, value) in set {
                row[i] = value;
            }
        }
        Ok(row)
    })
}

pub fn restore_all<'f, 'c, A>(db: A, def: &'static ModelDef) -> BoxFuture<'f, Result<u64, Error>>
where
    A: Acquire<'c> + Send + 'f,
    A::Database: Driver,
{
    Box::pin(async move {
        let meta = def.meta()?;
        let mut conn = db.acquire().await?;
        soft_delete::restore_all::<A::Database>(&mut conn, meta).await
    })
}
