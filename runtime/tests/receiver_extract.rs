//! The extractors: verified bytes to parse later, the parsed `Webhook<E>` with its claim, and
//! a user rule for the event type.

use crate::receiver_support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::FromRef;
use axum::http::{HeaderValue, StatusCode};
use axum::routing::post;
use hookwire::receiver::{
    Delivery, Payload, PayloadFormat, Receiver, VerifiedWebhook, Webhook, WebhookConfig,
};
use receiver_support::{Kind, NOW, Ping, Pong, Target, TestEvent, Transport};

/// An application state holding the webhook configuration among other things.
#[derive(Clone)]
struct AppState {
    webhooks: WebhookConfig,
    queue: Arc<Mutex<Vec<VerifiedWebhook>>>,
}

impl FromRef<AppState> for WebhookConfig {
    fn from_ref(state: &AppState) -> Self {
        state.webhooks.clone()
    }
}

#[tokio::test]
async fn verified_bytes_are_queued_then_parsed_later() {
    for transport in [Transport::Oneshot, Transport::Loopback] {
        let state = AppState {
            webhooks: Kind::Standard.config(),
            queue: Arc::default(),
        };
        let router = Router::new()
            .route(
                "/",
                post(
                    |axum::extract::State(state): axum::extract::State<AppState>,
                     webhook: VerifiedWebhook| async move {
                        state.queue.lock().unwrap().push(webhook);
                        StatusCode::ACCEPTED
                    },
                ),
            )
            .with_state(state.clone());
        let target = Target::new(router, transport).await;
        let pong = Kind::Standard.delivery("q-1", "test.pong", serde_json::json!({"word": "hi"}));
        assert_eq!(target.send(&pong).await.status, StatusCode::ACCEPTED);
        // The extractor verifies: a bad signature never reaches the queue.
        let mut forged = pong.clone();
        forged.body[0] = b' ';
        assert_eq!(target.send(&forged).await.status, StatusCode::UNAUTHORIZED);

        let queued = state.queue.lock().unwrap().pop().unwrap();
        assert_eq!(queued.id.as_deref(), Some("q-1"));
        assert_eq!(queued.timestamp, Some(hookwire::Timestamp::from_unix(NOW)));
        assert_eq!(queued.body, pong.body);
        let delivery = queued.parse::<TestEvent>().unwrap();
        assert_eq!(delivery.id.as_deref(), Some("q-1"));
        assert!(
            matches!(delivery.event, Payload::Known(TestEvent::Pong(Pong { ref word })) if word == "hi")
        );
        // The same bytes, parsed from the format alone (after a queue).
        let later = PayloadFormat::Envelope
            .parse::<TestEvent>(&queued.headers, queued.body.clone())
            .unwrap();
        assert_eq!(later.event_type, "test.pong");
    }
}

#[tokio::test]
async fn non_utf8_bodies_verify_and_are_kept_as_bytes() {
    let state = AppState {
        webhooks: Kind::GitHub.config(),
        queue: Arc::default(),
    };
    let router = Router::new()
        .route(
            "/",
            post(|webhook: VerifiedWebhook| async move { webhook.body.len().to_string() }),
        )
        .with_state(state);
    let target = Target::new(router, Transport::Oneshot).await;
    let body = b"\xff\xfe\x00binary".to_vec();
    let headers = Kind::GitHub.headers("b-1", "test.ping", &body, NOW);
    let answer = target.send_raw(headers, body).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, b"9");
}

