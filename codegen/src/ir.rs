//! The model between schemas and tokens: Rust types and the definitions they name.

use serde_json::Value;

/// A Rust type, as a field or variant holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// `()`: a schema that only allows `null`.
    Unit,
    Bool,
    /// An integer type by name: `i64`, `i32`, `u32`, `u64`...
    Int(&'static str),
    F64,
    String,
    /// A type by its path, written as given: `format: date-time` strings as
    /// `hookwire::Timestamp` or the user's type (see `Options::date_time_type`).
    Path(String),
    /// `serde_json::Value`: any JSON (an unconstrained schema, or a fallback).
    Value,
    /// A generated definition, by index.
    Named(usize),
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    Option(Box<Ty>),
    /// `Box<T>`, which breaks a recursive cycle.
    Boxed(Box<Ty>),
}

impl Ty {
    pub(crate) fn is_option(&self) -> bool {
        matches!(self, Ty::Option(_))
    }

    /// The definitions this type mentions, appended to `out`.
    pub(crate) fn named_ids(&self, out: &mut Vec<usize>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
                inner.named_ids(out);
            }
            _ => {}
        }
    }

    pub(crate) fn optional(self) -> Ty {
        if self.is_option() {
            self
        } else {
            Ty::Option(Box::new(self))
        }
    }
}

/// A named Rust item.
#[derive(Debug, Clone)]
pub(crate) struct Def {
    /// The Rust type name.
    pub(crate) name: String,
    /// The name schemars should give it, when not `name` (`ApiResponse_Product`).
    pub(crate) schema_name: Option<String>,
    pub(crate) doc: Option<String>,
    pub(crate) kind: Kind,
    /// The event name, when this type is an event's payload.
    pub(crate) event: Option<String>,
    /// Schema keywords the Rust type does not carry, kept for `JsonSchema` (`pattern`, ...).
    pub(crate) extend: Vec<(String, Value)>,
}

/// What kind of item a [`Def`] is.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// Being converted (its fields are not known yet).
    Pending,
    Struct {
        fields: Vec<Field>,
        /// `#[serde(flatten)]` map of the other members, from `additionalProperties`.
        extra: Option<Ty>,
    },
    /// `struct Name(pub T);`
    Newtype(Ty),
    /// Unit variants, each a string on the wire.
    StringEnum(Vec<Variant>),
    /// `#[serde(tag = "...")]`: variants with fields, told apart by a constant member.
    Tagged { tag: String, variants: Vec<Variant> },
    /// `#[serde(untagged)]`: the first variant that parses wins.
    Untagged(Vec<Variant>),
}

/// One variant of an enum.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub(crate) ident: String,
    /// The wire string (string enums, tagged enums).
    pub(crate) wire: String,
    pub(crate) doc: Option<String>,
    pub(crate) body: VariantBody,
}

#[derive(Debug, Clone)]
pub(crate) enum VariantBody {
    Unit,
    Fields(Vec<Field>),
    Newtype(Ty),
}

/// One member of an object.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) ident: String,
    pub(crate) wire: String,
    pub(crate) ty: Ty,
    /// Absent on the wire is allowed (`Option` with `default`, skipped when `None`).
    pub(crate) optional: bool,
    pub(crate) doc: Option<String>,
    pub(crate) extend: Vec<(String, Value)>,
}
