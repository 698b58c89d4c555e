//! Field types the other suites leave out, through the helpers on each
//! engine: `sqlx::types::Json<T>` of a user's struct (plain and optional),
//! a UUID key, and the `time` crate's four date and time types, timestamps
//! and the soft-delete marker included. Read back as written, logged with
//! secrets inside the typed JSON hidden. Text, decimal and date values
//! past a column's or an engine's limits (SQLite's 15 significant digits
//! of a decimal among them).

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod support;

use dbgen::Model;
use dbgen::audit::{AuditFilter, AuditLog};
use serde_json::{Value as Json, json};
use sqlx::types::Json as Typed;
use support::db::Engine;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    pub theme: String,
    pub api_key: String,
    pub limits: Vec<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "accounts", soft_delete, audit, timestamps)]
pub struct Account {
    #[column(primary_key)]
    pub id: Uuid,
    #[column(unique, size = 50)]
    pub handle: String,
    pub settings: Typed<Settings>,
    pub tags: Option<Typed<Vec<String>>>,
    #[column(size = 4)]
    pub badge: Option<Vec<u8>>,
    #[column(type = "decimal(6,2)")]
    pub balance: Option<rust_decimal::Decimal>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "events", soft_delete, audit, timestamps)]
pub struct Event {
    #[column(primary_key)]
    pub id: i64,
    pub day: Date,
    pub at: Time,
    pub local: PrimitiveDateTime,
    pub instant: OffsetDateTime,
    pub maybe: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: Option<OffsetDateTime>,
    pub deleted_at: Option<OffsetDateTime>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "deadlines", audit)]
pub struct Deadline {
    #[column(primary_key)]
    pub id: i64,
    pub due: chrono::NaiveDate,
    pub at: Option<chrono::NaiveDateTime>,
    pub utc: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ledgers", audit)]
pub struct Ledger {
    #[column(primary_key)]
    pub id: i64,
    #[column(type = "decimal(30,10)")]
    pub amount: rust_decimal::Decimal,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "publications")]
pub struct Publication {
    #[column(primary_key)]
    pub id: i64,
    pub title: String,
    #[column(default = "CURRENT_TIMESTAMP")]
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "notes", audit)]
pub struct Note {
    #[column(primary_key)]
    pub id: i64,
    pub body: String,
}

async fn logged<DB: dbgen::Driver>(
    db: &sqlx::Pool<DB>,
    table: &str,
    id: impl ToString,
) -> Vec<(String, Json, Json)> {
    dbgen::audit::history(db, table, id)
        .await
        .unwrap()
        .into_iter()
        .map(|l| {
            (
                l.action,
                l.old_values.unwrap_or(Json::Null),
                l.new_values.unwrap_or(Json::Null),
            )
        })
        .collect()
}

