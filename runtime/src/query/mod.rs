//! `Model::query()`: reads, counts and bulk changes with the soft-delete
//! scope applied, filters as SQL fragments with one bound value each.

pub mod sql;

use std::marker::PhantomData;

use sqlx::Acquire;

use crate::audit::write::{self as audit, Action, Entry, full_row_json, row_json};
use crate::dialect::Dialect;
use crate::driver::{BoxFuture, Driver, arguments, begin, finish};
use crate::model::Model;
use crate::model::meta::Meta;
use crate::model::ops::{self, Scope, push_scope, select_columns};
use crate::model::rows::Rows;
use crate::model::run;
use crate::model::{read_all, read_optional};
use crate::registry::ModelDef;
use crate::value::{KeyValue, Kind, Value};
use crate::{Error, Order};
use sql::Sql;

/// A query over one model's table. Starts with live rows only.
///
/// The model type only picks the table and decodes the rows: building and
/// running the statement is model-independent code, compiled
/// once per database rather than once per model.
#[derive(Debug)]
pub struct Query<M> {
    spec: Spec,
    model: PhantomData<fn() -> M>,
}

/// What a query selects, independent of the model type.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spec {
    scope: Scope,
    filters: Vec<(String, Option<Value>)>,
    /// `column IN (values)` conditions.
    lists: Vec<(String, Vec<Value>)>,
    order: Vec<(String, Order)>,
    limit: Option<i64>,
    offset: Option<i64>,
}

impl<M> Clone for Query<M> {
    fn clone(&self) -> Self {
        Query {
            spec: self.spec.clone(),
            model: PhantomData,
        }
    }
}

impl<M: Model> Default for Query<M> {
    fn default() -> Self {
        Query {
            spec: Spec::default(),
            model: PhantomData,
        }
    }
}

impl<M: Model> Query<M> {
    /// Live and soft-deleted rows.
    pub fn with_trashed(mut self) -> Self {
        self.spec.scope = Scope::WithTrashed;
        self
    }

    /// Soft-deleted rows only.
    pub fn only_trashed(mut self) -> Self {
        self.spec.scope = Scope::OnlyTrashed;
        self
    }

    /// `AND (<fragment> <placeholder>)`: `filter("status = ", "active")`.
    /// The fragment is SQL written by the caller and must not contain
    /// values; the value is always bound. Each fragment is its own
    /// parenthesized condition, so an `OR` in it stays inside it.
    pub fn filter(mut self, fragment: impl Into<String>, value: impl KeyValue) -> Self {
        self.spec
            .filters
            .push((fragment.into(), Some(value.into_key())));
        self
    }

    /// `AND (<column> IN (<values>))`, each value bound:
    /// `filter_in("status", ["active", "paused"])`, as GORM's
    /// `Where("status IN ?", list)`. The column is quoted and must be a
    /// column of the table; an empty list matches no row.
    pub fn filter_in<V: KeyValue>(
        mut self,
        column: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.spec.lists.push((
            column.into(),
            values.into_iter().map(KeyValue::into_key).collect(),
        ));
        self
    }

    /// `AND (<condition>)` with no value: `where_sql("archived_at IS NULL")`.
    pub fn where_sql(mut self, condition: impl Into<String>) -> Self {
        self.spec.filters.push((condition.into(), None));
        self
    }

    /// Orders by a column (quoted; must be a column of the table).
    pub fn order_by(mut self, column: impl Into<String>, order: Order) -> Self {
        self.spec.order.push((column.into(), order));
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: i64) -> Self {
        self.spec.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: i64) -> Self {
        self.spec.offset = Some(n);
        self
    }

