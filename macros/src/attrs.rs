//! Declarative receivers for `#[model(...)]` and `#[column(...)]`.
//!
//! darling reports unknown keys (with "did you mean"), duplicate keys and
//! wrong value kinds, each with a span; every value keeps its span so the
//! checks can point at the offending token.

use darling::ast::NestedMeta;
use darling::util::{Flag, SpannedValue};
use darling::{FromAttributes, FromMeta};
use proc_macro2::Span;
use syn::spanned::Spanned;

/// `#[model(...)]` on the struct.
#[derive(Debug, Default, FromAttributes)]
#[darling(attributes(model))]
pub struct ContainerAttrs {
    pub table: Option<SpannedValue<String>>,
    pub soft_delete: Flag,
    pub audit: Flag,
    pub timestamps: Flag,
    #[darling(multiple)]
    pub index: Vec<SpannedValue<IndexAttr>>,
    #[darling(multiple)]
    pub unique: Vec<SpannedValue<UniqueAttr>>,
    #[darling(multiple)]
    pub check: Vec<SpannedValue<CheckAttr>>,
    pub renamed_from: Option<SpannedValue<String>>,
    pub primary_key: Option<SpannedValue<KeyAttr>>,
    pub comment: Option<String>,
}

/// `index(columns(...), name = "...", unique, where = "...")`.
#[derive(Debug, FromMeta)]
pub struct IndexAttr {
    pub columns: NameList,
    pub name: Option<SpannedValue<String>>,
    pub unique: Flag,
    #[darling(rename = "where")]
    pub predicate: Option<SpannedValue<String>>,
}

/// `unique(columns(...), name = "...")`.
#[derive(Debug, FromMeta)]
pub struct UniqueAttr {
    pub columns: NameList,
    pub name: Option<SpannedValue<String>>,
}

/// `check(name = "...", expr = "...")`.
#[derive(Debug, FromMeta)]
pub struct CheckAttr {
    pub name: SpannedValue<String>,
    pub expr: SpannedValue<String>,
}

/// `primary_key(columns(...))`.
#[derive(Debug, FromMeta)]
pub struct KeyAttr {
    pub columns: NameList,
}

/// `#[column(...)]` on a field.
#[derive(Debug, Default, FromAttributes)]
#[darling(attributes(column))]
pub struct FieldAttrs {
    pub name: Option<SpannedValue<String>>,
    pub primary_key: Flag,
    pub auto_increment: Option<SpannedValue<bool>>,
    #[darling(rename = "type")]
    pub ty: Option<SpannedValue<String>>,
    pub size: Option<SpannedValue<u32>>,
    pub nullable: Flag,
    pub unique: Flag,
    pub index: Flag,
    pub default: Option<SpannedValue<String>>,
    pub references: Option<SpannedValue<String>>,
    pub on_delete: Option<SpannedValue<String>>,
    pub on_update: Option<SpannedValue<String>>,
    pub renamed_from: Option<SpannedValue<String>>,
    pub sensitive: Flag,
    pub skip: Flag,
    pub soft_delete: Flag,
    pub comment: Option<String>,
}

impl FieldAttrs {
    /// Spans of every key present other than `skip`, for the "skip with
    /// anything" rule.
    pub fn keys_besides_skip(&self) -> Vec<(&'static str, Span)> {
        let mut keys = Vec::new();
        let mut value = |name: &'static str, span: Option<Span>| {
            if let Some(span) = span {
                keys.push((name, span));
            }
        };
        value("name", self.name.as_ref().map(|v| v.span()));
        value("primary_key", flag(&self.primary_key));
        value(
            "auto_increment",
            self.auto_increment.as_ref().map(|v| v.span()),
        );
        value("type", self.ty.as_ref().map(|v| v.span()));
        value("size", self.size.as_ref().map(|v| v.span()));
        value("nullable", flag(&self.nullable));
        value("unique", flag(&self.unique));
        value("index", flag(&self.index));
        value("default", self.default.as_ref().map(|v| v.span()));
        value("references", self.references.as_ref().map(|v| v.span()));
        value("on_delete", self.on_delete.as_ref().map(|v| v.span()));
        value("on_update", self.on_update.as_ref().map(|v| v.span()));
        value("renamed_from", self.renamed_from.as_ref().map(|v| v.span()));
        value("sensitive", flag(&self.sensitive));
        value("soft_delete", flag(&self.soft_delete));
        keys
    }
}

/// The span of a flag that is present.
pub fn flag(flag: &Flag) -> Option<Span> {
    flag.is_present().then(|| flag.span())
}

/// `columns("a", "b")` (string literals or bare identifiers), each with its span.
#[derive(Debug, Default)]
pub struct NameList(pub Vec<SpannedValue<String>>);

impl FromMeta for NameList {
    fn from_list(items: &[NestedMeta]) -> darling::Result<Self> {
        let mut errors = darling::Error::accumulator();
        let mut names = Vec::new();
        for item in items {
            match item {
                NestedMeta::Lit(syn::Lit::Str(s)) => {
                    names.push(SpannedValue::new(s.value(), s.span()))
                }
                NestedMeta::Meta(syn::Meta::Path(p)) if p.get_ident().is_some() => {
                    let ident = p.get_ident().map(|i| i.to_string()).unwrap_or_default();
                    names.push(SpannedValue::new(ident, p.span()));
                }
                other => errors.push(
                    darling::Error::custom(
                        "expected a column name as a string, e.g. columns(\"a\", \"b\")",
                    )
                    .with_span(other),
                ),
            }
        }
        if names.is_empty() && items.is_empty() {
            errors.push(darling::Error::custom(
                "`columns(...)` needs at least one column name",
            ));
        }
        errors.finish_with(NameList(names))
    }
}
