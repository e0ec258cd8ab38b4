//! hookwire's sender against hookwire's receiver on a loopback axum server: every answer the
//! receiver gives ends as the sender table of `docs/guide/sending.md` says, and a delivery whose
//! first handler outlives the sender's timeout and then fails is still handled exactly once.
//!
//! Retries wait milliseconds (the sender's delays and the cap on `Retry-After` are set that
//! short); nothing sleeps longer than one short per-attempt timeout.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::retry::RetryPolicy;
use hookwire::sender::{DeliveryReport, ErrorKind, Outcome, Sender, Verdict};
use hookwire::signature::StandardWebhooks;
use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.refunded")]
struct OrderRefunded {
    order_id: String,
}

#[derive(Debug, Events)]
enum ShopEvent {
    OrderShipped(OrderShipped),
    OrderRefunded(OrderRefunded),
}

fn shipped() -> ShopEvent {
    ShopEvent::OrderShipped(OrderShipped {
        order_id: "98765".into(),
    })
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A sender whose retries come `delay` apart (never more: `Retry-After` is capped to it).
fn sender(secret: &str, retries: usize, delay: Duration, timeout: Duration) -> Sender {
    Sender::builder(StandardWebhooks::new(secret).unwrap())
        .retry(
            RetryPolicy::new(vec![delay; retries])
                .jitter(0.0)
                .max_retry_after(delay),
        )
        .timeout(timeout)
        .build()
        .unwrap()
}

fn fast_sender() -> Sender {
    sender(SECRET, 3, ms(1), Duration::from_secs(5))
}

fn config() -> WebhookConfig {
    WebhookConfig::new(StandardWebhooks::new(SECRET).unwrap())
}

/// Counts handler runs and successful ones.
#[derive(Debug, Default)]
struct Counts {
    runs: AtomicUsize,
    handled: AtomicUsize,
}

impl Counts {
    fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
    fn handled(&self) -> usize {
        self.handled.load(Ordering::SeqCst)
    }
}

/// A receiver whose `order.shipped` handler counts what it does.
fn counting(config: WebhookConfig, counts: &Arc<Counts>) -> Receiver {
    let counts = counts.clone();
    Receiver::new(config).on::<OrderShipped, _, _>(move |_: Delivery<OrderShipped>| {
        let counts = counts.clone();
        async move {
            counts.runs.fetch_add(1, Ordering::SeqCst);
            counts.handled.fetch_add(1, Ordering::SeqCst);
        }
    })
}

/// The receiver on a loopback server at `/hook`, each answer's status recorded; returns the
/// URL and the statuses.
async fn serve(app: axum::Router) -> (String, Arc<Mutex<Vec<StatusCode>>>) {
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let app = app.layer(middleware::from_fn(move |request: Request, next: Next| {
        let seen = seen.clone();
        async move {
            let response = next.run(request).await;
            seen.lock().unwrap().push(response.status());
            response
        }
    }));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, statuses)
}

fn route(receiver: Receiver) -> axum::Router {
    axum::Router::new().route("/hook", receiver.into_method_router())
}

fn statuses(report: &DeliveryReport) -> Vec<u16> {
    report
        .attempts
        .iter()
        .map(|a| a.status.map_or(0, |s| s.as_u16()))
        .collect()
}

#[tokio::test]
async fn handled_is_delivered_at_once() {
    let counts = Arc::new(Counts::default());
    let (url, _) = serve(route(counting(config(), &counts))).await;
    let report = fast_sender().send(&url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered);
    assert_eq!(statuses(&report), [200]);
    assert_eq!(counts.handled(), 1);
}

#[tokio::test]
async fn a_duplicate_is_delivered_without_running_the_handler_again() {
    let counts = Arc::new(Counts::default());
    let (url, _) = serve(route(counting(config(), &counts))).await;
    let sender = fast_sender();
    let message = sender.message(&url, &shipped()).unwrap();
    let first = sender.deliver(message.clone()).await;
    let again = sender.deliver(message).await;
    assert_eq!(first.outcome, Outcome::Delivered);
    assert_eq!(again.outcome, Outcome::Delivered);
    assert_eq!(statuses(&again), [200]);
    assert_eq!(counts.runs(), 1);
}

