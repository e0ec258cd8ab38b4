//! Every serde attribute the issue names is reflected in the generated schema: sample values
//! are serialized and validated against it, and values that break the attribute's contract
//! are rejected.

use std::collections::BTreeMap;

use hookwire::schema::event_schema;
use hookwire::{DescribeEvent, Event, JsonSchema, schemars};
use hookwire_tests::{assert_invalid, assert_valid};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn schema<E: DescribeEvent>() -> Value {
    event_schema::<E>().to_value()
}

fn check<E: DescribeEvent + Serialize>(samples: &[E]) -> Value {
    let schema = schema::<E>();
    for sample in samples {
        let value = serde_json::to_value(sample).unwrap();
        assert_valid(&schema, &value);
        let back: E = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(back).unwrap(), value);
    }
    schema
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.rename")]
#[serde(rename_all = "camelCase")]
struct Renamed {
    order_id: String,
    #[serde(rename = "TOTAL")]
    total_amount: u64,
}

#[test]
fn rename_and_rename_all() {
    let schema = check(&[Renamed {
        order_id: "1".into(),
        total_amount: 5,
    }]);
    assert_eq!(schema["required"], json!(["orderId", "TOTAL"]));
    assert_invalid(&schema, &json!({"order_id": "1", "total_amount": 5}));
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.tagged")]
#[serde(tag = "kind", rename_all = "snake_case")]
enum InternallyTagged {
    Card { last4: String },
    BankTransfer { iban: String },
}

#[test]
fn internally_tagged_enum() {
    let schema = check(&[
        InternallyTagged::Card {
            last4: "4242".into(),
        },
        InternallyTagged::BankTransfer {
            iban: "DE89".into(),
        },
    ]);
    assert_invalid(&schema, &json!({"kind": "cheque", "number": "1"}));
    assert_invalid(&schema, &json!({"kind": "card", "iban": "DE89"}));
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.adjacent")]
#[serde(tag = "t", content = "c")]
enum AdjacentlyTagged {
    Amount(u32),
    Note(String),
}

#[test]
fn adjacently_tagged_enum() {
    let schema = check(&[
        AdjacentlyTagged::Amount(3),
        AdjacentlyTagged::Note("hi".into()),
    ]);
    assert_invalid(&schema, &json!({"t": "Amount", "c": "three"}));
    assert_invalid(&schema, &json!({"Amount": 3}));
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.untagged")]
#[serde(untagged)]
enum Untagged {
    Id(u64),
    Named { name: String },
}

#[test]
fn untagged_enum() {
    let schema = check(&[Untagged::Id(7), Untagged::Named { name: "x".into() }]);
    assert_invalid(&schema, &json!(true));
    assert_invalid(&schema, &json!({"id": 7}));
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Address {
    city: String,
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.flatten")]
struct Flattened {
    name: String,
    #[serde(flatten)]
    address: Address,
    #[serde(flatten)]
    extra: BTreeMap<String, u32>,
}

#[test]
fn flatten() {
    let schema = check(&[Flattened {
        name: "Ada".into(),
        address: Address {
            city: "London".into(),
        },
        extra: BTreeMap::from([("floor".into(), 3)]),
    }]);
    assert_valid(&schema, &json!({"name": "Ada", "city": "London"}));
    assert_invalid(
        &schema,
        &json!({"name": "Ada", "address": {"city": "London"}}),
    );
    assert_invalid(
        &schema,
        &json!({"name": "Ada", "city": "London", "floor": "three"}),
    );
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.optional")]
struct Optional {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    note: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    tags: Vec<String>,
    #[serde(default)]
    count: u32,
}

#[test]
fn skip_serializing_if_and_default() {
    let schema = check(&[
        Optional {
            note: None,
            tags: vec![],
            count: 0,
        },
        Optional {
            note: Some("n".into()),
            tags: vec!["a".into()],
            count: 2,
        },
    ]);
    // Skipped fields may be absent; `default` fields are always serialized, so the serialize
    // contract requires them.
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    assert!(!required.contains(&json!("note")));
    assert!(!required.contains(&json!("tags")));
    assert!(required.contains(&json!("count")), "{schema}");
    assert_invalid(&schema, &json!({"note": "n"}));
}

/// A payload generic over its line type.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "fidelity.generic")]
struct Batch<T> {
    lines: Vec<T>,
}

#[test]
fn generic_payloads_get_their_parameters_schema() {
    let schema = check(&[Batch {
        lines: vec![1u8, 2],
    }]);
    assert_invalid(&schema, &json!({"lines": ["x"]}));
    assert_eq!(<Batch<u8> as Event>::TYPE, "fidelity.generic");
    assert_eq!(
        <Batch<String> as Event>::DESCRIPTION,
        Some("A payload generic over its line type.")
    );
}
