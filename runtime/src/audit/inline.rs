//! Audited single-row changes in one statement: what they are, when they
//! apply, and PostgreSQL's (MariaDB's is in [`compound`](super::compound)).
//!
//! PostgreSQL: an audited single-row change and its audit row in one
//! statement (data-modifying CTEs). The change is one round trip and atomic
//! on its own, like the unaudited change: no BEGIN, no separate read of the old row,
//! no separate audit INSERT, no COMMIT.
//!
//! The statement writes the old values itself, spelled exactly as
//! [`Value::to_json`] spells them on the other path (the engines' tests
//! compare the two), so the log reads the same whichever path wrote it.
//! Models with a JSON column take the transaction path instead: secrets
//! nested inside JSON are redacted in Rust.
//!
//! ```sql
//! WITH "chg" AS (UPDATE "t" SET "name" = $1
//!                FROM (SELECT xmin AS "dbgen xmin", ... WHERE "id" = $2) AS "old"
//!                WHERE "t"."id" = "old"."id" AND "t".xmin = "old"."dbgen xmin"
//!                RETURNING "old"."name" AS "o0", "t"."name" AS "n0"),
//!      "aud" AS (INSERT INTO "audit_logs" (...) SELECT ..., <old JSON>, <new JSON>, ...
//!                FROM "chg" WHERE "o0" IS DISTINCT FROM "n0")
//! SELECT 1 FROM "chg"
//! ```

use sqlx::Connection;

use super::compound;
use super::redact::REDACTED;
use super::write::{Action, insert_into, key_id, push_action, push_shared};
use crate::Error;
use crate::dialect::Dialect;
use crate::driver::{Driver, arguments};
use crate::model::meta::Meta;
use crate::model::ops::{Scope, push_scope, push_set, select_columns, where_key};
use crate::query::sql::Sql;
use crate::value::{Kind, Value};

/// One audited change of the row with `key`.
pub(crate) struct Change<'a> {
    pub action: Action,
    pub key: &'a [Value],
    /// The rows the change may touch.
    pub scope: Scope,
    /// The columns set and their values; empty for a DELETE (so an update
    /// always sets at least one column: `ops::update` refuses a model with
    /// none).
    pub set: Vec<(usize, Value)>,
    /// The columns of the old row the audit row keeps.
    pub old: Vec<usize>,
    /// Whether only the columns of `old` whose value changed are kept (in
    /// both old and new values), and no audit row is written when none did.
    pub changed_only: bool,
    /// The new values as a JSON object (secrets redacted), keyed by column.
    pub new: Option<serde_json::Value>,
}

/// Whether `meta`'s inserts can be audited in their own statement on this
/// engine.
pub(crate) fn applies<DB: Driver>(meta: &Meta) -> bool {
    DB::DIALECT == Dialect::Postgres && without_json(meta)
}

/// Whether a single-row change of `meta` (update, soft delete, restore,
/// force delete) on `conn` can be audited in one statement: on PostgreSQL,
/// and on MariaDB outside a transaction the caller opened (see
/// [`compound`](super::compound)).
pub(crate) fn change_applies<DB: Driver>(conn: &DB::Connection, meta: &Meta) -> bool {
    without_json(meta)
        && match DB::DIALECT {
            Dialect::Postgres => true,
            Dialect::MySql => compound::available() && !conn.is_in_transaction(),
            Dialect::Sqlite | Dialect::SqlServer => false,
        }
}

/// Secrets nested inside JSON are redacted in Rust, so a model with a JSON
/// column takes the transaction path.
fn without_json(meta: &Meta) -> bool {
    meta.kinds.iter().all(|&kind| kind != Kind::Json)
}

/// Runs `change` with its audit row; returns whether the row was found, or
/// `None` when the server turned the statement down before running any of
/// it (MySQL; the caller takes the transaction path).
///
/// On PostgreSQL, the first statement reads the old row without locking it and changes
/// the row only if it is still that version (same `xmin`). When it changes
/// nothing, the row is gone or another transaction changed it since this
/// statement's snapshot; the second statement locks the row first and so
/// tells which (and makes the change when the row is still there).
pub(crate) async fn run<DB: Driver>(
    conn: &mut DB::Connection,
    meta: &Meta,
    change: Change<'_>,
) -> Result<Option<bool>, Error> {
    if DB::DIALECT == Dialect::MySql {
        let (text, values) = compound::statement(meta, &change).finish();
        let result = DB::execute(conn, text, arguments::<DB>(values)?).await;
        return compound::outcome(result.map(drop));
    }
    for lock in [false, true] {
        let (text, values) = statement(meta, &change, lock).finish();
        if DB::fetch_optional(conn, text, arguments::<DB>(values)?)
            .await?
            .is_some()
        {
            return Ok(Some(true));
        }
    }
    Ok(Some(false))
}

/// The audit row's time: the database's clock when the row is written.
const CLOCK: &str = "clock_timestamp()";

