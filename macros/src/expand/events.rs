//! `#[derive(Events)]`: the catalog impl. Each method is one `match` or one list; the work
//! (parsing, envelopes, schemas) is done by the runtime's provided methods.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use super::wrap_in_const;
use crate::ast::CatalogContainer;
use crate::check;
use crate::ctxt::Ctxt;
use crate::fallback;

/// Expands `#[derive(Events)]`.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let container = CatalogContainer::from_ast(&cx, input);
    check::catalog(&cx, &container);
    let krate = container.attrs.krate.as_ref();
    match cx.finish() {
        Some(errors) => fallback::events(input, krate, errors),
        None => wrap_in_const(krate, expand(&container)),
    }
}

fn expand(container: &CatalogContainer<'_>) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let variants: Vec<_> = container.variants.iter().map(|v| v.ident).collect();
    let types: Vec<_> = container.variants.iter().map(|v| v.ty).collect();
    let indices = 0..variants.len();
    let unique = unique_names(container);
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::Events for #ident #ty_generics #where_clause {
            const TYPES: &'static [&'static str] = &[#(<#types as _hookwire::Event>::TYPE),*];

            fn event_type(&self) -> &'static str {
                match *self {
                    #(Self::#variants(ref data) => _hookwire::__private::type_of(data),)*
                }
            }

            fn serialize_data<__S: _hookwire::__private::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                match *self {
                    #(Self::#variants(ref data) => _hookwire::__private::Serialize::serialize(data, serializer),)*
                }
            }

            fn from_data(
                event_type: &str,
                data: &_hookwire::__private::RawValue,
            ) -> ::core::option::Option<_hookwire::__private::DataResult<Self>> {
                ::core::option::Option::Some(match _hookwire::__private::position(Self::TYPES, event_type)? {
                    #(#indices => _hookwire::__private::from_data(data).map(Self::#variants),)*
                    _ => return ::core::option::Option::None,
                })
            }

            fn visit<__V: _hookwire::EventVisitor>(visitor: &mut __V) {
                #(visitor.visit::<#types>();)*
            }
        }
        #unique
    }
}

/// For each variant after the first, a constant that fails to evaluate when its event's name was
/// already used by an earlier variant. The error lands on the variant's type. A constant cannot
/// use a generic catalog's parameters, so generic catalogs are checked when their schemas are
/// collected instead (`hookwire::schema`).
fn unique_names(container: &CatalogContainer<'_>) -> TokenStream {
    if !container.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = container.ident;
    container
        .variants
        .iter()
        .enumerate()
        .skip(1)
        .map(|(index, variant)| {
            quote_spanned! {variant.ty.span()=>
                const _: () = _hookwire::__private::assert_unique_type(
                    <#ident as _hookwire::Events>::TYPES,
                    #index,
                );
            }
        })
        .collect()
}
