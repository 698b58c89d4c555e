//! Receivers for `#[model(...)]` and `#[column(...)]`.
//!
//! Parsed with `syn`'s nested-meta parser into plain structs. Unknown keys
//! (with "did you mean"), duplicate keys and values of the wrong kind are
//! all collected, each pointing at its token; parsing goes on after each so
//! one derive reports every mistake at once. Every value keeps its span so
//! the checks can point at the offending token.

use std::ops::Deref;

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Attribute, Lit, Token};

/// A value and the span of the token it came from.
#[derive(Debug, Clone)]
pub struct SpannedValue<T> {
    value: T,
    span: Span,
}

impl<T> SpannedValue<T> {
    pub fn new(value: T, span: Span) -> Self {
        SpannedValue { value, span }
    }

    pub fn span(&self) -> Span {
        self.span
    }
}

impl<T> Deref for SpannedValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A key without a value (`unique`), with its span when present.
#[derive(Debug, Default, Clone, Copy)]
pub struct Flag(Option<Span>);

impl Flag {
    pub fn is_present(&self) -> bool {
        self.0.is_some()
    }

    pub fn span(&self) -> Span {
        self.0.unwrap_or_else(Span::call_site)
    }
}

/// `#[model(...)]` on the struct.
#[derive(Debug, Default)]
pub struct ContainerAttrs {
    pub table: Option<SpannedValue<String>>,
    pub soft_delete: Flag,
    pub audit: Flag,
    pub timestamps: Flag,
    pub index: Vec<SpannedValue<IndexAttr>>,
    pub unique: Vec<SpannedValue<UniqueAttr>>,
    pub check: Vec<SpannedValue<CheckAttr>>,
    pub renamed_from: Option<SpannedValue<String>>,
    pub primary_key: Option<SpannedValue<KeyAttr>>,
    pub comment: Option<String>,
}

/// `index(columns(...), name = "...", unique, where = "...")`.
#[derive(Debug, Default)]
pub struct IndexAttr {
    pub columns: NameList,
    pub name: Option<SpannedValue<String>>,
    pub unique: Flag,
    pub predicate: Option<SpannedValue<String>>,
}

/// `unique(columns(...), name = "...")`.
#[derive(Debug, Default)]
pub struct UniqueAttr {
    pub columns: NameList,
    pub name: Option<SpannedValue<String>>,
}

/// `check(name = "...", expr = "...")`.
#[derive(Debug)]
pub struct CheckAttr {
    pub name: SpannedValue<String>,
    pub expr: SpannedValue<String>,
}

/// `primary_key(columns(...))`.
#[derive(Debug, Default)]
pub struct KeyAttr {
    pub columns: NameList,
}

