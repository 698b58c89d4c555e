//! Collects every error of one derive, so all are reported together.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error pointing at `span`.
    pub fn error(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Records an error covering all of `tokens` (e.g. a whole type).
    pub fn error_spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records darling's errors (unknown/duplicate keys, wrong value kinds).
    /// A misspelled key inside a nested item (`index(colums(...))`) also
    /// makes darling report the correct key as missing there; that second
    /// error is a consequence of the first and is dropped.
    pub fn darling(&mut self, error: darling::Error) {
        let all: Vec<(Span, String)> = error
            .flatten()
            .into_iter()
            .map(|e| (e.span(), e.to_string()))
            .collect();
        let misspelled_at: Vec<&str> = all
            .iter()
            .filter(|(_, m)| m.starts_with("Unknown field"))
            .filter_map(|(_, m)| m.rfind(" at ").map(|i| &m[i..]))
            .collect();
        for (span, message) in &all {
            let consequence = message.starts_with("Missing field")
                && message
                    .rfind(" at ")
                    .is_some_and(|i| misspelled_at.contains(&&message[i..]));
            if !consequence {
                self.errors.push(syn::Error::new(*span, message));
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every error as `compile_error!` invocations.
    pub fn into_compile_errors(self) -> TokenStream {
        self.errors
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }
}
