//! `#[derive(Model)]` for dbgen. Depend on `dbgen`, which re-exports it.
//!
//! Pipeline: `attrs` (attribute receivers) -> `ir` (names resolved, spans
//! kept) -> `check` (one function per rule, all errors collected) ->
//! `expand` (tokens).

mod attrs;
mod check;
mod ctxt;
mod expand;
mod ir;
mod shared;

#[cfg(test)]
mod tests;

/// Maps a struct to a table. See the `dbgen` crate for the attributes.
#[proc_macro_derive(Model, attributes(model, column))]
pub fn derive_model(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}
