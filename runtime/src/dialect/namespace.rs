//! Names an engine keeps in one namespace for the whole database (or
//! schema), where two tables can clash although each model is fine on its
//! own: two models naming an index `idx_status`, or a name derived from
//! table `order_items` and column `user_id` equal to one derived from table
//! `order` and column `items_user_id`. The derive sees one model at a time,
//! so this is checked on the whole schema before a migration is written,
//! instead of the migration failing with "already exists".

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::Dialect;
use crate::Error;
use crate::schema::{Schema, Table};

/// Which kinds of names share the namespace, and whether the engine
/// compares them ignoring ASCII case.
struct Shared {
    engine: &'static str,
    kinds: &'static str,
    tables: bool,
    indexes: bool,
    primary_keys: bool,
    foreign_keys: bool,
    checks: bool,
    defaults: bool,
    fold_case: bool,
}

fn shared(dialect: Dialect) -> Shared {
    let none = Shared {
        engine: "",
        kinds: "",
        tables: false,
        indexes: false,
        primary_keys: false,
        foreign_keys: false,
        checks: false,
        defaults: false,
        fold_case: true,
    };
    match dialect {
        // pg_class: tables, indexes, and the index of each primary key.
        Dialect::Postgres => Shared {
            engine: "PostgreSQL",
            kinds: "table, index and primary key names in one namespace per schema",
            tables: true,
            indexes: true,
            primary_keys: true,
            fold_case: false,
            ..none
        },
        // sqlite_schema: tables and indexes, names compared ignoring case.
        Dialect::Sqlite => Shared {
            engine: "SQLite",
            kinds: "table and index names in one namespace per database, ignoring case",
            tables: true,
            indexes: true,
            ..none
        },
        // InnoDB's foreign key names are per database; index names are
        // per table. (MySQL 8 keeps check names per database too, but
        // MariaDB per table, and it takes two tables' checks of one name.)
        Dialect::MySql => Shared {
            engine: "MySQL/MariaDB",
            kinds: "foreign key names (InnoDB) in one namespace per database, ignoring case",
            foreign_keys: true,
            ..none
        },
        // sys.objects: tables and every constraint, defaults included;
        // index names are per table.
        Dialect::SqlServer => Shared {
            engine: "SQL Server",
            kinds: "table, primary key, foreign key, check and default names in one namespace per schema, ignoring case",
            tables: true,
            primary_keys: true,
            foreign_keys: true,
            checks: true,
            defaults: true,
            ..none
        },
    }
}

/// A name as the engine compares it, hashed without a lower-case copy.
#[derive(Clone, Copy)]
struct Key<'s> {
    name: &'s str,
    fold_case: bool,
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        if self.fold_case {
            self.name.eq_ignore_ascii_case(other.name)
        } else {
            self.name == other.name
        }
    }
}

impl Eq for Key<'_> {}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.fold_case {
            for byte in self.name.bytes() {
                state.write_u8(byte.to_ascii_lowercase());
            }
            state.write_u8(0xff);
        } else {
            self.name.hash(state);
        }
    }
}

/// Refuses two objects of `schema` that `dialect` keeps under one name.
pub(crate) fn check_shared_names(dialect: Dialect, schema: &Schema) -> Result<(), Error> {
    let rules = shared(dialect);
    // SQL Server's default constraints have derived names, which are
    // built here; everything else is borrowed from the schema.
    let defaults: Vec<(String, &str)> = if rules.defaults {
        schema
            .tables
            .iter()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.default().is_some())
                    .map(|c| (super::SqlServer::default_name(&t.name, &c.name), &*t.name))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut names = Names {
        rules: &rules,
        seen: HashMap::with_capacity(schema.tables.len() * 4),
    };
    for table in &schema.tables {
        if rules.fold_case {
            within_table(&rules, dialect, table)?;
        }
        if rules.tables {
            names.add("table", &table.name, &table.name)?;
        }
        if rules.primary_keys
            && let Some(pk) = &table.primary_key
        {
            names.add("primary key", &pk.name, &table.name)?;
        }
        if rules.indexes {
            for index in table.indexes.iter() {
                names.add("index", &index.name, &table.name)?;
            }
        }
        if rules.foreign_keys {
            for fk in table.foreign_keys.iter() {
                names.add("foreign key", &fk.name, &table.name)?;
            }
        }
        if rules.checks {
            for check in table.checks.iter() {
                names.add("check", &check.name, &table.name)?;
            }
        }
    }
    for (name, table) in &defaults {
        names.add("default", name, table)?;
    }
    Ok(())
}

