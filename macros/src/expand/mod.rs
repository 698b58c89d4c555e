//! From a checked model to tokens. Generated code is data plus two thin
//! impls; behaviour lives in non-generic runtime functions.

mod codecs;
mod json;
mod register;
mod schema;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::check;
use crate::ctxt::Ctxt;
use crate::ir;

/// The whole derive: read, check, then emit either the model or, when
/// anything is wrong, every error plus a stub impl (so uses of the model
/// elsewhere do not add a cascade of follow-on errors).
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let model = ir::build(&mut cx, input);
    if let Some(model) = &model {
        check::check(&mut cx, model);
    }
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        let stub = register::stub(input);
        return quote! { #errors #stub };
    }
    match model {
        Some(model) => {
            let codecs = codecs::Codecs::of(&model);
            let codec_def = codecs.definition(&model);
            let table = schema::model_def(&model);
            let type_checks = schema::type_checks(&model);
            let register = register::register(&model, &codecs);
            quote! {
                const _: () = {
                    use ::dbgen::__private as __d;
                    use __d::{
                        Codec as __C, field as __f, soft_delete as __sd, timestamp as __ts, typed as __t,
                    };
                    #codec_def
                    #table
                    #type_checks
                    #register
                };
            }
        }
        None => register::stub(input),
    }
}
