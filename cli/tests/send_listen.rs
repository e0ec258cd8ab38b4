//! `hookwire send` into `hookwire listen` on 127.0.0.1.

use crate::support;

use std::io::{Read as _, Write as _};

use support::{Listener, TempFile, run};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn send(url: &str, extra: &[&str], file: &TempFile) -> support::Run {
    let mut args = vec!["send", "--url", url, "--attempts", "1"];
    args.extend_from_slice(extra);
    args.push(file.arg());
    run(&args)
}

#[test]
fn a_typed_event_is_delivered_verified_and_printed() {
    let mut listener = Listener::start(&["--secret", SECRET, "--json"]);
    let order = TempFile::new("order.json", br#"{"order_id":"98765","total":"99.99"}"#);
    let url = format!("{}/webhooks", listener.url);
    let out = send(
        &url,
        &[
            "--secret",
            SECRET,
            "--type",
            "order.shipped",
            "--id",
            "msg_cli1",
            "--json",
        ],
        &order,
    )
    .expect(0);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["delivered"], true);
    assert_eq!(report["outcome"], "delivered");
    assert_eq!(report["id"], "msg_cli1");
    assert_eq!(report["attempts"][0]["status"], 204);

    let seen = listener.json();
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["path"], "/webhooks");
    assert_eq!(seen["verified"], true);
    assert_eq!(seen["status"], 204);
    assert_eq!(seen["id"], "msg_cli1");
    assert_eq!(seen["event_type"], "order.shipped");
    assert_eq!(seen["body"]["type"], "order.shipped");
    assert_eq!(seen["body"]["data"]["order_id"], "98765");
    assert!(seen["body"]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(seen["headers"]["webhook-id"], "msg_cli1");

    // A delivery signed with another secret: 401 on its only attempt, so it exits 1.
    let out = send(
        &url,
        &["--secret", OTHER, "--type", "order.shipped"],
        &order,
    )
    .expect(1);
    assert!(
        out.stdout.starts_with("not delivered msg_"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("401 Unauthorized"), "{}", out.stdout);
    assert!(out.stderr.contains("not delivered"), "{}", out.stderr);
    let seen = listener.json();
    assert_eq!(
        (seen["verified"].clone(), seen["status"].clone()),
        (false.into(), 401.into())
    );
    assert_eq!(seen["code"], "invalid_signature");
    assert!(
        seen["reason"]
            .as_str()
            .unwrap()
            .contains("no signature matched")
    );

    // A file sent as is, without an event type: 400 malformed.
    let untyped = TempFile::new("untyped.json", br#"{"hello":"world"}"#);
    let out = send(&url, &["--secret", SECRET], &untyped).expect(1);
    assert!(out.stdout.contains("400 Bad Request"), "{}", out.stdout);
    let seen = listener.json();
    assert_eq!(seen["status"], 400);

    // A GET: 405, printed.
    let address = listener.url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"GET /webhooks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
    let seen = listener.json();
    assert_eq!(
        (seen["method"].clone(), seen["status"].clone()),
        ("GET".into(), 405.into())
    );
}

#[test]
fn text_output_shows_headers_verdict_and_pretty_json() {
    let mut listener = Listener::start(&["--secret", SECRET]);
    let event = TempFile::new(
        "envelope.json",
        br#"{"type":"order.created","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"1"}}"#,
    );
    let out = send(&listener.url, &["--secret", SECRET], &event).expect(0);
    assert!(out.stdout.starts_with("delivered msg_"), "{}", out.stdout);
    assert!(out.stdout.contains("(order.created)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("attempt 1: 204 No Content"),
        "{}",
        out.stdout
    );
    let block = listener.block();
    assert!(block.starts_with("POST /\n"), "{block}");
    assert!(block.contains("\n  webhook-signature: v1,"), "{block}");
    assert!(
        block.contains("\nverified order.created, id msg_"),
        "{block}"
    );
    assert!(block.contains(" -> 204\n"), "{block}");
    assert!(
        block.ends_with(
            "{\n  \"type\": \"order.created\",\n  \"timestamp\": \"2024-01-01T00:00:00Z\",\n  \"data\": {\n    \"order_id\": \"1\"\n  }\n}\n"
        ),
        "the body, indented, keys in the order received: {block}"
    );
}

#[test]
fn provider_schemes_round_trip() {
    let push = TempFile::new("push.json", br#"{"ref":"refs/heads/main"}"#);
    let cases: &[(&str, &str, &str)] = &[
        ("github", "gh-secret", "push"),
        ("shopify", "shop-secret", "orders/create"),
        ("stripe", "whsec_test_secret", "payment_intent.succeeded"),
    ];
    for (scheme, secret, event_type) in cases {
        let mut listener = Listener::start(&["--scheme", scheme, "--secret", secret, "--json"]);
        send(
            &listener.url,
            &["--scheme", scheme, "--secret", secret, "--type", event_type],
            &push,
        )
        .expect(0);
        let seen = listener.json();
        assert_eq!(seen["verified"], true, "{scheme}: {seen}");
        assert_eq!(seen["event_type"], *event_type, "{scheme}");
        if *scheme == "stripe" {
            assert_eq!(seen["body"]["object"], "event");
            assert_eq!(seen["body"]["data"]["object"]["ref"], "refs/heads/main");
            assert!(seen["id"].as_str().unwrap().starts_with("evt_"), "{seen}");
        } else {
            assert_eq!(seen["body"]["ref"], "refs/heads/main", "{scheme}");
            // The README: without --id, GitHub and Shopify deliveries carry a UUID, as theirs do.
            let id = seen["id"].as_str().unwrap_or_default();
            assert!(is_uuid_v4(id), "{scheme}: a UUID id: {seen}");
        }
    }
}

/// `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` in lowercase hex, `y` one of `8`, `9`, `a`, `b`.
fn is_uuid_v4(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            14 => *b == b'4',
            19 => matches!(b, b'8' | b'9' | b'a' | b'b'),
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
        })
}

#[test]
fn oversized_bodies_get_413_and_count_stops_the_listener() {
    let mut listener = Listener::start(&[
        "--secret",
        SECRET,
        "--max-body",
        "64",
        "--count",
        "1",
        "--json",
    ]);
    let big = TempFile::new(
        "big.json",
        format!(r#"{{"pad":"{}"}}"#, "x".repeat(200)).as_bytes(),
    );
    let out = send(&listener.url, &["--secret", SECRET, "--type", "a.b"], &big).expect(1);
    assert!(
        out.stdout.contains("413 Payload Too Large"),
        "{}",
        out.stdout
    );
    let seen = listener.json();
    assert_eq!(seen["status"], 413);
    assert_eq!(seen["code"], "payload_too_large");
    let (code, _) = listener.wait();
    assert_eq!(code, 0, "--count 1 exits cleanly after one request");
}

#[test]
fn a_refused_connection_exhausts_the_attempts() {
    // Bind and drop a listener to find a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let body = TempFile::new("e.json", br#"{"type":"a.b"}"#);
    let url = format!("http://127.0.0.1:{port}/");
    let out = run(&[
        "send",
        "--secret",
        SECRET,
        "--url",
        &url,
        "--attempts",
        "2",
        "--retry-delay",
        "0",
        body.arg(),
    ])
    .expect(1);
    assert!(out.stdout.contains("after 2 attempts"), "{}", out.stdout);
    assert!(out.stdout.contains("could not connect"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_listener_cleanly() {
    let listener = Listener::start(&["--secret", SECRET]);
    let status = std::process::Command::new("kill")
        .args(["-INT", &listener.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, stderr) = listener.wait();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
}

#[test]
fn a_busy_port_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(&["listen", "--secret", SECRET, "--port", &port]).expect(1);
    assert!(
        out.stderr.contains("cannot listen on 127.0.0.1:"),
        "{}",
        out.stderr
    );
}
