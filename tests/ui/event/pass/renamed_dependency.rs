// `hookwire` under another name. The real renamed dependency (`hw = { package = "hookwire" }` in
// Cargo.toml) is tested by the `tests/renamed` crate; here an `extern crate` alias stands in.
extern crate hookwire as hw;

use hw::{JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, hw::Event)]
#[hookwire(crate = "hw", event = "order.shipped")]
pub struct OrderShipped {
    pub order_id: String,
}

#[derive(hw::Events)]
#[hookwire(crate = "hw")]
pub enum ShopEvent {
    OrderShipped(OrderShipped),
}

fn main() {
    use hw::{Event, Events};
    assert_eq!(OrderShipped::TYPE, "order.shipped");
    assert_eq!(ShopEvent::TYPES, ["order.shipped"]);
}
