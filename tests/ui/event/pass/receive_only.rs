// An event that is only received needs `Deserialize` and its name, nothing more.
use hookwire::Event;
use serde::Deserialize;

#[derive(Deserialize, Event)]
#[hookwire(event = "push")]
pub struct Push {
    pub after: String,
}

fn main() {
    assert_eq!(Push::TYPE, "push");
}
