//! `impl dbgen::Model` and the registration with the runtime's registry.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::DeriveInput;

use super::codecs::Codecs;
use crate::ir::Model;

/// The impl (definition, fields to values, values to fields), `FromRow`
/// and the `inventory` submission; `MODEL` and `CODECS` are the statics
/// emitted by `schema::model_def` and `Codecs::definition`. Each conversion
/// is one runtime call over the codecs, with no per-field code.
pub fn register(model: &Model, codecs: &Codecs) -> TokenStream {
    let ident = model.ident;
    let encode = codecs.encode(model);
    let bindings: Vec<TokenStream> = (0..model.columns().count())
        .map(|i| quote::format_ident!("f{}", i).into_token_stream())
        .collect();
    let pattern = codecs.pattern(&bindings);
    let mut column = bindings.iter();
    let from_values = model.fields.iter().map(|f| {
        let name = f.ident;
        if f.is_skipped() {
            quote_spanned!(f.ty_span()=> #name: ::std::default::Default::default())
        } else {
            let binding = column.next();
            quote!(#name: #binding)
        }
    });
    quote! {
        impl ::dbgen::Model for #ident {
            fn __def() -> &'static __d::ModelDef {
                &MODEL
            }
            fn __values<C>(&self, out: &mut ::std::vec::Vec<__d::Value>) {
                #encode
            }
            fn __from_values<C>(
                values: &mut __d::Fields<'_>,
            ) -> ::std::result::Result<Self, ::dbgen::Error> {
                match __d::decode(&MODEL, &CODECS, values) {
                    ::std::result::Result::Ok(#pattern) => {
                        ::std::result::Result::Ok(Self { #(#from_values),* })
                    }
                    ::std::result::Result::Err(e) => ::std::result::Result::Err(e),
                }
            }
        }
        impl<'r, R: __d::Row> __d::sqlx::FromRow<'r, R> for #ident {
            fn from_row(row: &'r R) -> ::std::result::Result<Self, __d::sqlx::Error> {
                __d::from_row(row)
            }
        }
        __d::inventory::submit! {
            __d::ModelEntry::new(&MODEL)
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
            fn __def() -> &'static ::dbgen::__private::ModelDef {
                &::dbgen::__private::STUB_DEF
            }
            fn __values<C>(&self, _: &mut ::std::vec::Vec<::dbgen::__private::Value>) {}
            fn __from_values<C>(
                _: &mut ::dbgen::__private::Fields<'_>,
            ) -> ::std::result::Result<Self, ::dbgen::Error> {
                ::std::result::Result::Err(::dbgen::__private::stub_error())
            }
        }
    }
}
