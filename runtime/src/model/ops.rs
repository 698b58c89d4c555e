//! The row operations behind the model helpers, written once over
//! `(table metadata, values)` and generic only over the driver, so no code
//! is generated or monomorphized per model.

use super::meta::Meta;
use super::rows::Rows;
use crate::Error;
use crate::audit::compound::Returning;
use crate::audit::write::{self as audit, Action, Entry, full_row_json, row_json};
use crate::audit::{compound, inline};
use crate::dialect::Dialect;
use crate::driver::{Driver, arguments, begin, finish};
use crate::query::sql::Sql;
use crate::value::{Kind, Value};

/// Which rows of a soft-delete table a statement sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Live rows only (`deleted_at IS NULL`): the default.
    #[default]
    Live,
    /// Live and trashed rows.
    WithTrashed,
    /// Trashed rows only.
    OnlyTrashed,
}

/// ` AND "deleted_at" IS NULL` (or `IS NOT NULL`) for `scope`; ` AND 1 = 0`
/// for trashed rows of a model without soft delete.
pub fn push_scope(sql: &mut Sql, meta: &Meta, scope: Scope) {
    let Some(column) = meta.soft_delete else {
        // Without soft delete no row is ever trashed.
        if matches!(scope, Scope::OnlyTrashed) {
            sql.push(" AND 1 = 0");
        }
        return;
    };
    let test = match scope {
        Scope::Live => " IS NULL",
        Scope::OnlyTrashed => " IS NOT NULL",
        Scope::WithTrashed => return,
    };
    let name = meta.quoted(sql.dialect(), column);
    sql.push(" AND ").push(name).push(test);
}

/// `SELECT "a", "b" FROM "t"`.
pub fn select_columns(sql: &mut Sql, meta: &Meta) {
    let select = meta.select(sql.dialect());
    sql.push(select);
}

/// ` WHERE "id" = $1` (every key column).
pub fn where_key(sql: &mut Sql, meta: &Meta, key: &[Value]) {
    for (n, (&column, value)) in meta.key.iter().zip(key).enumerate() {
        let name = meta.quoted(sql.dialect(), column);
        sql.push(if n == 0 { " WHERE " } else { " AND " });
        sql.push(name).push(" = ").bind(value.clone());
    }
}

/// `FOR UPDATE` where the engine has row locks (SQLite's write
/// transaction already holds the whole database).
fn push_lock(sql: &mut Sql) {
    if sql.dialect() != Dialect::Sqlite {
        sql.push(" FOR UPDATE");
    }
}

/// The key values of a row.
pub fn key_of(meta: &Meta, values: &[Value]) -> Vec<Value> {
    meta.key.iter().map(|&i| values[i].clone()).collect()
}

/// `"id" = 5` for error messages.
pub fn key_text(meta: &Meta, key: &[Value]) -> String {
    meta.key
        .iter()
        .zip(key)
        .map(|(&i, v)| format!("{} = {}", meta.column(i), v.to_key_text()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A row's values decoded in column order.
pub fn decode_row<DB: Driver>(meta: &Meta, row: &DB::Row) -> Result<Vec<Value>, Error> {
    let mut values = Vec::with_capacity(meta.kinds.len());
    decode_row_into::<DB>(meta, row, &mut values)?;
    Ok(values)
}

/// [`decode_row`] appended to `values`.
#[inline]
fn decode_row_into<DB: Driver>(
    meta: &Meta,
    row: &DB::Row,
    values: &mut Vec<Value>,
) -> Result<(), Error> {
    values.reserve(meta.kinds.len());
    for i in 0..meta.kinds.len() {
        values.push(decode_column::<DB>(meta, row, i, i)?);
    }
    Ok(())
}

/// Result column `at` decoded as column `i` of `meta`'s table; a value
/// that does not decode names the column.
#[inline]
fn decode_column<DB: Driver>(
    meta: &Meta,
    row: &DB::Row,
    at: usize,
    i: usize,
) -> Result<Value, Error> {
    DB::decode(row, at, meta.kinds[i]).map_err(|e| match e {
        Error::Database(sqlx::Error::ColumnDecode { source, .. }) => {
            Error::Decode(format!("{}.{}: {source}", meta.name(), meta.column(i)))
        }
        other => other,
    })
}

/// The rows of a SELECT, undecoded (a model reads its fields from them).
pub async fn fetch_raw<DB: Driver>(
    conn: &mut DB::Connection,
    sql: Sql,
) -> Result<Vec<DB::Row>, Error> {
    let (text, values) = sql.finish();
    DB::fetch_all(conn, text, arguments::<DB>(values)?).await
}

/// The first row of a SELECT, undecoded.
pub async fn fetch_one_raw<DB: Driver>(
    conn: &mut DB::Connection,
    sql: Sql,
) -> Result<Option<DB::Row>, Error> {
    let (text, values) = sql.finish();
    DB::fetch_optional(conn, text, arguments::<DB>(values)?).await
}

pub async fn fetch_rows<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    sql: Sql,
) -> Result<Rows, Error> {
    let rows = fetch_raw::<DB>(conn, sql).await?;
    decode_rows::<DB>(meta, &rows)
}

/// Rows decoded in column order, into one vector.
fn decode_rows<DB: Driver>(meta: &Meta, rows: &[DB::Row]) -> Result<Rows, Error> {
    let width = meta.kinds.len();
    let mut values = Vec::with_capacity(width * rows.len());
    for row in rows {
        decode_row_into::<DB>(meta, row, &mut values)?;
    }
    Ok(Rows::from_values(width, values))
}

pub async fn fetch_one<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    sql: Sql,
) -> Result<Option<Vec<Value>>, Error> {
    let row = fetch_one_raw::<DB>(conn, sql).await?;
    row.map(|row| decode_row::<DB>(meta, &row)).transpose()
}

async fn execute<DB: Driver>(
    conn: &mut DB::Connection,
    sql: Sql,
) -> Result<crate::driver::Done, Error> {
    let (text, values) = sql.finish();
    DB::execute(conn, text, arguments::<DB>(values)?).await
}

/// The row with `key` in `scope`, locked when `lock`.
pub async fn find<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    key: &[Value],
    scope: Scope,
    lock: bool,
) -> Result<Option<Vec<Value>>, Error> {
    fetch_one::<DB>(conn, meta, find_sql(DB::DIALECT, meta, key, scope, lock)).await
}

