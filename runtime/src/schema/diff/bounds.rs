//! Numeric, length and count bounds, `multipleOf`, `pattern` and `format`: keywords whose
//! change narrows or widens a value set along one axis.

use serde_json::{Map, Value};

use super::change::ChangeKind;

/// One bound: its value, whether it is exclusive, and its text for messages.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bound {
    value: f64,
    exclusive: bool,
    text: String,
}

impl Bound {
    fn new(value: &Value, exclusive: bool) -> Option<Self> {
        let number = value.as_f64()?;
        let text = if exclusive {
            format!("{value} (exclusive)")
        } else {
            value.to_string()
        };
        Some(Bound {
            value: number,
            exclusive,
            text,
        })
    }
}

/// Which way a bound limits values.
#[derive(Clone, Copy)]
enum Side {
    Lower,
    Upper,
}

/// The eight bounds, each at most once (the tighter one wins when merged).
#[derive(Debug, Default)]
pub(super) struct Bounds {
    slots: [Option<Bound>; 8],
}

/// Keyword, side, and the kinds for (tightened, loosened), by slot.
const SLOTS: [(&str, Side, ChangeKind, ChangeKind); 8] = [
    (
        "minimum",
        Side::Lower,
        ChangeKind::MinimumTightened,
        ChangeKind::MinimumLoosened,
    ),
    (
        "maximum",
        Side::Upper,
        ChangeKind::MaximumTightened,
        ChangeKind::MaximumLoosened,
    ),
    (
        "minLength",
        Side::Lower,
        ChangeKind::MinLengthTightened,
        ChangeKind::MinLengthLoosened,
    ),
    (
        "maxLength",
        Side::Upper,
        ChangeKind::MaxLengthTightened,
        ChangeKind::MaxLengthLoosened,
    ),
    (
        "minItems",
        Side::Lower,
        ChangeKind::MinItemsTightened,
        ChangeKind::MinItemsLoosened,
    ),
    (
        "maxItems",
        Side::Upper,
        ChangeKind::MaxItemsTightened,
        ChangeKind::MaxItemsLoosened,
    ),
    (
        "minProperties",
        Side::Lower,
        ChangeKind::MinPropertiesTightened,
        ChangeKind::MinPropertiesLoosened,
    ),
    (
        "maxProperties",
        Side::Upper,
        ChangeKind::MaxPropertiesTightened,
        ChangeKind::MaxPropertiesLoosened,
    ),
];

impl Bounds {
    /// Takes `keyword` if it is a bound (`exclusiveMinimum`/`exclusiveMaximum` in their
    /// numeric draft 2020-12 form and their boolean OpenAPI 3.0 form included).
    pub(super) fn absorb(
        &mut self,
        keyword: &str,
        value: &Value,
        schema: &Map<String, Value>,
    ) -> bool {
        let (slot, bound) = match keyword {
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let slot = usize::from(keyword == "exclusiveMaximum");
                let bound = match value {
                    // OpenAPI 3.0: the boolean makes `minimum`/`maximum` exclusive.
                    Value::Bool(exclusive) => {
                        let inclusive = if slot == 0 { "minimum" } else { "maximum" };
                        schema
                            .get(inclusive)
                            .and_then(|v| Bound::new(v, *exclusive))
                    }
                    number => Bound::new(number, true),
                };
                (slot, bound)
            }
            "minimum" | "maximum"
                if schema.get(&format!("exclusive{}", capitalized(keyword)))
                    == Some(&Value::Bool(true)) =>
            {
                // Taken with the boolean `exclusive...` keyword.
                return true;
            }
            _ => match SLOTS.iter().position(|(name, ..)| *name == keyword) {
                Some(slot) => (slot, Bound::new(value, false)),
                None => return false,
            },
        };
        if let Some(bound) = bound {
            let side = SLOTS[slot].1;
            let current = &mut self.slots[slot];
            if current
                .as_ref()
                .is_none_or(|old| tighter(side, &bound, old))
            {
                *current = Some(bound);
            }
        }
        true
    }

    pub(super) fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }

    /// The changes from `old` to `new`: (kind, detail).
    pub(super) fn compare(old: &Bounds, new: &Bounds) -> Vec<(ChangeKind, String)> {
        let mut changes = Vec::new();
        for (index, (keyword, side, tightened, loosened)) in SLOTS.iter().enumerate() {
            let (before, after) = (&old.slots[index], &new.slots[index]);
            let kind = match (before, after) {
                (None, None) => continue,
                (None, Some(_)) => *tightened,
                (Some(_), None) => *loosened,
                (Some(a), Some(b)) if tighter(*side, b, a) => *tightened,
                (Some(a), Some(b)) if tighter(*side, a, b) => *loosened,
                _ => continue,
            };
            let show = |bound: &Option<Bound>| {
                bound
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |b| b.text.clone())
            };
            changes.push((
                kind,
                format!("{keyword} {} -> {}", show(before), show(after)),
            ));
        }
        changes
    }
}

