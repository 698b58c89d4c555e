//! Audited single-row changes of a model without JSON columns, on the three
//! engines. PostgreSQL writes such a change and its audit row in one
//! statement, spelling the old values in SQL; MariaDB and SQLite read the
//! old row and spell it in Rust. The test body is the same for all three:
//! the log must read the same whichever path wrote it, missing rows and
//! conflicts must give the same errors, and the change and its audit row
//! must stay atomic, also under concurrency.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod support;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use dbgen::audit::{AuditContext, AuditLog};
use dbgen::{Driver, Error, Model, Order};
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};
use support::db::{Engine, run_on};
use support::{Rng, concurrency};

/// Every kind of value the audit log spells, except JSON.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_samples", soft_delete, audit, timestamps)]
pub struct Sample {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 40, unique)]
    pub code: String,
    pub flag: bool,
    pub small: i16,
    pub mid: i32,
    pub ratio: f32,
    pub amount: f64,
    #[column(type = "decimal(12,2)")]
    pub price: Decimal,
    pub blob: Vec<u8>,
    pub day: NaiveDate,
    pub clock: NaiveTime,
    pub local: NaiveDateTime,
    pub at: DateTime<Utc>,
    pub uid: uuid::Uuid,
    pub note: Option<String>,
    pub password: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

fn time(h: u32, m: u32, s: u32, micro: u32) -> NaiveTime {
    NaiveTime::from_hms_micro_opt(h, m, s, micro).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sample(code: &str) -> Sample {
    Sample {
        id: 0,
        code: code.into(),
        flag: false,
        small: 1,
        mid: 10,
        ratio: 0.1,
        amount: 1.0,
        price: Decimal::new(1250, 2),
        blob: vec![0x00, 0xff, 0x10],
        day: date(2024, 1, 5),
        clock: time(12, 0, 0, 0),
        local: date(2024, 1, 5).and_time(time(10, 0, 0, 0)),
        at: date(2024, 1, 5).and_time(time(10, 0, 0, 0)).and_utc(),
        uid: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        note: None,
        password: Some("s3cret".into()),
        created_at: None,
        updated_at: None,
        deleted_at: None,
    }
}

/// The successive states the spelling test updates a row through: floats
/// around serde_json's notations, fractions of a second of every width,
/// extreme integers, empty bytes, NULL and back.
/// One step of the spelling test: changes some fields of a row.
type State = Box<dyn Fn(&mut Sample)>;

fn states() -> Vec<State> {
    vec![
        Box::new(|s| {
            s.amount = 0.1;
            s.ratio = 1.0;
            s.clock = time(12, 0, 0, 120_000);
            s.local = date(2024, 1, 5).and_time(time(10, 0, 0, 123_456));
            s.at = date(2024, 1, 5).and_time(time(10, 0, 0, 123)).and_utc();
            s.password = Some("other".into());
            s.note = Some("x \"quoted\" ü".into());
            s.price = Decimal::new(1375, 2);
        }),
        Box::new(|s| {
            s.amount = 1e15;
            s.ratio = 1.25e30;
            s.clock = time(23, 59, 59, 123_456);
            s.local = date(1999, 12, 31).and_time(time(23, 0, 0, 100_000));
            s.at = date(2030, 6, 1).and_time(time(0, 0, 1, 500_000)).and_utc();
            s.blob = Vec::new();
            s.day = date(1999, 12, 31);
            s.uid = uuid::Uuid::from_u128(42);
            s.small = i16::MIN;
            s.mid = i32::MAX;
            s.flag = true;
            s.note = None;
        }),
        Box::new(|s| s.amount = 1.5e-7),
        Box::new(|s| s.amount = 1e16),
        Box::new(|s| {
            s.amount = 2.5e20;
            s.ratio = 0.3;
        }),
        Box::new(|s| s.amount = 123_456.789),
        Box::new(|s| {
            s.amount = -42.0;
            s.ratio = -2.0;
            s.price = Decimal::new(-5, 2);
        }),
        Box::new(|s| s.amount = f64::MAX),
        Box::new(|s| s.amount = 0.0),
        // Outside a MySQL TIMESTAMP's 1970-2038, which MariaDB turned into
        // NULL when the value was sent as one.
        Box::new(|s| {
            s.at = date(2100, 1, 1).and_time(time(0, 0, 0, 0)).and_utc();
            s.local = date(1969, 12, 31).and_time(time(23, 59, 59, 0));
        }),
        // Only updated_at moves: no audit row.
        Box::new(|_| {}),
    ]
}

async fn history<DB: Driver>(pool: &sqlx::Pool<DB>, id: i64) -> Vec<AuditLog> {
    dbgen::audit::history(pool, "av_samples", id)
        .await
        .expect("history")
}

fn object(value: Option<&Json>) -> Map<String, Json> {
    value
        .and_then(Json::as_object)
        .cloned()
        .expect("a JSON object")
}

fn keys(map: &Map<String, Json>) -> Vec<String> {
    map.keys().cloned().collect()
}

/// The audit values of every change read the same on every engine: old
/// values (spelled by SQL on PostgreSQL and MariaDB) equal the new values an earlier
/// row recorded (spelled by Rust), key for key.
async fn spelling<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let mut s = sample("S-1").insert(pool).await.expect("insert");
    let first = s.clone();
    let mut expected_changes = Vec::new();
    for (n, state) in states().iter().enumerate() {
        let before = s.clone();
        state(&mut s);
        let changed: Vec<String> = changed_fields(&before, &s);
        s.update(pool).await.expect("update");
        let stored = Sample::find(pool, s.id).await.unwrap().unwrap();
        assert_eq!(stored, s, "{engine:?}: state {n} is stored as given");
        if !changed.is_empty() {
            expected_changes.push(changed);
        }
    }
    let log = history(pool, s.id).await;
    let (create, updates) = log.split_first().expect("a CREATE row");
    assert_eq!(create.action, "CREATE");
    assert_eq!(updates.len(), expected_changes.len(), "{engine:?}");
    // What the log says each column holds, from the CREATE row on.
    let mut known = object(create.new_values.as_ref());
    same_row(engine, &known, &json_of(&first));
    assert_eq!(known["password"], "[REDACTED]", "{engine:?}");
    for (row, changed) in updates.iter().zip(&expected_changes) {
        assert_eq!(row.action, "UPDATE");
        let old = object(row.old_values.as_ref());
        let new = object(row.new_values.as_ref());
        assert_eq!(&keys(&old), changed, "{engine:?}: only changed fields");
        assert_eq!(&keys(&new), changed, "{engine:?}");
        for (key, value) in old {
            assert_eq!(
                comparable(&key, &known[&key]),
                comparable(&key, &value),
                "{engine:?}: old {key} of {changed:?}"
            );
        }
        known.extend(new);
    }
    // Spot checks of the spelling itself.
    let old_of = |n: usize, key: &str| updates[n].old_values.as_ref().unwrap()[key].clone();
    // SQLite keeps a decimal's value, not its scale.
    if engine != Engine::Sqlite {
        assert_eq!(old_of(0, "price"), "12.50", "{engine:?}");
        assert_eq!(old_of(6, "price"), "13.75");
    }
    assert_eq!(old_of(0, "password"), "[REDACTED]");
    assert_eq!(old_of(0, "amount"), serde_json::json!(1.0));
    assert_eq!(old_of(0, "ratio"), serde_json::json!(0.1f32));
    assert_eq!(old_of(1, "clock"), "12:00:00.120", "{engine:?}");
    assert_eq!(old_of(1, "local"), "2024-01-05T10:00:00.123456");
    assert_eq!(old_of(1, "at"), "2024-01-05T10:00:00.000123+00:00");
    assert_eq!(old_of(1, "blob"), "00ff10");
    assert_eq!(old_of(1, "note"), "x \"quoted\" ü");
    assert_eq!(old_of(2, "amount"), serde_json::json!(1e15));
    assert_eq!(old_of(3, "amount"), serde_json::json!(1.5e-7));
    assert_eq!(old_of(8, "amount"), serde_json::json!(f64::MAX));

    // A soft delete keeps the whole old row; a restore, the marker.
    s.delete(pool).await.expect("delete");
    s.restore(pool).await.expect("restore");
    let before_force = Sample::find(pool, s.id).await.unwrap().unwrap();
    before_force.force_delete(pool).await.expect("force delete");
    let log = history(pool, s.id).await;
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        &actions[actions.len() - 3..],
        ["DELETE", "RESTORE", "FORCE_DELETE"]
    );
    let [delete, restore, force] = &log[log.len() - 3..] else {
        unreachable!()
    };
    let mut whole = known.clone();
    let stamp = |t: Option<DateTime<Utc>>| Json::from(t.map(|t| t.to_rfc3339()));
    whole.insert("deleted_at".into(), Json::Null);
    let deleted = object(delete.old_values.as_ref());
    // updated_at is in no UPDATE row: take it from the delete's old row
    // and check it against the row read before the delete.
    assert_eq!(
        keys(&deleted),
        keys(&{
            let mut all = whole.clone();
            all.insert("updated_at".into(), Json::Null);
            all
        })
    );
    for (key, value) in &deleted {
        if key != "updated_at" {
            assert_eq!(
                comparable(key, &whole[key]),
                comparable(key, value),
                "{engine:?}: deleted row's {key}"
            );
        }
    }
    assert_eq!(deleted["blob"], "", "{engine:?}");
    assert_eq!(deleted["note"], Json::Null);
    assert_eq!(deleted["at"], "2100-01-01T00:00:00+00:00", "{engine:?}");
    assert_eq!(deleted["local"], "1969-12-31T23:59:59", "{engine:?}");
    assert_eq!(deleted["day"], "1999-12-31");
    assert_eq!(deleted["uid"], "00000000-0000-0000-0000-00000000002a");
    assert_eq!(deleted["small"], -32768);
    assert_eq!(deleted["flag"], true);
    assert_eq!(comparable("price", &deleted["price"]), "-0.05");
    let marker = object(delete.new_values.as_ref());
    assert_eq!(keys(&marker), ["deleted_at"]);
    assert_eq!(
        object(restore.old_values.as_ref()),
        marker,
        "{engine:?}: the restore's old marker is the delete's new one"
    );
    assert_eq!(
        object(restore.new_values.as_ref())["deleted_at"],
        Json::Null
    );
    let forced = object(force.old_values.as_ref());
    assert_eq!(forced["updated_at"], stamp(before_force.updated_at));
    assert_eq!(forced["created_at"], stamp(before_force.created_at));
    assert_eq!(forced["deleted_at"], Json::Null);
    for (key, value) in &whole {
        if key != "updated_at" && key != "created_at" {
            assert_eq!(
                comparable(key, &forced[key]),
                comparable(key, value),
                "{engine:?}: force-deleted row's {key}"
            );
        }
    }
    assert!(force.new_values.is_none());
    assert!(Sample::find(pool, s.id).await.unwrap().is_none());
}

