//! Every model linked into the program, collected at start-up without any
//! registration code: `#[derive(Model)]` submits a [`ModelEntry`].

use std::collections::BTreeMap;
use std::sync::{OnceLock, RwLock};

use crate::Error;
use crate::model::meta::Meta;
use crate::schema::{ColumnType, Schema, Table};
use crate::value::Kind;

/// A model's table definition as the derive emits it: the table as JSON
/// (column types left out), the field codecs that give each column's
/// `(type, nullable, kind)` from its field type, and the few columns whose
/// attributes override that. Decoded once, on first use. Keeping the
/// generated code to one string and a short list keeps compile time per
/// model low.
///
/// Plain data (no cell, no constructor call) so that rustc has as little as
/// possible to evaluate per model; decoded tables are cached in one map.
pub struct ModelDef {
    #[doc(hidden)]
    pub type_name: &'static str,
    #[doc(hidden)]
    pub json: &'static str,
    /// Each column's `(type, nullable, kind)` from its field type.
    #[doc(hidden)]
    pub columns: &'static dyn crate::__private::Columns,
    /// `(column index, explicit type, nullable)` where attributes override
    /// the field type's column (`type = "..."`, `size`, `nullable`).
    #[doc(hidden)]
    pub overrides: &'static [(usize, Option<ColumnType>, bool)],
}

impl std::fmt::Debug for ModelDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelDef")
            .field("type_name", &self.type_name)
            .field("json", &self.json)
            .finish_non_exhaustive()
    }
}

type Decoded = Result<&'static Meta, String>;

/// Decoded tables by the address of their (static) definition.
/// Read-mostly: after each model's first use every lookup is a shared read.
fn cache() -> &'static RwLock<BTreeMap<usize, Decoded>> {
    static CACHE: OnceLock<RwLock<BTreeMap<usize, Decoded>>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(BTreeMap::new()))
}

impl ModelDef {
    /// Used in tests; the derive writes the struct literal.
    #[doc(hidden)]
    pub const fn new(
        type_name: &'static str,
        json: &'static str,
        columns: &'static dyn crate::__private::Columns,
    ) -> ModelDef {
        ModelDef {
            type_name,
            json,
            columns,
            overrides: &[],
        }
    }