/// [`find`] unlocked, the row undecoded (a model reads its fields from it).
pub async fn find_raw<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    key: &[Value],
    scope: Scope,
) -> Result<Option<DB::Row>, Error> {
    fetch_one_raw::<DB>(conn, find_sql(DB::DIALECT, meta, key, scope, false)).await
}

fn find_sql(dialect: Dialect, meta: &Meta, key: &[Value], scope: Scope, lock: bool) -> Sql {
    let mut sql = Sql::new(dialect);
    select_columns(&mut sql, meta);
    where_key(&mut sql, meta, key);
    push_scope(&mut sql, meta, scope);
    if lock {
        push_lock(&mut sql);
    }
    sql
}

/// Whether column `i` is left out of an INSERT of `row`: one of the
/// columns an INSERT may leave out ([`Meta::omittable`]) without a value
/// given. A generated key is not given when it is NULL or 0; a column with
/// a default, or the soft-delete column, when it is NULL. (A NULL
/// soft-delete column is what the database fills anyway: NULL marks a live
/// row, so new live rows leave it out.)
fn omitted(meta: &Meta, row: &[Value], i: usize) -> bool {
    meta.omittable.contains(&i)
        && if Some(i) == meta.auto_key {
            matches!(
                row[i],
                Value::Null(_) | Value::I64(0) | Value::I32(0) | Value::I16(0)
            )
        } else {
            row[i].is_null()
        }
}

/// Sets `created_at` (when not given: NULL, or the zero date-time a
/// chrono field's `Default` holds) and `updated_at` of new rows, all to
/// one instant (so a new row's created_at equals its updated_at).
fn stamp_new(meta: &Meta, rows: &mut Rows) {
    let now = super::meta::instant();
    let created = meta
        .created_at
        .map(|i| (i, super::meta::at(meta.kinds[i], now)));
    let updated = meta
        .updated_at
        .map(|i| (i, super::meta::at(meta.kinds[i], now)));
    for row in rows.iter_mut() {
        if let Some((i, now)) = &created
            && (row[*i].is_null() || row[*i].is_epoch())
        {
            row[*i] = now.clone();
        }
        if let Some((i, now)) = &updated {
            row[*i] = now.clone();
        }
    }
}

/// `INSERT INTO t (included) VALUES (...), (...)`: `put` writes the
/// placeholder of column `i` of a row and binds its value.
fn push_insert<R>(
    sql: &mut Sql,
    meta: &Meta,
    rows: impl ExactSizeIterator<Item = R>,
    included: &[usize],
    mut put: impl FnMut(&mut Sql, &mut R, usize) -> Result<(), Error>,
) -> Result<(), Error> {
    // `($1, $2, ...), ` is under 8 bytes a value for batches of up to a
    // few thousand rows.
    sql.reserve(0, rows.len() * included.len() * 8);
    if included.is_empty() {
        return push_insert_generated(sql, meta, rows.len());
    }
    push_insert_into(sql, meta, included);
    for (n, mut row) in rows.enumerate() {
        sql.push(if n == 0 { "(" } else { ", (" });
        for (k, &i) in included.iter().enumerate() {
            if k > 0 {
                sql.push(", ");
            }
            put(sql, &mut row, i)?;
        }
        sql.push(")");
    }
    Ok(())
}

