//! Diff + plan + render against parsing the same schema with serde_json, in
//! one run. Synthetic schemas of N tables x 20 columns, 2 indexes and 1
//! foreign key each; three scenarios: create everything, no change, 1 % of
//! tables changed. Run: `cargo bench -p dbgen --bench diff`.
//!
//! Goals: each scenario at most 2x the parse time; 1000-table no-op at most
//! 10 ms; 5000 tables at most 5.5x the time of 1000.

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use dbgen::dialect::Dialect;
use dbgen::migrate::generate;
use dbgen::plan::Policy;
use dbgen::schema::{Column, ColumnType, FkAction, ForeignKey, Index, PrimaryKey, Schema, Table};

fn column(name: String, ty: ColumnType, nullable: bool) -> Column {
    Column::new(name, ty, nullable)
}

fn synthetic(tables: usize) -> Schema {
    let types = [
        ColumnType::BigInt,
        ColumnType::Varchar(200),
        ColumnType::Text,
        ColumnType::Boolean,
        ColumnType::TimestampTz,
    ];
    let tables = (0..tables)
        .map(|t| {
            let name = format!("table_{t:05}");
            let mut columns = vec![column("id".into(), ColumnType::BigInt, false)];
            columns[0].auto_increment = true;
            columns.extend(
                (1..20).map(|c| column(format!("col_{c:02}"), types[c % types.len()], c % 3 == 0)),
            );
            let parent = format!("table_{:05}", t / 2);
            Table {
                indexes: vec![
                    Index {
                        name: format!("idx_{name}_col_01").into(),
                        columns: vec!["col_01".into()].into(),
                        unique: false,
                        live_rows: false,
                        predicate: None,
                    },
                    Index {
                        name: format!("uq_{name}_col_02").into(),
                        columns: vec!["col_02".into()].into(),
                        unique: true,
                        live_rows: false,
                        predicate: None,
                    },
                ]
                .into(),
                foreign_keys: vec![ForeignKey {
                    name: format!("fk_{name}_col_05").into(),
                    columns: vec!["col_05".into()].into(),
                    ref_table: parent.into(),
                    ref_columns: vec!["id".into()].into(),
                    on_delete: FkAction::Cascade,
                    on_update: FkAction::NoAction,
                }]
                .into(),
                primary_key: Some(PrimaryKey {
                    name: format!("pk_{name}").into(),
                    columns: vec!["id".into()].into(),
                }),
                name: name.into(),
                columns: columns.into(),
                checks: Vec::new().into(),
                comment: None,
                renamed_from: None,
                soft_delete: None,
                audit: false,
                timestamps: false,
            }
        })
        .collect();
    Schema::new(tables)
}

/// Median of 11 timed samples of each job, the jobs taking turns within
/// each round so that a noisy moment hits all of them alike. Each sample
/// repeats its job until it takes at least 20 ms.
fn measure(jobs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    let reps: Vec<u32> = jobs
        .iter_mut()
        .map(|job| {
            let start = Instant::now();
            job();
            let once = start.elapsed().max(Duration::from_nanos(1));
            (Duration::from_millis(20).as_nanos() / once.as_nanos()).clamp(1, 10_000) as u32
        })
        .collect();
    let mut samples = vec![Vec::new(); jobs.len()];
    for _ in 0..11 {
        for ((job, &reps), samples) in jobs.iter_mut().zip(&reps).zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..reps {
                job();
            }
            samples.push(start.elapsed() / reps);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let sizes = [10usize, 100, 1000, 5000];
    let empty = Schema::default();
    let policy = Policy::default();
    println!(
        "| tables | parse JSON (ms) | create all (ms) | ratio | no-op (ms) | ratio | 1 % changed (ms) | ratio |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut noop = Vec::new();
    let mut create = Vec::new();
    let mut changes = Vec::new();
    let mut parses = Vec::new();
    for &n in &sizes {
        let schema = synthetic(n);
        let json = schema.to_json();
        let mut changed = schema.clone();
        for table in changed.tables.iter_mut().step_by(100) {
            table
                .columns
                .to_mut()
                .push(column("added".into(), ColumnType::Integer, true));
        }
        // The no-op compares two equal schemas that share nothing, as the
        // CLI does (the snapshot parsed from its file against the registry).
        let copy = Schema::from_json(&json).expect("the schema parses back");
        let run = |from: &Schema, to: &Schema| {
            black_box(generate(black_box(from), black_box(to), Dialect::Postgres, &policy).ok());
        };
        let times = measure(&mut [
            &mut || {
                black_box(Schema::from_json(black_box(&json)).ok());
            },
            &mut || run(&empty, &schema),
            &mut || run(&copy, &schema),
            &mut || run(&schema, &changed),
        ]);
        let (parse, all, none, some) = (times[0], times[1], times[2], times[3]);
        println!(
            "| {n} | {:.3} | {:.3} | {:.2} | {:.3} | {:.2} | {:.3} | {:.2} |",
            ms(parse),
            ms(all),
            all.as_secs_f64() / parse.as_secs_f64(),
            ms(none),
            none.as_secs_f64() / parse.as_secs_f64(),
            ms(some),
            some.as_secs_f64() / parse.as_secs_f64()
        );
        noop.push((n, none));
        create.push((n, all));
        changes.push((n, some));
        parses.push((n, parse));
    }
    let at = |v: &[(usize, Duration)], n: usize| {
        v.iter()
            .find(|(k, _)| *k == n)
            .map(|(_, d)| d.as_secs_f64())
            .unwrap_or(f64::NAN)
    };
    println!();
    println!(
        "1000-table no-op: {:.3} ms (goal <= 10 ms)",
        at(&noop, 1000) * 1000.0
    );
    let scale = |v: &[(usize, Duration)]| at(v, 5000) / at(v, 1000);
    println!(
        "5000/1000 no-op: {:.2}, create all: {:.2}, 1 % changed: {:.2} (goal <= 5.5); parsing the JSON: {:.2}",
        scale(&noop),
        scale(&create),
        scale(&changes),
        scale(&parses)
    );
}
