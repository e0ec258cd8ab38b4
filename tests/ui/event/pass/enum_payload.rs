use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "payment_intent.succeeded")]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PaymentSucceeded {
    Card { last4: String },
    Wallet { provider: String },
}

fn main() {
    assert_eq!(PaymentSucceeded::TYPE, "payment_intent.succeeded");
    assert_eq!(PaymentSucceeded::DESCRIPTION, None);
}