async fn typed_json<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let written = Account {
        id,
        handle: "ada".into(),
        settings: Typed(Settings {
            theme: "dark".into(),
            api_key: "sk-live-1".into(),
            limits: vec![1, 2],
        }),
        tags: Some(Typed(vec!["a\"b".into(), "ü".into()])),
        badge: Some(vec![1, 2, 3, 4]),
        balance: None,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    };
    let mut account = written.clone().insert(db).await.unwrap();
    assert_eq!(account.settings, written.settings, "{engine:?}");
    let found = Account::find(db, id).await.unwrap().unwrap();
    assert_eq!(found, account, "{engine:?}: read back as written");

    account.settings.0.theme = "light".into();
    account.tags = None;
    account.update(db).await.unwrap();
    let found = Account::find(db, id).await.unwrap().unwrap();
    assert_eq!(found, account, "{engine:?}: read back as updated");

    let batch: Vec<Account> = (1..=3u128)
        .map(|n| Account {
            id: Uuid::from_u128(n),
            handle: format!("user{n}"),
            ..written.clone()
        })
        .collect();
    let stored = Account::insert_many(db, batch.clone(), 2).await.unwrap();
    for (stored, sent) in stored.iter().zip(&batch) {
        assert_eq!(stored.settings, sent.settings, "{engine:?}");
        assert_eq!(stored.tags, sent.tags, "{engine:?}");
    }
    let by_handle = Account::query()
        .filter("handle = ", "user2")
        .fetch_optional(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_handle.id, Uuid::from_u128(2), "{engine:?}");

    account.clone().delete(db).await.unwrap();
    assert!(Account::is_trashed(db, id).await.unwrap(), "{engine:?}");

    let hidden = json!({"theme": "dark", "api_key": "[REDACTED]", "limits": [1, 2]});
    let log = logged(db, "accounts", id).await;
    let actions: Vec<&str> = log.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["CREATE", "UPDATE", "DELETE"], "{engine:?}");
    let (_, _, created) = &log[0];
    assert_eq!(created["settings"], hidden, "{engine:?}: {created}");
    assert_eq!(created["tags"], json!(["a\"b", "ü"]), "{engine:?}");
    assert_eq!(created["id"], json!(id.to_string()), "{engine:?}");
    let (_, old, new) = &log[1];
    assert_eq!(
        old,
        &json!({"settings": hidden, "tags": ["a\"b", "ü"]}),
        "{engine:?}: an update logs the changed fields only"
    );
    let mut light = hidden.clone();
    light["theme"] = json!("light");
    assert_eq!(new, &json!({"settings": light, "tags": null}), "{engine:?}");
    for (_, old, new) in &log {
        assert!(
            !old.to_string().contains("sk-live") && !new.to_string().contains("sk-live"),
            "{engine:?}: a secret inside typed JSON is logged: {old} {new}"
        );
    }
}

async fn time_types<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    let day = Date::from_calendar_date(1969, Month::December, 31).unwrap();
    let at = Time::from_hms_micro(23, 59, 58, 123_456).unwrap();
    // Stored as an instant: read back in UTC, equal to the one written.
    let instant = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_000)
        .unwrap()
        .to_offset(UtcOffset::from_hms(5, 30, 0).unwrap());
    let written = Event {
        id: 0,
        day,
        at,
        local: PrimitiveDateTime::new(day, at),
        instant,
        maybe: Some(instant),
        created_at: OffsetDateTime::UNIX_EPOCH,
        updated_at: None,
        deleted_at: None,
    };
    let before = OffsetDateTime::now_utc() - time::Duration::seconds(5);
    let mut event = written.clone().insert(db).await.unwrap();
    assert!(event.id > 0, "{engine:?}");
    assert!(event.created_at > before, "{engine:?}: created_at is set");
    assert_eq!(event.updated_at, Some(event.created_at), "{engine:?}");
    let found = Event::find(db, event.id).await.unwrap().unwrap();
    assert_eq!(found, event, "{engine:?}: read back as written");
    assert_eq!(
        (found.day, found.at, found.local, found.instant),
        (day, at, PrimitiveDateTime::new(day, at), instant),
        "{engine:?}"
    );

    event.maybe = None;
    event.update(db).await.unwrap();
    event.clone().delete(db).await.unwrap();
    let trashed = Event::query().only_trashed().fetch_all(db).await.unwrap();
    assert_eq!(trashed.len(), 1, "{engine:?}");
    let marker = trashed[0].deleted_at.unwrap();
    assert!(marker >= event.created_at, "{engine:?}");
    assert_eq!(trashed[0].maybe, None, "{engine:?}");

    let log = logged(db, "events", event.id).await;
    let (_, _, created) = &log[0];
    assert_eq!(
        (
            &created["day"],
            &created["at"],
            &created["local"],
            &created["instant"]
        ),
        (
            &json!("1969-12-31"),
            &json!("23:59:58.123456"),
            &json!("1969-12-31T23:59:58.123456"),
            &json!("2023-11-14T22:13:20.123456+00:00")
        ),
        "{engine:?}: {created}"
    );
    let (_, old, new) = &log[1];
    assert_eq!(
        old,
        &json!({"maybe": "2023-11-14T22:13:20.123456+00:00"}),
        "{engine:?}"
    );
    assert_eq!(new, &json!({"maybe": null}), "{engine:?}");
    let (action, _, new) = &log[2];
    assert_eq!(action, "DELETE", "{engine:?}");
    let spelled = new["deleted_at"].as_str().unwrap();
    let parsed = chrono::DateTime::parse_from_rfc3339(spelled).unwrap();
    assert_eq!(
        i128::from(parsed.timestamp_nanos_opt().unwrap()),
        marker.unix_timestamp_nanos(),
        "{engine:?}: the log spells the marker stored ({spelled})"
    );
}