    /// Every matching row.
    pub fn fetch_all<'c, A>(self, db: A) -> BoxFuture<'c, Result<Vec<M>, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        run::decode(
            self.spec.fetch_with(db, M::__def()),
            read_all::<M, A::Database>,
        )
    }

    pub(crate) async fn fetch_all_on<DB: Driver>(
        self,
        conn: &mut DB::Connection,
    ) -> Result<Vec<M>, Error> {
        let meta = M::__meta()?;
        let rows = self.spec.fetch::<DB>(conn, meta).await?;
        read_all::<M, DB>(rows)
    }

    /// The first matching row, if any.
    pub fn fetch_optional<'c, A>(self, db: A) -> BoxFuture<'c, Result<Option<M>, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        run::decode(
            self.limit(1).spec.first_with(db, M::__def()),
            read_optional::<M, A::Database>,
        )
    }

    /// How many rows match (limit and offset ignored).
    pub fn count<'c, A>(self, db: A) -> BoxFuture<'c, Result<i64, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        let def = M::__def();
        let spec = self.spec;
        Box::pin(async move {
            let meta = def.meta()?;
            let mut conn = db.acquire().await?;
            spec.count::<A::Database>(&mut conn, meta).await
        })
    }

    pub(crate) async fn count_on<DB: Driver>(
        self,
        conn: &mut DB::Connection,
    ) -> Result<i64, Error> {
        let meta = M::__meta()?;
        self.spec.count::<DB>(conn, meta).await
    }

    /// Deletes every matching row (limit, offset and order do not apply),
    /// writing one audit row per row in one statement. Returns how many.
    ///
    /// On a model with soft delete this is a soft delete, which changes
    /// live rows only, whatever the scope: a trashed row keeps the time it
    /// was deleted. `only_trashed().delete()` is an error
    /// ([`Error::Unsupported`]) that says to force-delete instead.
    pub fn delete<'c, A>(self, db: A) -> BoxFuture<'c, Result<u64, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        let def = M::__def();
        let spec = self.spec;
        Box::pin(async move {
            let meta = def.meta()?;
            let mut conn = db.acquire().await?;
            spec.delete::<A::Database>(&mut conn, meta).await
        })
    }
}

impl Spec {
    /// The columns of `filter_in` are the table's; the fragments are
    /// checked as [`Spec::check_fragments`] says.
    fn check_filters(&self, meta: &Meta, dialect: Dialect) -> Result<(), Error> {
        for (column, _) in &self.lists {
            known_column(meta, column, "filter_in")?;
        }
        // A list past the engine's parameter limit fails there with each
        // engine's own words (PostgreSQL's driver, MySQL and SQLite all
        // differ, and SQLite's limit is half the others'): one error here
        // that names the lists.
        let listed: usize = self.lists.iter().map(|(_, values)| values.len()).sum();
        let limit = dialect.max_parameters() - ops::BESIDES_ROWS;
        if listed + self.filters.len() > limit {
            let columns: Vec<String> = self
                .lists
                .iter()
                .map(|(column, values)| format!("`{column}` ({} values)", values.len()))
                .collect();
            return Err(Error::Bind(format!(
                "filter_in on {} binds more values than one statement takes on {dialect} (at most {limit} here); split the list and run one query per part",
                columns.join(", ")
            )));
        }
        self.check_kinds(meta)?;
        self.check_fragments()
    }

    /// A value compared with a column of another type (`filter("id = ",
    /// "5")` on an integer column, `filter_in("id", ["5"])`): SQLite
    /// compares the two, PostgreSQL refuses the statement (`bigint =
    /// text`). Refused here on every engine, naming the column. Only
    /// fragments that are a column and a comparison are read; any other
    /// SQL is the caller's.
    fn check_kinds(&self, meta: &Meta) -> Result<(), Error> {
        let kind_of = |name: &str| kind_of(meta, name);
        let compared = self.filters.iter().filter_map(|(fragment, value)| {
            let (column, like) = compared_column(fragment)?;
            let values = std::slice::from_ref(value.as_ref()?);
            Some((fragment.as_str(), column, like, values))
        });
        let listed = self
            .lists
            .iter()
            .map(|(column, values)| (column.as_str(), column.as_str(), false, values.as_slice()));
        for (written, column, like, values) in compared.chain(listed) {
            let Some(kind) = kind_of(column) else {
                // A Rust field's name where its column is named otherwise:
                // the engine would say only that the column does not exist.
                if meta.table.columns.iter().any(|c| c.field() == column) {
                    known_column(meta, column, "filter")?;
                }
                continue;
            };
            // PostgreSQL has LIKE for text only (`bigint ~~ text`).
            if like && kind != Kind::String {
                return Err(Error::Bind(format!(
                    "the filter `{written}` matches column `{column}`, a {} column, with LIKE, which PostgreSQL has for text only (SQLite and MySQL turn the column into text); compare it with `=`, `<` or `>`",
                    kind.name()
                )));
            }
            if let Some(given) = values
                .iter()
                .filter_map(Value::kind)
                .find(|&given| !kind.compares(given))
            {
                return Err(Error::Bind(format!(
                    "the filter on `{written}` compares column `{column}`, a {} column, with {}; pass a value of its field's type (SQLite compares the two, PostgreSQL refuses them)",
                    kind.name(),
                    given.name()
                )));
            }
        }
        Ok(())
    }

