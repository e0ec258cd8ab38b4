//! The keywords of `#[hookwire(...)]`, spelled once.

use std::fmt;

use syn::{Ident, Path};

/// A keyword inside `#[hookwire(...)]`.
#[derive(Copy, Clone)]
pub(crate) struct Symbol(pub(crate) &'static str);

/// The attribute every hookwire derive reads.
pub(crate) const HOOKWIRE: Symbol = Symbol("hookwire");
/// `event = "order.shipped"`: the event type name.
pub(crate) const EVENT: Symbol = Symbol("event");
/// `version = "2"`: the version of the event's payload.
pub(crate) const VERSION: Symbol = Symbol("version");
/// `crate = "path"`: where the `hookwire` runtime crate is found.
pub(crate) const CRATE: Symbol = Symbol("crate");
/// `method = "GET"`: an endpoint's HTTP method.
pub(crate) const METHOD: Symbol = Symbol("method");
/// `path = "/products/{id}"` on an endpoint; `path` on a path parameter field.
pub(crate) const PATH: Symbol = Symbol("path");
/// `response = Type`: what an endpoint returns.
pub(crate) const RESPONSE: Symbol = Symbol("response");
/// `operation_id = "..."`: overrides an endpoint's operation id.
pub(crate) const OPERATION_ID: Symbol = Symbol("operation_id");
/// `errors(404, 409)`: the error statuses an endpoint's handler may answer with.
pub(crate) const ERRORS: Symbol = Symbol("errors");
/// `query` on a query parameter field.
pub(crate) const QUERY: Symbol = Symbol("query");
/// `header` or `header = "X-Name"` on a header parameter field.
pub(crate) const HEADER: Symbol = Symbol("header");
/// `body` on the field that is the JSON body.
pub(crate) const BODY: Symbol = Symbol("body");
/// `name = "..."`: a parameter's name on the wire, when it differs from the field's.
pub(crate) const NAME: Symbol = Symbol("name");
/// `#[doc = "..."]`, which doc comments desugar to.
pub(crate) const DOC: Symbol = Symbol("doc");
/// `#[deprecated]`.
pub(crate) const DEPRECATED: Symbol = Symbol("deprecated");

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }
}

/// Renders a list of accepted keys for an error message: `` `a`, `b`, `c` ``.
pub(crate) fn one_of(keys: &[Symbol]) -> String {
    let quoted: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
    quoted.join(", ")
}
