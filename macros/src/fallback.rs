//! Stub impls emitted beside compile errors, so a mistake in the attribute is reported once
//! instead of again at every place the type is used as an event, catalog or endpoint.
//!
//! A leaf: it reads only the `syn` input and knows nothing of the other stages. The stubs refer
//! to the runtime as `_hookwire`, like every expansion; the caller wraps them.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// An `Event` impl with an empty name; `None` for a union, which could never satisfy `Event`'s
/// supertrait, so a stub would only add errors.
pub(crate) fn event(input: &DeriveInput) -> Option<TokenStream> {
    if matches!(input.data, syn::Data::Union(_)) {
        return None;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::Event for #ident #ty_generics #where_clause {
            const TYPE: &'static str = "";
        }
    })
}

/// `Events`, `SendEvents` and `DescribeEvents` impls that list nothing.
pub(crate) fn events(input: &DeriveInput) -> Option<TokenStream> {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::Events for #ident #ty_generics #where_clause {
            const TYPES: &'static [&'static str] = &[];
            fn event_type(&self) -> &'static str {
                ::core::unreachable!()
            }
            fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
                index: usize,
                _: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                ::core::result::Result::Err(_hookwire::__private::no_such_event(index))
            }
        }
        #[automatically_derived]
        impl #impl_generics _hookwire::SendEvents for #ident #ty_generics #where_clause {
            fn serialize_data<__S: _hookwire::__private::Serializer>(
                &self,
                _: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                ::core::unreachable!()
            }
        }
        #[automatically_derived]
        impl #impl_generics _hookwire::DescribeEvents for #ident #ty_generics #where_clause {
            fn visit<__V: _hookwire::EventVisitor>(_: &mut __V) {}
        }
    })
}

/// An `Endpoint` impl whose methods are never reached; `None` for an enum or union, whose
/// error already says `Endpoint` is derived on a struct.
pub(crate) fn endpoint(input: &DeriveInput) -> Option<TokenStream> {
    if !matches!(input.data, syn::Data::Struct(_)) {
        return None;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::endpoint::Endpoint for #ident #ty_generics #where_clause {
            type Response = ();
            const METHOD: _hookwire::__private::http::Method = _hookwire::__private::http::Method::GET;
            const PATH: &'static str = "/";
            const OPERATION_ID: &'static str = "";
            fn write_request(
                &self,
                _: &mut _hookwire::endpoint::Outgoing,
            ) -> ::core::result::Result<(), _hookwire::endpoint::ParamError> {
                ::core::unreachable!()
            }
            fn read_request(
                _: &_hookwire::endpoint::Incoming<'_>,
            ) -> ::core::result::Result<Self, _hookwire::endpoint::ParamError> {
                ::core::unreachable!()
            }
            fn describe<__D: _hookwire::endpoint::DescribeEndpoint>(_: &mut __D) {}
        }
    })
}
