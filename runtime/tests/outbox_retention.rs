//! The worker's retention task, on an injected clock: what was delivered more than the
//! retention period ago is purged (deliveries, attempt logs, events nothing refers to), while
//! deliveries held for a disabled endpoint and pending ones stay, however old.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookwire::clock::FixedClock;
use hookwire::outbox::{
    DeliveryQuery, DeliveryState, MemoryOutbox, NewEndpoint, OutboxStore, RawEvent, Worker,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DAY: i64 = 24 * 3600;

async fn accepting_server() -> String {
    let app = Router::new().route("/", post(|| async { StatusCode::NO_CONTENT }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn count(store: &MemoryOutbox, state: DeliveryState) -> usize {
    let query = DeliveryQuery::new(100).state(state);
    store.deliveries(&query).await.unwrap().len()
}

/// Polls `done` every 10 ms for up to 10 s.
async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_purges_what_ended_long_ago_and_never_held_work() {
    let clock = Arc::new(FixedClock::new(hookwire::Timestamp::now()));
    let store = Arc::new(MemoryOutbox::new().with_clock(clock.clone()));
    let url = accepting_server().await;
    let live = NewEndpoint::new(url, SECRET).allow_private(true);
    store.add_endpoint(&live).await.unwrap();
    let held = NewEndpoint::new("http://127.0.0.1:9/held", SECRET).allow_private(true);
    let held = store.add_endpoint(&held).await.unwrap();
    store.set_enabled(held, false).await.unwrap();
    let events: Vec<RawEvent> = (0..3)
        .map(|n| RawEvent::new("order.created", serde_json::json!({ "n": n })).unwrap())
        .collect();
    store.publish_raw(&events).await.unwrap();

    let worker = Worker::builder(Arc::clone(&store))
        .poll_interval(Duration::from_millis(10))
        .retention(Duration::from_secs(DAY as u64), Duration::from_millis(20))
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

    eventually("three deliveries", async || {
        count(&store, DeliveryState::Delivered).await == 3
    })
    .await;
    // Within the retention period nothing goes.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&store, DeliveryState::Delivered).await, 3);

    clock.advance(2 * DAY);
    eventually("the purge", async || {
        count(&store, DeliveryState::Delivered).await == 0
    })
    .await;
    assert_eq!(
        count(&store, DeliveryState::Disabled).await,
        3,
        "held deliveries are never purged"
    );
    let stats = store.stats().await.unwrap();
    assert_eq!(stats.states.delivered, 0);
    stop.send(()).unwrap();
    running.await.unwrap();

    // The events stay while the held deliveries refer to them: enabling releases them intact.
    store.set_enabled(held, true).await.unwrap();
    assert_eq!(count(&store, DeliveryState::Pending).await, 3);
}
