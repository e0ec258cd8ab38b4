//! Integration and UI tests for hookwire, and the README's examples as doctests.
//!
//! The helpers here validate JSON against schemas the way every test of this crate does:
//! draft 2020-12, formats checked, references resolved within one document and nothing fetched.

use serde_json::Value;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

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
