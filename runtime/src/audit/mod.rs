//! The audit log: one row per change made through dbgen to an `audit` model,
//! written in the same transaction as the change.
//!
//! - who: [`AuditContext`] set with [`scope`] for a request's async code;
//! - what: `old_values`/`new_values` as JSON, changed fields only for
//!   updates, secrets as `"[REDACTED]"` ([`redact`]);
//! - reading: [`logs`], [`history`], [`user_activity`], [`cleanup`];
//! - changes made outside dbgen: [`AuditLogger`].

pub(crate) mod compound;
mod context;
pub(crate) mod inline;
mod logger;
mod read;
pub mod redact;
pub(crate) mod write;

use crate::Model;

pub use context::{AuditContext, current, scope, spawn};
pub use logger::AuditLogger;
pub use read::{AuditFilter, cleanup, history, logs, user_activity};
pub use write::Action;

/// One audit log row (`audit_logs`). Registered like any model, and part of
/// the schema as soon as any model has `#[model(audit)]`.
#[derive(crate::Model, Debug, Clone, PartialEq)]
#[model(
    table = "audit_logs",
    index(columns("entity_type", "entity_id")),
    index(columns("user_id")),
    index(columns("created_at")),
    comment = "changes made through dbgen to audited models"
)]
pub struct AuditLog {
    /// Row id.
    #[column(primary_key)]
    pub id: i64,
    /// Table of the changed row.
    #[column(size = 100)]
    pub entity_type: String,
    /// Primary key of the changed row, as text.
    #[column(size = 100)]
    pub entity_id: String,
    /// `CREATE`, `UPDATE`, `DELETE`, `RESTORE` or `FORCE_DELETE`.
    #[column(size = 20)]
    pub action: String,
    /// Free text.
    pub description: Option<String>,
    /// Values before the change (changed fields only for `UPDATE`).
    pub old_values: Option<serde_json::Value>,
    /// Values after the change (changed fields only for `UPDATE`).
    pub new_values: Option<serde_json::Value>,
    /// Acting user's id.
    pub user_id: Option<i64>,
    /// Acting user's name.
    #[column(size = 255)]
    pub username: Option<String>,
    /// Client address (IPv4 or IPv6).
    #[column(size = 45)]
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Request correlation id.
    #[column(size = 100)]
    pub request_id: Option<String>,
    /// When the change was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The audit log's table definition.
pub fn table() -> &'static crate::schema::Table {
    AuditLog::table()
}
