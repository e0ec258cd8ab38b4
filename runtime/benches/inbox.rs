//! Time to acknowledge: how long a sender waits for `200` from a receiver that runs its
//! handler before answering, against one that stores the delivery in an inbox (memory, SQLite,
//! PostgreSQL, Redis) and answers at once. The handler takes 20 ms (a typical database write
//! and an API call); the baseline is the same receiver with an instant handler. Requests go
//! through the whole receiver (verification, dedup or inbox, routing) in process, so the
//! numbers are the receiver's own, without a network.
//!
//! SQLite is measured at its default `synchronous = FULL` (every acknowledged push synced to
//! disk, so it survives a power loss) and at `NORMAL` (survives a crash of the process; the last
//! pushes may roll back on a power loss): the price of durability on this disk.
//!
//! `cargo bench -p hookwire --bench inbox` (PostgreSQL and Redis rows need
//! `HOOKWIRE_TEST_POSTGRES_URL` / `HOOKWIRE_TEST_REDIS_URL`; skipped without them).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use hookwire::inbox::InboxStore;
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::signature::{Scheme, StandardWebhooks};
use hookwire::{Event, Timestamp};
use serde::Deserialize;
use tower::ServiceExt;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const REQUESTS: u64 = 400;
const IN_FLIGHT: u64 = 16;
const ROUNDS: usize = 3;
const WORK: Duration = Duration::from_millis(20);

#[derive(Deserialize, Event)]
#[hookwire(event = "order.created")]
struct OrderCreated {
    #[allow(dead_code)]
    order_id: String,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

fn request(scheme: &StandardWebhooks) -> Request<Body> {
    let id = format!(
        "msg_bench_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let body =
        br#"{"type":"order.created","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"o_1"}}"#;
    let headers = scheme.sign(&id, Timestamp::now(), body).expect("sign");
    let mut request = Request::post("/")
        .body(Body::from(&body[..]))
        .expect("request");
    for (name, value) in headers.iter() {
        request
            .headers_mut()
            .insert(name, value.parse().expect("header value"));
    }
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("header"));
    request
}

fn receiver(work: Duration) -> Receiver {
    let scheme = StandardWebhooks::new(SECRET).expect("secret");
    Receiver::new(WebhookConfig::new(scheme)).on(move |_: Delivery<OrderCreated>| async move {
        // `sleep(0)` would still wait for the timer's next millisecond tick.
        if !work.is_zero() {
            tokio::time::sleep(work).await;
        }
    })
}

/// Median and 99th percentile time to `200`, one request at a time, and requests per second
/// with `IN_FLIGHT` at once.
async fn measure(app: &Router) -> (Duration, Duration, f64) {
    let scheme = StandardWebhooks::new(SECRET).expect("secret");
    let mut times = Vec::with_capacity(REQUESTS as usize);
    for _ in 0..REQUESTS / 4 {
        let request = request(&scheme);
        let start = Instant::now();
        let response = app.clone().oneshot(request).await.expect("response");
        times.push(start.elapsed());
        assert_eq!(response.status(), StatusCode::OK);
    }
    times.sort();
    let (p50, p99) = (times[times.len() / 2], times[times.len() * 99 / 100]);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..IN_FLIGHT {
        let app = app.clone();
        let scheme = scheme.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..REQUESTS / IN_FLIGHT {
                let response = app
                    .clone()
                    .oneshot(request(&scheme))
                    .await
                    .expect("response");
                assert_eq!(response.status(), StatusCode::OK);
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    (p50, p99, REQUESTS as f64 / start.elapsed().as_secs_f64())
}

async fn stores() -> Vec<(&'static str, Arc<dyn InboxStore>)> {
    let mut stores = vec![(
        "inbox: memory",
        hookwire::open::inbox("memory").await.expect("memory"),
    )];
    // The default (`synchronous = FULL`: every acknowledged push survives a power loss) and
    // `NORMAL` (survives a crash of the process only), each in its own file.
    for (name, file, query) in [
        ("inbox: sqlite, synchronous=full", "full", ""),
        (
            "inbox: sqlite, synchronous=normal",
            "normal",
            "?synchronous=normal",
        ),
    ] {
        let path = std::env::temp_dir().join(format!(
            "hookwire-inbox-bench-{file}-{}.db",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let sqlite = hookwire::open::inbox(&format!("sqlite://{}{query}", path.display())).await;
        stores.push((name, sqlite.expect("sqlite")));
    }
    for (name, variable) in [
        ("inbox: postgres", "HOOKWIRE_TEST_POSTGRES_URL"),
        ("inbox: redis", "HOOKWIRE_TEST_REDIS_URL"),
    ] {
        match std::env::var(variable) {
            Ok(url) => stores.push((name, hookwire::open::inbox(&url).await.expect(name))),
            Err(_) => eprintln!("{name}: skipped, {variable} is not set"),
        }
    }
    stores
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let queue = format!("bench-{}", std::process::id());
    let mut rows: Vec<(String, Router)> = vec![
        (
            "handler first, instant".into(),
            receiver(Duration::ZERO).into_router(),
        ),
        (
            format!("handler first, {} ms", WORK.as_millis()),
            receiver(WORK).into_router(),
        ),
    ];
    for (name, store) in stores().await {
        // The handler runs later, in workers this benchmark does not start: only the
        // acknowledgement is measured.
        let app = receiver(WORK).inbox(store, queue.clone()).into_router();
        rows.push((name.to_owned(), app));
    }
    let mut best = vec![(Duration::MAX, Duration::MAX, 0.0_f64); rows.len()];
    for _ in 0..ROUNDS {
        for (index, (_, app)) in rows.iter().enumerate() {
            let (p50, p99, rate) = measure(app).await;
            best[index] = (
                best[index].0.min(p50),
                best[index].1.min(p99),
                best[index].2.max(rate),
            );
        }
    }
    let base = best[0].0.as_secs_f64();
    let slow = best[1].0.as_secs_f64();
    println!("time to 200 (best of {ROUNDS} rounds; {IN_FLIGHT} in flight for the rate)");
    println!(
        "| receiver | p50 µs | × instant handler | faster than a {} ms handler | p99 µs | requests/s |",
        WORK.as_millis()
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for ((name, _), (p50, p99, rate)) in rows.iter().zip(&best) {
        println!(
            "| {name} | {:.0} | {:.1}× | {:.0}× | {:.0} | {rate:.0} |",
            p50.as_secs_f64() * 1e6,
            p50.as_secs_f64() / base,
            slow / p50.as_secs_f64(),
            p99.as_secs_f64() * 1e6,
        );
    }
}
