//! A plan as the text of one migration file: deterministic, LF line
//! endings, one statement per line group, each ending with `;`.

use super::{Dialect, MySql, Sqlite};
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
    ddl.check_schema(after)?;
    let (after_by_name, before_by_name) = (ByName::of(after), ByName::of(before));
    let lookup = |name: &str| -> Option<&Table> {
        after_by_name
            .table(name)
            .or_else(|| before_by_name.table(name))
    };
    let mut out = String::new();
    let rebuilds = dialect == Dialect::Sqlite && plan.foreign_keys_off();
    if rebuilds {
        // Foreign keys cannot be switched off inside a transaction, and a
        // rebuild (or the drop of a table in a cycle) must not run the
        // drop's `ON DELETE` actions: this file manages its own
        // transaction (sqlx's directive, first line).
        out.push_str("-- no-transaction\n");
    }
    for note in notes {
        for line in note.lines() {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
    }
    let prefix: &[&str] = match dialect {
        Dialect::SqlServer => &["SET XACT_ABORT ON"],
        Dialect::Sqlite if rebuilds => &super::sqlite::REBUILD_OPEN,
        _ => &[],
    };
    let suffix: &[&str] = if rebuilds {
        &super::sqlite::REBUILD_CLOSE
    } else {
        &[]
    };
    // Each statement goes into the file as soon as it is rendered, so the
    // statements of a large plan are never all held at once.
    let mut written = false;
    for step in &plan.steps {
        let statements = match step {
            Step::Change(change) => ddl.change(change, &lookup)?,
            Step::RebuildTable { from, to, copy } => Sqlite.rebuild(from, to, copy)?,
            Step::RenameForeignKey { table, from, to } => {
                match ddl.rename_key_constraint(table, from, to) {
                    Some(statement) => vec![statement?],
                    None => {
                        return Err(Error::Unsupported(format!(
                            "{dialect} cannot rename foreign key `{from}` of `{table}`"
                        )));
                    }
                }
            }
            Step::AddAutoKey(key) => ddl.add_auto_key(key)?,
            Step::AddReferencingColumn { table, column, fk } => {
                Sqlite.add_referencing_column(table, column, fk)?
            }
            Step::DropKeyIndex { table, key } => MySql.drop_key_index(table, key)?,
        };
        for statement in statements {
            if !written {
                written = true;
                for line in prefix {
                    push_statement(&mut out, line);
                }
            }
            push_statement(&mut out, &statement);
        }
    }
    if written {
        for line in suffix {
            push_statement(&mut out, line);
        }
    }
    Ok(out)
}

/// Appends `statement;` and a line break, with LF line endings.
fn push_statement(out: &mut String, statement: &str) {
    if statement.contains('\r') {
        out.push_str(&statement.replace("\r\n", "\n"));
    } else {
        out.push_str(statement);
    }
    out.push_str(";\n");
}

/// DDL creating `schema` from nothing.
pub fn create_schema(schema: &Schema, dialect: Dialect) -> Result<String, Error> {
    let empty = Schema::default();
    let changes = diff(&empty, schema, &DiffOptions::default()).changes;
    let plan = plan(&empty, schema, changes, dialect, &Policy::default());
    render(&plan, dialect, &empty, schema, &[])
}
