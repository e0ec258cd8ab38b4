//! An example instance of a schema for `hookwire example` and `hookwire trigger`: the schema
//! author's own `examples`/`example` where there is one, otherwise a value built to validate.
//!
//! Built values follow `$ref`, take every `allOf` part, the first non-null branch of
//! `oneOf`/`anyOf`, `const` and the first `enum` value, respect `minimum`/`maximum` (exclusive
//! too) and `multipleOf`, `minLength`/`maxLength`, simple `pattern`s (see [`crate::pattern`]),
//! the common `format`s, `minItems`/`maxItems`, `prefixItems`, `required` and `minProperties`
//! (members of `additionalProperties` when `properties` are too few). Everything is chosen
//! without randomness: the same schema always gives the same value.
//!
//! Limits, so that a crafted document cannot exhaust time or memory: at most 64 array items and
//! 64 object members (a larger `minItems`/`minProperties` gives an example that does not
//! validate), strings padded to at most 4096 characters for `minLength`, `$ref`s and members
//! nested at most 40 deep, and 20 000 schemas visited per example (then `null`).

use serde_json::{Map, Number, Value, json};

use crate::convert::{is_null_schema, object_at, types_of};
use crate::source::{Loc, Sources};

/// How deep `$ref`s and members may nest before a value stops (with `null`).
const MAX_DEPTH: usize = 40;

/// How many schemas one example visits at most (then `null`): definitions that refer to
/// each other several times, or nested arrays, would otherwise build a value exponential in
/// the document's size.
const MAX_STEPS: usize = 20_000;

/// The most items (`minItems`) and members (`minProperties`) a built value has.
const MAX_COUNT: u64 = 64;

/// The longest string `minLength` pads to.
const MAX_LENGTH: u64 = 4096;

/// The example of the schema at `loc`.
pub(crate) fn example(sources: &Sources, loc: &Loc, name: &str, depth: usize) -> Value {
    let mut steps = MAX_STEPS;
    build(sources, &mut steps, loc, name, depth)
}

/// Builds the example at `loc`, one of at most `steps` (left) schemas visited.
fn build(sources: &Sources, steps: &mut usize, loc: &Loc, name: &str, depth: usize) -> Value {
    let Some(map) = object_at(sources, loc) else {
        return Value::Null;
    };
    if depth > MAX_DEPTH || *steps == 0 {
        return Value::Null;
    }
    *steps -= 1;
    if let Some(value) = authored(map) {
        return value;
    }
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match sources.resolve(loc, reference) {
            Ok(target) => build(sources, steps, &target, name, depth + 1),
            Err(_) => Value::Null,
        };
    }
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let first = values.iter().find(|v| !v.is_null()).or(values.first());
        return first.cloned().unwrap_or(Value::Null);
    }
    if let Some(Value::Array(parts)) = map.get("allOf") {
        return all_of(sources, steps, loc, map, parts.len(), name, depth);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let first = branches
                .iter()
                .position(|b| !is_null_schema(b))
                .unwrap_or(0);
            let branch = loc.join(key).join(&first.to_string());
            let value = build(sources, steps, &branch, name, depth + 1);
            return match value {
                // A branch narrowing an object the schema itself describes.
                Value::Object(mut members) if map.contains_key("properties") => {
                    own_members(sources, steps, loc, map, &mut members, depth);
                    Value::Object(members)
                }
                other => other,
            };
        }
    }
    let types = types_of(map);
    let first = types.iter().find(|t| **t != "null").copied();
    match first.or_else(|| implied_type(map)) {
        None if types.contains(&"null") => Value::Null,
        Some("string") => string(map, name),
        Some("integer") => number(map, true),
        Some("number") => number(map, false),
        Some("boolean") => Value::Bool(true),
        Some("array") => array(sources, steps, loc, map, name, depth),
        Some("object") => {
            let mut members = Map::new();
            own_members(sources, steps, loc, map, &mut members, depth);
            Value::Object(members)
        }
        // No type and nothing else to go by: any value is valid.
        _ => Value::Null,
    }
}

/// The author's example: the first of `examples` (JSON Schema) or `example` (OpenAPI 3.0).
fn authored(map: &Map<String, Value>) -> Option<Value> {
    match (map.get("examples"), map.get("example")) {
        (Some(Value::Array(examples)), _) if !examples.is_empty() => examples.first().cloned(),
        (_, Some(example)) => Some(example.clone()),
        _ => None,
    }
}

/// The type a schema without `type` is about, from its keywords.
fn implied_type(map: &Map<String, Value>) -> Option<&'static str> {
    let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    if has(&[
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
    ]) {
        Some("object")
    } else if has(&["items", "prefixItems", "minItems"]) {
        Some("array")
    } else if has(&["pattern", "format", "minLength", "maxLength"]) {
        Some("string")
    } else if has(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
        Some("number")
    } else {
        None
    }
}