/// Rows whose every column the database fills: a model of a generated key
/// alone (and a NULL soft-delete column). `INSERT INTO t () VALUES ()` is
/// MySQL's alone, and `DEFAULT VALUES` takes one row, so the key is named
/// and asked for: `DEFAULT` where the engine takes it in `VALUES`, NULL on
/// SQLite (where NULL in an INTEGER PRIMARY KEY is the next key).
fn push_insert_generated(sql: &mut Sql, meta: &Meta, rows: usize) -> Result<(), Error> {
    let Some(key) = meta.auto_key else {
        return Err(Error::Unsupported(format!(
            "an INSERT into `{}` with no column to give",
            meta.name()
        )));
    };
    push_insert_into(sql, meta, &[key]);
    let value = match sql.dialect() {
        Dialect::Sqlite => "(NULL)",
        _ => "(DEFAULT)",
    };
    for n in 0..rows {
        if n > 0 {
            sql.push(", ");
        }
        sql.push(value);
    }
    Ok(())
}

/// Column `i`'s value moved out of `row`.
fn take(meta: &Meta, row: &mut [Value], i: usize) -> Value {
    std::mem::replace(&mut row[i], Value::Null(meta.kinds[i]))
}

/// For [`push_insert`]: one row whose values are bound in the statement.
fn push_insert_one(
    sql: &mut Sql,
    meta: &Meta,
    row: Vec<Value>,
    included: &[usize],
) -> Result<(), Error> {
    push_insert(sql, meta, std::iter::once(row), included, |sql, row, i| {
        sql.bind(take(meta, row, i));
        Ok(())
    })
}

/// `INSERT INTO <table> (<included columns>) VALUES `.
fn push_insert_into(sql: &mut Sql, meta: &Meta, included: &[usize]) {
    let dialect = sql.dialect();
    sql.push("INSERT INTO ")
        .push(meta.quoted_name(dialect))
        .push(" (");
    for (n, &i) in included.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.push(meta.quoted(dialect, i));
    }
    sql.push(") VALUES ");
}

/// MySQL/MariaDB: inserts `rows` in one multi-row INSERT, binding their
/// values in place (the driver encodes them as they are bound).
async fn insert_kept<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    rows: &Rows,
    included: &[usize],
) -> Result<crate::driver::Done, Error> {
    let text = insert_text(DB::DIALECT, meta, included, rows.len(), false)?;
    DB::execute(conn, text, bound::<DB>(rows, included)?).await
}

/// MySQL/MariaDB: inserts `rows` (more than one) whose key `k` the
/// database generates; returns the keys, in the rows' order.
///
/// They are `LAST_INSERT_ID()` (the first row's) and the next ones
/// `auto_increment_increment` apart: 1 by default, but the cluster's size
/// on Galera, where taking them as consecutive gave the rows (and their
/// audit rows) other rows' keys. MariaDB reads both in the INSERT's own
/// round trip (a compound statement: one row back, where `RETURNING` sends
/// one per inserted row); MySQL, which has no compound statements outside
/// stored programs, in a second one.
async fn generated_keys<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    rows: &Rows,
    included: &[usize],
    k: usize,
) -> Result<Vec<Value>, Error> {
    const KEYS: &str = "SELECT CAST(LAST_INSERT_ID() AS SIGNED), CAST(@@SESSION.auto_increment_increment AS SIGNED)";
    let insert = insert_text(DB::DIALECT, meta, included, rows.len(), false)?;
    let mut answer = None;
    if compound::available() {
        let text = format!("BEGIN NOT ATOMIC {insert}; {KEYS}; END");
        match DB::fetch_optional(conn, text, bound::<DB>(rows, included)?).await {
            Ok(row) => answer = Some(row),
            // A server without compound statements ran nothing.
            Err(e) if compound::refused(&e) => {}
            Err(e) => return Err(e),
        }
    }
    let row = match answer {
        Some(row) => row,
        None => {
            DB::execute(conn, insert, bound::<DB>(rows, included)?).await?;
            DB::fetch_optional(conn, KEYS.to_string(), DB::Arguments::default()).await?
        }
    };
    let read = |at: usize| match row.as_ref().map(|row| DB::decode(row, at, Kind::I64)) {
        Some(Ok(Value::I64(n))) => Ok(n),
        Some(Err(e)) => Err(e),
        _ => Err(Error::Decode(format!(
            "the INSERT into `{}` returned no generated key",
            meta.name()
        ))),
    };
    let (first, step) = (read(0)?, read(1)?.max(1));
    Ok((0..rows.len())
        .map(|n| {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            key_value(meta, k, first.saturating_add(n.saturating_mul(step)))
        })
        .collect())
}

/// The included values of `rows`, bound in order (by reference: the rows
/// are returned as sent).
fn bound<DB: Driver>(rows: &Rows, included: &[usize]) -> Result<DB::Arguments, Error> {
    let mut args = DB::Arguments::default();
    let count = rows.len() * included.len();
    sqlx::Arguments::reserve(&mut args, count, count * 16);
    for row in rows.iter() {
        for &i in included {
            DB::bind_ref(&mut args, &row[i])?;
        }
    }
    Ok(args)
}

