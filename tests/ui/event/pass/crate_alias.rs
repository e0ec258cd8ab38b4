// The runtime reached through a re-export, as a framework built on hookwire would.
mod framework {
    pub use hookwire;
}

use hookwire::{JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, hookwire::Event)]
#[hookwire(event = "order.shipped", crate = "crate::framework::hookwire")]
pub struct OrderShipped {
    pub order_id: String,
}

#[derive(hookwire::Events)]
#[hookwire(crate = "crate::framework::hookwire")]
pub enum ShopEvent {
    OrderShipped(OrderShipped),
}

fn main() {
    use framework::hookwire::{Event, Events};
    assert_eq!(OrderShipped::TYPE, "order.shipped");
    assert_eq!(ShopEvent::TYPES, ["order.shipped"]);
}
