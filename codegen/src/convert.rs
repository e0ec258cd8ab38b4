//! Schema -> [`Ty`]: `$ref`s, nullability, primitives and arrays here; objects in
//! [`crate::object`], unions and enums in [`crate::union`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::ir::{Def, Kind, Ty};
use crate::names::{self, Scope};
use crate::report::Fallback;
use crate::source::{Loc, Sources};

/// Keywords a Rust type does not carry, kept for `JsonSchema` output when asked.
const KEPT_KEYWORDS: &[&str] = &[
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
    "examples",
];

/// The state of one conversion: the definitions made so far and what fell back.
pub(crate) struct Converter<'s> {
    pub(crate) sources: &'s Sources,
    pub(crate) defs: Vec<Def>,
    pub(crate) types: Scope,
    pub(crate) fallbacks: Vec<(Option<usize>, Fallback)>,
    /// `(a, b)`: definition `a` uses definition `b`.
    pub(crate) edges: BTreeSet<(usize, usize)>,
    /// Whether to keep schema keywords for `JsonSchema`.
    pub(crate) keep_schema: bool,
    /// Names for whole files that are events' payloads (`PullRequestOpened`).
    pub(crate) file_names: BTreeMap<String, String>,
    /// The type of `format: date-time` strings; `None` keeps them `String`.
    pub(crate) date_time: Option<String>,
    cache: BTreeMap<Loc, Ty>,
    stack: Vec<usize>,
}

/// The schema object at a location (`true` and `{}` read as an empty object).
pub(crate) fn object_at<'a>(sources: &'a Sources, loc: &Loc) -> Option<&'a Map<String, Value>> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match sources.get(loc)? {
        Value::Object(map) => Some(map),
        Value::Bool(true) => Some(EMPTY.get_or_init(Map::new)),
        _ => None,
    }
}

/// The types listed in `type`, whether a string or an array.
pub(crate) fn types_of(map: &Map<String, Value>) -> Vec<&str> {
    match map.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the schema also allows `null` (3.1 `type` arrays, 3.0 `nullable`, `null` in `enum`).
pub(crate) fn allows_null(map: &Map<String, Value>) -> bool {
    let null_branch = ["oneOf", "anyOf"].iter().any(|key| {
        map.get(*key)
            .and_then(Value::as_array)
            .is_some_and(|branches| branches.iter().any(is_null_schema))
    });
    null_branch
        || map.get("nullable").and_then(Value::as_bool) == Some(true)
        || types_of(map).contains(&"null")
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.contains(&Value::Null))
}

/// Whether a schema allows only `null`.
pub(crate) fn is_null_schema(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| {
        types_of(map) == ["null"]
            || map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.iter().all(Value::is_null))
    })
}

/// A name for what `loc` points at: its last pointer segment, or the file's stem.
pub(crate) fn loc_hint(loc: &Loc) -> String {
    match loc.pointer.rsplit('/').next().filter(|s| !s.is_empty()) {
        Some(segment) => segment.replace("~1", "/").replace("~0", "~"),
        None => {
            let stem = loc.file.rsplit('/').next().unwrap_or(&loc.file);
            stem.trim_end_matches(".json")
                .trim_end_matches(".schema")
                .to_owned()
        }
    }
}

impl<'s> Converter<'s> {
    pub(crate) fn new(sources: &'s Sources, types: Scope, keep_schema: bool) -> Self {
        Converter {
            sources,
            defs: Vec::new(),
            types,
            fallbacks: Vec::new(),
            edges: BTreeSet::new(),
            keep_schema,
            file_names: BTreeMap::new(),
            date_time: None,
            cache: BTreeMap::new(),
            stack: Vec::new(),
        }
    }

    /// Records an unsupported construct at `loc` and returns the `Value` fallback.
    pub(crate) fn fallback(&mut self, loc: &Loc, reason: impl Into<String>) -> Ty {
        let owner = self.stack.last().copied();
        self.fallbacks.push((
            owner,
            Fallback {
                pointer: loc.to_string(),
                reason: reason.into(),
            },
        ));
        Ty::Value
    }

    /// The Rust type of the schema at `loc`, used in an anonymous position (a member, an item);
    /// `hint` names a definition it may need.
    pub(crate) fn ty_at(&mut self, loc: &Loc, hint: &str) -> Ty {
        let Some(map) = object_at(self.sources, loc) else {
            return match self.sources.get(loc) {
                Some(Value::Bool(false)) => self.fallback(loc, "the schema `false` allows nothing"),
                _ => self.fallback(loc, "not a schema"),
            };
        };
        if map.contains_key("$ref") || self.alias_of(loc, map).is_some() || needs_def(map) {
            return self.named(loc, hint);
        }
        let ty = self.plain(loc, map, hint);
        if allows_null(map) { ty.optional() } else { ty }
    }