/// An engine that compares names ignoring case refuses two columns of a
/// table whose names differ only in case ("duplicate column name"), and
/// MySQL and SQL Server two such indexes of a table (their index names
/// are per table; SQLite's are checked per database).
fn within_table(rules: &Shared, dialect: Dialect, table: &Table) -> Result<(), Error> {
    fn clash<'t>(names: &[&'t str]) -> Option<(&'t str, &'t str)> {
        names.iter().enumerate().find_map(|(i, a)| {
            names[..i]
                .iter()
                .find(|b| b.len() == a.len() && b.eq_ignore_ascii_case(a))
                .map(|b| (*b, *a))
        })
    }
    let columns: Vec<&str> = table.columns.iter().map(|c| &*c.name).collect();
    let indexes: Vec<&str> = match dialect {
        Dialect::MySql | Dialect::SqlServer => table.indexes.iter().map(|i| &*i.name).collect(),
        _ => Vec::new(),
    };
    for (kind, names) in [("column", columns), ("index", indexes)] {
        if let Some((first, second)) = clash(&names) {
            return Err(Error::Unsupported(format!(
                "{} compares names ignoring case: {kind}s `{first}` and `{second}` of `{}` would clash; give one of them another name",
                rules.engine, table.name
            )));
        }
    }
    Ok(())
}

/// `table `t`` or `index `i` of `t``.
fn described(kind: &str, name: &str, table: &str) -> String {
    if kind == "table" {
        format!("table `{name}`")
    } else {
        format!("{kind} `{name}` of `{table}`")
    }
}

/// The names seen so far, each with its kind and table.
struct Names<'r, 's> {
    rules: &'r Shared,
    seen: HashMap<Key<'s>, (&'static str, &'s str)>,
}

