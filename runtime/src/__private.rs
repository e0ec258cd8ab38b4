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

/// The index of the first entry of `types` whose name an earlier entry already has, or
/// `usize::MAX` when all are distinct. `N` is `types.len()`.
///
/// Runs at compile time for every catalog, so it sorts 64-bit hashes (O(n log n) cheap steps)
/// instead of comparing every pair of names, and compares names only for equal hashes.
pub const fn first_duplicate<const N: usize>(types: &[&str]) -> usize {
    let mut keys = [(0u64, 0usize); N];
    let mut i = 0;
    while i < N && i < types.len() {
        keys[i] = (fnv1a(types[i].as_bytes()), i);
        i += 1;
    }
    heap_sort(&mut keys);
    let mut first = usize::MAX;
    let mut i = 1;
    while i < N {
        let (a, b) = (keys[i - 1], keys[i]);
        if a.0 == b.0 && bytes_eq(types[a.1].as_bytes(), types[b.1].as_bytes()) {
            let later = if a.1 > b.1 { a.1 } else { b.1 };
            if later < first {
                first = later;
            }
        }
        i += 1;
    }
    first
}

/// Fails compilation: called, spanned on the variant at fault, when `first_duplicate` finds one.
pub const fn duplicate_event_type() {
    panic!(
        "duplicate event type: this variant's event has the same type name as an earlier \
         variant's; each event type may be listed once"
    );
}

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u64).wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

const fn heap_sort<const N: usize>(keys: &mut [(u64, usize); N]) {
    let mut start = N / 2;
    while start > 0 {
        start -= 1;
        sift_down(keys, start, N);
    }
    let mut end = N;
    while end > 1 {
        end -= 1;
        let top = keys[0];
        keys[0] = keys[end];
        keys[end] = top;
        sift_down(keys, 0, end);
    }
}

const fn sift_down<const N: usize>(keys: &mut [(u64, usize); N], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && keys[child].0 < keys[child + 1].0 {
            child += 1;
        }
        if keys[root].0 >= keys[child].0 {
            return;
        }
        let swap = keys[root];
        keys[root] = keys[child];
        keys[child] = swap;
        root = child;
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

#[cfg(test)]
mod tests {
    use super::first_duplicate;

    #[test]
    fn finds_the_first_later_duplicate() {
        assert_eq!(first_duplicate::<0>(&[]), usize::MAX);
        assert_eq!(first_duplicate::<3>(&["a", "b", "c"]), usize::MAX);
        assert_eq!(first_duplicate::<4>(&["a", "b", "a", "b"]), 2);
        assert_eq!(first_duplicate::<4>(&["x", "b", "c", "b"]), 3);
        let many: Vec<String> = (0..300).map(|i| format!("resource{i}.changed")).collect();
        let mut names: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(first_duplicate::<300>(&names), usize::MAX);
        names[250] = names[17];
        assert_eq!(first_duplicate::<300>(&names), 250);
    }
}
