//! The circuit breaker through the real worker, on both backends, against a loopback endpoint.
//!
//! - A healthy endpoint drains 2,000 deliveries (16 in flight): the baseline.
//! - A flaky endpoint fails the first attempt of about 30% of the same 2,000 deliveries, at
//!   random (its retries succeed). The breaker must not pause it: every delivery arrives once
//!   the first retry step (1 s here, through the policy) has passed, and the endpoint's
//!   `paused_until` is never set. The test prints the flaky drain beside the healthy one and
//!   beside their budget (the healthy drain plus the first retry step).
//! - An endpoint that fails every attempt is paused by the breaker, and while it is paused no
//!   new attempt reaches it.

use crate::outbox_support::stores;

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher as _, RandomState};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hookwire::outbox::Worker;
use hookwire::outbox::{EndpointId, NewEndpoint, OutboxStore, Policy, RawEvent};
use hookwire::retry::RetryPolicy;
use tokio::sync::Notify;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const EVENTS: usize = 2_000;
const IN_FLIGHT: u32 = 16;
/// The first retry step, short so the test runs in seconds.
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// How long the test waits for a drain at most: an upper bound only (the drain takes 1 to 3 s
/// on a quiet machine; a test run in parallel with the whole workspace on 2 cores can take
/// several times that). A stuck breaker pauses for a minute, past this.
const PATIENCE: Duration = Duration::from_secs(40);

/// What the endpoint does with a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// `204` to everything.
    Healthy,
    /// `500` to the first attempt of about `percent`% of the webhook-ids (chosen at random),
    /// `204` to every other request.
    FailFirst { percent: u64 },
    /// `500` to everything.
    Down,
}

#[derive(Default)]
struct Log {
    requests: usize,
    attempts: HashMap<String, usize>,
    delivered: HashSet<String>,
    failed_first: usize,
    last_request: Option<Instant>,
}

struct Inner {
    behaviour: Behaviour,
    random: RandomState,
    log: Mutex<Log>,
    changed: Notify,
}

#[derive(Clone)]
struct Endpoint {
    url: String,
    inner: Arc<Inner>,
}

async fn answer(State(inner): State<Arc<Inner>>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut log = inner.log.lock().unwrap();
    log.requests += 1;
    log.last_request = Some(Instant::now());
    let seen = log.attempts.entry(id.clone()).or_insert(0);
    *seen += 1;
    let first = *seen == 1;
    let fail = match inner.behaviour {
        Behaviour::Healthy => false,
        Behaviour::FailFirst { percent } => first && inner.random.hash_one(&id) % 100 < percent,
        Behaviour::Down => true,
    };
    if fail {
        if first {
            log.failed_first += 1;
        }
    } else {
        log.delivered.insert(id);
    }
    drop(log);
    inner.changed.notify_waiters();
    if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

impl Endpoint {
    async fn start(behaviour: Behaviour) -> Endpoint {
        let inner = Arc::new(Inner {
            behaviour,
            random: RandomState::new(),
            log: Mutex::default(),
            changed: Notify::new(),
        });
        let app = Router::new()
            .route("/hook", post(answer))
            .with_state(Arc::clone(&inner));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Endpoint { url, inner }
    }

    fn delivered(&self) -> usize {
        self.inner.log.lock().unwrap().delivered.len()
    }

    fn requests(&self) -> usize {
        self.inner.log.lock().unwrap().requests
    }

    fn failed_first(&self) -> usize {
        self.inner.log.lock().unwrap().failed_first
    }

    fn last_request(&self) -> Option<Instant> {
        self.inner.log.lock().unwrap().last_request
    }

    /// Waits until `n` distinct deliveries succeeded, or `limit` passed; returns whether they did.
    async fn wait_for_delivered(&self, n: usize, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.delivered() >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.delivered() >= n;
            }
        }
    }
}

/// Adds an endpoint at `url` and publishes [`EVENTS`] events to it; returns its id and when
/// the last publish committed.
async fn publish<S: OutboxStore>(store: &S, url: &str, events: usize) -> (EndpointId, Instant) {
    let id = store
        .add_endpoint(
            &NewEndpoint::new(url, SECRET)
                .allow_private(true)
                .max_in_flight(IN_FLIGHT),
        )
        .await
        .unwrap();
    let events: Vec<RawEvent> = (0..events)
        .map(|seq| RawEvent::new("order.created", serde_json::json!({ "seq": seq })).unwrap())
        .collect();
    for batch in events.chunks(500) {
        store.publish_raw(batch).await.unwrap();
    }
    (id, Instant::now())
}

/// A running worker with 16 attempts in flight, stopped by the sender.
fn start_worker<S: OutboxStore + 'static>(
    store: &Arc<S>,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<hookwire::outbox::WorkerReport>,
) {
    let worker = Worker::builder(Arc::clone(store))
        .concurrency(IN_FLIGHT as usize)
        .timeout(Duration::from_secs(5))
        .poll_interval(Duration::from_millis(20))
        .grace(Duration::from_millis(100))
        .build()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        worker
            .run_until(async move {
                let _ = stopped.await;
            })
            .await
    });
    (stop, running)
}

