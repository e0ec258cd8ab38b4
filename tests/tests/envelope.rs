//! Reading envelopes: unknown types are kept, bad input gets a typed error, nothing panics.

use hookwire::{EnvelopeError, Event, Events, JsonSchema, Parsed, Timestamp, schemars};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.created")]
struct OrderCreated {
    order_id: String,
    quantity: u32,
}

#[derive(Debug, PartialEq, Events)]
enum Shop {
    Created(OrderCreated),
    Shipped(OrderShipped),
}

#[test]
fn members_in_any_order_and_extra_members_are_accepted() {
    let body = br#"{"data":{"order_id":"1"},"id":"evt_1","timestamp":"2024-01-01T00:00:00Z","type":"order.shipped"}"#;
    let Parsed::Known(envelope) = Shop::from_envelope(body).unwrap() else {
        panic!("known event came back unknown")
    };
    assert_eq!(
        envelope.data,
        Shop::Shipped(OrderShipped {
            order_id: "1".into()
        })
    );
    assert_eq!(envelope.timestamp.unix_seconds(), 1_704_067_200);
}

#[test]
fn unknown_types_keep_their_raw_payload() {
    let body = br#"{"type":"order.refunded","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"1", "amount": "5.00"}}"#;
    match Shop::from_envelope(body).unwrap() {
        Parsed::Unknown(unknown) => {
            assert_eq!(unknown.event_type, "order.refunded");
            assert_eq!(unknown.data.get(), r#"{"order_id":"1", "amount": "5.00"}"#);
            assert_eq!(
                unknown.to_string(),
                "unknown event `order.refunded` at 2024-01-01T00:00:00Z"
            );
        }
        Parsed::Known(_) => panic!("an unlisted type was parsed"),
    }
}

#[test]
fn escaped_type_names_are_compared_after_unescaping() {
    let body = br#"{"type":"order\u002eshipped","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"1"}}"#;
    assert!(matches!(Shop::from_envelope(body), Ok(Parsed::Known(_))));
}

#[test]
fn data_that_does_not_match_a_listed_type_is_a_data_error() {
    let body = br#"{"type":"order.created","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"1","quantity":-1}}"#;
    match Shop::from_envelope(body) {
        Err(EnvelopeError::Data { event_type, source }) => {
            assert_eq!(event_type, "order.created");
            assert!(source.to_string().contains("invalid value"), "{source}");
        }
        other => panic!("expected a data error, got {other:?}"),
    }
}

#[test]
fn malformed_envelopes_are_malformed_errors() {
    let cases: &[&[u8]] = &[
        b"",
        b"null",
        b"[]",
        b"{}",
        br#"{"type":"order.shipped","data":{"order_id":"1"}}"#,
        br#"{"type":"order.shipped","timestamp":"2024-01-01T00:00:00Z"}"#,
        br#"{"type":1,"timestamp":"2024-01-01T00:00:00Z","data":{}}"#,
        br#"{"type":"order.shipped","timestamp":"yesterday","data":{"order_id":"1"}}"#,
        br#"{"type":"order.shipped","timestamp":1704067200,"data":{"order_id":"1"}}"#,
        br#"{"type":"order.shipped","timestamp":"2024-01-01T00:00:00Z","data":{"order_id":"1"}} trailing"#,
        b"{\"type\":\"order.shipped\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"data\":{\"order_id\":\"\xff\xfe\"}}",
        b"\xef\xbb\xbf{}",
    ];
    for body in cases {
        match Shop::from_envelope(body) {
            Err(EnvelopeError::Malformed(error)) => {
                let message = EnvelopeError::Malformed(error).to_string();
                assert!(
                    message.starts_with("the body is not a webhook envelope"),
                    "{message}"
                );
            }
            other => panic!(
                "{:?}: expected Malformed, got {other:?}",
                String::from_utf8_lossy(body)
            ),
        }
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_stack_overflow() {
    let mut body = String::from(r#"{"type":"x","timestamp":"2024-01-01T00:00:00Z","data":"#);
    body.push_str(&"[".repeat(100_000));
    assert!(matches!(
        Shop::from_envelope(body.as_bytes()),
        Err(EnvelopeError::Malformed(_))
    ));
}

#[test]
fn to_envelope_writes_type_timestamp_data_in_that_order() {
    let event = Shop::Created(OrderCreated {
        order_id: "7".into(),
        quantity: 2,
    });
    let bytes = event
        .to_envelope(Timestamp::from_unix_nanos(1_704_067_200, 5_000_000))
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&bytes).unwrap(),
        r#"{"type":"order.created","timestamp":"2024-01-01T00:00:00.005Z","data":{"order_id":"7","quantity":2}}"#
    );
}

#[test]
fn serialization_errors_are_returned_not_panicked() {
    use std::collections::BTreeMap;

    #[derive(Serialize, Deserialize, JsonSchema, Event)]
    #[hookwire(event = "map.keys")]
    struct TupleKeys {
        map: BTreeMap<(u8, u8), u8>,
    }

    #[derive(Events)]
    enum Maps {
        Keys(TupleKeys),
    }

    let event = Maps::Keys(TupleKeys {
        map: BTreeMap::from([((1, 2), 3)]),
    });
    assert!(event.to_envelope(Timestamp::from_unix(0)).is_err());
}

/// One event per provider, named as the provider names it.
mod providers {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize, Event)]
    #[hookwire(event = "orders/create")]
    pub(super) struct ShopifyOrderCreate {
        pub(super) id: u64,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize, Event)]
    #[hookwire(event = "pull_request")]
    pub(super) struct GitHubPullRequest {
        pub(super) action: String,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize, Event)]
    #[hookwire(event = "payment_intent.succeeded")]
    pub(super) struct StripePaymentIntent {
        pub(super) amount: u64,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize, Event)]
    #[hookwire(event = "app_mention")]
    pub(super) struct SlackAppMention {
        pub(super) text: String,
    }

    #[derive(Debug, PartialEq, Events)]
    pub(super) enum Providers {
        Shopify(ShopifyOrderCreate),
        GitHub(GitHubPullRequest),
        Stripe(StripePaymentIntent),
        Slack(SlackAppMention),
    }
}

