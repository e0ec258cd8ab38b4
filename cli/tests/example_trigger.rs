//! `hookwire example` and `hookwire trigger`: payloads from an OpenAPI YAML document, an
//! AsyncAPI document and an export folder; for every event of the shop and of the providers'
//! documents (the shared corpora, see `corpora`) the printed payload validates against the
//! event's schema; `trigger --url` into `hookwire listen` (which verifies the signature),
//! `trigger --db` into a SQLite outbox; `--set` overrides, and bad paths refused with exit 2.

use crate::support;

#[path = "../../codegen/tests/support/corpora.rs"]
mod corpora;

use std::path::{Path, PathBuf};

use hookwire_codegen::Spec;
use serde_json::{Value, json};
use support::{Listener, run};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn example(spec: &str, event: &str, extra: &[&str]) -> Value {
    let mut args = vec!["example", "--spec", spec, event];
    args.extend_from_slice(extra);
    let out = run(&args).expect(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{event}: {e}: {}", out.stdout))
}

#[test]
fn example_reads_openapi_yaml_asyncapi_and_export_folders() {
    let pet = example(&repo("tests/fixtures/webhook-example.yaml"), "newPet", &[]);
    assert_eq!(pet, json!({"id": 1, "name": "name"}));

    let from_export = example(&repo("schemas"), "order.created", &[]);
    let from_asyncapi = example(&repo("schemas/asyncapi.json"), "order.created", &[]);
    let from_openapi = example(&repo("schemas/openapi.json"), "order.created", &[]);
    assert_eq!(from_export, from_asyncapi);
    assert_eq!(from_export, from_openapi);
    // The derive's `examples` (Money: "19.99") and the schema's pattern, format and enum.
    assert_eq!(from_export["total"], "19.99");
    assert_eq!(from_export["currency"], "AAA");
    assert_eq!(from_export["status"], "pending");
    assert_eq!(from_export["created_at"], "2024-05-01T12:00:00Z");

    // The derive's example (`#[schemars(example = OrderShipped::example())]`), in all three.
    for spec in ["schemas", "schemas/asyncapi.json", "schemas/openapi.json"] {
        let shipped = example(&repo(spec), "order.shipped", &[]);
        assert_eq!(shipped["order_id"], "98765", "{spec}: {shipped}");
        assert_eq!(shipped["items"][0]["price"], "49.99", "{spec}: {shipped}");
    }

    let missing = run(&["example", "--spec", &repo("schemas"), "order.lost"]).expect(2);
    assert!(
        missing.stderr.contains("order.created"),
        "{}",
        missing.stderr
    );
}

/// The property: what `hookwire example` prints validates against the event's schema, for
/// every event of the shop (export folder, AsyncAPI, OpenAPI), the GitHub example's events
/// (from GitHub's whole schema folder) and Svix's and Resend's webhooks (from their whole
/// published documents); Svix's own examples are used where they validate.
#[test]
fn every_printed_example_validates_against_its_schema() {
    let corpus = |path: &str| corpora::corpus(path).to_string_lossy().into_owned();
    let github = ["push", "pull_request.opened"];
    let inputs: [(String, Option<&[&str]>); 7] = [
        (repo("schemas"), None),
        (repo("schemas/asyncapi.json"), None),
        (repo("schemas/openapi.json"), None),
        (repo("tests/fixtures/webhook-example.yaml"), None),
        (
            corpus("github-webhooks/payload-schemas/api.github.com"),
            Some(&github),
        ),
        (corpus("svix/lib-openapi.json"), None),
        (corpus("resend/resend.json"), None),
    ];
    let mut count = 0;
    for (path, only) in &inputs {
        let spec = Spec::read(Path::new(path)).expect("the description reads");
        let all = spec.events();
        let events = only.map_or(all.clone(), <[&str]>::to_vec);
        for event in events {
            assert!(all.contains(&event), "{path}: no event {event}");
            let printed = example(path, event, &[]);
            let schema = spec.schema(event).expect("its schema");
            let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
            let errors: Vec<String> = validator
                .iter_errors(&printed)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{path} {event}: {printed}\n{errors:?}");
            count += 1;
        }
    }
    assert_eq!(count, 5 * 3 + 1 + 2 + 14 + 17);
    // Svix's own example, which validates, is printed as written.
    let created = example(&corpus("svix/lib-openapi.json"), "endpoint.created", &[]);
    assert_eq!(created["appId"], "app_1srOrx2ZWZBpBUvZwXKQmoEYga2");
}

#[test]
fn set_overrides_values_and_refuses_paths_that_do_not_exist() {
    let spec = repo("schemas");
    let set = example(
        &spec,
        "order.created",
        &[
            "--set",
            "customer.email=ada@example.com",
            "--set",
            "/items/0/quantity=3",
            "--set",
            "note={\"a\": [1]}",
        ],
    );
    assert_eq!(set["customer"]["email"], "ada@example.com");
    assert_eq!(set["items"][0]["quantity"], 3);
    assert_eq!(set["note"], json!({"a": [1]}));
    for (bad, needle) in [
        ("buyer.email=x", "has no member `buyer`"),
        ("items.5.quantity=1", "not an index"),
        ("total.cents=1", "is a string"),
        ("total", "PATH=VALUE"),
    ] {
        let out = run(&["example", "--spec", &spec, "order.created", "--set", bad]).expect(2);
        assert!(out.stderr.contains(needle), "{bad}: {}", out.stderr);
    }
}

#[test]
fn trigger_signs_and_sends_to_a_listener_that_verifies() {
    let mut listener = Listener::start(&["--secret", SECRET, "--json"]);
    // HOOKWIRE_DB in the environment does not turn a --url trigger into a conflict.
    let out = support::run_env(
        &[
            "trigger",
            "--spec",
            &repo("tests/fixtures/webhook-example.yaml"),
            "newPet",
            "--url",
            &listener.url,
            "--secret",
            SECRET,
            "--set",
            "name=Rex",
            "--json",
        ],
        &[("HOOKWIRE_DB", "sqlite:///nonexistent/outbox.db")],
    )
    .expect(0);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["delivered"], true, "{report}");
    let seen = listener.json();
    assert_eq!(seen["verified"], true, "{seen}");
    assert_eq!(seen["event_type"], "newPet");
    assert_eq!(seen["body"]["type"], "newPet");
    assert_eq!(seen["body"]["data"], json!({"id": 1, "name": "Rex"}));

    let bad = run(&[
        "trigger",
        "--spec",
        &repo("schemas"),
        "order.created",
        "--url",
        &listener.url,
        "--secret",
        SECRET,
        "--set",
        "nothing.here=1",
    ])
    .expect(2);
    assert!(bad.stderr.contains("no member `nothing`"), "{}", bad.stderr);
    let neither = run(&["trigger", "--spec", &repo("schemas"), "order.created"]).expect(2);
    assert!(neither.stderr.contains("--url"), "{}", neither.stderr);
}

#[test]
fn trigger_publishes_to_the_outbox() {
    use std::hash::{BuildHasher as _, RandomState};
    let dir = std::env::temp_dir().join(format!(
        "hookwire-cli-trigger-{}-{:x}",
        std::process::id(),
        RandomState::new().hash_one(std::time::SystemTime::now())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("outbox.db").display());
    run(&[
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
    let out = run(&[
        "trigger",
        "--spec",
        &repo("schemas/asyncapi.json"),
        "order.shipped",
        "--db",
        &db,
        "--set",
        "order_id=ord_42",
    ])
    .expect(0);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    let stats = run(&["outbox", "stats", "--db", &db, "--json"]).expect(0);
    let stats: Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(stats["states"]["pending"], 1, "{stats}");
    let deliveries = run(&["outbox", "deliveries", "--db", &db, "--json"]).expect(0);
    let deliveries: Value = serde_json::from_str(&deliveries.stdout).unwrap();
    assert_eq!(deliveries[0]["event_type"], "order.shipped", "{deliveries}");
    assert_eq!(deliveries[0]["event_id"], out.stdout.trim(), "{deliveries}");
    std::fs::remove_dir_all(&dir).ok();
}