#[tokio::test]
async fn the_webhook_extractor_claims_until_completed_or_dropped() {
    let config = Kind::Standard.config();
    let router = Router::new()
        .route(
            "/",
            post(|webhook: Webhook<TestEvent>| async move {
                match webhook.delivery.event {
                    // n == 1: handled and completed.
                    Payload::Known(TestEvent::Ping(Ping { n: 1 })) => {
                        webhook.complete().await.unwrap();
                        StatusCode::OK
                    }
                    // Anything else: dropped without completing, so a retry runs again.
                    _ => StatusCode::SERVICE_UNAVAILABLE,
                }
            }),
        )
        .with_state(config);
    let target = Target::new(router, Transport::Oneshot).await;

    let done = Kind::Standard.ping("w-1", 1);
    assert_eq!(target.send(&done).await.status, StatusCode::OK);
    assert_eq!(target.send(&done).await.status, StatusCode::OK);

    let dropped = Kind::Standard.ping("w-2", 2);
    assert_eq!(
        target.send(&dropped).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // The drop releases the claim in the background.
    let mut status = StatusCode::CONFLICT;
    for _ in 0..100 {
        status = target.send(&dropped).await.status;
        if status != StatusCode::CONFLICT {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "the retry reached the handler again"
    );

    // Unknown types reach the extractor raw.
    let unknown = Kind::Standard.delivery("w-3", "test.other", serde_json::json!([1, 2]));
    let router = Router::new()
        .route(
            "/",
            post(|webhook: Webhook<TestEvent>| async move {
                match &webhook.delivery.event {
                    Payload::Unknown(raw) => raw.get().to_owned(),
                    Payload::Known(_) => String::new(),
                }
            }),
        )
        .with_state(Kind::Standard.config());
    let answer = Target::new(router, Transport::Oneshot)
        .await
        .send(&unknown)
        .await;
    assert_eq!(answer.body, b"[1,2]");
}

#[tokio::test]
async fn a_user_rule_names_the_event_type() {
    // A sender that signs Standard Webhooks but puts the type in its own header.
    let format =
        PayloadFormat::rule(|headers, _| headers.get("x-kind")?.to_str().ok().map(str::to_owned));
    let seen: Arc<Mutex<Vec<u32>>> = Arc::default();
    let router = {
        let seen = Arc::clone(&seen);
        Receiver::new(Kind::Standard.config().format(format))
            .on::<Ping, _, _>(move |delivery: Delivery<Ping>| {
                seen.lock().unwrap().push(delivery.event.n);
                async {}
            })
            .into_router()
    };
    let target = Target::new(router, Transport::Oneshot).await;
    let body = br#"{"n":7}"#.to_vec();
    let mut headers = Kind::Standard.headers("r-1", "", &body, NOW);
    let answer = target.send_raw(headers.clone(), body.clone()).await;
    assert_eq!(
        answer.status,
        StatusCode::BAD_REQUEST,
        "no type: {answer:?}"
    );
    assert_eq!(answer.code(), "missing_event_type");
    headers.insert("x-kind", HeaderValue::from_static("test.ping"));
    assert_eq!(target.send_raw(headers, body).await.status, StatusCode::OK);
    assert_eq!(*seen.lock().unwrap(), [7]);
}

#[tokio::test]
async fn envelopes_parse_whatever_the_key_order() {
    let seen: Arc<Mutex<Vec<Delivery<Ping>>>> = Arc::default();
    let router = {
        let seen = Arc::clone(&seen);
        Receiver::new(Kind::Standard.config())
            .on::<Ping, _, _>(move |delivery: Delivery<Ping>| {
                seen.lock().unwrap().push(delivery);
                async {}
            })
            .into_router()
    };
    let target = Target::new(router, Transport::Oneshot).await;
    let bodies: [&[u8]; 3] = [
        br#"{"data":{"n":1},"timestamp":"2023-11-14T22:13:20Z","type":"test.ping"}"#,
        br#" { "extra" : [1, {"type": "x"}], "type" : "test.ping", "data" : {"n": 2, "more": null}, "timestamp" : "2023-11-14T22:13:20Z" } "#,
        br#"{"type":"test\u002eping","timestamp":"2023-11-14T22:13:20Z","data":{"n":3}}"#,
    ];
    for (n, body) in bodies.into_iter().enumerate() {
        let headers = Kind::Standard.headers(&format!("o-{n}"), "", body, NOW);
        let answer = target.send_raw(headers, body.to_vec()).await;
        assert_eq!(answer.status, StatusCode::OK, "{n}: {answer:?}");
    }
    let ns: Vec<u32> = seen.lock().unwrap().iter().map(|d| d.event.n).collect();
    assert_eq!(ns, [1, 2, 3]);
    let first = seen.lock().unwrap()[0].timestamp;
    assert_eq!(first.map(|t| t.unix_seconds()), Some(1_700_000_000));

    // Duplicated members and trailing garbage are malformed.
    let bad: [&[u8]; 4] = [
        br#"{"type":"test.ping","type":"test.pong","timestamp":"2023-11-14T22:13:20Z","data":{"n":1}}"#,
        br#"{"type":"test.ping","timestamp":"2023-11-14T22:13:20Z","data":{"n":1},"data":{"n":2}}"#,
        br#"{"type":"test.ping","timestamp":"2023-11-14T22:13:20Z","data":{"n":1}} x"#,
        br#"{"type":"test.ping","data":{"n":1}}"#,
    ];
    for (n, body) in bad.into_iter().enumerate() {
        let headers = Kind::Standard.headers(&format!("b-{n}"), "", body, NOW);
        let answer = target.send_raw(headers, body.to_vec()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{n}: {answer:?}");
    }
}