/// A logged value to compare: decimals by value (SQLite does not keep
/// their scale), floats by value (PostgreSQL keeps JSON numbers as
/// decimals, so 1e16 reads back as the integer 10000000000000000),
/// everything else as spelled.
fn comparable(key: &str, value: &Json) -> Json {
    match (key, value.as_str()) {
        ("amount" | "ratio", None) => value.as_f64().map_or(Json::Null, Json::from),
        ("price", Some(text)) => Json::String(
            text.parse::<Decimal>()
                .expect("a decimal")
                .normalize()
                .to_string(),
        ),
        _ => value.clone(),
    }
}

/// A row as the audit log spells it, written out by hand.
fn json_of(s: &Sample) -> Map<String, Json> {
    let stamp = |t: Option<DateTime<Utc>>| Json::from(t.map(|t| t.to_rfc3339()));
    let hex: String = s.blob.iter().map(|b| format!("{b:02x}")).collect();
    let json = serde_json::json!({
        "id": s.id,
        "code": s.code,
        "flag": s.flag,
        "small": s.small,
        "mid": s.mid,
        "ratio": s.ratio,
        "amount": s.amount,
        "price": s.price.to_string(),
        "blob": hex,
        "day": s.day.to_string(),
        "clock": s.clock.to_string(),
        "local": s.local.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        "at": s.at.to_rfc3339(),
        "uid": s.uid.to_string(),
        "note": s.note,
        // Redacted even when NULL: whether a secret is set is not logged.
        "password": "[REDACTED]",
        "created_at": stamp(s.created_at),
        "updated_at": stamp(s.updated_at),
        "deleted_at": stamp(s.deleted_at),
    });
    object(Some(&json))
}

fn same_row(engine: Engine, logged: &Map<String, Json>, expected: &Map<String, Json>) {
    assert_eq!(keys(logged), keys(expected), "{engine:?}");
    for (key, value) in expected {
        assert_eq!(
            comparable(key, &logged[key]),
            comparable(key, value),
            "{engine:?}: {key}"
        );
    }
}

/// Text from the edges of what a column holds: quotes of every kind,
/// backslashes, SQL and JSON syntax, control characters, non-ASCII and
/// four-byte characters.
const TEXTS: [&str; 14] = [
    "",
    "plain",
    "x 'single' \"double\" `back`",
    "back\\slash \\\"",
    "ünïcödé ß",
    "emoji 🦀 𝄞",
    "tab\tnew\nline\rreturn",
    "% and _ and [x]",
    "{\"a\": [1, null]}",
    "\u{1}\u{1f}\u{7f} ctrl",
    "O'Brien'); DROP TABLE x; --",
    "$$ $1 ? :name @x",
    "   spaces   ",
    "\u{2028}\u{feff}",
];

fn random_text(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..=rng.below(2) {
        text.push_str(rng.pick(&TEXTS).copied().unwrap_or_default());
    }
    text
}

fn random_f64(rng: &mut Rng) -> f64 {
    let edges = [
        0.0,
        -0.0,
        0.1 + 0.2,
        1e21,
        -1e-7,
        f64::MAX,
        -f64::MAX,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        9_007_199_254_740_993.0,
    ];
    if rng.chance(50) {
        return edges[rng.below(edges.len())];
    }
    // Any finite double: random bits, retried past NaN and infinities.
    loop {
        let x = f64::from_bits(rng.next());
        if x.is_finite() && (x == 0.0 || x.abs() >= f64::MIN_POSITIVE) {
            return x;
        }
    }
}

fn random_f32(rng: &mut Rng) -> f32 {
    let edges = [
        0.0,
        -0.0,
        0.1,
        1.0 / 3.0,
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        16_777_217.0,
    ];
    if rng.chance(50) {
        return edges[rng.below(edges.len())];
    }
    loop {
        let x = f32::from_bits(rng.next() as u32);
        if x.is_finite() && (x == 0.0 || x.abs() >= f32::MIN_POSITIVE) {
            return x;
        }
    }
}

fn random_date(rng: &mut Rng) -> NaiveDate {
    loop {
        let year = 1 + rng.below(9999) as i32;
        let (month, day) = (1 + rng.below(12) as u32, 1 + rng.below(31) as u32);
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            return date;
        }
    }
}

fn random_time(rng: &mut Rng) -> NaiveTime {
    let micro = match rng.below(4) {
        0 => 0,
        1 => 1 + rng.below(9) as u32 * 100_000,
        2 => 999_999,
        _ => rng.below(1_000_000) as u32,
    };
    time(
        rng.below(24) as u32,
        rng.below(60) as u32,
        rng.below(60) as u32,
        micro,
    )
}

