//! One change between two schemas: where it is, what kind it is, and whom it breaks.

use std::fmt;

/// Who a change breaks.
///
/// A payload schema describes what senders write and receivers parse. A change that lets new
/// payloads through (the set of valid payloads grows) breaks **receivers**: they were built for
/// the old set. A change that rejects payloads that used to be valid (the set shrinks) breaks
/// **senders**: what they send today stops validating.
///
/// ```
/// use hookwire::schema::diff::Breaks;
/// assert_eq!(Breaks::Receivers.or(Breaks::Senders), Breaks::Both);
/// assert_eq!(Breaks::Both.names(), ["receivers", "senders"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Breaks {
    /// A compatible change.
    Nobody,
    /// Receivers may get payloads they were not built for.
    Receivers,
    /// Payloads senders send today no longer validate.
    Senders,
    /// Both.
    Both,
}

impl Breaks {
    /// Both sets of people this and `other` break.
    ///
    /// See [`Breaks`] for an example.
    #[must_use]
    pub fn or(self, other: Breaks) -> Breaks {
        let receivers = self.receivers() || other.receivers();
        let senders = self.senders() || other.senders();
        match (receivers, senders) {
            (true, true) => Breaks::Both,
            (true, false) => Breaks::Receivers,
            (false, true) => Breaks::Senders,
            (false, false) => Breaks::Nobody,
        }
    }

    /// Whether receivers are broken.
    ///
    /// ```
    /// assert!(hookwire::schema::diff::Breaks::Both.receivers());
    /// ```
    pub fn receivers(self) -> bool {
        matches!(self, Breaks::Receivers | Breaks::Both)
    }

    /// Whether senders are broken.
    ///
    /// ```
    /// assert!(!hookwire::schema::diff::Breaks::Receivers.senders());
    /// ```
    pub fn senders(self) -> bool {
        matches!(self, Breaks::Senders | Breaks::Both)
    }

    /// `[]`, `["receivers"]`, `["senders"]` or `["receivers", "senders"]`: the form of
    /// `breaks` in `hookwire diff --json`.
    ///
    /// See [`Breaks`] for an example.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Breaks::Nobody => &[],
            Breaks::Receivers => &["receivers"],
            Breaks::Senders => &["senders"],
            Breaks::Both => &["receivers", "senders"],
        }
    }
}

/// How serious a change is. Only [`Level::Breaking`] fails a check.
///
/// ```
/// use hookwire::schema::diff::Level;
/// assert_eq!(Level::Warning.as_str(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Compatible: an event type, an optional field, a description.
    Info,
    /// Compatible for tolerant receivers, breaking for strict ones: a new enum value or a new
    /// `oneOf` variant. Reported, never failing.
    Warning,
    /// Breaks receivers, senders or both.
    Breaking,
}

impl Level {
    /// `info`, `warning` or `breaking`.
    ///
    /// See [`Level`] for an example.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $breaks:ident, $level:ident;)*) => {
        /// The kind of a [`Change`]: a stable name (`hookwire diff` prints it), whom it breaks
        /// by default and how serious it is.
        ///
        /// ```
        /// use hookwire::schema::diff::{Breaks, ChangeKind};
        /// assert_eq!(ChangeKind::RequiredAdded.name(), "required-added");
        /// assert_eq!(ChangeKind::RequiredAdded.breaks(), Breaks::Senders);
        /// assert_eq!(ChangeKind::ALL.len(), 58);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ChangeKind {
            $($(#[$doc])* $variant,)*
        }

        impl ChangeKind {
            /// Every kind, in the order of this list.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant,)*];

            /// The stable, kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $(ChangeKind::$variant => $name,)* }
            }

            /// Whom a change of this kind breaks, before context (a property added to a
            /// closed object also breaks receivers, say).
            pub fn breaks(self) -> Breaks {
                match self { $(ChangeKind::$variant => Breaks::$breaks,)* }
            }

            /// How serious a change of this kind is when it breaks somebody.
            pub fn level(self) -> Level {
                match self { $(ChangeKind::$variant => Level::$level,)* }
            }
        }
    };
}

