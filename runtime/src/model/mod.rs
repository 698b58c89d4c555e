//! The trait every `#[derive(Model)]` type implements, with the CRUD and
//! soft-delete helpers of every model.
//!
//! The derive writes three tiny functions per model (its definition, its
//! fields appended as [`Value`]s, a model from the next values or from a
//! database row's columns); every helper below is a provided method that
//! hands values to non-generic-over-the-model code in [`ops`], so a model
//! costs little to compile whatever it calls.

pub mod meta;
pub mod ops;
pub mod rows;
pub mod run;

use sqlx::Acquire;

use crate::__private::Fields;
use crate::Error;
use crate::driver::{BoxFuture, Driver};
use crate::query::Query;
use crate::registry::ModelDef;
use crate::schema::Table;
use crate::value::{KeyValue, Value};
use meta::Meta;
use ops::{Scope, Stored};
use rows::Rows;
use run::{RowChange, Target};

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

    /// Generated: appends the fields' values to `out`, in column order (a
    /// batch's rows go into one vector). Generic over the database (`C`)
    /// only so that rustc compiles it where a helper is used rather than in
    /// every crate that defines models.
    #[doc(hidden)]
    fn __values<C>(&self, out: &mut Vec<Value>);

    /// Generated: the model from the next values, or from a database row's
    /// columns, in column order (generic like [`Model::__values`]).
    #[doc(hidden)]
    fn __from_values<C>(values: &mut crate::__private::Fields<'_>) -> Result<Self, Error>;

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
    fn insert<'c, A>(self, db: A) -> BoxFuture<'c, Result<Self, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        let row = Rows::one(values_of::<Self, A::Database>(&self));
        run::decode(
            run::insert(db, Self::__def(), row, 1),
            read_one::<Self, A::Database>,
        )
    }

    /// Inserts `rows` in batches of `batch` rows per statement (fewer when
    /// more would pass the engine's limit of placeholders in a statement),
    /// all in one transaction; returns them as stored, in order.
    fn insert_many<'c, A>(
        db: A,
        rows: Vec<Self>,
        batch: usize,
    ) -> BoxFuture<'c, Result<Vec<Self>, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        let values = Rows::encode(&rows, Self::__values::<A::Database>);
        run::decode(
            run::insert(db, Self::__def(), values, batch),
            read_stored::<Self, A::Database>,
        )
    }

    /// Writes every field of this live row (bumps `updated_at`).
    fn update<'a, 'c, A>(&'a mut self, db: A) -> BoxFuture<'a, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'a,
        A::Database: Driver,
    {
        let row = values_of::<Self, A::Database>(self);
        run::write_back(
            run::update(db, Self::__def(), row),
            decode_one::<Self, A::Database>,
            self,
        )
    }

    /// The live row with primary key `id`.
    fn find<'c, A, K>(db: A, id: K) -> BoxFuture<'c, Result<Option<Self>, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
        K: KeyValue,
    {
        run::decode(
            run::find(db, Self::__def(), id.to_key(), Scope::Live),
            read_optional::<Self, A::Database>,
        )
    }

    /// Deletes this row: soft (sets `deleted_at`) when the model has soft
    /// delete, for good otherwise.
    fn delete<'a, 'c, A>(&'a mut self, db: A) -> BoxFuture<'a, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'a,
        A::Database: Driver,
    {
        let row = values_of::<Self, A::Database>(self);
        run::write_back(
            run::change(db, Self::__def(), RowChange::Delete, Target::Row(row)),
            decode_one::<Self, A::Database>,
            self,
        )
    }

    /// Deletes the live row with primary key `id` (soft when possible).
    fn delete_by_id<'c, A, K>(db: A, id: K) -> BoxFuture<'c, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
        K: KeyValue,
    {
        by_id(db, Self::__def(), RowChange::Delete, id.to_key())
    }

    /// Restores this soft-deleted row.
    fn restore<'a, 'c, A>(&'a mut self, db: A) -> BoxFuture<'a, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'a,
        A::Database: Driver,
    {
        let row = values_of::<Self, A::Database>(self);
        run::write_back(
            run::change(db, Self::__def(), RowChange::Restore, Target::Row(row)),
            decode_one::<Self, A::Database>,
            self,
        )
    }

    /// Restores the soft-deleted row with primary key `id`.
    fn restore_by_id<'c, A, K>(db: A, id: K) -> BoxFuture<'c, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
        K: KeyValue,
    {
        by_id(db, Self::__def(), RowChange::Restore, id.to_key())
    }

    /// Restores every soft-deleted row; returns how many.
    fn restore_all<'c, A>(db: A) -> BoxFuture<'c, Result<u64, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        run::restore_all(db, Self::__def())
    }

    /// Removes this row for good, trashed or not.
    fn force_delete<'c, A>(&self, db: A) -> BoxFuture<'c, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        run::decode(
            run::change(
                db,
                Self::__def(),
                RowChange::ForceDelete,
                Target::Row(values_of::<Self, A::Database>(self)),
            ),
            drop_row,
        )
    }

    /// Removes the row with primary key `id` for good, trashed or not.
    fn force_delete_by_id<'c, A, K>(db: A, id: K) -> BoxFuture<'c, Result<(), Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
        K: KeyValue,
    {
        by_id(db, Self::__def(), RowChange::ForceDelete, id.to_key())
    }

    /// How many rows are soft-deleted (0 without soft delete).
    fn count_trashed<'c, A>(db: A) -> BoxFuture<'c, Result<i64, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        Self::query().only_trashed().count(db)
    }

    /// Whether the row with primary key `id` exists and is soft-deleted.
    fn is_trashed<'c, A, K>(db: A, id: K) -> BoxFuture<'c, Result<bool, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
        K: KeyValue,
    {
        run::decode(
            run::find(db, Self::__def(), id.to_key(), Scope::OnlyTrashed),
            |row| Ok(row.is_some()),
        )
    }
}

