//! `oneOf`/`anyOf` and string enums: unit enums for string literals, internally tagged
//! enums when every branch has a constant member, untagged enums otherwise.

use serde_json::{Map, Value};

use crate::convert::{Converter, doc_of, is_null_schema, loc_hint, object_at, string_values};
use crate::ir::{Kind, Variant, VariantBody};
use crate::names::{self, Scope};
use crate::object::View;
use crate::source::Loc;

impl Converter<'_> {
    /// A string enum over `values`, with a doc comment per value when `docs` has one.
    pub(crate) fn string_enum(&mut self, values: &[String], docs: &[Option<String>]) -> Kind {
        let mut idents = Scope::default();
        let mut variants: Vec<Variant> = Vec::new();
        for (index, value) in values.iter().enumerate() {
            if variants.iter().any(|known| known.wire == *value) {
                continue;
            }
            variants.push(Variant {
                ident: idents.claim(names::pascal(value)),
                wire: value.clone(),
                doc: docs.get(index).cloned().flatten(),
                body: VariantBody::Unit,
            });
        }
        Kind::StringEnum(variants)
    }

    /// A `oneOf` or `anyOf` (its `null` branch, if any, makes the uses `Option`).
    pub(crate) fn union(&mut self, loc: &Loc, map: &Map<String, Value>, name: &str) -> Kind {
        let key = if map.contains_key("oneOf") {
            "oneOf"
        } else {
            "anyOf"
        };
        let branches: Vec<Loc> = match map.get(key) {
            Some(Value::Array(all)) => (0..all.len())
                .filter(|&i| !is_null_schema(&all[i]))
                .map(|i| loc.join(key).join(&i.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        match branches.as_slice() {
            [] => return Kind::Newtype(crate::ir::Ty::Unit),
            [only] => {
                let Some(branch) = object_at(self.sources, only) else {
                    return Kind::Newtype(self.fallback(only, "not a schema"));
                };
                return self.kind_of(only, branch, name);
            }
            _ => {}
        }
        if let Some(kind) = self.literal_union(&branches) {
            return kind;
        }
        if let Some(kind) = self.tagged_union(&branches, name) {
            return kind;
        }
        self.untagged_union(&branches, name)
    }

    /// Every branch a string literal (`const`, one-value `enum`): a string enum.
    fn literal_union(&mut self, branches: &[Loc]) -> Option<Kind> {
        let mut values = Vec::new();
        let mut docs = Vec::new();
        for branch in branches {
            let map = object_at(self.sources, branch)?;
            if map.contains_key("$ref") {
                return None;
            }
            let branch_values = string_values(map)?;
            let doc = if branch_values.len() == 1 {
                doc_of(map)
            } else {
                None
            };
            for value in branch_values {
                values.push(value);
                docs.push(doc.clone());
            }
        }
        Some(self.string_enum(&values, &docs))
    }

    /// Every branch an object with one member holding a distinct string constant: an
    /// internally tagged enum on that member.
    fn tagged_union(&mut self, branches: &[Loc], name: &str) -> Option<Kind> {
        let views: Vec<View> = branches
            .iter()
            .map(|branch| self.view(branch, 0).ok())
            .collect::<Option<_>>()?;
        let tag = views[0]
            .props
            .iter()
            .map(|(member, _)| member.clone())
            .find(|member| {
                let values: Option<Vec<String>> = views
                    .iter()
                    .map(|view| self.constant(view, member))
                    .collect();
                values.is_some_and(|mut values| {
                    let count = values.len();
                    values.sort();
                    values.dedup();
                    values.len() == count
                })
            })?;
        let mut idents = Scope::default();
        let mut variants = Vec::new();
        for (branch, view) in branches.iter().zip(&views) {
            let wire = self.constant(view, &tag)?;
            let ident = idents.claim(names::pascal(&wire));
            let fields = self.fields_of(view, &format!("{name}{ident}"), Some(&tag));
            let doc = self.branch_doc(branch);
            variants.push(Variant {
                ident,
                wire,
                doc,
                body: if fields.is_empty() {
                    VariantBody::Unit
                } else {
                    VariantBody::Fields(fields)
                },
            });
        }
        Some(Kind::Tagged { tag, variants })
    }

    /// The one string a required member of `view` always holds, if it does.
    fn constant(&self, view: &View, member: &str) -> Option<String> {
        if !view.required.contains(member) {
            return None;
        }
        let (_, at) = view.props.iter().find(|(name, _)| name == member)?;
        let mut at = at.clone();
        for _ in 0..8 {
            let map = object_at(self.sources, &at)?;
            match map.get("$ref").and_then(Value::as_str) {
                Some(reference) => at = self.sources.resolve(&at, reference).ok()?,
                None => {
                    let values = string_values(map)?;
                    return (values.len() == 1).then(|| values[0].clone());
                }
            }
        }
        None
    }

    fn branch_doc(&self, branch: &Loc) -> Option<String> {
        let map = object_at(self.sources, branch)?;
        match map.get("$ref").and_then(Value::as_str) {
            Some(reference) if !map.contains_key("description") => {
                let target = self.sources.resolve(branch, reference).ok()?;
                object_at(self.sources, &target).and_then(doc_of)
            }
            _ => doc_of(map),
        }
    }

    /// Anything else: an untagged enum, a variant per branch, tried in order.
    fn untagged_union(&mut self, branches: &[Loc], name: &str) -> Kind {
        let mut idents = Scope::default();
        let mut variants = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let label = self.branch_label(branch, index);
            let ident = idents.claim(names::pascal(&label));
            let ty = self.ty_at(branch, &format!("{name}{ident}"));
            variants.push(Variant {
                ident,
                wire: String::new(),
                doc: self.branch_doc(branch),
                body: VariantBody::Newtype(ty),
            });
        }
        Kind::Untagged(variants)
    }

    /// A variant name for a branch: the referenced schema's name, or its type.
    fn branch_label(&self, branch: &Loc, index: usize) -> String {
        let Some(map) = object_at(self.sources, branch) else {
            return format!("variant{index}");
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str)
            && let Ok(target) = self.sources.resolve(branch, reference)
        {
            return loc_hint(&target);
        }
        if let Some(title) = map.get("title").and_then(Value::as_str)
            && title.len() <= 40
        {
            return title.to_owned();
        }
        match crate::convert::types_of(map).first() {
            Some(&"string") => "string".to_owned(),
            Some(&"integer") => "integer".to_owned(),
            Some(&"number") => "number".to_owned(),
            Some(&"boolean") => "boolean".to_owned(),
            Some(&"array") => "array".to_owned(),
            Some(&"object") => "object".to_owned(),
            _ => format!("variant{index}"),
        }
    }
}
