//! `#[derive(Event)]`: an `Event` impl made of constants.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::wrap_in_const;
use crate::ast::EventContainer;
use crate::check;
use crate::ctxt::Ctxt;
use crate::fallback;

/// Expands `#[derive(Event)]`.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let container = EventContainer::from_ast(&cx, input);
    check::event(&cx, &container);
    let krate = container.attrs.krate.as_ref();
    match cx.finish() {
        Some(errors) => fallback::event(input, krate, errors),
        None => wrap_in_const(krate, expand(&container)),
    }
}

fn expand(container: &EventContainer<'_>) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let name = &container.attrs.event;
    // Constants equal to the trait's defaults are left out to keep the expansion small.
    let version = container.attrs.version.as_ref().map(|version| {
        quote!(const VERSION: ::core::option::Option<&'static str> = ::core::option::Option::Some(#version);)
    });
    let description = container.docs.as_ref().map(|docs| {
        quote!(const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(#docs);)
    });
    let deprecated = container.deprecated.then(|| {
        quote!(
            const DEPRECATED: bool = true;
        )
    });
    // A generic payload is an event for the parameters that make it (de)serializable and
    // describable; rustc checks that, not the macro.
    let where_clause = if container.generics.params.is_empty() {
        quote!(#where_clause)
    } else {
        let mut generics = container.generics.clone();
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
