//! The trait every `#[derive(Model)]` type implements, with the CRUD and
//! soft-delete helpers of every model.
//!
//! The derive writes three tiny functions per model (its definition, its
//! fields as [`Value`]s, a model from values); every helper below is a
//! provided method that hands values to non-generic-over-the-model code in
//! [`ops`], so a model costs little to compile whatever it calls.

pub mod meta;
pub mod ops;

use std::future::Future;

use sqlx::Acquire;

use crate::Error;
use crate::driver::Driver;
use crate::query::Query;
use crate::registry::ModelDef;
use crate::schema::Table;
use crate::soft_delete;
use crate::value::{ColumnValue, Value};
use meta::Meta;
use ops::Scope;

/// Sort direction for [`Query::order_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// A struct mapped to a table. Implemented by `#[derive(Model)]`.
///
/// Every helper takes what sqlx takes: a pool (`&pool`), a connection or a
/// transaction (`&mut *tx`), of PostgreSQL, MySQL/MariaDB or SQLite.
/// Changes to an `audit` model write their audit rows in the same
/// transaction (a savepoint inside the caller's transaction).
pub trait Model: Sized + Send + Sync + 'static {
    /// Generated: the model's definition.
    #[doc(hidden)]
    fn __def() -> &'static ModelDef;

    /// Generated: the fields, in column order. Generic over the database
    /// (`C`) only so that rustc compiles it where a helper is used rather
    /// than in every crate that defines models.
    #[doc(hidden)]
    fn __values<C>(&self) -> Vec<Value>;

    /// Generated: the model from values in column order (generic like
    /// [`Model::__values`]).
    #[doc(hidden)]
    fn __from_values<C>(values: Vec<Value>) -> Result<Self, Error>;

    /// The table this model maps to, as schema IR.
    fn table() -> &'static Table {
        Self::__def().table()
    }

    /// The table with the column roles the helpers use.
    #[doc(hidden)]
    fn __meta() -> Result<&'static Meta, Error> {
        Self::__def().meta()
    }

    /// A query over live rows (all rows when there is no soft delete).
    fn query() -> Query<Self> {
        Query::default()
    }

    /// Inserts the row; returns it as stored (generated key, defaults,
    /// `created_at`/`updated_at`).
    fn insert<'c, A>(self, db: A) -> impl Future<Output = Result<Self, Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            let mut conn = db.acquire().await?;
            let rows = ops::insert::<A::Database>(
                &mut conn,
                meta,
                vec![self.__values::<A::Database>()],
                1,
            )
            .await?;
            match rows.into_iter().next() {
                Some(row) => Self::__from_values::<A::Database>(row),
                None => Err(Error::Decode(format!(
                    "the INSERT into `{}` returned no row",
                    meta.name()
                ))),
            }
        }
    }

    /// Inserts `rows` in batches of `batch` rows per statement, all in one
    /// transaction; returns them as stored, in order.
    fn insert_many<'c, A>(
        db: A,
        rows: Vec<Self>,
        batch: usize,
    ) -> impl Future<Output = Result<Vec<Self>, Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            let values = rows.iter().map(Self::__values::<A::Database>).collect();
            drop(rows);
            let mut conn = db.acquire().await?;
            let stored = ops::insert::<A::Database>(&mut conn, meta, values, batch).await?;
            stored
                .into_iter()
                .map(Self::__from_values::<A::Database>)
                .collect()
        }
    }

    /// Writes every field of this live row (bumps `updated_at`).
    fn update<'c, A>(&mut self, db: A) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            let mut conn = db.acquire().await?;
            let row =
                ops::update::<A::Database>(&mut conn, meta, self.__values::<A::Database>()).await?;
            *self = Self::__from_values::<A::Database>(row)?;
            Ok(())
        }
    }

    /// The live row with primary key `id`.
    fn find<'c, A, K>(db: A, id: K) -> impl Future<Output = Result<Option<Self>, Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
        K: ColumnValue + Send,
    {
        async move {
            let meta = Self::__meta()?;
            let key = single_key(meta, &id)?;
            let mut conn = db.acquire().await?;
            let row = ops::find::<A::Database>(&mut conn, meta, &key, Scope::Live, false).await?;
            row.map(Self::__from_values::<A::Database>).transpose()
        }
    }

    /// Deletes this row: soft (sets `deleted_at`) when the model has soft
    /// delete, for good otherwise.
    fn delete<'c, A>(&mut self, db: A) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            let mut values = self.__values::<A::Database>();
            let key = ops::key_of(meta, &values);
            let mut conn = db.acquire().await?;
            let set = soft_delete::delete::<A::Database>(&mut conn, meta, &key).await?;
            if !set.is_empty() {
                for (i, value) in set {
                    values[i] = value;
                }
                *self = Self::__from_values::<A::Database>(values)?;
            }
            Ok(())
        }
    }

    /// Deletes the live row with primary key `id` (soft when possible).
    fn delete_by_id<'c, A, K>(db: A, id: K) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
        K: ColumnValue + Send,
    {
        async move {
            let meta = Self::__meta()?;
            let key = single_key(meta, &id)?;
            let mut conn = db.acquire().await?;
            soft_delete::delete::<A::Database>(&mut conn, meta, &key)
                .await
                .map(drop)
        }
    }

    /// Restores this soft-deleted row.
    fn restore<'c, A>(&mut self, db: A) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            let mut values = self.__values::<A::Database>();
            let key = ops::key_of(meta, &values);
            let mut conn = db.acquire().await?;
            for (i, value) in soft_delete::restore::<A::Database>(&mut conn, meta, &key).await? {
                values[i] = value;
            }
            *self = Self::__from_values::<A::Database>(values)?;
            Ok(())
        }
    }

    /// Restores the soft-deleted row with primary key `id`.
    fn restore_by_id<'c, A, K>(db: A, id: K) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
        K: ColumnValue + Send,
    {
        async move {
            let meta = Self::__meta()?;
            let key = single_key(meta, &id)?;
            let mut conn = db.acquire().await?;
            soft_delete::restore::<A::Database>(&mut conn, meta, &key)
                .await
                .map(drop)
        }
    }

    /// Restores every soft-deleted row; returns how many.
    fn restore_all<'c, A>(db: A) -> impl Future<Output = Result<u64, Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            let mut conn = db.acquire().await?;
            soft_delete::restore_all::<A::Database>(&mut conn, meta).await
        }
    }

    /// Removes this row for good, trashed or not.
    fn force_delete<'c, A>(&self, db: A) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        let values = self.__values::<A::Database>();
        async move {
            let meta = Self::__meta()?;
            let key = ops::key_of(meta, &values);
            let mut conn = db.acquire().await?;
            soft_delete::force_delete::<A::Database>(&mut conn, meta, &key).await
        }
    }

    /// Removes the row with primary key `id` for good, trashed or not.
    fn force_delete_by_id<'c, A, K>(db: A, id: K) -> impl Future<Output = Result<(), Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
        K: ColumnValue + Send,
    {
        async move {
            let meta = Self::__meta()?;
            let key = single_key(meta, &id)?;
            let mut conn = db.acquire().await?;
            soft_delete::force_delete::<A::Database>(&mut conn, meta, &key).await
        }
    }

    /// How many rows are soft-deleted.
    fn count_trashed<'c, A>(db: A) -> impl Future<Output = Result<i64, Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
    {
        async move {
            let meta = Self::__meta()?;
            if meta.soft_delete.is_none() {
                return Ok(0);
            }
            Self::query().only_trashed().count(db).await
        }
    }

    /// Whether the row with primary key `id` exists and is soft-deleted.
    fn is_trashed<'c, A, K>(db: A, id: K) -> impl Future<Output = Result<bool, Error>> + Send
    where
        A: Acquire<'c> + Send,
        A::Database: Driver,
        K: ColumnValue + Send,
    {
        async move {
            let meta = Self::__meta()?;
            if meta.soft_delete.is_none() {
                return Ok(false);
            }
            let key = single_key(meta, &id)?;
            let mut conn = db.acquire().await?;
            let row =
                ops::find::<A::Database>(&mut conn, meta, &key, Scope::OnlyTrashed, false).await?;
            Ok(row.is_some())
        }
    }
}

/// The key of a single-column primary key from one value.
fn single_key(meta: &Meta, id: &impl ColumnValue) -> Result<Vec<Value>, Error> {
    if meta.key.len() != 1 {
        return Err(Error::Unsupported(format!(
            "`{}` has a composite primary key; use `query().filter(...)` or the instance methods",
            meta.name()
        )));
    }
    Ok(vec![id.to_value()])
}
