//! MariaDB: an audited single-row change and its audit row in one compound
//! statement (`BEGIN NOT ATOMIC ... END`), sent with its values bound like
//! any other. The transaction opens and closes inside it, so the change is
//! one round trip where the transaction path takes five (BEGIN, the locked
//! read, the change, the audit INSERT, COMMIT).
//!
//! ```sql
//! BEGIN NOT ATOMIC
//!   DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; SET @dbgen_old = NULL; RESIGNAL; END;
//!   START TRANSACTION;
//!   UPDATE `t` SET `name` = ? WHERE `id` = ? AND `deleted_at` IS NULL
//!     AND (@dbgen_same0 := BINARY `name` <=> BINARY ?) IS NOT NULL
//!     AND (@dbgen_old := CONCAT('{', CONCAT_WS(', ', IF(@dbgen_same0, NULL, CONCAT(?, JSON_QUOTE(`name`)))), '}')) IS NOT NULL;
//!   IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'dbgen: no row'; END IF;
//!   IF NOT (TRUE AND @dbgen_same0) THEN
//!     INSERT INTO `audit_logs` (...) VALUES (?, ?, ..., @dbgen_old, <new JSON>, ...);
//!   END IF;
//!   SET @dbgen_old = NULL;
//!   COMMIT;
//! END
//! ```
//!
//! The change reads the old values itself: the conditions after the key
//! and scope are evaluated on the row it matched and locked, and keep in
//! session variables whether each compared value stays the same and the
//! old values' JSON. So the row is found once, where a separate locked
//! read of it cost a second lookup. sqlx connects with
//! `CLIENT_FOUND_ROWS`, so `ROW_COUNT()` counts the rows matched: zero
//! means no such row, signalled to the client after the handler has rolled
//! back. Any failure (the audit INSERT's included) rolls the whole change
//! back before it is reported.
//!
//! The old and new values are built as JSON text (`CONCAT_WS` leaves out
//! the members of values that stay the same), which costs the server less
//! than building a JSON object and removing members from it.
//!
//! MySQL has no compound statements outside stored programs: the first
//! refusal is remembered and every later change takes the transaction path.
//! A connection inside a transaction takes that path too, since `START
//! TRANSACTION` would commit the caller's work.

use std::sync::atomic::{AtomicBool, Ordering};

use super::inline::Change;
use super::redact::REDACTED;
use super::write::{Action, insert_into, json_member, key_id, push_action, push_shared};
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
                    BEGIN ROLLBACK; SET @dbgen_old = NULL; RESIGNAL; END; START TRANSACTION; ";

/// The session variable that carries the old values' JSON from the change
/// to the audit row; set back to NULL before the statement ends, whether
/// it succeeds or fails (the handler in [`OPEN`] names it too).
const OLD: &str = "@dbgen_old";

