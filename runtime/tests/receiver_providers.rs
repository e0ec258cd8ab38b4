//! Provider payloads into user structs: GitHub `push` and Stripe `payment_intent.succeeded`,
//! from the providers' published samples (`tests/fixtures/`), signed here with hookwire's
//! GitHub and Stripe schemes.

use crate::receiver_support;

use hookwire::Timestamp;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::post;
use hookwire::clock::FixedClock;
use hookwire::receiver::{Delivery, Payload, Receiver, Webhook, WebhookConfig};
use hookwire::signature::{GitHub, Scheme, Stripe};
use hookwire::{Event, Events, JsonSchema, schemars};
use receiver_support::{NOW, Target, Transport};
use serde::{Deserialize, Serialize};

const GITHUB_PUSH: &[u8] = include_bytes!("../../tests/fixtures/github/push.json");
const STRIPE_SUCCEEDED: &[u8] =
    include_bytes!("../../tests/fixtures/stripe/payment_intent.succeeded.json");
const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const STRIPE_SECRET: &str = "whsec_test_secret";
const DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

/// The parts of GitHub's `push` payload this user needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "push")]
struct Push {
    #[serde(rename = "ref")]
    git_ref: String,
    before: String,
    after: String,
    deleted: bool,
    commits: Vec<serde_json::Value>,
    head_commit: Option<serde_json::Value>,
    repository: Repository,
    pusher: Pusher,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
struct Repository {
    id: u64,
    full_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
struct Pusher {
    name: String,
}

/// GitHub's `ping`, sent when a hook is created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "ping")]
struct GitHubPing {
    zen: String,
}

#[derive(Debug, Clone, PartialEq, Events)]
enum GitHubEvent {
    Push(Push),
    Ping(GitHubPing),
}

/// The object of Stripe's `payment_intent.succeeded`: `data.object` of the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "payment_intent.succeeded")]
struct PaymentIntentSucceeded {
    id: String,
    amount: u64,
    amount_received: u64,
    currency: String,
    status: String,
    latest_charge: Option<String>,
}

fn github_headers(body: &[u8]) -> HeaderMap {
    let scheme = GitHub::new(GITHUB_SECRET).unwrap();
    let mut headers: HeaderMap = scheme
        .sign(DELIVERY, Timestamp::from_unix(0), body)
        .unwrap()
        .into();
    headers.insert("x-github-event", HeaderValue::from_static("push"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert(
        "user-agent",
        HeaderValue::from_static("GitHub-Hookshot/044aadd"),
    );
    headers
}

fn stripe_headers(body: &[u8], timestamp: i64) -> HeaderMap {
    let scheme = Stripe::new(STRIPE_SECRET).unwrap();
    let mut headers: HeaderMap = scheme
        .sign("", Timestamp::from_unix(timestamp), body)
        .unwrap()
        .into();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers
}

type Seen<T> = Arc<Mutex<Vec<Delivery<T>>>>;

fn recorder<T: Send + 'static>(
    seen: &Seen<T>,
) -> impl Fn(Delivery<T>) -> std::future::Ready<()> + Clone + use<T> {
    let seen = Arc::clone(seen);
    move |delivery| {
        seen.lock().unwrap().push(delivery);
        std::future::ready(())
    }
}

async fn github_push(transport: Transport) {
    let seen: Seen<Push> = Arc::default();
    let router = Receiver::new(WebhookConfig::new(GitHub::new(GITHUB_SECRET).unwrap()))
        .on::<Push, _, _>(recorder(&seen))
        .reject_unknown()
        .into_router();
    let target = Target::new(router, transport).await;
    let answer = target
        .send_raw(github_headers(GITHUB_PUSH), GITHUB_PUSH.to_vec())
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");

    let seen = seen.lock().unwrap();
    let [delivery] = seen.as_slice() else {
        panic!("{} deliveries", seen.len())
    };
    assert_eq!(delivery.id.as_deref(), Some(DELIVERY));
    assert_eq!(delivery.event_type, "push");
    assert_eq!(delivery.timestamp, None, "github signs no timestamp");
    assert_eq!(delivery.body, GITHUB_PUSH, "the body is kept as received");
    let push = &delivery.event;
    assert_eq!(push.git_ref, "refs/tags/simple-tag");
    assert!(push.deleted);
    assert!(push.commits.is_empty() && push.head_commit.is_none());
    assert_eq!(push.repository.full_name, "Codertocat/Hello-World");
    assert_eq!(push.repository.id, 186_853_002);
    assert_eq!(push.pusher.name, "Codertocat");
}

#[tokio::test]
async fn github_push_into_a_user_struct_through_oneshot() {
    github_push(Transport::Oneshot).await;
}

#[tokio::test]
async fn github_push_into_a_user_struct_through_a_loopback_server() {
    github_push(Transport::Loopback).await;
}

#[tokio::test]
async fn github_push_into_a_catalog_and_through_the_extractor() {
    // A catalog-wide handler.
    let seen: Seen<GitHubEvent> = Arc::default();
    let router = Receiver::new(WebhookConfig::new(GitHub::new(GITHUB_SECRET).unwrap()))
        .events::<GitHubEvent, _, _>(recorder(&seen))
        .into_router();
    let target = Target::new(router, Transport::Oneshot).await;
    let answer = target
        .send_raw(github_headers(GITHUB_PUSH), GITHUB_PUSH.to_vec())
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(matches!(&seen.lock().unwrap()[0].event, GitHubEvent::Push(push) if push.deleted));

    // The `Webhook<E>` extractor in a hand-written handler.
    let config = WebhookConfig::new(GitHub::new(GITHUB_SECRET).unwrap());
    let router = Router::new()
        .route(
            "/",
            post(|webhook: Webhook<GitHubEvent>| async move {
                let ok = matches!(&webhook.delivery.event, Payload::Known(GitHubEvent::Push(p)) if p.git_ref == "refs/tags/simple-tag");
                webhook.complete().await.unwrap();
                if ok { StatusCode::NO_CONTENT } else { StatusCode::IM_A_TEAPOT }
            }),
        )
        .with_state(config);
    let target = Target::new(router, Transport::Oneshot).await;
    let answer = target
        .send_raw(github_headers(GITHUB_PUSH), GITHUB_PUSH.to_vec())
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let again = target
        .send_raw(github_headers(GITHUB_PUSH), GITHUB_PUSH.to_vec())
        .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "the duplicate never reaches the handler"
    );
}

async fn stripe_payment_intent(transport: Transport) {
    let seen: Seen<PaymentIntentSucceeded> = Arc::default();
    let config =
        WebhookConfig::new(Stripe::new(STRIPE_SECRET).unwrap()).clock(FixedClock::new(NOW + 10));
    let router = Receiver::new(config)
        .on::<PaymentIntentSucceeded, _, _>(recorder(&seen))
        .reject_unknown()
        .into_router();
    let target = Target::new(router, transport).await;
    let headers = stripe_headers(STRIPE_SUCCEEDED, NOW);
    let answer = target
        .send_raw(headers.clone(), STRIPE_SUCCEEDED.to_vec())
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");

    {
        let seen = seen.lock().unwrap();
        let [delivery] = seen.as_slice() else {
            panic!("{} deliveries", seen.len())
        };
        assert_eq!(
            delivery.id.as_deref(),
            Some("evt_1MoS6tLgUG5tbmjchDsX6fiT"),
            "the event id"
        );
        assert_eq!(delivery.event_type, "payment_intent.succeeded");
        assert_eq!(
            delivery.timestamp.map(|t| t.unix_seconds()),
            Some(1_234_567_890),
            "`created`"
        );
        let whole: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(
            whole["api_version"], "2022-11-15",
            "the whole event object is at hand"
        );
        assert_eq!(
            delivery.event,
            PaymentIntentSucceeded {
                id: "pi_1MoS6tLgUG5tbmjcQ62U6djv".into(),
                amount: 1099,
                amount_received: 1099,
                currency: "usd".into(),
                status: "succeeded".into(),
                latest_charge: Some("ch_1MoS6tLgUG5tbmjctfClmUOq".into()),
            }
        );
    }

    // Stripe retries the same event id: skipped.
    let retry = target
        .send_raw(
            stripe_headers(STRIPE_SUCCEEDED, NOW + 5),
            STRIPE_SUCCEEDED.to_vec(),
        )
        .await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(seen.lock().unwrap().len(), 1);

    // A replay of an old signature is refused.
    let stale = target
        .send_raw(
            stripe_headers(STRIPE_SUCCEEDED, NOW - 400),
            STRIPE_SUCCEEDED.to_vec(),
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn stripe_payment_intent_succeeded_into_a_user_struct_through_oneshot() {
    stripe_payment_intent(Transport::Oneshot).await;
}

#[tokio::test]
async fn stripe_payment_intent_succeeded_into_a_user_struct_through_a_loopback_server() {
    stripe_payment_intent(Transport::Loopback).await;
}

#[tokio::test]
async fn stripe_events_of_other_types_are_told_apart() {
    let seen: Seen<PaymentIntentSucceeded> = Arc::default();
    let unknown: Seen<Box<serde_json::value::RawValue>> = Arc::default();
    let config =
        WebhookConfig::new(Stripe::new(STRIPE_SECRET).unwrap()).clock(FixedClock::new(NOW));
    let router = Receiver::new(config)
        .on::<PaymentIntentSucceeded, _, _>(recorder(&seen))
        .unknown(recorder(&unknown))
        .into_router();
    let target = Target::new(router, Transport::Oneshot).await;
    let text = std::str::from_utf8(STRIPE_SUCCEEDED).unwrap();
    let created = text
        .replace("payment_intent.succeeded", "payment_intent.created")
        .replace("evt_1MoS6tLgUG5tbmjchDsX6fiT", "evt_other");
    let answer = target
        .send_raw(
            stripe_headers(created.as_bytes(), NOW),
            created.into_bytes(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(seen.lock().unwrap().is_empty());
    let unknown = unknown.lock().unwrap();
    assert_eq!(unknown[0].event_type, "payment_intent.created");
    let object: serde_json::Value = serde_json::from_str(unknown[0].event.get()).unwrap();
    assert_eq!(
        object["object"], "payment_intent",
        "the unknown handler gets `data.object`"
    );
}
