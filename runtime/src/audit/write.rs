//! Writing audit rows: one multi-row INSERT for all rows of a change, on
//! the connection (and so inside the transaction) of the change itself.

use super::context::{AuditContext, current};
use super::redact::{REDACTED, redact_json};
use crate::Error;
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
    meta.key
        .iter()
        .filter_map(|&i| values.get(i))
        .map(Value::to_key_text)
        .collect::<Vec<_>>()
        .join(",")
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

const COLUMNS: [&str; 12] = [
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

/// Writes `entries` in one statement with an explicit context.
pub async fn write_with<DB: Driver>(
    conn: &mut DB::Connection,
    entries: Vec<Entry>,
    context: Option<&AuditContext>,
) -> Result<(), Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(DB::DIALECT);
    sql.push("INSERT INTO ").ident("audit_logs").push(" (");
    sql.idents(COLUMNS).push(") VALUES ");
    let at = now(Kind::DateTimeUtc);
    let text =
        |v: Option<&String>| v.map_or(Value::Null(Kind::String), |s| Value::String(s.clone()));
    let json = |v: Option<serde_json::Value>| v.map_or(Value::Null(Kind::Json), Value::Json);
    for (n, entry) in entries.into_iter().enumerate() {
        sql.push(if n == 0 { "(" } else { ", (" });
        let row = [
            Value::String(entry.entity_type),
            Value::String(entry.entity_id),
            Value::String(entry.action.as_str().into()),
            text(context.and_then(|c| c.description.as_ref())),
            json(entry.old_values),
            json(entry.new_values),
            context
                .and_then(|c| c.user_id)
                .map_or(Value::Null(Kind::I64), Value::I64),
            text(context.and_then(|c| c.username.as_ref())),
            text(context.and_then(|c| c.ip_address.as_ref())),
            text(context.and_then(|c| c.user_agent.as_ref())),
            text(context.and_then(|c| c.request_id.as_ref())),
            at.clone(),
        ];
        for (i, value) in row.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(value);
        }
        sql.push(")");
    }
    let (text, values) = sql.finish();
    DB::execute(conn, text, arguments::<DB>(values)?).await?;
    Ok(())
}
