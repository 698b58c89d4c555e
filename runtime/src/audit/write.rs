//! Writing audit rows: one multi-row INSERT for all rows of a change, on
//! the connection (and so inside the transaction) of the change itself.

use std::sync::OnceLock;

use super::context::{AuditContext, current};
use super::redact::{REDACTED, redact_json};
use crate::Error;
use crate::dialect::Dialect;
use crate::driver::{Driver, arguments};
use crate::model::meta::{Meta, now};
use crate::query::sql::Sql;
use crate::value::{Kind, Value};

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Restore,
    ForceDelete,
}

impl Action {
    /// Every action, in the order SPEC lists them.
    pub(crate) const ALL: [Action; 5] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Restore,
        Action::ForceDelete,
    ];

    /// As stored in `audit_logs.action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "CREATE",
            Action::Update => "UPDATE",
            Action::Delete => "DELETE",
            Action::Restore => "RESTORE",
            Action::ForceDelete => "FORCE_DELETE",
        }
    }
}

/// One audit row to write.
#[derive(Debug, Clone)]
pub struct Entry {
    pub entity_type: String,
    pub entity_id: String,
    pub action: Action,
    pub old_values: Option<serde_json::Value>,
    pub new_values: Option<serde_json::Value>,
}

impl Entry {
    /// About how many bytes the entry takes in a statement.
    fn bytes(&self) -> usize {
        let json = |v: &Option<serde_json::Value>| v.as_ref().map_or(0, crate::value::json_bytes);
        64 + self.entity_type.len()
            + self.entity_id.len()
            + json(&self.old_values)
            + json(&self.new_values)
    }

    /// An entry for the row `values` of `meta`'s table.
    pub fn new(meta: &Meta, values: &[Value], action: Action) -> Entry {
        Entry {
            entity_type: meta.name().to_string(),
            entity_id: entity_id(meta, values),
            action,
            old_values: None,
            new_values: None,
        }
    }

    pub fn old(mut self, json: serde_json::Value) -> Entry {
        self.old_values = Some(json);
        self
    }

    pub fn new_values(mut self, json: serde_json::Value) -> Entry {
        self.new_values = Some(json);
        self
    }
}

/// The row's key as text (`a,b` for a composite key).
pub fn entity_id(meta: &Meta, values: &[Value]) -> String {
    key_id(meta.key.iter().filter_map(|&i| values.get(i)))
}

/// Key values as the audit log's `entity_id`: their text, comma-separated,
/// cut to what the column holds.
pub fn key_id<'a>(key: impl IntoIterator<Item = &'a Value>) -> String {
    fit(
        key.into_iter()
            .map(Value::to_key_text)
            .collect::<Vec<_>>()
            .join(","),
        ENTITY_ID_CHARS,
    )
}

/// The most characters the audit log's bounded text columns hold (their
/// `size` on [`super::AuditLog`]). A longer key or context value is cut to
/// it: a long text key, or a long header a client sends, must not make
/// the audited change fail ("value too long").
pub const ENTITY_ID_CHARS: usize = 100;
/// `entity_type`'s size: a table name from a model is at most 63 bytes,
/// one given to `AuditLogger` is checked against it.
pub const ENTITY_TYPE_CHARS: usize = 100;
pub const USERNAME_CHARS: usize = 255;
pub const IP_ADDRESS_CHARS: usize = 45;
pub const REQUEST_ID_CHARS: usize = 100;

/// `text` cut to `max` characters.
pub fn fit(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_string(),
        None => text,
    }
}

/// The given columns of a row as a JSON object, secrets redacted.
pub fn row_json(
    meta: &Meta,
    values: &[Value],
    columns: impl IntoIterator<Item = usize>,
) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for i in columns {
        let Some(value) = values.get(i) else { continue };
        let json = if meta.redacted[i] {
            serde_json::Value::String(REDACTED.into())
        } else {
            let mut json = value.to_json();
            if meta.kinds[i] == Kind::Json {
                redact_json(&mut json);
            }
            json
        };
        map.insert(meta.column(i).to_string(), json);
    }
    serde_json::Value::Object(map)
}

/// Every column of a row as a JSON object, secrets redacted.
pub fn full_row_json(meta: &Meta, values: &[Value]) -> serde_json::Value {
    row_json(meta, values, 0..meta.kinds.len())
}

/// `INSERT INTO "audit_logs" (<COLUMNS>)` for `dialect`, written once.
pub(crate) fn insert_into(dialect: Dialect) -> &'static str {
    static TEXT: [OnceLock<String>; Dialect::COUNT] = [const { OnceLock::new() }; Dialect::COUNT];
    TEXT[dialect.slot()].get_or_init(|| {
        let mut sql = Sql::new(dialect);
        sql.push("INSERT INTO ")
            .ident("audit_logs")
            .push(" (")
            .idents(COLUMNS)
            .push(")");
        sql.finish().0
    })
}

