//! What every schema dbgen works from must hold: names that are unique
//! where the engines need them unique, and keys and indexes that name
//! columns the table has.
//!
//! The derive checks each model at compile time, so the registry's schema
//! holds it by construction. A schema read from JSON may not: a snapshot
//! edited by hand, or a merge of two branches that both touched
//! `dbgen.schema.json`, can list a table twice or an index over a column
//! that is gone. Diffing against such a schema writes a migration for a
//! database that does not exist (a table listed twice was dropped), so it
//! is refused when it is read.

use super::names::check_identifier;
use super::{ByName, Schema, Str, Table};

impl Schema {
    /// Checks that the schema is consistent: table names unique, each table
    /// with columns of unique names, and its primary key, indexes, foreign
    /// keys and soft-delete column naming columns it has (and a foreign key
    /// to a table of the schema, columns that table has). Returns a
    /// sentence naming the first problem.
    pub fn check(&self) -> Result<(), String> {
        let mut names: Vec<&str> = self.tables.iter().map(|t| &*t.name).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("table `{}` is listed twice", pair[0]));
        }
        let by_name = ByName::of(self);
        for table in &self.tables {
            check_table(&by_name, table)
                .map_err(|problem| format!("table `{}`: {problem}", table.name))?;
        }
        Ok(())
    }
}

fn check_table(tables: &ByName<'_>, table: &Table) -> Result<(), String> {
    check_identifier(&table.name).map_err(|p| p.describe("the table", &table.name))?;
    if table.columns.is_empty() {
        return Err("it has no columns".into());
    }
    for (i, column) in table.columns.iter().enumerate() {
        check_identifier(&column.name).map_err(|p| p.describe("a column", &column.name))?;
        if table.columns[..i].iter().any(|c| c.name == column.name) {
            return Err(format!("column `{}` is listed twice", column.name));
        }
    }
    let has = |what: &str, columns: &[Str]| -> Result<(), String> {
        if columns.is_empty() {
            return Err(format!("{what} names no column"));
        }
        for (i, column) in columns.iter().enumerate() {
            if table.column(column).is_none() {
                return Err(format!(
                    "{what} names column `{column}`, which the table does not have"
                ));
            }
            if columns[..i].contains(column) {
                return Err(format!("{what} names column `{column}` twice"));
            }
        }
        Ok(())
    };
    if let Some(pk) = &table.primary_key {
        has(&format!("primary key `{}`", pk.name), &pk.columns)?;
    }
    for (i, index) in table.indexes.iter().enumerate() {
        check_identifier(&index.name).map_err(|p| p.describe("an index", &index.name))?;
        if table.indexes[..i].iter().any(|x| x.name == index.name) {
            return Err(format!("index `{}` is listed twice", index.name));
        }
        has(&format!("index `{}`", index.name), &index.columns)?;
    }
    for (i, fk) in table.foreign_keys.iter().enumerate() {
        check_identifier(&fk.name).map_err(|p| p.describe("a foreign key", &fk.name))?;
        if table.foreign_keys[..i].iter().any(|x| x.name == fk.name) {
            return Err(format!("foreign key `{}` is listed twice", fk.name));
        }
        let what = format!("foreign key `{}`", fk.name);
        has(&what, &fk.columns)?;
        if fk.columns.len() != fk.ref_columns.len() {
            return Err(format!(
                "{what} has {} column(s) and references {}",
                fk.columns.len(),
                fk.ref_columns.len()
            ));
        }
        check_identifier(&fk.ref_table)
            .map_err(|p| p.describe("a referenced table", &fk.ref_table))?;
        // A table the schema does not hold is the user's own.
        if let Some(parent) = tables.table(&fk.ref_table)
            && let Some(missing) = fk.ref_columns.iter().find(|c| parent.column(c).is_none())
        {
            return Err(format!(
                "{what} references column `{missing}` of `{}`, which that table does not have",
                parent.name
            ));
        }
    }
    for (i, check) in table.checks.iter().enumerate() {
        check_identifier(&check.name).map_err(|p| p.describe("a check", &check.name))?;
        if table.checks[..i].iter().any(|x| x.name == check.name) {
            return Err(format!("check `{}` is listed twice", check.name));
        }
    }
    if let Some(pk) = &table.primary_key {
        check_identifier(&pk.name).map_err(|p| p.describe("the primary key", &pk.name))?;
    }
    if let Some(soft) = &table.soft_delete
        && table.column(soft).is_none()
    {
        return Err(format!(
            "its soft-delete column `{soft}` is not one of its columns"
        ));
    }
    Ok(())
}
