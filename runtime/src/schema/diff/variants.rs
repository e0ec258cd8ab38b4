//! `oneOf`/`anyOf` variants that are not constants: matched between versions by their
//! `$ref` target, their tag (a property holding a `const`), their constant, their `title` or
//! their property names, then compared one by one. A plain schema facing a union is compared
//! as a union of one variant.

use serde_json::Value;

use super::change::{Change, ChangeKind};
use super::view::View;
use super::walk::Walker;

/// One side's variants: each schema with its pointer.
struct Side<'a> {
    variants: Vec<(&'a Value, String)>,
    /// Whether the side was a plain schema, not a union.
    plain: bool,
}

impl<'a> Side<'a> {
    fn of(view: &View<'a>, whole: &'a Value, pointer: &str) -> Self {
        if view.variants.is_empty() {
            return Side {
                variants: vec![(whole, pointer.to_owned())],
                plain: true,
            };
        }
        let variants = view.variants.iter().enumerate();
        let variants = variants
            .map(|(index, variant)| {
                (
                    *variant,
                    format!("{pointer}/{}/{index}", view.variant_keyword),
                )
            })
            .collect();
        Side {
            variants,
            plain: false,
        }
    }
}

/// Compares the variants of `old` and `new` (the views of `old_whole` and `new_whole`) at
/// `pointer`.
pub(super) fn compare<'a>(
    walker: &mut Walker<'a>,
    (old, old_whole): (&View<'a>, &'a Value),
    (new, new_whole): (&View<'a>, &'a Value),
    pointer: &str,
) {
    if old.variants.is_empty() && new.variants.is_empty() {
        return;
    }
    let before = Side::of(old, old_whole, pointer);
    let after = Side::of(new, new_whole, pointer);
    let old_keys = keys(walker.old_root, &before.variants);
    let new_keys = keys(walker.new_root, &after.variants);
    for (index, key) in old_keys.iter().enumerate() {
        if !new_keys.contains(key) {
            let here = &before.variants[index].1;
            walker.push(
                ChangeKind::VariantRemoved,
                here,
                format!("variant {key} removed"),
            );
        }
    }
    for (index, key) in new_keys.iter().enumerate() {
        let (variant, here) = &after.variants[index];
        match old_keys.iter().position(|old_key| old_key == key) {
            Some(old_index) => walker.compare(before.variants[old_index].0, variant, here),
            None => {
                let added = Change::new(
                    ChangeKind::VariantAdded,
                    walker.event,
                    here.as_str(),
                    format!("variant {key} added"),
                );
                // A plain schema that became a union widened its type: no mere new variant.
                let added = if before.plain {
                    added.breaking()
                } else {
                    added
                };
                walker.changes.push(added);
            }
        }
    }
}

/// A key per variant, unique within its list.
fn keys(root: &Value, variants: &[(&Value, String)]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(variants.len());
    for (index, (variant, _)) in variants.iter().enumerate() {
        let key = key(root, variant).filter(|key| !keys.contains(key));
        keys.push(key.unwrap_or_else(|| format!("#{index}")));
    }
    keys
}

fn key(root: &Value, variant: &Value) -> Option<String> {
    if let Some(reference) = variant.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return Some(format!("`{name}`"));
    }
    let view = View::of(root, variant);
    for (name, property) in &view.properties {
        let tag = View::of(root, property);
        if let Some([value]) = tag.non_null_values().as_deref() {
            return Some(format!("{name}={value}"));
        }
    }
    if let Some([value]) = view.non_null_values().as_deref() {
        return Some(value.to_string());
    }
    if let Some(title) = variant.get("title").and_then(Value::as_str) {
        return Some(format!("`{title}`"));
    }
    if !view.properties.is_empty() {
        let names: Vec<&str> = view.properties.keys().copied().collect();
        return Some(format!("{{{}}}", names.join(", ")));
    }
    view.non_null_types()
        .map(|types| types.into_iter().collect::<Vec<_>>().join("|"))
}
