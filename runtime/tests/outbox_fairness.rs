//! Fairness: an endpoint that never answers holds only its own in-flight slots; the other
//! endpoints' deliveries keep flowing through the same worker.
//!
//! The worker has 16 slots and a 30 s attempt timeout. The hanging endpoint (in-flight limit
//! 4) has 200 deliveries queued before the healthy endpoint's 300. Without per-endpoint limits
//! the hanging endpoint would take all 16 slots and the healthy deliveries would wait 30 s for
//! the first timeouts. The test asserts that all 300 healthy deliveries arrive while the first
//! hanging attempts are still open (well before any timeout), and that the hanging endpoint
//! never had more than 4 requests open; it prints the healthy endpoint's time with and without
//! the hanging endpoint.

use crate::outbox_support::receiver;
use crate::outbox_support::stores;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hookwire::outbox::Worker;
use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent, TypeFilter};
use receiver::Receiver;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HEALTHY: usize = 300;
const HANGING: usize = 200;
const HANGING_LIMIT: u32 = 4;

fn events(event_type: &str, n: usize) -> Vec<RawEvent> {
    (0..n)
        .map(|seq| RawEvent::new(event_type, serde_json::json!({ "seq": seq })).unwrap())
        .collect()
}

/// Publishes (hanging first, then healthy), runs one worker, and returns how long the healthy
/// endpoint took to receive all its deliveries.
async fn healthy_time<S: OutboxStore + 'static>(store: S, with_hanging: bool) -> Duration {
    let receiver = Receiver::start(Duration::ZERO).await;
    let store = Arc::new(store);
    if with_hanging {
        let hanging = NewEndpoint::new(receiver.hang("slow"), SECRET)
            .types([TypeFilter::Exact("slow.event".into())])
            .allow_private(true)
            .max_in_flight(HANGING_LIMIT);
        store.add_endpoint(&hanging).await.unwrap();
        store
            .publish_raw(&events("slow.event", HANGING))
            .await
            .unwrap();
    }
    let healthy = NewEndpoint::new(receiver.ok("fast"), SECRET)
        .types([TypeFilter::Exact("fast.event".into())])
        .allow_private(true)
        .max_in_flight(16);
    store.add_endpoint(&healthy).await.unwrap();
    store
        .publish_raw(&events("fast.event", HEALTHY))
        .await
        .unwrap();

    let worker = Worker::builder(Arc::clone(&store))
        .concurrency(16)
        .timeout(Duration::from_secs(30))
        .grace(Duration::from_millis(100))
        .build()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let running = tokio::spawn(async move {
        worker
            .run_until(async move {
                let _ = stopped.await;
            })
            .await
    });
    let arrived = receiver
        .wait_for_unique(HEALTHY, Duration::from_secs(20))
        .await;
    let took = started.elapsed();
    let (open, most_open) = receiver.hanging();
    stop.send(()).unwrap();
    let report = running.await.unwrap();

    assert!(
        arrived,
        "{} of {HEALTHY} healthy deliveries arrived",
        receiver.unique()
    );
    if with_hanging {
        assert!(
            open > 0 && open <= HANGING_LIMIT as usize,
            "the hanging endpoint's first attempts are still open: {open}"
        );
        assert!(
            most_open <= HANGING_LIMIT as usize,
            "the hanging endpoint held {most_open} slots, over its limit of {HANGING_LIMIT}"
        );
        // Shutdown cut the hanging attempts off and gave their deliveries back.
        assert_eq!(report.released, open as u64, "{report:?}");
    }
    took
}

/// Runs the healthy endpoint alone, then beside the hanging one, each on a store from `open`
/// (with a guard that cleans the store up when dropped, also when an assertion fails).
async fn fairness<S: OutboxStore + 'static, G>(open: impl AsyncFn() -> Option<(S, G)>) {
    let Some((alone, _alone_guard)) = open().await else {
        return;
    };
    let baseline = healthy_time(alone, false).await;
    let Some((shared, _shared_guard)) = open().await else {
        return;
    };
    let beside = healthy_time(shared, true).await;
    eprintln!(
        "fairness: {HEALTHY} healthy deliveries took {baseline:?} alone and {beside:?} beside an \
         endpoint that never answers ({HANGING} deliveries, limit {HANGING_LIMIT} of 16 slots)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_endpoint_does_not_hold_up_the_others_on_sqlite() {
    fairness(|| async { Some((stores::sqlite().await, ())) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_endpoint_does_not_hold_up_the_others_on_postgres() {
    fairness(|| async { stores::postgres_guarded("fairness").await }).await;
    assert_eq!(
        stores::postgres_schemas_left("fairness").await,
        0,
        "the test's PostgreSQL schemas are dropped"
    );
}
