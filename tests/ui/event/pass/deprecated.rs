#![deny(deprecated)]
#![allow(deprecated)]

use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

/// Use `order.updated`.
#[deprecated(note = "use OrderUpdated")]
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.changed")]
pub struct OrderChanged {
    pub order_id: String,
}

fn main() {
    assert!(OrderChanged::DEPRECATED);
}
