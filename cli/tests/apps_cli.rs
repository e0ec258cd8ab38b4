//! `hookwire app add|list` and `--app` on `endpoint add|list` and `publish`: each application's
//! endpoints get only its own events, on a fresh SQLite outbox.

use crate::support;

use support::{run, run_stdin};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn add_endpoint(db: &str, app: &str, url: &str) -> String {
    let args = [
        "endpoint", "add", "--db", db, "--app", app, "--url", url, "--secret", SECRET,
    ];
    run(&args).expect(0).stdout.trim().to_owned()
}

#[test]
fn each_application_gets_only_its_events() {
    let (_dir, db) = support::temp_db("cli-apps");
    let a = run(&[
        "app",
        "add",
        "--db",
        &db,
        "--name",
        "Acme",
        "--uid",
        "merchant-a",
    ])
    .expect(0);
    let a = a.stdout.trim().to_owned();
    let b = run(&["app", "add", "--db", &db, "--name", "Bolt", "--json"]).expect(0);
    let b = json(&b.stdout);
    assert_eq!(b["name"], "Bolt");
    assert!(b["uid"].is_null());
    let b_id = b["id"].as_str().unwrap().to_owned();
    assert!(
        a.starts_with("app_") && b_id.starts_with("app_"),
        "{a} {b_id}"
    );

    let taken = run(&[
        "app",
        "add",
        "--db",
        &db,
        "--name",
        "Again",
        "--uid",
        "merchant-a",
    ]);
    let taken = taken.expect(1);
    assert!(taken.mentions("already exists"), "{}", taken.stderr);
    run(&[
        "app",
        "add",
        "--db",
        &db,
        "--name",
        "x",
        "--uid",
        "no spaces",
    ])
    .expect(2);

    let listed = run(&["app", "list", "--db", &db]).expect(0);
    assert_eq!(
        listed.stdout,
        format!("{a}\tmerchant-a\tAcme\n{b_id}\t-\tBolt\n")
    );
    let listed = json(
        &run(&["app", "list", "--db", &db, "--json"])
            .expect(0)
            .stdout,
    );
    assert_eq!(listed.as_array().map(Vec::len), Some(2));

    // By uid, by the API's id, and by the number.
    let to_a = add_endpoint(&db, "merchant-a", "https://a.example.com/hooks");
    let to_b = add_endpoint(&db, &b_id, "https://b.example.com/hooks");
    let single = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--url",
        "https://single.example.com/",
        "--secret",
        SECRET,
    ])
    .expect(0)
    .stdout
    .trim()
    .to_owned();
    let missing = run(&[
        "endpoint",
        "add",
        "--db",
        &db,
        "--app",
        "nobody",
        "--url",
        "https://x.example.com/",
        "--secret",
        SECRET,
    ])
    .expect(1);
    assert!(
        missing.mentions("no application `nobody`"),
        "{}",
        missing.stderr
    );

    let for_a = run_stdin(
        &[
            "publish",
            "--db",
            &db,
            "--app",
            &a,
            "--type",
            "order.created",
            "-",
        ],
        b"{\"order\": 1}",
    )
    .expect(0);
    let for_b = run_stdin(
        &[
            "publish",
            "--db",
            &db,
            "--app",
            "2",
            "--type",
            "order.created",
            "-",
        ],
        b"{\"order\": 2}",
    )
    .expect(0);
    let for_none = run_stdin(
        &["publish", "--db", &db, "--type", "order.created", "-"],
        b"{\"order\": 3}",
    )
    .expect(0);

    let deliveries = run(&["outbox", "deliveries", "--db", &db, "--json"]).expect(0);
    let deliveries = json(&deliveries.stdout);
    let mut seen: Vec<(String, String)> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["endpoint"].to_string(),
                d["event_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    let mut expected = vec![
        (to_a.clone(), for_a.stdout.trim().to_owned()),
        (to_b, for_b.stdout.trim().to_owned()),
        (single, for_none.stdout.trim().to_owned()),
    ];
    expected.sort();
    assert_eq!(seen, expected);

    let of_a = run(&[
        "endpoint",
        "list",
        "--db",
        &db,
        "--app",
        "merchant-a",
        "--json",
    ])
    .expect(0);
    let of_a = json(&of_a.stdout);
    assert_eq!(of_a.as_array().map(Vec::len), Some(1));
    assert_eq!(of_a[0]["id"].to_string(), to_a);
    assert_eq!(of_a[0]["app"], 1);

    // An update keeps what it does not name, the application included.
    run(&["endpoint", "update", "--db", &db, &to_a, "--rate", "5"]).expect(0);
    let of_a = run(&["endpoint", "list", "--db", &db, "--app", &a, "--json"]).expect(0);
    assert_eq!(json(&of_a.stdout)[0]["rate_per_second"], 5);
}