/// The old row's version, read with it when it is not locked.
const VERSION: &str = "dbgen xmin";

fn statement(meta: &Meta, change: &Change<'_>, lock: bool) -> Sql {
    let mut sql = Sql::new(Dialect::Postgres);
    sql.push("WITH ").ident("chg").push(" AS (");
    if change.set.is_empty() {
        sql.push("DELETE FROM ").ident(meta.name()).push(" USING (");
    } else {
        push_set(&mut sql, meta, change.set.iter().map(|(i, v)| (*i, v)));
        sql.push(" FROM (");
    }
    // The old row: locked, so concurrent changes of it wait; or with its
    // version, so the change applies only to the row as read.
    if lock {
        select_columns(&mut sql, meta);
    } else {
        sql.push("SELECT xmin AS ").ident(VERSION).push(", ");
        sql.idents(meta.columns()).push(" FROM ").ident(meta.name());
    }
    where_key(&mut sql, meta, change.key);
    push_scope(&mut sql, meta, change.scope);
    if lock {
        sql.push(" FOR UPDATE");
    }
    sql.push(") AS ").ident("old");
    for (n, &k) in meta.key.iter().enumerate() {
        sql.push(if n == 0 { " WHERE " } else { " AND " });
        sql.ident(meta.name()).push(".").ident(meta.column(k));
        sql.push(" = ").ident("old").push(".").ident(meta.column(k));
    }
    if !lock {
        sql.push(" AND ").ident(meta.name()).push(".xmin = ");
        sql.ident("old").push(".").ident(VERSION);
    }
    sql.push(" RETURNING 1 AS ").ident("found");
    for (n, &i) in change.old.iter().enumerate() {
        sql.push(", ").ident("old").push(".").ident(meta.column(i));
        sql.push(" AS ").ident(&alias('o', n));
        if change.changed_only {
            sql.push(", ")
                .ident(meta.name())
                .push(".")
                .ident(meta.column(i));
            sql.push(" AS ").ident(&alias('n', n));
        }
    }
    push_audit_head(&mut sql, meta);
    sql.bind(Value::String(key_id(change.key))).push(", ");
    let shared = push_action(&mut sql, change.action);
    sql.push(", ");
    push_old_json(&mut sql, meta, &change.old, change.changed_only);
    sql.push(", ");
    match &change.new {
        None => {
            sql.push("NULL");
        }
        Some(new) => {
            sql.bind(Value::Json(new.clone()));
            if change.changed_only && !change.old.is_empty() {
                // Minus the keys of the columns that kept their value.
                sql.push(" - ARRAY[");
                for (n, &i) in change.old.iter().enumerate() {
                    if n > 0 {
                        sql.push(", ");
                    }
                    sql.push("CASE WHEN ");
                    push_same(&mut sql, n);
                    sql.push(" THEN ")
                        .bind(Value::String(meta.column(i).to_string()))
                        .push("::text END");
                }
                sql.push("]::text[]");
            }
        }
    }
    push_shared(&mut sql, shared, CLOCK);
    sql.push(" FROM ").ident("chg");
    if change.changed_only {
        sql.push(" WHERE ");
        if change.old.is_empty() {
            sql.push("false");
        }
        for n in 0..change.old.len() {
            if n > 0 {
                sql.push(" OR ");
            }
            sql.push("NOT (");
            push_same(&mut sql, n);
            sql.push(")");
        }
    }
    sql.push(") SELECT ")
        .ident("found")
        .push(" FROM ")
        .ident("chg");
    sql
}

/// Completes `WITH "ins" AS (INSERT ... RETURNING <every column>` (rows
/// inserted into `meta`'s table) with one CREATE audit row per inserted
/// row, and selects the inserted rows: `), "aud" AS (INSERT INTO
/// "audit_logs" ... SELECT ... FROM "ins") SELECT <every column> FROM "ins"`.
///
/// The new values are the row as stored, spelled in SQL; with `given`, the
/// columns it lists come from its JSON object instead (one row's values as
/// sent, spelled and redacted in Rust) and only the others, filled by the
/// database, from the row.
pub(crate) fn push_create_audit(
    sql: &mut Sql,
    meta: &Meta,
    given: Option<(serde_json::Value, &[usize])>,
) {
    let column = |i: usize| {
        let mut text = quoted("ins");
        text.push('.');
        Dialect::Postgres.quote_into(meta.column(i), &mut text);
        text
    };
    push_audit_head(sql, meta);
    // The key as the other path writes it: the text of its JSON scalar.
    sql.push("left(concat_ws(',', ");
    for (n, &k) in meta.key.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.push("(");
        push_json(sql, meta.kinds[k], &column(k));
        sql.push(") #>> '{}'");
    }
    // Cut as `key_id` cuts it.
    sql.push("), ")
        .number(super::write::ENTITY_ID_CHARS)
        .push("), ");
    let shared = push_action(sql, Action::Create);
    sql.push(", NULL, ");
    let mut listed: &[usize] = &[];
    if let Some((json, columns)) = given {
        sql.bind(Value::Json(json)).push(" || ");
        listed = columns;
    }
    sql.push("jsonb_build_object(");
    let rest = (0..meta.kinds.len()).filter(|i| !listed.contains(i));
    for (n, i) in rest.enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        push_member(sql, meta, i, &column(i));
    }
    sql.push(")");
    push_shared(sql, shared, CLOCK);
    sql.push(" FROM ")
        .ident("ins")
        .push(") SELECT ")
        .idents(meta.columns())
        .push(" FROM ")
        .ident("ins");
}

