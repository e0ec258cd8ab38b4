use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {}