/// A generated key `id` as the value of key column `k`.
fn key_value(meta: &Meta, k: usize, id: i64) -> Value {
    match meta.kinds[k] {
        Kind::I32 => Value::I32(i32::try_from(id).unwrap_or(i32::MAX)),
        Kind::I16 => Value::I16(i16::try_from(id).unwrap_or(i16::MAX)),
        _ => Value::I64(id),
    }
}

/// `INSERT INTO t (included) VALUES (...), ...` for `rows` rows (and
/// `RETURNING` every column when `returning`), from the model's kept texts
/// or built and kept: the text depends only on the batch's shape.
fn insert_text(
    dialect: Dialect,
    meta: &Meta,
    included: &[usize],
    rows: usize,
    returning: bool,
) -> Result<String, Error> {
    if let Some(text) = meta.insert_text(dialect, included, rows, returning) {
        return Ok(text);
    }
    let mut sql = Sql::new(dialect);
    push_insert(
        &mut sql,
        meta,
        std::iter::repeat_n((), rows),
        included,
        |sql, _, _| {
            sql.placeholder();
            Ok(())
        },
    )?;
    if returning {
        sql.push(" RETURNING ").idents(meta.columns());
    }
    let (text, _) = sql.finish();
    meta.keep_insert_text(dialect, included, rows, returning, &text);
    Ok(text)
}

/// PostgreSQL: one audited row inserted with its audit row in a single
/// statement (data-modifying CTE), so it needs no BEGIN/COMMIT round trips
/// and is atomic on its own. The audit values are the row as sent, spelled
/// in Rust (one bound JSON object is cheaper for the server than spelling
/// each column), with the columns the database filled (generated key,
/// defaults) spelled from the inserted row.
async fn insert_audited_postgres<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    row: Vec<Value>,
) -> Result<Vec<DB::Row>, Error> {
    let included: Vec<usize> = (0..meta.kinds.len())
        .filter(|&i| !omitted(meta, &row, i))
        .collect();
    let mut sql = Sql::new(DB::DIALECT);
    sql.push("WITH ").ident("ins").push(" AS (");
    let new_values = row_json(meta, &row, included.iter().copied());
    push_insert_one(&mut sql, meta, row, &included)?;
    sql.push(" RETURNING ").idents(meta.columns());
    inline::push_create_audit(&mut sql, meta, Some((new_values, &included)));
    fetch_raw::<DB>(conn, sql).await
}

/// MariaDB: an audited single-row insert and its audit row in one compound
/// statement (see [`compound`]), the row's values sent as one JSON object
/// and the columns the database filled spelled from the stored row.
///
/// Returns the row as the unaudited insert does: as sent, with the
/// generated key, and read back as stored only when the database filled
/// columns from their defaults. So the statement sends back the generated
/// key alone (or nothing), not every column: each column of a result set
/// comes with its definition, which the client decodes on every call.
async fn insert_audited_mariadb<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    row: &[Value],
) -> Result<Rows, Error> {
    let included: Vec<usize> = (0..meta.kinds.len())
        .filter(|&i| !omitted(meta, row, i))
        .collect();
    let key = key_of(meta, row);
    let given = row_json(meta, row, included.iter().copied());
    let filled = compound::Filled::new(meta, &included, &key);
    let returning = filled.returning(meta);
    let mut sql = Sql::new(DB::DIALECT);
    compound::open_insert(&mut sql);
    // The row is returned as sent (with the generated key), so its values
    // are bound as copies.
    push_insert(
        &mut sql,
        meta,
        std::iter::once(row),
        &included,
        |sql, row, i| {
            sql.bind(row[i].clone());
            Ok(())
        },
    )?;
    match returning {
        Returning::Row => {
            sql.push(" RETURNING ").idents(meta.columns());
        }
        Returning::GeneratedKey(k) => {
            sql.push(" RETURNING ").ident(meta.column(k));
        }
        Returning::Nothing => {}
    }
    compound::push_create_audit(&mut sql, meta, given, &included, &key, filled);
    let (text, values) = sql.finish();
    let args = arguments::<DB>(values)?;
    // Every result is read (`fetch_all`, `execute`): an error the server
    // sends after the key (the audit row's) must reach the caller.
    match returning {
        Returning::Row => decode_rows::<DB>(meta, &DB::fetch_all(conn, text, args).await?),
        Returning::GeneratedKey(k) => {
            let stored = DB::fetch_all(conn, text, args).await?;
            let Some(id) = stored.first() else {
                return Err(Error::Decode(format!(
                    "the INSERT into `{}` returned no key",
                    meta.name()
                )));
            };
            let mut row = row.to_vec();
            row[k] = decode_column::<DB>(meta, id, 0, k)?;
            Ok(Rows::one(row))
        }
        Returning::Nothing => {
            DB::execute(conn, text, args).await?;
            Ok(Rows::one(row.to_vec()))
        }
    }
}