/// The audit row's time: the server's clock when the row is written, in
/// UTC whatever the session's time zone. A named zone the server has no
/// tables for converts to NULL, and then the statement's start time in UTC
/// stands in.
const CLOCK: &str =
    "COALESCE(CONVERT_TZ(SYSDATE(6), @@session.time_zone, '+00:00'), UTC_TIMESTAMP(6))";

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
    sql.push(OPEN);
    // The columns whose value may stay the same, with their new values.
    let compared: Vec<(usize, &Value)> = match change.changed_only {
        true => change
            .old
            .iter()
            .filter_map(|&i| Some((i, &change.set.iter().find(|(j, _)| *j == i)?.1)))
            .collect(),
        false => Vec::new(),
    };
    if change.set.is_empty() {
        sql.push("DELETE FROM ")
            .push(meta.quoted_name(Dialect::MySql));
    } else {
        push_set(&mut sql, meta, change.set.iter().map(|(i, v)| (*i, v)));
    }
    where_key(&mut sql, meta, change.key);
    push_scope(&mut sql, meta, change.scope);
    // The row as the change finds it, locked: whether each compared value
    // stays the same, then the old values' JSON (conditions that are
    // never NULL, so each is evaluated and the row still matches).
    for (n, &(i, value)) in compared.iter().enumerate() {
        sql.push(" AND (");
        push_same_var(&mut sql, n);
        sql.push(" := ");
        push_same(&mut sql, meta, i, value);
        sql.push(") IS NOT NULL");
    }
    sql.push(" AND (").push(OLD).push(" := ");
    push_old_json(&mut sql, meta, &change.old, &compared);
    sql.push(") IS NOT NULL; IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '");
    sql.push(NO_ROW);
    sql.push("'; END IF; ");
    // No audit row when no value changed.
    let when_changed = change.changed_only && compared.len() == change.old.len();
    if when_changed {
        sql.push("IF NOT (TRUE");
        for n in 0..compared.len() {
            sql.push(" AND ");
            push_same_var(&mut sql, n);
        }
        sql.push(") THEN ");
    }
    sql.push(insert_into(Dialect::MySql)).push(" VALUES (");
    sql.bind(Value::String(meta.name().to_string())).push(", ");
    sql.bind(Value::String(key_id(change.key))).push(", ");
    let shared = push_action(&mut sql, change.action);
    sql.push(", ").push(OLD).push(", ");
    push_new_json(&mut sql, meta, change.new.as_ref(), &compared);
    push_shared(&mut sql, shared, CLOCK);
    sql.push(")");
    if when_changed {
        sql.push("; END IF");
    }
    // The old values do not outlive the statement in the session.
    sql.push("; SET ").push(OLD).push(" = NULL; COMMIT; END");
    sql
}

/// The session variable holding whether compared column `n` keeps its value.
fn push_same_var(sql: &mut Sql, n: usize) {
    sql.push("@dbgen_same").number(n);
}

/// The columns of an audited single-row insert that the database fills,
/// and whether their values are known without reading the stored row.
pub(crate) struct Filled {
    columns: Vec<usize>,
    /// See [`known_without_reading`].
    known: Option<Option<String>>,
}

impl Filled {
    /// The columns the INSERT leaves out of `listed`; `key` is the row's
    /// key as sent.
    pub(crate) fn new(meta: &Meta, listed: &[usize], key: &[Value]) -> Filled {
        let columns: Vec<usize> = (0..meta.kinds.len())
            .filter(|i| !listed.contains(i))
            .collect();
        let known = known_without_reading(meta, &columns, listed, key);
        Filled { columns, known }
    }

    /// What the INSERT must send back for the caller to return the row as
    /// the unaudited insert does (the values as sent, the generated key,
    /// the database's defaults read back).
    pub(crate) fn returning(&self, meta: &Meta) -> Returning {
        match (&self.known, meta.auto_key) {
            (Some(Some(_)), _) => Returning::Nothing,
            (Some(None), Some(k)) => Returning::GeneratedKey(k),
            _ => Returning::Row,
        }
    }
}

/// What an audited insert's compound statement sends back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Returning {
    /// The stored row (the database filled columns from their defaults).
    Row,
    /// The generated key (this column); the rest of the row is as sent.
    GeneratedKey(usize),
    /// Nothing: the row is as sent.
    Nothing,
}

/// Opens the compound statement of an audited single-row insert; the
/// INSERT follows (with the `RETURNING` [`Filled::returning`] asks for),
/// then [`push_create_audit`].
pub(crate) fn open_insert(sql: &mut Sql) {
    sql.push(OPEN);
}

