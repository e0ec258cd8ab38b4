//! A small JSON instance of an event's schema: every required member, the first choice of
//! every union and enum, for test fixtures.

use serde_json::{Map, Value, json};

use crate::convert::{object_at, types_of};
use crate::source::{Loc, Sources};

/// How deep `$ref`s may nest before a sample stops (with `null`) at a recursive schema.
const MAX_DEPTH: usize = 40;

/// A value the schema at `loc` accepts; `name` is the member it is for, used as the text of
/// plain strings.
pub(crate) fn sample(sources: &Sources, loc: &Loc, name: &str, depth: usize) -> Value {
    let Some(map) = object_at(sources, loc) else {
        return Value::Null;
    };
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match sources.resolve(loc, reference) {
            Ok(target) => sample(sources, &target, name, depth + 1),
            Err(_) => Value::Null,
        };
    }
    if let Some(Value::Array(parts)) = map.get("allOf") {
        let mut merged = Map::new();
        for index in 0..parts.len() {
            let part = loc.join("allOf").join(&index.to_string());
            if let Value::Object(members) = sample(sources, &part, name, depth + 1) {
                merged.extend(members);
            }
        }
        merge_own(sources, loc, map, &mut merged, depth);
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let first = branches
                .iter()
                .position(|b| !crate::convert::is_null_schema(b))
                .unwrap_or(0);
            return sample(
                sources,
                &loc.join(key).join(&first.to_string()),
                name,
                depth + 1,
            );
        }
    }
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return values.first().cloned().unwrap_or(Value::Null);
    }
    let types = types_of(map);
    let first = types.iter().find(|t| **t != "null").copied();
    match first {
        None if types.contains(&"null") => Value::Null,
        Some("string") => string(map, name),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(false),
        Some("array") => {
            let wanted = map.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = loc.join("items");
            (0..wanted.min(3))
                .map(|_| sample(sources, &item, name, depth + 1))
                .collect()
        }
        _ => {
            let mut members = Map::new();
            merge_own(sources, loc, map, &mut members, depth);
            if members.is_empty() && !map.contains_key("properties") && first.is_none() {
                return Value::Null;
            }
            Value::Object(members)
        }
    }
}

/// Adds a sample of each required member of `map`'s own `properties`.
fn merge_own(
    sources: &Sources,
    loc: &Loc,
    map: &Map<String, Value>,
    members: &mut Map<String, Value>,
    depth: usize,
) {
    let required: Vec<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(Value::Object(props)) = map.get("properties") else {
        return;
    };
    for member in props.keys().filter(|m| required.contains(&m.as_str())) {
        let at = loc.join("properties").join(member);
        members.insert(member.clone(), sample(sources, &at, member, depth + 1));
    }
}

fn string(map: &Map<String, Value>, name: &str) -> Value {
    let text = match map.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-05-01T12:00:00Z",
        Some("date") => "2024-05-01",
        Some("uri" | "url" | "uri-reference") => "https://example.com/",
        Some("email") => "octocat@example.com",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        _ if name.is_empty() => "text",
        _ => name,
    };
    Value::String(text.to_owned())
}
