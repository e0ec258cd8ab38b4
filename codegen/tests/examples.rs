//! The property `hookwire example` promises: for every event of the shop's catalog (its
//! export folder and its AsyncAPI document), of the GitHub example's events, of Svix's and
//! Resend's webhooks (read from their whole published documents in the shared corpora, see
//! `support::corpora`) and of the OpenAPI Initiative's YAML example, the payload built from
//! the schema validates against the event's own schema; and the same description gives the
//! same payload twice. (The authors' own examples are checked by `hookwire example`, which
//! falls back to the built payload when one does not validate: see
//! cli/tests/example_trigger.rs.)

use crate::support;

use std::path::Path;

use hookwire_codegen::Spec;
use support::corpora::corpus;
use support::repo;

/// Checks every event of `input`; returns how many there were.
fn every_example_validates(input: &Path) -> usize {
    examples_validate(input, None)
}

/// Checks the events of `input` named in `only` (each must be there), or all of them;
/// returns how many were checked.
fn examples_validate(input: &Path, only: Option<&[&str]>) -> usize {
    let spec = Spec::read(input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
    let again = Spec::read(input).expect("read twice");
    let events = match only {
        None => spec.events(),
        Some(only) => {
            let all = spec.events();
            for event in only {
                assert!(all.contains(event), "{}: no event {event}", input.display());
            }
            only.to_vec()
        }
    };
    let mut failures = Vec::new();
    for &event in &events {
        let example = spec.generated(event).expect("an example");
        assert_eq!(
            example,
            again.generated(event).expect("an example"),
            "{event}: deterministic"
        );
        let schema = spec.schema(event).expect("a schema");
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{event}: the bundled schema compiles: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&example)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{event}: {example}\n  {}", errors.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{}: {} of {} examples do not validate:\n{}",
        input.display(),
        failures.len(),
        events.len(),
        failures.join("\n")
    );
    events.len()
}

#[test]
fn shop_export_and_asyncapi_examples_validate() {
    assert_eq!(every_example_validates(&repo().join("schemas")), 5);
    assert_eq!(
        every_example_validates(&repo().join("schemas/asyncapi.json")),
        5
    );
    assert_eq!(
        every_example_validates(&repo().join("schemas/openapi.json")),
        5
    );
}

#[test]
fn provider_examples_validate() {
    // The events examples/github generates, from GitHub's whole schema folder.
    let github = corpus("github-webhooks/payload-schemas/api.github.com");
    let events = ["push", "pull_request.opened"];
    assert_eq!(examples_validate(&github, Some(&events)), 2);
    assert_eq!(
        every_example_validates(&corpus("svix/lib-openapi.json")),
        14
    );
    assert_eq!(every_example_validates(&corpus("resend/resend.json")), 17);
    let yaml = repo().join("tests/fixtures/webhook-example.yaml");
    assert_eq!(every_example_validates(&yaml), 1);
}

/// Each construct the generator follows, in one schema: the built payload validates and
/// takes the values the docs promise.
#[test]
fn constructs_build_valid_values() {
    let dir = std::env::temp_dir().join(format!("hookwire-examples-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("events")).expect("a folder");
    let schema = serde_json::json!({
        "type": "object",
        "required": ["count", "ratio", "even", "tags", "pair", "labels", "choice", "both",
                     "id", "site", "code", "name", "kind", "ref"],
        "properties": {
            "count": {"type": "integer", "minimum": 5, "maximum": 9},
            "ratio": {"type": "number", "exclusiveMinimum": 2, "exclusiveMaximum": 3},
            "even": {"type": "integer", "multipleOf": 4, "minimum": 3},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": true},
            "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}]},
            "labels": {"type": "object", "minProperties": 1, "additionalProperties": {"type": "integer"}},
            "choice": {"oneOf": [{"type": "null"}, {"type": "string", "format": "uuid"}]},
            "both": {"allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                                {"type": "object", "required": ["b"], "properties": {"b": {"const": 7}}}]},
            "id": {"type": "string", "pattern": "^ord_[0-9a-f]{8}$"},
            "site": {"type": "string", "format": "uri"},
            "code": {"type": "string", "minLength": 6, "maxLength": 8},
            "name": {"type": "string", "examples": ["Ada"]},
            "kind": {"enum": [null, "big", "small"]},
            "ref": {"$ref": "#/$defs/Thing"},
            "optional": {"type": "string"}
        },
        "additionalProperties": false,
        "$defs": {"Thing": {"type": "object", "required": ["at"], "properties": {"at": {"type": "string", "format": "date-time"}}}}
    });
    std::fs::write(dir.join("events/all.json"), schema.to_string()).expect("write");
    let spec = Spec::read(&dir).expect("read");
    let value = spec.generated("all").expect("built");
    let bundled = spec.schema("all").expect("schema");
    let validator = jsonschema::validator_for(&bundled).expect("compiles");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{value}\n{errors:?}");
    assert_eq!(
        value,
        serde_json::json!({
            "count": 5, "ratio": 2.5, "even": 4, "tags": ["tags", "tags1"], "pair": [1, true],
            "labels": {"key1": 1}, "choice": "00000000-0000-4000-8000-000000000000",
            "both": {"a": "a", "b": 7}, "id": "ord_00000000", "site": "https://example.com/",
            "code": "codexx", "name": "Ada", "kind": "big", "ref": {"at": "2024-05-01T12:00:00Z"}
        })
    );
    std::fs::remove_dir_all(&dir).ok();
}
