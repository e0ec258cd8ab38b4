use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

/// An order left the warehouse.
///
/// Sent once per shipment.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped", version = "2024-06-01")]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {
    assert_eq!(OrderShipped::TYPE, "order.shipped");
    assert_eq!(OrderShipped::VERSION, Some("2024-06-01"));
    assert_eq!(
        OrderShipped::DESCRIPTION,
        Some("An order left the warehouse.\n\nSent once per shipment.")
    );
    assert!(!OrderShipped::DEPRECATED);
}
