use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {}

#[derive(Events)]
#[hookwire(event = "shop")]
pub enum ShopEvent {
    OrderShipped(OrderShipped),
}

fn main() {}
