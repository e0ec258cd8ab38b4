//! Faults a receiver meets in production, each a defect once: work that never records a result
//! (poison), handlers that outlive their lease (in the inbox worker and in the direct receiver),
//! commits that a power loss could roll back, and a Redis delivery whose hash is gone. Time is
//! a fixed clock moved by the tests; PostgreSQL and Redis tests read
//! `HOOKWIRE_TEST_POSTGRES_URL` / `HOOKWIRE_TEST_REDIS_URL` and skip (saying so) without them.

use crate::receiver_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use hookwire::clock::FixedClock;
use hookwire::inbox::{InboxStats, InboxStore, MemoryInbox};
use hookwire::receiver::{Delivery, Receiver};
use hookwire::retry::RetryPolicy;
use receiver_support::{Kind, NOW, Ping, Target, Transport};

/// A receiver whose `test.ping` handler counts its runs and never returns for `n == 0`.
fn hanging(clock: &Arc<FixedClock>, runs: &Arc<AtomicU32>) -> Receiver {
    let runs = Arc::clone(runs);
    Receiver::new(Kind::Standard.config().clock(Arc::clone(clock))).on(
        move |delivery: Delivery<Ping>| {
            let runs = Arc::clone(&runs);
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                if delivery.event.n == 0 {
                    std::future::pending::<()>().await;
                }
            }
        },
    )
}

