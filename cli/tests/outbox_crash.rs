//! The crash test: `hookwire worker` processes are SIGKILLed again and again while deliveries
//! run against a loopback receiver, then restarted. Every delivery arrives; the only
//! duplicates are deliveries in flight at a kill, each with the one `webhook-id` its delivery
//! has, so a receiver's duplicate store absorbs them.
//!
//! With ordering keys on (`--jsonl` lines with `ordering_key`), the same kills never reorder a
//! key: each key's events first arrive in publish order, and a repeat is always of the one that
//! was in flight.
//!
//! Leases are short here (`--timeout 1 --lease 2`), so a killed worker's deliveries come back
//! within seconds; in production they come back within 45 s.

use crate::support;

use crate::outbox_receiver as receiver;
use crate::outbox_stores as stores;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use receiver::Receiver;
use support::{run, run_stdin};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Attempts in flight per worker: the most a kill can leave unrecorded.
const CONCURRENCY: usize = 16;
/// Workers running at once.
const WORKERS: usize = 2;

/// One soak: how many deliveries, over how many ordering keys (none: unordered), how many
/// SIGKILLs.
#[derive(Clone, Copy)]
struct Soak {
    deliveries: usize,
    keys: Option<usize>,
    kills: usize,
}

/// Unordered: 1500 deliveries, 8 kills.
const UNORDERED: Soak = Soak {
    deliveries: 1500,
    keys: None,
    kills: 8,
};

/// Ordered: 600 deliveries over 20 keys (each key's 30 go one at a time), 6 kills.
const ORDERED: Soak = Soak {
    deliveries: 600,
    keys: Some(20),
    kills: 6,
};

fn spawn_worker(db: &str) -> Child {
    let concurrency = CONCURRENCY.to_string();
    Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(["worker", "--db", db, "--concurrency", &concurrency])
        .args(["--timeout", "1", "--lease", "2", "--poll-ms", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hookwire worker")
}

fn stats(db: &str) -> serde_json::Value {
    let out = run(&["outbox", "stats", "--db", db, "--json"]).expect(0);
    serde_json::from_str(&out.stdout).expect("stats JSON")
}

/// Stops a worker with SIGTERM (graceful) and waits for it.
fn terminate(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Each key's arrivals (`seq % keys`): every new event is the next of its key in publish
/// order, and every repeat is of the last new one (the delivery that was in flight).
fn assert_in_order(seen: &[receiver::Seen], keys: usize) {
    let mut last: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    let keys = keys as u64;
    for s in seen {
        let Some(seq) = s.seq else { continue };
        let key = seq % keys;
        match last.get(&key).copied() {
            Some(previous) if previous == seq => {}
            previous => {
                let expected = previous.map_or(key, |p| p + keys);
                assert_eq!(
                    seq, expected,
                    "key {key}: event {seq} arrived after {previous:?}, expected {expected}"
                );
                last.insert(key, seq);
            }
        }
    }
}

async fn crash_run(db: &str, soak: Soak) {
    let Soak {
        deliveries,
        keys,
        kills,
    } = soak;
    let receiver = Receiver::start(Duration::from_millis(3)).await;
    let added = run(&[
        "endpoint",
        "add",
        "--db",
        db,
        "--url",
        &receiver.ok("crash"),
        "--secret",
        SECRET,
        "--allow-private",
        "--max-in-flight",
        "64",
    ])
    .expect(0);
    assert!(
        added.stdout.trim().parse::<i64>().is_ok(),
        "{}",
        added.stdout
    );

    let lines: String = (0..deliveries)
        .map(|seq| match keys {
            None => format!("{{\"type\":\"order.created\",\"data\":{{\"seq\":{seq}}}}}\n"),
            Some(keys) => format!(
                "{{\"type\":\"order.created\",\"data\":{{\"seq\":{seq}}},\"ordering_key\":\"k{}\"}}\n",
                seq % keys
            ),
        })
        .collect();
    let published = run_stdin(&["publish", "--db", db, "--jsonl"], lines.as_bytes()).expect(0);
    assert_eq!(published.stdout.lines().count(), deliveries);

    let mut workers: Vec<Child> = (0..WORKERS).map(|_| spawn_worker(db)).collect();
    for kill in 0..kills {
        tokio::time::sleep(Duration::from_millis(250 + 60 * (kill as u64 % 3))).await;
        let slot = kill % WORKERS;
        // `Child::kill` is SIGKILL on Unix: no shutdown code runs.
        workers[slot].kill().expect("SIGKILL");
        workers[slot].wait().expect("reap");
        workers[slot] = spawn_worker(db);
    }

    let arrived = receiver
        .wait_for_unique(deliveries, Duration::from_secs(60))
        .await;
    // Every delivery recorded as delivered (the last duplicates' results included).
    let mut last = stats(db);
    for _ in 0..100 {
        if last["states"]["delivered"] == deliveries {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        last = stats(db);
    }
    for worker in workers {
        terminate(worker);
    }

    let by_id = receiver.by_id();
    assert!(
        arrived,
        "{} of {deliveries} deliveries arrived",
        by_id.len()
    );
    assert_eq!(by_id.len(), deliveries, "one webhook-id per delivery");
    let seen = receiver.seen();
    assert!(seen.iter().all(|s| s.signed && s.id.starts_with("evt_")));
    let mut seqs: Vec<u64> = seen.iter().filter_map(|s| s.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), deliveries, "every event arrived");
    // A repeated webhook-id always carried the same event: the delivery's id is fixed.
    let mut seq_of = std::collections::HashMap::new();
    for s in &seen {
        assert_eq!(
            *seq_of.entry(s.id.clone()).or_insert(s.seq),
            s.seq,
            "{}",
            s.id
        );
    }
    if let Some(keys) = keys {
        assert_in_order(&seen, keys);
    }
    let duplicates = seen.len() - deliveries;
    assert!(
        duplicates <= kills * CONCURRENCY,
        "{duplicates} duplicates after {kills} kills of workers holding at most {CONCURRENCY} each"
    );
    assert_eq!(last["states"]["delivered"], deliveries, "{last}");
    assert_eq!(last["states"]["pending"], 0, "{last}");
    assert_eq!(last["states"]["in_flight"], 0, "{last}");
    eprintln!(
        "crash test: {deliveries} deliveries, keys {keys:?}, {kills} SIGKILLs, {duplicates} duplicates (same webhook-id)"
    );
}

fn temp_db() -> (std::path::PathBuf, String) {
    support::temp_db("crash")
}

/// One soak on a fresh SQLite file.
async fn on_sqlite(soak: Soak) {
    let (dir, db) = temp_db();
    crash_run(&db, soak).await;
    let _ = std::fs::remove_dir_all(dir);
}

/// One soak in a fresh PostgreSQL schema (skipped without `HOOKWIRE_TEST_POSTGRES_URL`).
async fn on_postgres(schema: &str, soak: Soak) {
    let Some(db) = stores::postgres_schema(schema).await else {
        return;
    };
    let _schema = stores::PgSchemaGuard::new(&db);
    crash_run(&db, soak).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_lose_nothing_on_sqlite() {
    on_sqlite(UNORDERED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_never_reorder_a_key_on_sqlite() {
    on_sqlite(ORDERED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_lose_nothing_on_postgres() {
    on_postgres("crash", UNORDERED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_never_reorder_a_key_on_postgres() {
    on_postgres("crash_ordered", ORDERED).await;
}
