//! MariaDB: an audited single-row change and its audit row in one compound
//! statement (`BEGIN NOT ATOMIC ... END`), sent with its values bound like
//! any other. The transaction opens and closes inside it, so the change is
//! one round trip where the transaction path takes five (BEGIN, the locked
//! read, the change, the audit INSERT, COMMIT).
//!
//! ```sql
//! BEGIN NOT ATOMIC
//!   DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
//!   START TRANSACTION;
//!   INSERT INTO `audit_logs` (...) SELECT ?, ?, ..., <old JSON>, <new JSON>, ...
//!     FROM `t` WHERE `id` = ? AND `deleted_at` IS NULL [AND <a value changed>] FOR UPDATE;
//!   UPDATE `t` SET `name` = ? WHERE `id` = ? AND `deleted_at` IS NULL;
//!   IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'dbgen: no row'; END IF;
//!   COMMIT;
//! END
//! ```
//!
//! The audit INSERT reads the old row and locks it, so the change that
//! follows sees the same row. sqlx connects with `CLIENT_FOUND_ROWS`, so
//! `ROW_COUNT()` counts the rows matched: zero means no such row, signalled
//! to the client after the handler has rolled back. Any failure (the audit
//! INSERT's included) rolls the whole change back before it is reported.
//!
//! MySQL has no compound statements outside stored programs: the first
//! refusal is remembered and every later change takes the transaction path.
//! A connection inside a transaction takes that path too, since `START
//! TRANSACTION` would commit the caller's work.

use std::sync::atomic::{AtomicBool, Ordering};

use super::inline::Change;
use super::redact::REDACTED;
use super::write::{Action, COLUMNS, key_id, shared_values};
use crate::Error;
use crate::dialect::Dialect;
use crate::model::meta::Meta;
use crate::model::ops::{push_scope, push_set, where_key};
use crate::query::sql::Sql;
use crate::value::{Kind, Value};

/// Set once the server has refused a compound statement (MySQL).
static REFUSED: AtomicBool = AtomicBool::new(false);

/// The start of every compound statement: a failure anywhere rolls the
/// transaction back before it is reported.
const OPEN: &str = "BEGIN NOT ATOMIC DECLARE EXIT HANDLER FOR SQLEXCEPTION \
                    BEGIN ROLLBACK; RESIGNAL; END; START TRANSACTION; ";

/// A JSON member name no column has: longer than the 64 characters a
/// MySQL/MariaDB identifier may have.
const NO_MEMBER: &str =
    "dbgen: no column has this name, as it is longer than sixty-four characters";
const _: () = assert!(NO_MEMBER.len() > 64);

/// The message of the signal that reports "no such row".
const NO_ROW: &str = "dbgen: no row";

/// Whether compound statements are worth trying on this server.
pub(crate) fn available() -> bool {
    !REFUSED.load(Ordering::Relaxed)
}

/// Takes the transaction path from now on.
pub(crate) fn refuse() {
    REFUSED.store(true, Ordering::Relaxed);
}

/// Whether `error` is the server refusing compound statements (and
/// remembers it).
pub(crate) fn refused(error: &Error) -> bool {
    if let Error::Database(sqlx::Error::Database(db)) = error
        && is_parse_error(db.as_ref())
    {
        refuse();
        return true;
    }
    false
}

/// Reads what the server answered to the statement of [`statement`]:
/// whether the row was found, or `None` when the server has no compound
/// statements (nothing ran).
pub(crate) fn outcome(result: Result<(), Error>) -> Result<Option<bool>, Error> {
    let Err(error) = result else {
        return Ok(Some(true));
    };
    if let Error::Database(sqlx::Error::Database(db)) = &error
        && db.code().as_deref() == Some("45000")
        && db.message() == NO_ROW
    {
        return Ok(Some(false));
    }
    if refused(&error) {
        return Ok(None);
    }
    Err(error)
}

