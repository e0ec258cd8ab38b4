//! Derive macros for [hookwire](https://docs.rs/hookwire).
//!
//! Depend on the `hookwire` crate, not on this one: it re-exports these derives and documents them
//! next to the traits they implement, with examples that run.
//!
//! Every derive runs the same pipeline (`derive`), one module per stage: `ast` reads the input
//! (with `attr` parsing `#[hookwire(...)]` and `symbol` spelling its keys), `check` validates it
//! into the `model` the expanders trust, `expand` writes the trait impls, and `fallback` (a leaf)
//! writes stub impls beside the compile errors, collected in one `ctxt`, so users see every
//! error once instead of a cascade.

mod ast;
mod attr;
mod check;
mod ctxt;
mod derive;
mod event_name;
mod expand;
mod fallback;
mod model;
mod symbol;

use proc_macro::TokenStream;

/// Implements `hookwire::Event` for a webhook payload. See `hookwire::Event`.
#[proc_macro_derive(Event, attributes(hookwire))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::event(&input).into()
}

/// Implements `hookwire::Events` (and `SendEvents`, `DescribeEvents` where its events allow)
/// for the enum that lists a service's events. See `hookwire::Events`.
#[proc_macro_derive(Events, attributes(hookwire))]
pub fn derive_events(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::events(&input).into()
}

/// Implements `hookwire::endpoint::Endpoint` for an API request struct. See `hookwire::endpoint`.
#[proc_macro_derive(Endpoint, attributes(hookwire))]
pub fn derive_endpoint(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::endpoint(&input).into()
}

#[cfg(test)]
mod snapshots;
