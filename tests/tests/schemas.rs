//! The committed `schemas/` folder matches what the shop's types generate, every schema is a
//! valid draft 2020-12 schema, and the OpenAPI document is valid OpenAPI 3.1 with every `$ref`
//! resolving and every example valid against its schema.

use hookwire::schema::{OpenApi, envelope_schema, event_schema};
use hookwire::{Event, Events, JsonSchema, schemars};
use hookwire_tests::{OPENAPI_31_SCHEMA, assert_valid, component_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

fn shop_document() -> Value {
    hookwire_example_shop::openapi().unwrap()
}

#[test]
fn committed_schemas_match_the_generated_ones() {
    let export = hookwire_example_shop::export().unwrap();
    if let Err(drift) = export.check(&hookwire_example_shop::schemas_dir()) {
        panic!(
            "schemas/ is out of date with the shop's types:\n{drift}\n\
             Regenerate it with:\n\n    cargo run -p hookwire-example-shop -- export\n"
        );
    }
}

#[test]
fn openapi_document_is_valid_openapi_3_1() {
    let schema: Value = serde_json::from_str(OPENAPI_31_SCHEMA).unwrap();
    assert_valid(&schema, &shop_document());
}

#[test]
fn the_official_openapi_schema_rejects_a_broken_document() {
    // Guards the test above: the fixture does reject documents.
    let schema: Value = serde_json::from_str(OPENAPI_31_SCHEMA).unwrap();
    let mut broken = shop_document();
    broken["webhooks"]["order.shipped"]["post"]["responses"] = Value::from("none");
    assert!(!hookwire_tests::validator(&schema).is_valid(&broken));
}

/// Every subschema of `value` that looks like a schema with `examples`, with its JSON pointer.
fn examples_in(value: &Value, pointer: String, out: &mut Vec<(String, Vec<Value>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(examples)) = map.get("examples") {
                out.push((pointer.clone(), examples.clone()));
            }
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                examples_in(child, format!("{pointer}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                examples_in(child, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference.clone());
            }
            map.values().for_each(|child| refs_in(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| refs_in(child, out)),
        _ => {}
    }
}

#[test]
fn every_ref_resolves_into_components_schemas() {
    let document = shop_document();
    let mut refs = Vec::new();
    refs_in(&document, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference} does not point into components.schemas"));
        assert!(
            document["components"]["schemas"].get(name).is_some(),
            "{reference} does not resolve"
        );
    }
}

#[test]
fn every_component_schema_is_a_valid_2020_12_schema() {
    let document = shop_document();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    assert!(schemas.len() >= 10, "{:?}", schemas.keys());
    for (name, schema) in schemas {
        if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
            panic!("components.schemas.{name} is not a 2020-12 schema: {error}");
        }
    }
}

#[test]
fn every_exported_schema_is_a_valid_2020_12_schema() {
    let export = hookwire_example_shop::export().unwrap();
    let documents = ["openapi.json", "openapi-3.0.json", "asyncapi.json"];
    for path in export.paths().filter(|path| !documents.contains(path)) {
        let schema: Value = serde_json::from_str(export.contents(path).unwrap()).unwrap();
        assert_eq!(schema["$schema"], hookwire::schema::DIALECT, "{path}");
        if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{path} is not a 2020-12 schema: {error}");
        }
    }
}

#[test]
fn every_example_validates_against_its_schema() {
    let document = shop_document();
    let mut found = Vec::new();
    examples_in(&document, String::new(), &mut found);
    // Money, Product is not a webhook, OrderShipped: at least the two in the shop's events.
    assert!(found.len() >= 2, "{found:?}");
    for (pointer, examples) in found {
        let name = pointer
            .strip_prefix("/components/schemas/")
            .expect("examples live on component schemas");
        let schema = component_schema(&document, name);
        for example in examples {
            assert_valid(&schema, &example);
        }
    }
}

#[test]
fn webhook_operations_carry_what_a_sender_needs() {
    let document = shop_document();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["jsonSchemaDialect"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let webhooks = document["webhooks"].as_object().unwrap();
    assert_eq!(webhooks.len(), 5);
    let mut operation_ids = Vec::new();
    for (name, item) in webhooks {
        let post = &item["post"];
        operation_ids.push(post["operationId"].as_str().unwrap().to_owned());
        assert!(post["description"].is_string(), "{name}");
        let headers: Vec<&str> = post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            headers,
            ["webhook-id", "webhook-timestamp", "webhook-signature"]
        );
        let body = &post["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["properties"]["type"]["const"], name.as_str());
        assert_eq!(body["properties"]["timestamp"]["format"], "date-time");
        for status in ["2XX", "4XX", "410", "5XX"] {
            assert!(
                post["responses"][status]["description"].is_string(),
                "{name} {status}"
            );
        }
    }
    operation_ids.sort();
    assert_eq!(
        operation_ids,
        [
            "orderCancelled",
            "orderCreated",
            "orderShipped",
            "paymentFailed",
            "paymentSucceeded"
        ]
    );
}

mod billing {
    use super::*;

    /// A billing line.
    #[derive(Serialize, Deserialize, JsonSchema)]
    pub(super) struct Item {
        pub(super) invoice_id: String,
    }

    /// An invoice was paid.
    #[derive(Serialize, Deserialize, JsonSchema, Event)]
    #[hookwire(event = "invoice.paid")]
    pub(super) struct InvoicePaid {
        pub(super) items: Vec<Item>,
    }
}

#[allow(deprecated)]
mod catalog {
    use super::*;

    /// A catalogue item.
    #[derive(Serialize, Deserialize, JsonSchema)]
    pub(super) struct Item {
        pub(super) sku: String,
    }

    /// An item was restocked.
    #[derive(Serialize, Deserialize, JsonSchema, Event)]
    #[hookwire(event = "item.restocked")]
    #[deprecated(note = "use item.updated")]
    pub(super) struct ItemRestocked {
        pub(super) item: Item,
    }
}

#[allow(deprecated)]
#[derive(Events)]
enum Mixed {
    Paid(billing::InvoicePaid),
    Restocked(catalog::ItemRestocked),
}

#[test]
fn two_types_with_one_name_get_two_components() {
    let document = OpenApi::new("Mixed", "1")
        .webhooks::<Mixed>()
        .build()
        .unwrap();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let billing = &schemas["Item"];
    let catalog = &schemas["Item2"];
    assert!(
        billing["properties"].get("invoice_id").is_some(),
        "{billing}"
    );
    assert!(catalog["properties"].get("sku").is_some(), "{catalog}");
    assert_eq!(
        document.pointer("/components/schemas/ItemRestocked/properties/item/$ref"),
        Some(&Value::from("#/components/schemas/Item2"))
    );
    let schema: Value = serde_json::from_str(OPENAPI_31_SCHEMA).unwrap();
    assert_valid(&schema, &document);
}

#[test]
fn deprecated_events_are_marked_in_schema_and_operation() {
    #[allow(deprecated)]
    let schema = event_schema::<catalog::ItemRestocked>();
    assert_eq!(schema.get("deprecated"), Some(&Value::Bool(true)));
    let document = OpenApi::new("Mixed", "1")
        .webhooks::<Mixed>()
        .build()
        .unwrap();
    assert_eq!(
        document["webhooks"]["item.restocked"]["post"]["deprecated"],
        true
    );
    assert!(
        document["webhooks"]["invoice.paid"]["post"]
            .get("deprecated")
            .is_none()
    );
    #[allow(deprecated)]
    let envelope = envelope_schema::<catalog::ItemRestocked>();
    assert_eq!(envelope.get("deprecated"), Some(&Value::Bool(true)));
}
