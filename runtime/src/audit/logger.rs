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
        // Cut, a table name would no longer find its rows: refused, as
        // PostgreSQL and MySQL refuse it (SQLite would keep it).
        let chars = table.chars().count();
        if chars > super::write::ENTITY_TYPE_CHARS {
            return Err(Error::TooLong {
                table: "audit_logs".into(),
                column: "entity_type".into(),
                found: chars,
                max: super::write::ENTITY_TYPE_CHARS as u32,
                unit: "characters",
            });
        }
        let entry = Entry {
            entity_type: table.to_string(),
            entity_id: super::write::fit(id, super::write::ENTITY_ID_CHARS),
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

    /// A row was changed. When `old` and `new` are both JSON objects, only
    /// the members whose values differ are stored, as dbgen's own updates
    /// store them; they are compared before secrets are redacted, so a
    /// changed password is listed (as `"[REDACTED]"` on both sides).
    pub async fn log_update(
        self,
        table: &str,
        id: impl ToString,
        old: &serde_json::Value,
        new: &serde_json::Value,
    ) -> Result<(), Error> {
        let (old, new) = changed_members(old, new);
        self.log(
            table,
            id.to_string(),
            Action::Update,
            Some(&old),
            Some(&new),
        )
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

/// The members of two JSON objects whose values differ (a member on one
/// side only is on that side); anything else as given.
fn changed_members(
    old: &serde_json::Value,
    new: &serde_json::Value,
) -> (serde_json::Value, serde_json::Value) {
    use serde_json::Value::Object;
    let (Object(before), Object(after)) = (old, new) else {
        return (old.clone(), new.clone());
    };
    let differing = |from: &serde_json::Map<String, serde_json::Value>,
                     other: &serde_json::Map<String, serde_json::Value>| {
        from.iter()
            .filter(|(key, value)| other.get(*key) != Some(*value))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect::<serde_json::Map<_, _>>()
    };
    (
        Object(differing(before, after)),
        Object(differing(after, before)),
    )
}

#[cfg(test)]
mod tests {
    use super::changed_members;
    use serde_json::json;

    #[test]
    fn an_update_keeps_the_members_that_changed() {
        let (old, new) = changed_members(
            &json!({"a": 1, "b": {"x": 1}, "same": "s", "gone": true, "password": "p"}),
            &json!({"a": 2, "b": {"x": 2}, "same": "s", "added": null, "password": "q"}),
        );
        assert_eq!(
            old,
            json!({"a": 1, "b": {"x": 1}, "gone": true, "password": "p"})
        );
        assert_eq!(
            new,
            json!({"a": 2, "b": {"x": 2}, "added": null, "password": "q"})
        );
        // Not two objects: stored as given.
        assert_eq!(
            changed_members(&json!([1]), &json!({"a": 1})),
            (json!([1]), json!({"a": 1}))
        );
        let (old, new) = changed_members(&json!({"a": 1}), &json!({"a": 1}));
        assert_eq!((old, new), (json!({}), json!({})));
    }
}
