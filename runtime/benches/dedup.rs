//! The duplicate stores side by side, against the in-memory store in the same run, one at a
//! time and with 32 deliveries in flight:
//!
//! - the store alone: a claim, then a complete, as the receiver does around the handler;
//! - the full receiver: a signed ~200-byte `order.shipped` (Standard Webhooks, a new delivery
//!   id per request, pre-signed before timing) driven through the axum `Receiver` with
//!   `tower::ServiceExt::oneshot`: verification, parsing, the claim, a handler, the complete.
//!
//! PostgreSQL and Redis rows need `HOOKWIRE_TEST_POSTGRES_URL` / `HOOKWIRE_TEST_REDIS_URL`
//! (skipped without them). Each run uses its own SQLite file, PostgreSQL schema and Redis key
//! prefix, and deletes them at the end.
//!
//! `cargo bench -p hookwire --bench dedup`

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use hookwire::clock::FixedClock;
use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup};
use hookwire::postgres::PgStore;
use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
use hookwire::redis::RedisStore;
use hookwire::signature::{Scheme, StandardWebhooks};
use hookwire::sqlite::SqliteStore;
use hookwire::{Event, Events, JsonSchema, Timestamp, schemars};
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

const ROUNDS: usize = 3;
const SEQUENTIAL: u64 = 1_000;
const CONCURRENT: u64 = 4_000;
const IN_FLIGHT: u64 = 32;

static NEXT: AtomicU64 = AtomicU64::new(0);

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The receiver's clock and the signatures' time.
const NOW: i64 = 1_700_000_000;

/// An order left the warehouse.
#[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
    status: String,
    total: String,
    items: Vec<LineItem>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct LineItem {
    product_id: String,
    quantity: u32,
    price: String,
}

#[derive(Debug, Events)]
enum ShopEvent {
    OrderShipped(OrderShipped),
}

async fn deliver(store: &dyn DedupStore, namespace: &str) {
    let key = DedupKey::new(
        namespace.to_owned(),
        format!("msg_{}", NEXT.fetch_add(1, Ordering::Relaxed)),
    );
    let now = Timestamp::now();
    let Ok(Claim::New(token)) = store.claim(&key, now, Duration::from_secs(60)).await else {
        panic!("a fresh id must be New");
    };
    store
        .complete(&key, token, now, Duration::from_secs(3_600))
        .await
        .expect("complete");
}