    /// The Rust type of the schema at `loc` as a named item: a `$ref` target, a component,
    /// an event's payload. Primitive schemas get a newtype.
    pub(crate) fn named(&mut self, loc: &Loc, hint: &str) -> Ty {
        if let Some(ty) = self.cache.get(loc).cloned() {
            if let Some(&owner) = self.stack.last() {
                let mut used = Vec::new();
                ty.named_ids(&mut used);
                self.edges.extend(used.into_iter().map(|id| (owner, id)));
            }
            return self.box_if_pending(ty);
        }
        let Some(map) = object_at(self.sources, loc) else {
            return self.ty_at(loc, hint);
        };
        let nullable = allows_null(map);
        let wrap = |ty: Ty| if nullable { ty.optional() } else { ty };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let ty = match self.sources.resolve(loc, reference) {
                Ok(target) => {
                    let hint = loc_hint(&target);
                    self.named(&target, &hint)
                }
                Err(why) => self.fallback(loc, why),
            };
            return wrap(ty);
        }
        if let Some(target) = self.alias_of(loc, map) {
            let hint = loc_hint(&target);
            let ty = wrap(self.named(&target, &hint));
            self.cache.insert(loc.clone(), ty.clone());
            return ty;
        }
        let name = self.types.claim(names::pascal(hint));
        let component = loc.pointer.strip_prefix("/components/schemas/");
        let schema_name = component
            .filter(|key| self.keep_schema && !key.contains('/') && **key != name)
            .map(|key| key.replace("~1", "/").replace("~0", "~"));
        let id = self.defs.len();
        self.defs.push(Def {
            name,
            schema_name,
            doc: doc_of(map),
            kind: Kind::Pending,
            event: None,
            extend: Vec::new(),
        });
        let ty = wrap(Ty::Named(id));
        self.cache.insert(loc.clone(), ty.clone());
        if let Some(&owner) = self.stack.last() {
            self.edges.insert((owner, id));
        }
        self.stack.push(id);
        let name = self.defs[id].name.clone();
        let kind = self.kind_of(loc, map, &name);
        if self.keep_schema && !matches!(kind, Kind::Struct { .. } | Kind::Tagged { .. }) {
            self.defs[id].extend = kept_keywords(map, &kind);
        } else if self.keep_schema {
            self.defs[id].extend = kept_keywords(map, &kind)
                .into_iter()
                .filter(|(key, _)| key == "examples")
                .collect();
        }
        self.defs[id].kind = kind;
        self.stack.pop();
        ty
    }

    /// The kind of definition the schema at `loc` becomes.
    pub(crate) fn kind_of(&mut self, loc: &Loc, map: &Map<String, Value>, name: &str) -> Kind {
        let has_properties = map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if map.contains_key("allOf") {
            self.merged(loc, map, name)
        } else if !has_properties && (map.contains_key("oneOf") || map.contains_key("anyOf")) {
            self.union(loc, map, name)
        } else if let Some(values) = string_values(map) {
            self.string_enum(&values, &[])
        } else if has_properties {
            self.object(loc, map, name, None)
        } else {
            Kind::Newtype(self.plain(loc, map, name))
        }
    }

    fn box_if_pending(&self, ty: Ty) -> Ty {
        match ty {
            Ty::Named(id) if self.stack.contains(&id) => Ty::Boxed(Box::new(ty)),
            Ty::Option(inner) => Ty::Option(Box::new(self.box_if_pending(*inner))),
            other => other,
        }
    }

    /// A type with no definition of its own: primitives, arrays, maps.
    fn plain(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &str) -> Ty {
        let types: Vec<&str> = types_of(map).into_iter().filter(|t| *t != "null").collect();
        match types.as_slice() {
            [] if map.contains_key("items") => self.array(loc, map, hint),
            [] if map.contains_key("additionalProperties") || map.contains_key("properties") => {
                self.map(loc, map, hint)
            }
            [] if map.contains_key("const") => literal_ty(&map["const"]),
            [] => match map.get("enum").and_then(Value::as_array) {
                Some(values) if !values.is_empty() => literal_ty(&values[0]),
                _ if types_of(map).contains(&"null") => Ty::Unit,
                _ => Ty::Value,
            },
            ["string"] => match (map.get("format").and_then(Value::as_str), &self.date_time) {
                (Some("date-time"), Some(path)) => Ty::Path(path.clone()),
                _ => Ty::String,
            },
            ["boolean"] => Ty::Bool,
            ["number"] => Ty::F64,
            ["integer"] => Ty::Int(int_for(map.get("format").and_then(Value::as_str))),
            ["array"] => self.array(loc, map, hint),
            ["object"] => self.map(loc, map, hint),
            many => {
                let listed = many.join(", ");
                self.fallback(
                    loc,
                    format!("`type: [{listed}]` (several types) is not supported"),
                )
            }
        }
    }

    fn array(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &str) -> Ty {
        if map.contains_key("prefixItems") || map.get("items").is_some_and(Value::is_array) {
            let ty = self.fallback(
                loc,
                "tuples (`prefixItems`, array `items`) are not supported",
            );
            return Ty::Vec(Box::new(ty));
        }
        let item = match map.get("items") {
            Some(_) => self.ty_at(&loc.join("items"), &format!("{hint}Item")),
            None => Ty::Value,
        };
        Ty::Vec(Box::new(item))
    }

    /// An object used as a map: its `additionalProperties` (or anything) by string keys.
    fn map(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &str) -> Ty {
        match map.get("additionalProperties") {
            Some(Value::Object(_)) => Ty::Map(Box::new(
                self.ty_at(&loc.join("additionalProperties"), &format!("{hint}Value")),
            )),
            _ => match map.get("patternProperties").and_then(Value::as_object) {
                Some(patterns) if patterns.len() == 1 => {
                    let (pattern, _) = patterns.iter().next().expect("one pattern");
                    let at = loc.join("patternProperties").join(pattern);
                    Ty::Map(Box::new(self.ty_at(&at, &format!("{hint}Value"))))
                }
                _ => Ty::Map(Box::new(Ty::Value)),
            },
        }
    }
}

