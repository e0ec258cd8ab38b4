// Documenting one event needs `JsonSchema`.
use hookwire::Event;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Event)]
#[hookwire(event = "push")]
pub struct Push {
    pub after: String,
}

fn main() {
    let _ = hookwire::schema::event_schema::<Push>();
}
