//! The shop's two seed payloads parse into its types, round-trip to equal JSON, and validate
//! against the generated schemas; every shop event does the same through the envelope.

use hookwire::schema::{envelope_schema, event_schema};
use hookwire::{Events, JsonSchema, Parsed, Timestamp};
use hookwire_example_shop::{
    ApiResponse, ApiStatus, CancellationReason, Customer, LineItem, Money, OrderCancelled,
    OrderCreated, OrderShipped, OrderStatus, PaymentFailed, PaymentMethod, PaymentSucceeded,
    Product, ShopEvent,
};
use hookwire_tests::{assert_invalid, assert_valid};
use serde_json::{Value, json};

const PRODUCT_RESPONSE: &str =
    include_str!("../../examples/shop/fixtures/get_product.response.json");
const ORDER_SHIPPED: &str = include_str!("../../examples/shop/fixtures/order.shipped.data.json");

fn money(amount: &str) -> Money {
    Money::new(amount).unwrap()
}

fn response_schema() -> Value {
    hookwire::schema::settings()
        .into_generator()
        .into_root_schema_for::<ApiResponse<Product>>()
        .to_value()
}

#[test]
fn the_seed_payloads_are_byte_for_byte_what_the_issue_gives() {
    assert_eq!(
        PRODUCT_RESPONSE,
        r#"{"status": "success", "data": {"product_id": "12345", "name": "Sample Product", "price": "19.99", "quantity": "100", "category": "Electronics"}}"#
    );
    assert_eq!(
        ORDER_SHIPPED,
        r#"{"order_id": "98765", "status": "shipped", "total": "99.99", "items": [{"product_id": "54321", "quantity": 2, "price": "49.99"}]}"#
    );
}

#[test]
fn product_response_parses_round_trips_and_validates() {
    let response: ApiResponse<Product> = serde_json::from_str(PRODUCT_RESPONSE).unwrap();
    assert_eq!(response.status, ApiStatus::Success);
    assert_eq!(response.data, Product::example());
    let original: Value = serde_json::from_str(PRODUCT_RESPONSE).unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), original);
    assert_valid(&response_schema(), &original);
}

#[test]
fn order_shipped_parses_round_trips_and_validates() {
    let event: OrderShipped = serde_json::from_str(ORDER_SHIPPED).unwrap();
    assert_eq!(event, OrderShipped::example());
    let original: Value = serde_json::from_str(ORDER_SHIPPED).unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), original);
    assert_valid(&event_schema::<OrderShipped>().to_value(), &original);
}

#[test]
fn money_is_a_decimal_string_with_a_pattern() {
    let schema = event_schema::<OrderShipped>().to_value();
    assert_eq!(
        schema
            .pointer("/$defs/Money/pattern")
            .and_then(Value::as_str),
        Some(hookwire_example_shop::MONEY_PATTERN)
    );
    let mut wrong: Value = serde_json::from_str(ORDER_SHIPPED).unwrap();
    for bad in [json!(99.99), json!("99.999"), json!("€99"), json!("")] {
        wrong["total"] = bad.clone();
        assert_invalid(&schema, &wrong);
        assert!(
            serde_json::from_value::<OrderShipped>(wrong.clone()).is_err(),
            "{bad}"
        );
    }
}

fn every_event() -> Vec<ShopEvent> {
    let items = vec![LineItem {
        product_id: "54321".into(),
        quantity: 2,
        price: money("49.99"),
    }];
    vec![
        ShopEvent::OrderCreated(OrderCreated {
            order_id: "98765".into(),
            status: OrderStatus::Pending,
            total: money("99.98"),
            currency: "EUR".into(),
            customer: Customer {
                customer_id: "cus_42".into(),
                email: "ada@example.com".into(),
            },
            items: items.clone(),
            created_at: Timestamp::from_unix_nanos(1_700_000_000, 250_000_000),
        }),
        ShopEvent::OrderShipped(OrderShipped::example()),
        ShopEvent::OrderShipped(OrderShipped {
            tracking: Some(hookwire_example_shop::Tracking {
                carrier: "DHL".into(),
                number: "JD014600006281230704".into(),
            }),
            ..OrderShipped::example()
        }),
        ShopEvent::OrderCancelled(OrderCancelled {
            order_id: "98765".into(),
            status: OrderStatus::Cancelled,
            reason: CancellationReason::OutOfStock,
            refund: Some(money("99.98")),
        }),
        ShopEvent::PaymentSucceeded(PaymentSucceeded {
            payment_id: "pay_1".into(),
            order_id: "98765".into(),
            amount: money("99.98"),
            currency: "EUR".into(),
            method: PaymentMethod::Card {
                brand: "visa".into(),
                last4: "4242".into(),
            },
        }),
        ShopEvent::PaymentFailed(PaymentFailed {
            payment_id: "pay_2".into(),
            order_id: "98765".into(),
            amount: money("99.98"),
            currency: "EUR".into(),
            failure_code: "card_declined".into(),
            failure_message: "Your card was declined.".into(),
            retryable: false,
        }),
    ]
}

/// The envelope schema of the event inside `event`.
fn envelope_schema_of(event: &ShopEvent) -> Value {
    match event {
        ShopEvent::OrderCreated(_) => envelope_schema::<OrderCreated>(),
        ShopEvent::OrderShipped(_) => envelope_schema::<OrderShipped>(),
        ShopEvent::OrderCancelled(_) => envelope_schema::<OrderCancelled>(),
        ShopEvent::PaymentSucceeded(_) => envelope_schema::<PaymentSucceeded>(),
        ShopEvent::PaymentFailed(_) => envelope_schema::<PaymentFailed>(),
    }
    .to_value()
}

#[test]
fn every_event_round_trips_through_its_envelope_and_validates() {
    let timestamp = Timestamp::from_unix_nanos(1_700_000_000, 123_000_000);
    for event in every_event() {
        let bytes = event.to_envelope(timestamp).unwrap();
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["type"], event.event_type());
        assert_eq!(json["timestamp"], "2023-11-14T22:13:20.123Z");
        assert_valid(&envelope_schema_of(&event), &json);
        match ShopEvent::from_envelope(&bytes).unwrap() {
            Parsed::Known(envelope) => {
                assert_eq!(envelope.data, event);
                assert_eq!(envelope.timestamp, timestamp);
            }
            Parsed::Unknown(unknown) => panic!("{} came back unknown", unknown.event_type),
        }
    }
}

#[test]
fn an_envelope_of_another_event_type_is_rejected_by_the_schema() {
    let bytes = ShopEvent::OrderShipped(OrderShipped::example())
        .to_envelope(Timestamp::from_unix(0))
        .unwrap();
    let mut json: Value = serde_json::from_slice(&bytes).unwrap();
    json["type"] = json!("order.created");
    assert_invalid(&envelope_schema::<OrderShipped>().to_value(), &json);
}

#[test]
fn the_catalog_lists_the_shop_events_in_order() {
    assert_eq!(
        ShopEvent::TYPES,
        [
            "order.created",
            "order.shipped",
            "order.cancelled",
            "payment.succeeded",
            "payment.failed"
        ]
    );
    assert_eq!(Money::schema_name(), "Money");
}
