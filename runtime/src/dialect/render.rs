//! A plan as the text of one migration file: deterministic, LF line
//! endings, one statement per line group, each ending with `;`.

use super::{Dialect, Sqlite};
use crate::Error;
use crate::diff::{DiffOptions, diff};
use crate::plan::{Plan, Policy, Step, plan};
use crate::schema::{ByName, Schema, Table};

/// The SQL of `plan`, which leads from `before` to `after`. `notes` become
/// comment lines at the top (e.g. what a down migration cannot restore).
pub fn render(
    plan: &Plan,
    dialect: Dialect,
    before: &Schema,
    after: &Schema,
    notes: &[String],
) -> Result<String, Error> {
    let ddl = dialect.ddl();
    let (after_by_name, before_by_name) = (ByName::of(after), ByName::of(before));
    let lookup = |name: &str| -> Option<&Table> {
        after_by_name
            .table(name)
            .or_else(|| before_by_name.table(name))
    };
    let mut statements = Vec::new();
    for step in &plan.steps {
        match step {
            Step::Change(change) => statements.extend(ddl.change(change, &lookup)?),
            Step::RebuildTable { from, to, copy } => {
                statements.extend(Sqlite.rebuild(from, to, copy)?)
            }
        }
    }
    let mut out = String::new();
    let rebuilds = dialect == Dialect::Sqlite && plan.rebuilds();
    if rebuilds {
        // Foreign keys cannot be switched off inside a transaction, and a
        // rebuild must not cascade the drop of the old table: this file
        // manages its own transaction (sqlx's directive, first line).
        out.push_str("-- no-transaction\n");
    }
    for note in notes {
        for line in note.lines() {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
    }
    if statements.is_empty() {
        return Ok(out);
    }
    let mut body: Vec<String> = Vec::new();
    match dialect {
        Dialect::SqlServer => body.push("SET XACT_ABORT ON".to_string()),
        Dialect::Sqlite if rebuilds => {
            body.push("PRAGMA foreign_keys = 0".to_string());
            body.push("BEGIN".to_string());
        }
        _ => {}
    }
    body.extend(statements);
    if rebuilds {
        body.push("PRAGMA foreign_key_check".to_string());
        body.push("COMMIT".to_string());
        body.push("PRAGMA foreign_keys = 1".to_string());
    }
    out.reserve(body.iter().map(|s| s.len() + 2).sum());
    for statement in body {
        if statement.contains('\r') {
            out.push_str(&statement.replace("\r\n", "\n"));
        } else {
            out.push_str(&statement);
        }
        out.push_str(";\n");
    }
    Ok(out)
}

/// DDL creating `schema` from nothing.
pub fn create_schema(schema: &Schema, dialect: Dialect) -> Result<String, Error> {
    let empty = Schema::default();
    let changes = diff(&empty, schema, &DiffOptions::default()).changes;
    let plan = plan(&empty, schema, changes, dialect, &Policy::default());
    render(&plan, dialect, &empty, schema, &[])
}