/// `#[column(...)]` on a field.
#[derive(Debug, Default)]
pub struct FieldAttrs {
    pub name: Option<SpannedValue<String>>,
    pub primary_key: Flag,
    pub auto_increment: Option<SpannedValue<bool>>,
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

/// `columns("a", "b")` (string literals or bare identifiers), each with its span.
#[derive(Debug, Default)]
pub struct NameList(pub Vec<SpannedValue<String>>);

const MODEL_KEYS: &[&str] = &[
    "table",
    "soft_delete",
    "audit",
    "timestamps",
    "index",
    "unique",
    "check",
    "renamed_from",
    "primary_key",
    "comment",
];
const COLUMN_KEYS: &[&str] = &[
    "name",
    "primary_key",
    "auto_increment",
    "type",
    "size",
    "nullable",
    "unique",
    "index",
    "default",
    "references",
    "on_delete",
    "on_update",
    "renamed_from",
    "sensitive",
    "skip",
    "soft_delete",
    "comment",
];
const INDEX_KEYS: &[&str] = &["columns", "name", "unique", "where"];
const UNIQUE_KEYS: &[&str] = &["columns", "name"];
const CHECK_KEYS: &[&str] = &["name", "expr"];
const KEY_KEYS: &[&str] = &["columns"];

/// Errors found while reading attributes.
pub type Errors = Vec<syn::Error>;

impl ContainerAttrs {
    /// Reads every `#[model(...)]`; errors are appended to `errors`.
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = ContainerAttrs::default();
        let mut keys = Keys::new("model", MODEL_KEYS);
        for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
            let result = attr.parse_nested_meta(|meta| {
                let Some(key) = keys.key(&meta, errors)? else {
                    return Ok(());
                };
                let span = meta.path.span();
                match key.as_str() {
                    "table" => set(&mut out.table, string(&meta, &key, errors)?),
                    "soft_delete" => flag(&mut out.soft_delete, &meta, &key, errors)?,
                    "audit" => flag(&mut out.audit, &meta, &key, errors)?,
                    "timestamps" => flag(&mut out.timestamps, &meta, &key, errors)?,
                    "renamed_from" => set(&mut out.renamed_from, string(&meta, &key, errors)?),
                    "comment" => {
                        out.comment = string(&meta, &key, errors)?.map(|c| c.value);
                    }
                    "index" => {
                        if let Some(index) = index(&meta, errors)? {
                            out.index.push(SpannedValue::new(index, span));
                        }
                    }
                    "unique" => {
                        if let Some(unique) = unique(&meta, errors)? {
                            out.unique.push(SpannedValue::new(unique, span));
                        }
                    }
                    "check" => {
                        if let Some(check) = check(&meta, errors)? {
                            out.check.push(SpannedValue::new(check, span));
                        }
                    }
                    _ => {
                        if let Some(key) = primary_key(&meta, errors)? {
                            out.primary_key = Some(SpannedValue::new(key, span));
                        }
                    }
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push(error);
            }
        }
        out
    }
}

impl FieldAttrs {
    /// Reads every `#[column(...)]`; errors are appended to `errors`.
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = FieldAttrs::default();
        let mut keys = Keys::new("column", COLUMN_KEYS);
        for attr in attrs.iter().filter(|a| a.path().is_ident("column")) {
            let result = attr.parse_nested_meta(|meta| {
                let Some(key) = keys.key(&meta, errors)? else {
                    return Ok(());
                };
                let o = &mut out;
                match key.as_str() {
                    "name" => set(&mut o.name, string(&meta, &key, errors)?),
                    "primary_key" => flag(&mut o.primary_key, &meta, &key, errors)?,
                    "auto_increment" => {
                        set(&mut o.auto_increment, boolean(&meta, &key, errors)?);
                    }
                    "type" => set(&mut o.ty, string(&meta, &key, errors)?),
                    "size" => set(&mut o.size, integer(&meta, &key, errors)?),
                    "nullable" => flag(&mut o.nullable, &meta, &key, errors)?,
                    "unique" => flag(&mut o.unique, &meta, &key, errors)?,
                    "index" => flag(&mut o.index, &meta, &key, errors)?,
                    "default" => set(&mut o.default, string(&meta, &key, errors)?),
                    "references" => set(&mut o.references, string(&meta, &key, errors)?),
                    "on_delete" => set(&mut o.on_delete, string(&meta, &key, errors)?),
                    "on_update" => set(&mut o.on_update, string(&meta, &key, errors)?),
                    "renamed_from" => set(&mut o.renamed_from, string(&meta, &key, errors)?),
                    "sensitive" => flag(&mut o.sensitive, &meta, &key, errors)?,
                    "skip" => flag(&mut o.skip, &meta, &key, errors)?,
                    "soft_delete" => flag(&mut o.soft_delete, &meta, &key, errors)?,
                    _ => o.comment = string(&meta, &key, errors)?.map(|c| c.value),
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push(error);
            }
        }
        out
    }

    /// Spans of every key present other than `skip`, for the "skip with
    /// anything" rule.
    pub fn keys_besides_skip(&self) -> Vec<(&'static str, Span)> {
        let values = [
            ("name", self.name.as_ref().map(SpannedValue::span)),
            ("primary_key", flag_span(&self.primary_key)),
            (
                "auto_increment",
                self.auto_increment.as_ref().map(SpannedValue::span),
            ),
            ("type", self.ty.as_ref().map(SpannedValue::span)),
            ("size", self.size.as_ref().map(SpannedValue::span)),
            ("nullable", flag_span(&self.nullable)),
            ("unique", flag_span(&self.unique)),
            ("index", flag_span(&self.index)),
            ("default", self.default.as_ref().map(SpannedValue::span)),
            (
                "references",
                self.references.as_ref().map(SpannedValue::span),
            ),
            ("on_delete", self.on_delete.as_ref().map(SpannedValue::span)),
            ("on_update", self.on_update.as_ref().map(SpannedValue::span)),
            (
                "renamed_from",
                self.renamed_from.as_ref().map(SpannedValue::span),
            ),
            ("sensitive", flag_span(&self.sensitive)),
            ("soft_delete", flag_span(&self.soft_delete)),
        ];
        values
            .into_iter()
            .filter_map(|(name, span)| span.map(|s| (name, s)))
            .collect()
    }
}

/// The span of a flag that is present.
pub fn flag_span(flag: &Flag) -> Option<Span> {
    flag.0
}

/// Known keys of one attribute list and the keys seen so far.
struct Keys {
    attr: &'static str,
    known: &'static [&'static str],
    seen: Vec<String>,
    /// Whether an unknown key was met (a required key may be the typo).
    unknown: bool,
}

impl Keys {
    fn new(attr: &'static str, known: &'static [&'static str]) -> Self {
        Keys {
            attr,
            known,
            seen: Vec::new(),
            unknown: false,
        }
    }

    /// The key of `meta` when it is known and not repeated; otherwise
    /// records why, skips its value, and returns `None`. Repeatable keys
    /// (`index`, `unique`, `check` on the model) are never duplicates.
    fn key(&mut self, meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<String>> {
        let path = &meta.path;
        let key = match path.get_ident() {
            Some(ident) => ident.to_string(),
            None => {
                errors.push(syn::Error::new(
                    path.span(),
                    format!("expected a key of `#[{}(...)]`, not a path", self.attr),
                ));
                skip_value(meta.input)?;
                return Ok(None);
            }
        };
        let key = key.trim_start_matches("r#").to_string();
        if !self.known.contains(&key.as_str()) {
            self.unknown = true;
            let hint = match crate::shared::names::closest(&key, self.known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("expected one of: {}", self.known.join(", ")),
            };
            errors.push(syn::Error::new(
                path.span(),
                format!("unknown key `{key}` in `{}(...)`; {hint}", self.attr),
            ));
            skip_value(meta.input)?;
            return Ok(None);
        }
        let repeatable =
            self.attr == "model" && matches!(key.as_str(), "index" | "unique" | "check");
        if !repeatable && self.seen.contains(&key) {
            errors.push(syn::Error::new(
                path.span(),
                format!("duplicate key `{key}`: give it once"),
            ));
            skip_value(meta.input)?;
            return Ok(None);
        }
        self.seen.push(key.clone());
        Ok(Some(key))
    }

    fn has(&self, key: &str) -> bool {
        self.seen.iter().any(|k| k == key)
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// Consumes whatever follows a key up to the next `,` (a `= value` or a
/// parenthesized list), so parsing can go on after an error.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// The literal after `key =`, or `None` (with an error) when there is none.
fn literal(
    meta: &ParseNestedMeta,
    key: &str,
    example: &str,
    errors: &mut Errors,
) -> syn::Result<Option<Lit>> {
    if !meta.input.peek(Token![=]) {
        errors.push(syn::Error::new(
            meta.path.span(),
            format!("`{key}` needs a value: write `{key} = {example}`"),
        ));
        skip_value(meta.input)?;
        return Ok(None);
    }
    let input = meta.value()?;
    if input.peek(Lit) {
        return input.parse().map(Some);
    }
    let span = input.span();
    skip_value(input)?;
    errors.push(syn::Error::new(
        span,
        format!("`{key}` expects a literal: write `{key} = {example}`"),
    ));
    Ok(None)
}

fn wrong_kind(lit: &Lit, key: &str, example: &str) -> syn::Error {
    let found = match lit {
        Lit::Str(_) => "a string",
        Lit::Int(_) => "an integer",
        Lit::Bool(_) => "a boolean",
        Lit::Float(_) => "a float",
        _ => "this literal",
    };
    syn::Error::new(
        lit.span(),
        format!(
            "`{key}` expects {}, found {found}: write `{key} = {example}`",
            kind_of(example)
        ),
    )
}

fn kind_of(example: &str) -> &'static str {
    if example.starts_with('"') {
        "a string"
    } else if example == "true" || example == "false" {
        "a boolean"
    } else {
        "an integer"
    }
}

fn string(
    meta: &ParseNestedMeta,
    key: &str,
    errors: &mut Errors,
) -> syn::Result<Option<SpannedValue<String>>> {
    let example = match key {
        "table" => "\"products\"",
        "type" => "\"varchar(200)\"",
        "default" => "\"'active'\"",
        "references" => "\"users(id)\"",
        "on_delete" | "on_update" => "\"cascade\"",
        "where" => "\"deleted_at IS NULL\"",
        "expr" => "\"price >= 0\"",
        _ => "\"...\"",
    };
    Ok(match literal(meta, key, example, errors)? {
        Some(Lit::Str(s)) => Some(SpannedValue::new(s.value(), s.span())),
        Some(other) => {
            errors.push(wrong_kind(&other, key, example));
            None
        }
        None => None,
    })
}

fn integer(
    meta: &ParseNestedMeta,
    key: &str,
    errors: &mut Errors,
) -> syn::Result<Option<SpannedValue<u32>>> {
    Ok(match literal(meta, key, "200", errors)? {
        Some(Lit::Int(i)) => match i.base10_parse::<u32>() {
            Ok(n) => Some(SpannedValue::new(n, i.span())),
            Err(_) => {
                errors.push(syn::Error::new(
                    i.span(),
                    format!("`{key}` must be a whole number from 0 to {}", u32::MAX),
                ));
                None
            }
        },
        Some(other) => {
            errors.push(wrong_kind(&other, key, "200"));
            None
        }
        None => None,
    })
}

/// `key` alone (true) or `key = true|false`.
fn boolean(
    meta: &ParseNestedMeta,
    key: &str,
    errors: &mut Errors,
) -> syn::Result<Option<SpannedValue<bool>>> {
    if !meta.input.peek(Token![=]) {
        if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
            return bare_only(meta, key, errors).map(|()| None);
        }
        return Ok(Some(SpannedValue::new(true, meta.path.span())));
    }
    Ok(match literal(meta, key, "false", errors)? {
        Some(Lit::Bool(b)) => Some(SpannedValue::new(b.value, b.span())),
        Some(other) => {
            errors.push(wrong_kind(&other, key, "false"));
            None
        }
        None => None,
    })
}

fn flag(
    slot: &mut Flag,
    meta: &ParseNestedMeta,
    key: &str,
    errors: &mut Errors,
) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        *slot = Flag(Some(meta.path.span()));
        return Ok(());
    }
    bare_only(meta, key, errors)
}

fn bare_only(meta: &ParseNestedMeta, key: &str, errors: &mut Errors) -> syn::Result<()> {
    errors.push(syn::Error::new(
        meta.input.span(),
        format!("`{key}` takes no value: write just `{key}`"),
    ));
    skip_value(meta.input)
}

/// Runs `each` over the keys of a nested list `name(...)`; `None` (with an
/// error) when the key is not followed by a list.
fn nested(
    meta: &ParseNestedMeta,
    name: &'static str,
    known: &'static [&'static str],
    example: &str,
    errors: &mut Errors,
    mut each: impl FnMut(&str, &ParseNestedMeta, &mut Errors) -> syn::Result<()>,
) -> syn::Result<Option<Keys>> {
    if !meta.input.peek(syn::token::Paren) {
        errors.push(syn::Error::new(
            meta.path.span(),
            format!("`{name}` takes a list: write `{example}`"),
        ));
        skip_value(meta.input)?;
        return Ok(None);
    }
    let mut keys = Keys::new(name, known);
    meta.parse_nested_meta(|inner| {
        if let Some(key) = keys.key(&inner, errors)? {
            each(&key, &inner, errors)?;
        }
        Ok(())
    })?;
    Ok(Some(keys))
}

