//! The inbox loses nothing when its process is killed: a receiver process (this test binary
//! run again as `crash_child`) acknowledges deliveries once stored and runs slow handlers in
//! its workers; the test SIGKILLs it again and again while a sender keeps sending (retrying
//! until `200`, as senders do), then lets the last one finish. Every acknowledged delivery's
//! handler succeeded, and the inbox recorded each success once. On SQLite always, and on
//! PostgreSQL and Redis when `HOOKWIRE_TEST_POSTGRES_URL` / `HOOKWIRE_TEST_REDIS_URL` are set.

mod receiver_support;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookwire::inbox::InboxStats;
use receiver_support::Kind;

const DELIVERIES: usize = 400;
const QUEUE: &str = "crash";

/// Run by the parent test in a child process: the receiver, until killed.
#[test]
#[ignore = "run by the crash tests in a child process"]
fn crash_child() {
    let (Ok(url), Ok(log)) = (
        std::env::var("HOOKWIRE_CRASH_INBOX"),
        std::env::var("HOOKWIRE_CRASH_LOG"),
    ) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(child(url, log));
}

async fn child(url: String, log: String) {
    use hookwire::receiver::{Delivery, Receiver, WebhookConfig};
    let store = hookwire::inbox::open(&url).await.unwrap();
    let log = Arc::new(Mutex::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap(),
    ));
    let config = WebhookConfig::from_arc(Kind::Standard.scheme());
    let receiver: Receiver = Receiver::new(config)
        .on(move |delivery: Delivery<receiver_support::Ping>| {
            let log = Arc::clone(&log);
            async move {
                // A handler that takes a while, so kills land mid-handler.
                tokio::time::sleep(Duration::from_millis(u64::from(delivery.event.n % 7) + 3))
                    .await;
                let mut log = log.lock().unwrap();
                writeln!(log, "{}", delivery.id.unwrap()).unwrap();
                log.flush().unwrap();
            }
        })
        .inbox(store, QUEUE);
    let worker = receiver
        .inbox_worker(())
        .concurrency(8)
        .lease(Duration::from_secs(2))
        .poll_interval(Duration::from_millis(50));
    tokio::spawn(worker.run(std::future::pending()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    // The port, for the parent: written whole, then renamed into place.
    let port_file = std::env::var("HOOKWIRE_CRASH_PORT_FILE").unwrap();
    let partial = format!("{port_file}.partial");
    std::fs::write(&partial, listener.local_addr().unwrap().port().to_string()).unwrap();
    std::fs::rename(partial, port_file).unwrap();
    axum::serve(listener, receiver.into_router()).await.unwrap();
}

/// A running receiver process and its port.
struct Replica {
    child: Child,
    port: u16,
}

impl Replica {
    fn start(url: &str, log: &std::path::Path) -> Replica {
        let port_file = log.with_extension("port");
        let _ = std::fs::remove_file(&port_file);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash_child", "--exact", "--ignored", "--test-threads=1"])
            .env("HOOKWIRE_CRASH_INBOX", url)
            .env("HOOKWIRE_CRASH_LOG", log)
            .env("HOOKWIRE_CRASH_PORT_FILE", &port_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..600 {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|text| text.trim().parse().ok())
            {
                return Replica { child, port };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the receiver process exited before listening: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("the receiver process did not listen within 30 s");
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends every delivery until it is acknowledged, while the receiver is killed and restarted
/// every 150 ms for the first `kills` rounds; then waits until the inbox has handled them all.
async fn crash(url: &str, test: &str, kills: usize) {
    let dir = std::env::temp_dir().join(format!(
        "hookwire-inbox-crash-{test}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("handled.log");
    let _ = std::fs::remove_file(&log);

    let replica = Arc::new(Mutex::new(Replica::start(url, &log)));
    let port = Arc::new(Mutex::new(replica.lock().unwrap().port));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut senders = Vec::new();
    for lane in 0..8 {
        let (client, port) = (client.clone(), Arc::clone(&port));
        senders.push(tokio::spawn(async move {
            for n in (lane..DELIVERIES).step_by(8) {
                let id = format!("msg_{n}");
                let body = Kind::Standard.body(&id, "test.ping", &serde_json::json!({ "n": n }));
                loop {
                    // Signed now: the child verifies with the system clock (its leases must
                    // run out in real time).
                    let now = hookwire::Timestamp::now().unix_seconds();
                    let headers = Kind::Standard.headers(&id, "test.ping", &body, now);
                    let url = format!("http://127.0.0.1:{}/", *port.lock().unwrap());
                    let sent = client
                        .post(url)
                        .headers(headers)
                        .body(body.clone())
                        .send()
                        .await;
                    if sent.is_ok_and(|r| r.status() == 200) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }));
    }
    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let mut current = replica.lock().unwrap();
        let _ = current.child.kill();
        let _ = current.child.wait();
        *current = Replica::start(url, &log);
        *port.lock().unwrap() = current.port;
    }
    for sender in senders {
        sender.await.unwrap();
    }

    // Every delivery was acknowledged; the last replica runs what is left.
    let store = hookwire::inbox::open(url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut stats = InboxStats::default();
    while Instant::now() < deadline {
        stats = store.stats(QUEUE).await.unwrap();
        if stats.done == DELIVERIES as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(replica);
    assert_eq!(
        stats,
        InboxStats {
            done: DELIVERIES as u64,
            ..InboxStats::default()
        },
        "every acknowledged delivery is handled, each success recorded once"
    );
    let mut runs: HashMap<String, usize> = HashMap::new();
    for line in std::fs::read_to_string(&log).unwrap().lines() {
        *runs.entry(line.to_owned()).or_default() += 1;
    }
    for n in 0..DELIVERIES {
        assert!(
            runs.contains_key(&format!("msg_{n}")),
            "msg_{n}'s handler never succeeded"
        );
    }
    let extra: usize = runs.values().map(|count| count - 1).sum();
    eprintln!(
        "{test}: {DELIVERIES} deliveries, {kills} kills: all handled; {extra} handler runs repeated after a kill"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_inbox_survives_kills() {
    let path = std::env::temp_dir().join(format!("hookwire-inbox-crash-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    crash(&format!("sqlite://{}", path.display()), "sqlite", 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_inbox_survives_kills() {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_POSTGRES_URL") else {
        eprintln!("postgres_inbox_survives_kills: skipped, HOOKWIRE_TEST_POSTGRES_URL is not set");
        return;
    };
    // A database of its own, dropped at the end.
    let name = format!("hw_inbox_crash_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    // One statement each: CREATE DATABASE cannot run in the implicit transaction of several.
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&admin)
            .await
            .unwrap();
    }
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("HOOKWIRE_TEST_POSTGRES_URL has no database: {base}"),
    };
    crash(&url, "postgres", 8).await;
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
        .execute(&admin)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_inbox_survives_kills() {
    let Ok(base) = std::env::var("HOOKWIRE_TEST_REDIS_URL") else {
        eprintln!("redis_inbox_survives_kills: skipped, HOOKWIRE_TEST_REDIS_URL is not set");
        return;
    };
    let prefix = format!("hookwire-test:inbox-crash:{}:", std::process::id());
    let separator = if base.contains('?') { '&' } else { '?' };
    crash(&format!("{base}{separator}prefix={prefix}"), "redis", 8).await;
    // The test's keys, and nothing else, go.
    let client = redis::Client::open(base).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut connection)
        .await
        .unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut connection)
            .await
            .unwrap();
    }
}
