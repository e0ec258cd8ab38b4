//! The outbox's tests beyond its conformance suite (which `conformance.rs` runs on every
//! backend): publishing in the caller's transaction, atomic publishes, hostile endpoints,
//! concurrent claims and PostgreSQL's lock order. SQLite on a temporary file, PostgreSQL in a
//! schema of its own per test (from `HOOKWIRE_TEST_POSTGRES_URL`; skipped with a message when
//! it is unset).

use crate::outbox_conformance;

use std::sync::Arc;

use hookwire::clock::FixedClock;
use hookwire::outbox::Policy;
use hookwire::postgres::PgOutbox;
use hookwire::retry::RetryPolicy;
use hookwire::sqlite::SqliteOutbox;
use outbox_conformance::Backend;
use outbox_conformance::backends::{Postgres, Sqlite};

mod sqlite_transactions {
    use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};
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
            .claim(hookwire::outbox::ClaimRequest::new(10))
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2);
        let typed = claimed.iter().find(|c| c.event_id == id).unwrap();
        assert_eq!(
            typed.payload,
            r#"{"type":"order.created","timestamp":"2023-11-14T22:13:20Z","data":{"order_id":"o-1"}}"#
        );
    }

    /// `publish_with` gives a typed event its ordering key in the caller's transaction: the
    /// second event of the key waits for the first, and listings show the key.
    #[tokio::test]
    async fn typed_events_take_an_ordering_key() {
        use hookwire::outbox::{ClaimRequest, DeliveryQuery, PublishOptions};
        let backend = Sqlite::new("typed_ordering");
        let clock = Arc::new(FixedClock::new(outbox_conformance::T0));
        let outbox = backend.open(clock, Policy::default()).await;
        outbox
            .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0"))
            .await
            .unwrap();
        let options = PublishOptions::new().ordering_key("order-1");
        let mut tx = outbox.begin().await.unwrap();
        for n in 0..2 {
            let event = Shop::OrderCreated(OrderCreated {
                order_id: format!("o-{n}"),
            });
            outbox
                .publish_with(&mut tx, &event, &options)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let listed = outbox.deliveries(&DeliveryQuery::new(10)).await.unwrap();
        assert!(
            listed
                .iter()
                .all(|d| d.ordering_key.as_deref() == Some("order-1"))
        );
        let claimed = outbox.claim(ClaimRequest::new(10)).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(claimed[0].payload.contains("\"o-0\""));
    }
}

mod postgres_transactions {
    use hookwire::outbox::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};

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
    use hookwire::outbox::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};

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

/// The handle's outbox on a file commits its own work at `synchronous = NORMAL` (a pool of its
/// own) while the handle keeps `FULL`, and an event published in the handle's transaction is
/// the outbox's to claim: one database.
#[tokio::test]
async fn sqlite_handle_outbox_commits_at_normal_on_the_same_file() {
    use hookwire::outbox::{ClaimRequest, NewEndpoint, OutboxStore, RawEvent};
    use hookwire::sqlite::SqliteStore;

    let db = Sqlite::new("handle-outbox");
    let store = SqliteStore::open(&db.url).await.unwrap();
    let outbox = store.outbox().await.unwrap();
    let level = |pool: sqlx::SqlitePool| async move {
        sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    // 2 is FULL, 1 is NORMAL.
    assert_eq!(level(store.pool().clone()).await, 2);
    assert_eq!(level(outbox.pool().clone()).await, 1);

    let endpoint =
        NewEndpoint::new("http://127.0.0.1:9/hook", "whsec_c2VjcmV0").allow_private(true);
    outbox.add_endpoint(&endpoint).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let event = RawEvent::new("order.created", serde_json::json!({"id": 1})).unwrap();
    let id = outbox.publish_raw_in(&mut tx, &event).await.unwrap();
    tx.commit().await.unwrap();
    let claimed = outbox.claim(ClaimRequest::new(10)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].event_id, id);

    // In memory there is one database per pool: the outbox shares the handle's.
    let memory = SqliteStore::open("sqlite::memory:").await.unwrap();
    let outbox = memory.outbox().await.unwrap();
    outbox.add_endpoint(&endpoint).await.unwrap();
    let endpoints: i64 = sqlx::query_scalar("SELECT count(*) FROM hw_endpoint")
        .fetch_one(memory.pool())
        .await
        .unwrap();
    assert_eq!(endpoints, 1);
}

