//! The comparison of two schemas, keyword by keyword, recursing into properties, items,
//! `additionalProperties` and `oneOf`/`anyOf` variants.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::bounds::{self, Bounds};
use super::change::{Breaks, Change, ChangeKind};
use super::view::View;
use super::{objects, variants};

/// The schema `true`, for a keyword that is absent on one side.
pub(super) static ANYTHING: Value = Value::Bool(true);

/// How deep properties, items and variants are compared.
const MAX_NESTING: usize = 128;

/// Walks two versions of one event's schema and collects the changes.
pub(super) struct Walker<'a> {
    pub(super) old_root: &'a Value,
    pub(super) new_root: &'a Value,
    pub(super) event: &'a str,
    pub(super) changes: Vec<Change>,
    /// The (old, new) schema pairs being compared, to stop at recursive types.
    stack: Vec<(usize, usize)>,
    /// The (old, new) schema pairs compared in full, and whether they had changes: a pair
    /// reached again is compared again only when it had changes (to report them at each place),
    /// and at most [`MAX_REPEATS`] times in all, so that definitions referring several times to
    /// one another take linear, not exponential, time.
    seen: HashMap<(usize, usize), bool>,
    /// How many pairs with changes were compared again.
    repeats: usize,
    /// How many times [`MAX_NESTING`] stopped a comparison: a pair compared with such a stop is
    /// not known to have no change.
    cut: usize,
}

/// How many times pairs of schemas with changes are compared again, at the other places they
/// are reached; past that, their changes are reported at the places already reached only.
const MAX_REPEATS: usize = 1000;

impl<'a> Walker<'a> {
    pub(super) fn new(old_root: &'a Value, new_root: &'a Value, event: &'a str) -> Self {
        Walker {
            old_root,
            new_root,
            event,
            changes: Vec::new(),
            stack: Vec::new(),
            seen: HashMap::new(),
            repeats: 0,
            cut: 0,
        }
    }

    pub(super) fn push(&mut self, kind: ChangeKind, pointer: &str, detail: impl Into<String>) {
        self.changes
            .push(Change::new(kind, self.event, pointer, detail));
    }

    pub(super) fn push_also(
        &mut self,
        kind: ChangeKind,
        pointer: &str,
        detail: impl Into<String>,
        also: Breaks,
    ) {
        let change = Change::new(kind, self.event, pointer, detail).also(also);
        self.changes.push(change);
    }

    /// Compares `old` and `new` (schemas of the old and new documents) at `pointer`.
    pub(super) fn compare(&mut self, old: &'a Value, new: &'a Value, pointer: &str) {
        let key = (
            std::ptr::from_ref(old) as usize,
            std::ptr::from_ref(new) as usize,
        );
        // A recursive type stops at its first repetition; a chain deeper than any real
        // payload stops too, rather than exhaust the stack.
        if self.stack.len() >= MAX_NESTING {
            self.cut += 1;
            return;
        }
        if self.stack.contains(&key) {
            return;
        }
        match self.seen.get(&key) {
            Some(false) => return,
            Some(true) if self.repeats >= MAX_REPEATS => return,
            Some(true) => self.repeats += 1,
            None => {}
        }
        let (changes, cut) = (self.changes.len(), self.cut);
        self.stack.push(key);
        let before = View::of(self.old_root, old);
        let after = View::of(self.new_root, new);
        // A plain schema facing a union is compared variant by variant only.
        let same_shape = before.variants.is_empty() == after.variants.is_empty();
        if self.compare_ends(&before, &after, pointer) {
            if same_shape {
                self.compare_views(&before, &after, pointer);
            }
            variants::compare(self, (&before, old), (&after, new), pointer);
        }
        self.stack.pop();
        if self.changes.len() > changes {
            self.seen.insert(key, true);
        } else if self.cut == cut {
            self.seen.entry(key).or_insert(false);
        }
    }

    /// Reports what ends the comparison at `pointer`: unresolved `$ref`s, a schema that now
    /// accepts nothing or anything. Returns whether to go on.
    fn compare_ends(&mut self, old: &View<'a>, new: &View<'a>, pointer: &str) -> bool {
        let unresolved: Vec<&String> = new
            .unresolved
            .iter()
            .filter(|r| !old.unresolved.contains(r))
            .collect();
        for reference in &unresolved {
            self.push(
                ChangeKind::RefUnresolved,
                pointer,
                format!("`{reference}` not found"),
            );
        }
        if !unresolved.is_empty() {
            return false;
        }
        if new.nothing && !old.nothing {
            self.push(
                ChangeKind::SchemaRejectsAll,
                pointer,
                "the schema now accepts no value",
            );
            return false;
        }
        if new.accepts_all() && !old.accepts_all() {
            self.push(
                ChangeKind::SchemaAcceptsAll,
                pointer,
                "the schema now accepts any value",
            );
            return false;
        }
        true
    }

