//! Objects: structs from `properties`, `allOf` merged into one struct (or seen as the type it
//! narrows), `additionalProperties` as a flattened map.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::convert::{Converter, doc_of, kept_keywords, needs_def, object_at};
use crate::ir::{Field, Kind, Ty};
use crate::names::{self, Scope};
use crate::source::Loc;

/// How deep `$ref`s and `allOf`s may nest when an object's members are collected.
const MAX_DEPTH: usize = 32;

/// The members of an object schema with its `$ref`s and `allOf`s followed.
#[derive(Default)]
pub(crate) struct View {
    /// Each member and where its schema is; the first definition of a name wins.
    pub(crate) props: Vec<(String, Loc)>,
    pub(crate) required: BTreeSet<String>,
    /// The `additionalProperties` schema, when it is one.
    pub(crate) additional: Option<Loc>,
}

impl View {
    fn absorb(&mut self, other: View) {
        for (name, loc) in other.props {
            if !self.props.iter().any(|(known, _)| *known == name) {
                self.props.push((name, loc));
            }
        }
        self.required.extend(other.required);
        self.additional = self.additional.take().or(other.additional);
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.props.iter().any(|(known, _)| known == name)
    }
}

/// Keywords that make an `allOf` part more than a note (a description, an example).
const SHAPING: &[&str] = &[
    "$ref",
    "properties",
    "allOf",
    "oneOf",
    "anyOf",
    "type",
    "enum",
    "const",
    "items",
    "additionalProperties",
];

fn shapes(map: &Map<String, Value>) -> bool {
    SHAPING.iter().any(|key| map.contains_key(*key))
}