/// Reports a required key that is missing, unless an unknown key (likely
/// its misspelling) was already reported.
fn require(keys: &Keys, key: &str, span: Span, example: &str, errors: &mut Errors) -> bool {
    if keys.has(key) {
        return true;
    }
    if !keys.unknown {
        errors.push(syn::Error::new(
            span,
            format!("`{}` needs `{key}`: write `{example}`", keys.attr),
        ));
    }
    false
}

fn index(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<IndexAttr>> {
    const EXAMPLE: &str = "index(columns(\"a\", \"b\"), name = \"idx_t_a_b\")";
    let mut out = IndexAttr::default();
    let Some(keys) = nested(
        meta,
        "index",
        INDEX_KEYS,
        EXAMPLE,
        errors,
        |key, inner, errors| {
            match key {
                "columns" => out.columns = names(inner, errors)?,
                "name" => set(&mut out.name, string(inner, key, errors)?),
                "unique" => flag(&mut out.unique, inner, key, errors)?,
                _ => set(&mut out.predicate, string(inner, key, errors)?),
            }
            Ok(())
        },
    )?
    else {
        return Ok(None);
    };
    Ok(require(&keys, "columns", meta.path.span(), EXAMPLE, errors).then_some(out))
}

fn unique(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<UniqueAttr>> {
    const EXAMPLE: &str = "unique(columns(\"a\", \"b\"))";
    let mut out = UniqueAttr::default();
    let Some(keys) = nested(
        meta,
        "unique",
        UNIQUE_KEYS,
        EXAMPLE,
        errors,
        |key, inner, errors| {
            match key {
                "columns" => out.columns = names(inner, errors)?,
                _ => set(&mut out.name, string(inner, key, errors)?),
            }
            Ok(())
        },
    )?
    else {
        return Ok(None);
    };
    Ok(require(&keys, "columns", meta.path.span(), EXAMPLE, errors).then_some(out))
}

fn check(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<CheckAttr>> {
    const EXAMPLE: &str = "check(name = \"price_positive\", expr = \"price >= 0\")";
    let (mut name, mut expr) = (None, None);
    let Some(keys) = nested(
        meta,
        "check",
        CHECK_KEYS,
        EXAMPLE,
        errors,
        |key, inner, errors| {
            match key {
                "name" => set(&mut name, string(inner, key, errors)?),
                _ => set(&mut expr, string(inner, key, errors)?),
            }
            Ok(())
        },
    )?
    else {
        return Ok(None);
    };
    let span = meta.path.span();
    let has_name = require(&keys, "name", span, EXAMPLE, errors);
    let has_expr = require(&keys, "expr", span, EXAMPLE, errors);
    Ok(match (name, expr) {
        (Some(name), Some(expr)) if has_name && has_expr => Some(CheckAttr { name, expr }),
        _ => None,
    })
}

fn primary_key(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<KeyAttr>> {
    const EXAMPLE: &str = "primary_key(columns(\"a\", \"b\"))";
    let mut out = KeyAttr::default();
    let Some(keys) = nested(
        meta,
        "primary_key",
        KEY_KEYS,
        EXAMPLE,
        errors,
        |_, inner, errors| {
            out.columns = names(inner, errors)?;
            Ok(())
        },
    )?
    else {
        return Ok(None);
    };
    Ok(require(&keys, "columns", meta.path.span(), EXAMPLE, errors).then_some(out))
}

/// `columns("a", b)`: string literals or bare identifiers.
fn names(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<NameList> {
    if !meta.input.peek(syn::token::Paren) {
        errors.push(syn::Error::new(
            meta.path.span(),
            "`columns` takes a list: write `columns(\"a\", \"b\")`",
        ));
        skip_value(meta.input)?;
        return Ok(NameList::default());
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let mut names = Vec::new();
    while !content.is_empty() {
        if content.peek(syn::LitStr) {
            let s: syn::LitStr = content.parse()?;
            names.push(SpannedValue::new(s.value(), s.span()));
        } else if content.peek(syn::Ident) && (content.peek2(Token![,]) || peek_last(&content)) {
            let ident: syn::Ident = content.parse()?;
            names.push(SpannedValue::new(ident.to_string(), ident.span()));
        } else {
            errors.push(syn::Error::new(
                content.span(),
                "expected a column name as a string, e.g. columns(\"a\", \"b\")",
            ));
            skip_value(&content)?;
        }
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    if names.is_empty() {
        errors.push(syn::Error::new(
            meta.path.span(),
            "`columns(...)` needs at least one column name",
        ));
    }
    Ok(NameList(names))
}

/// Whether the next token is the last one of `input`.
fn peek_last(input: ParseStream) -> bool {
    let fork = input.fork();
    fork.parse::<TokenTree>().is_ok() && fork.is_empty()
}
