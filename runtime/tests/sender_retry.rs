//! The sender against loopback servers: retries, timeouts, dropped connections, 410, 429 with
//! `Retry-After`, 3xx, 4xx; the same id with fresh timestamps and valid signatures. No test
//! sleeps beyond loopback round trips and one short timeout.

use crate::sender_support;

use std::time::Duration;

use axum::http::StatusCode;
use hookwire::retry::RetryPolicy;
use hookwire::sender::{ErrorKind, Outcome, SenderBuilder, Verdict};
use hookwire::{Events, Parsed};
use sender_support::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::test]
async fn fails_three_times_then_succeeds_with_one_id_and_fresh_signatures() {
    let t = Setup::new();
    let server = t
        .serve(|n| if n < 3 { reply(500) } else { reply(204) })
        .await;
    let sender = t.sender(standard(), RetryPolicy::default().jitter(0.0));

    let report = sender.send(&server.url, &shipped()).await.unwrap();

    assert_eq!(report.outcome, Outcome::Delivered);
    assert_eq!(statuses(&report), [500, 500, 500, 204]);
    assert_eq!(t.sleeper.delays(), [secs(5), secs(300), secs(1800)]);
    let received = server.received();
    assert_eq!(received.len(), 4);
    let timestamps: Vec<i64> = received
        .iter()
        .map(|r| r.header("webhook-timestamp").parse().unwrap())
        .collect();
    assert_eq!(timestamps, [START, START + 5, START + 305, START + 2105]);
    let attempt_timestamps: Vec<i64> = report
        .attempts
        .iter()
        .map(|a| a.timestamp.unix_seconds())
        .collect();
    assert_eq!(attempt_timestamps, timestamps);
    for r in &received {
        assert_eq!(r.verified, Ok(()));
        assert_eq!(r.header("webhook-id"), report.message.id());
        assert_eq!(r.header("content-type"), "application/json");
        // Serialized once: the envelope (and its timestamp) is the same in every attempt.
        assert_eq!(r.body, received[0].body);
        assert_eq!(&r.body[..], &report.message.body()[..]);
    }
    let Parsed::Known(envelope) = ShopEvent::from_envelope(&received[3].body).unwrap() else {
        panic!("known event");
    };
    assert_eq!(envelope.data, shipped());
    assert_eq!(envelope.timestamp.unix_seconds(), START);
    assert!(
        report.attempts[..3]
            .iter()
            .all(|a| a.error.as_ref().unwrap().kind == ErrorKind::Status)
    );
    assert!(report.attempts[3].error.is_none());
}

#[tokio::test]
async fn default_schedule_with_jitter_until_exhausted() {
    let t = Setup::new();
    let server = t.serve(|_| reply(503)).await;
    let sender = t.sender(standard(), RetryPolicy::default());

    let report = sender.send_bytes(&server.url, "ping", "{}").await.unwrap();

    assert_eq!(report.outcome, Outcome::Exhausted);
    assert_eq!(report.attempts.len(), 8);
    assert_eq!(server.received().len(), 8);
    let delays = t.sleeper.delays();
    let schedule = [5, 300, 1800, 7200, 18000, 36000, 36000];
    assert_eq!(delays.len(), schedule.len());
    for (delay, base) in delays.iter().zip(schedule) {
        let base = base as f64;
        let d = delay.as_secs_f64();
        assert!(d >= base * 0.8 && d <= base * 1.2, "{d} vs {base}");
    }
    for (attempt, delay) in report.attempts.iter().zip(&delays) {
        assert_eq!(attempt.next_delay, Some(*delay));
    }
    assert_eq!(report.last_attempt().unwrap().next_delay, None);
    assert!(server.received().iter().all(|r| r.verified.is_ok()));
}

#[tokio::test]
async fn a_stalled_endpoint_times_out_and_is_retried() {
    let t = Setup::new();
    let server = t
        .serve(|_| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                axum::response::IntoResponse::into_response(axum::http::StatusCode::OK)
            })
        })
        .await;
    let sender = SenderBuilder::from_arc(standard())
        .clock(t.clock.clone())
        .sleeper(t.sleeper.clone())
        .retry(RetryPolicy::new([Duration::ZERO]))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let started = std::time::Instant::now();
    let report = sender.send_bytes(&server.url, "ping", "{}").await.unwrap();

    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(report.outcome, Outcome::Exhausted);
    assert_eq!(report.attempts.len(), 2);
    for attempt in &report.attempts {
        assert_eq!(attempt.status, None);
        assert_eq!(attempt.error.as_ref().unwrap().kind, ErrorKind::Timeout);
        assert!(attempt.duration >= Duration::from_millis(200));
    }
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let t = Setup::new();
    let (url, accepted) = dropping_server().await;
    let sender = t.sender(
        standard(),
        RetryPolicy::new([Duration::ZERO, secs(1)]).jitter(0.0),
    );

    let report = sender.send_bytes(&url, "ping", "{}").await.unwrap();

    assert_eq!(report.outcome, Outcome::Exhausted);
    assert_eq!(report.attempts.len(), 3);
    for attempt in &report.attempts {
        let error = attempt.error.as_ref().unwrap();
        assert_eq!(error.kind, ErrorKind::Connection, "{error}");
        assert!(!error.message.contains("127.0.0.1"), "{error}");
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(t.sleeper.delays(), [Duration::ZERO, secs(1)]);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let t = Setup::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let sender = t.sender(standard(), RetryPolicy::never());
    let report = sender
        .send_bytes(&format!("http://{closed}/hook?token=s3cr3t"), "ping", "{}")
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Exhausted);
    let error = report.attempts[0].error.as_ref().unwrap();
    assert_eq!(error.kind, ErrorKind::Connect);
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}

