//! Many deliveries at once: the bound on requests in flight, and graceful shutdown that
//! finishes requests in flight and hands back everything else.

use crate::sender_support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use hookwire::clock::FixedClock;
use hookwire::retry::RetryPolicy;
use hookwire::sender::{Message, Outcome, Sender, SenderBuilder, SpawnError};
use sender_support::*;
use tokio::sync::Semaphore;

/// A server whose requests wait at `gate`, counting how many wait at once.
struct Gated {
    server: Server,
    gate: Arc<Semaphore>,
    current: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
}

async fn gated(clock: Arc<FixedClock>) -> Gated {
    let gate = Arc::new(Semaphore::new(0));
    let current = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    let (g, c, m) = (gate.clone(), current.clone(), max.clone());
    let server = serve(standard(), clock, move |_| {
        let (gate, current, max) = (g.clone(), c.clone(), m.clone());
        Box::pin(async move {
            let now = current.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(now, Ordering::SeqCst);
            gate.acquire().await.unwrap().forget();
            current.fetch_sub(1, Ordering::SeqCst);
            StatusCode::NO_CONTENT.into_response()
        })
    })
    .await;
    Gated {
        server,
        gate,
        current,
        max,
    }
}

/// Polls `condition` on the loopback round trip's timescale, failing after 10 s.
async fn until(mut condition: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("condition not reached");
}

fn sender(clock: &Arc<FixedClock>, max_in_flight: usize) -> Sender {
    SenderBuilder::from_arc(standard())
        .clock(clock.clone())
        .sleeper(Forever)
        .max_in_flight(max_in_flight)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_stay_under_the_bound() {
    let clock = Arc::new(FixedClock::new(START));
    let g = gated(clock.clone()).await;
    let sender = sender(&clock, 3);

    let handles: Vec<_> = (0..12)
        .map(|_| {
            let message = Message::new(&g.server.url, "ping", "{}").unwrap();
            sender.spawn(message).unwrap()
        })
        .collect();
    until(|| g.current.load(Ordering::SeqCst) == 3).await;
    assert_eq!(sender.in_flight(), 3);

    g.gate.add_permits(12);
    for handle in handles {
        assert_eq!(handle.await.unwrap().outcome, Outcome::Delivered);
    }
    assert_eq!(g.max.load(Ordering::SeqCst), 3);
    assert_eq!(g.server.received().len(), 12);
    assert_eq!(sender.in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_hands_back_deliveries_waiting_for_a_retry() {
    let clock = Arc::new(FixedClock::new(START));
    let server = serve(standard(), clock.clone(), |_| reply(503)).await;
    let sender = sender(&clock, 8);

    let mut ids = BTreeSet::new();
    let handles: Vec<_> = (0..5)
        .map(|i| {
            let body = format!("{{\"n\":{i}}}");
            let message = Message::new(&server.url, "ping", body).unwrap();
            ids.insert(message.id().to_owned());
            sender.spawn(message).unwrap()
        })
        .collect();
    // Every message made its first attempt and now waits (forever) for its retry.
    until(|| server.received().len() == 5 && sender.in_flight() == 0).await;

    let pending = sender.shutdown().await;

    assert_eq!(pending.len(), 5);
    let handed_back: BTreeSet<_> = pending.iter().map(|r| r.message.id().to_owned()).collect();
    assert_eq!(handed_back, ids);
    for report in &pending {
        assert_eq!(report.outcome, Outcome::ShutDown);
        assert_eq!(report.attempts.len(), 1);
        assert_eq!(
            report.attempts[0].status,
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert!(report.message.body().starts_with(b"{\"n\":"));
    }
    for handle in handles {
        assert_eq!(handle.await.unwrap().outcome, Outcome::ShutDown);
    }
    assert_eq!(server.received().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_requests_in_flight_finish() {
    let clock = Arc::new(FixedClock::new(START));
    let g = gated(clock.clone()).await;
    let sender = sender(&clock, 1);

    let first = sender
        .spawn(Message::new(&g.server.url, "ping", "1").unwrap())
        .unwrap();
    until(|| g.current.load(Ordering::SeqCst) == 1).await;
    // The second waits for the only slot.
    let second = sender
        .spawn(Message::new(&g.server.url, "ping", "2").unwrap())
        .unwrap();
    let second_id = second.id().to_owned();

    let shutdown = tokio::spawn({
        let sender = sender.clone();
        async move { sender.shutdown().await }
    });
    until(|| sender.is_shut_down()).await;
    assert!(!shutdown.is_finished());
    g.gate.add_permits(1);

    let pending = shutdown.await.unwrap();
    assert_eq!(first.await.unwrap().outcome, Outcome::Delivered);
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message.id(), second_id);
    assert!(pending[0].attempts.is_empty());
    assert_eq!(second.await.unwrap().outcome, Outcome::ShutDown);
    assert_eq!(g.server.received().len(), 1);
}

#[tokio::test]
async fn an_awaited_delivery_hands_itself_back() {
    let clock = Arc::new(FixedClock::new(START));
    let server = serve(standard(), clock.clone(), |_| reply(500)).await;
    let sender = sender(&clock, 4);

    let running = tokio::spawn({
        let sender = sender.clone();
        let message = Message::new(&server.url, "ping", "{}")
            .unwrap()
            .with_id("evt_1")
            .unwrap();
        async move { sender.deliver(message).await }
    });
    until(|| server.received().len() == 1).await;
    // Spawned deliveries only: the awaited one comes back through its own report.
    assert!(sender.shutdown().await.is_empty());
    let report = running.await.unwrap();
    assert_eq!(report.outcome, Outcome::ShutDown);
    assert_eq!(report.message.id(), "evt_1");
    assert_eq!(report.attempts.len(), 1);
}

#[tokio::test]
async fn nothing_starts_after_shutdown() {
    let clock = Arc::new(FixedClock::new(START));
    let server = serve(standard(), clock.clone(), |_| reply(204)).await;
    let sender = sender(&clock, 4);
    let clone = sender.clone();
    assert!(sender.shutdown().await.is_empty());
    assert!(clone.is_shut_down());

    let report = clone.send_bytes(&server.url, "ping", "{}").await.unwrap();
    assert_eq!(report.outcome, Outcome::ShutDown);
    assert!(report.attempts.is_empty());

    let message = Message::new(&server.url, "ping", "{}").unwrap();
    let id = message.id().to_owned();
    let err = clone.spawn(message).unwrap_err();
    assert!(matches!(err, SpawnError::ShutDown(_)));
    assert_eq!(err.into_message().id(), id);
    assert!(server.received().is_empty());
    assert_eq!(
        RetryPolicy::default().max_attempts(),
        8,
        "the default schedule is unchanged"
    );
}
