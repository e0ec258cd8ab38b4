//! The sender against loopback servers: redirects, other schemes' headers, key rotation, and
//! local errors that no retry fixes.

use crate::sender_support;

use std::sync::Arc;
use std::time::Duration;

use hookwire::clock::FixedClock;
use hookwire::retry::RetryPolicy;
use hookwire::sender::{ErrorKind, Outcome, SenderBuilder};
use hookwire::signature::{GitHub, Scheme, StandardWebhooks};
use sender_support::*;

#[tokio::test]
async fn redirects_are_failures_and_not_followed() {
    let t = Setup::new();
    let server = t
        .serve(|_| reply_with(307, &[("location", "/elsewhere".into())]))
        .await;
    let sender = t.sender(standard(), RetryPolicy::new([Duration::ZERO]));
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Exhausted);
    assert_eq!(statuses(&report), [307, 307]);
    assert_eq!(
        server
            .other_path_hits
            .load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[tokio::test]
async fn a_client_that_follows_redirects_is_reported() {
    let t = Setup::new();
    let server = t
        .serve(|_| reply_with(307, &[("location", "/elsewhere".into())]))
        .await;
    let sender = SenderBuilder::from_arc(standard())
        .client(reqwest::Client::new())
        .clock(t.clock.clone())
        .sleeper(t.sleeper.clone())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Exhausted);
    let error = report.attempts[0].error.as_ref().unwrap();
    assert_eq!(error.kind, ErrorKind::Redirected);
    assert_eq!(
        server
            .other_path_hits
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

#[tokio::test]
async fn other_schemes_send_their_headers() {
    let t = Setup::new();
    let github: Arc<dyn Scheme> = Arc::new(GitHub::new("It's a Secret to Everybody").unwrap());
    let server = serve(github.clone(), t.clock.clone(), |_| reply(200)).await;
    let sender = t.sender(github, RetryPolicy::never());
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert!(report.is_delivered());
    let received = server.received();
    assert_eq!(received[0].verified, Ok(()));
    assert_eq!(received[0].header("x-github-event"), "order.shipped");
    assert_eq!(received[0].header("x-github-delivery"), report.message.id());
}

#[tokio::test]
async fn rotation_signs_with_every_key() {
    let t = Setup::new();
    let old = StandardWebhooks::new(SECRET).unwrap();
    let both: Arc<dyn Scheme> = Arc::new(
        StandardWebhooks::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
            .unwrap()
            .with_secret(SECRET)
            .unwrap(),
    );
    // The receiver still holds only the old secret.
    let server = serve(Arc::new(old), t.clock.clone(), |_| reply(204)).await;
    let sender = t.sender(both, RetryPolicy::never());
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert!(report.is_delivered());
    let received = server.received();
    assert_eq!(received[0].verified, Ok(()));
    assert_eq!(
        received[0].header("webhook-signature").split(' ').count(),
        2
    );
}

#[tokio::test]
async fn an_unsignable_attempt_fails_without_a_request() {
    let clock = Arc::new(FixedClock::new(-5));
    let sleeper = RecordingSleeper::new(clock.clone());
    let server = serve(standard(), clock.clone(), |_| reply(204)).await;
    let sender = SenderBuilder::from_arc(standard())
        .clock(clock)
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let report = sender.send_bytes(&server.url, "ping", "{}").await.unwrap();
    assert_eq!(report.outcome, Outcome::Failed);
    assert_eq!(
        report.attempts[0].error.as_ref().unwrap().kind,
        ErrorKind::Sign
    );
    assert!(server.received().is_empty());
    assert!(sleeper.delays().is_empty());
}

/// `https://` to a server that speaks plain HTTP: the TLS handshake fails, which is an attempt
/// without a response (the endpoint may be fixed), retried on the schedule; nothing reaches the
/// server's handler.
#[tokio::test]
async fn a_failed_tls_handshake_is_retried() {
    let t = Setup::new();
    let server = t.serve(|_| reply(204)).await;
    let https = server.url.replacen("http://", "https://", 1);
    let sender = t.sender(
        standard(),
        RetryPolicy::new(vec![Duration::from_secs(1); 2]),
    );
    let report = sender.send_bytes(&https, "ping", "{}").await.unwrap();
    assert_ne!(report.outcome, Outcome::Delivered, "{:?}", report.attempts);
    assert_eq!(report.attempts.len(), 3, "{:?}", report.attempts);
    let error = report.attempts[0].error.as_ref().unwrap();
    assert_eq!(error.kind, ErrorKind::Connect, "{error}");
    assert_eq!(t.sleeper.delays().len(), 2);
    assert!(server.received().is_empty());
}
