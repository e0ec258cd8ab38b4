//! `hookwire endpoint add|list`, `publish` and `outbox stats`: the output shapes scripts
//! depend on, on a fresh SQLite outbox (the schema is created on first use).

use crate::support;

use support::{run, run_stdin};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn temp_db() -> (std::path::PathBuf, String) {
    support::temp_db("cli-outbox")
}

#[test]
fn endpoints_publish_and_stats_print_what_scripts_read() {
    let (dir, db) = temp_db();
    let orders = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "https://hooks.example.com/orders",
        "--secret",
        SECRET,
        "--types",
        "order.*",
    ])
    .expect(0);
    assert_eq!(orders.stdout, "1\n");
    let everything = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "http://127.0.0.1:9/all",
        "--secret",
        SECRET,
        "--allow-private",
    ])
    .expect(0);
    assert_eq!(everything.stdout, "2\n");

    let listed = run(&["endpoint", "list", "--db", &db, "--json"]).expect(0);
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(listed[0]["id"], 1);
    assert_eq!(listed[0]["url"], "https://hooks.example.com/orders");
    assert_eq!(listed[0]["types"], serde_json::json!(["order.*"]));
    assert_eq!(listed[1]["allow_private"], true);
    assert!(
        listed[0].get("secrets").is_none(),
        "secrets are never printed"
    );
    let text = run(&["endpoint", "list", "--db", &db]).expect(0);
    assert!(!text.stdout.contains(SECRET));
    assert!(
        text.stdout
            .starts_with("1\thttps://hooks.example.com/orders\torder.*\tenabled\n")
    );

    let data = support::TempFile::new("order.json", br#"{"order_id": "98765"}"#);
    let one = run(&[
        "publish",
        "--db",
        &db,
        "--type",
        "order.created",
        data.arg(),
    ])
    .expect(0);
    assert_eq!(one.stdout.lines().count(), 1);
    assert!(one.stdout.starts_with("evt_"), "{}", one.stdout);
    let lines = "{\"type\": \"order.shipped\", \"data\": {}}\n{\"type\": \"invoice.paid\", \"data\": {\"n\": 1}}\n";
    let many = run_stdin(&["publish", "--db", &db, "--jsonl"], lines.as_bytes()).expect(0);
    assert_eq!(many.stdout.lines().count(), 2);

    let stats = run(&["outbox", "stats", "--db", &db, "--json"]).expect(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    // Two order events for both endpoints, the invoice for the second only.
    assert_eq!(
        stats["states"],
        serde_json::json!({"pending": 5, "in_flight": 0, "delivered": 0, "failed": 0, "disabled": 0})
    );
    assert_eq!(stats["endpoints"][0]["id"], 1);
    assert_eq!(stats["endpoints"][0]["states"]["pending"], 2);
    assert_eq!(stats["endpoints"][1]["states"]["pending"], 3);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn mistakes_are_usage_errors_that_name_the_fix() {
    let (dir, db) = temp_db();
    let private = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "http://10.0.0.5/hooks",
        "--secret",
        SECRET,
    ])
    .expect(2);
    assert!(private.stderr.contains("private") && private.stderr.contains("--allow-private"));

    let bad_db = run(&["outbox", "stats", "--db", "mysql://db", "--json"]).expect(2);
    assert!(
        bad_db.stderr.contains("sqlite://PATH or postgres://"),
        "{}",
        bad_db.stderr
    );

    let bad_line = run_stdin(
        &["publish", "--db", &db, "--jsonl"],
        b"{\"type\": \"a.b\", \"data\": 1}\nnot json\n",
    )
    .expect(2);
    assert!(bad_line.stderr.contains("line 2"), "{}", bad_line.stderr);
    // Nothing from a bad batch was published.
    let stats = run(&["outbox", "stats", "--db", &db, "--json"]).expect(0);
    assert!(stats.stdout.contains("\"pending\":0"), "{}", stats.stdout);

    let bad_type =
        run_stdin(&["publish", "--db", &db, "--type", "no spaces", "-"], b"{}").expect(2);
    assert!(
        bad_type.stderr.contains("event type") && bad_type.stderr.contains("` ` is not allowed"),
        "{}",
        bad_type.stderr
    );
    // One event-name rule (`hookwire::check_event_type`): Shopify's `orders/create`, which the
    // derive accepts, is published too.
    run_stdin(
        &["publish", "--db", &db, "--type", "orders/create", "-"],
        b"{}",
    )
    .expect(0);

    let lease = run(&["worker", "--db", &db, "--timeout", "30", "--lease", "10"]).expect(2);
    assert!(lease.stderr.contains("--lease"), "{}", lease.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

/// An endpoint's secrets are parsed when it is added: a `whsec_` that is not base64, a
/// public-only `whpk_` key and garbage are usage errors naming the problem (never the secret),
/// and nothing is added.
#[test]
fn endpoint_secrets_are_checked_when_added() {
    let (dir, db) = temp_db();
    // The public key of the seed [7; 32]: it verifies signatures, it cannot make them.
    let public = "whpk_6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=";
    for bad in ["whsec_not base64!", public, "not a secret!"] {
        let refused = run(&[
            "endpoint",
            "add",
            "--db",
            &db,
            "--url",
            "https://hooks.example.com/",
            "--secret",
            bad,
        ])
        .expect(2);
        assert!(refused.stderr.contains("secret"), "{}", refused.stderr);
        assert!(!refused.mentions(bad), "{}", refused.stderr);
    }
    let public_only = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "https://hooks.example.com/",
        "--secret",
        SECRET,
        "--secret",
        public,
    ])
    .expect(2);
    assert!(
        public_only.stderr.contains("whsk_"),
        "names the fix: {}",
        public_only.stderr
    );
    let listed = run(&["endpoint", "list", "--db", &db, "--json"]).expect(0);
    assert_eq!(listed.stdout.trim(), "[]");
    let _ = std::fs::remove_dir_all(dir);
}

