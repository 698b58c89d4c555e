//! `impl dbgen::Model` and the registration with the runtime's registry.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ir::Model;

/// The impl and the `inventory` submission; `MODEL` is the static emitted
/// by `schema::model_def`.
pub fn register(model: &Model) -> TokenStream {
    let ident = model.ident;
    quote! {
        impl ::dbgen::Model for #ident {
            fn table() -> &'static ::dbgen::__private::TableDef {
                MODEL.table()
            }
        }
        ::dbgen::__private::inventory::submit! {
            ::dbgen::__private::ModelEntry::new(&MODEL)
        }
    }
}

/// What stands in for the impl when the derive reported errors: the trait
/// is implemented (so `Product::table()` elsewhere adds no error), nothing
/// is registered.
/// Generic inputs get no stub: the impl itself would add errors.
pub fn stub(input: &DeriveInput) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    quote! {
        impl ::dbgen::Model for #ident {
            fn table() -> &'static ::dbgen::__private::TableDef {
                ::dbgen::__private::stub_table()
            }
        }
    }
}