/// Inserts rows that share one set of omitted columns; returns them as stored.
async fn insert_group<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    rows: Rows,
) -> Result<Stored<DB::Row>, Error> {
    let Some(first) = rows.first() else {
        return Ok(Stored::Values(rows));
    };
    let included: Vec<usize> = (0..meta.kinds.len())
        .filter(|&i| !omitted(meta, first, i))
        .collect();
    if DB::RETURNING {
        // The rows come back from the database (the model reads them):
        // their values move straight into the driver's arguments instead of
        // being copied.
        let mut rows = rows;
        let mut args = DB::Arguments::default();
        let count = rows.len() * included.len();
        sqlx::Arguments::reserve(&mut args, count, count * 16);
        let audited = meta.table.audit && inline::applies::<DB>(meta);
        if !audited {
            let text = insert_text(DB::DIALECT, meta, &included, rows.len(), true)?;
            for row in rows.iter_mut() {
                for &i in &included {
                    DB::bind(&mut args, take(meta, row, i))?;
                }
            }
            return Ok(Stored::Rows(DB::fetch_all(conn, text, args).await?));
        }
        let mut sql = Sql::new(DB::DIALECT);
        sql.push("WITH ").ident("ins").push(" AS (");
        push_insert(&mut sql, meta, rows.iter_mut(), &included, |sql, row, i| {
            sql.placeholder();
            DB::bind(&mut args, take(meta, row, i))
        })?;
        sql.push(" RETURNING ").idents(meta.columns());
        inline::push_create_audit(&mut sql, meta, None);
        let (text, values) = sql.finish();
        for value in values {
            DB::bind(&mut args, value)?;
        }
        return Ok(Stored::Rows(DB::fetch_all(conn, text, args).await?));
    }
    // MySQL/MariaDB: the rows are returned as sent, so their values are
    // bound in place, with the keys the database generated; columns filled
    // by defaults are read back.
    let generated = meta.auto_key.filter(|k| !included.contains(k));
    let mut rows = rows;
    match generated {
        Some(k) if rows.len() > 1 => {
            let ids = generated_keys::<DB>(conn, meta, &rows, &included, k).await?;
            for (row, id) in rows.iter_mut().zip(ids) {
                row[k] = id;
            }
        }
        _ => {
            let done = insert_kept::<DB>(conn, meta, &rows, &included).await?;
            if let (Some(k), Some(id)) = (generated, done.last_insert_id)
                && let Some(row) = rows.iter_mut().next()
            {
                row[k] = key_value(meta, k, id);
            }
        }
    }
    // Omitted columns other than the key and a NULL soft-delete column
    // took database defaults the rows do not know.
    let defaulted = (0..meta.kinds.len())
        .any(|i| !included.contains(&i) && Some(i) != meta.auto_key && Some(i) != meta.soft_delete);
    if defaulted {
        let mut stored = Rows::with_capacity(meta.kinds.len(), rows.len());
        for row in rows.iter() {
            let key = key_of(meta, row);
            match find::<DB>(conn, meta, &key, Scope::WithTrashed, false).await? {
                Some(values) => stored.push(values),
                None => stored.push(row.iter().cloned()),
            }
        }
        return Ok(Stored::Values(stored));
    }
    Ok(Stored::Values(rows))
}

/// Rows as an insert stored them: read back from the database (the model
/// reads its fields from them), or as values.
pub enum Stored<R> {
    Rows(Vec<R>),
    Values(Rows),
}

impl<R> Stored<R> {
    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            Stored::Rows(rows) => rows.len(),
            Stored::Values(rows) => rows.len(),
        }
    }

    /// The rows as values (for the audit rows written from them).
    fn into_values<DB: Driver<Row = R>>(self, meta: &Meta) -> Result<Rows, Error> {
        match self {
            Stored::Rows(rows) => decode_rows::<DB>(meta, &rows),
            Stored::Values(rows) => Ok(rows),
        }
    }
}

/// How many values a statement over rows may bind besides them: a query's
/// filters, an audited change's marker and audit values.
pub(crate) const BESIDES_ROWS: usize = 64;

/// The most rows one INSERT of `meta`'s table can carry: each binds up to
/// one value per column, and an engine takes at most so many placeholders
/// in a statement (SQLite 32 766, PostgreSQL and MySQL 65 535), less a few
/// an audited statement binds besides the rows ([`BESIDES_ROWS`]).
fn rows_per_statement(dialect: Dialect, meta: &Meta) -> usize {
    ((dialect.max_parameters() - BESIDES_ROWS) / meta.kinds.len().max(1)).max(1)
}

