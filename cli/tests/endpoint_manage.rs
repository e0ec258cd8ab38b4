//! `hookwire endpoint update|enable|disable|delete|rotate-secret` and the worker's log of failed
//! attempts: what the operator API does to an endpoint, from the command line, on a fresh
//! SQLite outbox.

use crate::support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use support::run;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHMx";

fn temp_db() -> (std::path::PathBuf, String) {
    support::temp_db("cli-manage")
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn add(db: &str, url: &str) -> String {
    let added = run(&[
        "endpoint", "add", "--db", db, "--url", url, "--secret", SECRET, "--types", "order.*",
    ])
    .expect(0);
    added.stdout.trim().to_owned()
}

#[test]
fn update_changes_only_what_is_given() {
    let (dir, db) = temp_db();
    let id = add(&db, "https://hooks.example.com/orders");
    let updated = run(&[
        "endpoint",
        "update",
        "--db",
        &db,
        &id,
        "--rate",
        "50",
        "--description",
        "merchant A",
        "--json",
    ])
    .expect(0);
    let updated = json(&updated.stdout);
    assert_eq!(updated["url"], "https://hooks.example.com/orders");
    assert_eq!(updated["types"], serde_json::json!(["order.*"]));
    assert_eq!(updated["rate_per_second"], 50);
    assert_eq!(updated["description"], "merchant A");
    assert!(
        updated.get("secrets").is_none(),
        "secrets are never printed"
    );

    let text = run(&[
        "endpoint",
        "update",
        "--db",
        &db,
        &id,
        "--url",
        "https://hooks.example.com/v2",
        "--all-types",
        "--no-rate",
    ])
    .expect(0);
    assert_eq!(
        text.stdout,
        format!("{id}\thttps://hooks.example.com/v2\t*\tenabled\n")
    );
    let listed = json(
        &run(&["endpoint", "list", "--db", &db, "--json"])
            .expect(0)
            .stdout,
    );
    assert_eq!(listed[0]["rate_per_second"], serde_json::Value::Null);
    assert_eq!(listed[0]["description"], "merchant A");

    // Refused input: a private literal without --allow-private, a bad filter, a missing id.
    let private = run(&[
        "endpoint",
        "update",
        "--db",
        &db,
        &id,
        "--url",
        "http://10.0.0.7/",
    ]);
    let private = private.expect(2);
    assert!(
        private.stderr.contains("--allow-private"),
        "{}",
        private.stderr
    );
    run(&[
        "endpoint",
        "update",
        "--db",
        &db,
        &id,
        "--types",
        "order.*.x",
    ])
    .expect(2);
    run(&[
        "endpoint",
        "update",
        "--db",
        &db,
        &id,
        "--types",
        "a.b",
        "--all-types",
    ])
    .expect(2);
    let missing = run(&["endpoint", "update", "--db", &db, "99", "--rate", "1"]);
    let missing = missing.expect(1);
    assert!(
        missing.stderr.contains("no endpoint 99"),
        "{}",
        missing.stderr
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn disable_holds_enable_releases_delete_removes() {
    let (dir, db) = temp_db();
    let id = add(&db, "https://hooks.example.com/orders");
    let kept = add(&db, "https://hooks.example.com/kept");
    let data = support::TempFile::new("order.json", br#"{"order_id": "1"}"#);
    run(&[
        "publish",
        "--db",
        &db,
        "--type",
        "order.created",
        data.arg(),
    ])
    .expect(0);

    let disabled = run(&["endpoint", "disable", "--db", &db, &id, "--json"]).expect(0);
    assert_eq!(json(&disabled.stdout)["disabled"], "manual");
    let held = run(&[
        "outbox",
        "deliveries",
        "--db",
        &db,
        "--state",
        "disabled",
        "--json",
    ])
    .expect(0);
    assert_eq!(json(&held.stdout).as_array().unwrap().len(), 1);
    let enabled = run(&["endpoint", "enable", "--db", &db, &id]).expect(0);
    assert!(
        enabled.stdout.ends_with("\tenabled\n"),
        "{}",
        enabled.stdout
    );
    let pending = run(&[
        "outbox",
        "deliveries",
        "--db",
        &db,
        "--state",
        "pending",
        "--json",
    ])
    .expect(0);
    assert_eq!(json(&pending.stdout).as_array().unwrap().len(), 2);

    let deleted = run(&["endpoint", "delete", "--db", &db, &id, "--json"]).expect(0);
    assert_eq!(json(&deleted.stdout)["deleted"], true);
    let left = json(
        &run(&["outbox", "deliveries", "--db", &db, "--json"])
            .expect(0)
            .stdout,
    );
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["endpoint"].to_string(), kept);
    let again = run(&["endpoint", "delete", "--db", &db, &id]);
    let again = again.expect(1);
    assert!(again.stderr.contains(&format!("no endpoint {id}")));
    run(&["endpoint", "disable", "--db", &db, &id]).expect(1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn rotate_secret_prints_the_new_one_and_keeps_the_previous() {
    let (dir, db) = temp_db();
    let id = add(&db, "https://hooks.example.com/orders");
    let rotated = run(&["endpoint", "rotate-secret", "--db", &db, &id]).expect(0);
    let new = rotated.stdout.trim();
    assert!(new.starts_with("whsec_") && new != SECRET, "{new}");
    let chosen = run(&[
        "endpoint",
        "rotate-secret",
        "--db",
        &db,
        &id,
        "--secret",
        OTHER,
        "--json",
    ])
    .expect(0);
    let chosen = json(&chosen.stdout);
    assert_eq!(chosen["secret"], OTHER);
    assert_eq!(
        chosen["signing_secrets"], 3,
        "the new one and both previous ones, inside their overlap"
    );
    assert!(chosen["previous_until"].as_str().unwrap().ends_with('Z'));
    let dropped = run(&[
        "endpoint",
        "rotate-secret",
        "--db",
        &db,
        &id,
        "--overlap",
        "0s",
        "--json",
    ])
    .expect(0);
    assert_eq!(json(&dropped.stdout)["signing_secrets"], 1);
    assert_eq!(
        json(&dropped.stdout)["previous_until"],
        serde_json::Value::Null
    );
    run(&[
        "endpoint",
        "rotate-secret",
        "--db",
        &db,
        &id,
        "--overlap",
        "soon",
    ])
    .expect(2);
    let bad = run(&[
        "endpoint",
        "rotate-secret",
        "--db",
        &db,
        &id,
        "--secret",
        "not-a-secret",
    ]);
    bad.expect(2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_worker_logs_each_failed_attempt() {
    let (dir, db) = temp_db();
    // Nothing listens here: every attempt fails at once.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://user:hunter2@127.0.0.1:{port}/hooks");
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
    let data = support::TempFile::new("order.json", br#"{"order_id": "1"}"#);
    run(&[
        "publish",
        "--db",
        &db,
        "--type",
        "order.created",
        data.arg(),
    ])
    .expect(0);

    let mut worker = Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(["worker", "--db", &db, "--timeout", "2", "--poll-ms", "20"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hookwire worker");
    let stderr = worker.stderr.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let logged = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the worker logs the failed attempt");
        if line.contains("attempt 1:") {
            break line;
        }
    };
    let _ = worker.kill();
    let _ = worker.wait();
    assert!(
        logged.starts_with("worker: delivery 1 (order.created) to endpoint 1 "),
        "{logged}"
    );
    assert!(logged.contains("no response"), "{logged}");
    assert!(logged.contains("; next attempt at "), "{logged}");
    assert!(
        !logged.contains("hunter2"),
        "credentials are redacted: {logged}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn adding_a_name_that_resolves_to_loopback_warns() {
    let (dir, db) = temp_db();
    let added = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "http://localhost:9/hooks",
        "--secret",
        SECRET,
    ])
    .expect(0);
    assert!(
        added.stderr.contains("warning: localhost resolves to")
            && added.stderr.contains("loopback"),
        "{}",
        added.stderr
    );
    let quiet = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "http://localhost:9/hooks",
        "--secret",
        SECRET,
        "--allow-private",
    ])
    .expect(0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn purge_takes_older_than_and_the_worker_a_retention() {
    let (dir, db) = temp_db();
    let purged = run(&[
        "outbox",
        "purge",
        "--db",
        &db,
        "--older-than",
        "30d",
        "--json",
    ])
    .expect(0);
    assert_eq!(purged.stdout, "{\"deliveries\":0,\"events\":0}\n");
    run(&["outbox", "purge", "--db", &db, "--older-than", "soon"]).expect(2);
    run(&["outbox", "purge", "--db", &db]).expect(2);
    run(&[
        "outbox",
        "purge",
        "--db",
        &db,
        "--older-than",
        "1d",
        "--before",
        "1d",
    ])
    .expect(2);
    let bad = run(&["worker", "--db", &db, "--retention", "forever"]).expect(2);
    assert!(bad.stderr.contains("--retention"), "{}", bad.stderr);
    let _ = std::fs::remove_dir_all(dir);
}