    fn compare_views(&mut self, old: &View<'a>, new: &View<'a>, pointer: &str) {
        if new.deprecated && !old.deprecated {
            self.push(ChangeKind::DeprecatedAdded, pointer, "now deprecated");
        }
        // `null` is compared where both sides state their types or values; a side of any
        // type is a type change, reported below.
        let stated = |view: &View<'_>| view.types.is_some() || view.values.is_some();
        let nulls = (stated(old) && stated(new)).then(|| (old.accepts_null(), new.accepts_null()));
        match nulls.unwrap_or((false, false)) {
            (false, true) => self.push(ChangeKind::NullableAdded, pointer, "null is now accepted"),
            (true, false) => {
                self.push(
                    ChangeKind::NullableRemoved,
                    pointer,
                    "null is no longer accepted",
                );
            }
            _ => {}
        }
        self.compare_types(old, new, pointer);
        self.compare_values(old, new, pointer);
        let mut axes = Bounds::compare(&old.bounds, &new.bounds);
        axes.extend(bounds::multiple_of(old.multiple_of, new.multiple_of));
        axes.extend(bounds::pattern(old.pattern, new.pattern));
        axes.extend(bounds::format(old.format, new.format));
        for (kind, detail) in axes {
            self.push(kind, pointer, detail);
        }
        match (old.unique_items, new.unique_items) {
            (false, true) => self.push(ChangeKind::UniqueItemsAdded, pointer, "uniqueItems added"),
            (true, false) => {
                self.push(
                    ChangeKind::UniqueItemsRemoved,
                    pointer,
                    "uniqueItems removed",
                );
            }
            _ => {}
        }
        objects::compare(self, old, new, pointer);
        self.compare_items(old, new, pointer);
        self.compare_other(old, new, pointer);
    }

    fn compare_types(&mut self, old: &View<'a>, new: &View<'a>, pointer: &str) {
        let shaped = |view: &View<'_>| view.values.is_some() || !view.variants.is_empty();
        let (before, after) = match (old.non_null_types(), new.non_null_types()) {
            (None, None) => return,
            (None, Some(after)) if !shaped(old) && !after.is_empty() => {
                let detail = format!("any type -> {}", names(&after));
                self.push(ChangeKind::TypeNarrowed, pointer, detail);
                return;
            }
            (Some(before), None) if !shaped(new) && !before.is_empty() => {
                let detail = format!("{} -> any type", names(&before));
                self.push(ChangeKind::TypeWidened, pointer, detail);
                return;
            }
            (Some(before), Some(after)) => (before, after),
            _ => return,
        };
        let widened = !covers(&before, &after);
        let narrowed = !covers(&after, &before);
        let kind = match (widened, narrowed) {
            (true, true) => ChangeKind::TypeChanged,
            (true, false) => ChangeKind::TypeWidened,
            (false, true) => ChangeKind::TypeNarrowed,
            (false, false) => return,
        };
        self.push(
            kind,
            pointer,
            format!("type {} -> {}", names(&before), names(&after)),
        );
    }

    fn compare_values(&mut self, old: &View<'a>, new: &View<'a>, pointer: &str) {
        match (old.non_null_values(), new.non_null_values()) {
            (None, None) => {}
            (Some(before), None) => {
                let detail = format!("no longer restricted to {}", values(&before));
                self.push(ChangeKind::EnumRemoved, pointer, detail);
            }
            (None, Some(after)) => {
                let detail = format!("now restricted to {}", values(&after));
                self.push(ChangeKind::EnumAdded, pointer, detail);
            }
            (Some(before), Some(after))
                if old.is_const && new.is_const && before.len() == 1 && after.len() == 1 =>
            {
                if before != after {
                    let detail = format!("const {} -> {}", before[0], after[0]);
                    self.push(ChangeKind::ConstChanged, pointer, detail);
                }
            }
            (Some(before), Some(after)) => {
                for value in after.iter().filter(|value| !before.contains(value)) {
                    self.push(
                        ChangeKind::EnumValueAdded,
                        pointer,
                        format!("{value} added"),
                    );
                }
                for value in before.iter().filter(|value| !after.contains(value)) {
                    self.push(
                        ChangeKind::EnumValueRemoved,
                        pointer,
                        format!("{value} removed"),
                    );
                }
            }
        }
    }

    fn compare_items(&mut self, old: &View<'a>, new: &View<'a>, pointer: &str) {
        let here = format!("{pointer}/items");
        match (old.items, new.items) {
            (None, None) => {}
            (Some(before), Some(after)) => self.compare(before, after, &here),
            (None, Some(_)) => self.push(ChangeKind::ItemsAdded, &here, "items now constrained"),
            (Some(_), None) => {
                self.push(
                    ChangeKind::ItemsRemoved,
                    &here,
                    "items no longer constrained",
                );
            }
        }
    }

    fn compare_other(&mut self, old: &View<'a>, new: &View<'a>, pointer: &str) {
        let keywords: BTreeSet<&str> = old.other.keys().chain(new.other.keys()).copied().collect();
        for keyword in keywords {
            let (before, after) = (old.other.get(keyword), new.other.get(keyword));
            if before != after {
                self.push(
                    ChangeKind::KeywordChanged,
                    pointer,
                    format!("`{keyword}` changed"),
                );
            }
        }
    }
}

/// Whether every type of `inner` is one of `outer` (`integer` being a `number`).
fn covers(outer: &BTreeSet<&str>, inner: &BTreeSet<&str>) -> bool {
    inner
        .iter()
        .all(|t| outer.contains(t) || (*t == "integer" && outer.contains("number")))
}

fn names(types: &BTreeSet<&str>) -> String {
    types.iter().copied().collect::<Vec<_>>().join("|")
}

fn values(values: &[&Value]) -> String {
    let shown: Vec<String> = values.iter().map(ToString::to_string).collect();
    format!("[{}]", shown.join(", "))
}

/// `name` escaped for a JSON pointer segment.
pub(super) fn segment(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
