use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderSent {}

#[derive(Events)]
pub enum ShopEvent {
    OrderShipped(OrderShipped),
    OrderSent(OrderSent),
}

fn main() {}