    /// A filter whose fragment ends in its own placeholder (`"status = ?"`,
    /// as GORM's `Where` takes it) would get a second one after it: the
    /// engine's error would name neither. Refused here with what to write.
    /// A `?` after a name is kept: it is PostgreSQL's JSONB key operator
    /// (`data ? $1`).
    fn check_fragments(&self) -> Result<(), Error> {
        for (fragment, value) in &self.filters {
            match (value, split_operator(fragment)) {
                // `x IS $1`: SQLite's IS takes any value; PostgreSQL and
                // MySQL take only NULL, TRUE or FALSE written out (a syntax
                // error).
                (Some(_), Some((column, Operator::Is))) => {
                    return Err(Error::Bind(format!(
                        "the filter `{fragment}` binds a value after IS, which PostgreSQL and MySQL refuse (SQLite takes it); write `where_sql(\"{column} IS NULL\")` (or IS NOT NULL), or compare with `=`"
                    )));
                }
                // `x = NULL` is never true: a `None` compared this way
                // matched no row, silently.
                (Some(Value::Null(_)), Some((column, Operator::Compare))) => {
                    return Err(Error::Bind(format!(
                        "the filter `{fragment}` compares with NULL (a `None`), which no row equals; for rows without a value write `where_sql(\"{column} IS NULL\")`, or `IS NOT NULL` for rows with one"
                    )));
                }
                _ => {}
            }
            let Some(before) = fragment.trim_end().strip_suffix('?') else {
                continue;
            };
            let before = before.trim_end().to_ascii_uppercase();
            let operator = ["=", "<", ">", "(", ",", "LIKE", "IN", "IS"]
                .iter()
                .any(|op| before.ends_with(op));
            if value.is_some() && operator {
                return Err(Error::Bind(format!(
                    "the filter `{fragment}` writes its own placeholder; leave it out (`filter(\"{} \", value)`): dbgen binds the value after the fragment, as the engine numbers it",
                    fragment.trim_end().trim_end_matches('?').trim_end()
                )));
            }
        }
        Ok(())
    }