/// Changes some fields of `s` to random values (each with a chance of one
/// in three), the unique `code` to one no other row has.
fn random_change(rng: &mut Rng, s: &mut Sample, n: usize) {
    if rng.chance(33) {
        let mut code = format!("R{n}-{}", random_text(rng));
        while code.chars().count() > 40 {
            code.pop();
        }
        s.code = code;
    }
    if rng.chance(33) {
        s.flag = !s.flag;
    }
    if rng.chance(33) {
        s.small = [i16::MIN, i16::MAX, 0, -1, rng.next() as i16][rng.below(5)];
    }
    if rng.chance(33) {
        s.mid = [i32::MIN, i32::MAX, 0, rng.next() as i32][rng.below(4)];
    }
    if rng.chance(33) {
        s.ratio = random_f32(rng);
    }
    if rng.chance(33) {
        s.amount = random_f64(rng);
    }
    if rng.chance(33) {
        let cents = (rng.next() % 2_000_000_000_000) as i64 - 999_999_999_999;
        s.price = Decimal::new(cents, 2);
    }
    if rng.chance(33) {
        s.blob = (0..rng.below(40)).map(|_| rng.next() as u8).collect();
    }
    if rng.chance(33) {
        s.day = random_date(rng);
    }
    if rng.chance(33) {
        s.clock = random_time(rng);
    }
    if rng.chance(33) {
        s.local = random_date(rng).and_time(random_time(rng));
    }
    if rng.chance(33) {
        s.at = random_date(rng).and_time(random_time(rng)).and_utc();
    }
    if rng.chance(33) {
        s.uid = uuid::Uuid::from_u128(u128::from(rng.next()) << 64 | u128::from(rng.next()));
    }
    if rng.chance(33) {
        s.note = rng.chance(70).then(|| random_text(rng));
        if rng.chance(10) {
            // Longer than a TEXT or BLOB of MySQL's holds (64 KiB).
            s.note = Some(random_text(rng).repeat(3000) + &"ü".repeat(40_000));
            s.blob = (0..70_000).map(|_| rng.next() as u8).collect();
        }
    }
    if rng.chance(33) {
        s.password = rng.chance(70).then(|| random_text(rng));
    }
}

/// The spelling test's checks over random values (`DBGEN_RANDOM_VALUES`
/// changes from seed `DBGEN_RANDOM_SEED` hunt further): each is stored as
/// given, and its audit row's old and new values are those the log had
/// and those Rust spells, whichever path wrote it; a batch of random rows
/// gets CREATE rows as Rust spells them.
async fn random_values<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let changes = support::env("DBGEN_RANDOM_VALUES").map_or(60, |n| n as usize);
    let mut rng = Rng(support::seed());
    let mut s = sample("R-first");
    random_change(&mut rng, &mut s, 0);
    let mut s = s.insert(pool).await.expect("insert");
    let mut known = json_of(&s);
    for n in 1..=changes {
        let before = s.clone();
        random_change(&mut rng, &mut s, n);
        let changed = changed_fields(&before, &s);
        s.update(pool)
            .await
            .unwrap_or_else(|e| panic!("{engine:?}: {s:?}: {e}"));
        let stored = Sample::find(pool, s.id).await.unwrap().unwrap();
        assert_eq!(stored, s, "{engine:?}: change {n} is stored as given");
        let log = history(pool, s.id).await;
        let last = log.last().expect("a row");
        if changed.is_empty() {
            assert_eq!(log.len(), n.min(log.len()), "{engine:?}");
            continue;
        }
        assert_eq!(last.action, "UPDATE", "{engine:?}: {changed:?}");
        let (old, new) = (
            object(last.old_values.as_ref()),
            object(last.new_values.as_ref()),
        );
        assert_eq!(keys(&old), changed, "{engine:?}: only changed fields");
        assert_eq!(keys(&new), changed, "{engine:?}");
        let spelled = json_of(&s);
        for key in &changed {
            assert_eq!(
                comparable(key, &old[key]),
                comparable(key, &known[key]),
                "{engine:?}: change {n}: old {key} of {before:?}"
            );
            assert_eq!(
                comparable(key, &new[key]),
                comparable(key, &spelled[key]),
                "{engine:?}: change {n}: new {key} of {s:?}"
            );
        }
        known = spelled;
    }
    // The whole row, as the soft delete keeps it.
    s.delete(pool).await.expect("delete");
    let log = history(pool, s.id).await;
    let deleted = object(log.last().and_then(|r| r.old_values.as_ref()));
    for (key, value) in &known {
        if key != "updated_at" && key != "created_at" {
            assert_eq!(
                comparable(key, &deleted[key]),
                comparable(key, value),
                "{engine:?}: deleted row's {key} of {s:?}"
            );
        }
    }

    let rows: Vec<Sample> = (0..20)
        .map(|n| {
            let mut row = sample(&format!("RB-{n}"));
            random_change(&mut rng, &mut row, changes + n);
            if !row.code.starts_with('R') {
                row.code = format!("RB-{n}");
            }
            row
        })
        .collect();
    let stored = Sample::insert_many(pool, rows.clone(), 100)
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: {e}"));
    for (row, given) in stored.iter().zip(&rows) {
        let mut expected = given.clone();
        expected.id = row.id;
        expected.created_at = row.created_at;
        expected.updated_at = row.updated_at;
        assert_eq!(row, &expected, "{engine:?}: stored as given");
        assert_eq!(
            Sample::find(pool, row.id).await.unwrap().as_ref(),
            Some(row)
        );
        let log = history(pool, row.id).await;
        same_row(engine, &object(log[0].new_values.as_ref()), &json_of(row));
    }
}

/// Infinities and NaN: stored where the engine can (PostgreSQL; SQLite
/// the infinities), refused where it cannot, and spelled in the log as
/// PostgreSQL spells them, never as a null the column did not hold.
async fn non_finite<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    for (n, (x, spelled)) in [
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
        (f64::NAN, "NaN"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut row = sample(&format!("NF-{n}"));
        row.amount = x;
        row.ratio = x as f32;
        let stored = row.insert(pool).await;
        let stored = match (engine, x.is_nan()) {
            (Engine::Postgres, _) | (Engine::Sqlite, false) => stored.expect("stored"),
            (Engine::Sqlite, true) => {
                let message = stored.expect_err("SQLite would store NULL").to_string();
                assert!(
                    message.contains("NaN cannot be stored in SQLite"),
                    "{message}"
                );
                continue;
            }
            (Engine::MariaDb, _) => {
                assert!(stored.is_err(), "MariaDB's DOUBLE holds no {x}");
                continue;
            }
        };
        let found = Sample::find(pool, stored.id).await.unwrap().unwrap();
        assert_eq!(found.amount.to_bits(), x.to_bits(), "{engine:?}");
        let create = &history(pool, stored.id).await[0];
        let new = object(create.new_values.as_ref());
        assert_eq!(
            (&new["amount"], &new["ratio"]),
            (&Json::from(spelled), &Json::from(spelled)),
            "{engine:?}"
        );
        // The update spells the old value (in SQL on PostgreSQL).
        let mut changed = found.clone();
        changed.amount = 1.0;
        changed.update(pool).await.expect("update");
        let log = history(pool, stored.id).await;
        let old = object(log.last().and_then(|r| r.old_values.as_ref()));
        assert_eq!(old["amount"], spelled, "{engine:?}");
        changed.delete(pool).await.expect("delete");
        let log = history(pool, stored.id).await;
        let old = object(log.last().and_then(|r| r.old_values.as_ref()));
        assert_eq!(old["ratio"], spelled, "{engine:?}: the deleted row's");
    }
}

/// Rows inserted in one batch get one CREATE row each, spelled as a single
/// insert's.
async fn batch<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>) {
    let mut rows = Vec::new();
    let mut s = sample("B-0");
    for (n, state) in states().iter().enumerate() {
        state(&mut s);
        s.code = format!("B-{n}");
        rows.push(s.clone());
    }
    rows[3].deleted_at = Some(date(2024, 2, 1).and_time(time(8, 30, 0, 250_000)).and_utc());
    let stored = Sample::insert_many(pool, rows, 100)
        .await
        .expect("insert_many");
    assert_eq!(stored.len(), states().len());
    for row in &stored {
        let log = history(pool, row.id).await;
        assert_eq!(log.len(), 1, "{engine:?}");
        assert_eq!(log[0].action, "CREATE");
        assert_eq!(log[0].entity_id, row.id.to_string());
        same_row(engine, &object(log[0].new_values.as_ref()), &json_of(row));
    }
}

