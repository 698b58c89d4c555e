//! `impl dbgen::Model` and the registration with the runtime's registry.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;

use crate::ir::Model;

/// The impl (definition, fields to values, values to fields), `FromRow`
/// and the `inventory` submission; `MODEL` is the static emitted by
/// `schema::model_def`. Every conversion goes through `ColumnValue`, so the
/// impl holds one short expression per field and nothing generic.
pub fn register(model: &Model) -> TokenStream {
    let ident = model.ident;
    let helper = |f: &crate::ir::Field| {
        let ty = f.ty;
        if f.explicit_type.is_some() {
            quote_spanned!(f.ty_span()=> <__d::Typed<#ty> as __d::FieldOps>)
        } else {
            quote_spanned!(f.ty_span()=> <__d::Field<#ty> as __d::FieldOps>)
        }
    };
    let to_values = model.columns().map(|f| {
        let name = f.ident;
        let helper = helper(f);
        quote_spanned!(f.ty_span()=> #helper::value(&self.#name))
    });
    // Each field decodes to an `Option` (the first error is kept in `v`),
    // then one match builds the struct: one failure path instead of one
    // per field, which keeps the generated code small for rustc.
    let decoded = model.columns().map(|f| {
        let helper = helper(f);
        quote_spanned!(f.ty_span()=> #helper::next(&mut v))
    });
    let bindings: Vec<syn::Ident> = (0..model.columns().count())
        .map(|i| quote::format_ident!("f{}", i))
        .collect();
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
            fn __values<C>(&self) -> ::std::vec::Vec<__d::Value> {
                ::std::vec![#(#to_values),*]
            }
            fn __from_values<C>(
                values: ::std::vec::Vec<__d::Value>,
            ) -> ::std::result::Result<Self, ::dbgen::Error> {
                let mut v = __d::Values::new(&MODEL, values);
                if let (#(::std::option::Option::Some(#bindings),)*) = (#(#decoded,)*) {
                    ::std::result::Result::Ok(Self { #(#from_values),* })
                } else {
                    ::std::result::Result::Err(v.error())
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
            fn __values<C>(&self) -> ::std::vec::Vec<::dbgen::__private::Value> {
                ::std::vec::Vec::new()
            }
            fn __from_values<C>(
                _: ::std::vec::Vec<::dbgen::__private::Value>,
            ) -> ::std::result::Result<Self, ::dbgen::Error> {
                ::std::result::Result::Err(::dbgen::__private::stub_error())
            }
        }
    }
}
