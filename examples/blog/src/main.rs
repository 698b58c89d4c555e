//! The blog end to end on SQLite, with no server: apply the migrations
//! `cargo dbgen diff` generated from the models, then create, change,
//! soft-delete and restore rows through the helpers every model gets, and
//! read back what the audit log recorded.
//!
//! `cargo run -p blog` uses an in-memory database; set `DATABASE_URL`
//! (e.g. `sqlite://blog.db?mode=rwc`) to keep it.

use blog::models::{Post, User};
use dbgen::Model;
use dbgen::audit::AuditContext;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".into());
    // One connection: every connection to `sqlite::memory:` is its own database.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    println!("applied the migrations in examples/blog/migrations to {url}");

    // Everything inside the scope is audited as this user and request.
    let context = AuditContext::new()
        .user(1, "admin@example.com")
        .ip("127.0.0.1")
        .request_id("demo-1");
    let alice = dbgen::audit::scope(context, async {
        let mut alice = User {
            id: 0,
            email: "alice@example.com".into(),
            display_name: "Alice".into(),
            password_hash: "argon2id$not-a-real-hash".into(),
            is_admin: false,
            created_at: None,
            updated_at: None,
            deleted_at: None,
        }
        .insert(&pool)
        .await?;
        println!("inserted user {} at {:?}", alice.id, alice.created_at);

        let post = Post {
            id: 0,
            author_id: alice.id,
            title: "Hello".into(),
            slug: "hello".into(),
            body: "First post.".into(),
            published_at: None,
            created_at: None,
            updated_at: None,
        }
        .insert(&pool)
        .await?;
        println!("inserted post {} by user {}", post.id, post.author_id);

        alice.display_name = "Alice L.".into();
        alice.update(&pool).await?;
        alice.delete(&pool).await?;
        println!(
            "soft-deleted user {}: find -> {:?}, trashed users: {}",
            alice.id,
            User::find(&pool, alice.id).await?.map(|u| u.id),
            User::count_trashed(&pool).await?
        );
        alice.restore(&pool).await?;
        Ok::<_, dbgen::Error>(alice)
    })
    .await?;

    println!("audit log of user {}:", alice.id);
    for row in dbgen::audit::history(&pool, "users", alice.id).await? {
        println!(
            "  {:<7} by {:<18} old={} new={}",
            row.action,
            row.username.as_deref().unwrap_or("-"),
            row.old_values.map_or("-".into(), |v| v.to_string()),
            row.new_values.map_or("-".into(), |v| v.to_string()),
        );
    }
    Ok(())
}
