//! A schema normalized for comparison: `$ref`s followed, `allOf` merged, the nullable forms
//! (`type: [x, "null"]`, OpenAPI 3.0's `nullable`, `anyOf: [x, {type: null}]`) folded into
//! one set of types, and `const`, `enum` and `oneOf` lists of constants into one value set.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::bounds::Bounds;

/// Keywords that describe and never constrain: changes to them are not reported.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "examples",
    "example",
    "default",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "discriminator",
    "contentMediaType",
    "contentEncoding",
    "$dynamicAnchor",
];

/// How deep `$ref`/`allOf`/`anyOf` chains are followed in one schema before giving up.
const MAX_DEPTH: usize = 32;

/// One side's schema, flattened.
#[derive(Debug, Default)]
pub(super) struct View<'a> {
    /// `false`, `not: {}`, or an intersection of disjoint types.
    pub(super) nothing: bool,
    /// Accepted JSON types, `null` included; `None` is any type.
    pub(super) types: Option<BTreeSet<String>>,
    /// Accepted values (`enum`, `const`); `None` is any value.
    pub(super) values: Option<Vec<Value>>,
    /// Whether the value set came from a single `const`.
    pub(super) is_const: bool,
    pub(super) properties: BTreeMap<&'a str, &'a Value>,
    pub(super) required: BTreeSet<&'a str>,
    /// `additionalProperties` (or `unevaluatedProperties`); `None` when absent.
    pub(super) additional: Option<&'a Value>,
    pub(super) items: Option<&'a Value>,
    pub(super) bounds: Bounds,
    pub(super) pattern: Option<&'a str>,
    pub(super) format: Option<&'a str>,
    pub(super) multiple_of: Option<f64>,
    pub(super) unique_items: bool,
    /// `oneOf`/`anyOf` branches that are not constants, and which keyword held them.
    pub(super) variants: Vec<&'a Value>,
    pub(super) variant_keyword: &'static str,
    pub(super) deprecated: bool,
    /// Keywords this module does not interpret, compared as JSON.
    pub(super) other: BTreeMap<&'a str, &'a Value>,
    /// `$ref`s that point nowhere.
    pub(super) unresolved: Vec<String>,
}

impl<'a> View<'a> {
    /// The flattened form of `schema`, resolving `$ref`s in `root`.
    pub(super) fn of(root: &'a Value, schema: &'a Value) -> Self {
        let mut view = View::default();
        view.absorb(root, schema, 0);
        view
    }

    /// Whether the schema constrains nothing (`true`, `{}`).
    pub(super) fn accepts_all(&self) -> bool {
        !self.nothing && self.types.is_none() && !self.constrains_beyond_type()
    }

    /// Whether anything but `type` constrains the value.
    fn constrains_beyond_type(&self) -> bool {
        !(self.values.is_none()
            && self.properties.is_empty()
            && self.required.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.bounds.is_empty()
            && self.pattern.is_none()
            && self.format.is_none()
            && self.multiple_of.is_none()
            && !self.unique_items
            && self.variants.is_empty()
            && self.other.is_empty()
            && self.unresolved.is_empty())
    }

    /// Whether `null` validates.
    pub(super) fn accepts_null(&self) -> bool {
        !self.nothing
            && self
                .types
                .as_ref()
                .is_none_or(|types| types.contains("null"))
            && self
                .values
                .as_ref()
                .is_none_or(|values| values.contains(&Value::Null))
    }

    /// The types without `null`.
    pub(super) fn non_null_types(&self) -> Option<BTreeSet<&str>> {
        let types = self.types.as_ref()?;
        Some(
            types
                .iter()
                .map(String::as_str)
                .filter(|t| *t != "null")
                .collect(),
        )
    }

    /// The values without `null`.
    pub(super) fn non_null_values(&self) -> Option<Vec<&Value>> {
        let values = self.values.as_ref()?;
        Some(values.iter().filter(|value| !value.is_null()).collect())
    }

    /// Intersects this view with `schema` (its keywords all apply).
    fn absorb(&mut self, root: &'a Value, schema: &'a Value, depth: usize) {
        if depth > MAX_DEPTH {
            self.unresolved
                .push("(a $ref cycle with no property in between)".into());
            return;
        }
        let map = match schema {
            Value::Bool(true) => return,
            Value::Object(map) => map,
            _ => {
                self.nothing = true;
                return;
            }
        };
        let mut nullable = false;
        for (key, value) in map {
            match key.as_str() {
                "$ref" => self.follow(root, value, depth),
                "allOf" => {
                    for part in value.as_array().into_iter().flatten() {
                        self.absorb(root, part, depth + 1);
                    }
                }
                "oneOf" | "anyOf" => {
                    let keyword = if key == "oneOf" { "oneOf" } else { "anyOf" };
                    nullable |= self.branches(root, keyword, value, depth);
                }
                "type" => self.intersect_types(type_names(value)),
                "nullable" => nullable |= value == &Value::Bool(true),
                "enum" => self.intersect_values(value.as_array().cloned().unwrap_or_default()),
                "const" => {
                    self.intersect_values(vec![value.clone()]);
                    self.is_const = self.values.as_ref().is_some_and(|v| v.len() == 1);
                }
                "properties" => {
                    for (name, property) in value.as_object().into_iter().flatten() {
                        self.properties.entry(name.as_str()).or_insert(property);
                    }
                }
                "required" => {
                    let names = value.as_array().into_iter().flatten();
                    self.required.extend(names.filter_map(Value::as_str));
                }
                "additionalProperties" | "unevaluatedProperties" => {
                    if self.additional != Some(&Value::Bool(false)) {
                        self.additional = Some(value);
                    }
                }
                "items" => {
                    self.items.get_or_insert(value);
                }
                "pattern" => {
                    self.pattern = self.pattern.or(value.as_str());
                }
                "format" => {
                    self.format = self.format.or(value.as_str());
                }
                "multipleOf" => self.multiple_of = self.multiple_of.or(value.as_f64()),
                "uniqueItems" => self.unique_items |= value == &Value::Bool(true),
                "deprecated" => self.deprecated |= value == &Value::Bool(true),
                "not" if value.as_object().is_some_and(|not| not.is_empty()) => {
                    self.nothing = true;
                }
                "not" if value == &Value::Bool(true) => self.nothing = true,
                keyword if self.bounds.absorb(keyword, value, map) => {}
                keyword if ANNOTATIONS.contains(&keyword) || keyword.starts_with("x-") => {}
                keyword => {
                    self.other.entry(keyword).or_insert(value);
                }
            }
        }
        if nullable {
            self.add_null();
        }
    }

