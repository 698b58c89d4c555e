//! The model's table as static data: one JSON string literal (the table in
//! `dbgen::schema::Table`'s serde layout), the field codecs for column
//! types, and the few columns whose attributes override them. Both are cheap for rustc to parse
//! and type-check, whatever the model's size; `dbgen` decodes them once, on
//! first use, in a non-generic function.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::json::Object;
use crate::check::is_integer;
use crate::ir::{Field, Model};
use crate::shared::logical::ColumnType;
use crate::shared::names;

/// `static MODEL: ModelDef = ModelDef { type_name, json, columns: &CODECS, overrides };`
/// Column types come from the codecs, except where attributes give them
/// (`type = "..."`/`size`, `nullable`): those few are listed as overrides.
pub fn model_def(model: &Model) -> TokenStream {
    let type_name = model.ident.to_string();
    let json = table_json(model);
    let overrides = model
        .columns()
        .enumerate()
        .filter_map(|(i, f)| column_override(i, f));
    quote! {
        static MODEL: __d::ModelDef = __d::ModelDef {
            type_name: #type_name,
            json: #json,
            columns: &CODECS,
            overrides: &[#(#overrides),*],
        };
    }
}

/// The table without column types (those come from `COLUMNS`).
fn table_json(model: &Model) -> String {
    // Columns are compared by name: comparing `Ident`s in a proc macro
    // renders both through the compiler bridge, every time.
    let key = model.single_key_field().map(|k| k.column.as_str());
    let columns = model.columns().map(|field| {
        let is_key = key == Some(field.column.as_str());
        let auto_increment = match &field.attrs.auto_increment {
            Some(explicit) => **explicit,
            None => is_key && is_integer(field),
        };
        Object::new()
            .str("name", &field.column)
            .str("field", &field.rust_name)
            .str("type", "text")
            .bool("nullable", false)
            .opt_str("default", field.attrs.default.as_ref().map(|d| d.as_str()))
            .flag("auto_increment", auto_increment)
            .flag("sensitive", field.attrs.sensitive.is_present())
            .opt_str("comment", field.attrs.comment.as_deref())
            .opt_str(
                "renamed_from",
                field.attrs.renamed_from.as_ref().map(|r| r.as_str()),
            )
    });
    let pk_columns = model.primary_key_columns();
    let primary_key = Object::new()
        .str("name", &names::primary_key_name(&model.table))
        .strs("columns", pk_columns.iter().map(String::as_str));
    let mut indexes = model.indexes();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let indexes = indexes.iter().map(|index| {
        Object::new()
            .str("name", &index.name)
            .strs("columns", index.columns.iter().map(|(c, _)| c.as_str()))
            .flag("unique", index.unique)
            .flag("live_rows", index.live_rows)
            .opt_str("where", index.predicate.as_deref())
    });
    let mut foreign_keys: Vec<(String, Object)> = model
        .columns()
        .filter_map(|f| {
            let reference = f.references.as_ref()?;
            let name = names::foreign_key_name(&model.table, &[f.column.as_str()]);
            let action = |a: crate::shared::logical::FkAction| {
                (a != crate::shared::logical::FkAction::NoAction)
                    .then(|| a.sql().to_ascii_lowercase())
            };
            let object = Object::new()
                .str("name", &name)
                .strs("columns", [f.column.as_str()])
                .str("ref_table", &reference.table)
                .strs("ref_columns", [reference.column.as_str()])
                .opt_str("on_delete", action(f.on_delete).as_deref())
                .opt_str("on_update", action(f.on_update).as_deref());
            Some((name, object))
        })
        .collect();
    foreign_keys.sort_by(|a, b| a.0.cmp(&b.0));
    let mut checks: Vec<(&str, &str)> = model
        .attrs
        .check
        .iter()
        .map(|c| (c.name.as_str(), c.expr.as_str()))
        .collect();
    checks.sort();
    Object::new()
        .str("name", &model.table)
        .objects("columns", columns)
        .object("primary_key", primary_key)
        .objects("indexes", indexes)
        .objects("foreign_keys", foreign_keys.into_iter().map(|(_, o)| o))
        .objects(
            "checks",
            checks
                .into_iter()
                .map(|(name, expr)| Object::new().str("name", name).str("expr", expr)),
        )
        .opt_str("comment", model.attrs.comment.as_deref())
        .opt_str(
            "renamed_from",
            model.attrs.renamed_from.as_ref().map(|r| r.as_str()),
        )
        .opt_str(
            "soft_delete",
            model.soft_delete_field().map(|f| f.column.as_str()),
        )
        .flag("audit", model.attrs.audit.is_present())
        .flag("timestamps", model.attrs.timestamps.is_present())
        .finish()
}

/// `(index, explicit type, nullable)` for a column whose attributes set its
/// type or nullability; `None` when the field type decides both.
fn column_override(index: usize, field: &Field) -> Option<TokenStream> {
    let nullable_flag = field.attrs.nullable.is_present();
    match field.explicit_type {
        Some(logical) => {
            let is_option = field.option_inner.is_some() || nullable_flag;
            let logical = column_type_literal(logical);
            Some(quote!((#index, ::std::option::Option::Some(#logical), #is_option)))
        }
        None if nullable_flag => Some(quote!((#index, ::std::option::Option::None, true))),
        None => None,
    }
}

/// A field's time role.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    SoftDelete,
    Timestamp,
}

/// Which fields have a time role, looked up once per model.
pub struct Roles<'m> {
    soft_delete: Option<&'m str>,
    timestamps: bool,
}

impl<'m> Roles<'m> {
    pub fn of(model: &'m Model) -> Roles<'m> {
        Roles {
            soft_delete: model.soft_delete_field().map(|f| f.column.as_str()),
            timestamps: model.attrs.timestamps.is_present(),
        }
    }

    /// The field's time role, if any.
    pub fn of_field(&self, field: &Field) -> Option<Role> {
        if self.soft_delete == Some(field.column.as_str()) {
            Some(Role::SoftDelete)
        } else if self.timestamps && (field.column == "created_at" || field.column == "updated_at")
        {
            Some(Role::Timestamp)
        } else {
            None
        }
    }
}

/// Assertions on fields with an explicit `type` (or `size`): time-role
/// fields hold a time, spanned on the field's type (the others are checked
/// by their codec), and a field with `type = "..."` is bound as its column
/// holds values, spanned on the attribute.
pub fn type_checks(model: &Model) -> TokenStream {
    let roles = Roles::of(model);
    let mut checks = TokenStream::new();
    for (i, field) in model.columns().enumerate() {
        let Some(explicit) = field.explicit_type else {
            continue;
        };
        let ty = field.ty;
        let function = match roles.of_field(field) {
            Some(Role::SoftDelete) => Some(quote!(check_soft_delete)),
            Some(Role::Timestamp) => Some(quote!(check_timestamp)),
            None => None,
        };
        if let Some(function) = function {
            checks.extend(quote_spanned!(field.ty_span()=>
                const _: () = __d::#function::<#ty>();
            ));
        }
        // `size` gives a `String` varchar and a `Vec<u8>` varbinary: they
        // fit by construction.
        let Some(text) = &field.attrs.ty else {
            continue;
        };
        let (values, rust) = fitting(explicit);
        let message = format!(
            "`type = \"{}\"` does not fit field `{}`: the column holds {values}, and the field's type is written and read as another kind of value; make the field {rust} (or `Option` of it), or leave `type` out so that the column follows the field's type",
            text.as_str(),
            field.rust_name,
        );
        let span = text.span();
        let column = column_type_literal(explicit);
        // Read from the field's codec, which has the type's bound: a type
        // without `ColumnValue` is reported there, once.
        let codec = super::codecs::typed_codec(i);
        // The generated panic runs only in constant evaluation, at
        // compile time, where it is the derive's error message at `type`.
        checks.extend(quote_spanned!(span=>
            const _: () = if !__d::fits(&#codec, #column) {
                ::core::panic!("{}", #message) // ok: const evaluation only: a compile error at `type`, never a run-time panic
            };
        ));
    }
    checks
}

/// What a column of `ty` holds, and the Rust types written and read as
/// such, for the message of a field that is not one of them.
fn fitting(ty: ColumnType) -> (&'static str, &'static str) {
    match ty {
        ColumnType::Varchar(_) | ColumnType::Char(_) | ColumnType::Text => ("text", "`String`"),
        ColumnType::Decimal { .. } => ("a decimal", "`rust_decimal::Decimal`"),
        ColumnType::SmallInt => ("a 16-bit integer", "`i16`, `i8` or `u8`"),
        ColumnType::Integer => ("a 32-bit integer", "`i32` or `u16`"),
        ColumnType::BigInt => ("a 64-bit integer", "`i64` or `u32`"),
        ColumnType::Real => ("a 32-bit float", "`f32`"),
        ColumnType::Double => ("a 64-bit float", "`f64`"),
        ColumnType::Boolean => ("a boolean", "`bool`"),
        ColumnType::Date => ("a date", "`chrono::NaiveDate` or `time::Date`"),
        ColumnType::Time => ("a time of day", "`chrono::NaiveTime` or `time::Time`"),
        ColumnType::Timestamp => (
            "a date and time without a time zone",
            "`chrono::NaiveDateTime` or `time::PrimitiveDateTime`",
        ),
        ColumnType::TimestampTz => (
            "an instant (a date and time in UTC)",
            "`chrono::DateTime<Utc>` or `time::OffsetDateTime`",
        ),
        ColumnType::Uuid => ("a UUID", "`uuid::Uuid`"),
        ColumnType::Json => ("JSON", "`serde_json::Value` or `sqlx::types::Json<T>`"),
        ColumnType::Binary | ColumnType::Varbinary(_) => ("bytes", "`Vec<u8>`"),
    }
}

fn column_type_literal(ty: ColumnType) -> TokenStream {
    let path = quote!(__d::ColumnType);
    match ty {
        ColumnType::SmallInt => quote!(#path::SmallInt),
        ColumnType::Integer => quote!(#path::Integer),
        ColumnType::BigInt => quote!(#path::BigInt),
        ColumnType::Real => quote!(#path::Real),
        ColumnType::Double => quote!(#path::Double),
        ColumnType::Decimal { precision, scale } => {
            quote!(#path::Decimal { precision: #precision, scale: #scale })
        }
        ColumnType::Boolean => quote!(#path::Boolean),
        ColumnType::Char(n) => quote!(#path::Char(#n)),
        ColumnType::Varchar(n) => quote!(#path::Varchar(#n)),
        ColumnType::Text => quote!(#path::Text),
        ColumnType::Date => quote!(#path::Date),
        ColumnType::Time => quote!(#path::Time),
        ColumnType::Timestamp => quote!(#path::Timestamp),
        ColumnType::TimestampTz => quote!(#path::TimestampTz),
        ColumnType::Uuid => quote!(#path::Uuid),
        ColumnType::Json => quote!(#path::Json),
        ColumnType::Binary => quote!(#path::Binary),
        ColumnType::Varbinary(n) => quote!(#path::Varbinary(#n)),
    }
}
