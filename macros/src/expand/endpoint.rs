//! `#[derive(Endpoint)]`: constants, and one call into the runtime per field for writing,
//! reading and describing the request.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use super::wrap_in_const;
use crate::ast::{EndpointContainer, EndpointField};
use crate::attr::FieldLocation;
use crate::check;
use crate::ctxt::Ctxt;
use crate::fallback;

/// Expands `#[derive(Endpoint)]`.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let container = EndpointContainer::from_ast(&cx, input);
    let method = check::endpoint(&cx, &container);
    let krate = container.attrs.krate.as_ref();
    match (cx.finish(), method) {
        (None, Some(method)) => wrap_in_const(krate, expand(&container, &method)),
        (errors, _) => fallback::endpoint(input, krate, errors.unwrap_or_default()),
    }
}

fn expand(container: &EndpointContainer<'_>, method: &str) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let response = &container.attrs.response;
    let method = format_ident!("{}", method);
    let path = &container.attrs.path;
    let operation_id = match &container.attrs.operation_id {
        Some(lit) => lit.value(),
        None => lower_camel(&ident.to_string()),
    };
    let description = container.docs.as_ref().map(|docs| {
        quote!(const DESCRIPTION: ::core::option::Option<&'static str> = ::core::option::Option::Some(#docs);)
    });
    let deprecated = container.deprecated.then(|| {
        quote!(
            const DEPRECATED: bool = true;
        )
    });
    let writes = container.fields.iter().map(write);
    let reads = container.fields.iter().map(read);
    let describes = container.fields.iter().map(describe);
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::endpoint::Endpoint for #ident #ty_generics #where_clause {
            type Response = #response;
            const METHOD: _hookwire::__private::http::Method = _hookwire::__private::http::Method::#method;
            const PATH: &'static str = #path;
            const OPERATION_ID: &'static str = #operation_id;
            #description
            #deprecated

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

/// The runtime method that handles a field's location.
fn method_of(field: &EndpointField<'_>) -> syn::Ident {
    let name = match field.location {
        Some((FieldLocation::Path, _)) => "path",
        Some((FieldLocation::Query, _)) => "query",
        Some((FieldLocation::Header(_), _)) => "header",
        _ => "body",
    };
    syn::Ident::new(name, field.ty.span())
}

fn write(field: &EndpointField<'_>) -> TokenStream {
    let (ident, name, method) = (field.ident, &field.wire_name, method_of(field));
    if method == "body" {
        quote_spanned!(field.ty.span()=> request.body(&self.#ident)?;)
    } else {
        quote_spanned!(field.ty.span()=> request.#method(#name, &self.#ident)?;)
    }
}

fn read(field: &EndpointField<'_>) -> TokenStream {
    let (ident, name, method) = (field.ident, &field.wire_name, method_of(field));
    if method == "body" {
        quote_spanned!(field.ty.span()=> #ident: request.body()?)
    } else {
        quote_spanned!(field.ty.span()=> #ident: request.#method(#name)?)
    }
}

fn describe(field: &EndpointField<'_>) -> TokenStream {
    let (ty, name) = (field.ty, &field.wire_name);
    let docs = match &field.docs {
        Some(docs) => quote!(::core::option::Option::Some(#docs)),
        None => quote!(::core::option::Option::None),
    };
    let location = match field.location {
        Some((FieldLocation::Path, _)) => quote!(Path),
        Some((FieldLocation::Query, _)) => quote!(Query),
        Some((FieldLocation::Header(_), _)) => quote!(Header),
        _ => return quote_spanned!(ty.span()=> describe.body::<#ty>(#docs)),
    };
    let required = !field.optional();
    let ty = field.documented_ty();
    quote_spanned! {ty.span()=>
        describe.param::<#ty>(_hookwire::endpoint::ParamInfo::new(
            _hookwire::endpoint::Location::#location, #name, #required, #docs,
        ))
    }
}

/// `GetProduct` -> `getProduct`.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