fn changed_fields(a: &Sample, b: &Sample) -> Vec<String> {
    let mut changed = Vec::new();
    let mut check = |name: &str, same: bool| {
        if !same {
            changed.push(name.to_string());
        }
    };
    check("amount", a.amount == b.amount);
    check("at", a.at == b.at);
    check("blob", a.blob == b.blob);
    check("clock", a.clock == b.clock);
    check("code", a.code == b.code);
    check("day", a.day == b.day);
    check("flag", a.flag == b.flag);
    check("local", a.local == b.local);
    check("mid", a.mid == b.mid);
    check("note", a.note == b.note);
    check("password", a.password == b.password);
    check("price", a.price == b.price);
    check("ratio", a.ratio == b.ratio);
    check("small", a.small == b.small);
    check("uid", a.uid == b.uid);
    changed
}

/// Missing rows and conflicts: the same errors on every engine, and no
/// audit row for a change that did not happen.
async fn errors<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let mut ghost = sample("E-0");
    ghost.id = 999_999;
    assert!(matches!(
        ghost.update(pool).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        Sample::delete_by_id(pool, 999_999).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        Sample::force_delete_by_id(pool, 999_999).await,
        Err(Error::NotFound { .. })
    ));
    let mut first = sample("E-1").insert(pool).await.unwrap();
    assert!(
        matches!(
            Sample::restore_by_id(pool, first.id).await,
            Err(Error::NotFound { .. })
        ),
        "{engine:?}: a live row is not restored"
    );
    first.delete(pool).await.unwrap();
    assert!(matches!(
        first.update(pool).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        Sample::delete_by_id(pool, first.id).await,
        Err(Error::NotFound { .. })
    ));
    let _twin = sample("E-1")
        .insert(pool)
        .await
        .expect("unique among live rows");
    match Sample::restore_by_id(pool, first.id).await {
        Err(Error::RestoreConflict { table, .. }) => assert_eq!(table, "av_samples"),
        other => panic!("{engine:?}: expected a restore conflict, got {other:?}"),
    }
    let actions: Vec<String> = history(pool, first.id)
        .await
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions, ["CREATE", "DELETE"], "{engine:?}");
    assert!(history(pool, 999_999).await.is_empty());
}

/// A change rolled back by the caller leaves no audit row, and an audit
/// insert that fails takes the change with it.
async fn atomicity<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let kept = sample("A-1").insert(pool).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let mut changed = kept.clone();
    changed.amount = 2.0;
    changed.update(&mut *tx).await.unwrap();
    Sample::delete_by_id(&mut *tx, kept.id).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(Sample::find(pool, kept.id).await.unwrap().unwrap(), kept);
    assert_eq!(history(pool, kept.id).await.len(), 1, "{engine:?}");

    let audit = dbgen::dialect::Dialect::quote(DB::DIALECT, "audit_logs");
    let hidden = dbgen::dialect::Dialect::quote(DB::DIALECT, "audit_logs_hidden");
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(rename(&audit, &hidden)))
        .execute(pool)
        .await
        .unwrap();
    let mut changed = kept.clone();
    changed.amount = 3.0;
    let update = changed.update(pool).await;
    let delete = Sample::delete_by_id(pool, kept.id).await;
    let force = Sample::force_delete_by_id(pool, kept.id).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(rename(&hidden, &audit)))
        .execute(pool)
        .await
        .unwrap();
    assert!(
        update.is_err() && delete.is_err() && force.is_err(),
        "{engine:?}"
    );
    assert_eq!(Sample::find(pool, kept.id).await.unwrap().unwrap(), kept);
    assert_eq!(history(pool, kept.id).await.len(), 1);

    // An audit row the server refuses while the statement runs (a check
    // the test puts on the log refuses one request id) takes the change
    // with it: the insert with a generated key, the insert with a sent key
    // and the update. SQLite cannot add a check to an existing table.
    if engine == Engine::Sqlite {
        return;
    }
    let log = dbgen::dialect::Dialect::quote(DB::DIALECT, "audit_logs");
    let refuse = |what: &str| {
        format!(
            "ALTER TABLE {log} {what} CONSTRAINT {}",
            dbgen::dialect::Dialect::quote(DB::DIALECT, "av_refused")
        )
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "{} CHECK (request_id IS NULL OR request_id <> 'refused')",
        refuse("ADD")
    )))
    .execute(pool)
    .await
    .expect("a check on the log");
    let context = dbgen::audit::AuditContext::new().request_id("refused");
    let mut changed = kept.clone();
    changed.amount = 4.0;
    let link = Link {
        left_id: 40,
        right_id: 41,
    };
    let (generated, sent, update) = dbgen::audit::scope(context, async {
        (
            sample("A-2").insert(pool).await,
            link.insert(pool).await,
            changed.update(pool).await,
        )
    })
    .await;
    assert!(generated.is_err(), "{engine:?}: {generated:?}");
    assert!(sent.is_err(), "{engine:?}: {sent:?}");
    assert!(update.is_err(), "{engine:?}: {update:?}");
    let code = Sample::query()
        .with_trashed()
        .filter("code = ", "A-2")
        .count(pool)
        .await
        .unwrap();
    assert_eq!(code, 0, "{engine:?}");
    let links = Link::query()
        .filter("left_id = ", 40i64)
        .count(pool)
        .await
        .unwrap();
    assert_eq!(links, 0, "{engine:?}");
    assert_eq!(Sample::find(pool, kept.id).await.unwrap().unwrap(), kept);
    assert_eq!(history(pool, kept.id).await.len(), 1);
    sqlx::raw_sql(sqlx::AssertSqlSafe(refuse("DROP")))
        .execute(pool)
        .await
        .expect("the check goes");
}

/// A join table: every column is part of the key.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_links", audit, primary_key(columns("left_id", "right_id")))]
pub struct Link {
    pub left_id: i64,
    pub right_id: i64,
}

/// Timestamps that are not `Option`s, as many GORM ports write them.
#[derive(Model, Debug, Clone, PartialEq, Default)]
#[model(table = "av_stamped", audit, timestamps)]
pub struct Stamped {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 20)]
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: chrono::NaiveDateTime,
}

/// A generated key and nothing else: the database fills every column.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_counters", audit)]
pub struct Counter {
    #[column(primary_key)]
    pub id: i64,
}

