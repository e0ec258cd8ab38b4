//! The duplicate store behind a receiver: namespaces per route, a full store answered `503`
//! with `Retry-After`, Slack deduplicated by `event_id`, errors that name the header, and a
//! GitHub delivery without an id handled without deduplication.

use crate::receiver_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use hookwire::clock::FixedClock;
use hookwire::dedup::MemoryDedup;
use hookwire::receiver::{DedupStore, Delivery, Receiver, WebhookConfig};
use receiver_support::{Kind, NOW, Ping, Target, Transport};
use tower::ServiceExt;

fn counter(
    runs: &Arc<AtomicUsize>,
) -> impl Fn(Delivery<Ping>) -> std::future::Ready<()> + Clone + use<> {
    let runs = Arc::clone(runs);
    move |_: Delivery<Ping>| {
        runs.fetch_add(1, Ordering::SeqCst);
        std::future::ready(())
    }
}

async fn post(router: &Router, path: &str, delivery: &receiver_support::Delivery) -> StatusCode {
    let mut request = Request::post(path)
        .body(Body::from(delivery.body.clone()))
        .unwrap();
    *request.headers_mut() = delivery.headers.clone();
    router.clone().oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn two_stripe_routes_sharing_a_store_each_run_their_handler() {
    let store: Arc<dyn DedupStore> = Arc::new(MemoryDedup::new());
    let (billing, shipping) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let route = |runs: &Arc<AtomicUsize>| {
        Receiver::new(Kind::Stripe.config().dedup_arc(Arc::clone(&store)))
            .on(counter(runs))
            .into_method_router()
    };
    let router: Router = Router::new()
        .route("/webhooks/billing", route(&billing))
        .route("/webhooks/shipping", route(&shipping));
    // Stripe sends the same `evt_` id to every endpoint subscribed to the event.
    let event = Kind::Stripe.ping("evt_shared", 1);
    for _ in 0..2 {
        assert_eq!(
            post(&router, "/webhooks/billing", &event).await,
            StatusCode::OK
        );
        assert_eq!(
            post(&router, "/webhooks/shipping", &event).await,
            StatusCode::OK
        );
    }
    assert_eq!(billing.load(Ordering::SeqCst), 1);
    assert_eq!(shipping.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_explicit_namespace_is_shared_by_replicas() {
    let store: Arc<dyn DedupStore> = Arc::new(MemoryDedup::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let replica = |path: &'static str| {
        let config = Kind::Standard
            .config()
            .dedup_arc(Arc::clone(&store))
            .dedup_namespace("shop-events");
        Router::new().route(
            path,
            Receiver::new(config)
                .on(counter(&runs))
                .into_method_router(),
        )
    };
    // Two replicas mounted under different paths, one namespace: one run.
    let (a, b) = (replica("/a"), replica("/b"));
    let event = Kind::Standard.ping("msg_1", 1);
    assert_eq!(post(&a, "/a", &event).await, StatusCode::OK);
    assert_eq!(post(&b, "/b", &event).await, StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_full_store_answers_503_with_retry_after_and_evicts_nothing() {
    let clock = Arc::new(FixedClock::new(NOW));
    let runs = Arc::new(AtomicUsize::new(0));
    let config = Kind::GitHub
        .config()
        .clock(Arc::clone(&clock))
        .dedup(MemoryDedup::new().capacity(2))
        .dedup_ttl(Duration::from_secs(600));
    let target = Target::new(
        Receiver::new(config).on(counter(&runs)).into_router(),
        Transport::Oneshot,
    )
    .await;
    for id in ["a", "b"] {
        assert_eq!(
            target.send(&Kind::GitHub.ping(id, 1)).await.status,
            StatusCode::OK
        );
    }
    clock.advance(100);
    let full = target.send(&Kind::GitHub.ping("c", 1)).await;
    assert_eq!(full.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(full.code(), "dedup_full");
    assert_eq!(full.headers["retry-after"], "500");
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the handler did not run");
    // Nothing was forgotten to make room: both earlier ids are still duplicates.
    assert_eq!(
        target.send(&Kind::GitHub.ping("a", 1)).await.status,
        StatusCode::OK
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    // Once they expire, the retry goes through.
    clock.advance(500);
    assert_eq!(
        target.send(&Kind::GitHub.ping("c", 1)).await.status,
        StatusCode::OK
    );
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn slack_deliveries_are_deduplicated_by_event_id() {
    let runs = Arc::new(AtomicUsize::new(0));
    let target = Target::new(
        Receiver::new(Kind::Slack.config())
            .on(counter(&runs))
            .into_router(),
        Transport::Oneshot,
    )
    .await;
    let event = Kind::Slack.ping("Ev0PV52K21", 1);
    for _ in 0..3 {
        assert_eq!(target.send(&event).await.status, StatusCode::OK);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(
        target.send(&Kind::Slack.ping("Ev0PV52K22", 1)).await.status,
        StatusCode::OK
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_github_delivery_without_its_id_runs_every_time() {
    let runs = Arc::new(AtomicUsize::new(0));
    let target = Target::new(
        Receiver::new(Kind::GitHub.config())
            .on(counter(&runs))
            .into_router(),
        Transport::Oneshot,
    )
    .await;
    let mut event = Kind::GitHub.ping("d-1", 1);
    event.headers.remove("x-github-delivery");
    for _ in 0..2 {
        assert_eq!(target.send(&event).await.status, StatusCode::OK);
    }
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "not deduplicated (and logged)"
    );
}

#[tokio::test]
async fn errors_name_the_header() {
    let runs = Arc::new(AtomicUsize::new(0));
    for (kind, header) in [
        (Kind::GitHub, "X-GitHub-Event"),
        (Kind::Shopify, "X-Shopify-Topic"),
    ] {
        let target = Target::new(
            Receiver::new(kind.config())
                .on(counter(&runs))
                .into_router(),
            Transport::Oneshot,
        )
        .await;
        let mut event = kind.ping("d-1", 1);
        event.headers.remove(header);
        let answer = target.send(&event).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        let detail = answer.problem()["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains(&format!("{header} is missing")), "{detail}");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_stale_timestamp_is_401_without_the_clock_offset() {
    let runs = Arc::new(AtomicUsize::new(0));
    let config: WebhookConfig = Kind::Standard.config().clock(FixedClock::new(NOW + 3_600));
    let target = Target::new(
        Receiver::new(config).on(counter(&runs)).into_router(),
        Transport::Oneshot,
    )
    .await;
    let answer = target.send(&Kind::Standard.ping("msg_old", 1)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let detail = answer.problem()["detail"].as_str().unwrap().to_owned();
    assert!(!detail.contains("3600"), "{detail}");
    assert!(!detail.contains("seconds"), "{detail}");
    assert!(detail.contains("outside the accepted window"), "{detail}");
}
