//! The crash test: `hookwire worker` processes are SIGKILLed again and again while deliveries
//! run against a loopback receiver, then restarted. Every delivery arrives; the only
//! duplicates are deliveries in flight at a kill, each with the one `webhook-id` its delivery
//! has, so a receiver's duplicate store absorbs them.
//!
//! Leases are short here (`--timeout 1 --lease 2`), so a killed worker's deliveries come back
//! within seconds; in production they come back within 45 s.

mod support;

#[path = "../../runtime/tests/outbox_support/receiver.rs"]
mod receiver;
#[path = "../../runtime/tests/outbox_support/stores.rs"]
mod stores;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use receiver::Receiver;
use support::{run, run_stdin};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Deliveries published.
const DELIVERIES: usize = 1500;
/// Attempts in flight per worker: the most a kill can leave unrecorded.
const CONCURRENCY: usize = 16;
/// Workers running at once.
const WORKERS: usize = 2;
/// SIGKILLs during the run.
const KILLS: usize = 8;

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

async fn crash_run(db: &str) {
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

    let lines: String = (0..DELIVERIES)
        .map(|seq| format!("{{\"type\":\"order.created\",\"data\":{{\"seq\":{seq}}}}}\n"))
        .collect();
    let published = run_stdin(&["publish", "--db", db, "--jsonl"], lines.as_bytes()).expect(0);
    assert_eq!(published.stdout.lines().count(), DELIVERIES);

    let mut workers: Vec<Child> = (0..WORKERS).map(|_| spawn_worker(db)).collect();
    for kill in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(250 + 60 * (kill as u64 % 3))).await;
        let slot = kill % WORKERS;
        // `Child::kill` is SIGKILL on Unix: no shutdown code runs.
        workers[slot].kill().expect("SIGKILL");
        workers[slot].wait().expect("reap");
        workers[slot] = spawn_worker(db);
    }

    let arrived = receiver
        .wait_for_unique(DELIVERIES, Duration::from_secs(40))
        .await;
    // Every delivery recorded as delivered (the last duplicates' results included).
    let mut last = stats(db);
    for _ in 0..100 {
        if last["states"]["delivered"] == DELIVERIES {
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
        "{} of {DELIVERIES} deliveries arrived",
        by_id.len()
    );
    assert_eq!(by_id.len(), DELIVERIES, "one webhook-id per delivery");
    let seen = receiver.seen();
    assert!(seen.iter().all(|s| s.signed && s.id.starts_with("evt_")));
    let mut seqs: Vec<u64> = seen.iter().filter_map(|s| s.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), DELIVERIES, "every event arrived");
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
    let duplicates = seen.len() - DELIVERIES;
    assert!(
        duplicates <= KILLS * CONCURRENCY,
        "{duplicates} duplicates after {KILLS} kills of workers holding at most {CONCURRENCY} each"
    );
    assert_eq!(last["states"]["delivered"], DELIVERIES, "{last}");
    assert_eq!(last["states"]["pending"], 0, "{last}");
    assert_eq!(last["states"]["in_flight"], 0, "{last}");
    eprintln!(
        "crash test: {DELIVERIES} deliveries, {KILLS} SIGKILLs, {duplicates} duplicates (same webhook-id)"
    );
}

fn temp_db() -> (std::path::PathBuf, String) {
    support::temp_db("crash")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_lose_nothing_on_sqlite() {
    let (dir, db) = temp_db();
    crash_run(&db).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_workers_lose_nothing_on_postgres() {
    let Some(db) = stores::postgres_schema("crash").await else {
        return;
    };
    let _schema = stores::PgSchemaGuard::new(&db);
    crash_run(&db).await;
}