/// Values as long as their column holds are stored, on every engine, in
/// characters as PostgreSQL and MySQL count them; longer ones are refused
/// by dbgen on every engine (SQLite would keep them), and nothing is
/// written: no row, no audit row, no change.
async fn lengths<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    let account = |n: u128, handle: String| Account {
        id: Uuid::from_u128(1000 + n),
        handle,
        settings: Typed(Settings {
            theme: "dark".into(),
            api_key: "k".into(),
            limits: Vec::new(),
        }),
        tags: None,
        badge: None,
        balance: None,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    };
    let logged = |db, id| async move { logged(db, "accounts", id).await.len() };
    // 50 two-byte characters: 100 bytes, 50 characters.
    let full = account(1, "é".repeat(50)).insert(db).await.unwrap();
    let found = Account::find(db, full.id).await.unwrap().unwrap();
    assert_eq!(found.handle.chars().count(), 50, "{engine:?}");

    let long = account(2, "é".repeat(51)).insert(db).await;
    assert!(
        matches!(
            &long,
            Err(dbgen::Error::TooLong {
                found: 51,
                max: 50,
                ..
            })
        ),
        "{engine:?}: {long:?}"
    );
    assert!(
        Account::find(db, Uuid::from_u128(1002))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(logged(db, Uuid::from_u128(1002)).await, 0, "{engine:?}");

    let mut changed = full.clone();
    changed.badge = Some(vec![0; 5]);
    let refused = changed.update(db).await;
    assert!(
        matches!(
            &refused,
            Err(dbgen::Error::TooLong {
                found: 5,
                max: 4,
                unit: "bytes",
                ..
            })
        ),
        "{engine:?}: {refused:?}"
    );
    assert_eq!(
        Account::find(db, full.id).await.unwrap().unwrap(),
        full,
        "{engine:?}"
    );
    assert_eq!(logged(db, full.id).await, 1, "{engine:?}: the CREATE only");

    // decimal(6,2) holds four digits before the point, after rounding.
    let money = |text: &str| Some(text.parse::<rust_decimal::Decimal>().unwrap());
    let mut rich = full.clone();
    rich.balance = money("9999.994");
    rich.update(db).await.unwrap();
    let found = Account::find(db, full.id).await.unwrap().unwrap();
    assert_eq!(found.balance, money("9999.99"), "{engine:?}");
    for value in ["9999.995", "-10000", "123456"] {
        let mut richer = found.clone();
        richer.balance = money(value);
        let refused = richer.update(db).await;
        assert!(
            matches!(
                &refused,
                Err(dbgen::Error::OutOfRange {
                    precision: 6,
                    scale: 2,
                    ..
                })
            ),
            "{engine:?} {value}: {refused:?}"
        );
    }
    assert_eq!(
        Account::find(db, full.id).await.unwrap().unwrap(),
        found,
        "{engine:?}"
    );

    let batch = vec![account(3, "ok".into()), account(4, "x".repeat(51))];
    let refused = Account::insert_many(db, batch, 10).await;
    assert!(
        matches!(refused, Err(dbgen::Error::TooLong { .. })),
        "{engine:?}"
    );
    assert!(
        Account::find(db, Uuid::from_u128(1003))
            .await
            .unwrap()
            .is_none(),
        "{engine:?}"
    );
}

