//! `#[derive(Events)]`: the catalog impls. Each method is one `match` or one list; the work
//! (reading envelopes, schemas) is done by the runtime's provided methods. `SendEvents` and
//! `DescribeEvents` apply only when every event is `Serialize` or `JsonSchema`, so a catalog of
//! events that are only received compiles without either; each states its condition as one
//! bound on the list of the catalog's events, not one bound per event.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::Catalog;

/// The impls of a validated catalog.
pub(crate) fn expand(container: &Catalog<'_>) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = bounds(container);
    // Every use of a variant's type is spanned on it, so a type that is not an `Event` is
    // reported at the variant, with `Event`'s own diagnostic.
    let mut types = Vec::new();
    let mut type_of = Vec::new();
    let mut parse = Vec::new();
    for (index, variant) in container.variants.iter().enumerate() {
        let (name, ty) = (variant.ident, variant.ty);
        let span = ty.span();
        types.push(quote_spanned!(span=> <#ty as _hookwire::Event>::TYPE));
        // The name itself, not a call: no generic function is instantiated per event.
        type_of.push(quote_spanned!(span=> Self::#name(_) => <#ty as _hookwire::Event>::TYPE));
        parse.push(quote_spanned!(span=> #index => _hookwire::__private::from_data::<#ty, __D>(data).map(Self::#name)));
    }
    let index_of = index_of(container);
    // A concrete catalog names its list of events once, as an alias both conditional impls use.
    let (list, alias) = if container.generics.params.is_empty() {
        let list = event_list(container);
        (
            quote!(__HookwireEvents),
            quote!(type __HookwireEvents = #list;),
        )
    } else {
        (event_list(container), TokenStream::new())
    };
    let send = send_events(container, &list);
    let describe = describe_events(container, &list);
    let table = type_table(container);
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::Events for #ident #ty_generics #where_clause {
            const TYPES: &'static [&'static str] = &[#(#types),*];

            fn event_type(&self) -> &'static str {
                match *self {
                    #(#type_of,)*
                }
            }

            #index_of

            fn from_data<'de, __D: _hookwire::__private::Deserializer<'de>>(
                index: usize,
                data: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                match index {
                    #(#parse,)*
                    _ => ::core::result::Result::Err(_hookwire::__private::no_such_event(index)),
                }
            }
        }
        #alias
        #send
        #describe
        #table
    }
}

/// `for<'__hookwire> Type: Trait` for each variant, spanned on the variant's type: the
/// conditions under which the catalog can be sent (`Serialize`) or documented
/// (`DescribeEvent`: `Event + JsonSchema`).
///
/// The unused lifetime keeps rustc from rejecting a bound on a concrete type that does not
/// hold (stable Rust has no `trivial_bounds`): the impl then simply does not apply, and using
/// it is a compile error naming the event that lacks the trait, at the call that needs it.
fn variant_bounds(container: &Catalog<'_>, bound: &TokenStream) -> TokenStream {
    let existing = existing_predicates(container);
    let bounds = container.variants.iter().map(|variant| {
        let ty = variant.ty;
        quote_spanned!(ty.span()=> for<'__hookwire> #ty: #bound)
    });
    // `Self: Events` is the supertrait; guarded the same way, a variant that is not an `Event`
    // is reported once, by the `Events` impl, not again by each of these.
    quote!(where #(#existing,)* for<'__hookwire> Self: _hookwire::Events, #(#bounds,)*)
}

/// `SendEvents`, when every event is `Serialize`.
///
/// A concrete catalog states that as one bound on the list of its events (see [`event_list`])
/// and serializes through it: the variant's payload goes to the list as `&dyn Any` with its
/// index, so no arm needs `Serialize` of its own. A generic catalog keeps one bound per event,
/// since its events need not be `'static`.
fn send_events(container: &Catalog<'_>, list: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let body = if container.generics.params.is_empty() {
        let arms = container
            .variants
            .iter()
            .enumerate()
            .map(|(index, variant)| {
                let name = variant.ident;
                quote_spanned!(variant.ty.span()=> Self::#name(ref data) => (#index, data))
            });
        quote! {
            let (index, data): (usize, &dyn ::core::any::Any) = match *self {
                #(#arms,)*
            };
            <#list as _hookwire::__private::SendAll>::serialize_nth(index, data, serializer)
        }
    } else {
        let arms = container.variants.iter().map(|variant| {
            let name = variant.ident;
            quote_spanned!(variant.ty.span()=> Self::#name(ref data) => _hookwire::__private::serialize_data(data, serializer))
        });
        quote! {
            match *self {
                #(#arms,)*
            }
        }
    };
    let where_clause = if container.generics.params.is_empty() {
        list_bound(container, list, &quote!(_hookwire::__private::SendAll))
    } else {
        variant_bounds(container, &quote!(_hookwire::__private::Serialize))
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics _hookwire::SendEvents for #ident #ty_generics #where_clause {
            fn serialize_data<__S: _hookwire::__private::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                #body
            }
        }
    }
}

/// `DescribeEvents`, when every event is `JsonSchema` (a `DescribeEvent`) and hookwire is built
/// with `schema`: one bound on the list of events, which visits them in order.
fn describe_events(container: &Catalog<'_>, list: &TokenStream) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, _) = container.generics.split_for_impl();
    let where_clause = list_bound(container, list, &quote!(_hookwire::__private::DescribeAll));
    // Only where hookwire has its `schema` feature, which this macro cannot see: the runtime's
    // `if_schema!` keeps or drops the impl.
    quote! {
        _hookwire::__private::if_schema! {
            #[automatically_derived]
            impl #impl_generics _hookwire::DescribeEvents for #ident #ty_generics #where_clause {
                fn visit<__V: _hookwire::EventVisitor>(visitor: &mut __V) {
                    <#list as _hookwire::__private::DescribeAll>::visit_all(visitor)
                }
            }
        }
    }
}

/// The most lists a tuple of the runtime's `SendAll` and `DescribeAll` impls holds.
const LIST_WIDTH: usize = 16;

/// The catalog's event types as one type: `(Leaf<A>, Leaf<B>, ...)`, nested in tuples of at most
/// [`LIST_WIDTH`], each `Leaf` spanned on its variant's type.
fn event_list(container: &Catalog<'_>) -> TokenStream {
    let mut level: Vec<TokenStream> = container
        .variants
        .iter()
        .map(|variant| {
            let ty = variant.ty;
            quote_spanned!(ty.span()=> _hookwire::__private::Leaf<#ty>)
        })
        .collect();
    while level.len() > LIST_WIDTH {
        level = level
            .chunks(LIST_WIDTH)
            .map(|chunk| quote!((#(#chunk,)*)))
            .collect();
    }
    quote!((#(#level,)*))
}

/// `for<'__hookwire> List: Trait` on the catalog's [`event_list`] (or its alias); see
/// [`variant_bounds`] for the unused lifetime.
fn list_bound(container: &Catalog<'_>, list: &TokenStream, bound: &TokenStream) -> TokenStream {
    let existing = existing_predicates(container);
    quote!(where #(#existing,)* for<'__hookwire> Self: _hookwire::Events, for<'__hookwire> #list: #bound,)
}

/// `index_of` through the table [`type_table`] builds at compile time; catalogs without the
/// table (see [`has_type_table`]) keep the trait's linear default.
fn index_of(container: &Catalog<'_>) -> TokenStream {
    if !has_type_table(container) {
        return TokenStream::new();
    }
    quote! {
        fn index_of(event_type: &str) -> ::core::option::Option<usize> {
            _hookwire::__private::lookup(&__TYPE_TABLE, Self::TYPES, event_type)
        }
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
fn bounds(container: &Catalog<'_>) -> TokenStream {
    if container.generics.params.is_empty() && container.variants.len() > BOUNDED_VARIANTS {
        let clause = &container.generics.where_clause;
        return quote!(#clause);
    }
    let existing = existing_predicates(container);
    let events = container.variants.iter().map(|variant| {
        let ty = variant.ty;
        quote_spanned!(ty.span()=> #ty: _hookwire::Event)
    });
    quote!(where #(#existing,)* #(#events,)*)
}

/// The catalog's type names in a hash table built once at compile time: `index_of` searches
/// it, and a constant check fails to evaluate when two variants' events share a type name. The
/// table names the first such variant; the check then calls a panicking function spanned on it,
/// so the error lands on that variant.
fn type_table(container: &Catalog<'_>) -> TokenStream {
    if !has_type_table(container) {
        return TokenStream::new();
    }
    let ident = container.ident;
    // At least twice as many slots as names, a power of two: probes end after about one step.
    let slots = (container.variants.len() * 2).next_power_of_two();
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
        const __TYPE_TABLE: _hookwire::__private::TypeTable<#slots> =
            _hookwire::__private::type_table::<#slots>(<#ident as _hookwire::Events>::TYPES);
        const _: () = match __TYPE_TABLE.duplicate {
            #(#arms)*
            _ => {}
        };
    }
}

/// Whether the catalog gets the compile-time table: not when generic (a constant cannot use
/// the parameters), and not for a single event, which needs neither a search nor a check.
fn has_type_table(container: &Catalog<'_>) -> bool {
    container.generics.params.is_empty() && container.variants.len() > 1
}

/// The predicates of the input's own where clause, kept in front of every generated bound.
fn existing_predicates<'a>(container: &'a Catalog<'_>) -> Vec<&'a syn::WherePredicate> {
    container
        .generics
        .where_clause
        .as_ref()
        .map(|clause| clause.predicates.iter().collect())
        .unwrap_or_default()
}