/// A generated key and the soft-delete column, unaudited.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_tickets", soft_delete)]
pub struct Ticket {
    #[column(primary_key)]
    pub id: i32,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// JSON columns: secrets nested at any depth are redacted in Rust, so
/// every engine takes the transaction path for its changes.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_docs", audit, soft_delete)]
pub struct Doc {
    #[column(primary_key)]
    pub id: i64,
    pub body: Json,
    pub extra: Option<Json>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Object keys and whether the log must hide their value (SPEC §3: names
/// that look like secrets, as whole words, in any case or style).
const KEYS: [(&str, bool); 16] = [
    ("password", true),
    ("PASSWORD", true),
    ("apiKey", true),
    ("refresh_token", true),
    ("private-key", true),
    ("db.secret", true),
    ("input_tokens", false),
    ("tokenizer", false),
    ("keyboard", false),
    ("name", false),
    ("", false),
    ("a \"quoted\" key", false),
    ("ключ", false),
    ("🦀", false),
    ("$.path[0]", false),
    ("123", false),
];

/// A random JSON value up to `depth` levels deep.
fn random_json(rng: &mut Rng, depth: usize) -> Json {
    match rng.below(if depth == 0 { 5 } else { 7 }) {
        0 => Json::Null,
        1 => Json::Bool(rng.chance(50)),
        2 => match rng.below(3) {
            0 => Json::from(rng.next() as i64),
            1 => Json::from(rng.below(1000) as i64 - 500),
            _ => Json::from(random_f64(rng)),
        },
        3 | 4 => Json::from(random_text(rng)),
        5 => Json::Array(
            (0..rng.below(4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => Json::Object(
            (0..rng.below(5))
                .map(|_| {
                    let (key, _) = KEYS[rng.below(KEYS.len())];
                    (key.to_string(), random_json(rng, depth - 1))
                })
                .collect(),
        ),
    }
}

/// `value` as the log must show it: every secret key's value hidden.
fn hidden(value: &Json) -> Json {
    match value {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(key, item)| {
                    let secret = KEYS.iter().any(|(k, secret)| k == key && *secret);
                    let item = if secret {
                        Json::from("[REDACTED]")
                    } else {
                        hidden(item)
                    };
                    (key.clone(), item)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(hidden).collect()),
        other => other.clone(),
    }
}

/// JSON compared as the engines keep it: numbers by value (PostgreSQL's
/// `jsonb` keeps a float with an integral value as an integer).
fn same_json(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// An optional JSON column compared as stored: SQL NULL is not JSON null.
fn same_doc_extra(a: &Option<Json>, b: &Option<Json>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_json(a, b),
        _ => a.is_none() && b.is_none(),
    }
}

/// Random JSON documents (nested secrets, every kind of value, keys of
/// every style) through insert, update, soft delete and a batch: each is
/// read back as stored, and its audit rows hold it with every secret
/// hidden.
async fn random_documents<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let changes = support::env("DBGEN_RANDOM_VALUES").map_or(60, |n| n as usize);
    let mut rng = Rng(support::seed() ^ 0x5eed);
    let log_of = |row: &AuditLog, new: bool| {
        let values = if new {
            &row.new_values
        } else {
            &row.old_values
        };
        values
            .as_ref()
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let doc = Doc {
        id: 0,
        body: random_json(&mut rng, 4),
        extra: None,
        deleted_at: None,
    };
    let mut doc = doc
        .insert(pool)
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: {e}"));
    let log = dbgen::audit::history(pool, "av_docs", doc.id)
        .await
        .unwrap();
    let created = log_of(&log[0], true);
    assert!(
        same_json(&created["body"], &hidden(&doc.body)),
        "{engine:?}: {created:?}"
    );
    for n in 0..changes {
        let before = doc.clone();
        if rng.chance(70) {
            doc.body = random_json(&mut rng, 4);
        }
        if rng.chance(50) {
            doc.extra = rng.chance(80).then(|| random_json(&mut rng, 3));
        }
        doc.update(pool)
            .await
            .unwrap_or_else(|e| panic!("{engine:?}: {doc:?}: {e}"));
        let stored = Doc::find(pool, doc.id).await.unwrap().unwrap();
        assert!(
            same_json(&stored.body, &doc.body),
            "{engine:?}: change {n}: body {stored:?}"
        );
        assert!(
            same_doc_extra(&stored.extra, &doc.extra),
            "{engine:?}: change {n}: extra {stored:?} for {doc:?}"
        );
        let log = dbgen::audit::history(pool, "av_docs", doc.id)
            .await
            .unwrap();
        let last = log.last().unwrap();
        let changed: Vec<&str> = [
            ("body", !same_json(&before.body, &doc.body)),
            ("extra", !same_doc_extra(&before.extra, &doc.extra)),
        ]
        .into_iter()
        .filter_map(|(c, changed)| changed.then_some(c))
        .collect();
        if changed.is_empty() {
            continue;
        }
        assert_eq!(last.action, "UPDATE", "{engine:?}: change {n}");
        let (old, new) = (log_of(last, false), log_of(last, true));
        let value = |j: &Option<Json>| hidden(j.as_ref().unwrap_or(&Json::Null));
        for column in changed {
            let (was, is) = match column {
                "body" => (hidden(&before.body), hidden(&doc.body)),
                _ => (value(&before.extra), value(&doc.extra)),
            };
            assert!(
                same_json(&old[column], &was),
                "{engine:?}: change {n}: old {column} {} for {was}",
                old[column]
            );
            assert!(
                same_json(&new[column], &is),
                "{engine:?}: change {n}: new {column} {} for {is}",
                new[column]
            );
        }
    }
    doc.delete(pool).await.expect("delete");
    let log = dbgen::audit::history(pool, "av_docs", doc.id)
        .await
        .unwrap();
    let deleted = log_of(log.last().unwrap(), false);
    assert!(
        same_json(&deleted["body"], &hidden(&doc.body)),
        "{engine:?}"
    );

    let rows: Vec<Doc> = (0..20)
        .map(|_| Doc {
            id: 0,
            body: random_json(&mut rng, 3),
            extra: rng.chance(50).then(|| random_json(&mut rng, 2)),
            deleted_at: None,
        })
        .collect();
    let stored = Doc::insert_many(pool, rows.clone(), 100)
        .await
        .unwrap_or_else(|e| panic!("{engine:?}: {e}"));
    for (row, given) in stored.iter().zip(&rows) {
        assert!(same_json(&row.body, &given.body), "{engine:?}");
        let log = dbgen::audit::history(pool, "av_docs", row.id)
            .await
            .unwrap();
        let created = log_of(&log[0], true);
        assert!(
            same_json(&created["body"], &hidden(&given.body)),
            "{engine:?}: {created:?}"
        );
    }
}

/// `logs`, `history` and `user_activity` over random audit rows (times
/// with every width of fraction, within a few seconds, so filters cut
/// between rows a microsecond apart), against the same filters, order and
/// pages applied in Rust.
async fn random_logs<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>) {
    let mut rng = Rng(support::seed() ^ 0x106);
    let base = date(2025, 3, 1).and_time(time(12, 0, 0, 0)).and_utc();
    let instant = |rng: &mut Rng| {
        let micros = match rng.below(3) {
            0 => rng.below(4) as i64 * 1_000_000,
            1 => rng.below(4000) as i64 * 1000,
            _ => rng.below(4_000_000) as i64,
        };
        base + chrono::Duration::microseconds(micros)
    };
    let entities = ["rl_a", "rl_b", "rl_c"];
    let actions = ["CREATE", "UPDATE", "DELETE", "RESTORE", "FORCE_DELETE"];
    let rows: Vec<AuditLog> = (0..300)
        .map(|_| AuditLog {
            id: 0,
            entity_type: entities[rng.below(3)].into(),
            entity_id: rng.below(5).to_string(),
            action: actions[rng.below(5)].into(),
            description: None,
            old_values: None,
            new_values: None,
            user_id: rng.chance(80).then(|| rng.below(4) as i64),
            username: None,
            ip_address: None,
            user_agent: None,
            request_id: None,
            created_at: instant(&mut rng),
        })
        .collect();
    let rows = AuditLog::insert_many(pool, rows, 100).await.unwrap();
    let newest_first = |mut list: Vec<AuditLog>| {
        list.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
        list
    };
    for n in 0..200 {
        let pick = |rng: &mut Rng, p| rng.chance(p);
        let filter = dbgen::audit::AuditFilter {
            entity_type: pick(&mut rng, 50).then(|| entities[rng.below(3)].into()),
            entity_id: pick(&mut rng, 30).then(|| rng.below(5).to_string()),
            user_id: pick(&mut rng, 30).then(|| rng.below(4) as i64),
            action: pick(&mut rng, 30).then(|| actions[rng.below(5)].into()),
            // Often a stored time itself, to test the bounds' edges.
            start: pick(&mut rng, 50).then(|| match rng.chance(50) {
                true => rows[rng.below(rows.len())].created_at,
                false => instant(&mut rng),
            }),
            end: pick(&mut rng, 50).then(|| match rng.chance(50) {
                true => rows[rng.below(rows.len())].created_at,
                false => instant(&mut rng),
            }),
        };
        let matching: Vec<AuditLog> = rows
            .iter()
            .filter(|r| {
                filter
                    .entity_type
                    .as_ref()
                    .is_none_or(|v| &r.entity_type == v)
                    && filter.entity_id.as_ref().is_none_or(|v| &r.entity_id == v)
                    && filter.user_id.is_none_or(|v| r.user_id == Some(v))
                    && filter.action.as_ref().is_none_or(|v| &r.action == v)
                    && filter.start.is_none_or(|t| r.created_at >= t)
                    && filter.end.is_none_or(|t| r.created_at < t)
            })
            .cloned()
            .collect();
        let matching = newest_first(matching);
        let per_page = 1 + rng.below(40) as i64;
        let page = 1 + rng.below(4) as i64;
        let (got, total) = dbgen::audit::logs(pool, &filter, page, per_page)
            .await
            .unwrap();
        assert_eq!(
            total,
            matching.len() as i64,
            "{engine:?}: filter {n}: {filter:?}"
        );
        let from = ((page - 1) * per_page) as usize;
        let expected: Vec<&AuditLog> = matching.iter().skip(from).take(per_page as usize).collect();
        let got: Vec<&AuditLog> = got.iter().collect();
        assert_eq!(
            got, expected,
            "{engine:?}: filter {n}: {filter:?}, page {page} of {per_page}"
        );

        if let (Some(user), Some(since), Some(until)) = (filter.user_id, filter.start, filter.end) {
            let activity = dbgen::audit::user_activity(pool, user, since, until)
                .await
                .unwrap();
            let mut expected: Vec<&AuditLog> = rows
                .iter()
                .filter(|r| {
                    r.user_id == Some(user) && r.created_at >= since && r.created_at < until
                })
                .collect();
            expected.sort_by_key(|r| (r.created_at, r.id));
            assert_eq!(
                activity.iter().collect::<Vec<_>>(),
                expected,
                "{engine:?}: activity {n}"
            );
        }
    }
    for entity in entities {
        for id in 0..5 {
            let history = dbgen::audit::history(pool, entity, id).await.unwrap();
            let mut expected: Vec<&AuditLog> = rows
                .iter()
                .filter(|r| r.entity_type == entity && r.entity_id == id.to_string())
                .collect();
            expected.sort_by_key(|r| (r.created_at, r.id));
            assert_eq!(
                history.iter().collect::<Vec<_>>(),
                expected,
                "{engine:?}: {entity} {id}"
            );
        }
    }
    let removed = AuditLog::query()
        .filter("entity_type LIKE ", "rl_%")
        .delete(pool)
        .await
        .unwrap();
    assert_eq!(removed, rows.len() as u64, "{engine:?}");
}

/// A model with a column the database fills with its default.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_settings", audit, soft_delete)]
pub struct Setting {
    #[column(primary_key)]
    pub id: i64,
    #[column(size = 40)]
    pub name: String,
    #[column(default = "3")]
    pub level: Option<i32>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A model keyed by text it chooses itself, soft-deleted.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_tags", audit, soft_delete)]
pub struct Tag {
    #[column(primary_key, size = 40)]
    pub code: String,
    #[column(size = 100)]
    pub label: String,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Every audited change of a row with a text key: the log names the row by
/// its key and records what changed.
async fn text_key<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let mut tag = Tag {
        code: "it's-1".into(),
        label: "first".into(),
        deleted_at: None,
    }
    .insert(pool)
    .await
    .unwrap();
    tag.label = "second".into();
    tag.update(pool).await.unwrap();
    Tag::delete_by_id(pool, "it's-1").await.unwrap();
    Tag::restore_by_id(pool, "it's-1").await.unwrap();
    Tag::force_delete_by_id(pool, "it's-1").await.unwrap();
    let rows = dbgen::audit::history(pool, "av_tags", "it's-1")
        .await
        .unwrap();
    let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["CREATE", "UPDATE", "DELETE", "RESTORE", "FORCE_DELETE"],
        "{engine:?}"
    );
    let created = object(rows[0].new_values.as_ref());
    assert_eq!(created["code"], "it's-1", "{engine:?}");
    assert_eq!(created["label"], "first", "{engine:?}");
    assert_eq!(
        object(rows[1].old_values.as_ref()),
        Map::from_iter([("label".to_string(), Json::from("first"))]),
        "{engine:?}"
    );
    assert_eq!(
        object(rows[1].new_values.as_ref()),
        Map::from_iter([("label".to_string(), Json::from("second"))]),
        "{engine:?}"
    );
    let forced = object(rows[4].old_values.as_ref());
    assert_eq!(forced["label"], "second", "{engine:?}");
    assert_eq!(forced["deleted_at"], Json::Null, "{engine:?}");
    assert!(
        Tag::query()
            .with_trashed()
            .fetch_all(pool)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A composite key with a value beside it, without soft delete.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_members", audit, primary_key(columns("org_id", "user_id")))]
pub struct Member {
    pub org_id: i64,
    pub user_id: i64,
    #[column(size = 20)]
    pub role: String,
}

/// Every audited change of a row with a composite key: the log names it by
/// both values, and a delete removes it for good.
async fn composite_key<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let mut member = Member {
        org_id: 7,
        user_id: 3,
        role: "reader".into(),
    }
    .insert(pool)
    .await
    .unwrap();
    member.role = "admin".into();
    member.update(pool).await.unwrap();
    let mut other = Member {
        org_id: 7,
        user_id: 4,
        role: "reader".into(),
    }
    .insert(pool)
    .await
    .unwrap();
    member.delete(pool).await.unwrap();
    let rows = dbgen::audit::history(pool, "av_members", "7,3")
        .await
        .unwrap();
    let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["CREATE", "UPDATE", "DELETE"], "{engine:?}");
    assert_eq!(
        object(rows[1].old_values.as_ref()),
        Map::from_iter([("role".to_string(), Json::from("reader"))]),
        "{engine:?}"
    );
    let deleted = object(rows[2].old_values.as_ref());
    assert_eq!(deleted["role"], "admin", "{engine:?}");
    assert_eq!(deleted["user_id"], 3, "{engine:?}");
    // The other member of the organisation is untouched.
    let left = Member::query().fetch_all(pool).await.unwrap();
    assert_eq!(left, [other.clone()], "{engine:?}");
    other.role = "reader".into();
    other.update(pool).await.unwrap();
    assert_eq!(
        dbgen::audit::history(pool, "av_members", "7,4")
            .await
            .unwrap()
            .len(),
        1,
        "{engine:?}: an update that changes nothing writes no audit row"
    );
    // A bulk delete names the rows it read by both key columns: only the
    // matching members of organisation 8 go, each with its audit row.
    let batch: Vec<Member> = (0..5)
        .map(|user_id| Member {
            org_id: 8,
            user_id,
            role: if user_id % 2 == 0 { "guest" } else { "reader" }.into(),
        })
        .collect();
    Member::insert_many(pool, batch, 10).await.unwrap();
    let removed = Member::query()
        .filter("org_id = ", 8)
        .filter("role = ", "guest")
        .delete(pool)
        .await
        .unwrap();
    assert_eq!(removed, 3, "{engine:?}");
    let left: Vec<i64> = Member::query()
        .filter("org_id = ", 8)
        .order_by("user_id", Order::Asc)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|m| m.user_id)
        .collect();
    assert_eq!(left, [1, 3], "{engine:?}");
    for user_id in [0, 2, 4] {
        let rows = dbgen::audit::history(pool, "av_members", format!("8,{user_id}"))
            .await
            .unwrap();
        let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            ["CREATE", "DELETE"],
            "{engine:?}: member 8,{user_id}"
        );
    }
    assert_eq!(
        other,
        Member::query()
            .filter("org_id = ", 7)
            .fetch_all(pool)
            .await
            .unwrap()[0]
    );
}

/// An update of a model with no column to set is refused, and the row
/// stays (an audited change with nothing to set must not become a DELETE).
async fn nothing_to_update<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let mut link = Link {
        left_id: 1,
        right_id: 2,
    }
    .insert(pool)
    .await
    .unwrap();
    let refused = link.update(pool).await;
    assert!(
        matches!(&refused, Err(Error::Unsupported(m)) if m.contains("no column an update can set")),
        "{engine:?}: {refused:?}"
    );
    let count = Link::query().count(pool).await.unwrap();
    assert_eq!(count, 1, "{engine:?}");
    let logged = dbgen::audit::history(pool, "av_links", "1,2")
        .await
        .unwrap();
    let actions: Vec<_> = logged.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["CREATE"], "{engine:?}");
}

/// Rows whose every column the database fills are inserted one at a time
/// and in batches, audited or not: the INSERT names the key and asks for
/// its next value, where an empty column list was a syntax error on
/// PostgreSQL and SQLite.
async fn generated_only<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let first = Counter { id: 0 }.insert(pool).await.unwrap();
    let more = Counter::insert_many(pool, vec![Counter { id: 0 }; 3], 2)
        .await
        .unwrap();
    let ids: Vec<i64> = std::iter::once(first.id)
        .chain(more.iter().map(|c| c.id))
        .collect();
    assert!(
        ids[0] > 0 && ids.windows(2).all(|w| w[0] < w[1]),
        "{engine:?}: {ids:?}"
    );
    assert_eq!(Counter::query().count(pool).await.unwrap(), 4, "{engine:?}");
    for id in ids {
        let logged = dbgen::audit::history(pool, "av_counters", id)
            .await
            .unwrap();
        let created: Vec<_> = logged
            .iter()
            .map(|r| (r.action.as_str(), r.new_values.clone()))
            .collect();
        assert_eq!(
            created,
            [("CREATE", Some(serde_json::json!({ "id": id })))],
            "{engine:?}"
        );
    }
    let new = Ticket {
        id: 0,
        deleted_at: None,
    };
    let mut ticket = new.clone().insert(pool).await.unwrap();
    let tickets = Ticket::insert_many(pool, vec![new; 2], 10).await.unwrap();
    assert!(
        ticket.id > 0 && tickets.iter().all(|t| t.id > ticket.id),
        "{engine:?}"
    );
    ticket.delete(pool).await.unwrap();
    assert_eq!(Ticket::query().count(pool).await.unwrap(), 2, "{engine:?}");
    assert_eq!(Ticket::count_trashed(pool).await.unwrap(), 1, "{engine:?}");
}

