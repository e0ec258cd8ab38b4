use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped!")]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {}