/// Whether the server refused the statement's form rather than its content.
fn is_parse_error(db: &dyn sqlx::error::DatabaseError) -> bool {
    #[cfg(feature = "mysql")]
    if let Some(mysql) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return is_refusal(mysql.number(), mysql.message());
    }
    let _ = db;
    false
}

/// A syntax error (1064) whose quoted rest of the statement still holds
/// `NOT ATOMIC` (the statement's second and third words) is MySQL refusing
/// compound statements; one at `RETURNING`, a MariaDB older than 10.5
/// refusing `INSERT … RETURNING`. Any other error is reported as it is.
#[cfg(any(feature = "mysql", test))]
fn is_refusal(number: u16, message: &str) -> bool {
    number == 1064 && (message.contains("NOT ATOMIC") || message.contains("near 'RETURNING"))
}

/// The compound statement of `change`.
pub(crate) fn statement(meta: &Meta, change: &Change<'_>) -> Sql {
    let mut sql = Sql::new(Dialect::MySql);
    sql.push(OPEN).push("INSERT INTO ");
    sql.ident("audit_logs")
        .push(" (")
        .idents(COLUMNS)
        .push(") SELECT ");
    sql.bind(Value::String(meta.name().to_string())).push(", ");
    sql.bind(Value::String(key_id(change.key))).push(", ");
    let shared = push_action(&mut sql, change.action);
    sql.push(", ");
    // The columns whose value may stay the same, with their new values.
    let compared: Vec<(usize, &Value)> = match change.changed_only {
        true => change
            .old
            .iter()
            .filter_map(|&i| Some((i, &change.set.iter().find(|(j, _)| *j == i)?.1)))
            .collect(),
        false => Vec::new(),
    };
    open_removal(&mut sql, &compared);
    push_old_json(&mut sql, meta, &change.old);
    close_removal(&mut sql, meta, &compared);
    sql.push(", ");
    match &change.new {
        None => {
            sql.push("NULL");
        }
        Some(new) => {
            open_removal(&mut sql, &compared);
            sql.bind(Value::Json(new.clone()));
            close_removal(&mut sql, meta, &compared);
        }
    }
    push_rest(&mut sql, shared);
    sql.push(" FROM ");
    sql.ident(meta.name());
    where_key(&mut sql, meta, change.key);
    push_scope(&mut sql, meta, change.scope);
    if change.changed_only {
        // No audit row when no value changed.
        sql.push(" AND NOT (");
        if compared.len() < change.old.len() {
            sql.push("FALSE");
        } else {
            sql.push("TRUE");
            for &(i, value) in &compared {
                sql.push(" AND ");
                push_same(&mut sql, meta, i, value);
            }
        }
        sql.push(")");
    }
    sql.push(" FOR UPDATE; ");
    if change.set.is_empty() {
        sql.push("DELETE FROM ").ident(meta.name());
    } else {
        push_set(&mut sql, meta, change.set.iter().map(|(i, v)| (*i, v)));
    }
    where_key(&mut sql, meta, change.key);
    push_scope(&mut sql, meta, change.scope);
    sql.push("; IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '");
    sql.push(NO_ROW);
    sql.push("'; END IF; COMMIT; END");
    sql
}

/// Opens the compound statement of an audited single-row insert; the
/// INSERT follows (with `RETURNING` every column), then
/// [`push_create_audit`].
pub(crate) fn open_insert(sql: &mut Sql) {
    sql.push(OPEN);
}