/// Microseconds per delivery, one after another; deliveries per second with 32 in flight.
async fn measure(store: Arc<dyn DedupStore>, namespace: &str) -> (f64, f64) {
    let start = Instant::now();
    for _ in 0..SEQUENTIAL {
        deliver(store.as_ref(), namespace).await;
    }
    let latency = start.elapsed().as_secs_f64() * 1e6 / SEQUENTIAL as f64;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..IN_FLIGHT {
        let store = Arc::clone(&store);
        let namespace = namespace.to_owned();
        tasks.push(tokio::spawn(async move {
            for _ in 0..CONCURRENT / IN_FLIGHT {
                deliver(store.as_ref(), &namespace).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let throughput = CONCURRENT as f64 / start.elapsed().as_secs_f64();
    (latency, throughput)
}

/// The shop's receiver on `store`: a handler for `order.shipped`, each id remembered a minute.
fn receiver(store: Arc<dyn DedupStore>, namespace: &str) -> Router {
    let scheme = StandardWebhooks::new(SECRET).expect("valid secret");
    let config = WebhookConfig::new(scheme)
        .clock(FixedClock::new(NOW))
        .dedup_arc(store)
        .dedup_namespace(namespace.to_owned())
        .dedup_ttl(Duration::from_secs(60));
    Receiver::new(config)
        .on::<OrderShipped, _, _>(|delivery: Delivery<OrderShipped>| async move {
            black_box(delivery);
        })
        .into_router()
}

/// `count` signed requests for `body`, each with a new delivery id.
fn signed(body: &[u8], count: u64) -> Vec<Request<Body>> {
    let scheme = StandardWebhooks::new(SECRET).expect("valid secret");
    (0..count)
        .map(|_| {
            let id = format!("msg_{}", NEXT.fetch_add(1, Ordering::Relaxed));
            let mut headers: HeaderMap = scheme
                .sign(&id, Timestamp::from_unix(NOW), body)
                .expect("signs")
                .into();
            headers.insert("content-type", HeaderValue::from_static("application/json"));
            let mut request = Request::post("/")
                .body(Body::from(body.to_vec()))
                .expect("a request");
            *request.headers_mut() = headers;
            request
        })
        .collect()
}

async fn receive(router: &Router, request: Request<Body>) {
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK, "every delivery is new");
}

/// As [`measure`], through the full receiver.
async fn measure_receiver(router: &Router, body: &[u8]) -> (f64, f64) {
    let requests = signed(body, SEQUENTIAL);
    let start = Instant::now();
    for request in requests {
        receive(router, request).await;
    }
    let latency = start.elapsed().as_secs_f64() * 1e6 / SEQUENTIAL as f64;
    let batches: Vec<Vec<Request<Body>>> = (0..IN_FLIGHT)
        .map(|_| signed(body, CONCURRENT / IN_FLIGHT))
        .collect();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for batch in batches {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            for request in batch {
                receive(&router, request).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let throughput = CONCURRENT as f64 / start.elapsed().as_secs_f64();
    (latency, throughput)
}

/// A table of `best` against its first row (the in-memory store).
fn table(title: &str, names: &[&str], best: &[(f64, f64)]) {
    let (memory_latency, memory_throughput) = best[0];
    println!("\n{title} (best of {ROUNDS} rounds)");
    println!(
        "| store | µs/delivery, one at a time | × memory | deliveries/s, {IN_FLIGHT} in flight | ÷ memory |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (name, (latency, throughput)) in names.iter().zip(best) {
        println!(
            "| {name} | {latency:.1} | {:.1}× | {throughput:.0} | {:.1}× |",
            latency / memory_latency,
            memory_throughput / throughput
        );
    }
}

/// The keys under `prefix` in Redis.
async fn redis_keys(connection: &mut redis::aio::ConnectionManager, prefix: &str) -> Vec<String> {
    let (mut keys, mut cursor) = (Vec::new(), 0_u64);
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(10_000)
            .query_async(connection)
            .await
            .expect("SCAN");
        keys.extend(batch);
        if next == 0 {
            return keys;
        }
        cursor = next;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let run = format!("bench_{}", std::process::id());
    let mut stores: Vec<(&str, Arc<dyn DedupStore>)> =
        vec![("memory", Arc::new(MemoryDedup::new().capacity(1_000_000)))];
    let path = std::env::temp_dir().join(format!("hookwire-dedup-{run}.db"));
    let _ = std::fs::remove_file(&path);
    let sqlite = SqliteStore::open(&format!("sqlite://{}?synchronous=normal", path.display()))
        .await
        .expect("sqlite");
    stores.push(("sqlite", Arc::new(sqlite.dedup())));
    // PostgreSQL in a schema of its own, dropped at the end.
    let mut postgres = None;
    match std::env::var("HOOKWIRE_TEST_POSTGRES_URL") {
        Ok(url) => {
            let admin = sqlx::PgPool::connect(&url).await.expect("postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {run}")))
                .execute(&admin)
                .await
                .expect("create schema");
            let separator = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{separator}options=-csearch_path%3D{run}");
            stores.push((
                "postgres",
                Arc::new(PgStore::open(&url).await.expect("postgres").dedup()),
            ));
            postgres = Some(admin);
        }
        Err(_) => eprintln!("postgres: skipped, HOOKWIRE_TEST_POSTGRES_URL is not set"),
    }
    // Redis under a prefix of its own, deleted at the end.
    let prefix = format!("hookwire-{run}:");
    let mut redis = None;
    match std::env::var("HOOKWIRE_TEST_REDIS_URL") {
        Ok(url) => {
            let db = RedisStore::open(&url).await.expect("redis");
            let store = db.dedup().prefix(prefix.clone());
            redis = Some(db.pool().clone());
            stores.push(("redis", Arc::new(store)));
        }
        Err(_) => eprintln!("redis: skipped, HOOKWIRE_TEST_REDIS_URL is not set"),
    }

    let body = ShopEvent::OrderShipped(OrderShipped {
        order_id: "ord_98765".into(),
        status: "shipped".into(),
        total: "99.99".into(),
        items: vec![LineItem {
            product_id: "prod_000001".into(),
            quantity: 2,
            price: "49.99".into(),
        }],
    })
    .to_envelope(Timestamp::from_unix(NOW))
    .expect("serializes");
    let routers: Vec<Router> = stores
        .iter()
        .map(|(_, store)| receiver(Arc::clone(store), &run))
        .collect();

    // Rounds interleaved store by store, so load from other processes hits them alike; the
    // best round of each counts.
    let mut alone = vec![(f64::INFINITY, 0.0_f64); stores.len()];
    let mut received = alone.clone();
    for _ in 0..ROUNDS {
        for (index, (_, store)) in stores.iter().enumerate() {
            let (latency, throughput) = measure(Arc::clone(store), &run).await;
            alone[index].0 = alone[index].0.min(latency);
            alone[index].1 = alone[index].1.max(throughput);
            let (latency, throughput) = measure_receiver(&routers[index], &body).await;
            received[index].0 = received[index].0.min(latency);
            received[index].1 = received[index].1.max(throughput);
        }
    }
    let names: Vec<&str> = stores.iter().map(|(name, _)| *name).collect();
    table(
        &format!(
            "receiving a signed {}-byte order.shipped through the full receiver",
            body.len()
        ),
        &names,
        &received,
    );
    table("the store alone: claim + complete", &names, &alone);

    drop((routers, stores));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if let Some(admin) = postgres {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {run} CASCADE")))
            .execute(&admin)
            .await
            .expect("drop schema");
    }
    if let Some(mut connection) = redis {
        for keys in redis_keys(&mut connection, &prefix).await.chunks(1_000) {
            let _: usize = redis::cmd("DEL")
                .arg(keys)
                .query_async(&mut connection)
                .await
                .expect("DEL");
        }
    }
}
