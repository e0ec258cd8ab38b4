//! A receiver with an inbox: it answers once the verified delivery is stored, its workers run
//! the typed handlers later, retry failures with backoff, and end in dead letters that can be
//! listed and retried. Time is a fixed clock moved by the tests.

use crate::receiver_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use hookwire::clock::FixedClock;
use hookwire::inbox::{InboxStats, InboxStore, MemoryInbox};
use hookwire::receiver::{Delivery, Receiver};
use hookwire::retry::RetryPolicy;
use receiver_support::{Kind, NOW, Ping, Target, Transport};

/// What the handlers saw: (delivery id, n, the `x-trace` header).
type Seen = Arc<Mutex<Vec<(String, u32, Option<String>)>>>;

struct Setup {
    target: Target,
    receiver: Receiver,
    inbox: Arc<MemoryInbox>,
    clock: Arc<FixedClock>,
    seen: Seen,
}

/// A Standard Webhooks receiver whose `test.ping` handler records what it saw and fails while
/// `fail` says so.
async fn setup(fail: Arc<Mutex<u32>>) -> Setup {
    let clock = Arc::new(FixedClock::new(NOW));
    let inbox = Arc::new(MemoryInbox::new());
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    let receiver: Receiver = Receiver::new(Kind::Standard.config().clock(Arc::clone(&clock)))
        .on(move |headers: HeaderMap, delivery: Delivery<Ping>| {
            let (record, fail) = (Arc::clone(&record), Arc::clone(&fail));
            async move {
                let mut left = fail.lock().unwrap();
                if *left > 0 {
                    *left -= 1;
                    return Err("the database is down");
                }
                let trace = headers
                    .get("x-trace")
                    .map(|v| v.to_str().unwrap().to_owned());
                let id = delivery.id.unwrap();
                record.lock().unwrap().push((id, delivery.event.n, trace));
                Ok(())
            }
        })
        .inbox(Arc::clone(&inbox), "tests");
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;
    Setup {
        target,
        receiver,
        inbox,
        clock,
        seen,
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new([Duration::from_secs(10), Duration::from_secs(20)]).jitter(0.0)
}

#[tokio::test]
async fn acknowledges_before_the_handler_runs_then_runs_it_once() {
    let s = setup(Arc::default()).await;
    let mut delivery = Kind::Standard.ping("msg_a", 7);
    delivery
        .headers
        .insert("x-trace", "trace-1".parse().unwrap());
    let answer = s.target.send(&delivery).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert!(s.seen.lock().unwrap().is_empty(), "answered before running");
    assert_eq!(s.inbox.stats("tests").await.unwrap().waiting, 1);

    // A redelivery while it waits is a duplicate: 200, stored once.
    assert_eq!(s.target.send(&delivery).await.status, StatusCode::OK);
    let worker = s.receiver.inbox_worker(());
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert_eq!(
        *s.seen.lock().unwrap(),
        [("msg_a".to_owned(), 7, Some("trace-1".to_owned()))],
        "the handler got the delivery and the headers it was sent with"
    );
    // And after it ran.
    assert_eq!(s.target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(worker.run_once().await.unwrap(), 0);
    assert_eq!(
        s.inbox.stats("tests").await.unwrap(),
        InboxStats {
            done: 1,
            ..InboxStats::default()
        }
    );
    assert_eq!(s.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn signatures_and_unknown_types_are_checked_before_storing() {
    let s = setup(Arc::default()).await;
    let mut forged = Kind::Standard.ping("msg_f", 1);
    forged.body =
        br#"{"type":"test.ping","timestamp":"2023-11-14T22:13:20Z","data":{"n":2}}"#.to_vec();
    assert_eq!(
        s.target.send(&forged).await.status,
        StatusCode::UNAUTHORIZED
    );
    // No handler for test.pong, and unknown types are ignored: answered, not stored.
    let pong = Kind::Standard.delivery("msg_p", "test.pong", serde_json::json!({"word": "x"}));
    assert_eq!(s.target.send(&pong).await.status, StatusCode::OK);
    assert_eq!(s.inbox.stats("tests").await.unwrap(), InboxStats::default());
}

#[tokio::test]
async fn failures_retry_with_backoff_then_die_and_dead_letters_retry() {
    let fail = Arc::new(Mutex::new(4));
    let s = setup(Arc::clone(&fail)).await;
    assert_eq!(
        s.target.send(&Kind::Standard.ping("msg_r", 1)).await.status,
        StatusCode::OK
    );
    let worker = s.receiver.inbox_worker(()).retry(fast_retries());

    assert_eq!(worker.run_once().await.unwrap(), 1, "first run fails");
    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "not due before its backoff"
    );
    s.clock.advance(9);
    assert_eq!(worker.run_once().await.unwrap(), 0, "backoff is 10 s");
    s.clock.advance(1);
    assert_eq!(worker.run_once().await.unwrap(), 1, "second run fails");
    s.clock.advance(20);
    assert_eq!(
        worker.run_once().await.unwrap(),
        1,
        "third and last run fails"
    );
    s.clock.advance(3_600);
    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "a dead letter is not retried"
    );

    let dead = worker.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].id, "msg_r");
    assert_eq!(dead[0].attempts, 3);
    assert_eq!(dead[0].error, "the database is down");
    assert!(s.seen.lock().unwrap().is_empty());

    // The database is back (one more failure left in the budget, then success).
    assert!(worker.retry_dead("msg_r").await.unwrap());
    assert!(!worker.retry_dead("msg_r").await.unwrap(), "revived once");
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert!(s.seen.lock().unwrap().is_empty());
    s.clock.advance(10);
    assert_eq!(worker.run_once().await.unwrap(), 1);
    assert_eq!(*s.seen.lock().unwrap(), [("msg_r".to_owned(), 1, None)]);
    assert!(worker.dead_letters(10).await.unwrap().is_empty());
    assert_eq!(s.inbox.stats("tests").await.unwrap().done, 1);
}

