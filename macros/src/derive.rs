//! The pipeline every derive runs: parse (`ast`, `attr`) -> validate into the model (`check`,
//! `model`) -> expand (`expand`), or, when any rule is broken, every error at once beside the
//! stub impls of `fallback`. Errors are collected in one [`Ctxt`], checked exactly once.

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::ast::{CatalogContainer, EndpointContainer, EventContainer};
use crate::check;
use crate::ctxt::Ctxt;
use crate::expand::{self, wrap_in_const};
use crate::fallback;

/// `#[derive(Event)]`.
pub(crate) fn event(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let container = EventContainer::from_ast(&cx, input);
    let krate = container.attrs.krate.clone();
    let model = check::event(&cx, container);
    match (cx.check(), model) {
        (Ok(()), Some(model)) => expand::event(&model),
        (errors, _) => with_fallback(errors, krate.as_ref(), fallback::event(input)),
    }
}

/// `#[derive(Events)]`.
pub(crate) fn events(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let container = CatalogContainer::from_ast(&cx, input);
    let krate = container.attrs.krate.clone();
    let model = check::catalog(&cx, container);
    match cx.check() {
        Ok(()) => wrap_in_const(model.krate.as_ref(), expand::events(&model)),
        errors => with_fallback(errors, krate.as_ref(), fallback::events(input)),
    }
}

/// `#[derive(Endpoint)]`.
pub(crate) fn endpoint(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let container = EndpointContainer::from_ast(&cx, input);
    let krate = container.attrs.krate.clone();
    let model = check::endpoint(&cx, container);
    match (cx.check(), model) {
        (Ok(()), Some(model)) => wrap_in_const(model.krate.as_ref(), expand::endpoint(&model)),
        (errors, _) => with_fallback(errors, krate.as_ref(), fallback::endpoint(input)),
    }
}

/// The errors, then the stub impls (when the input's shape allows them) in the usual wrapper.
fn with_fallback(
    errors: Result<(), TokenStream>,
    krate: Option<&syn::Path>,
    stub: Option<TokenStream>,
) -> TokenStream {
    let mut out = errors.err().unwrap_or_default();
    if let Some(stub) = stub {
        out.extend(wrap_in_const(krate, stub));
    }
    out
}