/// Inserts rows in batches of `batch`, grouped by omitted columns, all in
/// one transaction when there is more than one statement or an audit row.
pub async fn insert<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    rows: Rows,
    batch: usize,
) -> Result<Stored<DB::Row>, Error> {
    let mut rows = rows;
    stamp_new(meta, &mut rows);
    for row in rows.iter_mut() {
        meta.fit(row)?;
    }
    let batch = batch.clamp(1, rows_per_statement(DB::DIALECT, meta));
    // PostgreSQL writes the audit rows in the INSERT's own statement: for
    // one row, with the values as sent; for a batch of a model without JSON
    // columns, spelled from the stored rows (see `insert_group`).
    let inline_audit = meta.table.audit && inline::applies::<DB>(meta);
    if DB::DIALECT == Dialect::Postgres && meta.table.audit && rows.len() == 1 {
        let Some(row) = rows.into_one() else {
            return Ok(Stored::Values(Rows::default()));
        };
        return insert_audited_postgres::<DB>(conn, meta, row)
            .await
            .map(Stored::Rows);
    }
    if DB::DIALECT == Dialect::MySql
        && meta.table.audit
        && rows.len() == 1
        && inline::change_applies::<DB>(conn, meta)
        && let Some(row) = rows.first()
    {
        match insert_audited_mariadb::<DB>(conn, meta, row).await {
            Err(e) if compound::refused(&e) => {}
            stored => return stored.map(Stored::Values),
        }
    }
    // One statement is atomic on its own: no BEGIN/COMMIT round trips (and
    // no audit rows of its own to write, so it is the one group).
    let fits = DB::DIALECT
        .statement_bytes()
        .is_none_or(|max| rows.iter().map(row_bytes).sum::<usize>() <= max);
    if rows.len() <= batch && fits && (!meta.table.audit || inline_audit) && one_group(meta, &rows)
    {
        return insert_group::<DB>(conn, meta, rows).await;
    }
    let mut tx = begin::<DB>(conn).await?;
    let stored = insert_chunks::<DB>(&mut tx, meta, rows, batch).await;
    finish(tx, stored).await.map(Stored::Values)
}

/// About how many bytes `row`'s values take in a statement.
fn row_bytes(row: &[Value]) -> usize {
    row.iter().map(Value::wire_bytes).sum()
}

/// Whether every row leaves out the same columns (and so goes in one
/// statement).
fn one_group(meta: &Meta, rows: &Rows) -> bool {
    let mut rows = rows.iter();
    rows.next()
        .is_none_or(|first| rows.all(|row| same_omitted(meta, first, row)))
}

fn same_omitted(meta: &Meta, a: &[Value], b: &[Value]) -> bool {
    meta.omittable
        .iter()
        .all(|&i| omitted(meta, a, i) == omitted(meta, b, i))
}

async fn insert_chunks<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    rows: Rows,
    batch: usize,
) -> Result<Rows, Error> {
    // Rows keep their order; consecutive rows of one chunk with the same
    // omitted columns go in one statement. The statements' sizes first,
    // then the rows moved into them.
    let mut groups: Vec<(usize, bool)> = Vec::new(); // (rows, ends a chunk)
    let mut previous: Option<&[Value]> = None;
    // A chunk ends after `batch` rows, or where the engine limits a
    // statement's size, before the row that would pass the limit.
    let max_bytes = DB::DIALECT.statement_bytes();
    let (mut in_chunk, mut chunk_bytes) = (0, 0);
    for row in rows.iter() {
        let bytes = if max_bytes.is_some() {
            row_bytes(row)
        } else {
            0
        };
        let chunk_start = in_chunk == 0
            || in_chunk == batch
            || max_bytes.is_some_and(|max| chunk_bytes + bytes > max);
        if chunk_start {
            (in_chunk, chunk_bytes) = (0, 0);
        }
        in_chunk += 1;
        chunk_bytes += bytes;
        let same = !chunk_start && previous.is_some_and(|p| same_omitted(meta, p, row));
        previous = Some(row);
        match groups.last_mut() {
            Some((count, _)) if same => *count += 1,
            _ => {
                if let Some(last) = groups.last_mut() {
                    last.1 = chunk_start;
                }
                groups.push((1, false));
            }
        }
    }
    if let Some(last) = groups.last_mut() {
        last.1 = true;
    }
    let width = rows.width();
    let total = rows.len();
    let mut stored = Rows::with_capacity(width, total);
    let mut values = rows.into_values().into_iter();
    // `batch` may be any size a caller passes, up to `usize::MAX`.
    let mut inserted = Rows::with_capacity(width, batch.min(total));
    for (count, ends_chunk) in groups {
        let group = Rows::take_front(&mut values, width, count);
        let group = insert_group::<DB>(conn, meta, group).await?;
        inserted.append(group.into_values::<DB>(meta)?);
        if !ends_chunk {
            continue;
        }
        if meta.table.audit && !inline::applies::<DB>(meta) {
            let entries = inserted
                .iter()
                .map(|row| {
                    Entry::new(meta, row, Action::Create).new_values(full_row_json(meta, row))
                })
                .collect();
            audit::write::<DB>(conn, entries).await?;
        }
        stored.append(std::mem::take(&mut inserted));
    }
    Ok(stored)
}

