//! hookwire as a dependency named `hw`: `#[hookwire(crate = "hw")]` points the derives at it.

use hw::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

/// An order left the warehouse.
#[derive(Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(crate = "hw", event = "order.shipped")]
pub struct OrderShipped {
    /// The order.
    pub order_id: String,
}

/// The catalog.
#[derive(Debug, PartialEq, Events)]
#[hookwire(crate = "hw")]
pub enum ShopEvent {
    /// See [`OrderShipped`].
    OrderShipped(OrderShipped),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_resolve_the_renamed_crate() {
        assert_eq!(OrderShipped::TYPE, "order.shipped");
        assert_eq!(ShopEvent::TYPES, ["order.shipped"]);
        let event = ShopEvent::OrderShipped(OrderShipped {
            order_id: "1".into(),
        });
        let bytes = event.to_envelope(hw::Timestamp::from_unix(0)).unwrap();
        let parsed = ShopEvent::from_envelope(&bytes).unwrap().known().unwrap();
        assert_eq!(parsed.data, event);
    }
}