/// Completes [`open_insert`] with the CREATE audit row, read from the
/// stored row, and the end of the statement. `given` is the row's values
/// as sent (spelled and redacted in Rust) for the columns `listed`; the
/// others, filled by the database (the generated key, defaults), are
/// spelled from the stored row, found by `key` or by the generated key.
pub(crate) fn push_create_audit(
    sql: &mut Sql,
    meta: &Meta,
    given: serde_json::Value,
    listed: &[usize],
    key: &[Value],
) {
    sql.push("; INSERT INTO ")
        .ident("audit_logs")
        .push(" (")
        .idents(COLUMNS)
        .push(") SELECT ");
    sql.bind(Value::String(meta.name().to_string())).push(", ");
    // The key as the other path writes it: the text of its JSON scalar.
    sql.push("CONCAT_WS(',', ");
    for (n, &k) in meta.key.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.push("CAST(")
            .push(meta.quoted(Dialect::MySql, k))
            .push(" AS CHAR)");
    }
    sql.push("), ");
    let shared = push_action(sql, Action::Create);
    sql.push(", NULL, ");
    let filled: Vec<usize> = (0..meta.kinds.len())
        .filter(|i| !listed.contains(i))
        .collect();
    if filled.is_empty() {
        sql.bind(Value::Json(given));
    } else {
        sql.push("JSON_SET(").bind(Value::Json(given));
        for i in filled {
            sql.push(", ")
                .bind(Value::String(path(meta.column(i))))
                .push(", ");
            push_value(sql, meta, i);
        }
        sql.push(")");
    }
    push_rest(sql, shared);
    sql.push(" FROM ").ident(meta.name());
    // The row just inserted: by its key as sent, or by the generated one.
    for (n, (&k, value)) in meta.key.iter().zip(key).enumerate() {
        sql.push(if n == 0 { " WHERE " } else { " AND " });
        sql.push(meta.quoted(Dialect::MySql, k)).push(" = ");
        if listed.contains(&k) {
            sql.bind(value.clone());
        } else {
            sql.push("LAST_INSERT_ID()");
        }
    }
    sql.push("; COMMIT; END");
}

/// `$action, $description` after the entity id; returns the shared
/// values that follow the old and new values.
fn push_action(sql: &mut Sql, action: Action) -> std::vec::IntoIter<Value> {
    sql.bind(Value::String(action.as_str().into())).push(", ");
    let mut shared = shared_values(super::current().as_ref()).into_iter();
    if let Some(description) = shared.next() {
        sql.bind(description);
    }
    shared
}

/// The shared values after the old and new ones, but the time taken in
/// Rust: the row's time is read when it is written, after any wait for the
/// changed row's lock, so one row's log lists concurrent changes in the
/// order they were made.
fn push_rest(sql: &mut Sql, shared: std::vec::IntoIter<Value>) {
    let count = shared.len();
    for value in shared.take(count.saturating_sub(1)) {
        sql.push(", ").bind(value);
    }
    // In UTC whatever the session's time zone; a named zone the server has
    // no tables for converts to NULL, and then the statement's start time
    // in UTC stands in.
    sql.push(", COALESCE(CONVERT_TZ(SYSDATE(6), @@session.time_zone, '+00:00'), UTC_TIMESTAMP(6))");
}

/// `JSON_OBJECT(?, <JSON of column>, ...)`: the old values of `columns`.
fn push_old_json(sql: &mut Sql, meta: &Meta, columns: &[usize]) {
    sql.push("JSON_OBJECT(");
    for (n, &i) in columns.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.bind(Value::String(meta.column(i).to_string()))
            .push(", ");
        push_value(sql, meta, i);
    }
    sql.push(")");
}

/// The JSON of column `i` of the row, or `"[REDACTED]"`.
fn push_value(sql: &mut Sql, meta: &Meta, i: usize) {
    if meta.redacted[i] {
        sql.bind(Value::String(REDACTED.into()));
    } else {
        push_json(sql, meta.kinds[i], meta.quoted(Dialect::MySql, i));
    }
}

/// `JSON_REMOVE(` before a JSON object that [`close_removal`] completes.
fn open_removal(sql: &mut Sql, compared: &[(usize, &Value)]) {
    if !compared.is_empty() {
        sql.push("JSON_REMOVE(");
    }
}

/// Completes [`open_removal`]: for each compared column, its member's path
/// when its value stays the same, and a path no member has otherwise.
fn close_removal(sql: &mut Sql, meta: &Meta, compared: &[(usize, &Value)]) {
    if compared.is_empty() {
        return;
    }
    for &(i, value) in compared {
        sql.push(", IF(");
        push_same(sql, meta, i, value);
        sql.push(", ").bind(Value::String(path(meta.column(i))));
        sql.push(", '$.\"").push(NO_MEMBER).push("\"')");
    }
    sql.push(")");
}

