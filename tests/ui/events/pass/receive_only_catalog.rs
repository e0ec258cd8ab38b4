// A catalog of events that are only received parses envelopes; it is neither sent nor
// documented, so its events need no `Serialize` or `JsonSchema`.
use hookwire::{Event, Events, Parsed};
use serde::Deserialize;

#[derive(Debug, Deserialize, Event)]
#[hookwire(event = "push")]
pub struct Push {
    pub after: String,
}

#[derive(Debug, Deserialize, Event)]
#[hookwire(event = "ping")]
pub struct Ping {
    pub zen: String,
}

#[derive(Debug, Events)]
pub enum GitHubEvent {
    Push(Push),
    Ping(Ping),
}

fn main() {
    let body = br#"{"type":"push","timestamp":"2024-01-01T00:00:00Z","data":{"after":"abc"}}"#;
    match GitHubEvent::from_envelope(body).unwrap() {
        Parsed::Known(envelope) => assert_eq!(envelope.event_type(), "push"),
        Parsed::Unknown(_) => panic!("push is listed"),
    }
}
