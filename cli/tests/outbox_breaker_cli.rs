//! An endpoint the circuit breaker paused, seen and released from the command line:
//! `endpoint list` and `outbox stats` show `paused until ...`; `outbox recover` and
//! `outbox retry` lift the pause and close the breaker, so their deliveries go out now.

use crate::support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{run, run_stdin};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn temp_db() -> (std::path::PathBuf, String) {
    support::temp_db("cli-breaker")
}

/// A loopback URL nothing listens on: every attempt is refused at once.
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hooks")
}

fn spawn_worker(db: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(["worker", "--db", db, "--concurrency", "16"])
        .args(["--timeout", "2", "--poll-ms", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hookwire worker")
}

/// Stops the worker with SIGTERM (graceful) and waits for it.
fn terminate(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn stats(db: &str) -> serde_json::Value {
    let out = run(&["outbox", "stats", "--db", db, "--json"]).expect(0);
    serde_json::from_str(&out.stdout).expect("stats JSON")
}

#[test]
fn a_paused_endpoint_is_shown_and_released_by_recover_and_retry() {
    let (dir, db) = temp_db();
    let url = refused_url();
    run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        &url,
        "--secret",
        SECRET,
        "--allow-private",
    ])
    .expect(0);
    let lines: String = (0..150)
        .map(|n| format!("{{\"type\": \"order.created\", \"data\": {{\"n\": {n}}}}}\n"))
        .collect();
    run_stdin(&["publish", "--db", &db, "--jsonl"], lines.as_bytes()).expect(0);

    // Every attempt is refused: once 100 are judged the breaker opens (1 min).
    let worker = spawn_worker(&db);
    let started = Instant::now();
    let mut listed = String::new();
    while started.elapsed() < Duration::from_secs(20) {
        listed = run(&["endpoint", "list", "--db", &db]).expect(0).stdout;
        if listed.contains("paused until") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    terminate(worker);
    let prefix = format!("1\t{url}\t*\tenabled\tpaused until ");
    assert!(listed.starts_with(&prefix), "{listed}");
    assert!(listed.ends_with("Z (circuit breaker open)\n"), "{listed}");
    let json = run(&["endpoint", "list", "--db", &db, "--json"]).expect(0);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json[0]["breaker_opens"], 1);
    assert!(json[0]["paused_until"].as_i64().unwrap() > 0);
    let stats_json = stats(&db);
    assert!(stats_json["endpoints"][0]["paused_until"].is_i64());
    assert_eq!(stats_json["endpoints"][0]["breaker"], "open");
    let table = run(&["outbox", "stats", "--db", &db]).expect(0).stdout;
    assert!(table.contains(&format!("{url}  (paused until ")), "{table}");

    // recover: no failed delivery yet (they wait for their retry), but the breaker closes.
    let recovered = run(&["outbox", "recover", "--db", &db, "--endpoint", "1"]).expect(0);
    assert_eq!(recovered.stdout, "0\n");
    let listed = run(&["endpoint", "list", "--db", &db]).expect(0).stdout;
    assert_eq!(listed, format!("1\t{url}\t*\tenabled\n"));
    let stats_json = stats(&db);
    assert!(stats_json["endpoints"][0]["paused_until"].is_null());
    assert_eq!(stats_json["endpoints"][0]["breaker"], "closed");

    // retry: prints the ids scheduled again; an unknown id is named, exit 1.
    let retried = run(&["outbox", "retry", "--db", &db, "1", "2"]).expect(0);
    assert_eq!(retried.stdout, "1\n2\n");
    let missing = run(&["outbox", "retry", "--db", &db, "3", "999999"]).expect(1);
    assert_eq!(missing.stdout, "3\n");
    assert!(missing.stderr.contains("999999"), "{}", missing.stderr);
    let as_json = run(&["outbox", "retry", "--db", &db, "4", "999999", "--json"]).expect(1);
    let as_json: serde_json::Value = serde_json::from_str(&as_json.stdout).unwrap();
    assert_eq!(
        as_json,
        serde_json::json!({"retried": [4], "refused": [999999]})
    );
    let recovered = run(&[
        "outbox",
        "recover",
        "--db",
        &db,
        "--endpoint",
        "1",
        "--json",
    ]);
    let recovered: serde_json::Value = serde_json::from_str(&recovered.expect(0).stdout).unwrap();
    assert_eq!(
        recovered,
        serde_json::json!({"endpoint": 1, "recovered": 0})
    );
    let unknown = run(&["outbox", "recover", "--db", &db, "--endpoint", "7"]).expect(1);
    assert!(
        unknown.stderr.contains("no endpoint 7"),
        "{}",
        unknown.stderr
    );
    let bad_since = run(&[
        "outbox",
        "recover",
        "--db",
        &db,
        "--endpoint",
        "1",
        "--since",
        "yesterday",
    ])
    .expect(2);
    assert!(
        bad_since.stderr.contains("RFC 3339"),
        "{}",
        bad_since.stderr
    );
    let since = run(&[
        "outbox",
        "recover",
        "--db",
        &db,
        "--endpoint",
        "1",
        "--since",
        "2020-01-01T00:00:00Z",
    ])
    .expect(0);
    assert_eq!(since.stdout, "0\n");
    let _ = std::fs::remove_dir_all(dir);
}
