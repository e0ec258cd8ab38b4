use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {}

#[derive(Events)]
pub enum ShopEvent {
    Shipped(OrderShipped),
    AlsoShipped(OrderShipped),
}

fn main() {}
