//! The migration cases: one per change kind and notable variant. The
//! snapshot test renders each for every dialect (`tests/fixtures/<name>/`);
//! the engine test applies each to real databases.

use dbgen::schema::{ColumnType as Ty, FkAction, Schema};

use super::*;

/// A migration from `before` to `after`.
pub struct Case {
    pub name: &'static str,
    pub before: Schema,
    pub after: Schema,
}

fn case(name: &'static str, before: Schema, after: Schema) -> Case {
    Case {
        name,
        before,
        after,
    }
}

fn users() -> T {
    table("users").col("email", Ty::Varchar(255), false)
}

/// Tables `a` and `b`, each with a nullable foreign key to the other.
/// (One key of the cycle has no action: SQL Server refuses a cycle of
/// actions.)
fn fk_cycle() -> Vec<T> {
    vec![
        table("a")
            .col("b_id", Ty::BigInt, true)
            .fk("b_id", "b", FkAction::SetNull),
        table("b")
            .col("a_id", Ty::BigInt, true)
            .fk("a_id", "a", FkAction::NoAction),
    ]
}

/// `users` whose auto-increment key column is `user_id`.
fn users_keyed_by_user_id() -> T {
    let mut t = table("users")
        .edit("id", |c| c.name = "user_id".into())
        .col("email", Ty::Varchar(255), false);
    if let Some(pk) = t.0.primary_key.as_mut() {
        pk.columns = vec!["user_id".into()].into();
    }
    t
}

fn posts() -> T {
    table("posts").col("author_id", Ty::BigInt, false)
}

/// `users` with soft delete, the email unique among live rows.
fn live_users() -> T {
    users().soft_delete().index(&["email"], true)
}

/// `posts` whose author is optional, referenced with `action`.
fn optional_author(action: FkAction) -> T {
    table("posts")
        .col("author_id", Ty::BigInt, true)
        .fk("author_id", "users", action)
}

fn products() -> T {
    table("products").col(
        "price",
        Ty::Decimal {
            precision: 10,
            scale: 2,
        },
        false,
    )
}

/// The order the case history visits the `n` cases' target schemas:
/// forward, backward, then in strides of a number prime to `n`, each order
/// with its own transitions between unrelated schemas.
pub fn history(n: usize) -> Vec<usize> {
    let gcd = |mut a: usize, mut b: usize| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let stride = (11..).find(|&s| gcd(s, n) == 1).unwrap_or(1);
    (0..n)
        .chain((0..n).rev())
        .chain((0..n).map(|i| i * stride % n))
        .collect()
}

