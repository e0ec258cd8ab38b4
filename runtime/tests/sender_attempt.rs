//! `hookwire::sender::attempt`, the one-attempt building block, called directly with an
//! injected `reqwest::Client`: every verdict, the parsed `Retry-After`, the bounded excerpt,
//! and a client whose DNS the caller controls.

use crate::sender_support;

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use hookwire::Timestamp;
use hookwire::sender::{AttemptOptions, ErrorKind, Message, Verdict, attempt};
use hookwire::signature::StandardWebhooks;
use sender_support::*;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn scheme() -> StandardWebhooks {
    StandardWebhooks::new(SECRET).unwrap()
}

fn message(url: &str) -> Message {
    Message::new(url, "order.shipped", r#"{"type":"order.shipped"}"#)
        .unwrap()
        .with_id("msg_attempt")
        .unwrap()
}

const AT: Timestamp = Timestamp::from_unix(START);

#[tokio::test]
async fn a_2xx_is_delivered_signed_at_the_given_timestamp() {
    let t = Setup::new();
    let server = t.serve(|_| reply(204)).await;
    let options = AttemptOptions::new();
    let result = attempt(&client(), &scheme(), &message(&server.url), AT, &options).await;
    assert_eq!(result.verdict, Verdict::Delivered);
    assert_eq!(result.status, Some(StatusCode::NO_CONTENT));
    assert_eq!(result.timestamp, AT);
    assert!(result.error.is_none());
    assert!(result.next_delay.is_none());
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].verified, Ok(()));
    assert_eq!(received[0].header("webhook-id"), "msg_attempt");
    assert_eq!(received[0].header("webhook-timestamp"), START.to_string());
}

#[tokio::test]
async fn a_retry_carries_the_retry_after_and_a_bounded_excerpt() {
    let t = Setup::new();
    let server = t
        .serve(|_| {
            Box::pin(async {
                let body = "x".repeat(10_000);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [("retry-after", "120")],
                    body,
                )
                    .into_response()
            })
        })
        .await;
    let options = AttemptOptions::new().max_response_body(100);
    let result = attempt(&client(), &scheme(), &message(&server.url), AT, &options).await;
    assert_eq!(result.verdict, Verdict::Retry);
    assert!(result.verdict.retries());
    assert_eq!(result.status, Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(result.retry_after, Some(Duration::from_secs(120)));
    assert_eq!(result.response_body.len(), 100);
    assert_eq!(result.error.unwrap().kind, ErrorKind::Status);
}

#[tokio::test]
async fn an_http_date_retry_after_is_relative_to_the_attempt() {
    let t = Setup::new();
    let date = httpdate::fmt_http_date(
        std::time::UNIX_EPOCH + Duration::from_secs(START.unsigned_abs() + 90),
    );
    let server = t
        .serve(move |_| reply_with(429, &[("retry-after", date.clone())]))
        .await;
    let result = attempt(
        &client(),
        &scheme(),
        &message(&server.url),
        AT,
        &AttemptOptions::new(),
    )
    .await;
    assert_eq!(result.verdict, Verdict::Retry);
    assert_eq!(result.retry_after, Some(Duration::from_secs(90)));
}

#[tokio::test]
async fn gone_and_the_stop_list() {
    let t = Setup::new();
    let server = t.serve(|n| reply(if n == 0 { 410 } else { 400 })).await;
    let options = AttemptOptions::new().stop_on([StatusCode::BAD_REQUEST]);
    let m = message(&server.url);
    let gone = attempt(&client(), &scheme(), &m, AT, &options).await;
    assert_eq!(gone.verdict, Verdict::Gone);
    assert!(!gone.verdict.retries());
    let stopped = attempt(&client(), &scheme(), &m, AT, &options).await;
    assert_eq!(stopped.verdict, Verdict::Stopped);
    assert_eq!(stopped.status, Some(StatusCode::BAD_REQUEST));
    // Without the stop list, the same 400 is retried.
    let server = t.serve(|_| reply(400)).await;
    let retried = attempt(
        &client(),
        &scheme(),
        &message(&server.url),
        AT,
        &AttemptOptions::new(),
    )
    .await;
    assert_eq!(retried.verdict, Verdict::Retry);
}

#[tokio::test]
async fn a_timeout_and_a_refused_connection_get_no_response() {
    let t = Setup::new();
    let server = t
        .serve(|_| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                StatusCode::OK.into_response()
            })
        })
        .await;
    let options = AttemptOptions::new().timeout(Duration::from_millis(100));
    let result = attempt(&client(), &scheme(), &message(&server.url), AT, &options).await;
    assert_eq!(result.verdict, Verdict::NoResponse);
    assert_eq!(result.status, None);
    assert_eq!(result.error.unwrap().kind, ErrorKind::Timeout);

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}/hook");
    let result = attempt(&client(), &scheme(), &message(&url), AT, &options).await;
    assert_eq!(result.verdict, Verdict::NoResponse);
    assert_eq!(result.error.unwrap().kind, ErrorKind::Connect);
}

#[tokio::test]
async fn the_injected_client_resolves_names_its_own_way() {
    // The outbox workers pass a client with their own DNS resolver; here the client maps a
    // name that exists nowhere to the loopback server.
    let t = Setup::new();
    let server = t.serve(|_| reply(200)).await;
    let addr: std::net::SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("hooks.customer.invalid", addr)
        .build()
        .unwrap();
    let url = format!("http://hooks.customer.invalid:{}/hook", addr.port());
    let result = attempt(
        &client,
        &scheme(),
        &message(&url),
        AT,
        &AttemptOptions::new(),
    )
    .await;
    assert_eq!(result.verdict, Verdict::Delivered, "{:?}", result.error);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn an_unsignable_message_fails_without_a_request() {
    let t = Setup::new();
    let server = t.serve(|_| reply(204)).await;
    let public =
        StandardWebhooks::new("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=").unwrap();
    let result = attempt(
        &client(),
        &public,
        &message(&server.url),
        AT,
        &AttemptOptions::new(),
    )
    .await;
    assert_eq!(result.verdict, Verdict::Failed);
    assert_eq!(result.error.unwrap().kind, ErrorKind::Sign);
    assert!(server.received().is_empty());
}