/// Publishing on a connection outside any transaction is atomic: when the fan-out fails, no
/// event is left behind without its deliveries (a crash between the two would do the same).
mod publish_atomicity {
    use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};

    use super::*;

    /// Events stored, through `$executor`.
    macro_rules! event_count {
        ($executor:expr) => {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM hw_event")
                .fetch_one($executor)
                .await
                .unwrap()
        };
    }

    fn raw() -> RawEvent {
        RawEvent::new("order.created", serde_json::json!({"order_id": "o-1"})).unwrap()
    }

    #[tokio::test]
    async fn sqlite_publish_outside_a_transaction_is_all_or_nothing() {
        let backend = Sqlite::new("publish_atomic");
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
        sqlx::raw_sql(
            "CREATE TRIGGER hw_test_no_fan_out BEFORE INSERT ON hw_delivery \
             BEGIN SELECT RAISE(ABORT, 'fan-out refused by the test'); END;",
        )
        .execute(outbox.pool())
        .await
        .unwrap();
        let mut conn = outbox.pool().acquire().await.unwrap();
        assert!(outbox.publish_raw_in(&mut conn, &raw()).await.is_err());
        assert_eq!(event_count!(&mut *conn), 0, "an event without deliveries");

        sqlx::raw_sql("DROP TRIGGER hw_test_no_fan_out")
            .execute(&mut *conn)
            .await
            .unwrap();
        outbox.publish_raw_in(&mut conn, &raw()).await.unwrap();
        assert_eq!(event_count!(&mut *conn), 1);
        assert_eq!(outbox.stats().await.unwrap().states.pending, 1);
        // Inside the caller's transaction it still joins that transaction.
        let mut tx = outbox.begin().await.unwrap();
        outbox.publish_raw_in(&mut tx, &raw()).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(event_count!(outbox.pool()), 1);
    }

    #[tokio::test]
    async fn postgres_publish_outside_a_transaction_is_all_or_nothing() {
        let Some(backend) = Postgres::new("publish_atomic").await else {
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
        sqlx::raw_sql(
            "CREATE FUNCTION hw_test_no_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'fan-out refused by the test'; END $$; \
             CREATE TRIGGER hw_test_no_fan_out BEFORE INSERT ON hw_delivery \
             FOR EACH ROW EXECUTE FUNCTION hw_test_no_fan_out();",
        )
        .execute(outbox.pool())
        .await
        .unwrap();
        let mut conn = outbox.pool().acquire().await.unwrap();
        assert!(outbox.publish_raw_in(&mut conn, &raw()).await.is_err());
        assert_eq!(event_count!(&mut *conn), 0, "an event without deliveries");
        assert!(outbox.publish_raw(&[raw(), raw()]).await.is_err());
        assert_eq!(event_count!(&mut *conn), 0, "an event without deliveries");
        drop(conn);
        backend.drop_schema().await;
    }
}

/// A real worker against loopback servers: one endpoint answers `500` with a body of NUL
/// bytes, bytes that are not UTF-8 and a terminal escape; another answers `204`. Their
/// deliveries share claim and record batches. The healthy endpoint gets each event exactly
/// once; the hostile one's attempts are all in the attempt log, escaped, and follow the retry
/// schedule (1 s, 1 s: three attempts) to `failed`.
mod hostile_endpoint {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use axum::http::StatusCode;
    use hookwire::outbox::Worker;
    use hookwire::outbox::{DeliveryQuery, DeliveryState, NewEndpoint, OutboxStore, RawEvent};

    use super::*;
    use crate::outbox_support::receiver::Receiver;

    const EVENTS: usize = 5;

    fn policy() -> Policy {
        Policy::default()
            .retry(RetryPolicy::new([Duration::from_secs(1), Duration::from_secs(1)]).jitter(0.0))
            .breaker(hookwire::outbox::Breaker::off())
    }

