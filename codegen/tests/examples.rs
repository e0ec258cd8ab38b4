//! The property `hookwire example` promises: for every event of the shop's catalog (its
//! export folder and its AsyncAPI document), of the GitHub example's schemas, of Svix's and
//! Resend's webhooks (fixtures trimmed from their published documents) and of the OpenAPI
//! Initiative's YAML example, the payload built from the schema validates against the
//! event's own schema; and the same description gives the same payload twice. (The
//! authors' own examples are checked by `hookwire example`, which falls back to the built
//! payload when one does not validate: see cli/tests/example_trigger.rs.)

use std::path::{Path, PathBuf};

use hookwire_codegen::Spec;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Checks every event of `input`; returns how many there were.
fn every_example_validates(input: &Path) -> usize {
    let spec = Spec::read(input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
    let again = Spec::read(input).expect("read twice");
    let mut failures = Vec::new();
    for event in spec.events() {
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
        spec.events().len(),
        failures.join("\n")
    );
    spec.events().len()
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
    let corpora = repo().join("tests/fixtures/corpora");
    assert_eq!(every_example_validates(&corpora.join("github")), 2);
    assert_eq!(
        every_example_validates(&corpora.join("svix-webhooks.json")),
        14
    );
    assert_eq!(
        every_example_validates(&corpora.join("resend-webhooks.json")),
        17
    );
    let yaml = repo().join("tests/fixtures/webhook-example.yaml");
    assert_eq!(every_example_validates(&yaml), 1);
}
