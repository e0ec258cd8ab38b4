//! The worker against a scripted store: what it signs and sends, what it records, the SSRF
//! guard, the bound on attempts in flight, and shutdown. The backends' behaviour (leases,
//! fencing, fairness) is covered by the conformance suite and the crash and fairness tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::BoxFuture;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use super::Worker;
use crate::outbox::{
    AttemptLog, AttemptOutcome, AttemptResult, ClaimRequest, Claimed, DeliveryId, DeliveryInfo,
    DeliveryQuery, DeliveryState, EndpointId, Lease, NewEndpoint, OutboxStats, OutboxStore, Policy,
    Purged, RawEvent, Recorded, Secrets, StoreError, Target, WebhookEndpoint,
};
use crate::signature::{Scheme, StandardWebhooks};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OLD_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Hands out the deliveries it was given and keeps what the worker records and releases.
#[derive(Default)]
struct Scripted {
    queue: Mutex<VecDeque<Claimed>>,
    recorded: Mutex<Vec<AttemptResult>>,
    released: Mutex<Vec<Lease>>,
    policy: Policy,
}

fn claimed(n: i64, url: &str, allow_private: bool) -> Claimed {
    Claimed {
        trace: None,
        lease: Lease {
            delivery: DeliveryId(n),
            token: 100 + n,
        },
        webhook_id: format!("msg_test{n}"),
        event_id: format!("evt_{n}"),
        event_type: "order.created".into(),
        payload: format!(
            r#"{{"type":"order.created","timestamp":"2026-01-01T00:00:00Z","data":{{"n":{n}}}}}"#
        ),
        attempt: 1,
        lease_until: 0,
        target: Target {
            id: EndpointId(1),
            url: url.to_owned(),
            secrets: Secrets::new([SECRET, OLD_SECRET]),
            allow_private,
            headers: std::collections::BTreeMap::from([("x-tenant".into(), "acme".into())]),
        },
    }
}

impl Scripted {
    fn with(deliveries: impl IntoIterator<Item = Claimed>) -> Arc<Self> {
        let store = Scripted::default();
        store.queue.lock().unwrap().extend(deliveries);
        Arc::new(store)
    }

    fn recorded(&self) -> Vec<AttemptResult> {
        self.recorded.lock().unwrap().clone()
    }
}

fn unused<T>() -> Result<T, StoreError> {
    Err(StoreError::invalid("operation", "not used by the worker"))
}

impl OutboxStore for Scripted {
    fn now(&self) -> i64 {
        // The signature's timestamp: the receiver checks it against its own clock.
        crate::clock::Clock::now(&crate::clock::SystemClock).unix_seconds()
    }
    fn policy(&self) -> &Policy {
        &self.policy
    }
    fn add_endpoint<'a>(
        &'a self,
        _: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<EndpointId, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn update_endpoint<'a>(
        &'a self,
        _: EndpointId,
        _: &'a NewEndpoint,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { unused() })
    }
    fn endpoint<'a>(
        &'a self,
        _: EndpointId,
    ) -> BoxFuture<'a, Result<Option<WebhookEndpoint>, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn endpoints<'a>(
        &'a self,
        _: Option<EndpointId>,
        _: u32,
    ) -> BoxFuture<'a, Result<Vec<WebhookEndpoint>, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn delete_endpoint<'a>(&'a self, _: EndpointId) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn set_enabled<'a>(&'a self, _: EndpointId, _: bool) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { unused() })
    }
    fn publish_raw<'a>(
        &'a self,
        _: &'a [RawEvent],
    ) -> BoxFuture<'a, Result<Vec<String>, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn claim<'a>(
        &'a self,
        request: ClaimRequest,
    ) -> BoxFuture<'a, Result<Vec<Claimed>, StoreError>> {
        Box::pin(async move {
            let mut queue = self.queue.lock().unwrap();
            let n = queue.len().min(request.limit as usize);
            Ok(queue.drain(..n).collect())
        })
    }
    fn record<'a>(
        &'a self,
        results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<Vec<Recorded>, StoreError>> {
        Box::pin(async move {
            self.recorded.lock().unwrap().extend_from_slice(results);
            Ok(results
                .iter()
                .map(|_| Recorded::Done {
                    state: DeliveryState::Delivered,
                    next_attempt_at: None,
                    endpoint_disabled: None,
                })
                .collect())
        })
    }
    fn release<'a>(&'a self, leases: &'a [Lease]) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            self.released.lock().unwrap().extend_from_slice(leases);
            Ok(leases.len() as u64)
        })
    }
    fn wait_for_work<'a>(&'a self, timeout: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            tokio::time::sleep(timeout).await;
        })
    }
    fn deliveries<'a>(
        &'a self,
        _: &'a DeliveryQuery,
    ) -> BoxFuture<'a, Result<Vec<DeliveryInfo>, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn attempts<'a>(&'a self, _: DeliveryId) -> BoxFuture<'a, Result<Vec<AttemptLog>, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn retry<'a>(&'a self, _: DeliveryId) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn recover<'a>(&'a self, _: EndpointId, _: i64) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn purge<'a>(&'a self, _: i64) -> BoxFuture<'a, Result<Purged, StoreError>> {
        Box::pin(async move { unused() })
    }
    fn stats<'a>(&'a self) -> BoxFuture<'a, Result<OutboxStats, StoreError>> {
        Box::pin(async move { unused() })
    }
}

