//! Audit rows for changes made outside dbgen (raw SQL, other services).

use sqlx::Acquire;

use super::context::AuditContext;
use super::redact::redact_json;
use super::write::{Action, Entry, write_with};
use crate::Error;
use crate::driver::Driver;

/// Writes audit rows by hand with an explicit actor:
/// `AuditLogger::new(&db).with_user(7, "admin").log_update("users", id, &old, &new)`.
/// Values are redacted like dbgen's own rows (secret-looking keys at any depth).
#[derive(Debug)]
pub struct AuditLogger<A> {
    db: A,
    context: AuditContext,
}

impl<'c, A> AuditLogger<A>
where
    A: Acquire<'c>,
    A::Database: Driver,
{
    /// A logger writing through `db`, with the task's audit context if any.
    pub fn new(db: A) -> AuditLogger<A> {
        AuditLogger {
            db,
            context: super::current().unwrap_or_default(),
        }
    }

    /// Sets the acting user.
    pub fn with_user(mut self, id: i64, name: impl Into<String>) -> Self {
        self.context = self.context.user(id, name);
        self
    }

    /// Sets the client address, user agent and request id.
    pub fn with_request(
        mut self,
        ip: impl Into<String>,
        user_agent: impl Into<String>,
        request_id: impl Into<String>,
    ) -> Self {
        self.context = self
            .context
            .ip(ip)
            .user_agent(user_agent)
            .request_id(request_id);
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, text: impl Into<String>) -> Self {
        self.context = self.context.description(text);
        self
    }

    async fn log(
        self,
        table: &str,
        id: String,
        action: Action,
        old: Option<&serde_json::Value>,
        new: Option<&serde_json::Value>,
    ) -> Result<(), Error> {
        let clean = |v: Option<&serde_json::Value>| {
            v.map(|v| {
                let mut v = v.clone();
                redact_json(&mut v);
                v
            })
        };
        let entry = Entry {
            entity_type: table.to_string(),
            entity_id: id,
            action,
            old_values: clean(old),
            new_values: clean(new),
        };
        let mut conn = self.db.acquire().await?;
        write_with::<A::Database>(&mut conn, vec![entry], Some(&self.context)).await
    }

    /// A row was created.
    pub async fn log_create(
        self,
        table: &str,
        id: impl ToString,
        new: &serde_json::Value,
    ) -> Result<(), Error> {
        self.log(table, id.to_string(), Action::Create, None, Some(new))
            .await
    }

    /// A row was changed.
    pub async fn log_update(
        self,
        table: &str,
        id: impl ToString,
        old: &serde_json::Value,
        new: &serde_json::Value,
    ) -> Result<(), Error> {
        self.log(table, id.to_string(), Action::Update, Some(old), Some(new))
            .await
    }

    /// A row was deleted.
    pub async fn log_delete(
        self,
        table: &str,
        id: impl ToString,
        old: &serde_json::Value,
    ) -> Result<(), Error> {
        self.log(table, id.to_string(), Action::Delete, Some(old), None)
            .await
    }

    /// A row was restored.
    pub async fn log_restore(self, table: &str, id: impl ToString) -> Result<(), Error> {
        self.log(table, id.to_string(), Action::Restore, None, None)
            .await
    }
}