/// A `created_at` that is not an `Option` is not given when it holds the
/// zero date-time `Default` gives it: dbgen sets it, as it sets a NULL one
/// (and as GORM sets a zero `CreatedAt`). It stored 1970-01-01 before. A
/// time the caller sets is kept.
async fn zero_timestamps<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let before = Utc::now() - chrono::Duration::seconds(5);
    let new = Stamped {
        name: "zero".into(),
        ..Stamped::default()
    };
    let stored = new.clone().insert(pool).await.expect("insert");
    assert!(stored.created_at > before, "{engine:?}: {stored:?}");
    assert_eq!(
        stored.created_at.naive_utc(),
        stored.updated_at,
        "{engine:?}"
    );
    let batch = Stamped::insert_many(pool, vec![new; 2], 10)
        .await
        .expect("insert_many");
    assert!(
        batch.iter().all(|s| s.created_at > before),
        "{engine:?}: {batch:?}"
    );
    let found = Stamped::find(pool, stored.id)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(found, stored, "{engine:?}: as stored");
    let given = chrono::DateTime::from_timestamp(1_000_000_000, 0).expect("2001");
    let kept = Stamped {
        name: "given".into(),
        created_at: given,
        ..Stamped::default()
    }
    .insert(pool)
    .await
    .expect("insert");
    assert_eq!(kept.created_at, given, "{engine:?}");
    assert!(kept.updated_at > before.naive_utc(), "{engine:?}");
}

