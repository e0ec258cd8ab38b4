//! Duplicate deliveries: sequential and concurrent copies, failures and retries, the store's
//! time to live and size bound.

use crate::receiver_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use hookwire::Timestamp;
use hookwire::clock::FixedClock;
use hookwire::dedup::{Claim, DedupError, DedupKey};
use hookwire::receiver::{DedupStore, Delivery, MemoryDedup, Receiver, WebhookConfig};
use hookwire::{BoxFuture, ClaimToken, Settled};
use receiver_support::{Kind, Ping, Target, Transport};
use tokio::sync::Semaphore;

fn counting(config: WebhookConfig, runs: &Arc<AtomicUsize>) -> Router {
    let runs = Arc::clone(runs);
    Receiver::new(config)
        .on::<Ping, _, _>(move |delivery: Delivery<Ping>| {
            let runs = Arc::clone(&runs);
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                if delivery.event.n == 500 {
                    Err("failed")
                } else {
                    Ok(())
                }
            }
        })
        .into_router()
}

#[tokio::test]
async fn a_sequential_duplicate_gets_200_without_running_the_handler() {
    for kind in [Kind::Standard, Kind::Stripe, Kind::GitHub, Kind::Shopify] {
        let runs = Arc::new(AtomicUsize::new(0));
        let target = Target::new(counting(kind.config(), &runs), Transport::Oneshot).await;
        let delivery = kind.ping("dup-1", 1);
        for _ in 0..3 {
            assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "{kind:?}");
        // Another id runs.
        assert_eq!(
            target.send(&kind.ping("dup-2", 1)).await.status,
            StatusCode::OK
        );
        assert_eq!(runs.load(Ordering::SeqCst), 2, "{kind:?}");
    }
}

#[tokio::test]
async fn without_dedup_every_copy_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let config = Kind::Standard.config().without_dedup();
    let target = Target::new(counting(config, &runs), Transport::Oneshot).await;
    let delivery = Kind::Standard.ping("dup-1", 1);
    for _ in 0..3 {
        assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

/// A receiver whose handler waits for a permit, so copies overlap for sure.
fn gated(runs: &Arc<AtomicUsize>, started: &Arc<Semaphore>, gate: &Arc<Semaphore>) -> Router {
    let (runs, started, gate) = (Arc::clone(runs), Arc::clone(started), Arc::clone(gate));
    Receiver::new(Kind::Standard.config())
        .on::<Ping, _, _>(move |_: Delivery<Ping>| {
            let (runs, started, gate) =
                (Arc::clone(&runs), Arc::clone(&started), Arc::clone(&gate));
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                started.add_permits(1);
                gate.acquire().await.map(|permit| permit.forget())
            }
        })
        .into_router()
}