impl<'s> Names<'_, 's> {
    fn add(&mut self, kind: &'static str, name: &'s str, table: &'s str) -> Result<(), Error> {
        let key = Key {
            name,
            fold_case: self.rules.fold_case,
        };
        if let Some((other, &(other_kind, other_table))) = self.seen.get_key_value(&key) {
            return Err(Error::Unsupported(format!(
                "{} keeps {}: {} and {} would clash; give one of them another name (`name = \"...\"`, or another table name)",
                self.rules.engine,
                self.rules.kinds,
                described(kind, name, table),
                described(other_kind, other.name, other_table)
            )));
        }
        self.seen.insert(key, (kind, table));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Check, Column, ColumnType, Index, Table};

    fn table(name: &str, index: Option<&str>, check: Option<&str>) -> Table {
        Table {
            name: name.into(),
            columns: vec![Column::new("id", ColumnType::BigInt, false)].into(),
            primary_key: None,
            indexes: index
                .map(|n| Index {
                    name: n.into(),
                    columns: vec!["id".into()].into(),
                    unique: false,
                    live_rows: false,
                    predicate: None,
                })
                .into_iter()
                .collect::<Vec<_>>()
                .into(),
            foreign_keys: Vec::new().into(),
            checks: check
                .map(|n| Check {
                    name: n.into(),
                    expr: "id > 0".into(),
                })
                .into_iter()
                .collect::<Vec<_>>()
                .into(),
            comment: None,
            renamed_from: None,
            soft_delete: None,
            audit: false,
            timestamps: false,
        }
    }

    fn refused(dialect: Dialect, tables: Vec<Table>) -> Option<String> {
        check_shared_names(dialect, &Schema::new(tables))
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn each_engine_refuses_the_names_it_keeps_per_database() {
        use Dialect::{MySql, Postgres, SqlServer, Sqlite};
        let two_indexes = || {
            vec![
                table("a", Some("idx_x"), None),
                table("b", Some("idx_x"), None),
            ]
        };
        let two_checks = || {
            vec![
                table("a", None, Some("chk_x")),
                table("b", None, Some("chk_x")),
            ]
        };
        for (dialect, indexes, checks) in [
            (Postgres, true, false),
            (Sqlite, true, false),
            (MySql, false, false),
            (SqlServer, false, true),
        ] {
            let index_error = refused(dialect, two_indexes());
            assert_eq!(index_error.is_some(), indexes, "{dialect}: {index_error:?}");
            let check_error = refused(dialect, two_checks());
            assert_eq!(check_error.is_some(), checks, "{dialect}: {check_error:?}");
        }
        let message = refused(Postgres, two_indexes()).unwrap_or_default();
        assert!(
            message.contains("index `idx_x` of `b` and index `idx_x` of `a` would clash"),
            "{message}"
        );
        // An index named like a table.
        assert!(
            refused(
                Postgres,
                vec![table("a", Some("b"), None), table("b", None, None)]
            )
            .is_some()
        );
    }

    #[test]
    fn innodb_keeps_foreign_key_names_per_database() {
        let keyed = |name: &str| {
            let mut t = table(name, None, None);
            t.foreign_keys = vec![crate::schema::ForeignKey {
                name: "FK_X".into(),
                columns: vec!["id".into()].into(),
                ref_table: "parents".into(),
                ref_columns: vec!["id".into()].into(),
                on_delete: crate::schema::FkAction::NoAction,
                on_update: crate::schema::FkAction::NoAction,
            }]
            .into();
            t
        };
        let mut second = keyed("b");
        second.foreign_keys.to_mut()[0].name = "fk_x".into();
        let message = refused(Dialect::MySql, vec![keyed("a"), second]).unwrap_or_default();
        assert!(
            message.contains("foreign key `fk_x` of `b` and foreign key `FK_X` of `a`"),
            "{message}"
        );
        assert_eq!(
            refused(Dialect::Postgres, vec![keyed("a"), keyed("b")]),
            None
        );
    }

    #[test]
    fn columns_of_one_name_but_for_case_clash_where_case_is_ignored() {
        let mut t = table("people", Some("IDX"), None);
        t.columns
            .to_mut()
            .push(Column::new("ID", ColumnType::Text, true));
        for dialect in [Dialect::Sqlite, Dialect::MySql, Dialect::SqlServer] {
            let message = refused(dialect, vec![t.clone()]).unwrap_or_default();
            assert!(
                message.contains("columns `id` and `ID` of `people`"),
                "{dialect}: {message}"
            );
        }
        assert_eq!(refused(Dialect::Postgres, vec![t]), None);
        // Index names per table, where the engine keeps them so.
        let mut t = table("people", Some("IDX"), None);
        let mut other = t.indexes[0].clone();
        other.name = "idx".into();
        t.indexes.to_mut().push(other);
        for (dialect, clash) in [
            (Dialect::MySql, true),
            (Dialect::SqlServer, true),
            (Dialect::Sqlite, true),
            (Dialect::Postgres, false),
        ] {
            assert_eq!(
                refused(dialect, vec![t.clone()]).is_some(),
                clash,
                "{dialect}"
            );
        }
    }

    #[test]
    fn case_counts_where_the_engine_counts_it() {
        let tables = || {
            vec![
                table("a", Some("IDX_X"), None),
                table("b", Some("idx_x"), None),
            ]
        };
        assert_eq!(refused(Dialect::Postgres, tables()), None);
        assert!(refused(Dialect::Sqlite, tables()).is_some());
    }

    #[test]
    fn sql_server_defaults_are_named_objects() {
        // `df_a_b_id` from table `a_b`, column `id`, and from table `a`,
        // column `b_id`: derived names can clash across tables.
        let mut first = table("a_bs", None, None);
        first.columns.to_mut()[0].set_default(Some("0".into()));
        let mut second = table("a", None, None);
        second.columns.to_mut()[0] = Column::new("bs_id", ColumnType::BigInt, false);
        second.columns.to_mut()[0].set_default(Some("0".into()));
        let message = refused(Dialect::SqlServer, vec![first, second]).unwrap_or_default();
        assert!(message.contains("default `df_a_bs_id`"), "{message}");
        assert!(message.contains("SQL Server"), "{message}");
    }
}
