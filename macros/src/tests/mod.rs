#![allow(clippy::panic)]
//! Snapshots of the derive's expansion, formatted with prettyplease, with
//! the input stored as the snapshot's description. Review changes with
//! `cargo insta review` (or `INSTA_UPDATE=always` then `git diff`).

use quote::quote;

fn expand_pretty(input: proc_macro2::TokenStream) -> (String, String) {
    let parsed: syn::DeriveInput = match syn::parse2(input.clone()) {
        Ok(parsed) => parsed,
        Err(error) => panic!("test input does not parse: {error}"), // ok: test-only snapshot helper; a failure is the test failing
    };
    let expanded = crate::expand::derive(&parsed);
    let file: syn::File = match syn::parse2(expanded.clone()) {
        Ok(file) => file,
        Err(error) => panic!("expansion is not valid Rust: {error}\n{expanded}"), // ok: test-only snapshot helper; a failure is the test failing
    };
    let input_file: syn::File = match syn::parse2(input) {
        Ok(file) => file,
        Err(error) => panic!("{error}"), // ok: test-only snapshot helper; a failure is the test failing
    };
    (
        prettyplease::unparse(&input_file),
        prettyplease::unparse(&file),
    )
}

macro_rules! snapshot {
    ($name:literal, $($input:tt)*) => {{
        let (input, output) = expand_pretty(quote! { $($input)* });
        insta::with_settings!({ description => input, omit_expression => true }, {
            insta::assert_snapshot!($name, output);
        });
    }};
}

#[test]
fn plain_model() {
    snapshot!(
        "plain_model",
        #[derive(Model)]
        pub struct Category {
            #[column(primary_key)]
            pub id: i64,
            #[column(size = 100, unique)]
            pub name: String,
            #[column(references = "categories(id)", on_delete = "set null")]
            pub parent_id: Option<i64>,
        }
    );
}

#[test]
fn soft_delete_audit_timestamps_model() {
    snapshot!(
        "soft_delete_audit_timestamps_model",
        #[derive(Model)]
        #[model(table = "products", soft_delete, audit, timestamps)]
        #[model(index(columns("category_id", "status"), name = "idx_products_cat_status"))]
        #[model(unique(columns("sku", "tenant_id")))]
        #[model(check(name = "chk_products_price", expr = "price >= 0"))]
        pub struct Product {
            #[column(primary_key)]
            pub id: i64,
            #[column(size = 200)]
            pub name: String,
            #[column(type = "decimal(10,2)")]
            pub price: rust_decimal::Decimal,
            pub description: Option<String>,
            #[column(unique)]
            pub sku: String,
            #[column(index, references = "categories(id)", on_delete = "cascade")]
            pub category_id: i64,
            #[column(default = "'active'", renamed_from = "state")]
            pub status: String,
            #[column(sensitive)]
            pub supplier_token: Option<String>,
            #[column(skip)]
            pub cached: Option<u32>,
            pub tenant_id: i64,
            pub created_at: Option<chrono::DateTime<chrono::Utc>>,
            pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
            pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
        }
    );
}

#[test]
fn composite_key_renamed_table() {
    snapshot!(
        "composite_key_renamed_table",
        #[derive(Model)]
        #[model(
            table = "memberships",
            renamed_from = "group_users",
            primary_key(columns("group_id", "user_id"))
        )]
        #[model(comment = "who belongs to which group")]
        pub struct Membership {
            #[column(references = "groups(id)")]
            pub group_id: i64,
            #[column(
                name = "user_id",
                references = "users(id)",
                on_delete = "cascade",
                on_update = "restrict"
            )]
            pub member: i64,
            #[column(type = "varchar(20)", comment = "owner, admin or member")]
            pub role: String,
        }
    );
}

#[test]
fn errors_expand_to_compile_errors_and_a_stub() {
    let (_, output) = expand_pretty(quote! {
        #[derive(Model)]
        #[model(soft_delete)]
        pub struct Broken {
            #[column(type = "nope")]
            pub id: i64,
        }
    });
    assert_eq!(output.matches("compile_error!").count(), 2, "{output}");
    assert!(output.contains("STUB_DEF"), "{output}");
    assert!(
        !output.contains("inventory"),
        "a broken model is not registered: {output}"
    );
}