pub fn cases() -> Vec<Case> {
    let with_default = |name: &str, ty: Ty, default: &str| {
        let mut c = col(name, ty, false);
        c.set_default(Some(default.to_string().into()));
        c
    };
    let memberships = || {
        table("memberships")
            .col("group_id", Ty::BigInt, false)
            .col("user_id", Ty::BigInt, false)
    };
    let odd = "co\"l`u]mn; --";
    vec![
        case(
            "create_table",
            schema(vec![]),
            schema(vec![users().index(&["email"], true)]),
        ),
        case(
            "create_with_fk",
            schema(vec![]),
            schema(vec![
                posts().fk("author_id", "users", FkAction::Cascade),
                users(),
            ]),
        ),
        case("create_fk_cycle", schema(vec![]), schema(fk_cycle())),
        // SQLite's ADD COLUMN refuses a default that is not a constant
        // on a table holding rows: a rebuild gives each row the default.
        case(
            "add_column_time_default",
            schema(vec![users()]),
            schema(vec![
                users()
                    .column(with_default(
                        "seen_at",
                        Ty::TimestampTz,
                        "CURRENT_TIMESTAMP",
                    ))
                    .column(with_default("day", Ty::Date, "CURRENT_DATE")),
            ]),
        ),
        case(
            "add_columns_with_literal_defaults",
            schema(vec![users()]),
            schema(vec![
                users()
                    .column(with_default("active", Ty::Boolean, "true"))
                    .column(with_default("prefs", Ty::Json, "'{}'"))
                    .column(with_default("bio", Ty::Text, "''"))
                    .column(with_default(
                        "balance",
                        Ty::Decimal {
                            precision: 10,
                            scale: 2,
                        },
                        "0",
                    )),
            ]),
        ),
        // PostgreSQL and SQLite keep index names per database: the name
        // must leave `users` before `posts` can take it.
        case(
            "index_name_moves_to_another_table",
            schema(vec![users().named_index("idx_shared", &["email"]), posts()]),
            schema(vec![
                users().index(&["email"], false),
                posts().named_index("idx_shared", &["author_id"]),
            ]),
        ),
        case(
            "drop_table",
            schema(vec![users(), table("legacy")]),
            schema(vec![users()]),
        ),
        case(
            "rename_table",
            schema(vec![
                table("people")
                    .col("email", Ty::Varchar(255), false)
                    .index(&["email"], true),
            ]),
            schema(vec![users().index(&["email"], true).renamed_from("people")]),
        ),
        case(
            "add_column_nullable",
            schema(vec![users()]),
            schema(vec![users().col("bio", Ty::Text, true)]),
        ),
        case(
            "add_column_default",
            schema(vec![users()]),
            schema(vec![
                users()
                    .column(with_default("status", Ty::Varchar(20), "'active'"))
                    .column({
                        let mut tier = with_default("tier", Ty::Integer, "1");
                        tier.nullable = true;
                        tier
                    }),
            ]),
        ),
        case(
            "add_column_not_null",
            schema(vec![users()]),
            schema(vec![users().col("age", Ty::Integer, false)]),
        ),
        case(
            "drop_column",
            schema(vec![users().col("bio", Ty::Text, true)]),
            schema(vec![users()]),
        ),
        case(
            "rename_column",
            schema(vec![table("users").col("mail", Ty::Varchar(255), false)]),
            schema(vec![
                users().edit("email", |c| c.set_renamed_from(Some("mail".into()))),
            ]),
        ),
        case(
            "alter_column_type",
            schema(vec![users()]),
            schema(vec![table("users").col("email", Ty::Varchar(320), false)]),
        ),
        case(
            "alter_column_not_null",
            schema(vec![table("users").col("email", Ty::Varchar(255), true)]),
            schema(vec![users()]),
        ),
        case(
            "alter_column_not_null_with_default",
            schema(vec![table("users").col("email", Ty::Varchar(255), true)]),
            schema(vec![
                users().edit("email", |c| c.set_default(Some("'unknown'".into()))),
            ]),
        ),
        case(
            "rename_column_made_not_null_with_default",
            schema(vec![users().col("nick", Ty::Varchar(40), true)]),
            schema(vec![users().col("nickname", Ty::Varchar(40), false).edit(
                "nickname",
                |c| {
                    c.set_default(Some("'anon'".into()));
                    c.set_renamed_from(Some("nick".into()));
                },
            )]),
        ),
        case(
            "alter_column_default",
            schema(vec![users()]),
            schema(vec![
                users().edit("email", |c| c.set_default(Some("''".into()))),
            ]),
        ),
        case(
            "alter_column_comment",
            schema(vec![users()]),
            schema(vec![users().edit("email", |c| {
                c.set_comment(Some("where we write".into()))
            })]),
        ),
        case(
            "add_commented_column",
            schema(vec![users()]),
            schema(vec![users().column({
                let mut c = col("nickname", Ty::Varchar(40), true);
                c.set_comment(Some("what friends call them".into()));
                c
            })]),
        ),
        case(
            "add_index",
            schema(vec![users()]),
            schema(vec![users().index(&["email"], false)]),
        ),
        case(
            "add_unique_index",
            schema(vec![users()]),
            schema(vec![users().index(&["email"], true)]),
        ),
        case(
            "add_live_rows_unique",
            schema(vec![users().soft_delete()]),
            schema(vec![live_users()]),
        ),
        case(
            "drop_index",
            schema(vec![users().index(&["email"], false)]),
            schema(vec![users()]),
        ),
        case(
            "rename_index",
            schema(vec![
                table("users")
                    .col("mail", Ty::Varchar(255), false)
                    .index(&["mail"], false),
            ]),
            schema(vec![
                users()
                    .edit("email", |c| c.set_renamed_from(Some("mail".into())))
                    .index(&["email"], false),
            ]),
        ),
        case(
            "rename_live_rows_unique",
            schema(vec![
                table("users")
                    .col("mail", Ty::Varchar(255), false)
                    .soft_delete()
                    .index(&["mail"], true),
            ]),
            schema(vec![
                users()
                    .edit("email", |c| c.set_renamed_from(Some("mail".into())))
                    .soft_delete()
                    .index(&["email"], true),
            ]),
        ),
        case(
            "rename_soft_delete_column",
            schema(vec![live_users()]),
            schema(vec![{
                let mut t = live_users().edit("deleted_at", |c| {
                    c.name = "removed_at".into();
                    c.set_renamed_from(Some("deleted_at".into()));
                });
                t.0.soft_delete = Some("removed_at".into());
                t
            }]),
        ),
        case(
            "rename_soft_delete_table",
            schema(vec![
                table("people")
                    .col("email", Ty::Varchar(255), false)
                    .soft_delete()
                    .index(&["email"], true),
            ]),
            schema(vec![live_users().renamed_from("people")]),
        ),
        case(
            "rename_referenced_table",
            schema(vec![
                table("people").col("email", Ty::Varchar(255), false),
                posts().fk("author_id", "people", FkAction::Cascade),
            ]),
            schema(vec![
                users().renamed_from("people"),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
        ),
        case(
            "add_soft_delete",
            schema(vec![users().index(&["email"], true)]),
            schema(vec![live_users()]),
        ),
        case(
            "alter_column_in_live_rows_unique",
            schema(vec![live_users()]),
            schema(vec![
                table("users")
                    .col("email", Ty::Varchar(320), false)
                    .soft_delete()
                    .index(&["email"], true),
            ]),
        ),
        case(
            "drop_referenced_table",
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
            schema(vec![posts()]),
        ),
        case(
            "add_column_with_foreign_key",
            schema(vec![users(), table("posts")]),
            schema(vec![users(), optional_author(FkAction::SetNull)]),
        ),
        case(
            "rename_table_with_keys",
            schema(vec![
                users(),
                // MySQL refuses a check on a column a cascading key
                // changes: the check reads another column.
                table("posts")
                    .col("author_id", Ty::BigInt, false)
                    .col("score", Ty::Integer, false)
                    .fk("author_id", "users", FkAction::Cascade)
                    .check("chk_posts_score", "score >= 0")
                    .index(&["author_id"], false),
            ]),
            schema(vec![
                users(),
                table("articles")
                    .col("author_id", Ty::BigInt, false)
                    .col("score", Ty::Integer, false)
                    .fk("author_id", "users", FkAction::Cascade)
                    .check("chk_posts_score", "score >= 0")
                    .index(&["author_id"], false)
                    .renamed_from("posts"),
            ]),
        ),
        case(
            "rename_referencing_column",
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
            schema(vec![
                users(),
                table("posts")
                    .col("writer_id", Ty::BigInt, false)
                    .edit("writer_id", |c| {
                        c.set_renamed_from(Some("author_id".into()))
                    })
                    .fk("writer_id", "users", FkAction::Cascade),
            ]),
        ),
        // A check dropped from a renamed table: the drop comes before the
        // rename (SQLite: the rebuild it needs comes after).
        case(
            "rename_table_and_drop_check",
            schema(vec![
                users(),
                table("posts")
                    .col("author_id", Ty::BigInt, false)
                    .check("chk_posts_author", "author_id > 0"),
            ]),
            schema(vec![
                users(),
                table("articles")
                    .col("author_id", Ty::BigInt, false)
                    .renamed_from("posts"),
            ]),
        ),
        // Adding a column of each type writes what creating it does.
        case(
            "add_columns_of_every_type",
            schema(vec![users()]),
            schema(vec![
                users()
                    .col("a_smallint", Ty::SmallInt, true)
                    .col("a_real", Ty::Real, true)
                    .col("a_double", Ty::Double, true)
                    .col("a_bool", Ty::Boolean, true)
                    .col("a_char", Ty::Char(3), true)
                    .col("a_date", Ty::Date, true)
                    .col("a_time", Ty::Time, true)
                    .col("a_timestamp", Ty::Timestamp, true)
                    .col("a_uuid", Ty::Uuid, true)
                    .col("a_json", Ty::Json, true)
                    .col("a_binary", Ty::Binary, true)
                    .col("a_varbinary", Ty::Varbinary(16), true)
                    .column(with_default("a_flag", Ty::Boolean, "true"))
                    .column(with_default("a_count", Ty::Integer, "0")),
            ]),
        ),
        case(
            "alter_column_types",
            schema(vec![
                table("items")
                    .col("qty", Ty::Integer, false)
                    .col("code", Ty::Varchar(50), false)
                    .col(
                        "price",
                        Ty::Decimal {
                            precision: 10,
                            scale: 2,
                        },
                        false,
                    )
                    .col("ratio", Ty::Real, true)
                    .col("seen", Ty::Varchar(40), true)
                    .col("flag", Ty::Varchar(10), true)
                    .col("ref", Ty::Varchar(36), true),
            ]),
            schema(vec![
                table("items")
                    .col("qty", Ty::BigInt, false)
                    .col("code", Ty::Text, false)
                    .col(
                        "price",
                        Ty::Decimal {
                            precision: 12,
                            scale: 4,
                        },
                        false,
                    )
                    .col("ratio", Ty::Double, true)
                    .col("seen", Ty::TimestampTz, true)
                    .col("flag", Ty::Boolean, true)
                    .col("ref", Ty::Uuid, true),
            ]),
        ),
        case(
            "drop_column_default",
            schema(vec![users().column(with_default(
                "status",
                Ty::Varchar(20),
                "'active'",
            ))]),
            schema(vec![users().col("status", Ty::Varchar(20), false)]),
        ),
        case(
            "add_composite_live_rows_unique",
            schema(vec![memberships().soft_delete()]),
            schema(vec![
                memberships()
                    .soft_delete()
                    .index(&["group_id", "user_id"], true),
            ]),
        ),
        // A unique column that may be NULL takes any number of NULLs on
        // every engine: SQL Server's unique index leaves them out.
        case(
            "add_nullable_unique",
            schema(vec![
                table("accounts").col("code", Ty::Varchar(20), true).col(
                    "region",
                    Ty::Varchar(20),
                    false,
                ),
                users().soft_delete().col("phone", Ty::Varchar(40), true),
            ]),
            schema(vec![
                table("accounts")
                    .col("code", Ty::Varchar(20), true)
                    .col("region", Ty::Varchar(20), false)
                    .index(&["code"], true)
                    .index(&["region", "code"], true),
                users()
                    .soft_delete()
                    .col("phone", Ty::Varchar(40), true)
                    .index(&["phone"], true),
            ]),
        ),
        // Defaults follow their table and column (SQL Server names them).
        case(
            "rename_with_defaults",
            schema(vec![
                table("people")
                    .column(with_default("state", Ty::Varchar(20), "'active'"))
                    .column(with_default("kind", Ty::Varchar(20), "'user'")),
            ]),
            schema(vec![
                table("users")
                    .column(with_default("status", Ty::Varchar(20), "'active'"))
                    .edit("status", |c| c.set_renamed_from(Some("state".into())))
                    .column(with_default("kind", Ty::Varchar(20), "'user'"))
                    .renamed_from("people"),
            ]),
        ),
        case(
            "change_foreign_key_action",
            schema(vec![users(), optional_author(FkAction::Cascade)]),
            schema(vec![users(), optional_author(FkAction::SetNull)]),
        ),
        case(
            "change_check_expression",
            schema(vec![products().check("chk_products_price", "price >= 0")]),
            schema(vec![products().check("chk_products_price", "price > 0")]),
        ),
        case(
            "unique_to_plain_index",
            schema(vec![users().index(&["email"], true)]),
            schema(vec![users().index(&["email"], false)]),
        ),
        case(
            "rename_commented_column",
            schema(vec![table("users").column({
                let mut c = col("mail", Ty::Varchar(255), false);
                c.set_comment(Some("where we write".into()));
                c
            })]),
            schema(vec![users().edit("email", |c| {
                c.set_comment(Some("where we write".into()));
                c.set_renamed_from(Some("mail".into()));
            })]),
        ),
        // A check names its column in SQL: renaming the column rewrites it.
        case(
            "rename_checked_column",
            schema(vec![products().check("chk_products_price", "price >= 0")]),
            schema(vec![
                table("products")
                    .col(
                        "amount",
                        Ty::Decimal {
                            precision: 10,
                            scale: 2,
                        },
                        false,
                    )
                    .edit("amount", |c| c.set_renamed_from(Some("price".into())))
                    .check("chk_products_price", "amount >= 0"),
            ]),
        ),
        case(
            "drop_fk_cycle",
            schema(std::iter::once(users()).chain(fk_cycle()).collect()),
            schema(vec![users()]),
        ),
        // A table that references a cycle without being in it, named
        // before the cycle's tables: SQLite drops it before them (it once
        // dropped it after, and the next drop failed: "no such table").
        case(
            "drop_fk_cycle_with_dependent",
            schema(vec![
                users(),
                table("m")
                    .col("n_id", Ty::BigInt, true)
                    .fk("n_id", "n", FkAction::SetNull),
                table("n")
                    .col("m_id", Ty::BigInt, true)
                    .fk("m_id", "m", FkAction::NoAction),
                table("k_notes")
                    .col("m_id", Ty::BigInt, false)
                    .fk("m_id", "m", FkAction::Cascade)
                    .col("n_id", Ty::BigInt, true)
                    .fk("n_id", "n", FkAction::NoAction),
            ]),
            schema(vec![users()]),
        ),
        // Three tables in one cycle, with `ON DELETE` actions: whichever
        // of them SQLite drops second, a table that references it by an
        // action also references the one dropped first, and SQLite fails
        // to compile the action ("no such table") with foreign keys on.
        case(
            "drop_fk_cycle_with_cascades",
            schema(vec![
                users(),
                table("p")
                    .col("q_id", Ty::BigInt, true)
                    .fk("q_id", "q", FkAction::Cascade)
                    .col("r_id", Ty::BigInt, true)
                    .fk("r_id", "r", FkAction::Cascade),
                table("q")
                    .col("r_id", Ty::BigInt, true)
                    .fk("r_id", "r", FkAction::NoAction)
                    .col("p_id", Ty::BigInt, true)
                    .fk("p_id", "p", FkAction::NoAction),
                table("r")
                    .col("q_id", Ty::BigInt, true)
                    .fk("q_id", "q", FkAction::NoAction),
            ]),
            schema(vec![users()]),
        ),
        case(
            "add_fk_cycle",
            schema(vec![
                users(),
                table("a").col("b_id", Ty::BigInt, true),
                table("b").col("a_id", Ty::BigInt, true),
            ]),
            schema(std::iter::once(users()).chain(fk_cycle()).collect()),
        ),
        // The key column of a referenced table renamed: the engines follow
        // it in the references, so they are not dropped and added again.
        case(
            "rename_referenced_key_column",
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
            schema(vec![
                {
                    let mut t = users().edit("id", |c| {
                        c.name = "user_id".into();
                        c.set_renamed_from(Some("id".into()));
                    });
                    if let Some(pk) = t.0.primary_key.as_mut() {
                        pk.columns = vec!["user_id".into()].into();
                    }
                    t
                },
                {
                    let mut t = posts().fk("author_id", "users", FkAction::Cascade);
                    t.0.foreign_keys.to_mut()[0].ref_columns = vec!["user_id".into()].into();
                    t
                },
            ]),
        ),
        // Another soft-delete column (no rename): the live-rows index moves
        // to it.
        case(
            "replace_soft_delete_column",
            schema(vec![{
                let mut t = users()
                    .col("removed_at", Ty::TimestampTz, true)
                    .index(&["email"], true);
                t.0.soft_delete = Some("removed_at".into());
                t.0.indexes.to_mut()[0].live_rows = true;
                t
            }]),
            schema(vec![live_users()]),
        ),
        // Another auto-increment key column (no rename): MySQL adds it, moves
        // the key and drops the old one in one statement.
        case(
            "replace_auto_key",
            schema(vec![users_keyed_by_user_id()]),
            schema(vec![users()]),
        ),
        // A dropped table's foreign key to a key that changes goes first.
        case(
            "drop_referencing_table_and_replace_key",
            schema(vec![users_keyed_by_user_id(), {
                let mut t = posts().fk("author_id", "users", FkAction::Cascade);
                t.0.foreign_keys.to_mut()[0].ref_columns = vec!["user_id".into()].into();
                t
            }]),
            schema(vec![users()]),
        ),
        // SQL Server: the default constraint is dropped and added again
        // around the change of type.
        case(
            "alter_type_of_defaulted_column",
            schema(vec![users().column(with_default(
                "visits",
                Ty::Integer,
                "0",
            ))]),
            schema(vec![users().column(with_default(
                "visits",
                Ty::BigInt,
                "0",
            ))]),
        ),
        // A referenced key and its reference widened together.
        case(
            "widen_referenced_key",
            schema(vec![
                table("users").edit("id", |c| c.ty = Ty::Integer),
                table("posts").col("author_id", Ty::Integer, false).fk(
                    "author_id",
                    "users",
                    FkAction::Cascade,
                ),
            ]),
            schema(vec![
                table("users"),
                table("posts").col("author_id", Ty::BigInt, false).fk(
                    "author_id",
                    "users",
                    FkAction::Cascade,
                ),
            ]),
        ),
        case(
            "drop_column_of_composite_live_rows_unique",
            schema(vec![
                memberships()
                    .soft_delete()
                    .index(&["group_id", "user_id"], true),
            ]),
            schema(vec![
                table("memberships")
                    .col("group_id", Ty::BigInt, false)
                    .soft_delete(),
            ]),
        ),
        case(
            "rename_column_of_composite_live_rows_unique",
            schema(vec![
                memberships()
                    .soft_delete()
                    .index(&["group_id", "user_id"], true),
            ]),
            schema(vec![
                table("memberships")
                    .col("group_id", Ty::BigInt, false)
                    .col("member_id", Ty::BigInt, false)
                    .edit("member_id", |c| c.set_renamed_from(Some("user_id".into())))
                    .soft_delete()
                    .index(&["group_id", "member_id"], true),
            ]),
        ),
        case(
            "referencing_column_made_optional",
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
            schema(vec![users(), optional_author(FkAction::Cascade)]),
        ),
        case(
            "add_foreign_key",
            schema(vec![users(), posts()]),
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Restrict),
            ]),
        ),
        case(
            "drop_foreign_key",
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
            schema(vec![users(), posts()]),
        ),
        case(
            "add_check",
            schema(vec![products()]),
            schema(vec![products().check("chk_products_price", "price >= 0")]),
        ),
        case(
            "drop_check",
            schema(vec![products().check("chk_products_price", "price >= 0")]),
            schema(vec![products()]),
        ),
        // Keys without identity columns: PostgreSQL's `DROP IDENTITY` is
        // valid but outside sqlparser's grammar.
        case(
            "change_primary_key",
            schema(vec![memberships().key(&["id"])]),
            schema(vec![memberships().key(&["group_id", "user_id"])]),
        ),
        case(
            "table_comment",
            schema(vec![users()]),
            schema(vec![users().comment("people who sign in; it's them")]),
        ),
        case(
            "quoted_identifiers",
            schema(vec![]),
            schema(vec![
                table("we\"ird`na]me")
                    .col(odd, Ty::Varchar(100), true)
                    .index(&[odd], false),
            ]),
        ),
        // SQL Server refuses `ALTER COLUMN` while a check, an index or the
        // key uses the column, even for nullability alone.
        case(
            "alter_checked_and_indexed_columns",
            schema(vec![
                table("items")
                    .col("qty", Ty::Integer, false)
                    .col("code", Ty::Varchar(50), true)
                    .check("chk_items_qty", "qty > 0")
                    .index(&["code"], false),
            ]),
            schema(vec![
                table("items")
                    .col("qty", Ty::BigInt, false)
                    .col("code", Ty::Varchar(50), false)
                    .check("chk_items_qty", "qty > 0")
                    .index(&["code"], false),
            ]),
        ),
        case(
            "widen_column_of_composite_key",
            schema(vec![
                table("tags")
                    .col("tenant", Ty::Varchar(20), false)
                    .col("slug", Ty::Varchar(40), false)
                    .key(&["tenant", "slug"]),
            ]),
            schema(vec![
                table("tags")
                    .col("tenant", Ty::Varchar(20), false)
                    .col("slug", Ty::Varchar(80), false)
                    .key(&["tenant", "slug"]),
            ]),
        ),
        case(
            "alter_soft_delete_column_type",
            schema(vec![live_users()]),
            schema(vec![
                users()
                    .soft_delete()
                    .edit("deleted_at", |c| c.ty = Ty::Timestamp)
                    .index(&["email"], true),
            ]),
        ),
        // MySQL/MariaDB drop the index they made for a foreign key once
        // another index serves it, and refuse to drop that one.
        case(
            "drop_index_serving_a_foreign_key",
            schema(vec![
                users(),
                posts()
                    .fk("author_id", "users", FkAction::Cascade)
                    .index(&["author_id"], false),
            ]),
            schema(vec![
                users(),
                posts().fk("author_id", "users", FkAction::Cascade),
            ]),
        ),
        case(
            "drop_live_rows_unique",
            schema(vec![live_users()]),
            schema(vec![users().soft_delete()]),
        ),
    ]
}