/// Columns an UPDATE of a whole row sets: all but the key, `created_at`
/// and the soft-delete column.
fn settable(meta: &Meta) -> impl Iterator<Item = usize> + '_ {
    (0..meta.kinds.len()).filter(|&i| {
        !meta.key.contains(&i) && Some(i) != meta.created_at && Some(i) != meta.soft_delete
    })
}

/// Writes every settable column of a live row; returns the row as written.
pub async fn update<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    row: Vec<Value>,
) -> Result<Vec<Value>, Error> {
    if settable(meta).next().is_none() {
        // No SET list to write (and an audited change without one would
        // read as a DELETE).
        return Err(Error::Unsupported(format!(
            "`{}` has no column an update can set: every column is part of the primary key, \
             `created_at` or the soft-delete column; insert or delete rows instead",
            meta.name()
        )));
    }
    let mut row = row;
    if let Some(i) = meta.updated_at {
        row[i] = meta.now(i);
    }
    meta.fit(&mut row)?;
    let key = key_of(meta, &row);
    // The UPDATE of the live row with `key`, when no old values are needed.
    let plain = |row: &[Value]| {
        let mut sql = Sql::new(DB::DIALECT);
        push_update_set(&mut sql, meta, row);
        where_key(&mut sql, meta, &key);
        push_scope(&mut sql, meta, Scope::Live);
        sql
    };
    if !meta.table.audit {
        let done = execute::<DB>(conn, plain(&row)).await?;
        return found(meta, &key, done.rows_affected).map(|()| row);
    }
    let audited: Vec<usize> = settable(meta)
        .filter(|&i| Some(i) != meta.updated_at)
        .collect();
    if inline::change_applies::<DB>(conn, meta) {
        let change = inline::Change {
            action: Action::Update,
            key: &key,
            scope: Scope::Live,
            set: settable(meta).map(|i| (i, row[i].clone())).collect(),
            new: Some(row_json(meta, &row, audited.iter().copied())),
            old: audited.clone(),
            changed_only: true,
        };
        if let Some(found) = inline::run::<DB>(conn, meta, change).await? {
            return found.then_some(row).ok_or_else(|| not_found(meta, &key));
        }
    }
    let mut tx = begin::<DB>(conn).await?;
    let result = async {
        let old = if DB::DIALECT == Dialect::Postgres {
            // One statement locks the row, changes it and returns what it held.
            let mut sql = Sql::new(DB::DIALECT);
            push_update_set(&mut sql, meta, &row);
            sql.push(" FROM (");
            select_columns(&mut sql, meta);
            where_key(&mut sql, meta, &key);
            push_scope(&mut sql, meta, Scope::Live);
            sql.push(" FOR UPDATE) AS ").ident("old");
            for (n, &k) in meta.key.iter().enumerate() {
                sql.push(if n == 0 { " WHERE " } else { " AND " });
                sql.ident(meta.name()).push(".").ident(meta.column(k));
                sql.push(" = ").ident("old").push(".").ident(meta.column(k));
            }
            sql.push(" RETURNING ");
            for (n, column) in meta.columns().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.ident("old").push(".").ident(column);
            }
            fetch_one::<DB>(&mut tx, meta, sql).await?
        } else {
            let old = find::<DB>(&mut tx, meta, &key, Scope::Live, true).await?;
            if old.is_some() {
                execute::<DB>(&mut tx, plain(&row)).await?;
            }
            old
        };
        let Some(old) = old else {
            return Err(not_found(meta, &key));
        };
        let changed: Vec<usize> = audited.into_iter().filter(|&i| old[i] != row[i]).collect();
        if !changed.is_empty() {
            let entry = Entry::new(meta, &row, Action::Update)
                .old(row_json(meta, &old, changed.iter().copied()))
                .new_values(row_json(meta, &row, changed.iter().copied()));
            audit::write::<DB>(&mut tx, vec![entry]).await?;
        }
        Ok(())
    }
    .await;
    finish(tx, result).await.map(|()| row)
}

/// `UPDATE t SET c = ?, ...` for every settable column of `row`.
fn push_update_set(sql: &mut Sql, meta: &Meta, row: &[Value]) {
    push_set(sql, meta, settable(meta).map(|i| (i, &row[i])));
}

/// `UPDATE t SET a = ?, ...`: the columns `set` lists, with their values.
pub fn push_set<'v>(sql: &mut Sql, meta: &Meta, set: impl IntoIterator<Item = (usize, &'v Value)>) {
    let dialect = sql.dialect();
    sql.push("UPDATE ")
        .push(meta.quoted_name(dialect))
        .push(" SET ");
    for (n, (i, value)) in set.into_iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.push(meta.quoted(dialect, i))
            .push(" = ")
            .bind(value.clone());
    }
}

