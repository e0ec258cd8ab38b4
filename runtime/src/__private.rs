//! What generated code needs from the runtime. Not public API: names here may change in any
//! release.

pub use http;
pub use serde::{Deserializer, Serialize, Serializer};

use serde::de::DeserializeOwned;

use crate::event::Event;

/// What a generic event type must be for `#[derive(Event)]` to implement `Event` for it.
pub trait EventBounds: Serialize + DeserializeOwned + schemars::JsonSchema {}

impl<T: Serialize + DeserializeOwned + schemars::JsonSchema> EventBounds for T {}

/// The type name of an event value.
pub fn type_of<E: Event>(_: &E) -> &'static str {
    E::TYPE
}

/// The index of `event_type` in a catalog's list.
pub fn position(types: &[&str], event_type: &str) -> Option<usize> {
    types.iter().position(|listed| *listed == event_type)
}

/// Serializes one event's data.
pub fn serialize_data<E: Event, S: Serializer>(
    event: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    event.serialize(serializer)
}

/// Parses one event's data.
pub fn from_data<'de, E: Event, D: Deserializer<'de>>(data: D) -> Result<E, D::Error> {
    E::deserialize(data)
}

/// Fails compilation when `types[index]` equals an earlier entry.
pub const fn assert_unique_type(types: &[&str], index: usize) {
    if index >= types.len() {
        return;
    }
    let name = types[index].as_bytes();
    let mut earlier = 0;
    while earlier < index {
        if bytes_eq(types[earlier].as_bytes(), name) {
            panic!(
                "duplicate event type: this variant's event has the same type name as an \
                 earlier variant's; each event type may be listed once"
            );
        }
        earlier += 1;
    }
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
