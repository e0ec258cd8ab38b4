//! The inbox loses nothing when its process is killed, and poison ends: a receiver process
//! (this test binary run again as `crash_child`) acknowledges deliveries once stored and runs
//! slow handlers in its workers; the test SIGKILLs it again and again while a sender keeps
//! sending (retrying until `200`, as senders do), and restarts it whenever it dies. Among the
//! deliveries are poison ones: handlers that abort the process every time, and handlers that
//! never return. Every other delivery's handler succeeded and the inbox recorded each success
//! once; each poison delivery is a dead letter after the 4 runs its schedule allows, saying
//! why. On SQLite always, and on PostgreSQL and Redis when `HOOKWIRE_TEST_POSTGRES_URL` /
//! `HOOKWIRE_TEST_REDIS_URL` are set.

use crate::receiver_support;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookwire::inbox::{InboxStats, gave_up};
use receiver_support::Kind;

const DELIVERIES: usize = 400;
const QUEUE: &str = "crash";
/// Poison deliveries: `n` from `ABORT` aborts the process, from `HANG` never returns.
const ABORT: u32 = 1_000_000;
const HANG: u32 = 2_000_000;
const POISON_EACH: u32 = 2;
/// Runs the child's schedule allows: the first and three retries.
const RUNS: u32 = 4;

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
    let store = hookwire::open::inbox(&url).await.unwrap();
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
                match delivery.event.n {
                    n if n >= HANG => std::future::pending::<()>().await,
                    n if n >= ABORT => std::process::abort(),
                    _ => {}
                }
                // A handler that takes a while, so kills land mid-handler.
                tokio::time::sleep(Duration::from_millis(u64::from(delivery.event.n % 7) + 3))
                    .await;
                let mut log = log.lock().unwrap();
                writeln!(log, "{}", delivery.id.unwrap()).unwrap();
                log.flush().unwrap();
            }
        })
        .inbox(store, QUEUE);
    // Handlers get 750 ms of each 1 s lease; 4 runs, a second apart.
    let delays = [Duration::from_millis(100); RUNS as usize - 1];
    let worker = receiver
        .inbox_worker(())
        .concurrency(8)
        .lease(Duration::from_secs(1))
        .retry(hookwire::retry::RetryPolicy::new(delays).jitter(0.0))
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
    /// A running replica: started again when a poison delivery aborts it before it listens.
    fn start(url: &str, log: &std::path::Path) -> Replica {
        for _ in 0..50 {
            if let Some(replica) = Replica::try_start(url, log) {
                return replica;
            }
        }
        panic!("the receiver process exited before listening 50 times in a row");
    }

    /// A replica, or `None` when it exited before listening.
    fn try_start(url: &str, log: &std::path::Path) -> Option<Replica> {
        let port_file = log.with_extension("port");
        let _ = std::fs::remove_file(&port_file);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "inbox_crash::crash_child",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
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
                return Some(Replica { child, port });
            }
            if let Ok(Some(_)) = child.try_wait() {
                return None;
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

/// Keeps one receiver process running: restarts it when it dies (a poison delivery aborts
/// it) and SIGKILLs it every 150 ms for the first `kills` rounds; stops when `stop` is set.
fn supervise(
    url: String,
    log: std::path::PathBuf,
    kills: usize,
    port: Arc<Mutex<u16>>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut replica = Replica::start(&url, &log);
        *port.lock().unwrap() = replica.port;
        let (mut killed, mut restarts) = (0, 0);
        let mut next_kill = Instant::now() + Duration::from_millis(150);
        while !stop.load(Ordering::SeqCst) {
            let kill = killed < kills && Instant::now() >= next_kill;
            if kill {
                let _ = replica.child.kill();
                killed += 1;
                next_kill = Instant::now() + Duration::from_millis(150);
            }
            if kill || matches!(replica.child.try_wait(), Ok(Some(_))) {
                let _ = replica.child.wait();
                replica = Replica::start(&url, &log);
                *port.lock().unwrap() = replica.port;
                restarts += 1;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        restarts
    })
}

/// Sends every delivery (and the poison ones) until it is acknowledged, while the receiver is
/// killed every 150 ms for the first `kills` rounds and restarted whenever it dies; then waits
/// until the inbox has handled all the good ones and given up on the poison ones.
async fn crash(url: &str, test: &str, kills: usize) {
    let started = Instant::now();
    let dir = std::env::temp_dir().join(format!(
        "hookwire-inbox-crash-{test}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("handled.log");
    let _ = std::fs::remove_file(&log);

    let (port, stop) = (
        Arc::new(Mutex::new(0_u16)),
        Arc::new(AtomicBool::new(false)),
    );
    let supervisor = supervise(
        url.to_owned(),
        log.clone(),
        kills,
        Arc::clone(&port),
        Arc::clone(&stop),
    );
    while *port.lock().unwrap() == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let poison: Vec<u32> = (0..POISON_EACH)
        .flat_map(|k| [ABORT + k, HANG + k])
        .collect();
    let mut senders = Vec::new();
    for lane in 0..8 {
        let (client, port) = (client.clone(), Arc::clone(&port));
        let mut ns: Vec<u32> = (lane..DELIVERIES as u32).step_by(8).collect();
        if let Some(&n) = poison.get(lane as usize) {
            // Early, among the first deliveries, so the others run beside it.
            ns.insert(1, n);
        }
        senders.push(tokio::spawn(async move {
            for n in ns {
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
    for sender in senders {
        sender.await.unwrap();
    }

    // Every delivery was acknowledged; the last replica runs what is left.
    let store = hookwire::open::inbox(url).await.unwrap();
    let want = InboxStats {
        done: DELIVERIES as u64,
        dead: poison.len() as u64,
        ..InboxStats::default()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut stats = InboxStats::default();
    while Instant::now() < deadline {
        stats = store.stats(QUEUE).await.unwrap();
        if stats == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::SeqCst);
    let restarts = supervisor.join().unwrap();
    let dead = store.dead(QUEUE, 100).await.unwrap();
    assert_eq!(
        stats, want,
        "every good delivery handled, each success recorded once; every poison one dead: {dead:?}"
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
    let mut dead_ids: Vec<&str> = dead.iter().map(|letter| letter.id.as_str()).collect();
    dead_ids.sort_unstable();
    let mut poison_ids: Vec<String> = poison.iter().map(|n| format!("msg_{n}")).collect();
    poison_ids.sort_unstable();
    assert_eq!(dead_ids, poison_ids, "only the poison deliveries are dead");
    for letter in &dead {
        assert_eq!(letter.attempts, RUNS, "{letter:?}");
        let n: u32 = letter.id["msg_".len()..].parse().unwrap();
        if n < HANG {
            assert_eq!(letter.error, gave_up(RUNS, true, ""), "{letter:?}");
        } else {
            assert!(
                letter.error.contains("time limit")
                    || letter.error.contains("without a recorded result"),
                "{letter:?}"
            );
        }
    }
    let extra: usize = runs.values().map(|count| count - 1).sum();
    eprintln!(
        "{test}: {DELIVERIES} deliveries and {} poison, {kills} kills, {restarts} restarts in {:.1} s: \
         all handled, the poison dead after {RUNS} runs; {extra} handler runs repeated after a kill",
        poison.len(),
        started.elapsed().as_secs_f64()
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