/// A loopback endpoint that answers every request with `500` and a body of NUL bytes, bytes
/// that are not UTF-8 and a terminal escape; returns its URL.
fn hostile_endpoint() -> String {
    answering("500 Internal Server Error", b"boom\0\xff\x1b[2J")
}

/// A loopback endpoint answering every request with `status` and `body`; returns its URL.
fn answering(status: &'static str, body: &'static [u8]) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // Read the request (headers and a small body) before answering.
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    url
}

/// An endpoint answering with NUL bytes and garbage: `outbox deliveries` lists the delivery
/// (pending, one attempt), `outbox attempts` shows the answer escaped on one line.
#[test]
fn hostile_answers_are_shown_escaped_by_outbox_attempts() {
    let (dir, db) = temp_db();
    let url = hostile_endpoint();
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
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(["worker", "--db", &db, "--timeout", "2", "--poll-ms", "20"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The first attempt fails; the next is 5 s away, so one attempt is logged.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let listed = loop {
        let out = run(&[
            "outbox",
            "deliveries",
            "--db",
            &db,
            "--state",
            "pending",
            "--json",
        ])
        .expect(0);
        let listed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        if listed[0]["attempts"] == 1 || std::time::Instant::now() > deadline {
            break listed;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status();
    let _ = worker.wait();
    assert_eq!(listed[0]["attempts"], 1, "{listed}");
    assert_eq!(listed[0]["last_status"], 500);
    let id = listed[0]["id"].to_string();

    let text = run(&["outbox", "deliveries", "--db", &db]).expect(0);
    assert!(
        text.stdout.starts_with(&format!("{id}\tevt_")),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("\torder.created\t1\tpending\t1\t"),
        "{}",
        text.stdout
    );
    let log = run(&["outbox", "attempts", "--db", &db, &id]).expect(0);
    assert!(log.stdout.starts_with("#1\t"), "{}", log.stdout);
    assert!(
        log.stdout.contains("\tresponse\t500\t")
            && log.stdout.ends_with("\tboom\\x00\\xff\\x1b[2J\n"),
        "{}",
        log.stdout
    );
    let json = run(&["outbox", "attempts", "--db", &db, &id, "--json"]).expect(0);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json[0]["excerpt"], "boom\\x00\\xff\\x1b[2J");
    let bad = run(&["outbox", "deliveries", "--db", &db, "--state", "lost"]).expect(2);
    assert!(bad.stderr.contains("--state"), "{}", bad.stderr);
    let _ = std::fs::remove_dir_all(dir);
}

/// `hookwire outbox purge` removes delivered deliveries and their events, and leaves a pending
/// one (and its event) alone.
#[test]
fn purge_removes_what_ended_and_keeps_what_waits() {
    let (dir, db) = temp_db();
    let ok = answering("204 No Content", b"");
    for url in [ok.as_str(), "http://127.0.0.1:9/refused"] {
        let types = if url == ok { "order.*" } else { "refund.*" };
        run(&[
            "endpoint",
            "add",
            "--db",
            &db,
            "--url",
            url,
            "--secret",
            SECRET,
            "--types",
            types,
            "--allow-private",
        ])
        .expect(0);
    }
    let events = "{\"type\":\"order.created\",\"data\":{}}\n".repeat(3)
        + "{\"type\":\"refund.created\",\"data\":{}}\n";
    run_stdin(&["publish", "--db", &db, "--jsonl"], events.as_bytes()).expect(0);
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(["worker", "--db", &db, "--timeout", "2", "--poll-ms", "20"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let states = loop {
        let out = run(&["outbox", "stats", "--db", &db, "--json"]).expect(0);
        let stats: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let states = stats["states"].clone();
        let settled = states["delivered"] == 3 && states["pending"] == 1;
        if settled || std::time::Instant::now() > deadline {
            break states;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status();
    let _ = worker.wait();
    assert_eq!(
        (&states["delivered"], &states["pending"]),
        (&3.into(), &1.into()),
        "{states}"
    );

    let out = run(&[
        "outbox",
        "purge",
        "--db",
        &db,
        "--before",
        "2100-01-01T00:00:00Z",
        "--json",
    ])
    .expect(0);
    assert_eq!(out.stdout, "{\"deliveries\":3,\"events\":3}\n");
    let out = run(&["outbox", "stats", "--db", &db, "--json"]).expect(0);
    let stats: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(stats["states"]["delivered"], 0, "{stats}");
    assert_eq!(stats["states"]["pending"], 1, "{stats}");

    let out = run(&["outbox", "purge", "--db", &db, "--before", "30d"]).expect(0);
    assert!(
        out.stdout
            .starts_with("purged 0 deliveries and 0 events that ended before "),
        "{}",
        out.stdout
    );
    let out = run(&["outbox", "purge", "--db", &db, "--before", "soon"]).expect(2);
    assert!(
        out.stderr.contains("--before takes RFC 3339"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(dir);
}
