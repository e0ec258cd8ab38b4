use hookwire::Events;

/// A service that sends nothing yet.
#[derive(Events)]
pub enum Nothing {}

fn main() {
    assert!(Nothing::TYPES.is_empty());
    assert!(matches!(
        Nothing::from_envelope(br#"{"type":"x","timestamp":"2024-01-01T00:00:00Z","data":1}"#),
        Ok(hookwire::Parsed::Unknown(_))
    ));
}