#[tokio::test]
async fn in_flight_409_is_retried_until_the_first_handler_is_done() {
    // The first copy's handler waits for the gate; a second copy of the same message gets
    // 409, which opens the gate; its retry then finds the message handled (200).
    let gate = Arc::new(Semaphore::new(0));
    let counts = Arc::new(Counts::default());
    let (handler_gate, handler_counts) = (gate.clone(), counts.clone());
    let receiver =
        Receiver::new(config()).on::<OrderShipped, _, _>(move |_: Delivery<OrderShipped>| {
            let (gate, counts) = (handler_gate.clone(), handler_counts.clone());
            async move {
                counts.runs.fetch_add(1, Ordering::SeqCst);
                let _permit = gate.acquire().await;
                counts.handled.fetch_add(1, Ordering::SeqCst);
            }
        });
    let opener = gate.clone();
    let app = route(receiver).layer(middleware::from_fn(move |request: Request, next: Next| {
        let opener = opener.clone();
        async move {
            let response = next.run(request).await;
            if response.status() == StatusCode::CONFLICT {
                opener.add_permits(1);
            }
            response
        }
    }));
    let (url, _) = serve(app).await;

    let first_sender = sender(SECRET, 0, ms(1), Duration::from_secs(5));
    let message = first_sender.message(&url, &shipped()).unwrap();
    let first = tokio::spawn({
        let message = message.clone();
        async move { first_sender.deliver(message).await }
    });
    while counts.runs() == 0 {
        tokio::task::yield_now().await;
    }
    let copy = sender(SECRET, 50, ms(5), Duration::from_secs(5))
        .deliver(message)
        .await;
    assert_eq!(copy.outcome, Outcome::Delivered, "{:?}", statuses(&copy));
    assert_eq!(copy.attempts[0].status, Some(StatusCode::CONFLICT));
    assert_eq!(copy.attempts[0].verdict, Verdict::Retry);
    assert_eq!(copy.attempts[0].retry_after, Some(Duration::from_secs(5)));
    assert_eq!(
        copy.attempts[0].next_delay,
        Some(ms(5)),
        "capped Retry-After"
    );
    assert_eq!(copy.last_attempt().unwrap().status, Some(StatusCode::OK));
    assert_eq!(first.await.unwrap().outcome, Outcome::Delivered);
    assert_eq!((counts.runs(), counts.handled()), (1, 1));
}

#[tokio::test]
async fn a_handler_failure_500_is_retried_and_the_retry_runs_it_again() {
    let counts = Arc::new(Counts::default());
    let handler_counts = counts.clone();
    let receiver =
        Receiver::new(config()).on::<OrderShipped, _, _>(move |_: Delivery<OrderShipped>| {
            let counts = handler_counts.clone();
            async move {
                if counts.runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err("the database is down");
                }
                counts.handled.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        });
    let (url, _) = serve(route(receiver)).await;
    let report = fast_sender().send(&url, &shipped()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered);
    assert_eq!(statuses(&report), [500, 200]);
    assert_eq!((counts.runs(), counts.handled()), (2, 1));
}

#[tokio::test]
async fn unknown_type_422_is_retried_until_a_deployment_knows_it() {
    // The first deployment rejects `order.refunded`; the next one handles it.
    let refunds = Arc::new(AtomicUsize::new(0));
    let old = route(Receiver::new(config()).reject_unknown());
    let counted = refunds.clone();
    let new = route(
        Receiver::new(config())
            .reject_unknown()
            .on::<OrderRefunded, _, _>(move |_: Delivery<OrderRefunded>| {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            }),
    );
    let requests = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().fallback(move |request: Request| {
        let deployment = if requests.fetch_add(1, Ordering::SeqCst) == 0 {
            old.clone()
        } else {
            new.clone()
        };
        async move { deployment.oneshot(request).await }
    });
    let (url, _) = serve(app).await;
    let event = ShopEvent::OrderRefunded(OrderRefunded {
        order_id: "98765".into(),
    });
    let report = fast_sender().send(&url, &event).await.unwrap();
    assert_eq!(report.outcome, Outcome::Delivered);
    assert_eq!(statuses(&report), [422, 200]);
    assert_eq!(refunds.load(Ordering::SeqCst), 1);
}

