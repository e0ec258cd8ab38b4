use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "orders/create")]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {}
