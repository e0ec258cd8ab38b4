// Sending needs `Serialize` on every event of the catalog.
use hookwire::{Event, Events, Timestamp};
use serde::Deserialize;

#[derive(Deserialize, Event)]
#[hookwire(event = "push")]
pub struct Push {
    pub after: String,
}

#[derive(Events)]
pub enum GitHubEvent {
    Push(Push),
}

fn main() {
    let event = GitHubEvent::Push(Push { after: "abc".into() });
    let _ = event.to_envelope(Timestamp::from_unix(0));
}
