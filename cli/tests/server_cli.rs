//! `hookwire server --db URL --port P [--host H] [--workers N] [--allow-private-endpoints]`:
//! refuses to start without `HOOKWIRE_API_TOKEN`; serves the operator API, the portal and
//! `/metrics`; its workers deliver what the API accepts (to `hookwire listen`, which checks the
//! signature); stops cleanly on SIGTERM.

use crate::support;

use std::io::{Read as _, Write as _};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Listener, Server, run_env, temp_db};

const TOKEN: &str = "operator-token-for-the-cli-test";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One HTTP/1.0 request over loopback: the status and the JSON body (`Null` when empty).
fn http(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let address = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {address}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()))
    };
    (status, value)
}

#[test]
fn the_server_refuses_to_start_without_an_operator_token() {
    let (_dir, db) = temp_db("server-no-token");
    let run = run_env(
        &["server", "--db", &db, "--port", "0"],
        &[("HOOKWIRE_API_TOKEN", "")],
    )
    .expect(2);
    assert!(run.mentions("HOOKWIRE_API_TOKEN"), "{run:?}");
    let run = run_env(
        &["server", "--db", &db, "--port", "0"],
        &[("HOOKWIRE_API_TOKEN", "short")],
    )
    .expect(2);
    assert!(run.mentions("16 characters"), "{run:?}");
}

#[test]
fn the_server_serves_the_api_the_portal_and_metrics_and_delivers() {
    let (_dir, db) = temp_db("server");
    let mut server = Server::start(&db, TOKEN, &["--workers", "2", "--allow-private-endpoints"]);
    let base = server.base.clone();
    let mut listener = Listener::start(&["--secret", SECRET]);

    assert_eq!(http(&base, "GET", "/api/v1/health", None, None).0, 204);
    assert_eq!(http(&base, "GET", "/api/v1/app", None, None).0, 401);
    let (status, document) = http(&base, "GET", "/api/v1/openapi.json", None, None);
    assert_eq!((status, document["openapi"].as_str()), (200, Some("3.1.0")));
    let (status, app) = http(
        &base,
        "POST",
        "/api/v1/app",
        Some(TOKEN),
        Some(json!({"name": "Acme", "uid": "acme"})),
    );
    assert_eq!(status, 201, "{app}");
    let (status, endpoint) = http(
        &base,
        "POST",
        "/api/v1/app/acme/endpoint",
        Some(TOKEN),
        Some(json!({"url": listener.url, "secret": SECRET})),
    );
    assert_eq!(status, 201, "{endpoint}");
    let (status, message) = http(
        &base,
        "POST",
        "/api/v1/app/acme/msg",
        Some(TOKEN),
        Some(
            json!({"eventType": "invoice.paid", "payload": {"type": "invoice.paid", "timestamp": "2026-12-07T00:00:00Z", "data": {"id": "in_1"}}}),
        ),
    );
    assert_eq!(status, 202, "{message}");
    let delivery = listener.block();
    assert!(
        delivery.contains(message["id"].as_str().unwrap()),
        "{delivery}"
    );

    let deadline = Instant::now() + Duration::from_secs(20);
    let path = format!(
        "/api/v1/app/acme/attempt/msg/{}",
        message["id"].as_str().unwrap()
    );
    loop {
        let (_, attempts) = http(&base, "GET", &path, Some(TOKEN), None);
        if attempts["data"].as_array().is_some_and(|a| !a.is_empty()) {
            assert_eq!(attempts["data"][0]["status"], 0, "{attempts}");
            break;
        }
        assert!(Instant::now() < deadline, "no attempt listed: {attempts}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, access) = http(
        &base,
        "POST",
        "/api/v1/auth/app-portal-access/acme",
        Some(TOKEN),
        Some(json!({})),
    );
    assert_eq!(status, 200);
    let url = access["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{base}/portal/#app=app_")),
        "{url}"
    );

    let address = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET /portal/ HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    assert!(
        page.starts_with("HTTP/1.0 200") || page.starts_with("HTTP/1.1 200"),
        "{page}"
    );
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET /metrics HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut metrics = String::new();
    stream.read_to_string(&mut metrics).unwrap();
    assert!(
        metrics.contains("hookwire_outbox_attempts_total"),
        "{metrics}"
    );

    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            assert!(exit.success(), "{exit:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
