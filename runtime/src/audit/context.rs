//! Who is making a change: carried through a request's async code in a
//! tokio task-local, so audit rows name the actor without threading it
//! through every call.

use std::future::Future;

/// The actor and request behind the changes made inside [`scope`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditContext {
    /// Acting user's id.
    pub user_id: Option<i64>,
    /// Acting user's name.
    pub username: Option<String>,
    /// Client address.
    pub ip_address: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Request correlation id.
    pub request_id: Option<String>,
    /// Free text stored as each row's `description`.
    pub description: Option<String>,
}

impl AuditContext {
    /// An empty context.
    pub fn new() -> AuditContext {
        AuditContext::default()
    }

    /// Sets the acting user.
    pub fn user(mut self, id: i64, name: impl Into<String>) -> AuditContext {
        self.user_id = Some(id);
        self.username = Some(name.into());
        self
    }

    /// Sets the client address.
    pub fn ip(mut self, ip: impl Into<String>) -> AuditContext {
        self.ip_address = Some(ip.into());
        self
    }

    /// Sets the client user agent.
    pub fn user_agent(mut self, agent: impl Into<String>) -> AuditContext {
        self.user_agent = Some(agent.into());
        self
    }

    /// Sets the request correlation id.
    pub fn request_id(mut self, id: impl Into<String>) -> AuditContext {
        self.request_id = Some(id.into());
        self
    }

    /// Sets the description stored with each row.
    pub fn description(mut self, text: impl Into<String>) -> AuditContext {
        self.description = Some(text.into());
        self
    }
}

tokio::task_local! {
    static CONTEXT: AuditContext;
}

/// Runs `future` with `context` as the actor of every audited change it
/// makes, across all its `.await` points. A task spawned inside does not
/// inherit it (tokio task-locals never are): use [`spawn`] or wrap the
/// task's future in `scope(current().unwrap_or_default(), ...)`.
pub async fn scope<F: Future>(context: AuditContext, future: F) -> F::Output {
    CONTEXT.scope(context, future).await
}

/// The context of the running task, if it is inside [`scope`].
pub fn current() -> Option<AuditContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

/// `tokio::spawn` that carries the current audit context into the new task.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match current() {
        Some(context) => tokio::spawn(CONTEXT.scope(context, future)),
        None => tokio::spawn(future),
    }
}