    fn push_where(&self, sql: &mut Sql, meta: &Meta) {
        sql.push(" WHERE 1 = 1");
        push_scope(sql, meta, self.scope);
        // Each fragment in parentheses, as GORM groups its conditions: a
        // top-level `OR` in one must not escape the scope or the other
        // filters (`a = 1 OR b = ?` would otherwise read trashed rows).
        for (fragment, value) in &self.filters {
            sql.push(" AND (").push(fragment);
            if let Some(value) = value {
                let column = compared_column(fragment).and_then(|(c, _)| kind_of(meta, c));
                sql.bind(as_column(column, value));
            }
            sql.push(")");
        }
        for (column, values) in &self.lists {
            if values.is_empty() {
                sql.push(" AND (1 = 0)");
                continue;
            }
            let kind = kind_of(meta, column);
            sql.push(" AND (").ident(column).push(" IN (");
            for (n, value) in values.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.bind(as_column(kind, value));
            }
            sql.push("))");
        }
    }

    fn select(&self, meta: &Meta, dialect: Dialect) -> Result<Sql, Error> {
        self.check_filters(meta, dialect)?;
        let mut sql = Sql::new(dialect);
        // The column list, the scope and a filter or two, without regrowing.
        sql.reserve(2, meta.select(dialect).len() + 96);
        select_columns(&mut sql, meta);
        self.push_where(&mut sql, meta);
        for (n, (column, order)) in self.order.iter().enumerate() {
            known_column(meta, column, "order_by")?;
            sql.push(if n == 0 { " ORDER BY " } else { ", " })
                .ident(column);
            sql.push(match order {
                Order::Asc => " ASC",
                Order::Desc => " DESC",
            });
        }
        for (what, n) in [("limit", self.limit), ("offset", self.offset)] {
            if let Some(n) = n.filter(|&n| n < 0) {
                // Engines disagree on a negative LIMIT (an error, or no
                // limit at all): refused the same way everywhere.
                return Err(Error::Bind(format!(
                    "the query's {what} is {n}; it must be 0 or more"
                )));
            }
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

    /// The first row, acquiring a connection from `db`; stops at that row
    /// (no further step to see the end of the result).
    fn first_with<'c, A>(
        self,
        db: A,
        def: &'static ModelDef,
    ) -> BoxFuture<'c, Result<Option<<A::Database as sqlx::Database>::Row>, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        Box::pin(async move {
            let meta = def.meta()?;
            let sql = self.select(meta, <A::Database as Driver>::DIALECT)?;
            let mut conn = db.acquire().await?;
            ops::fetch_one_raw::<A::Database>(&mut conn, sql).await
        })
    }

    /// The rows, acquiring a connection from `db`.
    fn fetch_with<'c, A>(
        self,
        db: A,
        def: &'static ModelDef,
    ) -> BoxFuture<'c, Result<Vec<<A::Database as sqlx::Database>::Row>, Error>>
    where
        A: Acquire<'c> + Send + 'c,
        A::Database: Driver,
    {
        Box::pin(async move {
            let meta = def.meta()?;
            let mut conn = db.acquire().await?;
            self.fetch::<A::Database>(&mut conn, meta).await
        })
    }

    /// The rows, undecoded: the model reads its fields from them.
    async fn fetch<DB: Driver>(
        &self,
        conn: &mut DB::Connection,
        meta: &Meta,
    ) -> Result<Vec<DB::Row>, Error> {
        let sql = self.select(meta, DB::DIALECT)?;
        ops::fetch_raw::<DB>(conn, sql).await
    }

    async fn count<DB: Driver>(
        &self,
        conn: &mut DB::Connection,
        meta: &Meta,
    ) -> Result<i64, Error> {
        self.check_filters(meta, DB::DIALECT)?;
        let mut sql = Sql::new(DB::DIALECT);
        sql.push("SELECT COUNT(*) FROM ").ident(meta.name());
        self.push_where(&mut sql, meta);
        ops::count::<DB>(conn, sql).await
    }

    async fn delete<DB: Driver>(
        self,
        conn: &mut DB::Connection,
        meta: &Meta,
    ) -> Result<u64, Error> {
        self.check_filters(meta, DB::DIALECT)?;
        let dialect = DB::DIALECT;
        // A soft delete leaves trashed rows as they are (their deletion
        // time, and no second DELETE in the log).
        let this = match (meta.soft_delete, self.scope) {
            (Some(_), Scope::OnlyTrashed) => {
                return Err(Error::Unsupported(format!(
                    "a soft delete of the trashed rows of `{}` changes nothing; remove them for good with force_delete or force_delete_by_id",
                    meta.name()
                )));
            }
            (Some(_), _) => Spec {
                scope: Scope::Live,
                ..self
            },
            (None, _) => self,
        };
        let mut set = Vec::new();
        if let Some(soft) = meta.soft_delete {
            set.push((soft, meta.now(soft)));
            if let Some(i) = meta.updated_at {
                set.push((i, meta.now(i)));
            }
        }
        // `UPDATE t SET <marker> = now, …` (soft) or `DELETE FROM t`.
        let head = |sql: &mut Sql| match meta.soft_delete {
            Some(_) => ops::push_set(sql, meta, set.iter().map(|(i, value)| (*i, value))),
            None => {
                sql.push("DELETE FROM ").ident(meta.name());
            }
        };
        if !meta.table.audit {
            let mut change = Sql::new(dialect);
            head(&mut change);
            this.push_where(&mut change, meta);
            let (text, values) = change.finish();
            let done = DB::execute(conn, text, arguments::<DB>(values)?).await?;
            return Ok(done.rows_affected);
        }
        let mut tx = begin::<DB>(conn).await?;
        let result = async {
            let soft = meta.soft_delete.map(|_| set.as_slice());
            let locked = (dialect == Dialect::Postgres)
                .then(|| ops::locked_change(meta, |sql| this.push_where(sql, meta), soft))
                .flatten();
            let (old, changed) = match locked {
                Some(locked) => {
                    let old = fetch_values::<DB>(&mut tx, meta, locked).await?;
                    let changed = old.len() as u64;
                    (old, changed)
                }
                None => {
                    let all = Spec {
                        order: Vec::new(),
                        limit: None,
                        offset: None,
                        ..this
                    };
                    let mut select = all.select(meta, dialect)?;
                    if dialect != Dialect::Sqlite {
                        select.push(" FOR UPDATE");
                    }
                    let old = fetch_values::<DB>(&mut tx, meta, select).await?;
                    let changed = ops::change_rows::<DB>(&mut tx, meta, head, &old).await?;
                    (old, changed)
                }
            };
            audit::write::<DB>(&mut tx, entries(meta, &old, &set)).await?;
            Ok(changed)
        }
        .await;
        finish(tx, result).await
    }
}