/// Dates past year 9999 are kept by PostgreSQL and SQLite. MySQL's DATE
/// and DATETIME end there, and MariaDB stored such a date as a zero date
/// that read back as NULL, from a NOT NULL column too: dbgen refuses it
/// there, and nothing is written.
async fn far_dates<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    let near = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    let far = chrono::NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
    let at = |d: chrono::NaiveDate| d.and_hms_micro_opt(23, 59, 59, 999_999).unwrap();
    let kept = Deadline {
        id: 1,
        due: near,
        at: Some(at(near)),
        utc: Some(at(near).and_utc()),
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        Deadline::find(db, 1).await.unwrap(),
        Some(kept.clone()),
        "{engine:?}"
    );
    let attempts = [
        Deadline {
            id: 2,
            due: far,
            ..kept.clone()
        },
        Deadline {
            id: 2,
            at: Some(at(far)),
            ..kept.clone()
        },
        Deadline {
            id: 2,
            utc: Some(at(far).and_utc()),
            ..kept.clone()
        },
    ];
    for (n, row) in attempts.into_iter().enumerate() {
        let mut changed = row.clone();
        changed.id = 1;
        let inserted = row.clone().insert(db).await;
        let updated = changed.update(db).await;
        if engine == Engine::MariaDb {
            for refused in [inserted.map(|_| ()), updated.map(|_| ())] {
                assert!(
                    matches!(&refused, Err(dbgen::Error::Bind(m)) if m.contains("up to year 9999")),
                    "{n}: {refused:?}"
                );
            }
            assert_eq!(Deadline::find(db, 2).await.unwrap(), None, "{n}");
            assert_eq!(
                Deadline::find(db, 1).await.unwrap(),
                Some(kept.clone()),
                "{n}"
            );
            assert_eq!(
                logged(db, "deadlines", 1).await.len(),
                1,
                "{n}: the CREATE only"
            );
        } else {
            inserted.unwrap();
            updated.unwrap();
            assert_eq!(
                Deadline::find(db, 2).await.unwrap(),
                Some(row),
                "{engine:?} {n}"
            );
            Deadline::delete_by_id(db, 2).await.unwrap();
            kept.clone().update(db).await.unwrap();
        }
    }
}

/// A batch and a bulk delete of about 20 MB, more than MariaDB takes in
/// one statement (`max_allowed_packet`, 16 MiB by default: it refused the
/// INSERT and closed the connection), where PostgreSQL and SQLite took
/// it. Every row is stored and logged, then deleted and logged.
async fn large_batches<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    let rows: Vec<Note> = (0..1000)
        .map(|i| Note {
            id: 0,
            body: format!("{i:04}{}", "x".repeat(20_000)),
        })
        .collect();
    let stored = Note::insert_many(db, rows, 1000).await.unwrap();
    assert_eq!(stored.len(), 1000, "{engine:?}");
    assert_eq!(Note::query().count(db).await.unwrap(), 1000, "{engine:?}");
    let created = AuditFilter {
        entity_type: Some("notes".into()),
        action: Some("CREATE".into()),
        ..AuditFilter::default()
    };
    let (_, logged) = dbgen::audit::logs(db, &created, 1, 1).await.unwrap();
    assert_eq!(logged, 1000, "{engine:?}");
    let last = Note::find(db, stored[999].id).await.unwrap().unwrap();
    assert!(
        last.body.starts_with("0999") && last.body.len() == 20_004,
        "{engine:?}"
    );
    assert_eq!(Note::query().delete(db).await.unwrap(), 1000, "{engine:?}");
    let deleted = AuditFilter {
        action: Some("DELETE".into()),
        ..created
    };
    let (_, logged) = dbgen::audit::logs(db, &deleted, 1, 1).await.unwrap();
    assert_eq!(logged, 1000, "{engine:?}");
}

async fn suite<DB>(engine: Engine, db: sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    support::create_tables(
        &db,
        vec![
            Account::table().clone(),
            Event::table().clone(),
            Deadline::table().clone(),
            Ledger::table().clone(),
            Publication::table().clone(),
            Note::table().clone(),
            AuditLog::table().clone(),
        ],
    )
    .await;
    typed_json(engine, &db).await;
    time_types(engine, &db).await;
    lengths(engine, &db).await;
    far_dates(engine, &db).await;
    long_decimals(engine, &db).await;
    time_defaults(engine, &db).await;
    large_batches(engine, &db).await;
}

