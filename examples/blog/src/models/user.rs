use chrono::{DateTime, Utc};
use dbgen::Model;

/// A person who can sign in and write posts.
#[derive(Model, Debug, Clone)]
#[model(table = "users", audit, timestamps, soft_delete)]
pub struct User {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 255, unique)]
    pub email: String,
    #[column(size = 100)]
    pub display_name: String,
    /// Never stored in clear in the audit log.
    #[column(size = 255, sensitive)]
    pub password_hash: String,
    #[column(default = "false")]
    pub is_admin: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}
