//! Code generation from the validated model: one file per generated trait, each trusting the
//! model it is given. This is the one place that spells the path of the runtime crate;
//! everything generated refers to it as `_hookwire` (the `Event` impl, emitted without the
//! wrapper, through [`runtime_path`]).

mod endpoint;
mod event;
mod events;

pub(crate) use endpoint::expand as endpoint;
pub(crate) use event::expand as event;
pub(crate) use events::expand as events;

use proc_macro2::TokenStream;
use quote::quote;

/// The path of the runtime crate: `::hookwire`, or the path given with
/// `#[hookwire(crate = "...")]`.
pub(crate) fn runtime_path(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path),
        None => quote!(::hookwire),
    }
}

/// Wraps generated items in `const _: () = { ... };` with the runtime crate in scope as
/// `_hookwire`: `::hookwire` by default, or the path given with `#[hookwire(crate = "...")]`.
pub(crate) fn wrap_in_const(krate: Option<&syn::Path>, items: TokenStream) -> TokenStream {
    let import = match krate {
        Some(path) => quote!(use #path as _hookwire;),
        None => quote!(
            use ::hookwire as _hookwire;
        ),
    };
    quote! {
        #[doc(hidden)]
        #[allow(deprecated, non_upper_case_globals, unused_qualifications, clippy::absolute_paths)]
        const _: () = {
            #import
            #items
        };
    }
}
