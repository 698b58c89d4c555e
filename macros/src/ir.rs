//! The model as the derive understands it: names resolved, values parsed,
//! spans kept for every token a later error may point at.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, PathArguments, Type};

use crate::attrs::{ContainerAttrs, FieldAttrs, SpannedValue};
use crate::ctxt::Ctxt;
use crate::shared::logical::{ColumnType, FkAction};
use crate::shared::names;

pub struct Model<'a> {
    pub ident: &'a Ident,
    pub attrs: ContainerAttrs,
    /// Table name and the span to blame for it.
    pub table: String,
    pub table_span: Span,
    pub fields: Vec<Field<'a>>,
    /// Whether every `#[model]`/`#[column]` attribute parsed. When one did
    /// not, its keys are unknown, and rules spanning several fields would
    /// report follow-on errors; only field-local rules run then.
    pub complete: bool,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    /// The field's name as text (without `r#`).
    pub rust_name: String,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    /// Column name and the span to blame for it.
    pub column: String,
    pub column_span: Span,
    /// `T` when the field is `Option<T>` (written as such).
    pub option_inner: Option<&'a Type>,
    /// The logical type from `type = "..."` or `size = n`, when given.
    pub explicit_type: Option<ColumnType>,
    pub references: Option<Reference>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

pub struct Reference {
    pub table: String,
    pub column: String,
}

impl Field<'_> {
    pub fn is_skipped(&self) -> bool {
        self.attrs.skip.is_present()
    }
}

/// Reads the input; `None` when its shape cannot be a model at all.
pub fn build<'a>(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Model<'a>> {
    let mut complete = true;
    let mut errors = Vec::new();
    let attrs = ContainerAttrs::parse(&input.attrs, &mut errors);
    if !errors.is_empty() {
        complete = false;
        cx.extend(errors);
    }
    let named = named_fields(cx, input)?;
    let (table, table_span) = match &attrs.table {
        Some(t) => ((**t).clone(), t.span()),
        None => (
            names::default_table_name(&input.ident.to_string()),
            input.ident.span(),
        ),
    };
    let mut fields = Vec::with_capacity(named.named.len());
    for field in &named.named {
        let (field, parsed) = build_field(cx, field)?;
        complete &= parsed;
        fields.push(field);
    }
    Some(Model {
        ident: &input.ident,
        attrs,
        table,
        table_span,
        fields,
        complete,
    })
}

/// Rule: a model is a struct with named fields and no generics.
fn named_fields<'a>(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<&'a syn::FieldsNamed> {
    let shape_error = |what: &str| {
        format!(
            "#[derive(Model)] needs a struct with named fields, one per column; {what} cannot be a model"
        )
    };
    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(named),
            Fields::Unnamed(_) => {
                cx.error(input.ident.span(), shape_error("a tuple struct"));
                None
            }
            Fields::Unit => {
                cx.error(input.ident.span(), shape_error("a unit struct"));
                None
            }
        },
        Data::Enum(data) => {
            cx.error(data.enum_token.span(), shape_error("an enum"));
            None
        }
        Data::Union(data) => {
            cx.error(data.union_token.span(), shape_error("a union"));
            None
        }
    };
    if !input.generics.params.is_empty() {
        cx.error(
            input.generics.params.span(),
            "a model cannot have generic parameters: its table is fixed at compile time; use concrete field types",
        );
        return None;
    }
    fields
}

/// The field, and whether its attributes parsed.
fn build_field<'a>(cx: &mut Ctxt, field: &'a syn::Field) -> Option<(Field<'a>, bool)> {
    let ident = field.ident.as_ref()?;
    let mut errors = Vec::new();
    let attrs = FieldAttrs::parse(&field.attrs, &mut errors);
    let parsed = errors.is_empty();
    cx.extend(errors);
    // Rendered once: each `Ident::to_string` crosses the compiler bridge.
    let rust_name = ident.to_string().trim_start_matches("r#").to_string();
    let (column, column_span) = match &attrs.name {
        Some(name) => ((**name).clone(), name.span()),
        None => (rust_name.clone(), ident.span()),
    };
    let option_inner = option_inner(&field.ty);
    let explicit_type = explicit_type(cx, &attrs, option_inner.unwrap_or(&field.ty));
    let references = attrs
        .references
        .as_ref()
        .and_then(|r| parse_reference(cx, r));
    let on_delete = fk_action(cx, attrs.on_delete.as_ref());
    let on_update = fk_action(cx, attrs.on_update.as_ref());
    let field = Field {
        ident,
        rust_name,
        ty: &field.ty,
        attrs,
        column,
        column_span,
        option_inner,
        explicit_type,
        references,
        on_delete,
        on_update,
    };
    Some((field, parsed))
}

