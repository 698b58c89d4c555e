//! Reading the audit log: filtered pages with a total, one row's history,
//! one user's activity, and removal of old rows.

use chrono::{DateTime, Utc};
use sqlx::Acquire;

use super::AuditLog;
use super::write::Action;
use crate::driver::{Driver, arguments};
use crate::query::sql::Sql;
use crate::value::Value;
use crate::{Error, Model, Order, Query};

/// Which audit rows [`logs`] returns; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Table of the changed rows.
    pub entity_type: Option<String>,
    /// Key of the changed row, as text.
    pub entity_id: Option<String>,
    /// Acting user.
    pub user_id: Option<i64>,
    /// `CREATE`, `UPDATE`, `DELETE`, `RESTORE` or `FORCE_DELETE`.
    pub action: Option<String>,
    /// From this time on (inclusive).
    pub start: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub end: Option<DateTime<Utc>>,
}

impl AuditFilter {
    fn apply(&self, mut query: Query<AuditLog>) -> Query<AuditLog> {
        if let Some(v) = &self.entity_type {
            query = query.filter("entity_type = ", v.clone());
        }
        if let Some(v) = &self.entity_id {
            query = query.filter(
                "entity_id = ",
                super::write::fit(v.clone(), super::write::ENTITY_ID_CHARS),
            );
        }
        if let Some(v) = self.user_id {
            query = query.filter("user_id = ", v);
        }
        if let Some(v) = &self.action {
            // As stored (upper case) whatever case it is given in: MariaDB
            // compares ignoring case and found "create", PostgreSQL and
            // SQLite found nothing.
            let known = Action::ALL
                .into_iter()
                .map(Action::as_str)
                .find(|a| a.eq_ignore_ascii_case(v));
            query = query.filter("action = ", known.map_or_else(|| v.clone(), str::to_string));
        }
        if let Some(v) = self.start {
            query = query.filter("created_at >= ", within_years(v));
        }
        if let Some(v) = self.end {
            query = query.filter("created_at < ", within_years(v));
        }
        query
    }
}

/// A time bound as every engine takes it: within years 1 to 9999 (MySQL's
/// DATETIME; sqlx refuses earlier years there, and dbgen later ones).
/// Every audit row's time is inside, so a bound outside selects the same.
fn within_years(t: DateTime<Utc>) -> DateTime<Utc> {
    // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
    let first = DateTime::from_timestamp(-62_135_596_800, 0).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let last =
        DateTime::from_timestamp(253_402_300_799, 999_999_000).unwrap_or(DateTime::<Utc>::MAX_UTC);
    t.clamp(first, last)
}

/// One page (1-based) of matching rows, newest first, and how many match
/// in all.
pub async fn logs<'c, A>(
    db: A,
    filter: &AuditFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<AuditLog>, i64), Error>
where
    A: Acquire<'c> + Send + 'c,
    A::Database: Driver,
{
    let mut conn = db.acquire().await?;
    let total = filter
        .apply(AuditLog::query())
        .count_on::<A::Database>(&mut conn)
        .await?;
    let per_page = per_page.max(1);
    let rows = filter
        .apply(AuditLog::query())
        .order_by("created_at", Order::Desc)
        .order_by("id", Order::Desc)
        .limit(per_page)
        .offset((page.max(1) - 1).saturating_mul(per_page))
        .fetch_all_on::<A::Database>(&mut conn)
        .await?;
    Ok((rows, total))
}

/// Every audit row of one row of `table`, oldest first.
pub async fn history<'c, A>(db: A, table: &str, id: impl ToString) -> Result<Vec<AuditLog>, Error>
where
    A: Acquire<'c> + Send + 'c,
    A::Database: Driver,
{
    AuditLog::query()
        .filter("entity_type = ", table.to_string())
        .filter(
            "entity_id = ",
            super::write::fit(id.to_string(), super::write::ENTITY_ID_CHARS),
        )
        .order_by("created_at", Order::Asc)
        .order_by("id", Order::Asc)
        .fetch_all(db)
        .await
}

/// What `user_id` changed in `[since, until)`, oldest first.
pub async fn user_activity<'c, A>(
    db: A,
    user_id: i64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<AuditLog>, Error>
where
    A: Acquire<'c> + Send + 'c,
    A::Database: Driver,
{
    AuditLog::query()
        .filter("user_id = ", user_id)
        .filter("created_at >= ", within_years(since))
        .filter("created_at < ", within_years(until))
        .order_by("created_at", Order::Asc)
        .order_by("id", Order::Asc)
        .fetch_all(db)
        .await
}

/// Deletes audit rows older than `older_than_days` days; returns how many.
pub async fn cleanup<'c, A>(db: A, older_than_days: u32) -> Result<u64, Error>
where
    A: Acquire<'c> + Send + 'c,
    A::Database: Driver,
{
    // An age beyond the calendar's range: no row is that old.
    let cutoff = within_years(
        Utc::now()
            .checked_sub_signed(chrono::Duration::days(i64::from(older_than_days)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
    );
    let mut sql = Sql::new(<A::Database as Driver>::DIALECT);
    sql.push("DELETE FROM ")
        .ident("audit_logs")
        .push(" WHERE ")
        .ident("created_at")
        .push(" < ")
        .bind(Value::DateTimeUtc(cutoff));
    let (text, values) = sql.finish();
    let mut conn = db.acquire().await?;
    let done = <A::Database as Driver>::execute(&mut conn, text, arguments::<A::Database>(values)?)
        .await?;
    Ok(done.rows_affected)
}
