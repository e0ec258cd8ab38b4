//! The outbox conformance suite (`outbox_conformance/`) against every backend: SQLite on a
//! temporary file, PostgreSQL in a schema of its own per test (from
//! `HOOKWIRE_TEST_POSTGRES_URL`; skipped with a message when it is unset).

mod outbox_conformance;

use std::sync::Arc;

use hookwire::clock::FixedClock;
use hookwire::store::Policy;
use hookwire::store::postgres::PgOutbox;
use hookwire::store::sqlite::SqliteOutbox;
use outbox_conformance::{Backend, Case};
use sqlx::postgres::PgConnectOptions;

struct Sqlite {
    url: String,
}

impl Sqlite {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join("hookwire-outbox-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}-{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        Sqlite {
            url: format!("sqlite://{}", path.display()),
        }
    }
}

impl Backend for Sqlite {
    type Store = SqliteOutbox;

    async fn open(&self, clock: Arc<FixedClock>, policy: Policy) -> SqliteOutbox {
        SqliteOutbox::open(&self.url)
            .await
            .unwrap()
            .with_clock(clock)
            .with_policy(policy)
    }
}

/// A schema of its own in the test database, dropped at the end of the test.
#[derive(Clone)]
struct Postgres {
    options: PgConnectOptions,
    schema: String,
}

impl Postgres {
    /// `None` (and a message) when `HOOKWIRE_TEST_POSTGRES_URL` is unset.
    async fn new(name: &str) -> Option<Self> {
        let Ok(url) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
            eprintln!(
                "skipped: HOOKWIRE_TEST_POSTGRES_URL is not set (postgres conformance `{name}`)"
            );
            return None;
        };
        let options: PgConnectOptions = url.parse().unwrap();
        let schema = format!(
            "hwt_{}_{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::Connection::close(admin).await.unwrap();
        Some(Postgres { options, schema })
    }

    async fn drop_schema(&self) {
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect_with(&self.options)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA \"{}\" CASCADE",
            self.schema
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

impl Backend for Postgres {
    type Store = PgOutbox;

    async fn open(&self, clock: Arc<FixedClock>, policy: Policy) -> PgOutbox {
        let options = self
            .options
            .clone()
            .options([("search_path", self.schema.as_str())]);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap();
        PgOutbox::from_pool(pool)
            .await
            .unwrap()
            .with_clock(clock)
            .with_policy(policy)
    }
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let backend = Sqlite::new(stringify!($case));
                    outbox_conformance::$case(Case::new(backend, Policy::default()).await).await;
                }
            )*
        }

        mod postgres {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(backend) = Postgres::new(stringify!($case)).await else {
                        return;
                    };
                    let cleanup = backend.clone();
                    outbox_conformance::$case(Case::new(backend, Policy::default()).await).await;
                    cleanup.drop_schema().await;
                }
            )*
        }
    };
}

conformance!(
    fan_out_and_filters,
    fencing,
    lease_expiry,
    schedule_survives_reopen,
    gone_disables,
    breaker_and_sustained_failure,
    success_heals,
    throttle_pauses_endpoint,
    fair_claims_and_limits,
    recover_and_retry,
    operator_actions_close_the_breaker,
    purge,
    stats_listing_and_endpoints,
    bounded_claims,
    concurrent_claims,
);

mod sqlite_transactions {
    use hookwire::store::{NewEndpoint, OutboxStore, RawEvent};
    use hookwire::{Event, Events, JsonSchema, schemars};
    use serde::{Deserialize, Serialize};

    use super::*;

    /// An order was placed.
    #[derive(Serialize, Deserialize, JsonSchema, Event)]
    #[hookwire(event = "order.created")]
    struct OrderCreated {
        order_id: String,
    }

    #[derive(Events)]
    enum Shop {
        OrderCreated(OrderCreated),
    }

    /// Publish joins the caller's transaction: a rollback sends nothing, a commit stores the
    /// event with the business row, serialized once into the envelope.
    #[tokio::test]
    async fn publish_in_the_callers_transaction() {
        let backend = Sqlite::new("transactions");
        let outbox = backend
            .open(
                Arc::new(FixedClock::new(outbox_conformance::T0)),
                Policy::default(),
            )
            .await;
        outbox
            .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0"))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE orders (id TEXT PRIMARY KEY)")
            .execute(outbox.pool())
            .await
            .unwrap();
        let event = Shop::OrderCreated(OrderCreated {
            order_id: "o-1".into(),
        });