kinds! {
    /// An event type is gone: receivers stop getting it, senders may not send it.
    EventRemoved = "event-removed", Both, Breaking;
    /// A new event type.
    EventAdded = "event-added", Nobody, Info;
    /// An event type or a property is newly `deprecated`.
    DeprecatedAdded = "deprecated-added", Nobody, Info;
    /// A property is gone (receivers reading it break).
    PropertyRemoved = "property-removed", Receivers, Breaking;
    /// A property is gone and another with the same schema appeared in the same object.
    PropertyRenamed = "property-renamed", Receivers, Breaking;
    /// A new optional property (breaks receivers only when the object was closed).
    PropertyAddedOptional = "property-added-optional", Nobody, Info;
    /// A new required property: senders do not send it.
    PropertyAddedRequired = "property-added-required", Senders, Breaking;
    /// An existing property became required.
    RequiredAdded = "required-added", Senders, Breaking;
    /// A required property became optional: receivers relying on it break.
    RequiredRemoved = "required-removed", Receivers, Breaking;
    /// `additionalProperties: false` was added: senders sending more break.
    AdditionalPropertiesClosed = "additional-properties-closed", Senders, Breaking;
    /// `additionalProperties: false` was removed: receivers refusing unknown fields break.
    AdditionalPropertiesOpened = "additional-properties-opened", Receivers, Breaking;
    /// New types are accepted (`integer` to `number`, a second type).
    TypeWidened = "type-widened", Receivers, Breaking;
    /// Types are no longer accepted (`number` to `integer`, a type dropped).
    TypeNarrowed = "type-narrowed", Senders, Breaking;
    /// The type changed to an unrelated one.
    TypeChanged = "type-changed", Both, Breaking;
    /// `null` is now accepted.
    NullableAdded = "nullable-added", Receivers, Breaking;
    /// `null` is no longer accepted.
    NullableRemoved = "nullable-removed", Senders, Breaking;
    /// A new value of an enum: strict receivers refuse it, tolerant ones keep it.
    EnumValueAdded = "enum-value-added", Receivers, Warning;
    /// A value of an enum is gone: senders sending it break.
    EnumValueRemoved = "enum-value-removed", Senders, Breaking;
    /// A value set (`enum` or `const`) now constrains what used to be free.
    EnumAdded = "enum-added", Senders, Breaking;
    /// A value set (`enum` or `const`) no longer constrains the value.
    EnumRemoved = "enum-removed", Receivers, Breaking;
    /// A `const` changed to another value.
    ConstChanged = "const-changed", Both, Breaking;
    /// `minimum` or `exclusiveMinimum` raised or added.
    MinimumTightened = "minimum-tightened", Senders, Breaking;
    /// `minimum` or `exclusiveMinimum` lowered or removed.
    MinimumLoosened = "minimum-loosened", Receivers, Breaking;
    /// `maximum` or `exclusiveMaximum` lowered or added.
    MaximumTightened = "maximum-tightened", Senders, Breaking;
    /// `maximum` or `exclusiveMaximum` raised or removed.
    MaximumLoosened = "maximum-loosened", Receivers, Breaking;
    /// `minLength` raised or added.
    MinLengthTightened = "min-length-tightened", Senders, Breaking;
    /// `minLength` lowered or removed.
    MinLengthLoosened = "min-length-loosened", Receivers, Breaking;
    /// `maxLength` lowered or added.
    MaxLengthTightened = "max-length-tightened", Senders, Breaking;
    /// `maxLength` raised or removed.
    MaxLengthLoosened = "max-length-loosened", Receivers, Breaking;
    /// `minItems` raised or added.
    MinItemsTightened = "min-items-tightened", Senders, Breaking;
    /// `minItems` lowered or removed.
    MinItemsLoosened = "min-items-loosened", Receivers, Breaking;
    /// `maxItems` lowered or added.
    MaxItemsTightened = "max-items-tightened", Senders, Breaking;
    /// `maxItems` raised or removed.
    MaxItemsLoosened = "max-items-loosened", Receivers, Breaking;
    /// `minProperties` raised or added.
    MinPropertiesTightened = "min-properties-tightened", Senders, Breaking;
    /// `minProperties` lowered or removed.
    MinPropertiesLoosened = "min-properties-loosened", Receivers, Breaking;
    /// `maxProperties` lowered or added.
    MaxPropertiesTightened = "max-properties-tightened", Senders, Breaking;
    /// `maxProperties` raised or removed.
    MaxPropertiesLoosened = "max-properties-loosened", Receivers, Breaking;
    /// `multipleOf` added, or changed to a multiple of the old one.
    MultipleOfTightened = "multiple-of-tightened", Senders, Breaking;
    /// `multipleOf` removed, or changed to a divisor of the old one.
    MultipleOfLoosened = "multiple-of-loosened", Receivers, Breaking;
    /// `multipleOf` changed to an unrelated step.
    MultipleOfChanged = "multiple-of-changed", Both, Breaking;
    /// A `pattern` now constrains the string.
    PatternAdded = "pattern-added", Senders, Breaking;
    /// The `pattern` is gone.
    PatternRemoved = "pattern-removed", Receivers, Breaking;
    /// The `pattern` changed (regular expressions are not compared: both may break).
    PatternChanged = "pattern-changed", Both, Breaking;
    /// A `format` now constrains the value.
    FormatAdded = "format-added", Senders, Breaking;
    /// The `format` is gone.
    FormatRemoved = "format-removed", Receivers, Breaking;
    /// The `format` became a wider one (`int32` to `int64`, `float` to `double`).
    FormatWidened = "format-widened", Receivers, Breaking;
    /// The `format` became a narrower one (`int64` to `int32`).
    FormatNarrowed = "format-narrowed", Senders, Breaking;
    /// The `format` changed to an unrelated one.
    FormatChanged = "format-changed", Both, Breaking;
    /// `uniqueItems: true` was added.
    UniqueItemsAdded = "unique-items-added", Senders, Breaking;
    /// `uniqueItems: true` was removed.
    UniqueItemsRemoved = "unique-items-removed", Receivers, Breaking;
    /// An array's `items` now constrains its elements.
    ItemsAdded = "items-added", Senders, Breaking;
    /// An array's `items` no longer constrains its elements.
    ItemsRemoved = "items-removed", Receivers, Breaking;
    /// A new `oneOf`/`anyOf` variant: strict receivers refuse it, tolerant ones skip it.
    VariantAdded = "variant-added", Receivers, Warning;
    /// A `oneOf`/`anyOf` variant is gone: senders sending it break.
    VariantRemoved = "variant-removed", Senders, Breaking;
    /// A keyword the diff does not interpret changed (`not`, `if`, `patternProperties`...).
    KeywordChanged = "keyword-changed", Both, Breaking;
    /// The schema now accepts nothing (`false`, `not: {}`).
    SchemaRejectsAll = "schema-rejects-all", Senders, Breaking;
    /// The schema now accepts anything (`true`, `{}`) where it constrained the value.
    SchemaAcceptsAll = "schema-accepts-all", Receivers, Breaking;
    /// A `$ref` points nowhere in its document, so that part cannot be compared.
    RefUnresolved = "ref-unresolved", Both, Breaking;
}

