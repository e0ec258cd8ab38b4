//! The shop's other renderings of its contract: the AsyncAPI 3.0 export of the event catalog
//! and the OpenAPI 3.0.3 export, each valid against its official JSON Schema (vendored under
//! `tests/fixtures/`), and each still saying what the 3.1 document says.

use hookwire_tests::{ASYNCAPI_30_SCHEMA, OPENAPI_30_SCHEMA, meta_schema_errors};
use serde_json::Value;

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn assert_conforms(meta_schema: &str, document: &Value, what: &str) {
    let errors = meta_schema_errors(&fixture(meta_schema), document);
    assert!(
        errors.is_empty(),
        "{what} is not valid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn asyncapi_export_is_valid_asyncapi_3_0() {
    let document = hookwire_example_shop::asyncapi();
    assert_conforms(ASYNCAPI_30_SCHEMA, &document, "the AsyncAPI export");
    let events = hookwire::schema::events::<hookwire_example_shop::ShopEvent>();
    assert_eq!(
        document["channels"].as_object().unwrap().len(),
        events.len()
    );
    for event in events {
        let message = &document["components"]["messages"][event.event_type];
        assert_eq!(
            message["payload"]["properties"]["type"]["const"],
            event.event_type
        );
        assert_eq!(message["headers"]["required"][0], "webhook-id");
    }
}

#[test]
fn openapi_30_export_is_valid_openapi_3_0() {
    let document = hookwire::schema::openapi_30(&hookwire_example_shop::openapi().unwrap());
    assert_conforms(OPENAPI_30_SCHEMA, &document, "the OpenAPI 3.0.3 export");
    assert_eq!(document["openapi"], "3.0.3");
    assert!(document["paths"]["/orders"]["post"]["responses"]["400"].is_object());
    assert!(document["x-webhooks"]["order.shipped"]["post"].is_object());
    // Nothing of 2020-12 is left that 3.0 does not know.
    let text = document.to_string();
    for keyword in [
        "\"const\"",
        "\"examples\"",
        "\"$defs\"",
        "\"jsonSchemaDialect\"",
    ] {
        assert!(
            !text.contains(keyword),
            "{keyword} is left in the 3.0 export"
        );
    }
}

#[test]
fn the_official_schemas_reject_broken_documents() {
    // Guards the tests above: the fixtures do reject documents.
    let mut asyncapi = hookwire_example_shop::asyncapi();
    asyncapi["operations"]["orderShipped"]["action"] = "publish".into();
    assert!(!meta_schema_errors(&fixture(ASYNCAPI_30_SCHEMA), &asyncapi).is_empty());

    let mut openapi = hookwire::schema::openapi_30(&hookwire_example_shop::openapi().unwrap());
    openapi["components"]["schemas"]["Money"]["const"] = "1".into();
    assert!(!meta_schema_errors(&fixture(OPENAPI_30_SCHEMA), &openapi).is_empty());
}