/// The JSON path of the member `name`: `$."name"`.
fn path(name: &str) -> String {
    let mut text = String::from("$.\"");
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            text.push('\\');
        }
        text.push(c);
    }
    text.push('"');
    text
}

/// Whether column `i` of the row holds `value`. Text is compared byte for
/// byte (the column's collation may call `a` and `A` equal; the audit log
/// does not).
fn push_same(sql: &mut Sql, meta: &Meta, i: usize, value: &Value) {
    let column = meta.quoted(Dialect::MySql, i);
    let text = matches!(meta.kinds[i], Kind::String | Kind::Uuid);
    if text {
        sql.push("BINARY ");
    }
    sql.push(column).push(" <=> ");
    if text {
        sql.push("BINARY ");
    }
    sql.bind(value.clone());
}

/// The JSON of column `x` as [`Value::to_json`] writes it for `kind`, and
/// JSON null for NULL. Floats are written with their shortest digits, as
/// serde_json writes them; where MariaDB chooses an exponent serde_json
/// would not (`1e15`), the number is the same.
fn push_json(sql: &mut Sql, kind: Kind, x: &str) {
    // Fractions of a second as chrono writes them: none, 3 or 6 digits.
    let trimmed = |format: String| format!("REGEXP_REPLACE({format}, '([.]000)?000$', '')");
    let text = match kind {
        Kind::Bool => format!(
            "CASE WHEN {x} THEN JSON_EXTRACT('true', '$') WHEN NOT {x} THEN JSON_EXTRACT('false', '$') END"
        ),
        // An integral float keeps a fraction, so it reads back as a float.
        Kind::F32 | Kind::F64 => {
            let digits = format!("CAST(CAST({x} AS DOUBLE) AS CHAR)");
            format!(
                "JSON_EXTRACT(CONCAT({digits}, IF({digits} REGEXP '^-?[0-9]+$', '.0', '')), '$')"
            )
        }
        Kind::Decimal => format!("CAST({x} AS CHAR)"),
        Kind::Bytes => format!("LOWER(HEX({x}))"),
        Kind::Date => format!("DATE_FORMAT({x}, '%Y-%m-%d')"),
        Kind::Time => trimmed(format!("TIME_FORMAT({x}, '%H:%i:%s.%f')")),
        Kind::DateTime => trimmed(format!("DATE_FORMAT({x}, '%Y-%m-%dT%H:%i:%s.%f')")),
        Kind::DateTimeUtc => format!(
            "CONCAT({}, '+00:00')",
            trimmed(format!("DATE_FORMAT({x}, '%Y-%m-%dT%H:%i:%s.%f')"))
        ),
        // Integers, text and UUIDs (hyphenated text) are spelled alike.
        _ => x.to_string(),
    };
    sql.push(&text);
}

#[cfg(test)]
mod tests {
    use super::is_refusal;

    #[test]
    fn only_the_statement_form_counts_as_a_refusal() {
        let mysql = "You have an error in your SQL syntax; check the manual that corresponds to \
                     your MySQL server version for the right syntax to use near 'NOT ATOMIC \
                     DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; S' at line 1";
        assert!(is_refusal(1064, mysql));
        let old_mariadb = "You have an error in your SQL syntax; check the manual that corresponds \
                           to your MariaDB server version for the right syntax to use near \
                           'RETURNING `id`, `name`; INSERT INTO `audit_logs`' at line 1";
        assert!(is_refusal(1064, old_mariadb));
        let other = "You have an error in your SQL syntax; check the manual that corresponds to \
                     your MariaDB server version for the right syntax to use near ')' at line 1";
        assert!(!is_refusal(1064, other));
        assert!(!is_refusal(1146, "Table 'test.audit_logs' doesn't exist"));
    }
}