pub const COLUMNS: [&str; 12] = [
    "entity_type",
    "entity_id",
    "action",
    "description",
    "old_values",
    "new_values",
    "user_id",
    "username",
    "ip_address",
    "user_agent",
    "request_id",
    "created_at",
];

/// Writes `entries` in one statement, with the task's audit context.
pub async fn write<DB: Driver>(
    conn: &mut DB::Connection,
    entries: Vec<Entry>,
) -> Result<(), Error> {
    write_with::<DB>(conn, entries, current().as_ref()).await
}

/// Writes `entries` with an explicit context, in one statement (on
/// MySQL/MariaDB, in statements of about 2 MiB each): one row as plain
/// VALUES; several rows as one JSON array parameter expanded by the engine
/// (`jsonb_array_elements`, `JSON_TABLE`, `json_each`), so the statement
/// has a dozen parameters whatever the batch size.
pub async fn write_with<DB: Driver>(
    conn: &mut DB::Connection,
    entries: Vec<Entry>,
    context: Option<&AuditContext>,
) -> Result<(), Error> {
    // Where the engine limits a statement's size, the rows go in
    // statements of about that much (a bulk change of many large rows).
    let max = match DB::DIALECT.statement_bytes() {
        Some(max) if entries.len() > 1 => max,
        _ => return write_statement::<DB>(conn, entries, context).await,
    };
    let mut sized = entries.into_iter().map(|e| (e.bytes(), e)).peekable();
    while sized.peek().is_some() {
        let (mut part, mut bytes) = (Vec::new(), 0);
        while let Some((size, entry)) =
            sized.next_if(|&(size, _)| part.is_empty() || bytes + size <= max)
        {
            bytes += size;
            part.push(entry);
        }
        write_statement::<DB>(conn, part, context).await?;
    }
    Ok(())
}

/// Writes `entries` in one statement: one row as plain VALUES; several
/// rows as one JSON array parameter expanded by the engine.
async fn write_statement<DB: Driver>(
    conn: &mut DB::Connection,
    entries: Vec<Entry>,
    context: Option<&AuditContext>,
) -> Result<(), Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let dialect = DB::DIALECT;
    let mut sql = Sql::new(dialect);
    sql.push(insert_into(dialect)).push(" ");
    let shared = shared_values(context);
    if entries.len() == 1 {
        let Some(entry) = entries.into_iter().next() else {
            return Ok(());
        };
        let json = |v: Option<serde_json::Value>| v.map_or(Value::Null(Kind::Json), Value::Json);
        let mut row = vec![
            Value::String(entry.entity_type),
            Value::String(entry.entity_id),
            Value::String(entry.action.as_str().into()),
        ];
        let mut shared = shared.into_iter();
        row.extend(shared.next());
        row.push(json(entry.old_values));
        row.push(json(entry.new_values));
        row.extend(shared);
        sql.push("VALUES (");
        for (i, value) in row.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(value);
        }
        sql.push(")");
    } else {
        batch_select(&mut sql, entries, shared);
    }
    let (text, values) = sql.finish();
    DB::execute(conn, text, arguments::<DB>(values)?).await?;
    Ok(())
}

/// `"name": `, the start of a member of a JSON object written as text.
pub(crate) fn json_member(name: &str) -> String {
    let mut text = serde_json::Value::from(name).to_string();
    text.push_str(": ");
    text
}

/// `$action, $description` of an audit row spelled in SQL (the entity id
/// comes before); returns the shared values that follow the old and new
/// values, for [`push_shared`].
pub(crate) fn push_action(sql: &mut Sql, action: Action) -> std::vec::IntoIter<Value> {
    sql.bind(Value::String(action.as_str().into())).push(", ");
    let mut shared = shared_values(current().as_ref()).into_iter();
    if let Some(description) = shared.next() {
        sql.bind(description);
    }
    shared
}

/// `, $user_id, ..., <clock>` after the new values: the shared values but
/// the time taken in Rust, then `clock`, the database's clock. The row's
/// time is read when the statement writes it, after any wait for the
/// changed row's lock, so one row's log lists concurrent changes in the
/// order they were made (a time taken before sending the statement would
/// not be).
pub(crate) fn push_shared(sql: &mut Sql, shared: std::vec::IntoIter<Value>, clock: &str) {
    let count = shared.len();
    for value in shared.take(count.saturating_sub(1)) {
        sql.push(", ").bind(value);
    }
    sql.push(", ").push(clock);
}

