use chrono::{DateTime, Utc};
use dbgen::Model;

/// A blog post written by a user.
#[derive(Model, Debug, Clone)]
#[model(table = "posts", audit, timestamps)]
#[model(index(
    columns("author_id", "published_at"),
    name = "idx_posts_author_published"
))]
pub struct Post {
    #[column(primary_key)]
    pub id: i64,
    #[column(index, references = "users(id)", on_delete = "cascade")]
    pub author_id: i64,
    #[column(size = 200)]
    pub title: String,
    #[column(size = 200, unique)]
    pub slug: String,
    pub body: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}
