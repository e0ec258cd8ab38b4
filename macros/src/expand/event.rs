//! `#[derive(Event)]`: an `Event` impl made of constants.
//!
//! The one expansion not wrapped in `const _: () = { ... }`: it names the runtime by its path
//! (`::hookwire`, or the `crate = "..."` path) instead of importing it. A catalog derives
//! `Event` once per event, and each wrapper is one more item (a constant rustc builds, checks
//! and evaluates) per event.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Event;

/// The `Event` impl of a validated event, ready to emit as it is.
pub(crate) fn expand(event: &Event<'_>) -> TokenStream {
    let runtime = super::runtime_path(event.krate.as_ref());
    let ident = event.ident;
    let (impl_generics, ty_generics, where_clause) = event.generics.split_for_impl();
    let name = event.name.lit();
    // Constants equal to the trait's defaults are left out to keep the expansion small.
    let version = event.version.as_ref().map(|version| {
        quote!(const VERSION: ::core::option::Option<&'static str> = ::core::option::Option::Some(#version);)
    });
    let description = event.docs.as_ref().map(|docs| {
        quote!(const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(#docs);)
    });
    let deprecated = event.deprecated.then(|| {
        quote!(
            const DEPRECATED: bool = true;
        )
    });
    // A generic payload is an event for the parameters that make it deserializable; rustc
    // checks that, not the macro.
    let where_clause = if event.generics.params.is_empty() {
        quote!(#where_clause)
    } else {
        let mut generics = event.generics.clone();
        let clause = generics.make_where_clause();
        clause
            .predicates
            .push(syn::parse_quote!(Self: #runtime::__private::EventBounds));
        quote!(#clause)
    };
    // Naming a `#[deprecated]` type warns, even in its own impl; paths from a derive are not
    // linted for their qualification, so that is the one lint to silence.
    let allow = event.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #[automatically_derived]
        #allow
        impl #impl_generics #runtime::Event for #ident #ty_generics #where_clause {
            const TYPE: &'static str = #name;
            #version
            #description
            #deprecated
        }
    }
}
