use hookwire::{Event, Events, JsonSchema, Parsed, Timestamp, schemars};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.created")]
pub struct OrderCreated {
    pub order_id: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {
    pub order_id: String,
}

/// Every event the shop sends.
#[derive(Debug, PartialEq, Events)]
pub enum ShopEvent {
    /// A new order.
    OrderCreated(OrderCreated),
    Shipped(OrderShipped),
}

fn main() {
    assert_eq!(ShopEvent::TYPES, ["order.created", "order.shipped"]);
    let event = ShopEvent::Shipped(OrderShipped { order_id: "1".into() });
    assert_eq!(event.event_type(), "order.shipped");
    let bytes = event.to_envelope(Timestamp::from_unix(0)).unwrap();
    match ShopEvent::from_envelope(&bytes).unwrap() {
        Parsed::Known(envelope) => assert_eq!(envelope.data, event),
        Parsed::Unknown(_) => panic!(),
    }
}