    fn decoded(&'static self) -> Decoded {
        let key = self as *const ModelDef as usize;
        let found = match cache().read() {
            Ok(map) => map.get(&key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(&key).cloned(),
        };
        if let Some(decoded) = found {
            return decoded;
        }
        let mut map = match cache().write() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(key)
            // One table per model for the life of the program, like a
            // `static`: leaking it is what gives it the `'static` lifetime.
            .or_insert_with(|| decode(self).map(|m| &*Box::leak(Box::new(m))))
            .clone()
    }

    /// The model's Rust type name as written in its crate.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The model's table, or why its definition could not be read (only
    /// possible when `dbgen` and `dbgen-macros` versions differ).
    pub fn try_table(&'static self) -> Result<&'static Table, Error> {
        self.meta().map(|m| &m.table)
    }

    /// The table with the column roles the runtime helpers use.
    #[doc(hidden)]
    pub fn meta(&'static self) -> Result<&'static Meta, Error> {
        self.decoded().map_err(|message| Error::ModelDefinition {
            model: self.type_name,
            message,
        })
    }

    /// The model's table. A definition that cannot be read (see
    /// [`ModelDef::try_table`]) yields an empty table named after nothing;
    /// [`schema`] reports the error.
    pub fn table(&'static self) -> &'static Table {
        self.try_table()
            .unwrap_or_else(|_| crate::__private::stub_table())
    }
}

fn decode(def: &ModelDef) -> Result<Meta, String> {
    let mut table: Table = serde_json::from_str(def.json).map_err(|e| e.to_string())?;
    let mut columns: Vec<(ColumnType, bool, Kind)> = Vec::with_capacity(table.columns.len());
    def.columns.push_columns(&mut columns);
    if table.columns.len() != columns.len() {
        return Err(format!(
            "{} columns described, {} typed",
            table.columns.len(),
            columns.len()
        ));
    }
    for &(index, ty, nullable) in def.overrides {
        let Some(column) = columns.get_mut(index) else {
            return Err(format!("no column {index} to override"));
        };
        if let Some(ty) = ty {
            column.0 = ty;
        }
        column.1 = nullable;
    }
    for (column, &(ty, nullable, _)) in table.columns.to_mut().iter_mut().zip(&columns) {
        column.ty = ty;
        column.nullable = nullable;
    }
    Ok(Meta::new(table, columns.iter().map(|c| c.2).collect()))
}

/// What `#[derive(Model)]` submits to the registry.
#[derive(Debug)]
pub struct ModelEntry(&'static ModelDef);

impl ModelEntry {
    /// Used by the derive; not for hand-written code.
    #[doc(hidden)]
    pub const fn new(def: &'static ModelDef) -> ModelEntry {
        ModelEntry(def)
    }
}

inventory::collect!(ModelEntry);

/// Every registered model, including dbgen's own audit log model, in a
/// stable order (by type name, then definition).
pub fn models() -> Vec<&'static ModelDef> {
    let mut models: Vec<&'static ModelDef> = inventory::iter::<ModelEntry>
        .into_iter()
        .map(|e| e.0)
        .collect();
    models.sort_by(|a, b| (a.type_name, a.json).cmp(&(b.type_name, b.json)));
    models
}

/// The schema of every model linked into the program, tables sorted by name.
/// The audit log's table (`audit_logs`) is included when any model has
/// `audit`. Two models with one table name are an error naming both.
pub fn schema() -> Result<Schema, Error> {
    let mut tables = Vec::new();
    for model in models() {
        tables.push((model.type_name, model.try_table()?));
    }
    schema_of(tables)
}

fn schema_of(tables: Vec<(&'static str, &'static Table)>) -> Result<Schema, Error> {
    let audit_table = crate::audit::table();
    let wants_audit = tables.iter().any(|(_, t)| t.audit);
    let mut by_name: BTreeMap<&str, (&'static str, &'static Table)> = BTreeMap::new();
    for (type_name, table) in tables {
        if std::ptr::eq(table, audit_table) && !wants_audit {
            continue;
        }
        if let Some((first, _)) = by_name.insert(&table.name, (type_name, table)) {
            let (first, second) = if first <= type_name {
                (first, type_name)
            } else {
                (type_name, first)
            };
            return Err(Error::DuplicateTable {
                table: table.name.to_string(),
                first,
                second,
            });
        }
    }
    for (type_name, table) in by_name.values() {
        check_foreign_keys(type_name, table, |name| by_name.get(name).map(|(_, t)| *t))?;
    }
    Ok(Schema::new(
        by_name.values().map(|(_, t)| (*t).clone()).collect(),
    ))
}

/// Each foreign key of `table` (model `model`) against the model table it
/// references, found by `lookup`: the columns exist, have the same types
/// (MySQL and SQL Server refuse a key between different types), and are
/// the referenced table's key or a unique index that holds over every row.
/// Found here, a typo is an error at `cargo dbgen diff` naming the model,
/// not a failed migration. A table no model defines is the user's own.
fn check_foreign_keys<'t>(
    model: &'static str,
    table: &Table,
    lookup: impl Fn(&str) -> Option<&'t Table>,
) -> Result<(), Error> {
    for fk in table.foreign_keys.iter() {
        let Some(parent) = lookup(&fk.ref_table) else {
            continue;
        };
        let target = format!("{}({})", fk.ref_table, fk.ref_columns.join(", "));
        let error = |problem: String| Error::ForeignKey {
            model,
            key: fk.name.to_string(),
            target: target.clone(),
            problem,
        };
        if let Some(missing) = fk.ref_columns.iter().find(|c| parent.column(c).is_none()) {
            return Err(error(format!(
                "`{}` has no column `{missing}`; name one of its columns in `references`",
                parent.name
            )));
        }
        for (own, theirs) in fk.columns.iter().zip(fk.ref_columns.iter()) {
            let (Some(own), Some(theirs)) = (table.column(own), parent.column(theirs)) else {
                continue;
            };
            if own.ty != theirs.ty {
                return Err(error(format!(
                    "`{}.{}` is `{}` and `{}.{}` is `{}`; give the field the referenced column's type (MySQL and SQL Server refuse a key between two types)",
                    table.name, own.name, own.ty, parent.name, theirs.name, theirs.ty
                )));
            }
        }
        let same = |columns: &[crate::schema::Str]| {
            columns.len() == fk.ref_columns.len()
                && columns.iter().all(|c| fk.ref_columns.contains(c))
        };
        let keyed = parent
            .primary_key
            .as_ref()
            .is_some_and(|pk| same(&pk.columns))
            || parent.indexes.iter().any(|index| {
                index.unique
                    && !index.live_rows
                    && index.predicate.is_none()
                    && same(&index.columns)
            });
        if !keyed {
            return Err(error(format!(
                "that is neither `{}`'s primary key nor unique over every row (a unique column of a soft-delete model is unique among live rows only); reference the primary key",
                parent.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static ALPHA: ModelDef = ModelDef::new(
        "first::Alpha",
        r#"{"name":"alpha","columns":[{"name":"id","field":"id","type":"text","nullable":false}]}"#,
        &[(ColumnType::BigInt, false, Kind::I64)],
    );
    static ALPHA_AGAIN: ModelDef = ModelDef::new(
        "second::Alpha",
        r#"{"name":"alpha","columns":[{"name":"id","field":"id","type":"text","nullable":false}]}"#,
        &[(ColumnType::Integer, false, Kind::I32)],
    );
    static BETA: ModelDef = ModelDef::new(
        "Beta",
        r#"{"name":"beta","columns":[{"name":"id","field":"id","type":"text","nullable":false}],"audit":true}"#,
        &[(ColumnType::Uuid, true, Kind::Uuid)],
    );
    static BROKEN: ModelDef = ModelDef::new(
        "Broken",
        r#"{"name":"broken","columns":[]}"#,
        &[(ColumnType::Uuid, true, Kind::Uuid)],
    );

    fn entry(def: &'static ModelDef) -> (&'static str, &'static Table) {
        (def.type_name, def.table())
    }

    fn audit() -> (&'static str, &'static Table) {
        ("AuditLog", crate::audit::table())
    }

    #[test]
    fn column_types_come_from_the_typed_array() {
        let beta = BETA.table();
        assert_eq!(
            (beta.columns[0].ty, beta.columns[0].nullable),
            (ColumnType::Uuid, true)
        );
        assert!(beta.audit);
        assert!(std::ptr::eq(BETA.table(), beta), "decoded once");
    }

    #[test]
    fn audit_table_only_when_a_model_audits() {
        let without = schema_of(vec![entry(&ALPHA), audit()]).unwrap_or_default();
        let names: Vec<&str> = without.tables.iter().map(|t| &*t.name).collect();
        assert_eq!(names, ["alpha"]);
        let with = schema_of(vec![entry(&BETA), audit(), entry(&ALPHA)]).unwrap_or_default();
        let names: Vec<&str> = with.tables.iter().map(|t| &*t.name).collect();
        assert_eq!(names, ["alpha", "audit_logs", "beta"]);
    }

    #[test]
    fn duplicate_table_names_name_both_models() {
        let err = schema_of(vec![entry(&ALPHA_AGAIN), entry(&ALPHA)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("`alpha`"), "{err}");
        assert!(err.contains("`first::Alpha` and `second::Alpha`"), "{err}");
    }

    #[test]
    fn a_foreign_key_must_fit_the_model_it_references() -> Result<(), serde_json::Error> {
        let users: Table = serde_json::from_str(
            r#"{"name":"users","columns":[
                {"name":"id","field":"id","type":"bigint","nullable":false},
                {"name":"email","field":"email","type":"varchar(255)","nullable":false},
                {"name":"handle","field":"handle","type":"varchar(40)","nullable":false},
                {"name":"deleted_at","field":"deleted_at","type":"timestamptz","nullable":true}],
              "primary_key":{"name":"pk_users","columns":["id"]},
              "indexes":[{"name":"uq_users_email","columns":["email"],"unique":true},
                         {"name":"uq_users_handle","columns":["handle"],"unique":true,"live_rows":true}],
              "soft_delete":"deleted_at"}"#,
        )?;
        let mut unindexed = users.clone();
        unindexed.indexes = Vec::new().into();
        let posts = |column: &str, ty: &str, reference: &str, to: &str| {
            serde_json::from_str::<Table>(&format!(
                r#"{{"name":"posts","columns":[
                    {{"name":"id","field":"id","type":"bigint","nullable":false}},
                    {{"name":"{column}","field":"{column}","type":"{ty}","nullable":false}}],
                  "foreign_keys":[{{"name":"fk_posts_{column}","columns":["{column}"],
                    "ref_table":"{to}","ref_columns":["{reference}"]}}]}}"#
            ))
        };
        let check = |table: &Table, parent: &Table| {
            check_foreign_keys("blog::Post", table, |name| {
                (name == "users").then_some(parent)
            })
            .err()
            .map(|e| e.to_string())
        };
        // The key, a unique column, and a table no model defines.
        for fits in [
            posts("author_id", "bigint", "id", "users")?,
            posts("author_email", "varchar(255)", "email", "users")?,
            posts("legacy_id", "integer", "id", "legacy")?,
        ] {
            assert_eq!(check(&fits, &users), None);
        }
        for (table, parent, says) in [
            (
                posts("author_id", "bigint", "uid", "users")?,
                &users,
                "has no column `uid`",
            ),
            (
                posts("author_id", "integer", "id", "users")?,
                &users,
                "is `integer` and `users.id` is `bigint`",
            ),
            (
                posts("author_handle", "varchar(40)", "handle", "users")?,
                &users,
                "unique among live rows only",
            ),
            (
                posts("author_email", "varchar(255)", "email", "users")?,
                &unindexed,
                "neither `users`'s primary key nor unique",
            ),
        ] {
            let err = check(&table, parent).unwrap_or_default();
            assert!(err.contains("model `blog::Post`"), "{err}");
            assert!(err.contains("references `users("), "{err}");
            assert!(err.contains(says), "{err}");
        }
        Ok(())
    }

    #[test]
    fn an_unreadable_definition_is_an_error_not_a_panic() {
        let err = BROKEN
            .try_table()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("Broken") && err.contains("0 columns described, 1 typed"),
            "{err}"
        );
        assert!(BROKEN.table().columns.is_empty());
    }
}
