//! The model's codecs: one static tuple holding a `Codec` per column, read
//! from each field's type once. The impl's conversions then pass that static
//! and one tuple of field references (or receive one tuple of fields) to a
//! single runtime call, instead of one call per field: far less for rustc
//! to type-check, and a field type without a mapping fails in one place.
//!
//! Tuples hold at most `TUPLE_MAX` entries (the runtime's impls go that
//! far); wider models nest chunks in `__d::Group`s.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::schema::{Role, Roles};
use crate::ir::{Field, Model};

/// Must equal `dbgen::__private::TUPLE_MAX`.
const TUPLE_MAX: usize = 12;

/// How `n` columns are laid out in nested tuples.
enum Tree {
    Leaf(std::ops::Range<usize>),
    Group(Vec<Tree>),
}

impl Tree {
    fn new(n: usize) -> Tree {
        if n <= TUPLE_MAX {
            return Tree::Leaf(0..n);
        }
        let mut parts: Vec<Tree> = (0..n)
            .step_by(TUPLE_MAX)
            .map(|start| Tree::Leaf(start..(start + TUPLE_MAX).min(n)))
            .collect();
        while parts.len() > TUPLE_MAX {
            let mut grouped = Vec::new();
            let mut rest = parts.into_iter().peekable();
            while rest.peek().is_some() {
                grouped.push(Tree::Group(rest.by_ref().take(TUPLE_MAX).collect()));
            }
            parts = grouped;
        }
        Tree::Group(parts)
    }

    /// Renders the tree: `leaf` gets the items of a leaf, `group` the
    /// rendered parts of a group.
    fn render(
        &self,
        items: &[TokenStream],
        leaf: &dyn Fn(&[TokenStream]) -> TokenStream,
        group: &dyn Fn(&[TokenStream]) -> TokenStream,
    ) -> TokenStream {
        match self {
            Tree::Leaf(range) => leaf(&items[range.clone()]),
            Tree::Group(parts) => {
                let parts: Vec<TokenStream> =
                    parts.iter().map(|p| p.render(items, leaf, group)).collect();
                group(&parts)
            }
        }
    }
}

fn tuple(items: &[TokenStream]) -> TokenStream {
    quote!((#(#items,)*))
}

/// The codecs of a model's columns and how to reach each one.
pub struct Codecs {
    tree: Tree,
    count: usize,
}

impl Codecs {
    pub fn of(model: &Model) -> Codecs {
        let count = model.columns().count();
        Codecs {
            tree: Tree::new(count),
            count,
        }
    }

    /// `static CODECS: (Codec<T0>, ...) = (<Field<T0> as FieldCodec>::CODEC, ...);`
    /// Each entry is spanned on its field's type, so a type without a
    /// mapping is reported there.
    pub fn definition(&self, model: &Model) -> TokenStream {
        let roles = Roles::of(model);
        let mut consts = TokenStream::new();
        let (types, values): (Vec<TokenStream>, Vec<TokenStream>) = model
            .columns()
            .enumerate()
            .map(|(i, f)| {
                let (ty, value) = codec(f, roles.of_field(f));
                if f.attrs.ty.is_none() {
                    return (ty, value);
                }
                // A codec of its own, which `schema::type_checks` reads.
                let name = typed_codec(i);
                consts.extend(quote!(const #name: #ty = #value;));
                (ty, quote!(#name))
            })
            .unzip();
        let ty = self
            .tree
            .render(&types, &tuple, &|parts| quote!(__d::Group<(#(#parts,)*)>));
        let value = self
            .tree
            .render(&values, &tuple, &|parts| quote!(__d::Group((#(#parts,)*))));
        quote!(#consts static CODECS: #ty = #value;)
    }

    /// The expression turning `self`'s columns into values.
    pub fn encode(&self, model: &Model) -> TokenStream {
        let refs: Vec<TokenStream> = model
            .columns()
            .map(|f| {
                let name = f.ident;
                quote!(&self.#name)
            })
            .collect();
        let refs = self.tree.render(&refs, &tuple, &tuple);
        let count = self.count;
        quote!(__d::encode(&CODECS, #count, out, #refs))
    }

    /// The pattern binding `bindings` to the decoded fields.
    pub fn pattern(&self, bindings: &[TokenStream]) -> TokenStream {
        self.tree.render(bindings, &tuple, &tuple)
    }
}

/// The name of the codec constant of column `index`, a field with a
/// `type = "..."` (which `schema::type_checks` checks against it).
pub fn typed_codec(index: usize) -> proc_macro2::Ident {
    quote::format_ident!("__T{}", index)
}

/// A column's codec type and value (through the short names imported by
/// `derive`: fewer tokens per field for the compiler to take in). Time-role
/// fields get a codec function whose bounds also check the type.
fn codec(field: &Field, role: Option<Role>) -> (TokenStream, TokenStream) {
    let ty = field.ty;
    let span = field.ty_span();
    let function = match (field.explicit_type.is_some(), role) {
        (true, _) => quote_spanned!(span=> __t),
        (false, Some(Role::SoftDelete)) => quote_spanned!(span=> __sd),
        (false, Some(Role::Timestamp)) => quote_spanned!(span=> __ts),
        (false, None) => quote_spanned!(span=> __f),
    };
    (
        quote_spanned!(span=> __C<#ty>),
        quote_spanned!(span=> #function::<#ty>()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(tree: &Tree) -> String {
        match tree {
            Tree::Leaf(r) => format!("{}", r.len()),
            Tree::Group(parts) => {
                let parts: Vec<String> = parts.iter().map(shape).collect();
                format!("[{}]", parts.join(" "))
            }
        }
    }

    #[test]
    fn wide_models_nest_in_groups_of_at_most_twelve() {
        assert_eq!(shape(&Tree::new(0)), "0");
        assert_eq!(shape(&Tree::new(12)), "12");
        assert_eq!(shape(&Tree::new(13)), "[12 1]");
        assert_eq!(shape(&Tree::new(30)), "[12 12 6]");
        assert_eq!(
            shape(&Tree::new(145)),
            "[[12 12 12 12 12 12 12 12 12 12 12 12] [1]]"
        );
    }
}
