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
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = bounds(container);
    // Every use of a variant's type is spanned on it, so a type that is not an `Event` is
    // reported at the variant, with `Event`'s own diagnostic.
    let mut types = Vec::new();
    let mut type_of = Vec::new();
    let mut serialize = Vec::new();
    let mut parse = Vec::new();
    let mut visit = Vec::new();
    for (index, variant) in container.variants.iter().enumerate() {
        let (name, ty) = (variant.ident, variant.ty);
        let span = ty.span();
        types.push(quote_spanned!(span=> <#ty as _hookwire::Event>::TYPE));
        type_of.push(
            quote_spanned!(span=> Self::#name(ref data) => _hookwire::__private::type_of(data)),
        );
        serialize.push(quote_spanned!(span=> Self::#name(ref data) => _hookwire::__private::serialize_data(data, serializer)));
        parse.push(quote_spanned!(span=> #index => _hookwire::__private::from_data::<#ty, __D>(data).map(Self::#name)));
        visit.push(quote_spanned!(span=> visitor.visit::<#ty>()));
    }
    let unique = unique_names(container);
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::Events for #ident #ty_generics #where_clause {
            const TYPES: &'static [&'static str] = &[#(#types),*];

            fn event_type(&self) -> &'static str {
                match *self {
                    #(#type_of,)*
                }
            }

            fn serialize_data<__S: _hookwire::__private::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                match *self {
                    #(#serialize,)*
                }
            }

            fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
                event_type: &str,
                data: __D,
            ) -> ::core::option::Option<::core::result::Result<Self, __D::Error>> {
                ::core::option::Option::Some(match _hookwire::__private::position(Self::TYPES, event_type)? {
                    #(#parse,)*
                    _ => return ::core::option::Option::None,
                })
            }

            fn visit<__V: _hookwire::EventVisitor>(visitor: &mut __V) {
                #(#visit;)*
            }
        }
        #unique
    }
}

/// Catalogs up to this many variants get a `Type: Event` bound per variant (see [`bounds`]).
const BOUNDED_VARIANTS: usize = 64;

/// The input's where clause, plus `Type: Event` for each variant, spanned on the variant's type.
///
/// With those bounds a variant type that is not an event is reported once, at the variant;
/// without them, once per method that uses it (all at the variant, with `Event`'s diagnostic).
/// But every bound sits in every method's environment and rustc checks each obligation
/// against all of them, which makes type-checking quadratic in the number of events: for a
/// 200-event catalog, about 8% of the instructions rustc spent on the crate. So large catalogs
/// go without; generic ones keep them, since their variant types may depend on the parameters.
fn bounds(container: &CatalogContainer<'_>) -> TokenStream {
    if container.generics.params.is_empty() && container.variants.len() > BOUNDED_VARIANTS {
        let clause = &container.generics.where_clause;
        return quote!(#clause);
    }
    let existing = container
        .generics
        .where_clause
        .as_ref()
        .map(|clause| clause.predicates.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let events = container.variants.iter().map(|variant| {
        let ty = variant.ty;
        quote_spanned!(ty.span()=> #ty: _hookwire::Event)
    });
    quote!(where #(#existing,)* #(#events,)*)
}

/// A constant that fails to evaluate when two variants' events share a type name. It finds the
/// first such variant once (by sorting hashes, cheap at compile time even for hundreds of
/// events), then calls a panicking function spanned on that variant, so the error lands on it.
/// A constant cannot use a generic catalog's parameters, so generic catalogs are not checked.
fn unique_names(container: &CatalogContainer<'_>) -> TokenStream {
    if !container.generics.params.is_empty() || container.variants.len() < 2 {
        return TokenStream::new();
    }
    let ident = container.ident;
    let count = container.variants.len();
    let arms = container
        .variants
        .iter()
        .enumerate()
        .skip(1)
        .map(|(index, variant)| {
            let call =
                quote_spanned!(variant.ty.span()=> _hookwire::__private::duplicate_event_type());
            quote!(#index => #call,)
        });
    quote! {
        const _: () = match _hookwire::__private::first_duplicate::<#count>(
            <#ident as _hookwire::Events>::TYPES,
        ) {
            #(#arms)*
            _ => {}
        };
    }
}
