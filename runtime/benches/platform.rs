//! The operator API's cost over the library: messages per second accepted by
//! `POST /api/v1/app/{app}/msg` (reqwest over loopback to the platform router, as a Svix client
//! sends them) beside `publish_raw` of the same messages in process, and messages per second
//! delivered end to end (accepted, claimed by a worker, POSTed to a loopback receiver that
//! answers `204`), on SQLite and (with `HOOKWIRE_TEST_POSTGRES_URL`) PostgreSQL. The ratios
//! are the HTTP layer's cost: JSON, authentication, idempotency keys, the router.
//!
//! `cargo bench -p hookwire --bench platform`. `HOOKWIRE_BENCH_MESSAGES` sets the messages per
//! run (default 2,000).

#[path = "../tests/outbox_support/receiver.rs"]
mod receiver;
#[path = "../tests/outbox_support/stores.rs"]
mod stores;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hookwire::outbox::{ApplicationStore, NewApplication, NewEndpoint, RawEvent, Worker};
use hookwire::platform::Platform;
use receiver::Receiver;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TOKEN: &str = "bench-operator-token-0001";
/// Requests (or publishes) in flight at once.
const CLIENTS: usize = 16;

fn messages() -> usize {
    std::env::var("HOOKWIRE_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// One application with one endpoint at `url`; its id.
async fn application<S: ApplicationStore>(
    store: &S,
    name: &str,
    url: String,
) -> hookwire::outbox::AppId {
    let app = store
        .add_application(&NewApplication::new(name))
        .await
        .unwrap()
        .id;
    let endpoint = NewEndpoint::new(url, SECRET)
        .app(app)
        .allow_private(true)
        .max_in_flight(256);
    store.add_endpoint(&endpoint).await.unwrap();
    app
}

/// Publishes `n` messages for `app` in process, `CLIENTS` at a time; messages per second.
async fn library<S: ApplicationStore + 'static>(
    store: &Arc<S>,
    app: hookwire::outbox::AppId,
    n: usize,
) -> f64 {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..CLIENTS {
        let store = Arc::clone(store);
        tasks.spawn(async move {
            for seq in (client..n).step_by(CLIENTS) {
                let message = RawEvent::message("invoice.paid", serde_json::json!({ "seq": seq }))
                    .unwrap()
                    .app(app);
                store.publish_raw(&[message]).await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// POSTs `n` messages to `base` for application `app`, `CLIENTS` at a time; messages per second.
async fn http(base: &str, app: &str, n: usize) -> f64 {
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/app/{app}/msg");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..CLIENTS {
        let (client, url) = (client.clone(), url.clone());
        tasks.spawn(async move {
            for seq in (worker..n).step_by(CLIENTS) {
                let body =
                    serde_json::json!({"eventType": "invoice.paid", "payload": {"seq": seq}});
                let answer = client
                    .post(&url)
                    .bearer_auth(TOKEN)
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    answer.status(),
                    202,
                    "{}",
                    answer.text().await.unwrap_or_default()
                );
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Serves the platform's router on 127.0.0.1; its base URL.
async fn serve<S: ApplicationStore + 'static>(store: Arc<S>) -> String {
    let platform = Platform::builder(store)
        .operator_token(TOKEN)
        .allow_private_endpoints(true)
        .build()
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = platform.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// The figures of one backend: accepted per second (library, HTTP) and delivered per second
/// end to end through HTTP.
async fn run<S: ApplicationStore + 'static>(
    store: S,
    receiver: &Receiver,
    name: &str,
    n: usize,
) -> [f64; 3] {
    let store = Arc::new(store);
    let quiet = application(&*store, "accepting", receiver.ok(&format!("{name}-accept"))).await;
    let base = serve(Arc::clone(&store)).await;
    // Accepting only: no worker runs, the deliveries wait.
    let in_process = library(&store, quiet, n).await;
    let over_http = http(&base, &hookwire::platform::app_id_of(quiet), n).await;

    // End to end: a worker delivers while the messages arrive over HTTP.
    let path = format!("{name}-e2e");
    let app = application(&*store, "delivering", receiver.ok(&path)).await;
    store.delete_application(quiet).await.unwrap();
    let worker = Worker::builder(Arc::clone(&store))
        .concurrency(64)
        .timeout(Duration::from_secs(10))
        .poll_interval(Duration::from_millis(20))
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
    let before = receiver.unique();
    let started = Instant::now();
    http(&base, &hookwire::platform::app_id_of(app), n).await;
    let arrived = receiver
        .wait_for_unique(before + n, Duration::from_secs(300))
        .await;
    let delivered = n as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    running.await.unwrap();
    assert!(
        arrived,
        "{name}: only {} of {n} delivered",
        receiver.unique() - before
    );
    [in_process, over_http, delivered]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let n = messages();
        let receiver = Receiver::start(Duration::ZERO).await;
        let mut rows = vec![(
            "SQLite",
            run(stores::sqlite().await, &receiver, "sqlite", n).await,
        )];
        if let Some(pg) = stores::postgres("bench_platform").await {
            rows.push(("PostgreSQL", run(pg, &receiver, "postgres", n).await));
        } else {
            println!("PostgreSQL skipped: HOOKWIRE_TEST_POSTGRES_URL is not set");
        }
        println!("\n{n} messages, {CLIENTS} clients at once; messages per second");
        println!(
            "{:<11} {:>14} {:>14} {:>9} {:>18}",
            "backend", "publish_raw", "POST /msg", "ratio", "delivered via API"
        );
        for (name, [library, http, delivered]) in rows {
            println!(
                "{name:<11} {library:>14.0} {http:>14.0} {:>8.2}x {delivered:>18.0}",
                http / library
            );
        }
    });
}
