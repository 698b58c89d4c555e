//! Random migration cases from fixed seeds: a schema of a few tables (typed
//! columns, defaults, comments, indexes, unique, live-rows and partial
//! indexes, foreign keys with actions, checks, soft delete), and the same
//! schema after a few random edits a user makes to their models (columns
//! added, dropped, retyped, made optional or required, renamed by hint;
//! defaults and comments changed; indexes, keys and checks added, dropped
//! and changed (unique or not, another action); soft delete switched;
//! tables added, dropped and renamed by hint). Every name follows the
//! derive's conventions, so a renamed table or column renames what is
//! named after it.
//!
//! The same seed gives the same cases on every run.

use dbgen::dialect::Dialect;
use dbgen::schema::{Column, ColumnType as Ty, FkAction, Schema};

use super::cases::Case;
use super::{T, schema, table};

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, X>(&mut self, items: &'a [X]) -> Option<&'a X> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

#[derive(Debug, Clone)]
struct ColSpec {
    name: String,
    ty: Ty,
    nullable: bool,
    default: Option<&'static str>,
    comment: Option<String>,
    was: Option<String>,
}

#[derive(Debug, Clone)]
struct FkSpec {
    column: String,
    parent: String,
    action: FkAction,
}

#[derive(Debug, Clone)]
struct TableSpec {
    name: String,
    was: Option<String>,
    cols: Vec<ColSpec>,
    /// Key columns and whether unique.
    indexes: Vec<(Vec<String>, bool)>,
    /// Partial indexes: name, key column, the column whose rows it holds
    /// (`... IS NOT NULL`).
    partials: Vec<(String, String, String)>,
    fks: Vec<FkSpec>,
    /// (check name, checked column)
    checks: Vec<(String, String)>,
    soft_delete: bool,
    comment: Option<String>,
}

/// Types a column may have, and what a default of it looks like.
const TYPES: [(Ty, Option<&str>); 9] = [
    (Ty::Integer, Some("0")),
    (Ty::BigInt, Some("7")),
    (Ty::Varchar(40), Some("'x'")),
    (Ty::Varchar(80), None),
    (Ty::Boolean, Some("false")),
    (Ty::Timestamp, None),
    (
        Ty::Decimal {
            precision: 10,
            scale: 2,
        },
        Some("0"),
    ),
    (Ty::Date, None),
    (Ty::Text, None),
];

/// Whether every engine can key an index on the type.
fn indexable(ty: Ty) -> bool {
    !matches!(ty, Ty::Text)
}

/// Another type a column of `ty` may become.
fn retype(ty: Ty, rng: &mut Rng) -> Ty {
    match ty {
        Ty::Integer => Ty::BigInt,
        Ty::BigInt => Ty::Integer,
        Ty::Varchar(40) => Ty::Varchar(80),
        Ty::Varchar(_) => Ty::Varchar(if rng.chance(50) { 40 } else { 120 }),
        Ty::Timestamp => Ty::TimestampTz,
        Ty::TimestampTz => Ty::Timestamp,
        Ty::Decimal { .. } => Ty::Decimal {
            precision: 12,
            scale: 4,
        },
        other => other,
    }
}

struct Gen {
    rng: Rng,
    /// Whether to write partial indexes (every dialect but MySQL has them).
    partial: bool,
    /// Numbers names apart.
    serial: usize,
}

impl Gen {
    fn fresh(&mut self, prefix: &str) -> String {
        self.serial += 1;
        format!("{prefix}{}", self.serial)
    }

    fn column(&mut self) -> ColSpec {
        let (ty, default) = TYPES[self.rng.below(TYPES.len())];
        let nullable = self.rng.chance(50);
        ColSpec {
            name: self.fresh("c"),
            ty,
            nullable,
            default: default.filter(|_| !nullable && self.rng.chance(50)),
            comment: None,
            was: None,
        }
    }

    fn table(&mut self, others: &[TableSpec]) -> TableSpec {
        let mut t = TableSpec {
            name: self.fresh("t"),
            was: None,
            cols: (0..1 + self.rng.below(4)).map(|_| self.column()).collect(),
            indexes: Vec::new(),
            partials: Vec::new(),
            fks: Vec::new(),
            checks: Vec::new(),
            soft_delete: self.rng.chance(30),
            comment: None,
        };
        for _ in 0..self.rng.below(3) {
            self.add_index(&mut t);
        }
        if self.rng.chance(60)
            && let Some(parent) = self.rng.pick(others).map(|p| p.name.clone())
        {
            self.add_fk(&mut t, parent, true);
        }
        if self.rng.chance(30) {
            self.add_check(&mut t);
        }
        t
    }

    fn add_partial(&mut self, t: &mut TableSpec) {
        let plain: Vec<String> = t
            .cols
            .iter()
            .filter(|c| indexable(c.ty) && !is_fk(t, &c.name))
            .map(|c| c.name.clone())
            .collect();
        if let (Some(column), Some(holds)) = (
            self.rng.pick(&plain).cloned(),
            self.rng.pick(&plain).cloned(),
        ) {
            let name = self.fresh("pix_");
            t.partials.push((name, column, holds));
        }
    }

    fn add_index(&mut self, t: &mut TableSpec) {
        if self.partial && self.rng.chance(25) {
            self.add_partial(t);
            return;
        }
        let candidates: Vec<String> = t
            .cols
            .iter()
            .filter(|c| indexable(c.ty))
            .map(|c| c.name.clone())
            .collect();
        let Some(first) = self.rng.pick(&candidates).cloned() else {
            return;
        };
        let mut columns = vec![first];
        if self.rng.chance(30)
            && let Some(second) = self.rng.pick(&candidates).cloned()
            && !columns.contains(&second)
        {
            columns.push(second);
        }
        if !t.indexes.iter().any(|(c, _)| *c == columns) {
            let unique = self.rng.chance(50);
            t.indexes.push((columns, unique));
        }
    }

    /// A foreign key to `parent`; a required one only to an earlier
    /// table (`required`), so every schema can hold a row in each table.
    fn add_fk(&mut self, t: &mut TableSpec, parent: String, required: bool) {
        let nullable = !required || self.rng.chance(60);
        let actions: &[FkAction] = if nullable {
            &[
                FkAction::NoAction,
                FkAction::Cascade,
                FkAction::SetNull,
                FkAction::Restrict,
            ]
        } else {
            &[FkAction::NoAction, FkAction::Cascade, FkAction::Restrict]
        };
        let action = self
            .rng
            .pick(actions)
            .copied()
            .unwrap_or(FkAction::NoAction);
        let column = self.fresh(&format!("{parent}_ref"));
        t.cols.push(ColSpec {
            name: column.clone(),
            ty: Ty::BigInt,
            nullable,
            default: None,
            comment: None,
            was: None,
        });
        t.fks.push(FkSpec {
            column,
            parent,
            action,
        });
    }

    fn add_check(&mut self, t: &mut TableSpec) {
        let numeric: Vec<String> = t
            .cols
            .iter()
            .filter(|c| matches!(c.ty, Ty::Integer | Ty::BigInt) && !is_fk(t, &c.name))
            .map(|c| c.name.clone())
            .collect();
        if let Some(column) = self.rng.pick(&numeric).cloned()
            && !t.checks.iter().any(|(_, c)| *c == column)
        {
            let name = self.fresh("chk_");
            t.checks.push((name, column));
        }
    }

    /// One random edit of `tables`.
    fn edit(&mut self, tables: &mut Vec<TableSpec>) {
        let Some(ti) = (!tables.is_empty()).then(|| self.rng.below(tables.len())) else {
            let t = self.table(&[]);
            tables.push(t);
            return;
        };
        match self.rng.below(19) {
            0 => {
                let c = self.column();
                tables[ti].cols.push(c);
            }
            1 => {
                // Drop a plain column, and what uses it.
                let t = &mut tables[ti];
                let plain: Vec<String> = t
                    .cols
                    .iter()
                    .filter(|c| !is_fk(t, &c.name))
                    .map(|c| c.name.clone())
                    .collect();
                if plain.len() > 1
                    && let Some(name) = self.rng.pick(&plain).cloned()
                {
                    t.cols.retain(|c| c.name != name);
                    t.indexes.retain(|(cols, _)| !cols.contains(&name));
                    t.partials.retain(|(_, c, p)| *c != name && *p != name);
                    t.checks.retain(|(_, c)| *c != name);
                }
            }
            2 => {
                let t = &mut tables[ti];
                let i = self.rng.below(t.cols.len());
                if !is_fk(t, &t.cols[i].name) {
                    let ty = retype(t.cols[i].ty, &mut self.rng);
                    let checked = t.checks.iter().any(|(_, c)| *c == t.cols[i].name);
                    if !checked || matches!(ty, Ty::Integer | Ty::BigInt) {
                        t.cols[i].ty = ty;
                        if TYPES.iter().all(|(t2, _)| *t2 != ty) {
                            t.cols[i].default = None;
                        }
                    }
                }
            }
            3 => {
                // Optional <-> required (not a key's column: SET NULL
                // wants it optional).
                let t = &mut tables[ti];
                let i = self.rng.below(t.cols.len());
                if !is_fk(t, &t.cols[i].name) {
                    t.cols[i].nullable = !t.cols[i].nullable;
                    if t.cols[i].nullable {
                        t.cols[i].default = None;
                    } else if self.rng.chance(50) {
                        // Made required with a default: its NULLs take it.
                        let ty = t.cols[i].ty;
                        t.cols[i].default = TYPES
                            .iter()
                            .find(|(t2, _)| *t2 == ty)
                            .and_then(|(_, default)| *default);
                    }
                }
            }
            4 => {
                // Rename a column by hint.
                let new = self.fresh("r");
                let t = &mut tables[ti];
                let i = self.rng.below(t.cols.len());
                let old = t.cols[i].name.clone();
                if t.cols[i].was.is_none() {
                    t.cols[i].was = Some(old.clone());
                    t.cols[i].name = new.clone();
                    let rename = |c: &mut String| {
                        if *c == old {
                            *c = new.clone();
                        }
                    };
                    t.indexes
                        .iter_mut()
                        .for_each(|(cols, _)| cols.iter_mut().for_each(rename));
                    t.fks.iter_mut().for_each(|fk| rename(&mut fk.column));
                    t.checks.iter_mut().for_each(|(_, c)| rename(c));
                    t.partials.iter_mut().for_each(|(_, c, p)| {
                        rename(c);
                        rename(p);
                    });
                }
            }
            5 => self.add_index(&mut tables[ti]),
            6 => {
                let t = &mut tables[ti];
                if !t.partials.is_empty() && self.rng.chance(30) {
                    let i = self.rng.below(t.partials.len());
                    t.partials.remove(i);
                } else if !t.indexes.is_empty() {
                    let i = self.rng.below(t.indexes.len());
                    t.indexes.remove(i);
                }
            }
            7 => {
                let parent = tables[self.rng.below(tables.len())].name.clone();
                self.add_fk(&mut tables[ti], parent, false);
            }
            8 => {
                let t = &mut tables[ti];
                if !t.fks.is_empty() {
                    let fk = t.fks.remove(self.rng.below(t.fks.len()));
                    if self.rng.chance(50) {
                        t.cols.retain(|c| c.name != fk.column);
                        t.indexes.retain(|(cols, _)| !cols.contains(&fk.column));
                    }
                }
            }
            9 => {
                if self.rng.chance(50) {
                    self.add_check(&mut tables[ti]);
                } else {
                    tables[ti].checks.pop();
                }
            }
            10 => tables[ti].soft_delete = !tables[ti].soft_delete,
            14 => {
                // A default set or taken away.
                let t = &mut tables[ti];
                let i = self.rng.below(t.cols.len());
                let c = &mut t.cols[i];
                let default = TYPES
                    .iter()
                    .find(|(ty, _)| *ty == c.ty)
                    .and_then(|(_, d)| *d);
                c.default = match c.default {
                    Some(_) => None,
                    None => default,
                };
            }
            17 => {
                // A key's action changed (SET NULL only on an optional
                // column).
                let t = &mut tables[ti];
                if !t.fks.is_empty() {
                    let i = self.rng.below(t.fks.len());
                    let nullable = t
                        .cols
                        .iter()
                        .any(|c| c.name == t.fks[i].column && c.nullable);
                    let actions: &[FkAction] = if nullable {
                        &[FkAction::NoAction, FkAction::Cascade, FkAction::SetNull]
                    } else {
                        &[FkAction::NoAction, FkAction::Cascade, FkAction::Restrict]
                    };
                    if let Some(action) = self.rng.pick(actions) {
                        t.fks[i].action = *action;
                    }
                }
            }
            18 => {
                // An index made unique, or plain.
                let t = &mut tables[ti];
                if !t.indexes.is_empty() {
                    let i = self.rng.below(t.indexes.len());
                    t.indexes[i].1 = !t.indexes[i].1;
                }
            }
            16 => {
                // The table's comment written, changed or taken away.
                let text = format!("table's note {}", self.serial);
                let t = &mut tables[ti];
                t.comment = match t.comment {
                    Some(_) if self.rng.chance(50) => None,
                    _ => Some(text),
                };
            }
            15 => {
                // A comment written, changed or taken away.
                let text = format!("note {} it's", self.serial);
                let t = &mut tables[ti];
                let i = self.rng.below(t.cols.len());
                t.cols[i].comment = match t.cols[i].comment {
                    Some(_) if self.rng.chance(50) => None,
                    _ => Some(text),
                };
            }
            11 => {
                let others = tables.clone();
                let t = self.table(&others);
                tables.push(t);
            }
            12 => {
                // Drop a table and the keys that reference it.
                let gone = tables.remove(ti).name;
                for t in tables.iter_mut() {
                    let refs: Vec<String> = t
                        .fks
                        .iter()
                        .filter(|fk| fk.parent == gone)
                        .map(|fk| fk.column.clone())
                        .collect();
                    t.fks.retain(|fk| fk.parent != gone);
                    t.cols.retain(|c| !refs.contains(&c.name));
                    t.indexes
                        .retain(|(cols, _)| !cols.iter().any(|c| refs.contains(c)));
                }
            }
            _ => {
                // Rename a table by hint.
                let new = self.fresh("n");
                let t = &mut tables[ti];
                if t.was.is_none() {
                    let old = std::mem::replace(&mut t.name, new.clone());
                    t.was = Some(old.clone());
                    for t in tables.iter_mut() {
                        for fk in &mut t.fks {
                            if fk.parent == old {
                                fk.parent = new.clone();
                            }
                        }
                    }
                }
            }
        }
    }
}

fn is_fk(t: &TableSpec, column: &str) -> bool {
    t.fks.iter().any(|fk| fk.column == column)
}

fn build(tables: &[TableSpec]) -> Schema {
    schema(
        tables
            .iter()
            .map(|spec| {
                let mut t: T = table(&spec.name);
                for c in &spec.cols {
                    let mut column = Column::new(c.name.clone(), c.ty, c.nullable);
                    column.set_default(c.default.map(Into::into));
                    column.set_comment(c.comment.clone().map(Into::into));
                    column.set_renamed_from(c.was.clone().map(Into::into));
                    t = t.column(column);
                }
                if spec.soft_delete {
                    t = t.soft_delete();
                }
                for (cols, unique) in &spec.indexes {
                    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
                    t = t.index(&cols, *unique);
                }
                for (name, column, holds) in &spec.partials {
                    t = t.partial_index(name, &[column], &format!("{holds} IS NOT NULL"));
                }
                for fk in &spec.fks {
                    t = t.fk(&fk.column, &fk.parent, fk.action);
                }
                for (name, column) in &spec.checks {
                    t = t.check(name, &format!("{column} >= 0"));
                }
                if let Some(was) = &spec.was {
                    t = t.renamed_from(was);
                }
                if let Some(comment) = &spec.comment {
                    t = t.comment(comment);
                }
                t
            })
            .collect(),
    )
}

/// Whether every dialect renders a schema (SQL Server refuses some
/// combinations of foreign-key actions, see its `check_schema`; MySQL,
/// partial indexes, left out when `partial`).
fn renders_everywhere(schema: &Schema, partial: bool) -> bool {
    let empty = Schema::default();
    super::DIALECTS
        .into_iter()
        .filter(|&dialect| !(partial && dialect == Dialect::MySql))
        .all(|dialect: Dialect| {
            dbgen::migrate::generate(&empty, schema, dialect, &dbgen::plan::Policy::default())
                .is_ok()
        })
}

/// `n` random cases from `seed`, with partial indexes when `partial`.
pub fn random_cases(n: usize, seed: u64, partial: bool) -> Vec<Case> {
    let mut g = Gen {
        rng: Rng(seed),
        partial,
        serial: 0,
    };
    let mut out = Vec::new();
    while out.len() < n {
        let mut tables: Vec<TableSpec> = Vec::new();
        for _ in 0..1 + g.rng.below(4) {
            let t = g.table(&tables);
            tables.push(t);
        }
        let before = build(&tables);
        let mut edited = tables.clone();
        for _ in 0..1 + g.rng.below(5) {
            g.edit(&mut edited);
        }
        let after = build(&edited);
        // Actions SQL Server refuses make the seed's case a plain one.
        if !renders_everywhere(&before, partial) || !renders_everywhere(&after, partial) {
            continue;
        }
        if before == after {
            continue;
        }
        let name: &'static str = Box::leak(format!("random_{seed}_{}", out.len()).into_boxed_str());
        out.push(Case {
            name,
            before,
            after,
        });
    }
    out
}

/// A project's random history of `n` schemas from `seed`: each the one
/// before after a few edits, its rename hints for that step only. As cases
/// whose `after` is the schema (their `before` is the schema before it).
pub fn random_history(n: usize, seed: u64, partial: bool) -> Vec<Case> {
    let mut g = Gen {
        rng: Rng(seed),
        partial,
        serial: 0,
    };
    let mut tables: Vec<TableSpec> = Vec::new();
    let mut out: Vec<Case> = Vec::new();
    let mut before = Schema::default();
    while out.len() < n {
        let mut edited = tables.clone();
        for t in &mut edited {
            t.was = None;
            for c in &mut t.cols {
                c.was = None;
            }
        }
        if edited.is_empty() {
            for _ in 0..2 + g.rng.below(3) {
                let t = g.table(&edited);
                edited.push(t);
            }
        }
        for _ in 0..1 + g.rng.below(3) {
            g.edit(&mut edited);
        }
        let after = build(&edited);
        if after == before || !renders_everywhere(&after, partial) {
            continue;
        }
        let name: &'static str =
            Box::leak(format!("history_{seed}_{}", out.len()).into_boxed_str());
        out.push(Case {
            name,
            before: std::mem::replace(&mut before, after.clone()),
            after,
        });
        tables = edited;
    }
    out
}

pub fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The seed of the random cases: fixed, or `DBGEN_RANDOM_SEED`.
pub fn seed() -> u64 {
    env("DBGEN_RANDOM_SEED").unwrap_or(20261124)
}

/// The random cases a test runs: `default` of them from a fixed seed, or
/// as many as `DBGEN_RANDOM_CASES` says from seed `DBGEN_RANDOM_SEED` (to
/// hunt further by hand).
pub fn random_cases_from_env(default: usize, partial: bool) -> Vec<Case> {
    random_cases(
        env("DBGEN_RANDOM_CASES").map_or(default, |n| n as usize),
        seed(),
        partial,
    )
}

/// A random history of `default` steps from a fixed seed, or of
/// `DBGEN_RANDOM_STEPS` from seed `DBGEN_RANDOM_SEED`.
pub fn random_history_from_env(default: usize, partial: bool) -> Vec<Case> {
    random_history(
        env("DBGEN_RANDOM_STEPS").map_or(default, |n| n as usize),
        seed(),
        partial,
    )
}
