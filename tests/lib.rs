//! Integration and UI tests for hookwire, and the README's and the guide's examples as doctests.
//!
//! The helpers here validate JSON against schemas the way every test of this crate does:
//! draft 2020-12, formats checked, references resolved within one document and nothing fetched.

use serde_json::Value;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The guide (`docs/guide/*.md`), one doc-only module per chapter, so that `cargo test
/// --workspace` compiles and runs every example in it, as it does the README's. Markdown files
/// rather than an mdBook: they read on GitHub as they are, and need no tool CI does not have.
#[cfg(doctest)]
pub mod guide {
    #[doc = include_str!("../docs/guide/README.md")]
    pub mod contents {}
    #[doc = include_str!("../docs/guide/events.md")]
    pub mod events {}
    #[doc = include_str!("../docs/guide/signatures.md")]
    pub mod signatures {}
    #[doc = include_str!("../docs/guide/receiving.md")]
    pub mod receiving {}
    #[doc = include_str!("../docs/guide/several-machines.md")]
    pub mod several_machines {}
    #[doc = include_str!("../docs/guide/sending.md")]
    pub mod sending {}
    #[doc = include_str!("../docs/guide/outbox.md")]
    pub mod outbox {}
    #[doc = include_str!("../docs/guide/applications.md")]
    pub mod applications {}
    #[doc = include_str!("../docs/guide/server.md")]
    pub mod server {}
    #[doc = include_str!("../docs/guide/api.md")]
    pub mod api {}
    #[doc = include_str!("../docs/guide/schemas.md")]
    pub mod schemas {}
    #[doc = include_str!("../docs/guide/generate.md")]
    pub mod generate {}
    #[doc = include_str!("../docs/guide/cli.md")]
    pub mod cli {}
    #[doc = include_str!("../docs/guide/shop-example.md")]
    pub mod shop_example {}
    #[doc = include_str!("../docs/guide/production.md")]
    pub mod production {}
    #[doc = include_str!("../docs/guide/tests.md")]
    pub mod tests {}
    #[doc = include_str!("../docs/guide/performance.md")]
    pub mod performance {}
    #[doc = include_str!("../docs/guide/layout.md")]
    pub mod layout {}
}

/// The official OpenAPI 3.1 schema (see `fixtures/SOURCES.md`).
pub const OPENAPI_31_SCHEMA: &str = include_str!("fixtures/openapi-3.1-schema.json");

/// The official OpenAPI 3.0 schema, draft-04 (see `fixtures/SOURCES.md`).
pub const OPENAPI_30_SCHEMA: &str = include_str!("fixtures/openapi-3.0-schema.json");

/// The official AsyncAPI 3.0.0 schema, draft-07 (see `fixtures/SOURCES.md`).
pub const ASYNCAPI_30_SCHEMA: &str = include_str!("fixtures/asyncapi-3.0.0-schema.json");

/// Every error of `instance` against a meta-schema that names its own draft in `$schema`
/// (draft-04, draft-07, ...), formats asserted, nothing fetched: empty when it is valid.
///
/// # Panics
/// When the meta-schema does not compile.
pub fn meta_schema_errors(meta_schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(meta_schema)
        .unwrap_or_else(|error| panic!("meta-schema does not compile: {error}"));
    validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

/// Builds a validator for `schema` (draft 2020-12, formats asserted).
///
/// # Panics
/// When the schema does not compile: a test failure with the reason.
pub fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|error| panic!("schema does not compile: {error}\n{schema:#}"))
}

/// Asserts `instance` is valid against `schema`, listing every error otherwise.
///
/// # Panics
/// When it is not.
pub fn assert_valid(schema: &Value, instance: &Value) {
    let validator = validator(schema);
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{instance} is not valid:\n{}",
        errors.join("\n")
    );
}

/// Asserts `instance` is *not* valid against `schema`.
///
/// # Panics
/// When it is.
pub fn assert_invalid(schema: &Value, instance: &Value) {
    assert!(
        !validator(schema).is_valid(instance),
        "{instance} should be rejected by\n{schema:#}"
    );
}

/// A schema that checks an instance against `#/components/schemas/<name>` of an OpenAPI
/// document, with the document's components in reach of its `$ref`s.
pub fn component_schema(document: &Value, name: &str) -> Value {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": document["components"].clone(),
    })
}
