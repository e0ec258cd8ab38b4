//! The durable outbox beside the in-memory `Sender`, on the same machine and the same loopback
//! receiver (answering `204`):
//!
//! - deliveries per second from publish to the receiver: SQLite (one worker), PostgreSQL (two
//!   workers, each with its own connection pool, as two processes would have; when
//!   `HOOKWIRE_TEST_POSTGRES_URL` is set), and the in-memory `Sender`;
//! - the p95 time from publish to first attempt at a steady 200 events per second.
//!
//! `cargo bench -p hookwire --bench outbox`. `HOOKWIRE_BENCH_DELIVERIES` sets the number of
//! deliveries per throughput run (default 10,000), `HOOKWIRE_BENCH_SECONDS` the length of the
//! latency runs (default 5).

#[path = "../tests/outbox_support/receiver.rs"]
mod receiver;
#[path = "../tests/outbox_support/stores.rs"]
mod stores;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hookwire::outbox::Worker;
use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};
use hookwire::retry::RetryPolicy;
use hookwire::sender::Sender;
use hookwire::signature::StandardWebhooks;
use receiver::Receiver;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Events per publishing transaction in the throughput runs.
const BATCH: usize = 100;
/// Attempts in flight per worker (and in the in-memory sender).
const CONCURRENCY: usize = 64;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn events(from: usize, n: usize) -> Vec<RawEvent> {
    (from..from + n)
        .map(|seq| RawEvent::new("order.created", serde_json::json!({ "seq": seq })).unwrap())
        .collect()
}

/// The in-memory sender: `n` deliveries, `CONCURRENCY` at a time.
async fn memory(receiver: &Receiver, n: usize) -> f64 {
    let sender = Sender::builder(StandardWebhooks::new(SECRET).unwrap())
        .retry(RetryPolicy::never())
        .max_in_flight(CONCURRENCY)
        .build()
        .unwrap();
    let url = receiver.ok("memory");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for seq in 0..n {
        let sender = sender.clone();
        let url = url.clone();
        let body = format!(
            r#"{{"type":"order.created","timestamp":"2026-01-01T00:00:00Z","data":{{"seq":{seq}}}}}"#
        );
        tasks.spawn(async move { sender.send_bytes(&url, "order.created", body).await });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(done.unwrap().unwrap().is_delivered());
    }
    n as f64 / started.elapsed().as_secs_f64()
}

async fn endpoint<S: OutboxStore>(store: &S, url: String) {
    let endpoint = NewEndpoint::new(url, SECRET)
        .allow_private(true)
        .max_in_flight(u32::try_from(CONCURRENCY * 4).unwrap());
    store.add_endpoint(&endpoint).await.unwrap();
}

/// Runs one worker per store until `stop` completes.
fn start_workers<S: OutboxStore + 'static>(
    stores: &[Arc<S>],
) -> (
    tokio::sync::watch::Sender<bool>,
    Vec<tokio::task::JoinHandle<hookwire::outbox::WorkerReport>>,
) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let handles = stores
        .iter()
        .map(|store| {
            let worker = Worker::builder(Arc::clone(store))
                .concurrency(CONCURRENCY)
                .timeout(Duration::from_secs(10))
                .poll_interval(Duration::from_millis(20))
                .build()
                .unwrap();
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                worker
                    .run_until(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await
            })
        })
        .collect();
    (stop, handles)
}

/// Deliveries per second from the first publish to the last arrival, publishing in batches
/// while the workers deliver. The first store publishes; each store runs one worker.
async fn throughput<S: OutboxStore + 'static>(
    stores: Vec<S>,
    receiver: &Receiver,
    name: &str,
    n: usize,
) -> f64 {
    let stores: Vec<Arc<S>> = stores.into_iter().map(Arc::new).collect();
    endpoint(&*stores[0], receiver.ok(name)).await;
    let before = receiver.unique();
    let (stop, workers) = start_workers(&stores);
    let started = Instant::now();
    for from in (0..n).step_by(BATCH) {
        stores[0]
            .publish_raw(&events(from, BATCH.min(n - from)))
            .await
            .unwrap();
    }
    let arrived = receiver
        .wait_for_unique(before + n, Duration::from_secs(300))
        .await;
    let took = started.elapsed();
    stop.send_replace(true);
    for worker in workers {
        worker.await.unwrap();
    }
    assert!(
        arrived,
        "{name}: only {} of {n} arrived",
        receiver.unique() - before
    );
    n as f64 / took.as_secs_f64()
}

