//! One event's payload schema as a self-contained JSON Schema, for validators: every `$ref`
//! it reaches (in the same document or other files) copied under `$defs`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::source::{Loc, Sources};

/// The schema at `root`, every `$ref` it reaches copied under `$defs` as `d0`, `d1`...
pub(crate) fn bundle(sources: &Sources, root: &Loc) -> Value {
    let mut bundler = Bundler {
        sources,
        names: BTreeMap::new(),
        defs: BTreeMap::new(),
        queue: Vec::new(),
    };
    let mut schema = bundler.copy(sources.get(root).unwrap_or(&Value::Bool(true)), root);
    while let Some((name, loc)) = bundler.queue.pop() {
        let copy = bundler.copy(sources.get(&loc).unwrap_or(&Value::Bool(true)), &loc);
        bundler.defs.insert(name, copy);
    }
    let defs: Map<String, Value> = bundler.defs.into_iter().collect();
    match &mut schema {
        Value::Object(map) => {
            if !defs.is_empty() {
                map.insert("$defs".to_owned(), Value::Object(defs));
            }
        }
        other => {
            let only = std::mem::replace(other, Value::Null);
            *other = serde_json::json!({"allOf": [only], "$defs": defs});
        }
    }
    schema
}

struct Bundler<'a> {
    sources: &'a Sources,
    names: BTreeMap<Loc, String>,
    defs: BTreeMap<String, Value>,
    queue: Vec<(String, Loc)>,
}

impl Bundler<'_> {
    /// A copy of `value` (found at `at`'s file) with its `$ref`s pointing into `$defs`.
    fn copy(&mut self, value: &Value, at: &Loc) -> Value {
        match value {
            Value::Object(map) => {
                let mut out = self.schema(map, at);
                nullable_as_type(&mut out);
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.copy(v, at)).collect()),
            other => other.clone(),
        }
    }

    /// A map whose keys are names (`properties`), each member a schema.
    fn named(&mut self, value: &Value, at: &Loc) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(name, schema)| (name.clone(), self.copy(schema, at)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn schema(&mut self, map: &Map<String, Value>, at: &Loc) -> Map<String, Value> {
        {
            let mut out = Map::new();
            for (key, member) in map {
                match key.as_str() {
                    "$ref" => {
                        let target = member
                            .as_str()
                            .and_then(|r| self.sources.resolve(at, r).ok());
                        // A `$ref` that cannot be followed stays as it was.
                        let Some(target) = target else {
                            out.insert(key.clone(), member.clone());
                            continue;
                        };
                        let count = self.names.len();
                        let name = self.names.entry(target.clone()).or_insert_with(|| {
                            self.queue.push((format!("d{count}"), target));
                            format!("d{count}")
                        });
                        out.insert(key.clone(), Value::String(format!("#/$defs/{name}")));
                    }
                    "$id" | "$schema" | "$defs" | "definitions" | "$anchor" => {}
                    "example" | "examples" | "enum" | "const" | "default" => {
                        out.insert(key.clone(), member.clone());
                    }
                    "properties" | "patternProperties" | "dependentSchemas" => {
                        out.insert(key.clone(), self.named(member, at));
                    }
                    _ => {
                        out.insert(key.clone(), self.copy(member, at));
                    }
                }
            }
            out
        }
    }
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema's `type: [T, "null"]`.
fn nullable_as_type(map: &mut Map<String, Value>) {
    if map.get("nullable").and_then(Value::as_bool) != Some(true) {
        return;
    }
    if let Some(Value::String(one)) = map.get("type") {
        let both = serde_json::json!([one, "null"]);
        map.insert("type".to_owned(), both);
    }
}