fn all_of(
    sources: &Sources,
    steps: &mut usize,
    loc: &Loc,
    map: &Map<String, Value>,
    parts: usize,
    name: &str,
    depth: usize,
) -> Value {
    let mut merged = Map::new();
    let mut other = None;
    for index in 0..parts {
        let part = loc.join("allOf").join(&index.to_string());
        match build(sources, steps, &part, name, depth + 1) {
            Value::Object(members) => merged.extend(members),
            Value::Null => {}
            value => other = other.or(Some(value)),
        }
    }
    if let Some(value) = other.filter(|_| merged.is_empty()) {
        return value;
    }
    own_members(sources, steps, loc, map, &mut merged, depth);
    Value::Object(merged)
}

/// Adds the required members of `map`'s own `properties` (and more, up to `minProperties`).
fn own_members(
    sources: &Sources,
    steps: &mut usize,
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
    // At most 64 members, as arrays have at most 64 items.
    let wanted = map
        .get("minProperties")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(MAX_COUNT);
    let props = map.get("properties").and_then(Value::as_object);
    for member in &required {
        if members.contains_key(*member) {
            continue;
        }
        let value = match props.filter(|p| p.contains_key(*member)) {
            Some(_) => build(
                sources,
                steps,
                &loc.join("properties").join(member),
                member,
                depth + 1,
            ),
            None => additional(sources, steps, loc, map, member, depth),
        };
        members.insert((*member).to_owned(), value);
    }
    for member in props.into_iter().flat_map(|p| p.keys()) {
        if members.len() as u64 >= wanted {
            break;
        }
        if !members.contains_key(member) {
            let at = loc.join("properties").join(member);
            members.insert(
                member.clone(),
                build(sources, steps, &at, member, depth + 1),
            );
        }
    }
    let open = !matches!(map.get("additionalProperties"), Some(Value::Bool(false)));
    let mut index = 1;
    while open && (members.len() as u64) < wanted && index <= wanted && *steps > 0 {
        let key = format!("key{index}");
        let value = additional(sources, steps, loc, map, &key, depth);
        members.entry(key).or_insert(value);
        index += 1;
    }
}

/// A value for a member that only `additionalProperties` describes.
fn additional(
    sources: &Sources,
    steps: &mut usize,
    loc: &Loc,
    map: &Map<String, Value>,
    name: &str,
    depth: usize,
) -> Value {
    match map.get("additionalProperties") {
        Some(Value::Object(_)) => build(
            sources,
            steps,
            &loc.join("additionalProperties"),
            name,
            depth + 1,
        ),
        _ => Value::String(name.to_owned()),
    }
}

fn array(
    sources: &Sources,
    steps: &mut usize,
    loc: &Loc,
    map: &Map<String, Value>,
    name: &str,
    depth: usize,
) -> Value {
    let min = map.get("minItems").and_then(Value::as_u64).unwrap_or(0);
    let max = map
        .get("maxItems")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let prefix = map
        .get("prefixItems")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    // One item shows the shape; unique items are not repeated.
    let unique = map.get("uniqueItems").and_then(Value::as_bool) == Some(true);
    let mut count = min.max(1).max(prefix as u64).min(max).min(MAX_COUNT);
    let items = loc.join("items");
    let has_items = object_at(sources, &items).is_some();
    if !has_items && prefix == 0 {
        count = min.min(MAX_COUNT);
    }
    let mut values = Vec::new();
    for index in 0..count {
        if *steps == 0 {
            break;
        }
        let value = if (index as usize) < prefix {
            let at = loc.join("prefixItems").join(&index.to_string());
            build(sources, steps, &at, name, depth + 1)
        } else if has_items {
            build(sources, steps, &items, name, depth + 1)
        } else {
            json!(index)
        };
        if unique && values.contains(&value) {
            values.push(distinct(value, index));
        } else {
            values.push(value);
        }
    }
    Value::Array(values)
}

/// A variant of a repeated array item, so `uniqueItems` holds where the items allow it.
fn distinct(value: Value, index: u64) -> Value {
    match value {
        Value::String(text) => Value::String(format!("{text}{index}")),
        Value::Number(n) => json!(n.as_i64().unwrap_or(0) + index as i64),
        other => other,
    }
}