/// The values every row of one write shares: description, the actor, the
/// request, and the time.
pub fn shared_values(context: Option<&AuditContext>) -> Vec<Value> {
    let text = |v: Option<&String>, max: usize| {
        v.map_or(Value::Null(Kind::String), |s| {
            Value::String(fit(s.clone(), max))
        })
    };
    vec![
        text(context.and_then(|c| c.description.as_ref()), usize::MAX),
        context
            .and_then(|c| c.user_id)
            .map_or(Value::Null(Kind::I64), Value::I64),
        text(context.and_then(|c| c.username.as_ref()), USERNAME_CHARS),
        text(
            context.and_then(|c| c.ip_address.as_ref()),
            IP_ADDRESS_CHARS,
        ),
        text(context.and_then(|c| c.user_agent.as_ref()), usize::MAX),
        text(
            context.and_then(|c| c.request_id.as_ref()),
            REQUEST_ID_CHARS,
        ),
        now(Kind::DateTimeUtc),
    ]
}

/// `SELECT <per-row fields from the JSON array>, <shared values> FROM
/// <the array as rows>`. PostgreSQL keeps old/new values as JSON objects;
/// MariaDB and SQLite receive them as JSON text inside the array.
fn batch_select(sql: &mut Sql, entries: Vec<Entry>, shared: Vec<Value>) {
    let dialect = sql.dialect();
    let as_text = dialect != Dialect::Postgres;
    let rows: Vec<serde_json::Value> = entries
        .into_iter()
        .map(|e| {
            let mut row = serde_json::Map::new();
            row.insert("t".into(), e.entity_type.into());
            row.insert("i".into(), e.entity_id.into());
            row.insert("a".into(), e.action.as_str().into());
            for (key, value) in [("o", e.old_values), ("n", e.new_values)] {
                if let Some(value) = value {
                    let value = if as_text {
                        serde_json::Value::String(value.to_string())
                    } else {
                        value
                    };
                    row.insert(key.into(), value);
                }
            }
            serde_json::Value::Object(row)
        })
        .collect();
    let array = serde_json::Value::Array(rows);
    let fields: [&str; 5] = match dialect {
        Dialect::Postgres => ["e->>'t'", "e->>'i'", "e->>'a'", "e->'o'", "e->'n'"],
        Dialect::MySql => ["j.t", "j.i", "j.a", "j.o", "j.n"],
        _ => [
            "json_extract(value, '$.t')",
            "json_extract(value, '$.i')",
            "json_extract(value, '$.a')",
            "json_extract(value, '$.o')",
            "json_extract(value, '$.n')",
        ],
    };
    sql.push("SELECT ")
        .push(fields[0])
        .push(", ")
        .push(fields[1])
        .push(", ")
        .push(fields[2])
        .push(", ");
    let mut shared = shared.into_iter();
    if let Some(description) = shared.next() {
        sql.bind(description);
    }
    sql.push(", ").push(fields[3]).push(", ").push(fields[4]);
    for value in shared {
        sql.push(", ").bind(value);
    }
    match dialect {
        Dialect::Postgres => {
            sql.push(" FROM jsonb_array_elements(")
                .bind(Value::Json(array))
                .push(") AS e");
        }
        Dialect::MySql => {
            sql.push(" FROM JSON_TABLE(")
                .bind(Value::String(array.to_string()))
                // The columns' character set is the database's default
                // otherwise (MariaDB's own is latin1: four-byte characters
                // would become `?`).
                .push(
                    ", '$[*]' COLUMNS (t VARCHAR(100) CHARACTER SET utf8mb4 PATH '$.t', \
                     i VARCHAR(100) CHARACTER SET utf8mb4 PATH '$.i', \
                     a VARCHAR(20) CHARACTER SET utf8mb4 PATH '$.a', \
                     o LONGTEXT CHARACTER SET utf8mb4 PATH '$.o', \
                     n LONGTEXT CHARACTER SET utf8mb4 PATH '$.n')) AS j",
                );
        }
        _ => {
            sql.push(" FROM json_each(")
                .bind(Value::String(array.to_string()))
                .push(")");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColumnType;

    #[test]
    fn the_cut_lengths_are_the_log_columns_sizes() {
        let table = super::super::table();
        let size = |name: &str| table.columns.iter().find(|c| c.name == name).map(|c| c.ty);
        for (column, chars) in [
            ("entity_type", ENTITY_TYPE_CHARS),
            ("entity_id", ENTITY_ID_CHARS),
            ("username", USERNAME_CHARS),
            ("ip_address", IP_ADDRESS_CHARS),
            ("request_id", REQUEST_ID_CHARS),
        ] {
            assert_eq!(
                size(column),
                Some(ColumnType::Varchar(chars as u32)),
                "{column}"
            );
        }
        assert_eq!(fit("é".repeat(3), 2), "éé");
        assert_eq!(fit("ab".into(), 5), "ab");
    }
}
