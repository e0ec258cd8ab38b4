//! How a request parameter's text becomes the JSON its schema is checked against: the shape
//! read from the schema (following `$ref`s and an `Option`'s non-null branch), then each text
//! read as that shape.

use serde_json::{Map, Value};

/// What JSON a parameter's text is read as before validation.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    Text,
    Integer,
    Number,
    Boolean,
    List(Box<Shape>),
}

/// How a parameter's text is read, from its schema (following `$ref`s into `definitions` and
/// the non-null branch of an `Option`).
pub(super) fn shape_of(schema: &Value, definitions: &Map<String, Value>, depth: u8) -> Shape {
    if depth > 8 {
        return Shape::Text;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.rsplit('/').next())
        && let Some(target) = definitions.get(name)
    {
        return shape_of(target, definitions, depth + 1);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let shapes: Vec<Shape> = branches
                .iter()
                .filter(|branch| branch.get("type").and_then(Value::as_str) != Some("null"))
                .map(|branch| shape_of(branch, definitions, depth + 1))
                .collect();
            if let [shape] = shapes.as_slice() {
                return shape.clone();
            }
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let types: Vec<&str> = types.into_iter().filter(|kind| *kind != "null").collect();
    match types.as_slice() {
        ["integer"] => Shape::Integer,
        ["number"] => Shape::Number,
        ["boolean"] => Shape::Boolean,
        ["array"] => {
            Shape::List(Box::new(schema.get("items").map_or(Shape::Text, |items| {
                shape_of(items, definitions, depth + 1)
            })))
        }
        _ => Shape::Text,
    }
}

/// A parameter's texts as the JSON its schema is checked against. A text that does not read as
/// the shape stays a string, so the validator reports the type it should have had.
pub(super) fn read_texts(texts: &[std::borrow::Cow<'_, str>], shape: &Shape) -> Value {
    match (shape, texts) {
        (Shape::List(item), _) => texts.iter().map(|text| read_text(text, item)).collect(),
        (_, [one]) => read_text(one, shape),
        _ => texts.iter().map(|text| read_text(text, shape)).collect(),
    }
}

fn read_text(text: &str, shape: &Shape) -> Value {
    let number = || {
        text.parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .ok()
    };
    let read = match shape {
        Shape::Integer => number(),
        Shape::Number => number().or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        }),
        Shape::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Shape::Text | Shape::List(_) => None,
    };
    read.unwrap_or_else(|| Value::String(text.to_owned()))
}
