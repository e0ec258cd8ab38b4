// Documenting needs `JsonSchema` on every event of the catalog.
use hookwire::schema::OpenApi;
use hookwire::{Event, Events};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Event)]
#[hookwire(event = "push")]
pub struct Push {
    pub after: String,
}

#[derive(Events)]
pub enum GitHubEvent {
    Push(Push),
}

fn main() {
    let _ = OpenApi::new("GitHub", "1").webhooks::<GitHubEvent>();
}
