//! `hookwire publish --ordering-key K` and `"ordering_key"` on `--jsonl` lines, as scripts use
//! them, and `outbox deliveries` showing the key (text: the last field, `-` without one; JSON:
//! `ordering_key`).

use crate::support;

use support::{run, run_stdin};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[test]
fn publish_stores_ordering_keys_and_deliveries_show_them() {
    let (dir, db) = support::temp_db("cli-ordering");
    run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "http://127.0.0.1:9/hooks",
        "--secret",
        SECRET,
        "--allow-private",
    ])
    .expect(0);

    let data = support::TempFile::new("order.json", br#"{"order_id": "1"}"#);
    let one = run(&[
        "publish",
        "--db",
        &db,
        "--type",
        "order.created",
        "--ordering-key",
        "order-1",
        data.arg(),
    ])
    .expect(0);
    assert!(one.stdout.starts_with("evt_"), "{}", one.stdout);
    let lines = concat!(
        "{\"type\": \"order.paid\", \"data\": {}, \"ordering_key\": \"order-1\"}\n",
        "{\"type\": \"order.paid\", \"data\": {}}\n",
    );
    let many = run_stdin(&["publish", "--db", &db, "--jsonl"], lines.as_bytes()).expect(0);
    assert_eq!(many.stdout.lines().count(), 2);

    let listed = run(&["outbox", "deliveries", "--db", &db, "--json"]).expect(0);
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let keys: Vec<&serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["ordering_key"])
        .collect();
    assert_eq!(
        keys,
        [
            &serde_json::json!("order-1"),
            &serde_json::json!("order-1"),
            &serde_json::Value::Null
        ]
    );
    let text = run(&["outbox", "deliveries", "--db", &db]).expect(0);
    let last: Vec<&str> = text
        .stdout
        .lines()
        .map(|line| line.rsplit('\t').next().unwrap_or_default())
        .collect();
    assert_eq!(last, ["order-1", "order-1", "-"]);

    // A bad key is a usage error, and publishes nothing.
    let bad = "{\"type\": \"a.b\", \"data\": 1}\n{\"type\": \"a.b\", \"data\": 2, \"ordering_key\": \"\"}\n";
    let refused = run_stdin(&["publish", "--db", &db, "--jsonl"], bad.as_bytes()).expect(2);
    assert!(refused.stderr.contains("line 2"), "{}", refused.stderr);
    let long = "k".repeat(300);
    run_stdin(
        &[
            "publish",
            "--db",
            &db,
            "--type",
            "a.b",
            "--ordering-key",
            &long,
            "-",
        ],
        b"{}",
    )
    .expect(2);
    let after = run(&["outbox", "deliveries", "--db", &db, "--json"]).expect(0);
    let after: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    assert_eq!(after.as_array().unwrap().len(), 3);
    let _ = std::fs::remove_dir_all(dir);
}