/// A column left to its database default is logged with the value the
/// database gave it, as is the generated key (on MariaDB's one-statement
/// path, the CREATE row then reads the stored row).
async fn defaults<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>) {
    let given = Setting {
        id: 0,
        name: "theme".into(),
        level: None,
        deleted_at: None,
    };
    let stored = given.clone().insert(pool).await.unwrap();
    assert_eq!(stored.level, Some(3), "{engine:?}");
    assert!(stored.id > 0, "{engine:?}");
    let explicit = Setting {
        level: Some(7),
        name: "lang".into(),
        ..given
    }
    .insert(pool)
    .await
    .unwrap();
    for (row, level) in [(&stored, 3), (&explicit, 7)] {
        let logged = dbgen::audit::history(pool, "av_settings", row.id)
            .await
            .unwrap();
        assert_eq!(logged.len(), 1, "{engine:?}");
        assert_eq!(logged[0].entity_id, row.id.to_string(), "{engine:?}");
        let new = object(logged[0].new_values.as_ref());
        assert_eq!(
            new.get("id"),
            Some(&serde_json::json!(row.id)),
            "{engine:?}"
        );
        assert_eq!(
            new.get("level"),
            Some(&serde_json::json!(level)),
            "{engine:?}"
        );
        assert_eq!(
            new.get("name"),
            Some(&serde_json::json!(row.name)),
            "{engine:?}"
        );
        assert_eq!(new.get("deleted_at"), Some(&Json::Null), "{engine:?}");
    }
}

/// A decimal with more digits after the point than its column keeps is
/// stored rounded half away from zero by PostgreSQL and MariaDB (1.005 in
/// `decimal(12,2)` is 1.01). The row a write returns, and its audit row,
/// say what is stored: MariaDB returned the row as sent, every engine
/// logged the value as sent, and SQLite kept every digit.
async fn decimal_scale<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let mut s = sample("DEC-1");
    s.price = Decimal::new(1005, 3);
    let mut inserted = s.insert(pool).await.expect("insert");
    assert_eq!(inserted.price.to_string(), "1.01", "{engine:?}");
    let found = Sample::find(pool, inserted.id)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(found.price, inserted.price, "{engine:?}: as stored");
    inserted.price = Decimal::new(-29_995, 4);
    inserted.update(pool).await.expect("update");
    assert_eq!(inserted.price.to_string(), "-3.00", "{engine:?}");
    let found = Sample::find(pool, inserted.id)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(found.price, inserted.price, "{engine:?}: as stored");
    let log = history(pool, inserted.id).await;
    let logged: Vec<Json> = log
        .iter()
        .map(|r| object(r.new_values.as_ref())["price"].clone())
        .collect();
    assert_eq!(
        logged,
        [Json::from("1.01"), Json::from("-3.00")],
        "{engine:?}"
    );
    // Setting the value the column already holds, in more digits, is no
    // change: no audit row.
    inserted.price = Decimal::new(-30_001, 4);
    inserted.update(pool).await.expect("update");
    assert_eq!(history(pool, inserted.id).await.len(), 2, "{engine:?}");
}

/// Times with nanoseconds (`Utc::now()` on Linux) are kept to the
/// microsecond, PostgreSQL's and MySQL's precision, on every engine: the
/// row an insert returns is the row stored (MariaDB returns it as sent,
/// and kept nanoseconds the database had cut; SQLite kept them), its audit
/// row says the same, an update of the row as returned changes nothing
/// else, and a filter on the instant finds it.
async fn nanoseconds<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let instant = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).expect("a time");
    let micros = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000).expect("a time");
    let mut s = sample("NS-1");
    s.at = instant;
    s.local = instant.naive_utc();
    s.clock = instant.time();
    let mut inserted = s.insert(pool).await.expect("insert");
    assert_eq!(inserted.at, micros, "{engine:?}");
    assert_eq!(inserted.local, micros.naive_utc(), "{engine:?}");
    assert_eq!(inserted.clock, micros.time(), "{engine:?}");
    let found = Sample::find(pool, inserted.id)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(
        found, inserted,
        "{engine:?}: the row returned is the row stored"
    );
    let log = history(pool, inserted.id).await;
    let created = object(log[0].new_values.as_ref());
    assert_eq!(created["at"], Json::from(micros.to_rfc3339()), "{engine:?}");
    inserted.note = Some("changed".into());
    inserted.update(pool).await.expect("update");
    let log = history(pool, inserted.id).await;
    let changed: Vec<String> = object(log[1].new_values.as_ref()).keys().cloned().collect();
    assert_eq!(changed, ["note"], "{engine:?}");
    let by_instant = Sample::query()
        .filter("at = ", instant)
        .count(pool)
        .await
        .expect("count");
    assert_eq!(by_instant, 1, "{engine:?}");
}

