//! `#[derive(Event)]`: an `Event` impl made of constants.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Event;

/// The `Event` impl of a validated event.
pub(crate) fn expand(event: &Event<'_>) -> TokenStream {
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
            .push(syn::parse_quote!(Self: _hookwire::__private::EventBounds));
        quote!(#clause)
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::Event for #ident #ty_generics #where_clause {
            const TYPE: &'static str = #name;
            #version
            #description
            #deprecated
        }
    }
}