/// Completes [`open_insert`] with the CREATE audit row and the end of the
/// statement. `given` is the row's values as sent (spelled and redacted in
/// Rust) for the columns `listed`. The others were filled by the database:
/// the generated key is `LAST_INSERT_ID()` and an omitted soft-delete
/// column is NULL, so when those are all, the row is an `INSERT … VALUES`;
/// otherwise (defaults) they are spelled from the stored row, found by
/// `key` or by the generated key.
pub(crate) fn push_create_audit(
    sql: &mut Sql,
    meta: &Meta,
    given: serde_json::Value,
    listed: &[usize],
    key: &[Value],
    filled: Filled,
) {
    let Filled {
        columns: filled,
        known,
    } = filled;
    sql.push("; ").push(insert_into(Dialect::MySql));
    sql.push(if known.is_some() {
        " VALUES ("
    } else {
        " SELECT "
    });
    sql.bind(Value::String(meta.name().to_string())).push(", ");
    match &known {
        Some(Some(id)) => {
            sql.bind(Value::String(id.clone()));
        }
        Some(None) => {
            sql.push("CAST(LAST_INSERT_ID() AS CHAR)");
        }
        None => {
            // The key as the other path writes it: the text of its JSON scalar.
            sql.push("LEFT(CONCAT_WS(',', ");
            for (n, &k) in meta.key.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.push("CAST(")
                    .push(meta.quoted(Dialect::MySql, k))
                    .push(" AS CHAR)");
            }
            // Cut as `key_id` cuts it.
            sql.push("), ")
                .number(super::write::ENTITY_ID_CHARS)
                .push(")");
        }
    }
    sql.push(", ");
    let shared = push_action(sql, Action::Create);
    sql.push(", NULL, ");
    if filled.is_empty() {
        sql.bind(Value::Json(given));
    } else {
        sql.push("JSON_SET(").bind(Value::Json(given));
        for i in filled {
            sql.push(", ").bind(Value::String(path(meta.column(i))));
            if known.is_none() {
                sql.push(", JSON_EXTRACT(");
                push_value(sql, meta, i);
                sql.push(", '$')");
            } else if Some(i) == meta.auto_key {
                sql.push(", LAST_INSERT_ID()");
            } else {
                sql.push(", NULL");
            }
        }
        sql.push(")");
    }
    push_shared(sql, shared, CLOCK);
    if known.is_some() {
        sql.push(")");
    } else {
        sql.push(" FROM ").push(meta.quoted_name(Dialect::MySql));
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
    }
    sql.push("; COMMIT; END");
}

/// Whether the CREATE row can be written without reading the stored row:
/// every column the database filled is the generated key (`LAST_INSERT_ID()`)
/// or a NULL soft-delete column without a default, and the key was sent
/// or is that generated key. Returns the entity id when it was sent
/// (`Some(Some(id))`) or `Some(None)` for the generated key.
fn known_without_reading(
    meta: &Meta,
    filled: &[usize],
    listed: &[usize],
    key: &[Value],
) -> Option<Option<String>> {
    let known = |i: usize| {
        !meta.redacted[i]
            && (Some(i) == meta.auto_key || (Some(i) == meta.soft_delete && !meta.has_default(i)))
    };
    if !filled.iter().all(|&i| known(i)) {
        return None;
    }
    if meta.key.iter().all(|k| listed.contains(k)) {
        return Some(Some(key_id(key)));
    }
    (meta.key.len() == 1 && Some(meta.key[0]) == meta.auto_key).then_some(None)
}

/// The old values of `columns` as JSON text, `{"a": 1, ...}` in column
/// order; a compared column's member only when its value changes.
fn push_old_json(sql: &mut Sql, meta: &Meta, columns: &[usize], compared: &[(usize, &Value)]) {
    if columns.is_empty() {
        sql.push("'{}'");
        return;
    }
    sql.push("CONCAT('{', CONCAT_WS(', '");
    for &i in columns {
        sql.push(", ");
        let same = compared.iter().position(|&(c, _)| c == i);
        if let Some(n) = same {
            sql.push("IF(");
            push_same_var(sql, n);
            sql.push(", NULL, ");
        }
        sql.push("CONCAT(")
            .bind(Value::String(meta.json_members[i].clone()))
            .push(", ");
        push_value(sql, meta, i);
        sql.push(")");
        if same.is_some() {
            sql.push(")");
        }
    }
    sql.push("), '}')");
}

