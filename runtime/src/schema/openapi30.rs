//! The OpenAPI 3.0.3 rendering of a 3.1 document, for generators that reject 3.1 (progenitor,
//! older openapi-generator): JSON Schema 2020-12 keywords are rewritten into 3.0's Schema
//! Object, and `webhooks` (which 3.0 lacks) move to the `x-webhooks` extension.

use serde_json::{Map, Value, json};

/// The OpenAPI 3.0 version written.
const OPENAPI_30: &str = "3.0.3";

/// The keywords a 3.0 Schema Object takes (besides `x-` extensions).
const SCHEMA_30: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "not",
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "example",
    "externalDocs",
    "deprecated",
    "xml",
];

/// Renders an OpenAPI 3.1 document (as [`OpenApi::build`](super::OpenApi::build) writes it) as
/// OpenAPI 3.0.3:
///
/// - `type: [T, "null"]` and an `anyOf`/`oneOf` branch `{"type": "null"}` become
///   `nullable: true`; `const` becomes a one-value `enum`; `examples` becomes `example`;
///   numeric `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` with the boolean
///   form; a `$ref` with other keywords is wrapped in `allOf`; `true`/`false` schemas become
///   `{}` and `{"not": {}}`; keywords 3.0 lacks (`prefixItems`, `$defs`, `contentEncoding`, ...)
///   are dropped.
/// - `webhooks` moves to `x-webhooks` (the name Redoc and others read), `jsonSchemaDialect` is
///   dropped, and an empty `paths` is added when there is none (3.0 requires it).
///
/// ```
/// use serde_json::json;
/// let document = json!({
///     "openapi": "3.1.0",
///     "info": { "title": "T", "version": "1" },
///     "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
///     "components": { "schemas": { "Thing": {
///         "type": "object",
///         "properties": {
///             "name": { "type": ["string", "null"] },
///             "kind": { "const": "thing" },
///             "size": { "type": "integer", "exclusiveMinimum": 0 }
///         }
///     } } }
/// });
/// let old = hookwire::schema::openapi_30(&document);
/// assert_eq!(old["openapi"], "3.0.3");
/// assert_eq!(old["paths"], json!({}));
/// let thing = &old["components"]["schemas"]["Thing"]["properties"];
/// assert_eq!(thing["name"], json!({ "type": "string", "nullable": true }));
/// assert_eq!(thing["kind"], json!({ "enum": ["thing"] }));
/// assert_eq!(thing["size"], json!({ "type": "integer", "minimum": 0, "exclusiveMinimum": true }));
/// ```
pub fn openapi_30(document: &Value) -> Value {
    let mut document = document.clone();
    let Value::Object(root) = &mut document else {
        return document;
    };
    root.insert("openapi".into(), OPENAPI_30.into());
    root.remove("jsonSchemaDialect");
    if let Some(webhooks) = root.remove("webhooks") {
        root.insert("x-webhooks".into(), webhooks);
    }
    root.entry("paths").or_insert_with(|| json!({}));
    for (key, value) in root.iter_mut() {
        if key == "components" {
            if let Some(Value::Object(schemas)) = value.get_mut("schemas") {
                schemas.values_mut().for_each(schema);
            }
            if let Value::Object(components) = value {
                for (kind, entries) in components.iter_mut() {
                    if kind != "schemas" {
                        operations(entries);
                    }
                }
            }
        } else {
            operations(value);
        }
    }
    document
}

/// Rewrites every `schema` member found below `value` (parameters, media types, headers).
fn operations(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "schema" {
                    schema(child);
                } else {
                    operations(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(operations),
        _ => {}
    }
}

/// Rewrites one schema, and its subschemas, into a 3.0 Schema Object.
fn schema(value: &mut Value) {
    let map = match value {
        Value::Bool(true) => {
            *value = json!({});
            return;
        }
        Value::Bool(false) => {
            *value = json!({ "not": {} });
            return;
        }
        Value::Object(map) => map,
        _ => return,
    };
    let mut nullable = false;
    if let Some(kind) = map.remove("type") {
        match kind {
            Value::Array(kinds) => {
                let mut kinds: Vec<Value> = kinds;
                let before = kinds.len();
                kinds.retain(|kind| kind != "null");
                nullable = kinds.len() != before;
                match kinds.len() {
                    0 => {}
                    1 => {
                        map.insert("type".into(), kinds.remove(0));
                    }
                    _ => {
                        let any: Vec<Value> =
                            kinds.into_iter().map(|k| json!({ "type": k })).collect();
                        map.insert("anyOf".into(), Value::Array(any));
                    }
                }
            }
            Value::String(kind) if kind == "null" => nullable = true,
            other => {
                map.insert("type".into(), other);
            }
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            let before = branches.len();
            branches.retain(|branch| branch.get("type").and_then(Value::as_str) != Some("null"));
            if branches.len() != before {
                nullable = true;
                if branches.len() == 1 {
                    let only = branches.remove(0);
                    map.remove(key);
                    map.insert("allOf".into(), json!([only]));
                }
            }
        }
    }
    if let Some(constant) = map.remove("const") {
        map.insert("enum".into(), json!([constant]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples")
        && !examples.is_empty()
    {
        map.entry("example").or_insert_with(|| examples.remove(0));
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound) = map
            .get(exclusive)
            .filter(|bound| bound.is_number())
            .cloned()
        {
            map.insert(inclusive.into(), bound);
            map.insert(exclusive.into(), true.into());
        }
    }
    if let Some(Value::Array(items)) = map.remove("prefixItems") {
        let count = items.len();
        map.entry("items")
            .or_insert_with(|| json!({ "anyOf": items }));
        map.entry("minItems").or_insert(count.into());
        map.entry("maxItems").or_insert(count.into());
    }
    if map
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        map.remove("required");
    }
    map.retain(|key, _| key.starts_with("x-") || SCHEMA_30.contains(&key.as_str()));
    if nullable {
        map.insert("nullable".into(), true.into());
    }
    if map.len() > 1
        && let Some(reference) = map.remove("$ref")
    {
        let target = json!({ "$ref": reference });
        match map.get_mut("allOf") {
            Some(Value::Array(all)) => all.insert(0, target),
            _ => {
                map.insert("allOf".into(), json!([target]));
            }
        }
    }
    subschemas(map);
}

/// Rewrites the subschemas of a schema object.
fn subschemas(map: &mut Map<String, Value>) {
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            if key == "additionalProperties" && child.is_boolean() {
                continue;
            }
            schema(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children.iter_mut().for_each(schema);
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        properties.values_mut().for_each(schema);
    }
}
