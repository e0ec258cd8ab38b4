// Every event is received, so it must be `Deserialize`.
use hookwire::Event;
use serde::Serialize;

#[derive(Serialize, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {}
