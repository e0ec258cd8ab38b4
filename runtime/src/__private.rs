//! What generated code needs from the runtime. Not public API: names here may change in any
//! release.

#[cfg(feature = "http")]
pub use http;
pub use serde::{Deserializer, Serialize, Serializer};

use serde::de::DeserializeOwned;

use crate::event::Event;

/// What a generic event type must be for `#[derive(Event)]` to implement `Event` for it.
pub trait EventBounds: DeserializeOwned {}

impl<T: DeserializeOwned> EventBounds for T {}

/// Serializes one event's data.
pub fn serialize_data<E: Serialize, S: Serializer>(
    event: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    event.serialize(serializer)
}

/// Parses one event's data.
pub fn from_data<'de, E: Event, D: Deserializer<'de>>(data: D) -> Result<E, D::Error> {
    E::deserialize(data)
}

/// The error for an index past the end of a catalog's `TYPES`.
pub fn no_such_event<E: serde::de::Error>(index: usize) -> E {
    E::custom(format_args!("the catalog lists no event at index {index}"))
}

/// A catalog's type names as `(hash, index)` pairs sorted by hash, computed at compile time:
/// the table [`lookup`] searches and [`first_duplicate`] checks. `N` is `types.len()`.
pub const fn sorted_types<const N: usize>(types: &[&str]) -> [(u64, usize); N] {
    let mut keys = [(0u64, 0usize); N];
    let mut i = 0;
    while i < N && i < types.len() {
        keys[i] = (fnv1a(types[i].as_bytes()), i);
        i += 1;
    }
    heap_sort(&mut keys);
    keys
}

/// The index in `types` of `event_type`: one binary search over the hashes of [`sorted_types`]
/// and one string comparison (more only when hashes collide).
pub fn lookup(sorted: &[(u64, usize)], types: &[&str], event_type: &str) -> Option<usize> {
    let hash = fnv1a(event_type.as_bytes());
    let start = sorted.partition_point(|(key, _)| *key < hash);
    sorted[start..]
        .iter()
        .take_while(|(key, _)| *key == hash)
        .map(|(_, index)| *index)
        .find(|index| types.get(*index) == Some(&event_type))
}

/// The index of the first entry of `types` whose name an earlier entry already has, or
/// `usize::MAX` when all are distinct, from the table [`sorted_types`] made of them.
///
/// Runs at compile time for every catalog; sorting hashes is O(n log n) cheap steps, and names
/// are compared only for equal hashes.
pub const fn first_duplicate(sorted: &[(u64, usize)], types: &[&str]) -> usize {
    let mut first = usize::MAX;
    let mut i = 1;
    while i < sorted.len() {
        let (a, b) = (sorted[i - 1], sorted[i]);
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

/// Expands to its input when hookwire is built with its `schema` feature, to nothing otherwise.
///
/// The derives wrap what they generate for documenting (`DescribeEvents`, `Endpoint`) in it: a
/// proc macro cannot see hookwire's features, but a macro defined in hookwire can.
#[cfg(feature = "schema")]
#[doc(hidden)]
#[macro_export]
macro_rules! __hookwire_if_schema {
    ($($item:tt)*) => { $($item)* };
}

/// Expands to its input when hookwire is built with its `schema` feature, to nothing otherwise.
#[cfg(not(feature = "schema"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __hookwire_if_schema {
    ($($item:tt)*) => {};
}

pub use crate::__hookwire_if_schema as if_schema;

/// The schema of a generated tolerant string enum as its listed values only: schemars wraps
/// an enum with an untagged (`Other(String)`) variant in `anyOf` even when that variant is
/// skipped; the listed values are distinct strings, so one branch is the schema itself and
/// several are a `oneOf`. Used as `#[schemars(transform = ...)]` by `hookwire generate`.
#[cfg(feature = "schema")]
pub fn listed_values_only(schema: &mut schemars::Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    match object.remove("anyOf") {
        Some(serde_json::Value::Array(mut branches)) if branches.len() == 1 => {
            if let Some(serde_json::Value::Object(only)) = branches.pop() {
                for (key, value) in only {
                    object.entry(key).or_insert(value);
                }
            }
        }
        Some(branches) => {
            object.insert("oneOf".into(), branches);
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{first_duplicate, lookup, sorted_types};

    fn duplicate<const N: usize>(types: &[&str]) -> usize {
        first_duplicate(&sorted_types::<N>(types), types)
    }

    #[test]
    fn finds_the_first_later_duplicate() {
        assert_eq!(duplicate::<0>(&[]), usize::MAX);
        assert_eq!(duplicate::<3>(&["a", "b", "c"]), usize::MAX);
        assert_eq!(duplicate::<4>(&["a", "b", "a", "b"]), 2);
        assert_eq!(duplicate::<4>(&["x", "b", "c", "b"]), 3);
        let many: Vec<String> = (0..300).map(|i| format!("resource{i}.changed")).collect();
        let mut names: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(duplicate::<300>(&names), usize::MAX);
        names[250] = names[17];
        assert_eq!(duplicate::<300>(&names), 250);
    }

    #[test]
    fn lookup_finds_every_listed_name_and_nothing_else() {
        let many: Vec<String> = (0..300).map(|i| format!("resource{i}.changed")).collect();
        let names: Vec<&str> = many.iter().map(String::as_str).collect();
        let sorted = sorted_types::<300>(&names);
        for (index, name) in names.iter().enumerate() {
            assert_eq!(lookup(&sorted, &names, name), Some(index));
        }
        for absent in [
            "",
            "resource300.changed",
            "resource1.change",
            "orders/create",
        ] {
            assert_eq!(lookup(&sorted, &names, absent), None, "{absent}");
        }
        let empty: [(u64, usize); 0] = sorted_types::<0>(&[]);
        assert_eq!(lookup(&empty, &[], "a"), None);
    }

    #[test]
    fn lookup_compares_names_when_hashes_collide() {
        // Two entries with one hash (as a collision would have), only the second matching.
        let types = ["a", "b"];
        let hash = super::fnv1a(b"b");
        let sorted = [(hash, 0), (hash, 1)];
        assert_eq!(lookup(&sorted, &types, "b"), Some(1));
        assert_eq!(lookup(&sorted, &types, "c"), None);
    }

    #[cfg(feature = "schema")]
    #[test]
    fn listed_values_only_unwraps_one_branch_and_makes_several_a_one_of() {
        let mut one = schemars::json_schema!({
            "anyOf": [{"type": "string", "enum": ["a", "b"]}],
            "description": "Kept."
        });
        super::listed_values_only(&mut one);
        assert_eq!(
            one.to_value(),
            serde_json::json!({"type": "string", "enum": ["a", "b"], "description": "Kept."})
        );
        let mut several = schemars::json_schema!({"anyOf": [{"const": "a"}, {"const": "b"}]});
        super::listed_values_only(&mut several);
        assert_eq!(
            several.to_value(),
            serde_json::json!({"oneOf": [{"const": "a"}, {"const": "b"}]})
        );
    }
}