/// A date-time the database's `CURRENT_TIMESTAMP` default fills compares
/// and sorts with the ones dbgen binds. SQLite spelled it otherwise
/// (`2024-05-01 12:00:00` against `2024-05-01T11:00:00+00:00`), and
/// compares text: a filter missed the row and an order put it first.
async fn time_defaults<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    let filled = Publication {
        id: 1,
        title: "filled".into(),
        published_at: None,
    }
    .insert(db)
    .await
    .unwrap();
    let filled_at = filled.published_at.expect("the default");
    let hour = chrono::Duration::hours(1);
    assert!(
        (chrono::Utc::now() - filled_at).abs() < hour,
        "{engine:?}: {filled_at}"
    );
    Publication {
        id: 2,
        title: "given".into(),
        published_at: Some(filled_at - hour),
    }
    .insert(db)
    .await
    .unwrap();
    let since = |at: chrono::DateTime<chrono::Utc>| async move {
        Publication::query()
            .filter("published_at > ", at)
            .count(db)
            .await
            .unwrap()
    };
    assert_eq!(since(filled_at - hour * 2).await, 2, "{engine:?}");
    assert_eq!(since(filled_at - hour / 2).await, 1, "{engine:?}");
    let order: Vec<i64> = Publication::query()
        .order_by("published_at", dbgen::Order::Desc)
        .fetch_all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(order, [1, 2], "{engine:?}");
    // A date or naive date-time compared with a `DateTime<Utc>` column,
    // and a `DateTime<Utc>` with a naive one, compare the instants (a date
    // as its midnight, naive times as UTC) on every engine. SQLite
    // compared the texts, whose forms differ.
    let utc = |text: &str| text.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    for (id, at) in [(3, "2024-05-01T12:00:00Z"), (4, "2024-05-02T00:00:00Z")] {
        Publication {
            id,
            title: at.into(),
            published_at: Some(utc(at)),
        }
        .insert(db)
        .await
        .unwrap();
    }
    let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 2).unwrap();
    let noon = utc("2024-05-01T12:00:00Z").naive_utc();
    let count = |query: dbgen::Query<Publication>| async move {
        query.filter_in("id", [3i64, 4]).count(db).await.unwrap()
    };
    assert_eq!(
        count(Publication::query().filter("published_at = ", day)).await,
        1,
        "{engine:?}"
    );
    assert_eq!(
        count(Publication::query().filter("published_at <= ", noon)).await,
        1,
        "{engine:?}"
    );
    assert_eq!(
        count(Publication::query().filter("published_at >= ", noon)).await,
        2,
        "{engine:?}"
    );
    assert_eq!(
        count(Publication::query().filter_in("published_at", [day])).await,
        1,
        "{engine:?}"
    );
    Deadline {
        id: 50,
        due: day,
        at: Some(noon),
        utc: None,
    }
    .insert(db)
    .await
    .unwrap();
    let deadlines = |query: dbgen::Query<Deadline>| async move {
        query.filter("id = ", 50i64).count(db).await.unwrap()
    };
    assert_eq!(
        deadlines(Deadline::query().filter("at >= ", noon.and_utc())).await,
        1,
        "{engine:?}"
    );
    assert_eq!(
        deadlines(Deadline::query().filter("at > ", noon.and_utc())).await,
        0,
        "{engine:?}"
    );
    let noon_day = noon.date();
    assert_eq!(
        deadlines(Deadline::query().filter("at > ", noon_day)).await,
        1,
        "{engine:?}"
    );
}

