use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(evnt = "order.shipped")]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {}
