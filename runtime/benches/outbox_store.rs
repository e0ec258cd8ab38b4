//! The outbox stores' own throughput, without HTTP: how many deliveries per second two
//! concurrent workers can claim (batches of 64) and record as delivered, on SQLite and on
//! PostgreSQL (when `HOOKWIRE_TEST_POSTGRES_URL` is set), and how fast events are published
//! (500 per transaction, one endpoint). The end-to-end benchmark with a loopback receiver is
//! `outbox` (the worker's); this one shows the store is not the bottleneck.
//!
//! Run with `cargo bench -p hookwire --bench outbox_store`.

use std::time::Instant;

use hookwire::outbox::{
    AttemptOutcome, AttemptResult, ClaimRequest, NewEndpoint, OutboxStore, RawEvent,
};
use hookwire::postgres::PgOutbox;
use hookwire::sqlite::{SqliteOutbox, SqliteStore};

const EVENTS: usize = 20_000;
const BATCH: u32 = 64;
const WORKERS: usize = 2;

async fn run<S: OutboxStore + Clone + 'static>(name: &str, store: S) -> (f64, f64) {
    store
        .add_endpoint(
            &NewEndpoint::new("http://127.0.0.1:9/", "whsec_c2VjcmV0")
                .allow_private(true)
                .max_in_flight(1_000),
        )
        .await
        .unwrap();
    let events: Vec<RawEvent> = (0..500)
        .map(|n| RawEvent::new("order.created", serde_json::json!({ "n": n })).unwrap())
        .collect();
    let started = Instant::now();
    for _ in 0..EVENTS / 500 {
        store.publish_raw(&events).await.unwrap();
    }
    let publish = EVENTS as f64 / started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..WORKERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = 0usize;
            loop {
                let claimed = store.claim(ClaimRequest::new(BATCH)).await.unwrap();
                if claimed.is_empty() {
                    break;
                }
                let results: Vec<AttemptResult> = claimed
                    .iter()
                    .map(|c| {
                        let ok = AttemptOutcome::Response {
                            status: 204,
                            retry_after: None,
                        };
                        AttemptResult::new(c.lease, ok)
                    })
                    .collect();
                done += store
                    .record(&results)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|r| r.is_done())
                    .count();
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    let delivered = total as f64 / started.elapsed().as_secs_f64();
    assert_eq!(total, EVENTS, "{name}: every delivery recorded once");
    println!(
        "{name:<13} publish {publish:>9.0} events/s   claim+record {delivered:>9.0} deliveries/s ({WORKERS} workers, batches of {BATCH})"
    );
    (publish, delivered)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("hookwire-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sqlite = SqliteOutbox::open(&format!("sqlite://{}", dir.join("outbox.db").display()))
            .await
            .unwrap();
        let (_, sqlite_rate) = run("sqlite", sqlite).await;
        // The outbox handed out by the database handle (`SqliteStore::open`, whose own default
        // is `synchronous = FULL` for the inbox): its claims and results commit at `NORMAL` as
        // above. Then the outbox on the handle's own pool, at `FULL` (what `outbox()` gave
        // before it took a pool of its own): the price of a sync per commit.
        let url = format!("sqlite://{}", dir.join("handle.db").display());
        let handle = SqliteStore::open(&url).await.unwrap();
        run("sqlite/handle", handle.outbox().await.unwrap()).await;
        let url = format!("sqlite://{}", dir.join("full.db").display());
        let full = SqliteStore::open(&url).await.unwrap();
        let full = SqliteOutbox::from_pool(full.pool().clone()).await.unwrap();
        run("sqlite/full", full).await;
        let _ = std::fs::remove_dir_all(&dir);

        let Ok(url) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
            println!("postgres   skipped: HOOKWIRE_TEST_POSTGRES_URL is not set");
            return;
        };
        let schema = format!("hwbench_{}", std::process::id());
        let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let postgres = PgOutbox::open_with(options.options([("search_path", schema.as_str())]))
            .await
            .unwrap();
        let (_, pg_rate) = run("postgres", postgres).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(&mut admin)
            .await
            .unwrap();
        println!(
            "ratio postgres/sqlite claim+record: {:.2}",
            pg_rate / sqlite_rate
        );
    });
}