/// A `decimal(30,10)` holds 30 digits on PostgreSQL and MySQL. SQLite
/// turns a decimal into a 64-bit integer or float (15 significant
/// digits): `1234567890123456.78` was stored as `1.23456789012346e+15`
/// and read back so, silently. dbgen refuses there what SQLite would
/// change, and keeps what it holds exactly.
async fn long_decimals<DB>(engine: Engine, db: &sqlx::Pool<DB>)
where
    DB: dbgen::Driver,
{
    use rust_decimal::Decimal;
    let exact = |text: &str| text.parse::<Decimal>().unwrap();
    let kept = [
        "123456789012345",
        "-0.000000000123456789012345",
        "9223372036854775807",
        "10000000000000000000",
        "12345.6789",
    ];
    for (n, text) in kept.iter().enumerate() {
        let id = n as i64 + 1;
        Ledger {
            id,
            amount: exact(text),
        }
        .insert(db)
        .await
        .unwrap_or_else(|e| panic!("{engine:?} {text}: {e}"));
        let found = Ledger::find(db, id).await.unwrap().unwrap();
        assert_eq!(found.amount, exact(text).round_dp(10), "{engine:?} {text}");
    }
    let long = [
        "1234567890123456.78",
        "12345678901234567890.1234567891",
        "123456.1234567891",
    ];
    for (n, text) in long.iter().enumerate() {
        let id = n as i64 + 100;
        let inserted = Ledger {
            id,
            amount: exact(text),
        }
        .insert(db)
        .await;
        if engine == Engine::Sqlite {
            assert!(
                matches!(&inserted, Err(dbgen::Error::Bind(m)) if m.contains("SQLite keeps a decimal as a 64-bit integer or float")),
                "{text}: {inserted:?}"
            );
            assert_eq!(Ledger::find(db, id).await.unwrap(), None, "{text}");
        } else {
            inserted.unwrap_or_else(|e| panic!("{engine:?} {text}: {e}"));
            let found = Ledger::find(db, id).await.unwrap().unwrap();
            assert_eq!(found.amount, exact(text), "{engine:?} {text}");
        }
    }
}

on_every_engine!("dbgen_types", suite => postgres_other_types, mariadb_other_types, sqlite_other_types);

/// Generated keys of a MariaDB batch when `auto_increment_increment` is not
/// 1, as on a Galera cluster (the cluster's size, with each node's own
/// offset). The keys came back as consecutive from the first, so rows and
/// their audit rows carried other rows' keys. Each row must come back with
/// its own key, and its audit row name it.
async fn galera_keys(pool: sqlx::Pool<sqlx::MySql>) {
    let mut conn = pool.acquire().await.unwrap();
    sqlx::raw_sql("SET SESSION auto_increment_increment = 3, auto_increment_offset = 2")
        .execute(&mut *conn)
        .await
        .unwrap();
    support::create_tables(
        &pool,
        vec![Note::table().clone(), AuditLog::table().clone()],
    )
    .await;
    let rows: Vec<Note> = (0..5)
        .map(|i| Note {
            id: 0,
            body: format!("note {i}"),
        })
        .collect();
    let stored = Note::insert_many(&mut *conn, rows, 100).await.unwrap();
    for note in &stored {
        let found = Note::find(&mut *conn, note.id).await.unwrap();
        assert_eq!(found.as_ref(), Some(note), "{stored:?}");
        let logged = dbgen::audit::history(&mut *conn, "notes", note.id)
            .await
            .unwrap();
        assert!(
            matches!(logged.as_slice(), [log] if log.new_values.as_ref().and_then(|v| v.get("body")) == Some(&Json::from(note.body.clone()))),
            "{logged:?}"
        );
    }
    let ids: Vec<i64> = stored.iter().map(|n| n.id).collect();
    assert!(ids.windows(2).all(|w| w[1] - w[0] == 3), "{ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_batch_keys_with_an_increment() {
    support::db::run_on::<sqlx::MySql, _>(Engine::MariaDb, "dbgen_incr", galera_keys).await;
    assert!(!dbgen::__private::compound_statements_refused());
}

/// The same as MySQL reads them: `LAST_INSERT_ID()` and the session's
/// increment (MySQL has no `INSERT … RETURNING`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_batch_keys_with_an_increment_as_on_mysql() {
    dbgen::__private::refuse_compound_statements();
    support::db::run_on::<sqlx::MySql, _>(Engine::MariaDb, "dbgen_incrm", galera_keys).await;
}
