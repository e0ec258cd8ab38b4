//! Derive macros for [hookwire](https://docs.rs/hookwire).
//!
//! Depend on the `hookwire` crate, not on this one: it re-exports these derives and documents them
//! next to the traits they implement, with examples that run.
//!
//! Every derive follows the same pipeline, one module per stage: `ast` reads the input into a
//! model (with `attr` parsing `#[hookwire(...)]`), `check` applies the rules that span several
//! items, `expand` writes the trait impls, and `fallback` writes stub impls beside the
//! compile errors so users see one error instead of a cascade.

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod symbol;

use proc_macro::TokenStream;

/// Implements `hookwire::Event` for a webhook payload. See `hookwire::Event`.
#[proc_macro_derive(Event, attributes(hookwire))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::event::derive(&input).into()
}

/// Implements `hookwire::Events` for the enum that lists a service's events. See `hookwire::Events`.
#[proc_macro_derive(Events, attributes(hookwire))]
pub fn derive_events(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::events::derive(&input).into()
}

/// Implements `hookwire::endpoint::Endpoint` for an API request struct. See `hookwire::endpoint`.
#[proc_macro_derive(Endpoint, attributes(hookwire))]
pub fn derive_endpoint(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::endpoint::derive(&input).into()
}

#[cfg(test)]
mod snapshots;