/// A server on 127.0.0.1: `/ok` verifies the signature with the *old* secret (a receiver that
/// has not rotated yet) and answers 204, or 401; `/hang` never answers. Returns the base URL
/// and the ids that reached `/ok`.
async fn server() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let verifier = Arc::new(StandardWebhooks::new(OLD_SECRET).unwrap());
    let ok = {
        let seen = Arc::clone(&seen);
        move |headers: HeaderMap, body: Bytes| async move {
            let Ok(verified) = verifier.verify_now(&headers, &body) else {
                return StatusCode::UNAUTHORIZED;
            };
            seen.lock()
                .unwrap()
                .push(verified.id().unwrap_or_default().to_owned());
            StatusCode::NO_CONTENT
        }
    };
    let app = Router::new().route("/ok", post(ok)).route(
        "/hang",
        post(|| async {
            std::future::pending::<()>().await;
            StatusCode::NO_CONTENT
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

async fn run_for(
    store: &Arc<Scripted>,
    concurrency: usize,
    how_long: Duration,
) -> super::WorkerReport {
    Worker::builder(Arc::clone(store))
        .concurrency(concurrency)
        .timeout(Duration::from_secs(5))
        .poll_interval(Duration::from_millis(5))
        .grace(Duration::from_millis(50))
        .build()
        .unwrap()
        .run_until(tokio::time::sleep(how_long))
        .await
}

#[tokio::test]
async fn signs_with_every_secret_under_the_fixed_id_and_records_the_status() {
    let (base, seen) = server().await;
    let url = format!("{base}/ok");
    let store = Scripted::with((1..=3).map(|n| claimed(n, &url, true)));
    let report = run_for(&store, 2, Duration::from_millis(300)).await;

    let mut ids = seen.lock().unwrap().clone();
    ids.sort();
    assert_eq!(ids, ["msg_test1", "msg_test2", "msg_test3"]);
    let recorded = store.recorded();
    assert_eq!(recorded.len(), 3);
    for result in &recorded {
        assert_eq!(
            result.outcome,
            AttemptOutcome::Response {
                status: 204,
                retry_after: None
            }
        );
        assert_eq!(result.lease.token, 100 + result.lease.delivery.0);
    }
    assert_eq!(
        (report.claimed, report.attempts, report.delivered),
        (3, 3, 3)
    );
}

#[tokio::test]
async fn the_ssrf_guard_refuses_private_literals_and_names_that_resolve_to_them() {
    let (base, seen) = server().await;
    let port = base.rsplit(':').next().unwrap();
    let store = Scripted::with([
        claimed(1, &format!("{base}/ok"), false),
        claimed(2, &format!("http://localhost:{port}/ok"), false),
        claimed(3, "http://169.254.169.254/latest/meta-data/", false),
    ]);
    run_for(&store, 4, Duration::from_millis(300)).await;

    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing reached the server"
    );
    let mut recorded = store.recorded();
    recorded.sort_by_key(|r| r.lease.delivery);
    // An IP literal: refused before sending, and the delivery fails at once.
    assert_eq!(recorded[0].outcome, AttemptOutcome::Refused);
    assert!(
        recorded[0].excerpt.contains("loopback"),
        "{}",
        recorded[0].excerpt
    );
    // A name: refused when resolved (DNS can change, so it is retried on schedule).
    assert_eq!(recorded[1].outcome, AttemptOutcome::NoResponse);
    assert!(
        recorded[1]
            .excerpt
            .contains("refused to connect to localhost"),
        "{}",
        recorded[1].excerpt
    );
    assert_eq!(recorded[2].outcome, AttemptOutcome::Refused);
    assert!(
        recorded[2].excerpt.contains("cloud metadata"),
        "{}",
        recorded[2].excerpt
    );
}

#[tokio::test]
async fn holds_at_most_its_concurrency_and_releases_what_it_cut_off_at_shutdown() {
    let (base, _) = server().await;
    let url = format!("{base}/hang");
    let store = Scripted::with((1..=10).map(|n| claimed(n, &url, true)));
    let report = run_for(&store, 3, Duration::from_millis(200)).await;

    assert_eq!(report.claimed, 3, "{report:?}");
    assert_eq!(report.released, 3, "{report:?}");
    assert!(store.recorded().is_empty());
    assert_eq!(store.released.lock().unwrap().len(), 3);
    assert_eq!(
        store.queue.lock().unwrap().len(),
        7,
        "the rest were never claimed"
    );
}

#[tokio::test]
async fn an_unusable_secret_or_url_fails_the_delivery_without_sending() {
    let mut bad_secret = claimed(1, "http://127.0.0.1:9/ok", true);
    bad_secret.target.secrets = Secrets::new(["not-a-secret"]);
    let bad_url = claimed(2, "ftp://example.com/", true);
    let store = Scripted::with([bad_secret, bad_url]);
    run_for(&store, 2, Duration::from_millis(100)).await;

    let recorded = store.recorded();
    assert_eq!(recorded.len(), 2);
    assert!(
        recorded
            .iter()
            .all(|r| r.outcome == AttemptOutcome::Refused)
    );
    assert!(recorded.iter().all(|r| !r.excerpt.contains("not-a-secret")));
}

#[tokio::test]
async fn a_rotated_secret_signs_only_during_its_overlap() {
    let (base, seen) = server().await;
    let url = format!("{base}/ok");
    let now = crate::clock::Clock::now(&crate::clock::SystemClock).unix_seconds();
    let old = Secrets::new([OLD_SECRET]);
    let mut inside = claimed(1, &url, true);
    inside.target.secrets = old.rotate(SECRET, now, Duration::from_secs(3600));
    let mut after = claimed(2, &url, true);
    after.target.secrets = old.rotate(SECRET, now - 100, Duration::from_secs(50));
    let store = Scripted::with([inside, after]);
    run_for(&store, 2, Duration::from_millis(300)).await;

    // The receiver knows only the old secret: it accepts the delivery inside the overlap.
    assert_eq!(*seen.lock().unwrap(), ["msg_test1"]);
    let mut statuses: Vec<(i64, AttemptOutcome)> = store
        .recorded()
        .iter()
        .map(|r| (r.lease.delivery.0, r.outcome))
        .collect();
    statuses.sort_by_key(|(id, _)| *id);
    let status = |status| AttemptOutcome::Response {
        status,
        retry_after: None,
    };
    assert_eq!(statuses, [(1, status(204)), (2, status(401))]);
}

/// The `traceparent` and `tracestate` a request carried.
type TraceHeaders = (Option<String>, Option<String>);

/// With no OpenTelemetry layer giving the attempt's span a context (always so without `otel`),
/// the stored trace context is sent as is; a delivery without one sends no `traceparent`.
#[tokio::test]
async fn sends_the_stored_trace_context_as_is_without_a_layer() {
    let seen: Arc<Mutex<Vec<TraceHeaders>>> = Arc::default();
    let record = Arc::clone(&seen);
    let app = Router::new().route(
        "/",
        post(move |headers: HeaderMap| async move {
            let get = |name| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            record
                .lock()
                .unwrap()
                .push((get("traceparent"), get("tracestate")));
            StatusCode::NO_CONTENT
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let mut traced = claimed(1, &url, true);
    traced.trace = crate::trace::TraceContext::parse(parent, Some("congo=t61rcWkgMzE"));
    let store = Scripted::with([traced, claimed(2, &url, true)]);
    run_for(&store, 1, Duration::from_millis(300)).await;

    let seen = seen.lock().unwrap().clone();
    let expected = (
        Some(parent.to_owned()),
        Some("congo=t61rcWkgMzE".to_owned()),
    );
    assert_eq!(seen, [expected, (None, None)]);
}
