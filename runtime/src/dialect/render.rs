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
    super::check_target(dialect, after)?;
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
            out.push_str(&super::ddl::one_line(line));
            out.push('\n');
        }
    }
    let prefix: &[&str] = match dialect {
        // A filtered index (live rows, a `where`, a unique nullable
        // column) is created only with `QUOTED_IDENTIFIER` on, which
        // `sqlcmd` leaves off; `ANSI_NULLS` as SSMS scripts set it. The
        // file is one transaction, which `XACT_ABORT` rolls back on the
        // first error: without one, the statements before it stayed
        // (sqlcmd and SSMS commit each statement on its own).
        Dialect::SqlServer => &[
            "SET ANSI_NULLS ON",
            "SET QUOTED_IDENTIFIER ON",
            "SET XACT_ABORT ON",
            "BEGIN TRANSACTION",
        ],
        Dialect::Sqlite if rebuilds => &super::sqlite::REBUILD_OPEN,
        _ => &[],
    };
    let suffix: &[&str] = match dialect {
        Dialect::SqlServer => &["COMMIT TRANSACTION"],
        Dialect::Sqlite if rebuilds => &super::sqlite::REBUILD_CLOSE,
        _ => &[],
    };
    let detached = detached_drops(plan, before, after);
    // Each statement goes into the file as soon as it is rendered, so the
    // statements of a large plan are never all held at once.
    let mut written = false;
    for (n, step) in plan.steps.iter().enumerate() {
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
        let statements = match detached.iter().find(|(at, _)| *at == n) {
            Some((_, code)) => statements
                .into_iter()
                .map(|s| {
                    super::ddl::nolint(
                        code,
                        "the plan adds it again as it was (renamed with its table or column, if they are), once the change it is in the way of is made",
                        s,
                    )
                })
                .collect(),
            None => statements,
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

/// The drops of `plan` that a later step undoes exactly: an index, foreign
/// key, check or primary key dropped and added again with the same definition (the
/// planner detaches them around a column change or a key's rebuild), as
/// (step, the lint code the drop would raise). They remove nothing, so
/// `lint` is told not to report them as destructive; a redefinition
/// (another definition under the same name) still is.
fn detached_drops(plan: &Plan, before: &Schema, after: &Schema) -> Vec<(usize, &'static str)> {
    use crate::diff::Change;
    let drops = |step: &Step| {
        matches!(
            step,
            Step::Change(
                Change::DropIndex { .. }
                    | Change::DropForeignKey { .. }
                    | Change::DropCheck { .. }
                    | Change::SetPrimaryKey { to: None, .. }
            )
        )
    };
    if !plan.steps.iter().any(drops) {
        return Vec::new();
    }
    // The adds, by the name (or a key's columns) a drop that they undo
    // shares with them, so that a plan of many drops and adds is not
    // compared pair by pair.
    let mut adds: std::collections::HashMap<(u8, String), Vec<usize>> =
        std::collections::HashMap::new();
    for (n, step) in plan.steps.iter().enumerate() {
        let key = match step {
            Step::Change(Change::AddIndex { index, .. }) => (0, index.name.to_string()),
            Step::Change(Change::AddForeignKey { fk, .. }) => (1, fk.columns.join("\u{0}")),
            Step::Change(Change::AddCheck { check, .. }) => (2, check.name.to_string()),
            Step::Change(Change::SetPrimaryKey { from: None, .. }) => (3, String::new()),
            _ => continue,
        };
        adds.entry(key).or_default().push(n);
    }
    let was = |table: &str| crate::plan::table_before(before, after, table);
    let mut out = Vec::new();
    for (n, step) in plan.steps.iter().enumerate() {
        let Step::Change(change) = step else { continue };
        let key = match change {
            Change::DropIndex { index, .. } => (0, index.name.to_string()),
            Change::DropForeignKey { fk, .. } => (1, fk.columns.join("\u{0}")),
            Change::DropCheck { check, .. } => (2, check.name.to_string()),
            Change::SetPrimaryKey { to: None, .. } => (3, String::new()),
            _ => continue,
        };
        let Some(candidates) = adds.get(&key) else {
            continue;
        };
        let found = |undoes: &dyn Fn(&Change) -> bool| {
            candidates
                .iter()
                .filter(|&&at| at > n)
                .any(|&at| matches!(&plan.steps[at], Step::Change(c) if undoes(c)))
        };
        let code = match change {
            // A live-rows index reads its table's soft-delete column: the
            // same definition on another column is another index.
            Change::DropIndex { table, index } => found(&|c| {
                matches!(c, Change::AddIndex { table: on, index: again } if again == index
                    && (!index.live_rows
                        || was(table).map(|t| &t.soft_delete)
                            == after.table(on).map(|t| &t.soft_delete)))
            })
            .then_some("DS103"),
            // Under another name too: MySQL renames a key named after a
            // renamed table or column by dropping and adding it.
            Change::DropForeignKey { fk, .. } => found(&|c| {
                matches!(c, Change::AddForeignKey { fk: again, .. }
                    if again.columns == fk.columns
                        && again.ref_table == fk.ref_table
                        && again.ref_columns == fk.ref_columns
                        && again.on_delete == fk.on_delete
                        && again.on_update == fk.on_update)
            })
            .then_some("DS104"),
            Change::DropCheck { check, .. } => found(&|c| {
                matches!(c, Change::AddCheck { check: again, .. } if again == check)
            })
            .then_some("DS104"),
            Change::SetPrimaryKey {
                from: Some(key),
                to: None,
                ..
            } => found(&|c| {
                matches!(c, Change::SetPrimaryKey { from: None, to: Some(again), .. } if again == key)
            })
            .then_some("DS104"),
            _ => None,
        };
        out.extend(code.map(|code| (n, code)));
    }
    out
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
