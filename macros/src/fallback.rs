//! Stub impls emitted beside compile errors, so a mistake in the attribute is reported once
//! instead of again at every place the type is used as an event.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::expand::wrap_in_const;

/// `compile_error!`s plus an `Event` impl with an empty name.
pub(crate) fn event(
    input: &DeriveInput,
    krate: Option<&syn::Path>,
    errors: TokenStream,
) -> TokenStream {
    // A union can never satisfy `Event`'s supertraits: a stub would only add errors.
    if matches!(input.data, syn::Data::Union(_)) {
        return errors;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let stub = wrap_in_const(
        krate,
        quote! {
            #[automatically_derived]
            impl #impl_generics _hookwire::Event for #ident #ty_generics #where_clause {
                const TYPE: &'static str = "";
            }
        },
    );
    quote!(#errors #stub)
}

/// `compile_error!`s plus an `Events` impl that lists nothing.
pub(crate) fn events(
    input: &DeriveInput,
    krate: Option<&syn::Path>,
    errors: TokenStream,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let stub = wrap_in_const(
        krate,
        quote! {
            #[automatically_derived]
            impl #impl_generics _hookwire::Events for #ident #ty_generics #where_clause {
                const TYPES: &'static [&'static str] = &[];
                fn event_type(&self) -> &'static str {
                    ::core::unreachable!()
                }
                fn serialize_data<__S: _hookwire::__private::Serializer>(
                    &self,
                    _: __S,
                ) -> ::core::result::Result<__S::Ok, __S::Error> {
                    ::core::unreachable!()
                }
                fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
                    _: &str,
                    _: __D,
                ) -> ::core::option::Option<::core::result::Result<Self, __D::Error>> {
                    ::core::option::Option::None
                }
                fn visit<__V: _hookwire::EventVisitor>(_: &mut __V) {}
            }
        },
    );
    quote!(#errors #stub)
}

/// `compile_error!`s plus an `Endpoint` impl whose methods are never reached.
pub(crate) fn endpoint(
    input: &DeriveInput,
    krate: Option<&syn::Path>,
    errors: TokenStream,
) -> TokenStream {
    if !matches!(input.data, syn::Data::Struct(_)) {
        return errors;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let stub = wrap_in_const(
        krate,
        quote! {
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
        },
    );
    quote!(#errors #stub)
}
