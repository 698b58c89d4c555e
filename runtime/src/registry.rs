//! Every model linked into the program, collected at start-up without any
//! registration code: `#[derive(Model)]` submits a [`ModelEntry`].

use std::collections::BTreeMap;

use crate::Error;
use crate::schema::{Schema, Table};

/// One registered model: its table and its Rust type name (for errors).
#[derive(Debug)]
pub struct ModelEntry {
    table: &'static Table,
    type_name: &'static str,
}

impl ModelEntry {
    /// Used by the derive; not for hand-written code.
    #[doc(hidden)]
    pub const fn new(table: &'static Table, type_name: &'static str) -> ModelEntry {
        ModelEntry { table, type_name }
    }

    /// The model's table.
    pub fn table(&self) -> &'static Table {
        self.table
    }

    /// The model's Rust type name as written in its crate.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

inventory::collect!(ModelEntry);

/// Every registered model, including dbgen's own audit log model, sorted by
/// table name then type name.
pub fn entries() -> Vec<&'static ModelEntry> {
    let mut entries: Vec<&'static ModelEntry> = inventory::iter::<ModelEntry>.into_iter().collect();
    entries.sort_by(|a, b| (&a.table.name, a.type_name).cmp(&(&b.table.name, b.type_name)));
    entries
}

/// The schema of every model linked into the program, tables sorted by name.
/// The audit log's table (`audit_logs`) is included when any model has
/// `audit`. Two models with one table name are an error naming both.
pub fn schema() -> Result<Schema, Error> {
    schema_of(entries())
}

fn schema_of(entries: Vec<&'static ModelEntry>) -> Result<Schema, Error> {
    let audit_table = crate::audit::table();
    let wants_audit = entries.iter().any(|e| e.table.audit);
    let mut by_name: BTreeMap<&str, &ModelEntry> = BTreeMap::new();
    for entry in entries {
        if std::ptr::eq(entry.table, audit_table) && !wants_audit {
            continue;
        }
        if let Some(first) = by_name.insert(&entry.table.name, entry) {
            return Err(Error::DuplicateTable {
                table: entry.table.name.to_string(),
                first: first.type_name,
                second: entry.type_name,
            });
        }
    }
    Ok(Schema::new(
        by_name.values().map(|e| e.table.clone()).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, ColumnType};
    use std::borrow::Cow;

    static COLUMNS: [Column; 1] = [Column {
        name: Cow::Borrowed("id"),
        field: Cow::Borrowed("id"),
        ty: ColumnType::BigInt,
        nullable: false,
        default: None,
        auto_increment: true,
        sensitive: false,
        comment: None,
        renamed_from: None,
    }];

    const fn table(name: &'static str, audit: bool) -> Table {
        Table {
            name: Cow::Borrowed(name),
            columns: Cow::Borrowed(&COLUMNS),
            primary_key: None,
            indexes: Cow::Borrowed(&[]),
            foreign_keys: Cow::Borrowed(&[]),
            checks: Cow::Borrowed(&[]),
            comment: None,
            renamed_from: None,
            soft_delete: None,
            audit,
            timestamps: false,
        }
    }

    static A: Table = table("alpha", false);
    static A_AGAIN: Table = table("alpha", false);
    static B: Table = table("beta", true);
    static E_A: ModelEntry = ModelEntry::new(&A, "first::Alpha");
    static E_A2: ModelEntry = ModelEntry::new(&A_AGAIN, "second::Alpha");
    static E_B: ModelEntry = ModelEntry::new(&B, "Beta");

    fn audit_entry() -> &'static ModelEntry {
        entries()
            .into_iter()
            .find(|e| std::ptr::eq(e.table, crate::audit::table()))
            .unwrap_or_else(|| unreachable!("the audit log model registers itself"))
    }

    #[test]
    fn audit_table_only_when_a_model_audits() {
        let without = schema_of(vec![&E_A, audit_entry()]).unwrap_or_default();
        let names: Vec<&str> = without.tables.iter().map(|t| &*t.name).collect();
        assert_eq!(names, ["alpha"]);
        let with = schema_of(vec![&E_B, audit_entry(), &E_A]).unwrap_or_default();
        let names: Vec<&str> = with.tables.iter().map(|t| &*t.name).collect();
        assert_eq!(names, ["alpha", "audit_logs", "beta"]);
    }

    #[test]
    fn duplicate_table_names_name_both_models() {
        let err = schema_of(vec![&E_A, &E_A2])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`alpha`"), "{err}");
        assert!(
            err.contains("first::Alpha") && err.contains("second::Alpha"),
            "{err}"
        );
    }
}
