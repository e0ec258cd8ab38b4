//! `#[derive(Endpoint)]`: constants, and one call into the runtime per field for writing,
//! reading and describing the request.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Endpoint, Field, Location};

/// The `Endpoint` impl of a validated endpoint.
pub(crate) fn expand(endpoint: &Endpoint<'_>) -> TokenStream {
    let ident = endpoint.ident;
    let (impl_generics, ty_generics, where_clause) = endpoint.generics.split_for_impl();
    let response = &endpoint.response;
    let method = format_ident!("{}", endpoint.method.as_str());
    let path = endpoint.path.lit();
    let operation_id = &endpoint.operation_id;
    let description = endpoint.docs.as_ref().map(|docs| {
        quote!(const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(#docs);)
    });
    let deprecated = endpoint.deprecated.then(|| {
        quote!(
            const DEPRECATED: bool = true;
        )
    });
    let errors = (!endpoint.errors.is_empty()).then(|| {
        let statuses = &endpoint.errors;
        quote!(const ERRORS: &'static [u16] = &[#(#statuses),*];)
    });
    let writes = endpoint.fields.iter().map(write);
    let reads = endpoint.fields.iter().map(read);
    let describes = endpoint.fields.iter().map(describe);
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::endpoint::Endpoint for #ident #ty_generics #where_clause {
            type Response = #response;
            const METHOD: _hookwire::__private::http::Method = _hookwire::__private::http::Method::#method;
            const PATH: &'static str = #path;
            const OPERATION_ID: &'static str = #operation_id;
            #description
            #deprecated
            #errors

            fn write_request(
                &self,
                request: &mut _hookwire::endpoint::Outgoing,
            ) -> ::core::result::Result<(), _hookwire::endpoint::ParamError> {
                #(#writes)*
                ::core::result::Result::Ok(())
            }

            fn read_request(
                request: &_hookwire::endpoint::Incoming<'_>,
            ) -> ::core::result::Result<Self, _hookwire::endpoint::ParamError> {
                ::core::result::Result::Ok(Self { #(#reads,)* })
            }

            fn describe<__D: _hookwire::endpoint::DescribeEndpoint>(describe: &mut __D) {
                #(#describes;)*
            }
        }
    }
}

/// The runtime method that handles a field's location, spanned on its type.
fn method_of(field: &Field<'_>) -> syn::Ident {
    syn::Ident::new(field.location.method(), field.ty.span())
}

fn write(field: &Field<'_>) -> TokenStream {
    let (ident, name, method) = (field.ident, &field.wire_name, method_of(field));
    if field.location == Location::Body {
        quote_spanned!(field.ty.span()=> request.body(&self.#ident)?;)
    } else {
        quote_spanned!(field.ty.span()=> request.#method(#name, &self.#ident)?;)
    }
}

fn read(field: &Field<'_>) -> TokenStream {
    let (ident, name, method) = (field.ident, &field.wire_name, method_of(field));
    if field.location == Location::Body {
        quote_spanned!(field.ty.span()=> #ident: request.body()?)
    } else {
        quote_spanned!(field.ty.span()=> #ident: request.#method(#name)?)
    }
}

fn describe(field: &Field<'_>) -> TokenStream {
    let (ty, name) = (field.ty, &field.wire_name);
    let docs = match &field.docs {
        Some(docs) => quote!(::core::option::Option::Some(#docs)),
        None => quote!(::core::option::Option::None),
    };
    let Some(location) = field.location.parameter() else {
        return quote_spanned!(ty.span()=> describe.body::<#ty>(#docs));
    };
    let location = format_ident!("{}", location);
    let required = field.required;
    let ty = field.documented_ty;
    quote_spanned! {ty.span()=>
        describe.param::<#ty>(_hookwire::endpoint::ParamInfo::new(
            _hookwire::endpoint::Location::#location, #name, #required, #docs,
        ))
    }
}
