//! The hard parts of JSON Schema, one fixture folder (`tests/fixtures/constructs`): recursion,
//! keywords and colliding names, `$ref` across files, tagged and untagged unions, `allOf`,
//! nullability, maps; and what is not supported, reported with its JSON pointer.

use crate::support;

use std::path::PathBuf;

use hookwire_codegen::{Options, generate};
use support::TempCrate;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/constructs")
}

/// Parses each payload through the catalog by its event name and serializes it back.
const ROUND_TRIP: &str = r#"
mod constructs;

use hookwire::{Events, SendEvents};
use hookwire::serde_json::{self, Value, json};

fn main() {
    let payloads = [
        ("tree", json!({
            "root": {"value": 1.5, "children": [{"value": 2.0, "children": []}]},
            "type": "tree", "self": "me", "+1": 3, "-1": 0, "fooBar": "a", "foo_bar": "b",
            "labels": {"x": "y"}, "owner": {"login": "octocat", "kind": "bot"}
        })),
        ("payment", json!({
            "method": {"kind": "card", "last4": "4242"}, "amount": "12",
            "details": {"login": "octocat", "note": null}, "extra": {"a": true, "b": 2}
        })),
        ("payment", json!({
            "method": {"kind": "cash"}, "amount": 12, "details": {"login": "x", "note": "n"}
        })),
    ];
    for (name, payload) in payloads {
        let index = constructs::WebhookEvent::index_of(name).expect("listed");
        let event = constructs::WebhookEvent::from_data(index, &payload)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let back: Value = event.serialize_data(serde_json::value::Serializer).unwrap();
        assert_eq!(back, payload, "{name}");
    }
    println!("ok");
}
"#;

#[test]
fn hard_constructs_generate_rust_that_compiles_and_round_trips() {
    let options = Options::default().serialize(true);
    let generated = generate(&fixtures(), &options).expect("the fixtures generate");
    let code = &generated.code;
    for expected in [
        "pub r#type: TreeType",
        "pub self_: Option<String>",
        "pub plus_1: Option<i64>",
        "pub minus_1: Option<i64>",
        "pub foo_bar: Option<String>",
        "pub foo_bar_2: Option<String>",
        "Option<Box<Node>>",
        "pub labels: Option<::std::collections::BTreeMap<String, String>>",
        "pub owner: Option<User>",
        "pub kind: Option<UserKind>",
        "#[serde(tag = \"kind\")]",
        "#[serde(untagged)]",
        "pub note: Option<String>",
        "#[serde(flatten)]",
        "pub anything: Option<hookwire::serde_json::Value>",
    ] {
        assert!(code.contains(expected), "`{expected}` not in:\n{code}");
    }
    let report = &generated.report;
    let pointers: Vec<&str> = report
        .fallbacks
        .iter()
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        [
            "unsupported.json#/properties/either",
            "unsupported.json#/properties/pair",
            "unsupported.json#/properties/remote",
        ],
        "{report}"
    );
    assert_eq!(report.events.len(), 3);
    assert_eq!(report.fully_typed(), 2, "{report}");
    let unsupported = report
        .events
        .iter()
        .find(|e| e.name == "unsupported")
        .unwrap();
    assert_eq!(unsupported.fallbacks.len(), 3);

    let krate = TempCrate::new(
        "hookwire-constructs",
        &["derive"],
        &[("src/main.rs", ROUND_TRIP), ("src/constructs.rs", code)],
    );
    krate.without_warnings("build");
    let (stdout, _) = krate.cargo(&["run", "--offline", "--quiet"]);
    assert_eq!(stdout.trim(), "ok");
}

#[test]
fn generation_is_deterministic_and_reports_errors_without_panicking() {
    let options = Options::default();
    let first = generate(&fixtures(), &options).unwrap();
    let second = generate(&fixtures(), &options).unwrap();
    assert_eq!(first.code, second.code);

    let missing = generate(&fixtures().join("nope.json"), &options).unwrap_err();
    assert!(missing.to_string().contains("nope.json"), "{missing}");
    let not_openapi = generate(&fixtures().join("tree.json"), &options).unwrap_err();
    assert!(
        not_openapi.to_string().contains("`openapi`"),
        "{not_openapi}"
    );
}