/// The new values (spelled and redacted in Rust) as JSON text, each
/// member bound as written; a compared column's member only when its value
/// changes.
fn push_new_json(
    sql: &mut Sql,
    meta: &Meta,
    new: Option<&serde_json::Value>,
    compared: &[(usize, &Value)],
) {
    let members = match new {
        None => {
            sql.push("NULL");
            return;
        }
        Some(serde_json::Value::Object(members)) if !members.is_empty() => members,
        Some(other) => {
            sql.bind(Value::Json(other.clone()));
            return;
        }
    };
    sql.push("CONCAT('{', CONCAT_WS(', '");
    for (name, value) in members {
        sql.push(", ");
        let column = meta.columns().position(|c| c == name);
        let mut text = match column {
            Some(i) => meta.json_members[i].clone(),
            None => json_member(name),
        };
        text.push_str(&value.to_string());
        let text = Value::String(text);
        match compared.iter().position(|&(c, _)| Some(c) == column) {
            Some(n) => {
                sql.push("IF(");
                push_same_var(sql, n);
                sql.push(", NULL, ").bind(text).push(")");
            }
            None => {
                sql.bind(text);
            }
        }
    }
    sql.push("), '}')");
}

/// The JSON text of column `i` of the row, or `"[REDACTED]"`.
fn push_value(sql: &mut Sql, meta: &Meta, i: usize) {
    if meta.redacted[i] {
        sql.bind(Value::String(serde_json::Value::from(REDACTED).to_string()));
    } else {
        push_json_text(sql, meta.kinds[i], meta.quoted(Dialect::MySql, i));
    }
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

/// The JSON text of column `x` as [`Value::to_json`] writes it for
/// `kind`, and `null` for NULL. Floats are written with their shortest
/// digits, as serde_json writes them; where MariaDB chooses an exponent
/// serde_json would not (`1e15`), the number is the same.
fn push_json_text(sql: &mut Sql, kind: Kind, x: &str) {
    // Fractions of a second as chrono writes them: none, 3 or 6 digits.
    let trimmed = |sql: &mut Sql, format: &str, rest: &str| {
        sql.push("REGEXP_REPLACE(")
            .push(format)
            .push(x)
            .push(rest)
            .push(", '([.]000)?000$', '')");
    };
    sql.push("COALESCE(");
    match kind {
        Kind::Bool => {
            sql.push("CASE WHEN ")
                .push(x)
                .push(" THEN 'true' WHEN NOT ");
            sql.push(x).push(" THEN 'false' END");
        }
        // An integral float keeps a fraction, so it reads back as a float.
        Kind::F32 | Kind::F64 => {
            sql.push("CONCAT(CAST(CAST(")
                .push(x)
                .push(" AS DOUBLE) AS CHAR), IF(CAST(CAST(");
            sql.push(x)
                .push(" AS DOUBLE) AS CHAR) REGEXP '^-?[0-9]+$', '.0', ''))");
        }
        Kind::I16 | Kind::I32 | Kind::I64 => {
            sql.push("CAST(").push(x).push(" AS CHAR)");
        }
        Kind::Json => {
            sql.push(x);
        }
        Kind::Decimal => {
            sql.push("JSON_QUOTE(CAST(").push(x).push(" AS CHAR))");
        }
        Kind::Bytes => {
            sql.push("JSON_QUOTE(LOWER(HEX(").push(x).push(")))");
        }
        Kind::Date => {
            sql.push("JSON_QUOTE(DATE_FORMAT(")
                .push(x)
                .push(", '%Y-%m-%d'))");
        }
        Kind::Time => {
            sql.push("JSON_QUOTE(");
            trimmed(sql, "TIME_FORMAT(", ", '%H:%i:%s.%f')");
            sql.push(")");
        }
        Kind::DateTime => {
            sql.push("JSON_QUOTE(");
            trimmed(sql, "DATE_FORMAT(", ", '%Y-%m-%dT%H:%i:%s.%f')");
            sql.push(")");
        }
        Kind::DateTimeUtc => {
            sql.push("JSON_QUOTE(CONCAT(");
            trimmed(sql, "DATE_FORMAT(", ", '%Y-%m-%dT%H:%i:%s.%f')");
            sql.push(", '+00:00'))");
        }
        // Text and UUIDs (hyphenated text).
        Kind::String | Kind::Uuid => {
            sql.push("JSON_QUOTE(").push(x).push(")");
        }
    }
    sql.push(", 'null')");
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
