//! What generated code needs from the runtime. Not public API: names here may change in any
//! release.

#[cfg(feature = "http")]
pub use http;
pub use serde::{Deserializer, Serialize, Serializer};

use serde::de::DeserializeOwned;

use crate::event::Event;

#[path = "__private/list.rs"]
mod list;

#[cfg(feature = "schema")]
pub use list::DescribeAll;
pub use list::{Leaf, SendAll};

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

/// A catalog's type names in an open-addressing hash table, built at compile time: the table
/// [`lookup`] searches, and the first later entry of `types` whose name an earlier entry already
/// has (`duplicate`, `usize::MAX` when all are distinct).
///
/// `M`, the number of slots, is a power of two at least twice `types.len()` (the derive works it
/// out), so a probe meets an empty slot after about one step. Building it hashes each name once
/// and compares names only when hashes are equal: the compile-time interpreter runs a few
/// thousand steps for a catalog of hundreds of events, not a sort.
///
/// The slots are two arrays of integers, not one of pairs: the compiler checks a constant's
/// array of integers in one step, an array of pairs field by field.
pub struct TypeTable<const M: usize> {
    /// The hash of the name in each slot.
    hashes: [u64; M],
    /// `index + 1` of the name in each slot; `0` marks an empty slot.
    entries: [u32; M],
    /// The first entry that repeats an earlier entry's name, or `usize::MAX`.
    pub duplicate: usize,
}

/// Builds the [`TypeTable`] of `types`, `M` slots (a power of two over `types.len()`).
pub const fn type_table<const M: usize>(types: &[&str]) -> TypeTable<M> {
    let mut table = TypeTable {
        hashes: [0; M],
        entries: [0; M],
        duplicate: usize::MAX,
    };
    let count = types.len();
    // A full table would never end a probe: such a catalog keeps an empty table (and the
    // lookup finds nothing); the derive always passes room enough.
    if M == 0 || M & (M - 1) != 0 || count >= M || count >= u32::MAX as usize {
        return table;
    }
    let mut i = 0;
    while i < count {
        let name = types[i].as_bytes();
        let name_hash = hash(name);
        let mut slot = name_hash as usize & (M - 1);
        loop {
            let entry = table.entries[slot] as usize;
            if entry == 0 {
                table.hashes[slot] = name_hash;
                table.entries[slot] = (i + 1) as u32;
                break;
            }
            if table.hashes[slot] == name_hash && bytes_eq(types[entry - 1].as_bytes(), name) {
                // In index order, the first repeat found is the earliest later one.
                if table.duplicate == usize::MAX {
                    table.duplicate = i;
                }
                break;
            }
            slot = (slot + 1) & (M - 1);
        }
        i += 1;
    }
    table
}

/// The index in `types` of `event_type`: one hash and, almost always, one probe and one string
/// comparison in the [`TypeTable`] made of `types`.
pub fn lookup<const M: usize>(
    table: &TypeTable<M>,
    types: &[&str],
    event_type: &str,
) -> Option<usize> {
    if M == 0 || M & (M - 1) != 0 {
        return None;
    }
    let wanted = hash(event_type.as_bytes());
    let mut slot = wanted as usize & (M - 1);
    for _ in 0..M {
        let entry = table.entries[slot] as usize;
        if entry == 0 {
            return None;
        }
        if table.hashes[slot] == wanted && types.get(entry - 1) == Some(&event_type) {
            return Some(entry - 1);
        }
        slot = (slot + 1) & (M - 1);
    }
    None
}

/// Fails compilation: called, spanned on the variant at fault, when [`type_table`] finds one.
pub const fn duplicate_event_type() {
    panic!(
        "duplicate event type: this variant's event has the same type name as an earlier \
         variant's; each event type may be listed once"
    );
}