    /// A server answering every POST with `500` and the hostile body; returns its URL and
    /// how many requests it answered.
    async fn hostile_server() -> (String, Arc<AtomicUsize>) {
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&hits);
        let app = axum::Router::new().route(
            "/{*path}",
            axum::routing::post(move || {
                let counted = Arc::clone(&counted);
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        outbox_conformance::HOSTILE_BODY,
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hostile", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, hits)
    }

    async fn run<S: OutboxStore + 'static>(store: S) {
        let healthy = Receiver::start(Duration::ZERO).await;
        let (hostile_url, hostile_hits) = hostile_server().await;
        let store = Arc::new(store);
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let hostile = store
            .add_endpoint(&NewEndpoint::new(hostile_url, secret).allow_private(true))
            .await
            .unwrap();
        store
            .add_endpoint(&NewEndpoint::new(healthy.ok("fine"), secret).allow_private(true))
            .await
            .unwrap();
        let events: Vec<RawEvent> = (0..EVENTS)
            .map(|seq| RawEvent::new("order.created", serde_json::json!({ "seq": seq })).unwrap())
            .collect();
        store.publish_raw(&events).await.unwrap();

        let worker = Worker::builder(Arc::clone(&store))
            .concurrency(16)
            .timeout(Duration::from_secs(5))
            .poll_interval(Duration::from_millis(50))
            .grace(Duration::from_millis(500))
            .build()
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(async move {
            worker
                .run_until(async move {
                    let _ = stopped.await;
                })
                .await
        });
        let started = std::time::Instant::now();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let states = store.stats().await.unwrap().states;
            if states.delivered == EVENTS as u64 && states.failed == EVENTS as u64 {
                break;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("not finished after 20 s: {states:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        eprintln!(
            "hostile endpoint: {EVENTS} delivered and {EVENTS} failed after 3 attempts in {:?}",
            started.elapsed()
        );
        stop.send(()).unwrap();
        let report = running.await.unwrap();
        assert_eq!((report.unrecorded, report.stale), (0, 0), "{report:?}");

        let by_id = healthy.by_id();
        assert_eq!(by_id.len(), EVENTS);
        assert!(by_id.values().all(|n| *n == 1), "re-sent: {by_id:?}");
        assert_eq!(hostile_hits.load(Ordering::SeqCst), EVENTS * 3);
        let failed = store
            .deliveries(&DeliveryQuery::new(100).endpoint(hostile))
            .await
            .unwrap();
        assert_eq!(failed.len(), EVENTS);
        for delivery in failed {
            assert_eq!(delivery.state, DeliveryState::Failed);
            let log = store.attempts(delivery.id).await.unwrap();
            let numbers: Vec<u32> = log.iter().map(|a| a.attempt).collect();
            assert_eq!(numbers, [1, 2, 3]);
            for attempt in &log {
                assert_eq!(attempt.status, Some(500));
                assert_eq!(attempt.excerpt, outbox_conformance::HOSTILE_STORED);
            }
            // The schedule: each retry at least its 1 s delay after the previous attempt.
            assert!(log.windows(2).all(|w| w[1].at - w[0].at >= 1), "{log:?}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        let Some(backend) = Postgres::new("hostile").await else {
            return;
        };
        let options = backend
            .options
            .clone()
            .options([("search_path", backend.schema.as_str())]);
        let store = PgOutbox::open_with(options)
            .await
            .unwrap()
            .with_policy(policy());
        run(store).await;
        backend.drop_schema().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        let backend = Sqlite::new("hostile");
        let store = SqliteOutbox::open(&backend.url)
            .await
            .unwrap()
            .with_policy(policy());
        run(store).await;
    }
}

/// PostgreSQL record batches lock their endpoints in id order, as claims lock their lanes, so
/// two batches (or a batch and a claim) never wait for each other in a cycle. Shown with a
/// transaction holding the second endpoint: a batch whose results come second endpoint first
/// must already hold the first endpoint while it waits for the second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_record_batches_lock_endpoints_in_id_order() {
    use std::time::Duration;

    use hookwire::outbox::{AttemptOutcome, AttemptResult, ClaimRequest, NewEndpoint, OutboxStore};
    use sqlx::Connection as _;

    let Some(backend) = Postgres::new("lock_order").await else {
        return;
    };
    let outbox = backend
        .open(
            Arc::new(FixedClock::new(outbox_conformance::T0)),
            Policy::default(),
        )
        .await;
    let secret = "whsec_c2VjcmV0";
    let first = outbox
        .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/a", secret))
        .await
        .unwrap();
    let second = outbox
        .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/b", secret))
        .await
        .unwrap();
    assert!(first < second);
    let raw = hookwire::outbox::RawEvent::new("a.b", serde_json::json!({})).unwrap();
    outbox.publish_raw(&[raw]).await.unwrap();
    let mut claimed = outbox.claim(ClaimRequest::new(10)).await.unwrap();
    claimed.sort_by_key(|c| std::cmp::Reverse(c.target.id));
    let failed = AttemptOutcome::Response {
        status: 500,
        retry_after: None,
    };
    let results: Vec<AttemptResult> = claimed
        .iter()
        .map(|c| AttemptResult::new(c.lease, failed))
        .collect();
    assert_eq!(claimed[0].target.id, second);

    let options = backend
        .options
        .clone()
        .options([("search_path", backend.schema.as_str())]);
    let mut holder = sqlx::PgConnection::connect_with(&options).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "BEGIN; SELECT id FROM hw_endpoint WHERE id = {} FOR NO KEY UPDATE",
        second.0
    )))
    .execute(&mut holder)
    .await
    .unwrap();
    let recording = {
        let outbox = outbox.clone();
        tokio::spawn(async move { outbox.record(&results).await })
    };
    // Sorted: the batch takes the first endpoint, then waits for the second.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut first_taken = false;
    while tokio::time::Instant::now() < deadline {
        sqlx::raw_sql("SAVEPOINT probe")
            .execute(&mut holder)
            .await
            .unwrap();
        let probe = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM hw_endpoint WHERE id = {} FOR NO KEY UPDATE NOWAIT",
            first.0
        )))
        .execute(&mut holder)
        .await;
        sqlx::raw_sql("ROLLBACK TO SAVEPOINT probe")
            .execute(&mut holder)
            .await
            .unwrap();
        if probe.is_err() {
            first_taken = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
    let recorded = recording.await.unwrap().unwrap();
    assert!(recorded.iter().all(|r| r.is_done()), "{recorded:?}");
    assert!(
        first_taken,
        "the batch did not hold the first endpoint while waiting for the second"
    );
    holder.close().await.unwrap();
    backend.drop_schema().await;
}