/// One change between two versions of an event's schema.
///
/// ```
/// use hookwire::schema::diff::{Breaks, ChangeKind, Level, diff_schemas};
/// use serde_json::json;
///
/// let old = json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]});
/// let new = json!({"type": "object", "properties": {"id": {"type": "string"}}});
/// let changes = diff_schemas(&old, &new);
/// assert_eq!(changes[0].kind, ChangeKind::RequiredRemoved);
/// assert_eq!(changes[0].pointer, "/properties/id");
/// assert_eq!(changes[0].breaks, Breaks::Receivers);
/// assert_eq!(changes[0].level, Level::Breaking);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The event type, empty when two bare schemas are compared.
    pub event: String,
    /// Where in the event's body schema: a JSON pointer that follows `properties`, `items`,
    /// `additionalProperties` and `oneOf`/`anyOf` indexes, through `$ref`s as if they were
    /// inlined (`/properties/data/properties/total`). Empty for the whole schema.
    pub pointer: String,
    /// What changed.
    pub kind: ChangeKind,
    /// Whom it breaks.
    pub breaks: Breaks,
    /// How serious it is.
    pub level: Level,
    /// A sentence with the old and new values.
    pub detail: String,
}

impl Change {
    /// A change of `kind` with its default [`Breaks`] and [`Level`].
    ///
    /// ```
    /// use hookwire::schema::diff::{Change, ChangeKind};
    /// let change = Change::new(ChangeKind::EventRemoved, "order.created", "", "removed");
    /// assert_eq!(change.to_string(), "breaking order.created# event-removed (breaks receivers, senders): removed");
    /// ```
    pub fn new(
        kind: ChangeKind,
        event: impl Into<String>,
        pointer: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Change {
            event: event.into(),
            pointer: pointer.into(),
            kind,
            breaks: kind.breaks(),
            level: level_of(kind, kind.breaks()),
            detail: detail.into(),
        }
    }

    /// The same change, breaking `breaks` too.
    #[must_use]
    pub(crate) fn also(mut self, breaks: Breaks) -> Self {
        self.breaks = self.breaks.or(breaks);
        self.level = level_of(self.kind, self.breaks);
        self
    }

    /// The same change, failing a check whatever its kind's level.
    #[must_use]
    pub(crate) fn breaking(mut self) -> Self {
        if self.breaks != Breaks::Nobody {
            self.level = Level::Breaking;
        }
        self
    }

    /// Whether it fails a check.
    ///
    /// ```
    /// use hookwire::schema::diff::{Change, ChangeKind};
    /// assert!(!Change::new(ChangeKind::EventAdded, "a", "", "new").is_breaking());
    /// ```
    pub fn is_breaking(&self) -> bool {
        self.level == Level::Breaking
    }
}

fn level_of(kind: ChangeKind, breaks: Breaks) -> Level {
    match (breaks, kind.level()) {
        (Breaks::Nobody, _) => Level::Info,
        (_, Level::Info) => Level::Breaking,
        (_, level) => level,
    }
}

impl fmt::Display for Change {
    /// `LEVEL EVENT#POINTER KIND (breaks WHO): DETAIL`, the line `hookwire diff` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}#{} {}",
            self.level.as_str(),
            self.event,
            self.pointer,
            self.kind.name()
        )?;
        if self.breaks != Breaks::Nobody {
            write!(f, " (breaks {})", self.breaks.names().join(", "))?;
        }
        write!(f, ": {}", self.detail)
    }
}
