//! The model's table as one `static` of schema IR.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::check::is_integer;
use crate::ir::{Field, Model};
use crate::shared::logical::{ColumnType, FkAction};
use crate::shared::names;

/// `static TABLE: TableDef = ...;` built entirely at compile time.
pub fn table(model: &Model) -> TokenStream {
    let name = &model.table;
    let columns = model.columns().map(|f| column(model, f));
    let primary_key = {
        let cols = model.primary_key_columns();
        let pk_name = names::primary_key_name(&model.table);
        let cols = str_list(cols.iter().map(String::as_str));
        quote!(::core::option::Option::Some(::dbgen::__private::PrimaryKey {
            name: ::dbgen::__private::Cow::Borrowed(#pk_name),
            columns: #cols,
        }))
    };
    let mut indexes = model.indexes();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let indexes = indexes.iter().map(|index| {
        let name = &index.name;
        let cols = str_list(index.columns.iter().map(|(c, _)| c.as_str()));
        let unique = index.unique;
        let live_rows = index.live_rows;
        let predicate = opt_str(index.predicate.as_deref());
        quote!(::dbgen::__private::Index {
            name: ::dbgen::__private::Cow::Borrowed(#name),
            columns: #cols,
            unique: #unique,
            live_rows: #live_rows,
            predicate: #predicate,
        })
    });
    let mut foreign_keys: Vec<(String, TokenStream)> = model
        .columns()
        .filter_map(|f| {
            let reference = f.references.as_ref()?;
            let fk_name = names::foreign_key_name(&model.table, &[f.column.as_str()]);
            let cols = str_list([f.column.as_str()].into_iter());
            let ref_table = &reference.table;
            let ref_cols = str_list([reference.column.as_str()].into_iter());
            let on_delete = fk_action(f.on_delete);
            let on_update = fk_action(f.on_update);
            let tokens = quote!(::dbgen::__private::ForeignKey {
                name: ::dbgen::__private::Cow::Borrowed(#fk_name),
                columns: #cols,
                ref_table: ::dbgen::__private::Cow::Borrowed(#ref_table),
                ref_columns: #ref_cols,
                on_delete: #on_delete,
                on_update: #on_update,
            });
            Some((fk_name, tokens))
        })
        .collect();
    foreign_keys.sort_by(|a, b| a.0.cmp(&b.0));
    let foreign_keys = foreign_keys.into_iter().map(|(_, t)| t);
    let mut checks: Vec<(&str, &str)> = model
        .attrs
        .check
        .iter()
        .map(|c| (c.name.as_str(), c.expr.as_str()))
        .collect();
    checks.sort();
    let checks = checks.into_iter().map(|(name, expr)| {
        quote!(::dbgen::__private::Check {
            name: ::dbgen::__private::Cow::Borrowed(#name),
            expr: ::dbgen::__private::Cow::Borrowed(#expr),
        })
    });
    let comment = opt_str(model.attrs.comment.as_deref());
    let renamed_from = opt_str(model.attrs.renamed_from.as_ref().map(|r| r.as_str()));
    let soft_delete = opt_str(model.soft_delete_field().map(|f| f.column.as_str()));
    let audit = model.attrs.audit.is_present();
    let timestamps = model.attrs.timestamps.is_present();
    quote! {
        static TABLE: ::dbgen::__private::TableDef = ::dbgen::__private::TableDef {
            name: ::dbgen::__private::Cow::Borrowed(#name),
            columns: ::dbgen::__private::Cow::Borrowed(&[#(#columns),*]),
            primary_key: #primary_key,
            indexes: ::dbgen::__private::Cow::Borrowed(&[#(#indexes),*]),
            foreign_keys: ::dbgen::__private::Cow::Borrowed(&[#(#foreign_keys),*]),
            checks: ::dbgen::__private::Cow::Borrowed(&[#(#checks),*]),
            comment: #comment,
            renamed_from: #renamed_from,
            soft_delete: #soft_delete,
            audit: #audit,
            timestamps: #timestamps,
        };
    }
}

fn column(model: &Model, field: &Field) -> TokenStream {
    let name = &field.column;
    let rust_name = field.ident.to_string();
    let rust_name = rust_name.trim_start_matches("r#");
    let ty = field.ty;
    let ty_span = field.ty_span();
    let nullable_flag = field.attrs.nullable.is_present();
    // The type comes from the explicit attribute, or from `SqlType` with the
    // span of the field's type, so a missing mapping points at the field.
    let (logical, nullable) = match field.explicit_type {
        Some(logical) => {
            let is_option = field.option_inner.is_some() || nullable_flag;
            (column_type(logical), quote!(#is_option))
        }
        None => (
            quote_spanned!(ty_span=> <#ty as ::dbgen::SqlType>::TYPE),
            quote_spanned!(ty_span=> <#ty as ::dbgen::SqlType>::NULLABLE || #nullable_flag),
        ),
    };
    let is_key = model
        .single_key_field()
        .is_some_and(|k| k.ident == field.ident);
    let auto_increment = match &field.attrs.auto_increment {
        Some(explicit) => **explicit,
        None => is_key && is_integer(field),
    };
    let default = opt_str(field.attrs.default.as_ref().map(|d| d.as_str()));
    let sensitive = field.attrs.sensitive.is_present();
    let comment = opt_str(field.attrs.comment.as_deref());
    let renamed_from = opt_str(field.attrs.renamed_from.as_ref().map(|r| r.as_str()));
    quote! {
        ::dbgen::__private::ColumnDef {
            name: ::dbgen::__private::Cow::Borrowed(#name),
            field: ::dbgen::__private::Cow::Borrowed(#rust_name),
            ty: #logical,
            nullable: #nullable,
            default: #default,
            auto_increment: #auto_increment,
            sensitive: #sensitive,
            comment: #comment,
            renamed_from: #renamed_from,
        }
    }
}

/// Compile-time assertions on field types the derive cannot judge from
/// syntax (e.g. that `created_at` is a timestamp), each spanned on the type.
pub fn type_checks(model: &Model) -> TokenStream {
    let mut checks = TokenStream::new();
    let mut assert = |field: &Field, function: &str| {
        let ty = field.ty;
        let function = syn::Ident::new(function, Span::call_site());
        checks.extend(quote_spanned!(field.ty_span()=>
            const _: () = ::dbgen::__private::#function::<#ty>();
        ));
    };
    if let Some(field) = model.soft_delete_field() {
        assert(field, "assert_soft_delete_field");
    }
    if model.attrs.timestamps.is_present() {
        for field in model
            .columns()
            .filter(|f| f.column == "created_at" || f.column == "updated_at")
        {
            assert(field, "assert_timestamp_field");
        }
    }
    checks
}

fn str_list<'s>(items: impl Iterator<Item = &'s str>) -> TokenStream {
    let items = items.map(|s| quote!(::dbgen::__private::Cow::Borrowed(#s)));
    quote!(::dbgen::__private::Cow::Borrowed(&[#(#items),*]))
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(::dbgen::__private::Cow::Borrowed(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn fk_action(action: FkAction) -> TokenStream {
    match action {
        FkAction::NoAction => quote!(::dbgen::__private::FkAction::NoAction),
        FkAction::Restrict => quote!(::dbgen::__private::FkAction::Restrict),
        FkAction::Cascade => quote!(::dbgen::__private::FkAction::Cascade),
        FkAction::SetNull => quote!(::dbgen::__private::FkAction::SetNull),
        FkAction::SetDefault => quote!(::dbgen::__private::FkAction::SetDefault),
    }
}

fn column_type(ty: ColumnType) -> TokenStream {
    let path = quote!(::dbgen::__private::ColumnType);
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
