//! Breaking-change detection between two versions of the event schemas.
//!
//! [`diff`] compares two [`Catalog`]s (an export folder, an OpenAPI 3.x or an AsyncAPI 3.0
//! document each) event by event, and [`diff_schemas`] two JSON Schemas. Each [`Change`] has
//! a location (event type and JSON pointer), a [`ChangeKind`], whom it [`Breaks`] and a
//! [`Level`]; `hookwire diff OLD NEW` prints them and exits 1 when one is breaking.
//!
//! # Direction
//!
//! A payload schema is a contract between those who send the event and those who receive
//! it. Read as a set of valid payloads:
//!
//! - a change that **widens** the set (a property removed or made optional, a type widened,
//!   `null` allowed, a bound loosened, a pattern dropped, an object opened) lets through
//!   payloads receivers were not built for: it **breaks receivers**;
//! - a change that **narrows** the set (a new required property, an enum value removed, a
//!   type narrowed, a bound tightened, a pattern or format added, an object closed) makes
//!   payloads senders send today invalid: it **breaks senders**;
//! - a change that does both (a type changed to an unrelated one, a changed pattern, which is
//!   not compared as a language) breaks both.
//!
//! Two widening changes are only [`Level::Warning`]: a new enum value and a new `oneOf`
//! variant. Providers add them routinely and document that receivers must tolerate them;
//! receivers with tolerant enums (`hookwire generate`'s default) parse them, strict ones
//! refuse them, so they are reported with `receivers` as who they break, and never fail a
//! check. A removed event type breaks both: receivers no longer get it and senders may no
//! longer send it. A new event type or optional property is compatible ([`Level::Info`]),
//! unless the object was closed (`additionalProperties: false`): then receivers that refuse
//! unknown fields break. A removed property breaks receivers (those reading it), and senders
//! too when the object is closed.
//!
//! # What is compared
//!
//! `$ref`s are followed (local ones, `#/...`) and `allOf` merged, so a schema moved to
//! `$defs` or `components/schemas` is no change; recursive types stop at their first
//! repetition, and comparison stops 128 levels deep. A definition reached from several places
//! is compared again at each only if it has changes, and at most 1000 times per event in all
//! (its changes are then reported at the places reached first), so that definitions
//! referring to one another several times take linear, not exponential, time. `type` (with `integer` a `number`), the nullable forms (`type: [x, "null"]`,
//! OpenAPI 3.0's `nullable`, `anyOf: [x, {type: null}]`), `enum`, `const` and `oneOf` lists of
//! constants (as schemars writes documented enums), `oneOf`/`anyOf` lists of bare types (a
//! type list), `properties`, `required`,
//! `additionalProperties`/`unevaluatedProperties`, `items`, `minimum`/`maximum` and their
//! exclusive forms (numeric and OpenAPI 3.0's boolean), the length, item and property
//! counts, `multipleOf`, `uniqueItems`, `pattern`, `format` and `deprecated`. `oneOf`/`anyOf`
//! variants are matched by their `$ref` target, their tag (a property with a `const`), their
//! constant, `title` or property names. Any other keyword that changed (`not`, `if`,
//! `patternProperties`...) is reported as [`ChangeKind::KeywordChanged`], breaking both.
//! Annotations (`description`, `title`, `examples`, `default`, `x-...`) are ignored.
//!
//! ```
//! use hookwire::schema::diff::{Breaks, ChangeKind, diff_schemas};
//! use serde_json::json;
//!
//! let old = json!({
//!     "type": "object",
//!     "properties": {"status": {"enum": ["paid", "shipped"]}, "total": {"type": "string"}},
//!     "required": ["status"]
//! });
//! let new = json!({
//!     "type": "object",
//!     "properties": {"status": {"enum": ["paid", "shipped", "lost"]}, "total": {"type": "string"}},
//!     "required": ["status", "total"]
//! });
//! let changes = diff_schemas(&old, &new);
//! let kinds: Vec<_> = changes.iter().map(|c| (c.kind, c.pointer.as_str(), c.breaks)).collect();
//! assert_eq!(kinds, [
//!     (ChangeKind::EnumValueAdded, "/properties/status", Breaks::Receivers),
//!     (ChangeKind::RequiredAdded, "/properties/total", Breaks::Senders),
//! ]);
//! assert!(changes[1].is_breaking() && !changes[0].is_breaking());
//! ```

mod bounds;
mod catalog;
mod change;
mod objects;
mod variants;
mod view;
mod walk;

use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};

pub use catalog::{Catalog, LoadError};
pub use change::{Breaks, Change, ChangeKind, Level};

use walk::Walker;

