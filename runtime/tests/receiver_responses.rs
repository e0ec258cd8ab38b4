//! Every response of the receiver, for every scheme, through `oneshot` and through a real
//! server on 127.0.0.1.

use crate::receiver_support;

use hookwire::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use hookwire::receiver::{Delivery, Receiver};
use receiver_support::{ALL, Kind, NOW, Ping, Target, Transport};

const LIMIT: usize = 1024;

/// A receiver of `test.ping` that counts runs and fails for `n == 500`.
fn router(kind: Kind, runs: &Arc<AtomicUsize>) -> Router {
    let runs = Arc::clone(runs);
    Receiver::new(kind.config().body_limit(LIMIT))
        .on::<Ping, _, _>(move |delivery: Delivery<Ping>| {
            let runs = Arc::clone(&runs);
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                if delivery.event.n == 500 {
                    Err("the database is down")
                } else {
                    Ok(())
                }
            }
        })
        .into_router()
}

async fn every_response(kind: Kind, transport: Transport) {
    let runs = Arc::new(AtomicUsize::new(0));
    let target = Target::new(router(kind, &runs), transport).await;
    let count = || runs.load(Ordering::SeqCst);
    let ctx = format!("{kind:?} over {transport:?}");

    // 200, and the handler ran.
    let ok = kind.ping("d-1", 1);
    let answer = target.send(&ok).await;
    assert_eq!(answer.status, StatusCode::OK, "{ctx}: {answer:?}");
    assert_eq!(count(), 1, "{ctx}");

    // A duplicate: 200 without running the handler (Slack has no ids: it runs again).
    let answer = target.send(&ok).await;
    assert_eq!(answer.status, StatusCode::OK, "{ctx}");
    assert_eq!(count(), if kind.has_id() { 1 } else { 2 }, "{ctx}");
    let base = count();

    // 400: signed, but not the event's JSON; not JSON at all; not even UTF-8.
    let wrong = kind.delivery("d-2", "test.ping", serde_json::json!({"n": "one"}));
    for body in [
        wrong.body.clone(),
        b"{not json".to_vec(),
        b"\xff\xfe\x00".to_vec(),
    ] {
        let headers = kind.headers("d-2", "test.ping", &body, NOW);
        let answer = target.send_raw(headers, body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{ctx}: {answer:?}");
        assert!(
            answer.code() == "malformed_payload" || answer.code() == "missing_event_type",
            "{ctx}"
        );
    }
    let detail = target.send(&wrong).await.problem()["detail"].to_string();
    assert!(
        !detail.contains("one"),
        "{ctx}: the detail quotes the payload: {detail}"
    );

    // 400: the event type is missing.
    let untyped = match kind {
        Kind::GitHub | Kind::Shopify => {
            let mut delivery = kind.ping("d-3", 1);
            delivery.headers.remove("x-github-event");
            delivery.headers.remove("x-shopify-topic");
            delivery
        }
        _ => {
            let body = br#"{"data":{"n":1},"timestamp":"2023-11-14T22:13:20Z"}"#.to_vec();
            receiver_support::Delivery {
                headers: kind.headers("d-3", "", &body, NOW),
                body,
            }
        }
    };
    let answer = target.send(&untyped).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{ctx}: {answer:?}");

    // 401: no signature, a wrong signature, a replay outside the tolerance.
    let mut unsigned = kind.ping("d-4", 1);
    let signature_headers: Vec<_> = kind
        .scheme()
        .sign("d-4", Timestamp::from_unix(NOW), &unsigned.body)
        .unwrap()
        .iter()
        .map(|(name, _)| name)
        .filter(|name| name.contains("signature") || name.contains("hmac"))
        .collect();
    for name in &signature_headers {
        unsigned.headers.remove(*name);
    }
    let answer = target.send(&unsigned).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{ctx}: {answer:?}");
    assert_eq!(answer.code(), "invalid_signature", "{ctx}");

    let mut tampered = kind.ping("d-5", 1);
    tampered.body = kind.body("d-5", "test.ping", &serde_json::json!({"n": 2}));
    let answer = target.send(&tampered).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{ctx}: {answer:?}");
    let detail = answer.problem()["detail"].as_str().unwrap().to_owned();
    for (_, value) in tampered.headers.iter() {
        let value = value.to_str().unwrap();
        assert!(
            value.len() < 20 || !detail.contains(value),
            "{ctx}: detail leaks a header: {detail}"
        );
    }
    assert!(
        !detail.contains("whsec_") && !detail.contains("Secret"),
        "{ctx}: {detail}"
    );

    if kind.has_timestamp() {
        let mut stale = kind.ping("d-6", 1);
        stale.headers = kind.headers("d-6", "test.ping", &stale.body, NOW - 3_600);
        let answer = target.send(&stale).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{ctx}: {answer:?}");
        // Outside the window, without telling an unauthenticated caller the clock offset.
        let detail = answer.problem()["detail"].as_str().unwrap().to_owned();
        assert!(
            detail.contains("outside the accepted window"),
            "{ctx}: {detail}"
        );
        assert!(!detail.contains("3600"), "{ctx}: {detail}");
    }

    // 413: a body over the limit, signed.
    let big = kind.delivery(
        "d-7",
        "test.ping",
        serde_json::json!({"n": 1, "pad": "x".repeat(LIMIT)}),
    );
    let answer = target.send(&big).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{ctx}: {answer:?}"
    );
    assert_eq!(answer.code(), "payload_too_large");

    // 415: a content type the provider never sends; none at all is fine.
    let mut text = kind.ping("d-8", 1);
    text.headers
        .insert("content-type", HeaderValue::from_static("text/plain"));
    let answer = target.send(&text).await;
    assert_eq!(
        answer.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{ctx}: {answer:?}"
    );
    assert_eq!(answer.code(), "unsupported_content_type");
    let mut form = kind.ping("d-8", 1);
    form.headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let expected = if kind == Kind::Slack {
        StatusCode::OK
    } else {
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    };
    assert_eq!(target.send(&form).await.status, expected, "{ctx}");
    let mut bare = kind.ping("d-9", 1);
    bare.headers.remove("content-type");
    assert_eq!(target.send(&bare).await.status, StatusCode::OK, "{ctx}");
    let base = base + if kind == Kind::Slack { 2 } else { 1 };
    assert_eq!(count(), base, "{ctx}");

    // Unknown types: 200 and ignored.
    let unknown = kind.delivery("d-10", "test.unknown", serde_json::json!({"x": 1}));
    assert_eq!(target.send(&unknown).await.status, StatusCode::OK, "{ctx}");
    assert_eq!(count(), base, "{ctx}");

    // 500: the handler failed; the retry runs it again.
    let failing = kind.ping("d-11", 500);
    for attempt in 1..=2 {
        let answer = target.send(&failing).await;
        assert_eq!(
            answer.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{ctx}: {answer:?}"
        );
        assert_eq!(answer.code(), "handler_failed");
        assert!(
            !answer.problem()["detail"]
                .as_str()
                .unwrap()
                .contains("database"),
            "{ctx}"
        );
        assert_eq!(count(), base + attempt, "{ctx}");
    }
}

#[tokio::test]
async fn every_response_for_every_scheme_through_oneshot() {
    for kind in ALL {
        every_response(kind, Transport::Oneshot).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_for_every_scheme_through_a_loopback_server() {
    for kind in ALL {
        every_response(kind, Transport::Loopback).await;
    }
}

async fn unknown_rejected(transport: Transport) {
    for kind in ALL {
        let router = Receiver::new(kind.config())
            .on::<Ping, _, _>(|_: Delivery<Ping>| async {})
            .reject_unknown()
            .into_router();
        let target = Target::new(router, transport).await;
        let answer = target
            .send(&kind.delivery("u-1", "test.unknown", serde_json::json!({})))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind:?}: {answer:?}"
        );
        assert_eq!(answer.code(), "unknown_event_type");
        assert_eq!(
            target.send(&kind.ping("u-2", 1)).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn unknown_types_can_be_rejected_through_oneshot() {
    unknown_rejected(Transport::Oneshot).await;
}

#[tokio::test]
async fn unknown_types_can_be_rejected_through_a_loopback_server() {
    unknown_rejected(Transport::Loopback).await;
}
