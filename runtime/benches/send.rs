//! Webhook deliveries per second to a loopback axum receiver (a handler answering 204):
//! hookwire's sender against a plain reqwest loop POSTing the same pre-signed bytes, both with
//! 16 requests in flight. Run with `cargo bench -p hookwire --bench send`.
//!
//! hookwire's side does everything a real delivery does: make the `Message` (URL, id), sign
//! with a fresh timestamp, POST, read the response, classify it and build the report. The
//! plain side only POSTs bytes signed once, before the clock starts, and reads the response.
//!
//! The receiver runs on its own single-threaded runtime; the senders share a two-worker
//! runtime. After criterion's groups, a ratio is printed from a separate `Instant`-based
//! measurement in one run on one machine: 15 interleaved rounds of 3,000 deliveries each,
//! alternating which side goes first. It prints the ratio of each side's best round and the
//! median of the 15 per-round ratios. Set `SEND_PROFILE=hookwire` (or `plain`) to run only
//! 100,000 deliveries of one side, for a profiler.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use hookwire::sender::{Message, Sender};
use hookwire::signature::{Scheme, StandardWebhooks};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const CONCURRENCY: u64 = 16;
const ROUND: u64 = 3_000;
const ROUNDS: u32 = 15;
const BODY: &[u8] = br#"{"type":"order.shipped","timestamp":"2024-05-01T12:00:00Z","data":{"order_id":"ord_98765","status":"shipped","total":"99.99","items":[{"sku":"SKU-1","quantity":2}]}}"#;

/// Starts the receiver on its own thread and returns its URL.
fn receiver() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let url = format!("http://{}/webhooks", listener.local_addr().expect("addr"));
            tx.send(url).expect("send url");
            let app = axum::Router::new().route(
                "/webhooks",
                axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }),
            );
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("receiver url")
}

struct Bench {
    runtime: tokio::runtime::Runtime,
    url: String,
    sender: Sender,
    client: reqwest::Client,
    headers: http::HeaderMap,
}

impl Bench {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let url = receiver();
        let scheme = StandardWebhooks::new(SECRET).expect("secret");
        let now = hookwire::clock::Clock::now(&hookwire::clock::SystemClock);
        let mut headers: http::HeaderMap =
            scheme.sign("msg_bench", now, BODY).expect("sign").into();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        let sender = Sender::builder(scheme)
            .max_in_flight(usize::try_from(CONCURRENCY).expect("fits"))
            .build()
            .expect("sender");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            runtime,
            url,
            sender,
            client,
            headers,
        }
    }

    /// Time for `count` deliveries through hookwire, 16 at a time.
    fn hookwire(&self, count: u64) -> Duration {
        self.runtime.block_on(async {
            let next = Arc::new(AtomicU64::new(0));
            let start = Instant::now();
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (sender, url, next) = (self.sender.clone(), self.url.clone(), next.clone());
                    tokio::spawn(async move {
                        while next.fetch_add(1, Ordering::Relaxed) < count {
                            let message =
                                Message::new(&url, "order.shipped", BODY).expect("message");
                            let report = sender.deliver(message).await;
                            assert!(report.is_delivered(), "{:?}", report.outcome);
                            black_box(report);
                        }
                    })
                })
                .collect();
            for worker in workers {
                worker.await.expect("worker");
            }
            start.elapsed()
        })
    }

    /// Time for `count` POSTs of the pre-signed bytes with plain reqwest, 16 at a time.
    fn plain(&self, count: u64) -> Duration {
        self.runtime.block_on(async {
            let next = Arc::new(AtomicU64::new(0));
            let start = Instant::now();
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (client, url, next) = (self.client.clone(), self.url.clone(), next.clone());
                    let headers = self.headers.clone();
                    tokio::spawn(async move {
                        while next.fetch_add(1, Ordering::Relaxed) < count {
                            let mut response = client
                                .post(&url)
                                .headers(headers.clone())
                                .body(BODY)
                                .timeout(Duration::from_secs(15))
                                .send()
                                .await
                                .expect("response");
                            assert!(response.status().is_success());
                            while let Some(chunk) = response.chunk().await.expect("body") {
                                black_box(chunk);
                            }
                        }
                    })
                })
                .collect();
            for worker in workers {
                worker.await.expect("worker");
            }
            start.elapsed()
        })
    }
}

fn criterion_groups(c: &mut Criterion, bench: &Bench) {
    let mut group = c.benchmark_group("send_16_in_flight");
    group.throughput(Throughput::Elements(1));
    group.bench_function("hookwire", |b| b.iter_custom(|n| bench.hookwire(n)));
    group.bench_function("plain_reqwest", |b| b.iter_custom(|n| bench.plain(n)));
    group.finish();
}

fn ratio(bench: &Bench) {
    // Warm both clients' connection pools.
    bench.hookwire(500);
    bench.plain(500);
    let per = |d: Duration| d.as_nanos() as f64 / ROUND as f64;
    let mut best = [f64::INFINITY; 2];
    let mut ratios = Vec::new();
    for round in 0..ROUNDS {
        // Alternate which side goes first, so neither always runs on a warmer machine.
        let (h, p) = if round % 2 == 0 {
            let h = bench.hookwire(ROUND);
            (h, bench.plain(ROUND))
        } else {
            let p = bench.plain(ROUND);
            (bench.hookwire(ROUND), p)
        };
        let (h, p) = (per(h), per(p));
        best = [best[0].min(h), best[1].min(p)];
        ratios.push(h / p);
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let [hookwire, plain] = best;
    println!();
    println!(
        "send, {CONCURRENCY} in flight, {}-byte body, {ROUNDS} interleaved rounds of {ROUND}",
        BODY.len()
    );
    println!(
        "{:>14} {:>14} | {:>14} {:>14} | {:>16} | {:>22}",
        "hookwire us",
        "deliveries/s",
        "plain us",
        "requests/s",
        "hookwire/plain",
        "median round ratio"
    );
    println!(
        "{:>14.1} {:>14.0} | {:>14.1} {:>14.0} | {:>15.3}x | {:>21.3}x",
        hookwire / 1e3,
        1e9 / hookwire,
        plain / 1e3,
        1e9 / plain,
        hookwire / plain,
        median
    );
    println!("(times: best round of each side) goal: hookwire/plain <= 1.10x");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let test_mode = args.iter().any(|a| a == "--test" || a == "--list");
    let bench = Bench::new();
    if let Ok(side) = std::env::var("SEND_PROFILE") {
        let t = if side == "plain" {
            bench.plain(100_000)
        } else {
            bench.hookwire(100_000)
        };
        println!("{side}: {:?} per delivery", t / 100_000);
        return;
    }
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .configure_from_args();
    criterion_groups(&mut criterion, &bench);
    criterion.final_summary();
    if !test_mode {
        ratio(&bench);
    }
}