/// How a filter's fragment ends, before the bound value.
#[derive(Clone, Copy)]
enum Operator {
    /// `=`, `<>`, `!=`, `<`, `>`, `<=`, `>=`.
    Compare,
    /// `LIKE` or `NOT LIKE`.
    Like,
    /// `IS` or `IS NOT`.
    Is,
}

/// What a fragment holds before its trailing operator (`"status"` of
/// `"status = "`), and the operator, when it ends in one of [`Operator`]'s.
fn split_operator(fragment: &str) -> Option<(&str, Operator)> {
    let text = fragment.trim_end();
    let upper = text.to_ascii_uppercase();
    let ends = |word: &str| {
        upper
            .ends_with(word)
            .then(|| text[..text.len() - word.len()].trim_end())
    };
    // `IS NOT`, `NOT LIKE`: the NOT belongs to the operator.
    if let Some(head) = ends(" IS NOT").or_else(|| ends(" IS")) {
        return Some((head, Operator::Is));
    }
    if let Some(head) = ends(" NOT LIKE").or_else(|| ends(" LIKE")) {
        return Some((head, Operator::Like));
    }
    ["<=", ">=", "<>", "!=", "=", "<", ">"]
        .iter()
        .find_map(|op| ends(op))
        .map(|head| (head, Operator::Compare))
}

/// A column name without its quotes (`"price"`, `` `price` ``, `[price]`).
fn unquoted(name: &str) -> &str {
    let name = name.trim();
    [('"', '"'), ('`', '`'), ('[', ']')]
        .iter()
        .find_map(|&(open, close)| name.strip_prefix(open)?.strip_suffix(close))
        .unwrap_or(name)
}

/// Refuses `column` unless it is a column of the table, naming the column
/// the caller may have meant: a Rust field named unlike its column, or the
/// name in another case. `method` takes column names.
/// The column a filter's fragment compares its value with (`"status = "`,
/// `"\"sku\" LIKE "`), and whether with `LIKE`; `None` for any other SQL
/// and for `IS`, which binds no compared value.
fn compared_column(fragment: &str) -> Option<(&str, bool)> {
    let (head, operator) = split_operator(fragment)?;
    let like = match operator {
        Operator::Compare => false,
        Operator::Like => true,
        Operator::Is => return None,
    };
    Some((unquoted(head), like))
}