#[tokio::test]
async fn a_body_that_does_not_parse_is_a_dead_letter_at_once() {
    let s = setup(Arc::default()).await;
    let bad = Kind::Standard.delivery("msg_bad", "test.ping", serde_json::json!({"n": "seven"}));
    assert_eq!(s.target.send(&bad).await.status, StatusCode::OK);
    let worker = s.receiver.inbox_worker(()).retry(fast_retries());
    assert_eq!(worker.run_once().await.unwrap(), 1);
    let dead = worker.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 1, "not retried: retrying cannot fix it");
    assert!(dead[0].error.contains("malformed"), "{}", dead[0].error);
    assert!(
        !dead[0].error.contains("seven"),
        "no payload values: {}",
        dead[0].error
    );
}

#[tokio::test]
async fn a_panicking_or_slow_handler_is_a_failure_not_a_lost_delivery() {
    let clock = Arc::new(FixedClock::new(NOW));
    let inbox = Arc::new(MemoryInbox::new());
    let receiver: Receiver = Receiver::new(Kind::Standard.config().clock(Arc::clone(&clock)))
        .on(|delivery: Delivery<Ping>| async move {
            if delivery.event.n == 1 {
                panic!("handler bug");
            }
            tokio::time::sleep(Duration::from_secs(3_600)).await;
        })
        .inbox(Arc::clone(&inbox), "q");
    let target = Target::new(receiver.clone().into_router(), Transport::Oneshot).await;
    for (id, n) in [("msg_panic", 1), ("msg_slow", 2)] {
        assert_eq!(
            target.send(&Kind::Standard.ping(id, n)).await.status,
            StatusCode::OK
        );
    }
    let worker = receiver
        .inbox_worker(())
        .lease(Duration::from_secs(4))
        .retry(RetryPolicy::never());
    let running = tokio::spawn(async move { worker.run_once().await.map(|n| (n, worker)) });
    // The time limit (3 s of the 4 s lease) runs on the receiver's clock.
    tokio::time::sleep(Duration::from_millis(50)).await;
    clock.advance(3);
    let (ran, worker) = running.await.unwrap().unwrap();
    assert_eq!(ran, 2);
    let mut dead = worker.dead_letters(10).await.unwrap();
    dead.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert_eq!(dead[0].error, "the handler panicked");
    assert!(
        dead[1].error.contains("longer than its time limit of 3s"),
        "{}",
        dead[1].error
    );
}

#[tokio::test]
async fn the_worker_runs_what_requests_store_until_shut_down() {
    let s = setup(Arc::default()).await;
    let worker = s
        .receiver
        .inbox_worker(())
        .poll_interval(Duration::from_secs(3_600));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));
    for n in 0..20 {
        let answer = s
            .target
            .send(&Kind::Standard.ping(&format!("msg_{n}"), n))
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    // Woken by the pushes (the poll interval is an hour): wait until all ran.
    for _ in 0..500 {
        if s.seen.lock().unwrap().len() == 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    let mut ns: Vec<u32> = s.seen.lock().unwrap().iter().map(|(_, n, _)| *n).collect();
    ns.sort_unstable();
    assert_eq!(ns, (0..20).collect::<Vec<_>>());
    assert_eq!(s.inbox.stats("tests").await.unwrap().done, 20);
}

#[tokio::test]
async fn a_receiver_without_an_inbox_has_no_worker_to_run() {
    let receiver: Receiver = Receiver::new(Kind::Standard.config());
    let error = receiver.inbox_worker(()).run_once().await.unwrap_err();
    assert!(error.to_string().contains("no inbox"), "{error}");
}