/// The changes between two versions of a catalog.
///
/// Its `Display` prints one change per line (`LEVEL EVENT#POINTER KIND (breaks WHO): DETAIL`)
/// then a summary line.
///
/// ```
/// use hookwire::schema::diff::{Catalog, diff};
/// let old = Catalog::from_files([("events/a.json".to_owned(), serde_json::json!({}))])?;
/// let new = Catalog::from_files([("events/b.json".to_owned(), serde_json::json!({}))])?;
/// let report = diff(&old, &new);
/// assert!(report.is_breaking());
/// assert_eq!(report.to_string(), "\
/// breaking a# event-removed (breaks receivers, senders): event type `a` removed
/// info b# event-added: event type `b` added
/// 1 breaking, 0 warnings, 1 compatible
/// ");
/// # Ok::<(), hookwire::schema::diff::LoadError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Every change, event by event (sorted by event type), in schema order within one.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether any change is [`Level::Breaking`].
    ///
    /// See [`Report`] for an example.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(Change::is_breaking)
    }

    /// The breaking changes.
    ///
    /// ```
    /// # use hookwire::schema::diff::{Report};
    /// assert_eq!(Report::default().breaking().count(), 0);
    /// ```
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.is_breaking())
    }

    /// How many changes have `level`.
    ///
    /// ```
    /// # use hookwire::schema::diff::{Level, Report};
    /// assert_eq!(Report::default().count(Level::Info), 0);
    /// ```
    pub fn count(&self, level: Level) -> usize {
        self.changes
            .iter()
            .filter(|change| change.level == level)
            .count()
    }

    /// The `hookwire diff --json` form, version 1:
    /// `{"version": 1, "breaking": bool, "counts": {"breaking": n, "warning": n, "info": n},
    /// "changes": [{"event", "pointer", "kind", "level", "breaks": [...], "detail"}]}`.
    ///
    /// ```
    /// # use hookwire::schema::diff::Report;
    /// let json = Report::default().to_json();
    /// assert_eq!(json["breaking"], false);
    /// assert_eq!(json["changes"], serde_json::json!([]));
    /// ```
    pub fn to_json(&self) -> Value {
        let changes: Vec<ChangeJson<'_>> = self.changes.iter().map(ChangeJson::from).collect();
        json!({
            "version": 1,
            "breaking": self.is_breaking(),
            "counts": {
                "breaking": self.count(Level::Breaking),
                "warning": self.count(Level::Warning),
                "info": self.count(Level::Info),
            },
            "changes": changes,
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        let warnings = self.count(Level::Warning);
        writeln!(
            f,
            "{} breaking, {warnings} warning{}, {} compatible",
            self.count(Level::Breaking),
            if warnings == 1 { "" } else { "s" },
            self.count(Level::Info)
        )
    }
}

/// The changes from catalog `old` to catalog `new`.
///
/// See [`Report`] for an example.
pub fn diff(old: &Catalog, new: &Catalog) -> Report {
    let mut changes = Vec::new();
    let mut types: Vec<&str> = old.event_types().chain(new.event_types()).collect();
    types.sort_unstable();
    types.dedup();
    for event in types {
        match (old.schema(event), new.schema(event)) {
            (Some(_), None) => changes.push(Change::new(
                ChangeKind::EventRemoved,
                event,
                "",
                format!("event type `{event}` removed"),
            )),
            (None, Some(_)) => changes.push(Change::new(
                ChangeKind::EventAdded,
                event,
                "",
                format!("event type `{event}` added"),
            )),
            (Some((before, old_root)), Some((after, new_root))) => {
                let mut walker = Walker::new(old_root, new_root, event);
                walker.compare(before, after, "");
                changes.append(&mut walker.changes);
            }
            (None, None) => {}
        }
    }
    Report { changes }
}

/// The changes from schema `old` to schema `new`, each its own root for `$ref`s. The changes'
/// `event` is empty.
///
/// See the [module](self) documentation for an example.
pub fn diff_schemas(old: &Value, new: &Value) -> Vec<Change> {
    let mut walker = Walker::new(old, new, "");
    walker.compare(old, new, "");
    walker.changes
}

/// The `--json` form of one change.
#[derive(Serialize)]
struct ChangeJson<'a> {
    event: &'a str,
    pointer: &'a str,
    kind: &'a str,
    level: &'a str,
    breaks: &'a [&'a str],
    detail: &'a str,
}

impl<'a> From<&'a Change> for ChangeJson<'a> {
    fn from(change: &'a Change) -> Self {
        ChangeJson {
            event: &change.event,
            pointer: &change.pointer,
            kind: change.kind.name(),
            level: change.level.as_str(),
            breaks: change.breaks.names(),
            detail: &change.detail,
        }
    }
}