/// The poison rule on PostgreSQL does not miss a delivery whose row a record transaction
/// still holds. PostgreSQL sends a failed statement's error before it has aborted the
/// transaction and released its locks, so a worker whose record just failed can claim while
/// that transaction still holds the delivery (and its endpoint): the poison rule's
/// `SKIP LOCKED` passed over the delivery, and the claim, which leaves exhausted deliveries to
/// the poison rule, did not take it either: it stayed in flight (the flaky
/// `a_result_never_stored_still_ends`). Shown with a transaction that locks the endpoint and
/// the delivery as a record does, and rolls back while the claim waits for the endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_poison_rule_waits_for_a_record_in_progress() {
    use std::time::Duration;

    use hookwire::outbox::{ClaimRequest, DeliveryQuery, DeliveryState, NewEndpoint, OutboxStore};
    use sqlx::Connection as _;

    let Some(backend) = Postgres::new("poison_waits").await else {
        return;
    };
    let clock = Arc::new(FixedClock::new(outbox_conformance::T0));
    let outbox = backend
        .open(
            Arc::clone(&clock),
            Policy::default().retry(RetryPolicy::never()),
        )
        .await;
    let endpoint = outbox
        .add_endpoint(&NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0"))
        .await
        .unwrap();
    let raw = hookwire::outbox::RawEvent::new("a.b", serde_json::json!({})).unwrap();
    outbox.publish_raw(&[raw]).await.unwrap();
    let lease = Duration::from_secs(30);
    let claimed = outbox
        .claim(ClaimRequest::new(1).lease(lease))
        .await
        .unwrap();
    let delivery = claimed[0].lease.delivery;
    clock.advance(31);

    // A record of its (only) attempt in progress: the endpoint, then the delivery, locked.
    let options = backend
        .options
        .clone()
        .options([("search_path", backend.schema.as_str())]);
    let mut holder = sqlx::PgConnection::connect_with(&options).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "BEGIN; \
         SELECT id FROM hw_endpoint WHERE id = {} FOR NO KEY UPDATE; \
         SELECT id FROM hw_delivery WHERE id = {} FOR UPDATE",
        endpoint.0, delivery.0
    )))
    .execute(&mut holder)
    .await
    .unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut holder)
        .await
        .unwrap();
    let claiming = {
        let outbox = outbox.clone();
        tokio::spawn(async move { outbox.claim(ClaimRequest::new(10).lease(lease)).await })
    };
    // The claim waits for the record's transaction; then that transaction fails.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND $1 = ANY(pg_blocking_pids(pid))",
        )
        .bind(pid)
        .fetch_one(&mut holder)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the claim never waited for the record in progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
    holder.close().await.unwrap();

    assert!(claiming.await.unwrap().unwrap().is_empty());
    for (state, want) in [(DeliveryState::InFlight, 0), (DeliveryState::Failed, 1)] {
        let found = outbox
            .deliveries(&DeliveryQuery::new(10).state(state))
            .await
            .unwrap();
        assert_eq!(found.len(), want, "{state:?}");
    }
    let log = outbox.attempts(delivery).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, "abandoned");
    backend.drop_schema().await;
}
