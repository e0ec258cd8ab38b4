//! `hookwire worker --metrics HOST:PORT`: Prometheus text at `/metrics`, scraped over loopback
//! and parsed by the Prometheus project's own Python client (`prometheus_client`, installed by
//! `scripts/ci-setup.sh`): attempts by outcome, durations, finished deliveries, and the sampled
//! backlog per endpoint.

use crate::support;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::run;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Reads the text with `prometheus_client.parser` and prints one JSON sample per line.
const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels, "value": sample.value}))
"#;

/// The virtualenv's Python with prometheus_client, or `None` (a skip, except under CI).
fn python() -> Option<String> {
    match std::env::var("HOOKWIRE_PYTHON") {
        Ok(python) if !python.is_empty() => Some(python),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("HOOKWIRE_PYTHON is not set: run `bash scripts/ci-setup.sh` (CI must not skip)")
        }
        _ => None,
    }
}

fn scrape(address: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).expect("connect to /metrics");
    write!(stream, "GET /metrics HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(
        head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    body.to_owned()
}

#[derive(Debug)]
struct Sample {
    family: String,
    name: String,
    labels: serde_json::Value,
    value: f64,
}

fn parse(python: &str, text: &str) -> Vec<Sample> {
    let mut child = Command::new(python)
        .args(["-c", PARSE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the Prometheus parser");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the text: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            Sample {
                family: v["family"].as_str().unwrap().to_owned(),
                name: v["name"].as_str().unwrap().to_owned(),
                labels: v["labels"].clone(),
                value: v["value"].as_f64().unwrap(),
            }
        })
        .collect()
}

fn value(samples: &[Sample], name: &str, label: (&str, &str)) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && s.labels[label.0] == label.1)
        .map(|s| s.value)
}

#[test]
fn the_worker_serves_metrics_a_prometheus_parser_reads() {
    let Some(python) = python() else {
        eprintln!("skipped: HOOKWIRE_PYTHON is not set (`bash scripts/ci-setup.sh` installs it)");
        return;
    };
    let dir = support::TempFile::new("outbox.db", b"");
    let db = format!("sqlite://{}", dir.arg());
    let mut listener = support::Listener::start(&["--secret", SECRET]);
    let refused = {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!(
            "http://127.0.0.1:{}/hooks",
            socket.local_addr().unwrap().port()
        )
    };
    for url in [listener.url.as_str(), refused.as_str()] {
        run(&[
            "endpoint",
            "add",
            "--db",
            &db,
            "--url",
            url,
            "--secret",
            SECRET,
            "--allow-private",
        ])
        .expect(0);
    }
    let data = support::TempFile::new("order.json", br#"{"order_id": "1"}"#);
    for _ in 0..3 {
        run(&[
            "publish",
            "--db",
            &db,
            "--type",
            "order.created",
            data.arg(),
        ])
        .expect(0);
    }

    let mut worker = Command::new(env!("CARGO_BIN_EXE_hookwire"))
        .args(["worker", "--db", &db, "--poll-ms", "20", "--quiet"])
        .args(["--metrics", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hookwire worker");
    let mut stderr = BufReader::new(worker.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the worker exited"
        );
        if let Some(rest) = line.trim().strip_prefix("worker: metrics at http://") {
            break rest.trim_end_matches("/metrics").to_owned();
        }
    };
    for _ in 0..3 {
        listener.block();
    }
    // The results are recorded just after the listener answers: wait for the counters.
    let deadline = Instant::now() + Duration::from_secs(30);
    let samples = loop {
        let samples = parse(&python, &scrape(&address));
        let delivered = value(
            &samples,
            "hookwire_outbox_attempts_total",
            ("outcome", "success"),
        );
        let failed = value(
            &samples,
            "hookwire_outbox_attempts_total",
            ("outcome", "no_response"),
        );
        if delivered == Some(3.0) && failed.is_some() || Instant::now() > deadline {
            break samples;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = worker.kill();
    let _ = worker.wait();

    assert_eq!(
        value(
            &samples,
            "hookwire_outbox_attempts_total",
            ("outcome", "success")
        ),
        Some(3.0),
        "{samples:#?}"
    );
    assert!(
        value(
            &samples,
            "hookwire_outbox_attempts_total",
            ("outcome", "no_response")
        ) >= Some(1.0)
    );
    assert_eq!(
        value(
            &samples,
            "hookwire_outbox_deliveries_finished_total",
            ("state", "delivered")
        ),
        Some(3.0)
    );
    let durations = samples
        .iter()
        .find(|s| {
            s.name == "hookwire_outbox_attempt_duration_seconds_count"
                && s.labels["outcome"] == "success"
        })
        .expect("the duration histogram");
    assert_eq!(durations.value, 3.0);
    assert!(
        samples
            .iter()
            .any(|s| s.family == "hookwire_outbox_attempt_duration_seconds"
                && s.labels.get("le").is_some_and(|le| le == "+Inf"))
    );
    // Sampled when the worker started. The refused endpoint's deliveries stay pending (their
    // retries are minutes away) whenever the sample was taken; the other's may have gone.
    assert_eq!(
        value(
            &samples,
            "hookwire_outbox_pending_deliveries",
            ("endpoint", "2")
        ),
        Some(3.0),
        "{samples:#?}"
    );
    assert!(
        value(
            &samples,
            "hookwire_outbox_pending_deliveries",
            ("endpoint", "1")
        ) <= Some(3.0)
    );
    for endpoint in ["1", "2"] {
        assert!(
            value(
                &samples,
                "hookwire_outbox_oldest_pending_age_seconds",
                ("endpoint", endpoint)
            ) >= Some(0.0)
        );
    }
}