impl Converter<'_> {
    /// The object members of the schema at `loc`, or why it is not an object.
    pub(crate) fn view(&self, loc: &Loc, depth: usize) -> Result<View, String> {
        if depth > MAX_DEPTH {
            return Err("`$ref`/`allOf` nest too deeply".to_owned());
        }
        let map = object_at(self.sources, loc).ok_or("not a schema")?;
        let mut view = View::default();
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let target = self.sources.resolve(loc, reference)?;
            view.absorb(self.view(&target, depth + 1)?);
        }
        if let Some(Value::Object(props)) = map.get("properties") {
            for name in props.keys() {
                let at = loc.join("properties").join(name);
                view.absorb(View {
                    props: vec![(name.clone(), at)],
                    ..View::default()
                });
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            view.required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(Value::Object(_)) = map.get("additionalProperties") {
            view.additional = Some(loc.join("additionalProperties"));
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            for index in 0..parts.len() {
                let part = loc.join("allOf").join(&index.to_string());
                view.absorb(self.view(&part, depth + 1)?);
            }
        }
        let no_members = view.props.is_empty() && view.additional.is_none();
        if no_members && (map.contains_key("oneOf") || map.contains_key("anyOf")) {
            return Err("`allOf` over a `oneOf`/`anyOf` is not supported".to_owned());
        }
        let types: Vec<&str> = crate::convert::types_of(map)
            .into_iter()
            .filter(|t| *t != "null")
            .collect();
        if !types.is_empty() && types != ["object"] {
            return Err(format!(
                "`allOf` of an object with a `{}` schema is not supported",
                types.join(", ")
            ));
        }
        Ok(view)
    }

    /// When the schema at `loc` is only another named schema (`allOf: [$ref]`, `oneOf:
    /// [$ref, null]`, or `allOf: [$ref, narrowing]` whose members the referenced schema
    /// already has), that schema's location.
    pub(crate) fn alias_of(&self, loc: &Loc, map: &Map<String, Value>) -> Option<Loc> {
        if map
            .get("properties")
            .is_some_and(|p| p.as_object().is_some_and(|p| !p.is_empty()))
        {
            return None;
        }
        let resolve = |index: usize, key: &str| -> Option<Loc> {
            let part = loc.join(key).join(&index.to_string());
            let reference = self.sources.get(&part)?.get("$ref")?.as_str()?;
            self.sources.resolve(&part, reference).ok()
        };
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = map.get(key) {
                let real: Vec<usize> = (0..branches.len())
                    .filter(|&i| !crate::convert::is_null_schema(&branches[i]))
                    .collect();
                return match real.as_slice() {
                    [only] => resolve(*only, key),
                    _ => None,
                };
            }
        }
        let Value::Array(parts) = map.get("allOf")? else {
            return None;
        };
        let shaping: Vec<usize> = (0..parts.len())
            .filter(|&i| parts[i].as_object().is_some_and(shapes))
            .collect();
        let (&first, rest) = shaping.split_first()?;
        let target = resolve(first, "allOf")?;
        let base = self.view(&target, 0).ok()?;
        for &index in rest {
            let part = loc.join("allOf").join(&index.to_string());
            let narrowing = self.view(&part, 0).ok()?;
            if narrowing.additional.is_some()
                || !narrowing.props.iter().all(|(name, _)| base.has(name))
            {
                return None;
            }
        }
        Some(target)
    }

    /// An `allOf`: one struct with every part's members.
    pub(crate) fn merged(&mut self, loc: &Loc, map: &Map<String, Value>, name: &str) -> Kind {
        let _ = map;
        match self.view(loc, 0) {
            Ok(view) if view.props.is_empty() && view.additional.is_none() => {
                Kind::Newtype(Ty::Map(Box::new(Ty::Value)))
            }
            Ok(view) => self.struct_of(&view, name, None),
            Err(why) => Kind::Newtype(self.fallback(loc, why)),
        }
    }

    /// An object with `properties`; `exclude` leaves out a member (an enum's tag).
    pub(crate) fn object(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        name: &str,
        exclude: Option<&str>,
    ) -> Kind {
        let _ = map;
        match self.view(loc, 0) {
            Ok(view) => self.struct_of(&view, name, exclude),
            Err(why) => Kind::Newtype(self.fallback(loc, why)),
        }
    }

    fn struct_of(&mut self, view: &View, name: &str, exclude: Option<&str>) -> Kind {
        let fields = self.fields_of(view, name, exclude);
        let extra = view.additional.clone().map(|at| {
            let ty = self.ty_at(&at, &format!("{name}Value"));
            Ty::Map(Box::new(ty))
        });
        Kind::Struct { fields, extra }
    }

    /// The fields of an object's members, in the order listed.
    pub(crate) fn fields_of(
        &mut self,
        view: &View,
        name: &str,
        exclude: Option<&str>,
    ) -> Vec<Field> {
        let mut idents = Scope::default();
        idents.claim("extra".to_owned());
        let mut fields = Vec::new();
        for (wire, at) in &view.props {
            if Some(wire.as_str()) == exclude {
                continue;
            }
            let ident = idents.claim(names::snake(wire));
            let owner = self.owner_name(at).unwrap_or_else(|| name.to_owned());
            let ty = self.ty_at(at, &format!("{owner}{}", names::pascal(wire)));
            let optional = !view.required.contains(wire);
            let map = object_at(self.sources, at);
            let doc = map.and_then(doc_of);
            let extend = match map {
                Some(map) if self.keep_schema && !needs_def(map) && !map.contains_key("$ref") => {
                    kept_keywords(map, &Kind::Pending)
                }
                _ => Vec::new(),
            };
            fields.push(Field {
                ident,
                wire: wire.clone(),
                ty: if optional { ty.optional() } else { ty },
                optional,
                doc,
                extend,
            });
        }
        fields
    }
}

impl Converter<'_> {
    /// The name of the schema a member is declared in, when that schema is a named one (a
    /// file's root, a `$defs`/`definitions`/`components.schemas` entry): members of a shared
    /// schema are named after it, not after whichever struct happened to merge it first.
    fn owner_name(&self, member: &Loc) -> Option<String> {
        let (parent, _) = member.pointer.rsplit_once("/properties/")?;
        if parent.is_empty()
            && let Some(event) = self.file_names.get(&member.file)
        {
            return Some(event.clone());
        }
        let named = parent.is_empty()
            || ["/$defs/", "/definitions/", "/components/schemas/"]
                .iter()
                .any(|prefix| {
                    parent
                        .strip_prefix(prefix)
                        .is_some_and(|rest| !rest.contains('/'))
                });
        named.then(|| names::pascal(&crate::convert::loc_hint(&Loc::new(&member.file, parent))))
    }
}
