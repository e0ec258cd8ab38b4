use hookwire::Event;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Event)]
#[hookwire(event = "order.shipped")]
pub struct OrderShipped {
    pub order_id: String,
}

fn main() {}
