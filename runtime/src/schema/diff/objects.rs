//! Object keywords: `properties` (removed, renamed, added), `required`, and
//! `additionalProperties`.

use serde_json::Value;

use super::change::{Breaks, ChangeKind};
use super::view::View;
use super::walk::{ANYTHING, Walker, segment};

/// Compares the object keywords of `old` and `new` at `pointer`.
pub(super) fn compare<'a>(walker: &mut Walker<'a>, old: &View<'a>, new: &View<'a>, pointer: &str) {
    let old_closed = closed(old);
    let new_closed = closed(new);
    let removed: Vec<&str> = old
        .properties
        .keys()
        .filter(|n| !new.properties.contains_key(*n))
        .copied()
        .collect();
    let mut added: Vec<&str> = new
        .properties
        .keys()
        .filter(|n| !old.properties.contains_key(*n))
        .copied()
        .collect();

    for name in removed {
        let here = format!("{pointer}/properties/{}", segment(name));
        let was = if old.required.contains(name) {
            "required"
        } else {
            "optional"
        };
        let renamed = added.iter().position(|candidate| {
            same_shape(walker, old.properties[name], new.properties[candidate])
        });
        if let Some(index) = renamed {
            let to = added.remove(index);
            let senders = if new.required.contains(to) {
                Breaks::Senders
            } else {
                Breaks::Nobody
            };
            let detail = format!("{was} `{name}` renamed to `{to}`");
            walker.push_also(ChangeKind::PropertyRenamed, &here, detail, senders);
            continue;
        }
        // Senders still sending it are refused once the object is closed.
        let senders = if new_closed {
            Breaks::Senders
        } else {
            Breaks::Nobody
        };
        let detail = format!("{was} `{name}` removed");
        walker.push_also(ChangeKind::PropertyRemoved, &here, detail, senders);
    }
    // Receivers that refuse unknown fields (the old object was closed) break on any new one.
    let receivers = if old_closed {
        Breaks::Receivers
    } else {
        Breaks::Nobody
    };
    for name in added {
        let here = format!("{pointer}/properties/{}", segment(name));
        let (kind, detail) = if new.required.contains(name) {
            (
                ChangeKind::PropertyAddedRequired,
                format!("required `{name}` added"),
            )
        } else {
            (
                ChangeKind::PropertyAddedOptional,
                format!("optional `{name}` added"),
            )
        };
        walker.push_also(kind, &here, detail, receivers);
    }

    for (name, before) in &old.properties {
        let Some(after) = new.properties.get(name) else {
            continue;
        };
        let here = format!("{pointer}/properties/{}", segment(name));
        match (old.required.contains(name), new.required.contains(name)) {
            (false, true) => {
                walker.push(
                    ChangeKind::RequiredAdded,
                    &here,
                    format!("`{name}` is now required"),
                );
            }
            (true, false) => {
                let detail = format!("`{name}` is no longer required");
                walker.push(ChangeKind::RequiredRemoved, &here, detail);
            }
            _ => {}
        }
        walker.compare(before, after, &here);
    }
    // Required names with no declared property.
    let undeclared = |view: &View<'a>, name: &&str| {
        !old.properties.contains_key(*name) && !view.properties.contains_key(*name)
    };
    for name in new
        .required
        .iter()
        .filter(|n| undeclared(new, n) && !old.required.contains(*n))
    {
        walker.push(
            ChangeKind::RequiredAdded,
            pointer,
            format!("`{name}` is now required"),
        );
    }
    for name in old
        .required
        .iter()
        .filter(|n| undeclared(old, n) && !new.required.contains(*n))
    {
        walker.push(
            ChangeKind::RequiredRemoved,
            pointer,
            format!("`{name}` is no longer required"),
        );
    }

    let here = format!("{pointer}/additionalProperties");
    match (old_closed, new_closed) {
        (false, true) => {
            walker.push(
                ChangeKind::AdditionalPropertiesClosed,
                &here,
                "no other properties allowed",
            );
        }
        (true, false) => {
            walker.push(
                ChangeKind::AdditionalPropertiesOpened,
                &here,
                "other properties allowed",
            );
        }
        (true, true) => {}
        (false, false) => {
            let before = old.additional.unwrap_or(&ANYTHING);
            let after = new.additional.unwrap_or(&ANYTHING);
            if before != after {
                walker.compare(before, after, &here);
            }
        }
    }
}

/// Whether the object allows no property beyond those declared.
fn closed(view: &View<'_>) -> bool {
    view.additional.is_some_and(|additional| {
        additional == &Value::Bool(false)
            || additional
                .as_object()
                .is_some_and(|not| not.get("not") == Some(&serde_json::json!({})))
    })
}

/// Whether two property schemas are the same but for their annotations: a rename candidate.
fn same_shape(walker: &Walker<'_>, old: &Value, new: &Value) -> bool {
    strip(old) == strip(new) && {
        // A `$ref` must point at equal schemas too.
        let resolve = |root: &Value, schema: &Value| {
            schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| super::view::resolve(root, r))
                .map(strip)
        };
        resolve(walker.old_root, old) == resolve(walker.new_root, new)
    }
}

fn strip(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| {
                    !matches!(
                        key.as_str(),
                        "description" | "title" | "examples" | "example"
                    )
                })
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}