/// PostgreSQL: a bulk change of exactly the rows it reads and locks,
/// which it returns as they were, for their audit rows:
/// `WITH "_dbgen_old" AS (SELECT … WHERE … FOR UPDATE), "_dbgen_changed" AS
/// (UPDATE t SET … FROM "_dbgen_old" WHERE t.k = "_dbgen_old".k) SELECT *
/// FROM "_dbgen_old"`, or `DELETE FROM t USING …` when `set` is `None`.
///
/// A read followed by a change in a second statement would, under READ
/// COMMITTED, also change the rows other writers commit in between, and
/// those would have no audit row. `None` when the table has no key to
/// join on.
pub fn locked_change(
    meta: &Meta,
    filter: impl FnOnce(&mut Sql),
    set: Option<&[(usize, Value)]>,
) -> Option<Sql> {
    const OLD: &str = "\"_dbgen_old\"";
    if meta.key.is_empty() {
        return None;
    }
    let dialect = Dialect::Postgres;
    let mut sql = Sql::new(dialect);
    sql.push("WITH ").push(OLD).push(" AS (");
    select_columns(&mut sql, meta);
    filter(&mut sql);
    sql.push(" FOR UPDATE), \"_dbgen_changed\" AS (");
    match set {
        Some(set) => {
            push_set(&mut sql, meta, set.iter().map(|(i, value)| (*i, value)));
            sql.push(" FROM ");
        }
        None => {
            sql.push("DELETE FROM ")
                .push(meta.quoted_name(dialect))
                .push(" USING ");
        }
    }
    sql.push(OLD);
    for (n, &k) in meta.key.iter().enumerate() {
        let column = meta.quoted(dialect, k);
        sql.push(if n == 0 { " WHERE " } else { " AND " })
            .push(meta.quoted_name(dialect))
            .push(".")
            .push(column)
            .push(" = ")
            .push(OLD)
            .push(".")
            .push(column);
    }
    sql.push(") SELECT * FROM ").push(OLD);
    Some(sql)
}

/// Rows a keyed bulk change names per statement: few enough placeholders
/// for every engine (SQLite allows 32 766 a statement, MySQL 65 535).
const KEYS_PER_STATEMENT: usize = 1000;

/// Changes exactly the rows `old` (read and locked by the caller, for their
/// audit rows) with `head` (`UPDATE t SET …` or `DELETE FROM t`) and
/// ` WHERE <key> IN (…)`, in statements of at most [`KEYS_PER_STATEMENT`]
/// rows; returns how many rows changed.
///
/// Repeating the read's condition instead would, under READ COMMITTED, also
/// change rows other writers commit between the read and the change, which
/// would have no audit row. (PostgreSQL does both in one statement:
/// [`locked_change`].)
pub async fn change_rows<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    head: impl Fn(&mut Sql),
    old: &Rows,
) -> Result<u64, Error> {
    let dialect = DB::DIALECT;
    let key = &meta.key;
    if key.is_empty() {
        return Err(Error::Unsupported(format!(
            "`{}` has no primary key, so a bulk change cannot name the rows it read",
            meta.name()
        )));
    }
    let mut changed = 0;
    let rows: Vec<&[Value]> = old.iter().collect();
    for chunk in rows.chunks(KEYS_PER_STATEMENT) {
        let mut sql = Sql::new(dialect);
        sql.reserve(chunk.len() * key.len(), 32 + chunk.len() * 8);
        head(&mut sql);
        sql.push(" WHERE ");
        let tuple = key.len() > 1;
        if tuple {
            sql.push("(");
        }
        for (n, &k) in key.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.push(meta.quoted(dialect, k));
        }
        sql.push(if tuple { ") IN (" } else { " IN (" });
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push(", ");
            }
            if tuple {
                sql.push("(");
            }
            for (n, &k) in key.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.bind(row[k].clone());
            }
            if tuple {
                sql.push(")");
            }
        }
        sql.push(")");
        let (text, values) = sql.finish();
        changed += DB::execute(conn, text, arguments::<DB>(values)?)
            .await?
            .rows_affected;
    }
    Ok(changed)
}

pub fn not_found(meta: &Meta, key: &[Value]) -> Error {
    Error::NotFound {
        table: meta.name().to_string(),
        key: key_text(meta, key),
    }
}

fn found(meta: &Meta, key: &[Value], rows: u64) -> Result<(), Error> {
    if rows == 0 {
        Err(not_found(meta, key))
    } else {
        Ok(())
    }
}

/// `COUNT(*)` of the rows matching `sql`'s WHERE (built by the caller).
pub async fn count<DB: Driver>(conn: &mut DB::Connection, sql: Sql) -> Result<i64, Error> {
    let (text, values) = sql.finish();
    let row = DB::fetch_optional(conn, text, arguments::<DB>(values)?).await?;
    match row.map(|row| DB::decode(&row, 0, Kind::I64)).transpose()? {
        Some(Value::I64(n)) => Ok(n),
        _ => Ok(0),
    }
}