/// The p95 (and p50, max) from publish to first attempt, publishing one event every 5 ms.
async fn latency<S: OutboxStore + 'static>(
    store: S,
    receiver: &Receiver,
    name: &str,
    seconds: usize,
) -> (Duration, Duration, Duration) {
    let store = Arc::new(store);
    endpoint(&*store, receiver.ok(name)).await;
    let (stop, workers) = start_workers(std::slice::from_ref(&store));
    let n = seconds * 200;
    let mut published = HashMap::with_capacity(n);
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for seq in 0..n {
        tick.tick().await;
        let at = Instant::now();
        store.publish_raw(&events(seq, 1)).await.unwrap();
        published.insert(seq as u64, at);
    }
    let arrived = receiver
        .wait_until(Duration::from_secs(30), |seen, _| {
            seen.iter().filter(|s| s.path == name).count() >= n
        })
        .await;
    stop.send_replace(true);
    for worker in workers {
        worker.await.unwrap();
    }
    assert!(arrived, "{name}: not every event arrived");
    let mut first: HashMap<u64, Instant> = HashMap::new();
    for seen in receiver.seen().into_iter().filter(|s| s.path == name) {
        if let Some(seq) = seen.seq {
            first.entry(seq).or_insert(seen.at);
        }
    }
    let mut waits: Vec<Duration> = published
        .iter()
        .map(|(seq, at)| first[seq].saturating_duration_since(*at))
        .collect();
    waits.sort_unstable();
    let pick = |q: f64| waits[((waits.len() as f64 * q).ceil() as usize).min(waits.len()) - 1];
    (pick(0.5), pick(0.95), *waits.last().unwrap())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let n = env_number("HOOKWIRE_BENCH_DELIVERIES", 10_000);
        let seconds = env_number("HOOKWIRE_BENCH_SECONDS", 5);
        let receiver = Receiver::start(Duration::ZERO).await;

        let memory = memory(&receiver, n).await;
        println!("in-memory Sender       {memory:>9.0} deliveries/s  (1.00x)");

        let sqlite = throughput(vec![stores::sqlite().await], &receiver, "sqlite", n).await;
        println!(
            "SQLite, 1 worker       {sqlite:>9.0} deliveries/s  ({:.2}x the in-memory Sender)",
            sqlite / memory
        );
        if let Some(url) = stores::postgres_schema("bench").await {
            // Two workers with a pool each, as two processes would have.
            let stores = vec![
                stores::postgres_at(&url).await,
                stores::postgres_at(&url).await,
            ];
            let pg = throughput(stores, &receiver, "postgres", n).await;
            println!(
                "PostgreSQL, 2 workers  {pg:>9.0} deliveries/s  ({:.2}x the in-memory Sender, {:.2}x SQLite)",
                pg / memory,
                pg / sqlite
            );
            stores::drop_postgres_schema(&url).await;
        }

        let (p50, p95, max) =
            latency(stores::sqlite().await, &receiver, "sqlite-latency", seconds).await;
        println!(
            "SQLite publish -> first attempt at 200/s: p50 {p50:.1?}, p95 {p95:.1?}, max {max:.1?}"
        );
        if let Some(url) = stores::postgres_schema("latency").await {
            let store = stores::postgres_at(&url).await;
            let (p50, p95, max) = latency(store, &receiver, "postgres-latency", seconds).await;
            println!(
                "PostgreSQL publish -> first attempt at 200/s: p50 {p50:.1?}, p95 {p95:.1?}, max {max:.1?}"
            );
            stores::drop_postgres_schema(&url).await;
        }
    });
}
