//! `hookwire send` against a local server that answers one status first: every non-2xx but
//! `410` is retried and ends delivered (exit 0); `410 Gone` stops at once (exit 1), and so
//! does a status listed with `--stop-on`.

use crate::support;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::{TempFile, run};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A server on 127.0.0.1 that answers its first request with `first` and every later one
/// with `then`; returns its URL and the number of requests it answered.
fn serve(first: u16, then: u16) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let answered = Arc::new(AtomicUsize::new(0));
    let count = answered.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let status = if count.load(Ordering::SeqCst) == 0 {
                first
            } else {
                then
            };
            if answer(stream, status).is_ok() {
                count.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    (url, answered)
}

/// Reads one request (headers and a `Content-Length` body) and answers `status`, closing
/// the connection.
fn answer(stream: std::net::TcpStream, status: u16) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status} Status\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )?;
    stream.flush()
}

fn send(url: &str, file: &TempFile) -> support::Run {
    send_with(url, file, &[])
}

fn send_with(url: &str, file: &TempFile, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "send",
        "--secret",
        SECRET,
        "--url",
        url,
        "--type",
        "order.shipped",
        "--attempts",
        "3",
        "--retry-delay",
        "0",
        "--json",
    ];
    args.extend_from_slice(extra);
    args.push(file.arg());
    run(&args)
}

#[test]
fn every_status_but_gone_once_then_204_ends_delivered() {
    let order = TempFile::new("order.json", br#"{"order_id":"98765"}"#);
    for status in [409, 422, 401, 404, 500] {
        let (url, answered) = serve(status, 204);
        let out = send(&url, &order).expect(0);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(report["outcome"], "delivered", "{status}: {report}");
        assert_eq!(report["attempts"][0]["status"], status, "{report}");
        assert_eq!(report["attempts"][1]["status"], 204, "{report}");
        assert_eq!(report["attempts"].as_array().unwrap().len(), 2);
        assert_eq!(answered.load(Ordering::SeqCst), 2, "{status}");
    }
}

#[test]
fn gone_stops_at_once() {
    let order = TempFile::new("order.json", br#"{"order_id":"98765"}"#);
    let (url, answered) = serve(410, 204);
    let out = send(&url, &order).expect(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "gone", "{report}");
    assert_eq!(report["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(report["attempts"][0]["status"], 410);
    assert_eq!(answered.load(Ordering::SeqCst), 1);
    assert!(out.stderr.contains("410 gone"), "{}", out.stderr);

    // The text report says the same.
    let (url, _) = serve(410, 204);
    let out = run(&[
        "send",
        "--secret",
        SECRET,
        "--url",
        &url,
        "--type",
        "a.b",
        order.arg(),
    ])
    .expect(1);
    assert!(out.stdout.contains("after 1 attempt:"), "{}", out.stdout);
    assert!(out.stdout.contains("410 Gone"), "{}", out.stdout);
}

#[test]
fn stop_on_makes_a_status_final() {
    let order = TempFile::new("order.json", br#"{"order_id":"98765"}"#);
    for stop in [
        &["--stop-on", "404"][..],
        &["--stop-on", "409,404"],
        &["--stop-on", "422", "--stop-on", "404"],
    ] {
        let (url, answered) = serve(404, 204);
        let out = send_with(&url, &order, stop).expect(1);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(report["outcome"], "stopped", "{stop:?}: {report}");
        assert_eq!(report["attempts"].as_array().unwrap().len(), 1, "{report}");
        assert_eq!(report["attempts"][0]["status"], 404, "{report}");
        assert_eq!(answered.load(Ordering::SeqCst), 1, "{stop:?}");
    }

    // Without 404 in the list, 404 is retried as before.
    let (url, answered) = serve(404, 204);
    let out = send_with(&url, &order, &["--stop-on", "422"]).expect(0);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "delivered", "{report}");
    assert_eq!(answered.load(Ordering::SeqCst), 2);

    // 410 stops with or without the list.
    let (url, answered) = serve(410, 204);
    let out = send_with(&url, &order, &["--stop-on", "404"]).expect(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "gone", "{report}");
    assert_eq!(answered.load(Ordering::SeqCst), 1);
}

#[test]
fn stop_on_takes_only_statuses_from_300_to_599() {
    let order = TempFile::new("order.json", br#"{"order_id":"98765"}"#);
    for bad in ["200", "600", "not-found", ""] {
        let out = send_with("http://127.0.0.1:9/hook", &order, &["--stop-on", bad]).expect(2);
        assert!(out.stderr.contains("--stop-on"), "{bad}: {}", out.stderr);
    }
}
