//! Two `shop receive` processes sharing one duplicate store handle each delivery once between
//! them.
//!
//! Each test starts the real binary twice (`--port 0`, the address read from the first stderr
//! line) with the same `--dedup` URL, then sends 50 signed deliveries, each 4 times at once (2
//! copies to each replica), all 200 requests in flight together. A copy that finds the
//! delivery in flight on the other replica gets `409`, and is sent again as a sender would;
//! every request must end `200`, and the two processes' stdout together must name every
//! delivery exactly once with its event type. SQLite always runs; PostgreSQL (own schema) and
//! Redis (own key prefix) run when `HOOKWIRE_TEST_POSTGRES_URL` / `HOOKWIRE_TEST_REDIS_URL`
//! are set, and say they were skipped otherwise. The stores' rows or keys are counted too, so
//! the URL's schema and prefix were really used; each test deletes what it created.
//!
//! The same runs with a shared durable inbox (`--inbox`: SQLite, PostgreSQL, Redis): every
//! request is answered `200` once stored, and the replicas' inbox workers handle each
//! delivery once between them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookwire::signature::{Scheme, StandardWebhooks};
use hookwire::{Events, Timestamp};
use hookwire_example_shop::{OrderShipped, ShopEvent};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DELIVERIES: usize = 50;
/// Copies of each delivery sent to each replica, all at once.
const COPIES_PER_REPLICA: usize = 2;
/// Sends of one copy before the test gives up on a delivery that stays in flight.
const MAX_SENDS: usize = 1_000;

/// A name no other test run uses: the process id and the time.
fn unique(stem: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{stem}_{}_{nanos}", std::process::id())
}

/// `shop receive` running; killed when dropped (a failing test leaves no process behind).
struct Replica {
    child: Child,
    /// `http://127.0.0.1:P/`.
    url: String,
    /// Stdout's lines so far.
    stdout: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<Vec<String>>>,
}

impl Replica {
    /// Starts the binary with `store` (`--dedup URL` or `--inbox URL`) and waits for the
    /// stderr line naming its address.
    fn start(store: [&str; 2]) -> Replica {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shop"))
            .args(["receive", "--port", "0", "--secret", SECRET])
            .args(store)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("`shop receive` starts");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
        let mut first = String::new();
        let _ = stderr.read_line(&mut first);
        let url = first
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .map(str::to_owned);
        let lines = Arc::new(Mutex::new(Vec::new()));
        let read = Arc::clone(&lines);
        let mut replica = Replica {
            child,
            url: url.clone().unwrap_or_default(),
            stdout: lines,
            reader: Some(std::thread::spawn(move || {
                for line in stdout.lines().map_while(Result::ok) {
                    read.lock().expect("lines").push(line);
                }
            })),
            stderr: Some(std::thread::spawn(move || {
                stderr.lines().map_while(Result::ok).collect()
            })),
        };
        if url.is_none() {
            let _ = replica.child.kill();
            let _ = replica.child.wait();
            let rest = replica.stderr.take().map(|t| t.join().unwrap_or_default());
            panic!("`shop receive` named no address: {first}{rest:?}");
        }
        replica
    }

    /// Sends SIGTERM, waits for the exit and returns it with every stdout line.
    fn stop(&mut self) -> (ExitStatus, Vec<String>, Vec<String>) {
        let term = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(term.success(), "SIGTERM was not delivered");
        let status = self.child.wait().expect("`shop receive` exits");
        if let Some(reader) = self.reader.take() {
            reader.join().expect("stdout reader");
        }
        let stderr = self
            .stderr
            .take()
            .map_or_else(Vec::new, |t| t.join().expect("stderr reader"));
        (status, self.lines(), stderr)
    }