fn string(map: &Map<String, Value>, name: &str) -> Value {
    let min = map
        .get("minLength")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(MAX_LENGTH) as usize;
    let max = map
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    if let Some(text) = map
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(crate::pattern::instance)
    {
        return Value::String(text);
    }
    let formatted = match map.get("format").and_then(Value::as_str) {
        Some("date-time") => Some("2024-05-01T12:00:00Z"),
        Some("date") => Some("2024-05-01"),
        Some("time") => Some("12:00:00Z"),
        Some("duration") => Some("P1D"),
        Some("email" | "idn-email") => Some("user@example.com"),
        Some("hostname" | "idn-hostname") => Some("example.com"),
        Some("ipv4") => Some("192.0.2.1"),
        Some("ipv6") => Some("2001:db8::1"),
        Some("uri" | "url" | "iri" | "uri-reference" | "iri-reference") => {
            Some("https://example.com/")
        }
        Some("uri-template") => Some("https://example.com/{id}"),
        Some("uuid") => Some("00000000-0000-4000-8000-000000000000"),
        Some("json-pointer") => Some("/a"),
        Some("regex") => Some("^a$"),
        Some("byte") => Some("aGVsbG8="),
        _ => None,
    };
    let mut text = match formatted {
        Some(text) => text.to_owned(),
        None if name.is_empty() => "text".to_owned(),
        None => name.to_owned(),
    };
    let length = text.chars().count();
    text.extend(std::iter::repeat_n('x', min.saturating_sub(length)));
    if let Some(max) = max.filter(|max| formatted.is_none() && text.chars().count() > *max) {
        text = text.chars().take(max.max(min)).collect();
    }
    Value::String(text)
}

/// A number within `minimum`/`maximum` (and their exclusive forms), a multiple of
/// `multipleOf`: 1 when allowed, else the bound nearest to it.
fn number(map: &Map<String, Value>, integer: bool) -> Value {
    let get = |key: &str| map.get(key).and_then(Value::as_f64);
    let step = get("multipleOf").filter(|s| *s > 0.0);
    let mut low = get("minimum");
    let mut high = get("maximum");
    let nudge = step.unwrap_or(if integer { 1.0 } else { 0.5 });
    // 2020-12 exclusive bounds are numbers; 3.0's are booleans beside minimum/maximum.
    match map.get("exclusiveMinimum") {
        Some(Value::Number(n)) => low = bound(n.as_f64().map(|n| n + nudge), low, f64::max),
        Some(Value::Bool(true)) => low = low.map(|n| n + nudge),
        _ => {}
    }
    match map.get("exclusiveMaximum") {
        Some(Value::Number(n)) => high = bound(n.as_f64().map(|n| n - nudge), high, f64::min),
        Some(Value::Bool(true)) => high = high.map(|n| n - nudge),
        _ => {}
    }
    let mut value = 1.0_f64;
    if let Some(low) = low.filter(|low| value < *low) {
        value = low;
    }
    if let Some(high) = high.filter(|high| value > *high) {
        value = high;
    }
    if integer {
        value = value.ceil();
    }
    if let Some(step) = step {
        value = (value / step).ceil() * step;
    }
    if integer || value.fract() == 0.0 && value.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Value::Number(Number::from(value as i64));
    }
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// The tighter of two optional bounds (`pick` is `f64::max` for lower bounds).
fn bound(a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::example;
    use crate::source::{Loc, Sources};

    fn built(schema: Value) -> Value {
        let sources = Sources::of("s.json", schema);
        example(&sources, &Loc::new("s.json", ""), "", 0)
    }

    #[test]
    fn a_huge_min_properties_builds_at_most_64_members() {
        let value = built(json!({"type": "object", "minProperties": 1_000_000_000_u64}));
        assert_eq!(value.as_object().map(Map::len), Some(64));
    }

    #[test]
    fn a_huge_min_length_pads_to_at_most_4096_characters() {
        let value = built(json!({"type": "string", "minLength": 10_000_000_u64}));
        assert_eq!(value.as_str().map(str::len), Some(4096));
        let short = built(json!({"type": "string", "minLength": 6}));
        assert_eq!(short, json!("textxx"));
    }

    /// How many values `value` is made of.
    fn nodes(value: &Value) -> usize {
        1 + match value {
            Value::Array(items) => items.iter().map(nodes).sum(),
            Value::Object(members) => members.values().map(nodes).sum(),
            _ => 0,
        }
    }

    /// 40 definitions, each with two required members referring to the next: 2^40 paths
    /// (2^20 within the depth limit), cut at the step budget.
    #[test]
    fn definitions_referred_to_twice_stop_at_the_budget() {
        let mut defs = Map::new();
        for level in 0..40 {
            let next = json!({"$ref": format!("#/$defs/d{}", level + 1)});
            defs.insert(
                format!("d{level}"),
                json!({"type": "object", "required": ["a", "b"],
                       "properties": {"a": next, "b": next}}),
            );
        }
        defs.insert("d40".to_owned(), json!({"type": "integer"}));
        let value = built(json!({"$defs": defs, "$ref": "#/$defs/d0"}));
        let count = nodes(&value);
        assert!((1000..=super::MAX_STEPS).contains(&count), "{count} values");
    }

    /// Arrays of 64 arrays, five deep: 64^5 items without the budget.
    #[test]
    fn nested_arrays_stop_at_the_budget() {
        let mut schema = json!({"type": "integer"});
        for _ in 0..5 {
            schema = json!({"type": "array", "minItems": 64, "items": schema});
        }
        let count = nodes(&built(schema));
        assert!((1000..=super::MAX_STEPS).contains(&count), "{count} values");
    }
}
