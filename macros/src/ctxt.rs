//! Collects every error of one derive, so all are reported together.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};

#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error pointing at `span`.
    pub fn error(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Records darling's errors (unknown/duplicate keys, wrong value kinds).
    pub fn darling(&mut self, error: darling::Error) {
        for one in error.flatten() {
            let span = one.span();
            self.errors.push(syn::Error::new(span, one.to_string()));
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every error as `compile_error!` invocations.
    pub fn into_compile_errors(self) -> TokenStream {
        self.errors.iter().map(syn::Error::to_compile_error).collect()
    }
}