/// Whether the schema at hand becomes a definition of its own even inline.
pub(crate) fn needs_def(map: &Map<String, Value>) -> bool {
    map.get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
        || map.contains_key("allOf")
        || map.contains_key("oneOf")
        || map.contains_key("anyOf")
        || string_values(map).is_some()
}

/// The strings of a string `enum` or `const` (`null` left out), when that is what it is.
pub(crate) fn string_values(map: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(Value::String(one)) = map.get("const") {
        return Some(vec![one.clone()]);
    }
    let values = map.get("enum")?.as_array()?;
    let strings: Vec<String> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<_>>()?;
    (!strings.is_empty()).then_some(strings)
}

fn literal_ty(value: &Value) -> Ty {
    match value {
        Value::Bool(_) => Ty::Bool,
        Value::Number(n) if n.is_i64() || n.is_u64() => Ty::Int("i64"),
        Value::Number(_) => Ty::F64,
        Value::String(_) => Ty::String,
        Value::Null => Ty::Unit,
        _ => Ty::Value,
    }
}

/// The Rust integer for a JSON Schema `format`; `i64` when none is given.
fn int_for(format: Option<&str>) -> &'static str {
    match format {
        Some("int8") => "i8",
        Some("int16") => "i16",
        Some("int32") => "i32",
        Some("uint8") => "u8",
        Some("uint16") => "u16",
        Some("uint32") => "u32",
        Some("uint64" | "uint") => "u64",
        _ => "i64",
    }
}

/// The description (or else the title) of a schema, for a doc comment.
pub(crate) fn doc_of(map: &Map<String, Value>) -> Option<String> {
    map.get("description")
        .or_else(|| map.get("title"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|doc| !doc.is_empty())
        .map(str::to_owned)
}

/// The keywords of `map` a `JsonSchema` derive would not write for the Rust type by itself.
pub(crate) fn kept_keywords(map: &Map<String, Value>, kind: &Kind) -> Vec<(String, Value)> {
    KEPT_KEYWORDS
        .iter()
        .filter(|key| !(matches!(kind, Kind::StringEnum(_)) && **key == "default"))
        .filter_map(|key| {
            map.get(*key)
                .map(|value| ((*key).to_owned(), value.clone()))
        })
        .chain(
            map.get("example")
                .filter(|_| !map.contains_key("examples"))
                .map(|one| ("examples".to_owned(), Value::Array(vec![one.clone()]))),
        )
        .collect()
}