/// `), "aud" AS (INSERT INTO "audit_logs" (...) SELECT $table, `; the
/// entity id follows.
fn push_audit_head(sql: &mut Sql, meta: &Meta) {
    sql.push("), ").ident("aud").push(" AS (");
    sql.push(insert_into(Dialect::Postgres)).push(" SELECT ");
    sql.bind(Value::String(meta.name().to_string())).push(", ");
}

/// `$name::text, <the JSON of x>` (or `"[REDACTED]"`): one member of a
/// `jsonb_build_object` for column `i`.
fn push_member(sql: &mut Sql, meta: &Meta, i: usize, x: &str) {
    sql.bind(Value::String(meta.column(i).to_string()))
        .push("::text, ");
    if meta.redacted[i] {
        sql.bind(Value::String(REDACTED.into())).push("::text");
    } else {
        push_json(sql, meta.kinds[i], x);
    }
}

/// `"o3"`, `"n3"`: the old and new value of the fourth audited column.
fn alias(prefix: char, n: usize) -> String {
    format!("{prefix}{n}")
}

fn quoted(name: &str) -> String {
    let mut text = String::new();
    Dialect::Postgres.quote_into(name, &mut text);
    text
}

/// `"o3" IS NOT DISTINCT FROM "n3"`.
fn push_same(sql: &mut Sql, n: usize) {
    sql.ident(&alias('o', n))
        .push(" IS NOT DISTINCT FROM ")
        .ident(&alias('n', n));
}

/// The old values as a JSON object: every column of `old`, or only the
/// changed ones.
fn push_old_json(sql: &mut Sql, meta: &Meta, old: &[usize], changed_only: bool) {
    if old.is_empty() {
        sql.push("'{}'::jsonb");
        return;
    }
    if !changed_only {
        sql.push("jsonb_build_object(");
    }
    for (n, &i) in old.iter().enumerate() {
        if changed_only {
            if n > 0 {
                sql.push(" || ");
            }
            sql.push("(CASE WHEN ");
            push_same(sql, n);
            sql.push(" THEN '{}'::jsonb ELSE jsonb_build_object(");
        } else if n > 0 {
            sql.push(", ");
        }
        push_member(sql, meta, i, &quoted(&alias('o', n)));
        if changed_only {
            sql.push(") END)");
        }
    }
    if !changed_only {
        sql.push(")");
    }
}

/// The JSON of the value `x` (a quoted column of the statement), as
/// [`Value::to_json`] writes it for `kind`; SQL NULL for NULL.
fn push_json(sql: &mut Sql, kind: Kind, x: &str) {
    // Fractions of a second as chrono writes them: none, 3 or 6 digits.
    let trimmed = |format: &str| {
        format!(
            "regexp_replace(to_char({format}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '(\\.000)?000$', '')"
        )
    };
    let text = match kind {
        Kind::Decimal => format!("to_jsonb({x}::text)"),
        Kind::Bytes => format!("to_jsonb(encode({x}, 'hex'))"),
        // serde_json writes a float's shortest digits and integral values
        // below 1e16 with `.0`; NaN and infinities are the strings
        // PostgreSQL spells them as (see `Value::to_json`).
        Kind::F32 | Kind::F64 => format!(
            "CASE WHEN {x}::float8 IN ('NaN', 'Infinity', '-Infinity') THEN to_jsonb({x}::float8::text) \
             WHEN {x}::float8 = trunc({x}::float8) AND abs({x}::float8) < 1e16 \
             THEN to_jsonb(round({x}::float8::text::numeric, 1)) \
             ELSE to_jsonb({x}::float8::text::numeric) END"
        ),
        Kind::Time => format!(
            "to_jsonb(substr({}, 12))",
            trimmed(&format!("'2000-01-01'::date + {x}"))
        ),
        Kind::DateTime => format!("to_jsonb({})", trimmed(x)),
        Kind::DateTimeUtc => format!(
            "to_jsonb({} || '+00:00')",
            trimmed(&format!("{x} AT TIME ZONE 'UTC'"))
        ),
        // Booleans, integers, text, dates and UUIDs are spelled alike.
        _ => format!("to_jsonb({x})"),
    };
    sql.push(&text);
}