        let mut tx = outbox.begin().await.unwrap();
        sqlx::query("INSERT INTO orders (id) VALUES ('o-1')")
            .execute(&mut *tx)
            .await
            .unwrap();
        outbox.publish(&mut tx, &event).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(outbox.stats().await.unwrap().states.pending, 0);

        let mut tx = outbox.begin().await.unwrap();
        sqlx::query("INSERT INTO orders (id) VALUES ('o-1')")
            .execute(&mut *tx)
            .await
            .unwrap();
        let id = outbox.publish(&mut tx, &event).await.unwrap();
        let raw = RawEvent::new("order.created", serde_json::json!({"order_id": "o-2"})).unwrap();
        outbox.publish_raw_in(&mut tx, &raw).await.unwrap();
        tx.commit().await.unwrap();

        let claimed = outbox
            .claim(hookwire::store::ClaimRequest::new(10))
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        let typed = claimed.iter().find(|c| c.event_id == id).unwrap();
        assert_eq!(
            typed.payload,
            r#"{"type":"order.created","timestamp":"2023-11-14T22:13:20Z","data":{"order_id":"o-1"}}"#
        );
    }
}

mod postgres_transactions {
    use hookwire::store::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};

    use super::*;

    /// Publish joins the caller's PostgreSQL transaction: a rollback sends nothing; a commit
    /// stores the event and notifies waiting workers.
    #[tokio::test]
    async fn publish_in_the_callers_transaction() {
        let Some(backend) = Postgres::new("transactions").await else {
            return;
        };
        let outbox = backend
            .open(
                Arc::new(FixedClock::new(outbox_conformance::T0)),
                Policy::default(),
            )
            .await;
        outbox
            .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0"))
            .await
            .unwrap();
        let raw = RawEvent::new("order.created", serde_json::json!({"order_id": "o-1"})).unwrap();

        let mut tx = outbox.pool().begin().await.unwrap();
        outbox.publish_raw_in(&mut tx, &raw).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(outbox.stats().await.unwrap().states.pending, 0);

        // A worker waiting (with no polling backstop to speak of) wakes on a commit's
        // notification. The listener starts in the background, so publish until it is woken.
        let waiter = {
            let outbox = outbox.clone();
            tokio::spawn(async move {
                outbox
                    .wait_for_work(std::time::Duration::from_secs(3600))
                    .await;
            })
        };
        for _ in 0..100 {
            let mut tx = outbox.pool().begin().await.unwrap();
            outbox.publish_raw_in(&mut tx, &raw).await.unwrap();
            tx.commit().await.unwrap();
            if waiter.is_finished() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            waiter.is_finished(),
            "no notification woke the waiting worker"
        );
        assert!(
            !outbox
                .claim(ClaimRequest::new(10))
                .await
                .unwrap()
                .is_empty()
        );
        backend.drop_schema().await;
    }
}

/// `sqlite::memory:` is one database shared by the pool's connections through SQLite's shared
/// cache, whose table locks fail at once: the outbox keeps to one connection, so workers
/// claiming at once each get their own deliveries and none fails with "table is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_memory_outbox_takes_concurrent_claims() {
    use hookwire::store::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};

    let store = Arc::new(SqliteOutbox::open("sqlite::memory:").await.unwrap());
    let endpoint = NewEndpoint::new(
        "http://127.0.0.1:9/hook",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    )
    .allow_private(true)
    .max_in_flight(1_000);
    store.add_endpoint(&endpoint).await.unwrap();
    let events: Vec<RawEvent> = (0..200)
        .map(|seq| RawEvent::new("order.created", serde_json::json!({ "seq": seq })).unwrap())
        .collect();
    store.publish_raw(&events).await.unwrap();

    let mut workers = Vec::new();
    for _ in 0..8 {
        let store = Arc::clone(&store);
        workers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let claimed = store.claim(ClaimRequest::new(5)).await.unwrap();
                if claimed.is_empty() {
                    return ids;
                }
                ids.extend(claimed.into_iter().map(|delivery| delivery.webhook_id));
            }
        }));
    }
    let mut ids = Vec::new();
    for worker in workers {
        ids.extend(worker.await.unwrap());
    }
    ids.sort_unstable();
    let claimed = ids.len();
    ids.dedup();
    assert_eq!(
        (claimed, ids.len()),
        (200, 200),
        "each delivery claimed once"
    );
}