    /// Stdout's lines so far.
    fn lines(&self) -> Vec<String> {
        self.stdout.lock().expect("lines").clone()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Delivery `n`: its event type and signed body. Every fifth is a type the receiver does not
/// know, which it acknowledges (and reports) all the same.
fn delivery(n: usize) -> (&'static str, Vec<u8>) {
    if n % 5 == 4 {
        let body = format!(
            r#"{{"type":"refund.created","timestamp":"2024-05-01T12:00:00Z","data":{{"refund":{n}}}}}"#
        );
        return ("refund.created", body.into_bytes());
    }
    let mut shipped = OrderShipped::example();
    shipped.order_id = format!("{}", 10_000 + n);
    let body = ShopEvent::OrderShipped(shipped)
        .to_envelope(Timestamp::now())
        .expect("the envelope serializes");
    ("order.shipped", body)
}

/// POSTs one copy, sending it again while the answer is `409` (in flight on another request);
/// returns the final status and how many `409`s came before it.
async fn send(
    client: reqwest::Client,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
) -> (u16, usize) {
    for conflicts in 0..MAX_SENDS {
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone());
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let status = match request.send().await {
            Ok(response) => response.status().as_u16(),
            Err(error) => panic!("POST {url} failed: {error}"),
        };
        if status != 409 {
            return (status, conflicts);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (409, MAX_SENDS)
}

/// What two replicas did with the deliveries.
struct Outcome {
    /// Each delivery's id and event type, as sent.
    sent: HashMap<String, &'static str>,
    /// Each delivery id's event type, once per stdout line that named it.
    handled: HashMap<String, Vec<String>>,
    /// The requests that did not end `200`, with their status.
    failed: Vec<(String, u16)>,
    /// How many deliveries each replica handled.
    per_replica: Vec<usize>,
    /// How many `409`s were answered (and sent again) in all.
    conflicts: usize,
}

/// Runs two replicas on `store` (`["--dedup", URL]` or `["--inbox", URL]`), sends every
/// delivery 4 times at once (2 copies to each), waits for `handled` stdout lines in all, stops
/// them with SIGTERM and reads their stdout.
async fn run_two_replicas(store: [&str; 2], handled: usize) -> Outcome {
    let mut replicas = [Replica::start(store), Replica::start(store)];
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let scheme = StandardWebhooks::new(SECRET).expect("secret");
    let run = unique("msg");
    let mut sent = HashMap::new();
    let mut sends = tokio::task::JoinSet::new();
    for n in 0..DELIVERIES {
        let id = format!("{run}_{n}");
        let (event_type, body) = delivery(n);
        let headers: Vec<(&'static str, String)> = scheme
            .sign(&id, Timestamp::now(), &body)
            .expect("signs")
            .into_iter()
            .collect();
        for copy in 0..2 * COPIES_PER_REPLICA {
            let url = replicas[copy % 2].url.clone();
            let (id, headers, body) = (id.clone(), headers.clone(), body.clone());
            let client = client.clone();
            sends.spawn(async move { (id, send(client, url, headers, body).await) });
        }
        sent.insert(id, event_type);
    }
    let (mut failed, mut conflicts) = (Vec::new(), 0);
    while let Some(result) = sends.join_next().await {
        let (id, (status, retried)) = result.expect("a send task");
        conflicts += retried;
        if status != 200 {
            failed.push((id, status));
        }
    }

    // With an inbox, handlers run after the 200s: wait for them (bounded, as a sender would
    // give up).
    for _ in 0..6_000 {
        if replicas.iter().map(|r| r.lines().len()).sum::<usize>() >= handled {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut handled = HashMap::<String, Vec<String>>::new();
    let mut per_replica = Vec::new();
    for replica in &mut replicas {
        let (status, stdout, stderr) = replica.stop();
        assert!(
            status.success(),
            "a replica exited with {status} on SIGTERM; stderr: {stderr:?}"
        );
        per_replica.push(stdout.len());
        for line in stdout {
            let value: hookwire::serde_json::Value = hookwire::serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout line `{line}` is not JSON: {e}"));
            let object = value.as_object().expect("a JSON object per line");
            assert_eq!(object.len(), 2, "only id and type: {line}");
            let (Some(id), Some(event_type)) = (object["id"].as_str(), object["type"].as_str())
            else {
                panic!("id and type must be strings: {line}");
            };
            handled
                .entry(id.to_owned())
                .or_default()
                .push(event_type.to_owned());
        }
    }
    Outcome {
        sent,
        handled,
        failed,
        per_replica,
        conflicts,
    }
}

/// Runs two replicas on `store` and checks that each delivery was handled exactly once.
async fn two_replicas_handle_each_delivery_once(store: [&str; 2]) {
    let outcome = run_two_replicas(store, DELIVERIES).await;
    assert!(
        outcome.failed.is_empty(),
        "requests that did not end 200: {:?}",
        outcome.failed
    );
    for (id, event_type) in &outcome.sent {
        assert_eq!(
            outcome.handled.get(id).map(Vec::as_slice),
            Some(&[(*event_type).to_owned()][..]),
            "delivery {id} must be handled exactly once (handled per replica: {:?})",
            outcome.per_replica
        );
    }
    assert_eq!(
        outcome.handled.len(),
        DELIVERIES,
        "no delivery beyond those sent: {:?}",
        outcome.handled
    );
    eprintln!(
        "{DELIVERIES} deliveries x {} copies: handled {:?} by the two replicas, {} answers 409 sent again",
        2 * COPIES_PER_REPLICA,
        outcome.per_replica,
        outcome.conflicts
    );
}

/// Runs `scenario` as a task, then `cleanup` whatever happened, then fails as the task did.
async fn with_cleanup(
    scenario: impl std::future::Future<Output = ()> + Send + 'static,
    cleanup: impl std::future::Future<Output = ()>,
) {
    let outcome = tokio::spawn(scenario).await;
    cleanup.await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the scenario did not finish: {error}"),
        }
    }
}

/// The check sees duplicates: replicas with a store each (`memory`) both handle every delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_with_a_store_each_both_handle_every_delivery() {
    let outcome = run_two_replicas(["--dedup", "memory"], 2 * DELIVERIES).await;
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert_eq!(outcome.per_replica, [DELIVERIES, DELIVERIES]);
    for (id, event_type) in &outcome.sent {
        assert_eq!(
            outcome.handled.get(id).map(Vec::as_slice),
            Some(&[(*event_type).to_owned(), (*event_type).to_owned()][..]),
            "{id}: once per replica"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_sqlite_file() {
    let path = std::env::temp_dir().join(format!("{}.db", unique("hookwire-shop-replicas")));
    let url = format!("sqlite://{}", path.display());
    let counted = url.clone();
    with_cleanup(
        async move {
            two_replicas_handle_each_delivery_once(["--dedup", &url]).await;
            let pool = sqlx::SqlitePool::connect(&url)
                .await
                .expect("the file opens");
            let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hw_dedup WHERE done = 1")
                .fetch_one(&pool)
                .await
                .expect("hw_dedup is there");
            assert_eq!(
                done, DELIVERIES as i64,
                "{counted}: one done row per delivery"
            );
            pool.close().await;
        },
        async {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_schema() {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
        eprintln!("skipped: HOOKWIRE_TEST_POSTGRES_URL is not set");
        return;
    };
    let schema = unique("hw_shop_replicas");
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("PostgreSQL is reachable");
    // The name is made here from digits and underscores.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("the schema is created");
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
    let (pool, table) = (admin.clone(), format!("{schema}.hw_dedup"));
    with_cleanup(
        async move {
            two_replicas_handle_each_delivery_once(["--dedup", &url]).await;
            let done: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {table} WHERE done"
            )))
            .fetch_one(&pool)
            .await
            .expect("hw_dedup is in the test's schema");
            assert_eq!(done, DELIVERIES as i64, "one done row per delivery");
        },
        async {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await
                .expect("the schema is dropped");
            admin.close().await;
        },
    )
    .await;
}

/// The keys under `prefix`.
async fn redis_keys(
    connection: &mut redis::aio::MultiplexedConnection,
    prefix: &str,
) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cursor = 0_u64;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(1_000)
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_redis_prefix() {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_REDIS_URL") else {
        eprintln!("skipped: HOOKWIRE_TEST_REDIS_URL is not set");
        return;
    };
    let prefix = format!("{}:", unique("hw-shop-replicas"));
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}prefix={prefix}");
    let client = redis::Client::open(base.as_str()).expect("a Redis URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("Redis is reachable");
    let (mut counting, scanned) = (connection.clone(), prefix.clone());
    with_cleanup(
        async move {
            two_replicas_handle_each_delivery_once(["--dedup", &url]).await;
            let keys = redis_keys(&mut counting, &scanned).await;
            assert_eq!(
                keys.len(),
                DELIVERIES,
                "one key per delivery under {scanned}"
            );
        },
        async {
            let keys = redis_keys(&mut connection, &prefix).await;
            if !keys.is_empty() {
                let _: usize = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut connection)
                    .await
                    .expect("DEL");
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_sqlite_inbox() {
    let path = std::env::temp_dir().join(format!("{}.db", unique("hookwire-shop-inbox")));
    let url = format!("sqlite://{}", path.display());
    with_cleanup(
        async move { two_replicas_handle_each_delivery_once(["--inbox", &url]).await },
        async {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_inbox() {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
        eprintln!("skipped: HOOKWIRE_TEST_POSTGRES_URL is not set");
        return;
    };
    let schema = unique("hw_shop_inbox");
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("PostgreSQL is reachable");
    // The name is made here from digits and underscores.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("the schema is created");
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
    with_cleanup(
        async move { two_replicas_handle_each_delivery_once(["--inbox", &url]).await },
        async {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await
                .expect("the schema is dropped");
            admin.close().await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_redis_inbox() {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_REDIS_URL") else {
        eprintln!("skipped: HOOKWIRE_TEST_REDIS_URL is not set");
        return;
    };
    let prefix = format!("{}:", unique("hw-shop-inbox"));
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}prefix={prefix}");
    let client = redis::Client::open(base.as_str()).expect("a Redis URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("Redis is reachable");
    let (mut counting, scanned) = (connection.clone(), prefix.clone());
    with_cleanup(
        async move {
            two_replicas_handle_each_delivery_once(["--inbox", &url]).await;
            let keys = redis_keys(&mut counting, &scanned).await;
            assert!(!keys.is_empty(), "the inbox keeps its keys under {scanned}");
        },
        async {
            let keys = redis_keys(&mut connection, &prefix).await;
            if !keys.is_empty() {
                let _: usize = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut connection)
                    .await
                    .expect("DEL");
            }
        },
    )
    .await;
}