/// Whether bound `a` admits fewer values than `b`.
fn tighter(side: Side, a: &Bound, b: &Bound) -> bool {
    let further = match side {
        Side::Lower => a.value > b.value,
        Side::Upper => a.value < b.value,
    };
    further || (a.value == b.value && a.exclusive && !b.exclusive)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `multipleOf` from `old` to `new`.
pub(super) fn multiple_of(old: Option<f64>, new: Option<f64>) -> Option<(ChangeKind, String)> {
    let show = |step: Option<f64>| step.map_or_else(|| "none".to_owned(), |s| s.to_string());
    let detail = format!("multipleOf {} -> {}", show(old), show(new));
    let kind = match (old, new) {
        (None, None) => return None,
        (Some(a), Some(b)) if a == b => return None,
        (None, Some(_)) => ChangeKind::MultipleOfTightened,
        (Some(_), None) => ChangeKind::MultipleOfLoosened,
        (Some(a), Some(b)) if divides(a, b) => ChangeKind::MultipleOfTightened,
        (Some(a), Some(b)) if divides(b, a) => ChangeKind::MultipleOfLoosened,
        _ => ChangeKind::MultipleOfChanged,
    };
    Some((kind, detail))
}

/// Whether `whole` is an integer multiple of `step`.
fn divides(step: f64, whole: f64) -> bool {
    if step == 0.0 {
        return false;
    }
    let ratio = whole / step;
    (ratio - ratio.round()).abs() < 1e-9
}

/// `pattern` from `old` to `new`.
pub(super) fn pattern(old: Option<&str>, new: Option<&str>) -> Option<(ChangeKind, String)> {
    let kind = match (old, new) {
        (a, b) if a == b => return None,
        (None, Some(_)) => ChangeKind::PatternAdded,
        (Some(_), None) => ChangeKind::PatternRemoved,
        _ => ChangeKind::PatternChanged,
    };
    Some((kind, format!("pattern {} -> {}", quoted(old), quoted(new))))
}

/// Formats ordered from narrow to wide: a move right widens.
const FORMAT_LADDERS: &[&[&str]] = &[
    &["int8", "int16", "int32", "int64"],
    &["uint8", "uint16", "uint32", "uint64"],
    &["float", "double"],
];

/// `format` from `old` to `new`.
pub(super) fn format(old: Option<&str>, new: Option<&str>) -> Option<(ChangeKind, String)> {
    let kind = match (old, new) {
        (a, b) if a == b => return None,
        (None, Some(_)) => ChangeKind::FormatAdded,
        (Some(_), None) => ChangeKind::FormatRemoved,
        (Some(a), Some(b)) => {
            let rungs = FORMAT_LADDERS.iter().find_map(|ladder| {
                let from = ladder.iter().position(|f| *f == a)?;
                let to = ladder.iter().position(|f| *f == b)?;
                Some((from, to))
            });
            match rungs {
                Some((from, to)) if to > from => ChangeKind::FormatWidened,
                Some(_) => ChangeKind::FormatNarrowed,
                None => ChangeKind::FormatChanged,
            }
        }
        (None, None) => return None,
    };
    Some((kind, format!("format {} -> {}", quoted(old), quoted(new))))
}

fn quoted(text: Option<&str>) -> String {
    text.map_or_else(|| "none".to_owned(), |t| format!("`{t}`"))
}