#[test]
fn every_providers_names_round_trip_through_envelopes() {
    use providers::*;
    let events = [
        Providers::Shopify(ShopifyOrderCreate { id: 820_982_911 }),
        Providers::GitHub(GitHubPullRequest {
            action: "opened".into(),
        }),
        Providers::Stripe(StripePaymentIntent { amount: 2000 }),
        Providers::Slack(SlackAppMention {
            text: "<@U0LAN0Z89> is it everything a river should be?".into(),
        }),
    ];
    let names = [
        "orders/create",
        "pull_request",
        "payment_intent.succeeded",
        "app_mention",
    ];
    assert_eq!(Providers::TYPES, names);
    for (event, name) in events.into_iter().zip(names) {
        let bytes = event.to_envelope(Timestamp::from_unix(0)).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(&format!(r#"{{"type":"{name}""#)), "{text}");
        let Parsed::Known(envelope) = Providers::from_envelope(&bytes).unwrap() else {
            panic!("{name} came back unknown")
        };
        assert_eq!(envelope.event_type(), name);
        assert_eq!(envelope.data, event);
    }
}

#[test]
fn data_before_type_is_parsed_in_the_same_read() {
    let body = br#"{"data":{"order_id":"1","quantity":2},"timestamp":"2024-01-01T00:00:00Z","type":"order.created"}"#;
    let Parsed::Known(envelope) = Shop::from_envelope(body).unwrap() else {
        panic!("known event came back unknown")
    };
    assert_eq!(
        envelope.data,
        Shop::Created(OrderCreated {
            order_id: "1".into(),
            quantity: 2
        })
    );
    let wrong =
        br#"{"data":{"order_id":1},"timestamp":"2024-01-01T00:00:00Z","type":"order.created"}"#;
    match Shop::from_envelope(wrong) {
        Err(EnvelopeError::Data { event_type, .. }) => assert_eq!(event_type, "order.created"),
        other => panic!("{other:?}"),
    }
}