    fn follow(&mut self, root: &'a Value, reference: &'a Value, depth: usize) {
        let Some(reference) = reference.as_str() else {
            self.unresolved.push(reference.to_string());
            return;
        };
        match resolve(root, reference) {
            Some(target) => self.absorb(root, target, depth + 1),
            None => self.unresolved.push(reference.to_owned()),
        }
    }

    /// Folds `oneOf`/`anyOf` branches in: `null` branches make the schema nullable (returned),
    /// a single other branch is merged, constants become a value set, and the rest are kept as
    /// variants.
    fn branches(
        &mut self,
        root: &'a Value,
        keyword: &'static str,
        value: &'a Value,
        depth: usize,
    ) -> bool {
        let mut nullable = false;
        let mut rest = Vec::new();
        for branch in value.as_array().into_iter().flatten() {
            let view = View::nested(root, branch, depth + 1);
            if view.only_null() {
                nullable = true;
            } else {
                rest.push((branch, view));
            }
        }
        if let [(branch, _)] = rest.as_slice() {
            self.absorb(root, branch, depth + 1);
        } else if !rest.is_empty() && rest.iter().all(|(_, view)| view.only_values()) {
            let values = rest
                .iter()
                .flat_map(|(_, view)| view.values.iter().flatten());
            let mut set: Vec<Value> = Vec::new();
            for value in values {
                if !set.contains(value) {
                    set.push(value.clone());
                }
            }
            self.intersect_values(set);
        } else if !rest.is_empty() && rest.iter().all(|(_, view)| view.only_types()) {
            // `anyOf: [{type: string}, {type: integer}]` is `type: [string, integer]`.
            let types = rest
                .iter()
                .flat_map(|(_, view)| view.types.iter().flatten());
            self.intersect_types(types.cloned().collect());
        } else if self.variants.is_empty() {
            self.variants = rest.into_iter().map(|(branch, _)| branch).collect();
            self.variant_keyword = keyword;
        } else {
            self.other.insert(keyword, value);
        }
        nullable
    }

    fn nested(root: &'a Value, schema: &'a Value, depth: usize) -> Self {
        let mut view = View::default();
        view.absorb(root, schema, depth);
        view
    }

    /// `{type: "null"}`, `{const: null}`, `{enum: [null]}`.
    fn only_null(&self) -> bool {
        let null_type = self
            .types
            .as_ref()
            .is_some_and(|t| t.len() == 1 && t.contains("null"));
        let null_value = self.values.as_ref().is_some_and(|v| v == &[Value::Null]);
        (null_type || null_value)
            && self.values.as_ref().is_none_or(|v| v == &[Value::Null])
            && self.properties.is_empty()
            && self.variants.is_empty()
    }

    /// A constant or an enum, with nothing structural around it.
    fn only_values(&self) -> bool {
        self.values.is_some()
            && self.properties.is_empty()
            && self.items.is_none()
            && self.variants.is_empty()
            && self.other.is_empty()
    }

    /// A bare `type`, with no other constraint.
    fn only_types(&self) -> bool {
        self.types.is_some() && !self.nothing && !self.constrains_beyond_type()
    }

    fn intersect_types(&mut self, types: BTreeSet<String>) {
        self.types = Some(match self.types.take() {
            None => types,
            Some(current) => {
                let mut both: BTreeSet<String> = current.intersection(&types).cloned().collect();
                // `integer` is a `number`: {number} ∩ {integer} is {integer}.
                if current.contains("number") && types.contains("integer")
                    || current.contains("integer") && types.contains("number")
                {
                    both.insert("integer".into());
                }
                if both.is_empty() {
                    self.nothing = true;
                }
                both
            }
        });
    }

    fn intersect_values(&mut self, values: Vec<Value>) {
        self.values = Some(match self.values.take() {
            None => values,
            Some(current) => current.into_iter().filter(|v| values.contains(v)).collect(),
        });
    }

    fn add_null(&mut self) {
        if let Some(types) = &mut self.types {
            types.insert("null".into());
        }
        if let Some(values) = &mut self.values
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }
}

/// `type` as a set of names.
fn type_names(value: &Value) -> BTreeSet<String> {
    match value {
        Value::String(name) => BTreeSet::from([name.clone()]),
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(Into::into)
            .collect(),
        _ => BTreeSet::new(),
    }
}

/// The target of a local `$ref` (`#`, `#/$defs/X`, `#/components/schemas/X`) in `root`.
pub(super) fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.contains('%') {
        let decoded = percent_decode(pointer)?;
        return root.pointer(&decoded);
    }
    root.pointer(pointer)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}