/// A by-id change: nothing to decode.
fn by_id<'f, 'c, A>(
    db: A,
    def: &'static ModelDef,
    change: RowChange,
    id: Value,
) -> BoxFuture<'f, Result<(), Error>>
where
    A: Acquire<'c> + Send + 'f,
    A::Database: Driver,
{
    run::decode(run::change(db, def, change, Target::Id(id)), drop_row)
}

fn drop_row(_: Vec<Value>) -> Result<(), Error> {
    Ok(())
}

/// The model's fields as values.
fn values_of<M: Model, C>(model: &M) -> Vec<Value> {
    let mut values = Vec::new();
    model.__values::<C>(&mut values);
    values
}

/// One row decoded into a model.
pub(crate) fn decode_one<M: Model, C>(row: Vec<Value>) -> Result<M, Error> {
    M::__from_values::<C>(&mut Fields::values(row))
}

/// Rows decoded into models.
pub(crate) fn decode_all<M: Model, C>(rows: Rows) -> Result<Vec<M>, Error> {
    // Collected by hand: through `Result`, `collect` would not know the
    // count and would regrow (and move) the models while decoding a batch.
    let mut models = Vec::with_capacity(rows.len());
    let count = rows.len();
    let mut values = Fields::values(rows.into_values());
    for _ in 0..count {
        models.push(M::__from_values::<C>(&mut values)?);
    }
    Ok(models)
}

/// Database rows read into models, each field straight from its column.
pub(crate) fn read_all<M: Model, C: Driver>(rows: Vec<C::Row>) -> Result<Vec<M>, Error> {
    let mut models = Vec::with_capacity(rows.len());
    for row in &rows {
        models.push(read::<M, C>(row)?);
    }
    Ok(models)
}

/// An optional database row read into a model.
pub(crate) fn read_optional<M: Model, C: Driver>(row: Option<C::Row>) -> Result<Option<M>, Error> {
    row.as_ref().map(read::<M, C>).transpose()
}

/// Rows an insert stored, read into models.
fn read_stored<M: Model, C: Driver>(stored: Stored<C::Row>) -> Result<Vec<M>, Error> {
    match stored {
        Stored::Rows(rows) => read_all::<M, C>(rows),
        Stored::Values(rows) => decode_all::<M, C>(rows),
    }
}

/// The one row an insert stored, read into a model.
fn read_one<M: Model, C: Driver>(stored: Stored<C::Row>) -> Result<M, Error> {
    let count = stored.len();
    let mut models = read_stored::<M, C>(stored)?;
    match (models.pop(), count) {
        (Some(model), 1) => Ok(model),
        _ => Err(Error::Decode(format!(
            "the INSERT into `{}` returned {count} rows where one was expected",
            M::__def().type_name()
        ))),
    }
}

/// One database row (of the model's columns, in order) read into a model.
fn read<M: Model, C: Driver>(row: &C::Row) -> Result<M, Error> {
    use crate::__private::Row as _;
    M::__from_values::<C>(&mut Fields::row(row.reader()))
}