#[tokio::test]
async fn gone_stops_at_once() {
    let t = Setup::new();
    let server = t.serve(|_| reply(410)).await;
    let sender = t.sender(standard(), RetryPolicy::default());
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Gone);
    assert_eq!(statuses(&report), [410]);
    assert!(t.sleeper.delays().is_empty());
}

#[tokio::test]
async fn every_status_but_gone_is_retried_by_default() {
    // What a hookwire receiver answers while the same message is handled (409), for an
    // unknown type (422), during a secret rotation (401), and what a proxy may answer.
    for status in [400, 401, 403, 404, 409, 413, 415, 422, 500] {
        let t = Setup::new();
        let server = t
            .serve(move |n| if n == 0 { reply(status) } else { reply(204) })
            .await;
        let sender = t.sender(standard(), RetryPolicy::default().jitter(0.0));
        let report = sender.send(&server.url, &shipped()).await.unwrap();
        assert_eq!(report.outcome, Outcome::Delivered, "{status}");
        assert_eq!(statuses(&report), [status, 204]);
        assert_eq!(report.attempts[0].verdict, Verdict::Retry);
        assert_eq!(t.sleeper.delays(), [secs(5)], "{status}");
    }
}

#[tokio::test]
async fn statuses_on_the_stop_list_end_the_message() {
    for status in [400, 422] {
        let t = Setup::new();
        let server = t.serve(move |_| reply(status)).await;
        let sender = SenderBuilder::from_arc(standard())
            .clock(t.clock.clone())
            .sleeper(t.sleeper.clone())
            .stop_on([StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY])
            .build()
            .unwrap();
        let report = sender.send(&server.url, &shipped()).await.unwrap();
        assert_eq!(
            report.outcome,
            Outcome::Stopped(StatusCode::from_u16(status).unwrap())
        );
        assert_eq!(report.attempts[0].verdict, Verdict::Stopped);
        assert_eq!(server.received().len(), 1, "{status}");
        assert!(t.sleeper.delays().is_empty());
    }
}

#[tokio::test]
async fn request_timeout_408_is_retried() {
    let t = Setup::new();
    let server = t
        .serve(|n| if n == 0 { reply(408) } else { reply(200) })
        .await;
    let sender = t.sender(standard(), RetryPolicy::default().jitter(0.0));
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered);
    assert_eq!(statuses(&report), [408, 200]);
}

#[tokio::test]
async fn too_many_requests_honours_retry_after_seconds() {
    let t = Setup::new();
    let server = t
        .serve(|n| match n {
            0 => reply_with(429, &[("retry-after", "120".into())]),
            _ => reply(204),
        })
        .await;
    let sender = t.sender(standard(), RetryPolicy::default().jitter(0.0));
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered);
    assert_eq!(statuses(&report), [429, 204]);
    assert_eq!(report.attempts[0].retry_after, Some(secs(120)));
    assert_eq!(&report.attempts[0].response_body[..], b"slow down");
    assert_eq!(t.sleeper.delays(), [secs(120)]);
    let received = server.received();
    assert_eq!(
        received[1].header("webhook-timestamp"),
        (START + 120).to_string()
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_and_capped() {
    let t = Setup::new();
    let date = httpdate_for(START + 600);
    let server = t
        .serve(move |n| match n {
            0 => reply_with(503, &[("retry-after", date.clone())]),
            1 => reply_with(429, &[("retry-after", "999999".into())]),
            2 => reply_with(429, &[("retry-after", "soon".into())]),
            _ => reply(204),
        })
        .await;
    let sender = t.sender(standard(), RetryPolicy::default().jitter(0.0));
    let report = sender.send(&server.url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered);
    // 600 s from the date; 999999 s capped at 1 h (above the 5 min step); an invalid value
    // leaves the schedule's 30 min.
    assert_eq!(t.sleeper.delays(), [secs(600), secs(3600), secs(1800)]);
    assert_eq!(report.attempts[2].retry_after, None);
}

fn httpdate_for(unix: i64) -> String {
    // IMF-fixdate without pulling a date crate into the test: 1700000600 is
    // Tue, 14 Nov 2023 22:23:20 GMT.
    assert_eq!(unix, START + 600);
    "Tue, 14 Nov 2023 22:23:20 GMT".to_owned()
}
