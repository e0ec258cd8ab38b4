//! Collects every error found in one derive input so they are reported together.

use std::cell::RefCell;
use std::fmt::Display;
use std::thread;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// An error collector. Stages push errors as they find them and keep going; the derive then
/// calls [`check`](Ctxt::check) once, which reports them all, each spanned on the token that is
/// wrong.
///
/// Dropping a `Ctxt` without checking it panics (as serde's does): errors recorded but never
/// reported would let a broken input expand as if it were fine.
pub(crate) struct Ctxt {
    /// `None` once checked.
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    /// A collector with no errors yet.
    pub(crate) fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records an error spanned on `tokens`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records a `syn` parse error as it is.
    pub(crate) fn syn_error(&self, error: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("a Ctxt is not used after it is checked")
            .push(error);
    }

    /// Ends collection: all errors as one `compile_error!` stream, or `Ok` when there were none.
    pub(crate) fn check(self) -> Result<(), TokenStream> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut errors = errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined.to_compile_error())
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !thread::panicking() && self.errors.borrow().is_some() {
            panic!("a Ctxt was dropped without being checked: call `check` to report its errors");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ctxt;

    #[test]
    fn check_reports_every_error_in_order() {
        let cx = Ctxt::new();
        cx.error_spanned_by(quote::quote!(a), "first");
        cx.error_spanned_by(quote::quote!(b), "second");
        let errors = cx.check().expect_err("two errors").to_string();
        let first = errors.find("first").expect("first reported");
        let second = errors.find("second").expect("second reported");
        assert!(first < second, "{errors}");
    }

    #[test]
    fn check_without_errors_is_ok() {
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    #[should_panic(expected = "a Ctxt was dropped without being checked")]
    fn dropping_an_unchecked_ctxt_panics() {
        let cx = Ctxt::new();
        cx.error_spanned_by(quote::quote!(a), "never reported");
        drop(cx);
    }
}