async fn concurrent_copies_run_once(transport: Transport) {
    let runs = Arc::new(AtomicUsize::new(0));
    let (started, gate) = (Arc::new(Semaphore::new(0)), Arc::new(Semaphore::new(0)));
    let target = Arc::new(Target::new(gated(&runs, &started, &gate), transport).await);
    let delivery = Kind::Standard.ping("same-moment", 1);

    let first = tokio::spawn({
        let (target, delivery) = (Arc::clone(&target), delivery.clone());
        async move { target.send(&delivery).await }
    });
    started.acquire().await.unwrap().forget();

    // While the first copy's handler runs, copies get 409 with Retry-After.
    for _ in 0..5 {
        let answer = target.send(&delivery).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{answer:?}");
        assert_eq!(answer.code(), "delivery_in_progress");
        assert_eq!(answer.headers["retry-after"], "5");
    }
    gate.add_permits(1);
    assert_eq!(first.await.unwrap().status, StatusCode::OK);

    // Once handled, copies get 200 and the handler ran once.
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_copies_run_the_handler_once_through_oneshot() {
    concurrent_copies_run_once(Transport::Oneshot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_copies_run_the_handler_once_through_a_loopback_server() {
    concurrent_copies_run_once(Transport::Loopback).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_copies_runs_the_handler_once() {
    let runs = Arc::new(AtomicUsize::new(0));
    let target =
        Arc::new(Target::new(counting(Kind::GitHub.config(), &runs), Transport::Loopback).await);
    let delivery = Kind::GitHub.ping("burst", 1);
    let copies: Vec<_> = (0..16)
        .map(|_| {
            let (target, delivery) = (Arc::clone(&target), delivery.clone());
            tokio::spawn(async move { target.send(&delivery).await.status })
        })
        .collect();
    for copy in copies {
        let status = copy.await.unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failed_handler_runs_again_on_retry_and_not_after_success() {
    let runs = Arc::new(AtomicUsize::new(0));
    let flaky = Arc::new(AtomicUsize::new(0));
    let router = {
        let (runs, flaky) = (Arc::clone(&runs), Arc::clone(&flaky));
        Receiver::new(Kind::Shopify.config())
            .on::<Ping, _, _>(move |_: Delivery<Ping>| {
                let (runs, flaky) = (Arc::clone(&runs), Arc::clone(&flaky));
                async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    // Fails twice, then succeeds.
                    if flaky.fetch_add(1, Ordering::SeqCst) < 2 {
                        Err("not yet")
                    } else {
                        Ok(())
                    }
                }
            })
            .into_router()
    };
    let target = Target::new(router, Transport::Oneshot).await;
    let delivery = Kind::Shopify.ping("retry-me", 1);
    let statuses = [
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::OK,
        StatusCode::OK,
    ];
    for (attempt, expected) in statuses.into_iter().enumerate() {
        assert_eq!(
            target.send(&delivery).await.status,
            expected,
            "attempt {attempt}"
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_panicking_handler_releases_its_claim() {
    let runs = Arc::new(AtomicUsize::new(0));
    let store = Arc::new(MemoryDedup::new());
    let router = {
        let runs = Arc::clone(&runs);
        Receiver::new(Kind::Standard.config().dedup_arc(store.clone()))
            .on::<Ping, _, _>(move |_: Delivery<Ping>| {
                let runs = Arc::clone(&runs);
                async move {
                    if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                        panic!("first attempt panics");
                    }
                }
            })
            .into_router()
    };
    let delivery = Kind::Standard.ping("panics", 1);
    let first = tokio::spawn({
        let (router, delivery) = (router.clone(), delivery.clone());
        async move {
            Target::new(router, Transport::Oneshot)
                .await
                .send(&delivery)
                .await
        }
    });
    assert!(first.await.is_err(), "the handler panicked");
    // The claim is released in the background.
    for _ in 0..100 {
        if store.is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(store.is_empty());
    let target = Target::new(router, Transport::Oneshot).await;
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn ids_expire_after_the_ttl_of_the_injected_clock() {
    let clock = Arc::new(FixedClock::new(0));
    let runs = Arc::new(AtomicUsize::new(0));
    let config = Kind::GitHub
        .config()
        .clock(Arc::clone(&clock))
        .dedup_ttl(Duration::from_secs(600));
    let target = Target::new(counting(config, &runs), Transport::Oneshot).await;
    let delivery = Kind::GitHub.ping("ttl", 1);
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    clock.advance(599);
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "still remembered");
    clock.advance(1);
    assert_eq!(target.send(&delivery).await.status, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 2, "forgotten after the ttl");
}

#[tokio::test]
async fn the_memory_store_is_bounded_and_forgets_nothing_inside_its_ttl() {
    let store = MemoryDedup::new().capacity(3);
    let (now, lease, ttl) = (
        Timestamp::from_unix(0),
        Duration::from_secs(60),
        Duration::from_secs(600),
    );
    for id in ["a", "b", "c"] {
        let key = DedupKey::new("ns", id);
        let Claim::New(token) = store.claim(&key, now, lease).await.unwrap() else {
            panic!("{id} is new");
        };
        assert_eq!(
            store.complete(&key, token, now, ttl).await.unwrap(),
            Settled::Applied
        );
    }
    let full = store.claim(&DedupKey::new("ns", "d"), now, lease).await;
    assert!(
        matches!(full, Err(DedupError::Full { capacity: 3, retry_after }) if retry_after == ttl),
        "{full:?}"
    );
    for id in ["a", "b", "c"] {
        let again = store.claim(&DedupKey::new("ns", id), now, lease).await;
        assert_eq!(again.unwrap(), Claim::Done, "{id} is still remembered");
    }
    // After the ttl, room again.
    let later = now.saturating_add_seconds(600);
    assert!(matches!(
        store.claim(&DedupKey::new("ns", "d"), later, lease).await,
        Ok(Claim::New(_))
    ));
    assert!(store.len() <= 3);
}

#[tokio::test]
async fn one_store_serves_several_schemes_without_mixing_ids() {
    let store: Arc<dyn DedupStore> = Arc::new(MemoryDedup::new());
    let runs = Arc::new(AtomicUsize::new(0));
    for kind in [Kind::GitHub, Kind::Shopify] {
        let config = kind.config().dedup_arc(Arc::clone(&store));
        let target = Target::new(counting(config, &runs), Transport::Oneshot).await;
        assert_eq!(
            target.send(&kind.ping("shared-id", 1)).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// A store that is down.
struct Down;

impl DedupStore for Down {
    fn claim<'a>(
        &'a self,
        _: &'a DedupKey,
        _: Timestamp,
        _: Duration,
    ) -> BoxFuture<'a, Result<Claim, DedupError>> {
        Box::pin(async { Err(DedupError::new("connection refused to redis://10.0.0.1")) })
    }
    fn complete<'a>(
        &'a self,
        _: &'a DedupKey,
        _: ClaimToken,
        _: Timestamp,
        _: Duration,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        Box::pin(async { Err(DedupError::new("down")) })
    }
    fn abandon<'a>(
        &'a self,
        _: &'a DedupKey,
        _: ClaimToken,
    ) -> BoxFuture<'a, Result<Settled, DedupError>> {
        Box::pin(async { Err(DedupError::new("down")) })
    }
}

#[tokio::test]
async fn an_unreachable_store_is_503_and_the_handler_does_not_run() {
    let runs = Arc::new(AtomicUsize::new(0));
    let target = Target::new(
        counting(Kind::Standard.config().dedup(Down), &runs),
        Transport::Oneshot,
    )
    .await;
    let answer = target.send(&Kind::Standard.ping("x", 1)).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.code(), "dedup_unavailable");
    assert!(
        !answer.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("redis")
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}
