//! A database created by `main` before the migration line (December 2026: the outbox's
//! `schema.sql` + `migrate_2.sql` tracked in `hw_meta`, the duplicate store's and the inbox's
//! inline tables; `tests/fixtures/main-2026-12/`), with rows in every table, opens with this
//! build: it is migrated to the latest version (the outbox's migrations recorded as adopted,
//! none run twice), and its old rows work (the outbox claims the old delivery and publishes
//! anew, the duplicate store answers for the old key, the inbox claims the old delivery).
//! On SQLite (a file) and PostgreSQL (a schema of its own; skipped without
//! `HOOKWIRE_TEST_POSTGRES_URL`). Also: a second open changes nothing, concurrent first opens
//! agree, and a database newer than this build is refused.

use crate::outbox_support::stores;

use std::time::Duration;

use hookwire::dedup::{Claim, DedupKey, DedupStore};
use hookwire::inbox::{InboxStore, NewItem, Pushed};
use hookwire::outbox::{ClaimRequest, OutboxStore, RawEvent};
use hookwire::postgres::PgOutbox;
use hookwire::postgres::PgStore;
use hookwire::sqlite::SqliteOutbox;
use hookwire::sqlite::SqliteStore;
use hookwire::{BackendError, Migration, Timestamp};

const SQLITE_OUTBOX_V1: &str = include_str!("fixtures/main-2026-12/sqlite_outbox_v1.sql");
const SQLITE_OUTBOX_V2: &str = include_str!("fixtures/main-2026-12/sqlite_outbox_v2.sql");
const SQLITE_STORES: &str = include_str!("fixtures/main-2026-12/sqlite_dedup_inbox.sql");
const POSTGRES_OUTBOX_V1: &str = include_str!("fixtures/main-2026-12/postgres_outbox_v1.sql");
const POSTGRES_OUTBOX_V2: &str = include_str!("fixtures/main-2026-12/postgres_outbox_v2.sql");
const POSTGRES_STORES: &str = include_str!("fixtures/main-2026-12/postgres_dedup_inbox.sql");

/// What the old code did after running `migrate_2.sql`, and rows in every table: an endpoint,
/// an event with its pending delivery, a handled duplicate-store key (done until far in the
/// future) and a waiting inbox delivery.
const ROWS: &str = "
UPDATE hw_meta SET value = 2 WHERE key = 'schema_version';
INSERT INTO hw_endpoint (url, secrets, all_types, allow_private, max_in_flight, description,
                         created_at)
VALUES ('https://a.example/', '[\"whsec_c2VjcmV0\"]', TRUE, FALSE, 16, '', 900);
INSERT INTO hw_event (event_id, event_type, payload, created_at)
VALUES ('evt_old', 'order.created', '{\"type\":\"order.created\"}', 900);
INSERT INTO hw_delivery (webhook_id, event_pk, endpoint_id, state, run_at, created_at,
                         updated_at)
VALUES ('evt_old', 1, 1, 'pending', 0, 900, 900);
INSERT INTO hw_dedup (namespace, id, token, done, expires_at)
VALUES ('standard:/hooks', 'msg_old', 5, TRUE, 9000000000000);
INSERT INTO hw_inbox (queue, id, event_type, signed_at, headers, body, stage, run_at,
                      received_at)
VALUES ('shop', 'msg_old', 'order.created', NULL, '[]', 'body', 'waiting', 0, 1000);
";

/// The migrations every open leaves applied, the outbox's adopted (recorded at the epoch).
fn check_line(line: &[Migration]) {
    assert!(line.iter().all(|m| m.applied_at.is_some()), "{line:#?}");
    for adopted in ["outbox", "outbox_breaker"] {
        let migration = line.iter().find(|m| m.name == adopted).expect(adopted);
        assert_eq!(
            migration.applied_at,
            Some(Timestamp::from_unix(0)),
            "{adopted}"
        );
    }
}

/// The old rows and new ones work through every store.
async fn check_stores<O: OutboxStore>(outbox: &O, dedup: &dyn DedupStore, inbox: &dyn InboxStore) {
    let now = Timestamp::from_unix(1_700_000_000);
    let claimed = outbox.claim(ClaimRequest::new(10)).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    assert_eq!(claimed[0].event_id, "evt_old");
    let event = RawEvent::new("order.shipped", serde_json::json!({"id": 1})).unwrap();
    let ids = outbox.publish_raw(&[event]).await.unwrap();
    let claimed = outbox.claim(ClaimRequest::new(10)).await.unwrap();
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    assert_eq!(claimed[0].event_id, ids[0]);

    let lease = Duration::from_secs(60);
    let old = DedupKey::new("standard:/hooks", "msg_old");
    assert_eq!(dedup.claim(&old, now, lease).await.unwrap(), Claim::Done);
    let new = DedupKey::new("standard:/hooks", "msg_new");
    assert!(matches!(
        dedup.claim(&new, now, lease).await.unwrap(),
        Claim::New(_)
    ));

    let duplicate = NewItem::new("shop", "msg_old", "order.created", b"body".to_vec());
    assert_eq!(
        inbox.push(&duplicate, now).await.unwrap(),
        Pushed::Duplicate
    );
    let claimed = inbox.claim("shop", now, lease, 10, 8).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(&claimed[0].item.body[..], b"body");
    assert_eq!(claimed[0].attempt, 1);
}