/// The kind of `meta`'s column `name`, if it has one of that name.
fn kind_of(meta: &Meta, name: &str) -> Option<Kind> {
    meta.columns()
        .position(|c| c == name)
        .map(|i| meta.kinds[i])
}

/// `value` as a filter binds it against a column of kind `column`: a date
/// or date-time compared with a date-time column of the other kind is
/// bound as that kind (a date as its midnight, a date-time read in UTC),
/// which is how PostgreSQL and MySQL compare them in dbgen's UTC
/// sessions. SQLite compares their texts, whose forms differ (`2024-05-01`,
/// `2024-05-01 12:00:00`, `2024-05-01T12:00:00+00:00`): a naive time
/// missed rows of a `DateTime<Utc>` column it was after.
fn as_column(column: Option<Kind>, value: &Value) -> Value {
    match (column, value) {
        (Some(Kind::DateTimeUtc), Value::DateTime(t)) => Value::DateTimeUtc(t.and_utc()),
        (Some(Kind::DateTimeUtc), Value::Date(d)) => {
            Value::DateTimeUtc(d.and_time(chrono::NaiveTime::MIN).and_utc())
        }
        (Some(Kind::DateTime), Value::DateTimeUtc(t)) => Value::DateTime(t.naive_utc()),
        (Some(Kind::DateTime), Value::Date(d)) => {
            Value::DateTime(d.and_time(chrono::NaiveTime::MIN))
        }
        _ => value.clone(),
    }
}

fn known_column(meta: &Meta, column: &str, method: &str) -> Result<(), Error> {
    if meta.columns().any(|c| c == column) {
        return Ok(());
    }
    let meant = meta
        .table
        .columns
        .iter()
        .find(|c| c.field() == column || c.name.eq_ignore_ascii_case(column));
    Err(Error::UnknownColumn {
        table: meta.name().to_string(),
        column: column.to_string(),
        hint: meant.map_or_else(String::new, |c| {
            format!(
                "; use column `{}` (field `{}`): {method} takes column names",
                c.name,
                c.field()
            )
        }),
    })
}

/// The audit rows of a bulk delete of the rows `old`, whose columns `set`
/// (the soft-delete marker and `updated_at`) it set.
fn entries(meta: &Meta, old: &Rows, set: &[(usize, Value)]) -> Vec<Entry> {
    old.iter()
        .map(|row| {
            let entry = Entry::new(meta, row, Action::Delete).old(full_row_json(meta, row));
            match meta.soft_delete {
                Some(soft) => {
                    let mut new = row.to_vec();
                    for (i, value) in set {
                        new[*i] = value.clone();
                    }
                    entry.new_values(row_json(meta, &new, [soft]))
                }
                None => entry,
            }
        })
        .collect()
}

/// Runs a SELECT of every column and decodes the rows.
pub(crate) async fn fetch_values<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    sql: Sql,
) -> Result<Rows, Error> {
    ops::fetch_rows::<DB>(conn, meta, sql).await
}

#[cfg(test)]
mod tests {
    use super::Spec;
    use crate::value::Value;

    fn with(fragment: &str) -> Spec {
        Spec {
            filters: vec![(fragment.to_string(), Some(Value::I64(1)))],
            ..Spec::default()
        }
    }

    #[test]
    fn a_fragment_with_its_own_placeholder_is_refused() {
        for fragment in [
            "a = ?", "a >= ? ", "a like ?", "a IN (?", "a IS ?", "f(x, ?",
        ] {
            assert!(with(fragment).check_fragments().is_err(), "{fragment}");
        }
        // PostgreSQL's JSONB key operator, and fragments without one.
        for fragment in ["data ?", "a = ", "a > ", "note = '?' AND b = "] {
            assert!(with(fragment).check_fragments().is_ok(), "{fragment}");
        }
        // A condition without a value may end as it likes.
        let spec = Spec {
            filters: vec![("a = ?".to_string(), None)],
            ..Spec::default()
        };
        assert!(spec.check_fragments().is_ok());
    }
}