/// An audited model keyed by text longer than the audit log's
/// `entity_id` column.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "av_long_keys", audit)]
pub struct LongKey {
    #[column(primary_key, size = 255)]
    pub key: String,
    pub n: i32,
}

/// Long texts never make an audited change fail: a key longer than the
/// log's `entity_id` column is cut there (and `history` cuts the id it is
/// given the same way, so it finds the rows), and context values longer
/// than their columns (a client's request id or address) are cut too.
/// PostgreSQL and MariaDB refused them ("value too long").
async fn long_texts<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let key = format!("{}é", "k".repeat(150));
    let mut row = LongKey {
        key: key.clone(),
        n: 1,
    }
    .insert(pool)
    .await
    .expect("a long key");
    row.n = 2;
    row.update(pool).await.expect("update");
    let log = dbgen::audit::history(pool, "av_long_keys", &key)
        .await
        .expect("history");
    let actions: Vec<&str> = log.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["CREATE", "UPDATE"], "{engine:?}");
    assert_eq!(log[0].entity_id.chars().count(), 100, "{engine:?}");
    assert!(key.starts_with(&log[0].entity_id), "{engine:?}");
    let context = AuditContext::new()
        .user(1, "u".repeat(300))
        .ip("1".repeat(60))
        .request_id("r".repeat(150))
        .user_agent("a".repeat(5000));
    let short = LongKey {
        key: "short".into(),
        n: 1,
    };
    let stored = dbgen::audit::scope(context, async { short.insert(pool).await })
        .await
        .expect("long context values");
    let log = dbgen::audit::history(pool, "av_long_keys", &stored.key)
        .await
        .expect("history");
    assert_eq!(
        log[0].username.as_deref().map(str::len),
        Some(255),
        "{engine:?}"
    );
    assert_eq!(
        log[0].ip_address.as_deref().map(str::len),
        Some(45),
        "{engine:?}"
    );
    assert_eq!(
        log[0].request_id.as_deref().map(str::len),
        Some(100),
        "{engine:?}"
    );
    assert_eq!(
        log[0].user_agent.as_deref().map(str::len),
        Some(5000),
        "{engine:?}"
    );
}

/// The audit row's time is UTC whatever the session's time zone: the
/// one-statement paths read it from the server's clock.
async fn time_zone<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    let zone = |offset: &str| match DB::DIALECT {
        dbgen::dialect::Dialect::MySql => Some(format!("SET time_zone = '{offset}'")),
        dbgen::dialect::Dialect::Postgres => Some(format!("SET TIME ZONE '{offset}'")),
        _ => None,
    };
    let mut conn = pool.acquire().await.unwrap();
    if let Some(set) = zone("+05:00") {
        sqlx::raw_sql(sqlx::AssertSqlSafe(set))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let before = Utc::now();
    let mut s = sample("TZ-1").insert(&mut *conn).await.unwrap();
    s.amount = 7.0;
    s.update(&mut *conn).await.unwrap();
    Sample::delete_by_id(&mut *conn, s.id).await.unwrap();
    let after = Utc::now();
    if let Some(set) = zone("+00:00") {
        sqlx::raw_sql(sqlx::AssertSqlSafe(set))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    drop(conn);
    let rows = history(pool, s.id).await;
    assert_eq!(rows.len(), 3, "{engine:?}");
    let slack = chrono::Duration::seconds(5);
    for row in rows {
        assert!(
            row.created_at >= before - slack && row.created_at <= after + slack,
            "{engine:?}: {} {} at {} (between {before} and {after})",
            row.action,
            row.entity_id,
            row.created_at
        );
    }
}

/// 50 tasks updating and soft-deleting the same 5 rows: every successful
/// change has exactly one audit row, and the table matches the log.
async fn concurrency<DB: Driver>(engine: Engine, pool: &sqlx::Pool<DB>) {
    let mut rows = Vec::new();
    for i in 0..5 {
        let mut s = sample(&format!("C-{i}"));
        s.mid = -1;
        rows.push(s.insert(pool).await.unwrap());
    }
    let field = concurrency::Field {
        column: "mid",
        set: |s: &mut Sample, task| s.mid = i32::try_from(task).unwrap(),
        get: |s| serde_json::json!(s.mid),
        id: |s| s.id,
        trashed: |s| s.deleted_at.is_some(),
    };
    concurrency::fifty_tasks(engine, pool, "av_samples", rows, field).await;
}

async fn suite<DB>(engine: Engine, pool: &sqlx::Pool<DB>)
where
    DB: Driver,
    for<'c> &'c mut DB::Connection:
        sqlx::Executor<'c, Database = DB> + sqlx::Acquire<'c, Database = DB>,
{
    if engine == Engine::MariaDb {
        // MariaDB's own default: the tables must still hold any Rust string
        // (the random values have four-byte characters).
        sqlx::raw_sql("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci")
            .execute(pool)
            .await
            .unwrap();
    }
    support::create_tables(
        pool,
        vec![
            Sample::table().clone(),
            Doc::table().clone(),
            Link::table().clone(),
            Tag::table().clone(),
            Member::table().clone(),
            Setting::table().clone(),
            LongKey::table().clone(),
            Counter::table().clone(),
            Stamped::table().clone(),
            Ticket::table().clone(),
            AuditLog::table().clone(),
        ],
    )
    .await;
    random_logs(engine, pool).await;
    spelling(engine, pool).await;
    random_values(engine, pool).await;
    non_finite(engine, pool).await;
    random_documents(engine, pool).await;
    batch(engine, pool).await;
    errors(engine, pool).await;
    atomicity(engine, pool).await;
    time_zone(engine, pool).await;
    nanoseconds(engine, pool).await;
    decimal_scale(engine, pool).await;
    long_texts(engine, pool).await;
    nothing_to_update(engine, pool).await;
    text_key(engine, pool).await;
    composite_key(engine, pool).await;
    defaults(engine, pool).await;
    generated_only(engine, pool).await;
    zero_timestamps(engine, pool).await;
    concurrency(engine, pool).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_audit_values() {
    run_on::<sqlx::Postgres, _>(Engine::Postgres, "dbgen_av", |pool| async move {
        suite(Engine::Postgres, &pool).await;
    })
    .await;
}

/// MariaDB writes each audited change in one compound statement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_audit_values() {
    run_on::<sqlx::MySql, _>(Engine::MariaDb, "dbgen_av", |pool| async move {
        suite(Engine::MariaDb, &pool).await;
    })
    .await;
    assert!(!dbgen::__private::compound_statements_refused());
}

/// The transaction path MySQL takes (it has no compound statements outside
/// stored programs), on MariaDB. Each test runs in its own process, so the
/// switch stays in this one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_audit_values_transaction_path() {
    dbgen::__private::refuse_compound_statements();
    run_on::<sqlx::MySql, _>(Engine::MariaDb, "dbgen_avt", |pool| async move {
        suite(Engine::MariaDb, &pool).await;
    })
    .await;
    assert!(dbgen::__private::compound_statements_refused());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_audit_values() {
    run_on::<sqlx::Sqlite, _>(Engine::Sqlite, "dbgen_av", |pool| async move {
        suite(Engine::Sqlite, &pool).await;
    })
    .await;
}