async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A claimed delivery whose worker dies mid-handler every time (a crash, an abort, a kill:
/// here the worker's tasks are dropped) is claimed again each lease; once it was claimed as
/// often as the retry schedule allows, it is a dead letter with a reason, never run again.
#[tokio::test]
async fn work_that_never_records_a_result_ends_dead_after_its_schedule() {
    let (clock, runs) = (Arc::new(FixedClock::new(NOW)), Arc::new(AtomicU32::new(0)));
    let inbox = Arc::new(MemoryInbox::new());
    let receiver = hanging(&clock, &runs).inbox(Arc::clone(&inbox), "q");
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;
    let sent = target.send(&Kind::Standard.ping("msg_poison", 0)).await;
    assert_eq!(sent.status, StatusCode::OK);
    // Two runs in all: the first and one retry.
    let worker = receiver
        .inbox_worker(())
        .lease(Duration::from_secs(60))
        .retry(RetryPolicy::new([Duration::from_secs(10)]).jitter(0.0));
    for run in 1..=2 {
        // The worker dies mid-handler: its tasks go, nothing is recorded.
        let cut = tokio::time::timeout(Duration::from_millis(200), worker.run_once()).await;
        assert!(cut.is_err(), "run {run} never ends");
        assert_eq!(runs.load(Ordering::SeqCst), run);
        clock.advance(61);
    }
    let third = tokio::time::timeout(Duration::from_secs(5), worker.run_once()).await;
    assert!(
        matches!(third, Ok(Ok(0))),
        "claimed as often as its schedule allows: not run a third time ({third:?})"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(
        inbox.stats("q").await.unwrap(),
        InboxStats {
            dead: 1,
            ..InboxStats::default()
        }
    );
    let dead = worker.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!((dead[0].id.as_str(), dead[0].attempts), ("msg_poison", 2));
    assert!(
        dead[0].error.contains("without a recorded result"),
        "the reason says why: {}",
        dead[0].error
    );
}

/// The handler's time limit sits below the lease and is measured from the claim with the
/// receiver's clock: a handler still running when the lease is about to end is stopped and
/// its failure recorded before another replica could claim it again.
#[tokio::test]
async fn a_slow_handler_is_stopped_before_its_lease_ends() {
    let (clock, runs) = (Arc::new(FixedClock::new(NOW)), Arc::new(AtomicU32::new(0)));
    let inbox = Arc::new(MemoryInbox::new());
    let receiver = hanging(&clock, &runs).inbox(Arc::clone(&inbox), "q");
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;
    let sent = target.send(&Kind::Standard.ping("msg_slow", 0)).await;
    assert_eq!(sent.status, StatusCode::OK);
    let worker = receiver
        .inbox_worker(())
        .lease(Duration::from_secs(60))
        .retry(RetryPolicy::new([Duration::from_secs(10)]).jitter(0.0));
    let running = tokio::spawn(async move { worker.run_once().await });
    until("the handler runs", || runs.load(Ordering::SeqCst) == 1).await;
    // 50 s after the claim: past the handler's limit (45 s), before the lease's end (60 s).
    clock.advance(50);
    let ran = tokio::time::timeout(Duration::from_secs(10), running).await;
    assert!(
        matches!(ran, Ok(Ok(Ok(1)))),
        "stopped by its time limit on the receiver's clock: {ran:?}"
    );
    assert_eq!(
        inbox.stats("q").await.unwrap(),
        InboxStats {
            waiting: 1,
            ..InboxStats::default()
        },
        "the failure is recorded while the claim is still this worker's: due again later"
    );
}

/// Without an inbox, the duplicate store's claim is the lease: a handler still running near
/// its end is stopped, the request answered `503` with `Retry-After`, and the claim released
/// so the sender's retry runs the handler again (not `409`).
#[tokio::test]
async fn a_slow_direct_handler_is_answered_503_and_its_claim_released() {
    let (clock, runs) = (Arc::new(FixedClock::new(NOW)), Arc::new(AtomicU32::new(0)));
    let slow = Arc::clone(&runs);
    let config = Kind::Standard
        .config()
        .clock(Arc::clone(&clock))
        .dedup_lease(Duration::from_secs(60));
    let receiver: Receiver = Receiver::new(config).on(move |_: Delivery<Ping>| {
        let runs = Arc::clone(&slow);
        async move {
            if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                std::future::pending::<()>().await;
            }
        }
    });
    let target = Arc::new(Target::new(receiver.into_router(), Transport::Oneshot).await);
    let delivery = Kind::Standard.ping("msg_slow", 1);
    let sending = {
        let (target, delivery) = (Arc::clone(&target), delivery.clone());
        tokio::spawn(async move { target.send(&delivery).await })
    };
    until("the handler runs", || runs.load(Ordering::SeqCst) == 1).await;
    clock.advance(50);
    let answer = tokio::time::timeout(Duration::from_secs(10), sending)
        .await
        .expect("the handler is stopped before the claim's lease ends")
        .unwrap();
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{answer:?}");
    assert!(answer.headers.contains_key("retry-after"), "{answer:?}");
    assert_eq!(answer.code(), "handler_timeout");
    let again = target.send(&delivery).await;
    assert_eq!(again.status, StatusCode::OK, "released: the retry runs it");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// An acknowledged delivery survives a power loss: the SQLite inbox syncs every commit
/// (`synchronous = FULL`; `NORMAL` in WAL mode may roll the last commits back).
#[tokio::test]
async fn the_sqlite_inbox_syncs_every_commit() {
    let path = std::env::temp_dir().join(format!("hookwire-inbox-sync-{}.db", std::process::id()));
    let inbox = hookwire::sqlite::SqliteStore::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut connection = inbox.pool().acquire().await.unwrap();
    let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    drop(connection);
    inbox.pool().close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    assert_eq!(
        (level, journal.as_str()),
        (2, "wal"),
        "FULL (2) in WAL mode"
    );
}

/// On Redis, a due delivery whose hash is gone (evicted, deleted by hand) is a dead letter
/// with a reason, never a silent drop; the counts stay right.
#[tokio::test]
async fn a_redis_delivery_whose_hash_is_gone_is_a_dead_letter() {
    let Ok(url) = std::env::var("HOOKWIRE_TEST_REDIS_URL") else {
        eprintln!(
            "a_redis_delivery_whose_hash_is_gone_is_a_dead_letter: skipped, HOOKWIRE_TEST_REDIS_URL is not set"
        );
        return;
    };
    let prefix = format!("hookwire-test:inbox-gone:{}:{}:", std::process::id(), NOW);
    let db = hookwire::redis::RedisStore::open(&url).await.unwrap();
    let store = db.inbox().prefix(&prefix);
    let (clock, runs) = (Arc::new(FixedClock::new(NOW)), Arc::new(AtomicU32::new(0)));
    let receiver = hanging(&clock, &runs).inbox(store.clone(), "q");
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;
    for (id, n) in [("msg_gone", 1), ("msg_kept", 2)] {
        assert_eq!(
            target.send(&Kind::Standard.ping(id, n)).await.status,
            StatusCode::OK
        );
    }
    let mut connection = db.pool().clone();
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}q:d:msg_gone"))
        .query_async(&mut connection)
        .await
        .unwrap();
    let worker = receiver.inbox_worker(());
    assert_eq!(worker.run_once().await.unwrap(), 1, "msg_kept runs");
    let dead = worker.dead_letters(10).await.unwrap();
    let stats = store.stats("q").await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut connection)
        .await
        .unwrap();
    let _: () = redis::cmd("DEL")
        .arg(keys)
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].id, "msg_gone");
    assert!(dead[0].error.contains("missing"), "{}", dead[0].error);
    assert_eq!(
        stats,
        InboxStats {
            done: 1,
            dead: 1,
            ..InboxStats::default()
        }
    );
}

/// An event type without a handler is never silent: counted (a total and per type, readable
/// from the receiver's stats handle) whether it is acknowledged (the default) or rejected.
#[tokio::test]
async fn unknown_event_types_are_counted() {
    let clock = Arc::new(FixedClock::new(NOW));
    let runs = Arc::new(AtomicU32::new(0));
    for reject in [false, true] {
        let mut receiver = hanging(&clock, &runs);
        if reject {
            receiver = receiver.reject_unknown();
        }
        let stats = receiver.stats();
        let target = Target::new(receiver.into_router(), Transport::Oneshot).await;
        for id in ["msg_1", "msg_2"] {
            let pong = Kind::Standard.delivery(id, "test.pong", serde_json::json!({"word": "x"}));
            let want = if reject {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            assert_eq!(target.send(&pong).await.status, want);
        }
        let typo = Kind::Standard.delivery("msg_3", "test.pnig", serde_json::json!({"n": 1}));
        target.send(&typo).await;
        assert_eq!(
            target.send(&Kind::Standard.ping("msg_4", 1)).await.status,
            StatusCode::OK
        );
        assert_eq!(stats.unknown_types(), 3, "reject: {reject}");
        assert_eq!(
            stats.unknown_by_type(),
            [("test.pnig".to_owned(), 1), ("test.pong".to_owned(), 2)]
        );
    }
}