/// `T` of a field written `Option<T>` (also `std::option::Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// The last path segment's name of a type, e.g. `String` for `std::string::String`.
pub fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Rule: `type` must parse; `size` applies to text and bytes only.
fn explicit_type(cx: &mut Ctxt, attrs: &FieldAttrs, inner: &Type) -> Option<ColumnType> {
    if let Some(text) = &attrs.ty {
        return match ColumnType::parse(text) {
            Ok(ty) => Some(ty),
            Err(error) => {
                cx.error(text.span(), error);
                None
            }
        };
    }
    let size = attrs.size.as_ref()?;
    let n = **size;
    if n == 0 || n > crate::shared::logical::MAX_LENGTH {
        cx.error(
            size.span(),
            format!(
                "size must be between 1 and {}",
                crate::shared::logical::MAX_LENGTH
            ),
        );
        return None;
    }
    match type_name(inner).as_deref() {
        Some("String" | "str") => Some(ColumnType::Varchar(n)),
        Some("Vec") => Some(ColumnType::Varbinary(n)),
        _ => {
            cx.error(
                size.span(),
                "`size` sets the length of a String (varchar) or Vec<u8> (varbinary) field; for other types write #[column(type = \"...\")]",
            );
            None
        }
    }
}

/// Rule: `references` is `table(column)`.
fn parse_reference(cx: &mut Ctxt, text: &SpannedValue<String>) -> Option<Reference> {
    let parsed = text.split_once('(').and_then(|(table, rest)| {
        let column = rest.strip_suffix(')')?;
        let (table, column) = (table.trim(), column.trim());
        let plain = |s: &str| !s.is_empty() && !s.contains(['(', ')', ',', ' ']);
        (plain(table) && plain(column)).then(|| Reference {
            table: table.to_string(),
            column: column.to_string(),
        })
    });
    if parsed.is_none() {
        cx.error(
            text.span(),
            format!(
                "`references = \"{}\"` is not of the form `table(column)`; write e.g. `references = \"users(id)\"`",
                text.as_str()
            ),
        );
    }
    parsed
}

/// Rule: `on_delete`/`on_update` take one of the SQL actions.
fn fk_action(cx: &mut Ctxt, text: Option<&SpannedValue<String>>) -> FkAction {
    let Some(text) = text else {
        return FkAction::NoAction;
    };
    FkAction::parse(text).unwrap_or_else(|| {
        cx.error(
            text.span(),
            format!(
                "unknown foreign key action `{}`; expected one of: {}",
                text.as_str(),
                FkAction::NAMES.join(", ")
            ),
        );
        FkAction::NoAction
    })
}

/// An index or unique constraint as it will be emitted, with the span of
/// the attribute that asked for it.
pub struct IndexDef {
    pub name: String,
    pub name_span: Span,
    /// Column names, each with the span to blame when it names no column.
    pub columns: Vec<(String, Span)>,
    pub unique: bool,
    /// Unique among live rows only (unique on a soft-delete model).
    pub live_rows: bool,
    pub predicate: Option<String>,
}

/// Where the primary key comes from.
pub enum PrimaryKey<'m> {
    /// `#[column(primary_key)]` on fields (more than one is an error).
    Fields(Vec<&'m Field<'m>>),
    /// `#[model(primary_key(columns(...)))]`.
    Composite(&'m crate::attrs::NameList),
    /// None declared, and a field named `id` (GORM's convention).
    ImplicitId(&'m Field<'m>),
    /// None at all.
    Missing,
}