/// Answers that persist: the sender retries each on its schedule (the same bytes, the same
/// id) and reports `Exhausted` with the receiver's problem in the last attempt; the handler
/// never runs.
async fn persistent(
    app: axum::Router,
    send: impl AsyncFnOnce(&str) -> DeliveryReport,
    status: u16,
) {
    let (url, seen) = serve(app).await;
    let report = send(&url).await;
    assert_eq!(report.outcome, Outcome::Exhausted, "{status}");
    assert_eq!(statuses(&report), [status; 4]);
    assert!(report.attempts.iter().all(|a| a.verdict == Verdict::Retry));
    let last = report.last_attempt().unwrap();
    assert!(
        last.response_body.starts_with(b"{"),
        "a problem body: {:?}",
        last.response_body
    );
    assert_eq!(seen.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn a_malformed_payload_400_is_retried_then_exhausted() {
    let counts = Arc::new(Counts::default());
    let app = route(counting(config(), &counts));
    let body = r#"{"type":"order.shipped","timestamp":"2024-01-01T00:00:00Z","data":{"order":1}}"#;
    persistent(
        app,
        async |url| {
            fast_sender()
                .send_bytes(url, "order.shipped", body)
                .await
                .unwrap()
        },
        400,
    )
    .await;
    assert_eq!(counts.runs(), 0);
}

#[tokio::test]
async fn a_bad_signature_401_is_retried_then_exhausted() {
    let counts = Arc::new(Counts::default());
    let app = route(counting(config(), &counts));
    let forger = || {
        sender(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            3,
            ms(1),
            Duration::from_secs(5),
        )
    };
    persistent(
        app,
        async |url| forger().send(url, &shipped()).await.unwrap(),
        401,
    )
    .await;
    assert_eq!(counts.runs(), 0);
}

#[tokio::test]
async fn a_body_over_the_limit_413_is_retried_then_exhausted() {
    let counts = Arc::new(Counts::default());
    let app = route(counting(config().body_limit(16), &counts));
    persistent(
        app,
        async |url| fast_sender().send(url, &shipped()).await.unwrap(),
        413,
    )
    .await;
    assert_eq!(counts.runs(), 0);
}

#[tokio::test]
async fn an_altered_content_type_415_is_retried_then_exhausted() {
    // hookwire's sender always sends `application/json`; a proxy in between rewrites it.
    let counts = Arc::new(Counts::default());
    let app = route(counting(config(), &counts)).layer(middleware::from_fn(
        |mut request: Request, next: Next| async move {
            request
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            next.run(request).await
        },
    ));
    persistent(
        app,
        async |url| fast_sender().send(url, &shipped()).await.unwrap(),
        415,
    )
    .await;
    assert_eq!(counts.runs(), 0);
}

/// A receiver whose first `order.shipped` handler waits for a 409 to be answered (or forever)
/// and then fails; later runs succeed. Returns the app, the counts and how many first runs
/// reached their failure.
fn slow_then_failing() -> (axum::Router, Arc<Counts>, Arc<AtomicUsize>) {
    let gate = Arc::new(Semaphore::new(0));
    let counts = Arc::new(Counts::default());
    let first_failed = Arc::new(AtomicUsize::new(0));
    let (handler_gate, handler_counts, failed) =
        (gate.clone(), counts.clone(), first_failed.clone());
    let receiver =
        Receiver::new(config()).on::<OrderShipped, _, _>(move |_: Delivery<OrderShipped>| {
            let (gate, counts, failed) =
                (handler_gate.clone(), handler_counts.clone(), failed.clone());
            async move {
                if counts.runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    let _permit = gate.acquire().await;
                    failed.fetch_add(1, Ordering::SeqCst);
                    return Err("the first handler failed after the sender gave up");
                }
                counts.handled.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        });
    let app = route(receiver).layer(middleware::from_fn(move |request: Request, next: Next| {
        let gate = gate.clone();
        async move {
            let response = next.run(request).await;
            if response.status() == StatusCode::CONFLICT {
                gate.add_permits(1);
            }
            response
        }
    }));
    (app, counts, first_failed)
}

/// What a reverse proxy that keeps the upstream request going after its client left does:
/// each request runs to its end on its own task, whatever the connection does.
fn behind_a_proxy(app: axum::Router) -> axum::Router {
    axum::Router::new().fallback(move |request: Request| {
        let app = app.clone();
        async move { tokio::spawn(app.oneshot(request)).await.unwrap() }
    })
}

#[tokio::test]
async fn a_first_handler_that_outlives_the_timeout_and_fails_is_handled_exactly_once() {
    // Attempt 1: the handler starts and waits; the sender gives up after 150 ms, but the
    // proxy keeps the handler running. Attempt 2: the message is in flight: 409, after
    // which the first handler fails. Later attempts: the message runs again and is handled.
    let (app, counts, first_failed) = slow_then_failing();
    let (url, _) = serve(behind_a_proxy(app)).await;
    let report = sender(SECRET, 50, ms(5), ms(150))
        .send(&url, &shipped())
        .await
        .unwrap();
    assert_eq!(
        report.outcome,
        Outcome::Delivered,
        "{:?}",
        statuses(&report)
    );
    let first = &report.attempts[0];
    assert_eq!(first.verdict, Verdict::NoResponse);
    assert_eq!(first.error.as_ref().unwrap().kind, ErrorKind::Timeout);
    assert_eq!(report.attempts[1].status, Some(StatusCode::CONFLICT));
    assert_eq!(report.last_attempt().unwrap().status, Some(StatusCode::OK));
    assert_eq!(
        first_failed.load(Ordering::SeqCst),
        1,
        "the first handler failed"
    );
    assert_eq!((counts.runs(), counts.handled()), (2, 1));
}

#[tokio::test]
async fn a_first_handler_cancelled_with_its_connection_is_handled_exactly_once() {
    // Served directly, the first handler is dropped when the sender gives up and closes the
    // connection; its claim is released, and a retry handles the message once.
    let (app, counts, first_failed) = slow_then_failing();
    let (url, _) = serve(app).await;
    let report = sender(SECRET, 50, ms(5), ms(150))
        .send(&url, &shipped())
        .await
        .unwrap();
    assert_eq!(
        report.outcome,
        Outcome::Delivered,
        "{:?}",
        statuses(&report)
    );
    assert_eq!(
        report.attempts[0].error.as_ref().unwrap().kind,
        ErrorKind::Timeout
    );
    assert_eq!(report.last_attempt().unwrap().status, Some(StatusCode::OK));
    assert_eq!(
        first_failed.load(Ordering::SeqCst),
        0,
        "cancelled, not failed"
    );
    assert_eq!((counts.runs(), counts.handled()), (2, 1));
}