#[tokio::test]
async fn a_sqlite_database_from_main_is_migrated_and_works() {
    let path = stores::temp_path("main-2026-12.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        for script in [SQLITE_OUTBOX_V1, SQLITE_OUTBOX_V2, SQLITE_STORES, ROWS] {
            sqlx::raw_sql(script).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
    let before = SqliteStore::open_unmigrated(&url).await.unwrap();
    assert!(
        before
            .migrations()
            .await
            .unwrap()
            .iter()
            .all(|m| m.applied_at.is_none())
    );
    before.pool().close().await;

    let db = SqliteStore::open(&url).await.unwrap();
    check_line(&db.migrations().await.unwrap());
    assert!(
        db.migrate().await.unwrap().is_empty(),
        "a second run changes nothing"
    );
    let version: i64 = sqlx::query_scalar("SELECT value FROM hw_meta WHERE key = 'schema_version'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(version, 3, "code from before the line refuses the database");
    let outbox = SqliteOutbox::open(&url).await.unwrap();
    check_stores(&outbox, &db.dedup(), &db.inbox()).await;
    outbox.pool().close().await;
    db.pool().close().await;
}

#[tokio::test]
async fn a_postgres_schema_from_main_is_migrated_and_works() {
    let Some(url) = stores::postgres_schema("upgrade").await else {
        return;
    };
    let _guard = stores::PgSchemaGuard::new(&url);
    {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        for script in [
            POSTGRES_OUTBOX_V1,
            POSTGRES_OUTBOX_V2,
            POSTGRES_STORES,
            ROWS,
        ] {
            sqlx::raw_sql(script).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
    let db = PgStore::open(&url).await.unwrap();
    check_line(&db.migrations().await.unwrap());
    assert!(
        db.migrate().await.unwrap().is_empty(),
        "a second run changes nothing"
    );
    let outbox = PgOutbox::open(&url).await.unwrap();
    check_stores(&outbox, &db.dedup(), &db.inbox()).await;
    // PostgreSQL's feed shows an event once every older transaction in the cluster has ended
    // (other tests' included): wait for it, as a reader polls.
    let mut read = 0;
    for _ in 0..500 {
        let query = hookwire::feed::FeedQuery::from_start();
        let page = hookwire::feed::FeedStore::read(&db.feed(), &query)
            .await
            .unwrap();
        read = page.data.len();
        if read >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(read, 2, "the old event and the new one are in the feed");
    outbox.pool().close().await;
    db.pool().close().await;
}

#[tokio::test]
async fn concurrent_first_opens_agree() {
    let path = stores::temp_path("concurrent.db");
    let url = format!("sqlite://{}", path.display());
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { SqliteStore::open(&url).await.map(|db| db.pool().clone()) })
        })
        .collect();
    for open in opens {
        open.await.unwrap().unwrap().close().await;
    }
    if let Some(url) = stores::postgres_schema("concurrent").await {
        let _guard = stores::PgSchemaGuard::new(&url);
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { PgStore::open(&url).await.map(|db| db.pool().clone()) })
            })
            .collect();
        for open in opens {
            open.await.unwrap().unwrap().close().await;
        }
    }
}

#[tokio::test]
async fn a_database_newer_than_this_build_is_refused() {
    let path = stores::temp_path("newer.db");
    let url = format!("sqlite://{}", path.display());
    let db = SqliteStore::open(&url).await.unwrap();
    let latest = db.migrations().await.unwrap().last().unwrap().version;
    sqlx::query("INSERT INTO hw_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
        .execute(db.pool())
        .await
        .unwrap();
    db.pool().close().await;
    let refused = SqliteStore::open(&url).await.unwrap_err();
    assert!(
        matches!(refused, BackendError::SchemaTooNew { found: 999, supported } if supported == latest),
        "{refused:?}"
    );
    let outbox = SqliteOutbox::open(&url).await.unwrap_err();
    assert!(
        matches!(
            outbox,
            hookwire::outbox::StoreError::SchemaTooNew { found: 999, .. }
        ),
        "{outbox:?}"
    );
}