impl<'a> Model<'a> {
    /// Fields that are columns.
    pub fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| !f.is_skipped())
    }

    pub fn column(&self, name: &str) -> Option<&Field<'a>> {
        self.columns().find(|f| f.column == name)
    }

    pub fn primary_key(&self) -> PrimaryKey<'_> {
        let marked: Vec<&Field> = self
            .columns()
            .filter(|f| f.attrs.primary_key.is_present())
            .collect();
        if let Some(key) = &self.attrs.primary_key {
            return PrimaryKey::Composite(&key.columns);
        }
        if !marked.is_empty() {
            return PrimaryKey::Fields(marked);
        }
        match self.column("id") {
            Some(id) => PrimaryKey::ImplicitId(id),
            None => PrimaryKey::Missing,
        }
    }

    /// Primary key column names, in order.
    pub fn primary_key_columns(&self) -> Vec<String> {
        match self.primary_key() {
            PrimaryKey::Fields(fields) => fields.iter().map(|f| f.column.clone()).collect(),
            PrimaryKey::Composite(list) => list.0.iter().map(|c| (**c).clone()).collect(),
            PrimaryKey::ImplicitId(field) => vec![field.column.clone()],
            PrimaryKey::Missing => Vec::new(),
        }
    }

    /// The single primary-key field, when the key is one field.
    pub fn single_key_field(&self) -> Option<&Field<'a>> {
        match self.primary_key_columns().as_slice() {
            [one] => self.column(one),
            _ => None,
        }
    }

    /// The soft-delete column: the field marked `soft_delete`, else `deleted_at`.
    pub fn soft_delete_field(&self) -> Option<&Field<'a>> {
        if !self.attrs.soft_delete.is_present() {
            return None;
        }
        self.columns()
            .find(|f| f.attrs.soft_delete.is_present())
            .or_else(|| self.column("deleted_at"))
    }

    /// Every index the model declares, from fields then the container, with
    /// derived names where none was given.
    pub fn indexes(&self) -> Vec<IndexDef> {
        let soft = self.attrs.soft_delete.is_present();
        let mut out = Vec::new();
        for field in self.columns() {
            let cols = [field.column.as_str()];
            if field.attrs.index.is_present() {
                out.push(IndexDef {
                    name: names::index_name(&self.table, &cols),
                    name_span: field.attrs.index.span(),
                    columns: vec![(field.column.clone(), field.column_span)],
                    unique: false,
                    live_rows: false,
                    predicate: None,
                });
            }
            if field.attrs.unique.is_present() {
                out.push(IndexDef {
                    name: names::unique_name(&self.table, &cols),
                    name_span: field.attrs.unique.span(),
                    columns: vec![(field.column.clone(), field.column_span)],
                    unique: true,
                    live_rows: soft,
                    predicate: None,
                });
            }
        }
        for index in &self.attrs.index {
            out.push(self.index_def(
                &index.columns,
                index.name.as_ref(),
                index.span(),
                index.unique.is_present(),
                index.predicate.as_ref().map(|p| (**p).clone()),
            ));
        }
        for unique in &self.attrs.unique {
            out.push(self.index_def(
                &unique.columns,
                unique.name.as_ref(),
                unique.span(),
                true,
                None,
            ));
        }
        out
    }

    fn index_def(
        &self,
        columns: &crate::attrs::NameList,
        name: Option<&SpannedValue<String>>,
        span: Span,
        unique: bool,
        predicate: Option<String>,
    ) -> IndexDef {
        let cols: Vec<&str> = columns.0.iter().map(|c| c.as_str()).collect();
        let (name, name_span) = match name {
            Some(n) => ((**n).clone(), n.span()),
            None if unique => (names::unique_name(&self.table, &cols), span),
            None => (names::index_name(&self.table, &cols), span),
        };
        IndexDef {
            name,
            name_span,
            columns: columns
                .0
                .iter()
                .map(|c| ((**c).clone(), c.span()))
                .collect(),
            unique,
            live_rows: unique && predicate.is_none() && self.attrs.soft_delete.is_present(),
            predicate,
        }
    }
}