/// A hash of `bytes`, eight at a time: each word is mixed in with a 64 x 64 -> 128-bit multiply
/// whose halves are folded together, so every input bit reaches the low bits that pick a slot.
/// Written without function calls and with few steps per byte, since the compile-time
/// interpreter runs it for every name of every catalog.
const fn hash(bytes: &[u8]) -> u64 {
    const K: u128 = 0x9e37_79b9_7f4a_7c15;
    let len = bytes.len();
    let mut hash = 0x243f_6a88_85a3_08d3u64 ^ len as u64;
    let mut i = 0;
    while i + 8 <= len {
        let word = bytes[i] as u64
            | (bytes[i + 1] as u64) << 8
            | (bytes[i + 2] as u64) << 16
            | (bytes[i + 3] as u64) << 24
            | (bytes[i + 4] as u64) << 32
            | (bytes[i + 5] as u64) << 40
            | (bytes[i + 6] as u64) << 48
            | (bytes[i + 7] as u64) << 56;
        let product = (hash ^ word) as u128 * K;
        hash = product as u64 ^ (product >> 64) as u64;
        i += 8;
    }
    if i < len {
        let mut word = 0u64;
        let mut shift = 0;
        while i < len {
            word |= (bytes[i] as u64) << shift;
            shift += 8;
            i += 1;
        }
        let product = (hash ^ word) as u128 * K;
        hash = product as u64 ^ (product >> 64) as u64;
    }
    hash
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
    use super::{lookup, type_table};

    fn duplicate<const M: usize>(types: &[&str]) -> usize {
        type_table::<M>(types).duplicate
    }

    #[test]
    fn finds_the_first_later_duplicate() {
        assert_eq!(duplicate::<1>(&[]), usize::MAX);
        assert_eq!(duplicate::<8>(&["a", "b", "c"]), usize::MAX);
        assert_eq!(duplicate::<8>(&["a", "b", "a", "b"]), 2);
        assert_eq!(duplicate::<8>(&["x", "b", "c", "b"]), 3);
        let many: Vec<String> = (0..300).map(|i| format!("resource{i}.changed")).collect();
        let mut names: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(duplicate::<1024>(&names), usize::MAX);
        names[250] = names[17];
        names[280] = names[3];
        assert_eq!(duplicate::<1024>(&names), 250);
    }

    #[test]
    fn lookup_finds_every_listed_name_and_nothing_else() {
        let many: Vec<String> = (0..300).map(|i| format!("resource{i}.changed")).collect();
        let names: Vec<&str> = many.iter().map(String::as_str).collect();
        let table = type_table::<1024>(&names);
        for (index, name) in names.iter().enumerate() {
            assert_eq!(lookup(&table, &names, name), Some(index));
        }
        for absent in [
            "",
            "resource300.changed",
            "resource1.change",
            "orders/create",
        ] {
            assert_eq!(lookup(&table, &names, absent), None, "{absent}");
        }
        let empty = type_table::<1>(&[]);
        assert_eq!(lookup(&empty, &[], "a"), None);
    }

    #[test]
    fn a_table_too_small_or_not_a_power_of_two_finds_nothing_and_never_loops() {
        let names = ["a", "b", "c"];
        assert_eq!(lookup(&type_table::<2>(&names), &names, "a"), None);
        assert_eq!(lookup(&type_table::<6>(&names), &names, "a"), None);
        assert_eq!(lookup(&type_table::<4>(&names), &names, "c"), Some(2));
    }

    #[test]
    fn lookup_compares_names_when_hashes_collide() {
        // Two entries with one hash (as a collision would have), only the second matching.
        let types = ["a", "b"];
        let hash = super::hash(b"b");
        let slot = hash as usize & 3;
        let mut table = type_table::<4>(&[]);
        (table.hashes[slot], table.entries[slot]) = (hash, 1);
        let next = (slot + 1) & 3;
        (table.hashes[next], table.entries[next]) = (hash, 2);
        assert_eq!(lookup(&table, &types, "b"), Some(1));
        assert_eq!(lookup(&table, &types, "c"), None);
    }

    #[test]
    fn the_hash_spreads_similar_names_over_the_low_bits() {
        // The names of a generated catalog differ in a digit or two: their slots in a table
        // of 512 must not pile up.
        let mut used = [0u32; 512];
        for i in 0..200 {
            used[super::hash(format!("resource{i}.changed").as_bytes()) as usize & 511] += 1;
        }
        assert!(used.iter().all(|count| *count <= 4), "{used:?}");
        assert_ne!(super::hash(b"ab"), super::hash(b"ba"));
        assert_ne!(super::hash(b""), super::hash(b"\0"));
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
