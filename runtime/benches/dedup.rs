//! The duplicate stores side by side: what each adds to receiving one delivery (a claim, then
//! a complete, as the receiver does around the handler), one at a time and with 32 deliveries
//! in flight, against the in-memory store in the same run. PostgreSQL and Redis rows need
//! `HOOKWIRE_TEST_POSTGRES_URL` / `HOOKWIRE_TEST_REDIS_URL` (skipped without them).
//!
//! `cargo bench -p hookwire --bench dedup`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hookwire::Timestamp;
use hookwire::dedup::{Claim, DedupKey, DedupStore, MemoryDedup, PgDedup, RedisDedup, SqliteDedup};

const ROUNDS: usize = 3;
const SEQUENTIAL: u64 = 1_000;
const CONCURRENT: u64 = 4_000;
const IN_FLIGHT: u64 = 32;

static NEXT: AtomicU64 = AtomicU64::new(0);

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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let namespace = format!("bench-{}", std::process::id());
    let mut stores: Vec<(&str, Arc<dyn DedupStore>)> =
        vec![("memory", Arc::new(MemoryDedup::new().capacity(1_000_000)))];
    let path = std::env::temp_dir().join(format!("hookwire-dedup-bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let sqlite = SqliteDedup::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("sqlite");
    stores.push(("sqlite", Arc::new(sqlite)));
    match std::env::var("HOOKWIRE_TEST_POSTGRES_URL") {
        Ok(url) => stores.push((
            "postgres",
            Arc::new(PgDedup::connect(&url).await.expect("postgres")),
        )),
        Err(_) => eprintln!("postgres: skipped, HOOKWIRE_TEST_POSTGRES_URL is not set"),
    }
    match std::env::var("HOOKWIRE_TEST_REDIS_URL") {
        Ok(url) => {
            let store = RedisDedup::connect(&url)
                .await
                .expect("redis")
                .prefix("hookwire-bench:");
            stores.push(("redis", Arc::new(store)));
        }
        Err(_) => eprintln!("redis: skipped, HOOKWIRE_TEST_REDIS_URL is not set"),
    }

    // Rounds interleaved store by store, so load from other processes hits them alike; the
    // best round of each counts.
    let mut best = vec![(f64::INFINITY, 0.0_f64); stores.len()];
    for _ in 0..ROUNDS {
        for (index, (_, store)) in stores.iter().enumerate() {
            let (latency, throughput) = measure(Arc::clone(store), &namespace).await;
            best[index].0 = best[index].0.min(latency);
            best[index].1 = best[index].1.max(throughput);
        }
    }
    let (memory_latency, memory_throughput) = best[0];
    println!("claim + complete per delivery (best of {ROUNDS} rounds)");
    println!(
        "| store | µs/delivery, one at a time | × memory | deliveries/s, {IN_FLIGHT} in flight | ÷ memory |"
    );
    println!("|---|---:|---:|---:|---:|");
    for ((name, _), (latency, throughput)) in stores.iter().zip(&best) {
        println!(
            "| {name} | {latency:.1} | {:.0}× | {throughput:.0} | {:.0}× |",
            latency / memory_latency,
            memory_throughput / throughput
        );
    }
    let _ = std::fs::remove_file(&path);
}