/// The policy of every run: the default breaker, a short retry schedule.
fn policy() -> Policy {
    Policy::default().retry(RetryPolicy::new(vec![FIRST_RETRY; 7]))
}

/// How long `endpoint` took to receive every delivery after the last publish.
async fn drain<S: OutboxStore + 'static>(
    store: S,
    behaviour: Behaviour,
) -> (Duration, Endpoint, Arc<S>, EndpointId) {
    let endpoint = Endpoint::start(behaviour).await;
    let store = Arc::new(store);
    let (id, published) = publish(&*store, &endpoint.url, EVENTS).await;
    let (stop, running) = start_worker(&store);
    let all = endpoint.wait_for_delivered(EVENTS, PATIENCE).await;
    let took = published.elapsed();
    stop.send(()).unwrap();
    let report = running.await.unwrap();
    assert!(
        all,
        "{} of {EVENTS} deliveries arrived within {PATIENCE:?} ({} requests, {report:?}, \
         endpoint {:?})",
        endpoint.delivered(),
        endpoint.requests(),
        store.endpoint(id).await.unwrap()
    );
    (took, endpoint, store, id)
}

async fn breaker_judges_health<S: OutboxStore + 'static, G>(
    backend: &str,
    open: impl AsyncFn(Policy) -> Option<(S, G)>,
) {
    let Some((healthy_store, _healthy_guard)) = open(policy()).await else {
        return;
    };
    let (healthy, _, _, _) = drain(healthy_store, Behaviour::Healthy).await;

    let Some((flaky_store, _flaky_guard)) = open(policy()).await else {
        return;
    };
    let (flaky, endpoint, store, id) =
        drain(flaky_store, Behaviour::FailFirst { percent: 30 }).await;
    let budget = FIRST_RETRY + healthy;
    eprintln!(
        "breaker ({backend}): {EVENTS} deliveries, 16 in flight: healthy endpoint drained in {healthy:?}; \
         endpoint failing the first attempt of {} of them drained in {flaky:?} ({} requests); \
         budget (first retry step + healthy drain) {budget:?}",
        endpoint.failed_first(),
        endpoint.requests(),
    );
    let state = store.endpoint(id).await.unwrap().unwrap();
    assert_eq!(
        state.paused_until, 0,
        "the breaker paused an endpoint answering about 70% of first attempts: {state:?}"
    );
    assert_eq!(state.disabled, None);
    assert!(
        endpoint.failed_first() > EVENTS / 5,
        "the endpoint failed {} first attempts",
        endpoint.failed_first()
    );

    // An endpoint failing every attempt is paused, and left alone while paused.
    let Some((down_store, _down_guard)) = open(policy()).await else {
        return;
    };
    let endpoint = Endpoint::start(Behaviour::Down).await;
    let store = Arc::new(down_store);
    let (id, _) = publish(&*store, &endpoint.url, 400).await;
    let (stop, running) = start_worker(&store);
    let started = Instant::now();
    let mut paused = None;
    while started.elapsed() < PATIENCE {
        let state = store.endpoint(id).await.unwrap().unwrap();
        if state.paused_until > store.now() {
            paused = Some((state, started.elapsed()));
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let Some((state, paused_after)) = paused else {
        panic!(
            "an endpoint failing every attempt was not paused: {} requests, {:?}",
            endpoint.requests(),
            store.endpoint(id).await.unwrap()
        );
    };
    // Attempts in flight when it opened come back; after that, nothing while paused.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let at_open = endpoint.requests();
    let quiet_from = Instant::now();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    stop.send(()).unwrap();
    running.await.unwrap();
    eprintln!(
        "breaker ({backend}): endpoint failing every attempt paused after {paused_after:?} and \
         {at_open} attempts (paused until {}, now {})",
        state.paused_until,
        store.now()
    );
    assert_eq!(
        endpoint.requests(),
        at_open,
        "no attempt while paused (last request {:?} after the quiet period began)",
        endpoint
            .last_request()
            .map(|at| at.saturating_duration_since(quiet_from))
    );
    assert!(state.paused_until > store.now());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaker_spares_a_down_endpoint_but_not_a_flaky_one_on_sqlite() {
    breaker_judges_health("SQLite", async |policy: Policy| {
        Some((stores::sqlite().await.with_policy(policy), ()))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaker_spares_a_down_endpoint_but_not_a_flaky_one_on_postgres() {
    breaker_judges_health("PostgreSQL", async |policy: Policy| {
        let (store, guard) = stores::postgres_guarded("breaker").await?;
        Some((store.with_policy(policy), guard))
    })
    .await;
    assert_eq!(
        stores::postgres_schemas_left("breaker").await,
        0,
        "the test's PostgreSQL schemas are dropped"
    );
}
