use super::*;

use Dialect::{MySql, Postgres, SqlServer, Sqlite};

fn lint(dialect: Dialect, sql: &str) -> Vec<Finding> {
    lint_sql(dialect, "m.up.sql", sql).unwrap_or_else(|p| panic!("{dialect}: {sql}\n{p:?}")) // ok: test helper; a file that does not tokenize is the test failing
}

fn codes(dialect: Dialect, sql: &str) -> Vec<&'static str> {
    lint(dialect, sql).iter().map(|f| f.code).collect()
}

/// Each finding as its statement number and code.
fn placed(dialect: Dialect, sql: &str) -> Vec<(usize, &'static str)> {
    lint(dialect, sql)
        .iter()
        .map(|f| (f.statement, f.code))
        .collect()
}

fn messages(dialect: Dialect, sql: &str) -> Vec<String> {
    lint(dialect, sql).into_iter().map(|f| f.message).collect()
}

#[test]
fn drops_are_destructive_in_every_dialect() {
    assert_eq!(codes(Postgres, "DROP TABLE \"legacy\";\n"), ["DS101"]);
    assert_eq!(
        codes(MySql, "ALTER TABLE `users` DROP COLUMN `bio`;\n"),
        ["DS102"]
    );
    assert_eq!(
        codes(SqlServer, "ALTER TABLE [users] DROP COLUMN [bio];\n"),
        ["DS102"]
    );
    assert_eq!(
        codes(Postgres, "DROP INDEX \"idx_users_email\";\n"),
        ["DS103"]
    );
    assert_eq!(codes(MySql, "DROP INDEX `idx` ON `users`;\n"), ["DS103"]);
    assert_eq!(
        codes(
            MySql,
            "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
        ),
        ["DS104"]
    );
    assert_eq!(
        codes(Postgres, "ALTER TABLE \"posts\" DROP CONSTRAINT \"chk\";\n"),
        ["DS104"]
    );
    // Emptying a table, or dropping a schema, loses rows as a drop does.
    assert_eq!(
        codes(
            Postgres,
            "TRUNCATE TABLE \"logs\";\nTRUNCATE ONLY \"a\", \"b\" CASCADE;\n"
        ),
        ["DS105", "DS105", "DS105"]
    );
    assert_eq!(codes(MySql, "TRUNCATE `logs`;\n"), ["DS105"]);
    assert_eq!(
        messages(
            Sqlite,
            "DELETE FROM \"logs\";\nDELETE FROM \"logs\" WHERE \"id\" < 5;\n"
        ),
        ["deletes every row of `logs` (a DELETE without WHERE)"]
    );
    assert_eq!(
        messages(Postgres, "DROP SCHEMA IF EXISTS \"old\" CASCADE;\n"),
        ["drops schema `old` and every table in it"]
    );
    assert_eq!(codes(MySql, "DROP DATABASE `archive`;\n"), ["DS106"]);
    // What the file itself created and filled is its own.
    assert!(
        codes(
            Sqlite,
            "CREATE TABLE \"scratch\" (\"a\" INTEGER);\nDELETE FROM \"scratch\";\n"
        )
        .is_empty()
    );
    let finding = &lint_sql(Sqlite, "1_x.up.sql", "SELECT 1;\nDROP TABLE \"legacy\";\n")
        .unwrap_or_default()[0];
    assert_eq!((finding.statement, finding.class), (2, Class::Destructive));
    assert!(
        finding
            .to_string()
            .contains("1_x.up.sql (statement 2): DS101 drops table `legacy`")
    );
}

#[test]
fn names_are_read_past_optional_keywords_and_in_lists() {
    assert_eq!(
        messages(
            Postgres,
            "DROP TABLE IF EXISTS \"public\".\"legacy\", \"old\";\n"
        ),
        [
            "drops table `public.legacy` and all its rows",
            "drops table `old` and all its rows"
        ]
    );
    assert_eq!(
        messages(Postgres, "DROP INDEX CONCURRENTLY IF EXISTS \"idx\";\n"),
        ["drops index `idx`"]
    );
    assert_eq!(
        messages(
            Postgres,
            "ALTER TABLE IF EXISTS ONLY \"users\" DROP COLUMN IF EXISTS \"bio\";\n"
        ),
        ["drops column `users.bio` and its data"]
    );
    // `COLUMN` is optional; several actions in one statement each count.
    assert_eq!(
        messages(
            MySql,
            "ALTER TABLE `users` DROP `bio`, ADD COLUMN `age` INT NULL, DROP INDEX `idx_age`;\n"
        ),
        [
            "drops column `users.bio` and its data",
            "drops index `idx_age` of `users`"
        ]
    );
    // T-SQL lists the columns after one DROP COLUMN.
    assert_eq!(
        messages(SqlServer, "ALTER TABLE [users] DROP COLUMN [a], [b];\n"),
        ["drops columns `users.a`, `users.b` and their data"]
    );
    // A unique index with its options before the table name.
    assert_eq!(
        codes(
            Postgres,
            "CREATE UNIQUE INDEX CONCURRENTLY \"uq\" ON ONLY \"users\" (\"email\");\n"
        ),
        ["DD104"]
    );
}

#[test]
fn data_dependent_changes() {
    assert_eq!(
        codes(
            Postgres,
            "ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL;\n"
        ),
        ["DD101"]
    );
    assert_eq!(
        codes(
            Postgres,
            "ALTER TABLE \"users\" ALTER COLUMN \"email\" TYPE VARCHAR(10) USING \"email\"::VARCHAR(10);\n"
        ),
        ["DD102"]
    );
    assert_eq!(
        codes(
            MySql,
            "ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(10) NOT NULL;\n"
        ),
        ["DD102"]
    );
    assert_eq!(
        codes(
            SqlServer,
            "ALTER TABLE [users] ALTER COLUMN [email] NVARCHAR(10) NOT NULL;\n"
        ),
        ["DD102"]
    );
    // Defaults and dropping NOT NULL change no stored value.
    assert!(
        codes(
            Postgres,
            "ALTER TABLE \"users\" ALTER COLUMN \"email\" DROP NOT NULL, ALTER COLUMN \"age\" SET DEFAULT 0, ALTER \"id\" DROP IDENTITY IF EXISTS;\n"
        )
        .is_empty()
    );
    assert_eq!(
        codes(
            Postgres,
            "ALTER TABLE \"users\" ADD COLUMN \"age\" INTEGER NOT NULL;\n"
        ),
        ["DD103"]
    );
    // MySQL does not fail: it fills the rows with an implicit default.
    let mysql = messages(
        MySql,
        "ALTER TABLE `users` ADD COLUMN `age` INT NOT NULL;\n",
    );
    assert!(mysql[0].contains("implicit default"), "{mysql:?}");
    assert!(
        codes(
            Postgres,
            "ALTER TABLE \"users\" ADD COLUMN \"age\" INTEGER NOT NULL DEFAULT 0;\n"
        )
        .is_empty()
    );
    assert!(codes(Postgres, "ALTER TABLE \"users\" ADD COLUMN \"bio\" TEXT;\n").is_empty());
    assert_eq!(
        codes(
            Postgres,
            "CREATE UNIQUE INDEX \"uq\" ON \"users\" (\"email\");\n"
        ),
        ["DD104"]
    );
    assert_eq!(
        codes(
            MySql,
            "ALTER TABLE `users` ADD CONSTRAINT `uq` UNIQUE (`email`), ADD UNIQUE (`sku`);\n"
        ),
        ["DD104", "DD104"]
    );
    // New checks and foreign keys are checked against the rows there are,
    // unless PostgreSQL is told NOT VALID.
    assert_eq!(
        codes(
            Postgres,
            "ALTER TABLE \"posts\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"author_id\") REFERENCES \"users\" (\"id\");\n"
        ),
        ["DD106"]
    );
    assert!(
        codes(
            Postgres,
            "ALTER TABLE \"posts\" ADD CONSTRAINT \"c\" CHECK (\"n\" > 0) NOT VALID;\n"
        )
        .is_empty()
    );
    // A table created in the same file holds no data yet.
    assert!(
        codes(
            Postgres,
            "CREATE TABLE \"users\" (\"id\" BIGINT);\nCREATE UNIQUE INDEX \"uq\" ON \"users\" (\"id\");\n\
             ALTER TABLE \"users\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"id\") REFERENCES \"x\" (\"id\");\n"
        )
        .is_empty()
    );
    assert_eq!(
        codes(
            Sqlite,
            "CREATE TABLE \"_dbgen_new_users\" (\"id\" INTEGER);\n"
        ),
        ["DD105"]
    );
}

#[test]
fn renames_are_backward_incompatible() {
    assert_eq!(
        codes(Postgres, "ALTER TABLE \"people\" RENAME TO \"users\";\n"),
        ["BC101"]
    );
    assert_eq!(
        codes(MySql, "RENAME TABLE `people` TO `users`;\n"),
        ["BC101"]
    );
    assert_eq!(
        codes(
            Postgres,
            "ALTER TABLE \"users\" RENAME COLUMN \"mail\" TO \"email\";\n"
        ),
        ["BC102"]
    );
    // `COLUMN` is optional in PostgreSQL; in MySQL the same words rename
    // the table.
    assert_eq!(
        messages(
            Postgres,
            "ALTER TABLE \"users\" RENAME \"mail\" TO \"email\";\n"
        ),
        ["renames column `users.mail`: code still using the old name breaks"]
    );
    assert_eq!(
        codes(MySql, "ALTER TABLE `people` RENAME `users`;\n"),
        ["BC101"]
    );
    assert_eq!(
        codes(
            MySql,
            "ALTER TABLE `users` CHANGE `mail` `email` VARCHAR(255) NOT NULL;\n"
        ),
        ["BC102"]
    );
    assert!(codes(MySql, "ALTER TABLE `users` RENAME INDEX `a` TO `b`;\n").is_empty());
    // T-SQL's sp_rename, read by its kind argument.
    let renamed = |sql: &str| lint(SqlServer, sql);
    let column = renamed("EXEC sp_rename N'users.mail', N'email', N'COLUMN';\n");
    assert_eq!(column[0].code, "BC102");
    assert!(
        column[0].message.contains("`users.mail` to `email`"),
        "{column:?}"
    );
    assert_eq!(
        codes(SqlServer, "EXEC sp_rename 'people', 'users';\n"),
        ["BC101"]
    );
    assert!(
        codes(
            SqlServer,
            "EXEC sp_rename N'users.idx_a', N'idx_b', N'INDEX';\n"
        )
        .is_empty()
    );
    assert_eq!(
        codes(
            SqlServer,
            "EXECUTE sp_rename N'pk_people', N'pk_users', N'OBJECT';\n"
        ),
        ["BC103"]
    );
}

#[test]
fn quotes_comments_and_strings_do_not_confuse_the_tokenizer() {
    assert!(
        codes(
            Postgres,
            "-- DROP TABLE \"x\";\nSELECT 'DROP TABLE y; --';\n"
        )
        .is_empty()
    );
    assert!(codes(Postgres, "CREATE TABLE \"drop table\" (\"a;b\" TEXT);\n").is_empty());
    assert_eq!(
        messages(Postgres, "ALTER TABLE \"a\"\"b\" DROP COLUMN \"c\";"),
        ["drops column `a\"b.c` and its data"]
    );
    // MySQL: `#` starts a comment and a backslash escapes a quote, so
    // neither hides the drop after it.
    assert_eq!(
        codes(
            MySql,
            "# it's a comment; DROP TABLE `a`;\nUPDATE `t` SET `n` = 'it\\'s'; DROP TABLE `legacy`;\n"
        ),
        ["DS101"]
    );
    assert_eq!(
        messages(
            MySql,
            "UPDATE `t` SET `n` = 'it\\'s'; DROP TABLE `legacy`;\n"
        ),
        ["drops table `legacy` and all its rows"]
    );
    // PostgreSQL's escape strings.
    assert_eq!(
        codes(
            Postgres,
            "UPDATE \"t\" SET \"n\" = E'it\\'s; DROP TABLE x'; DROP TABLE \"legacy\";\n"
        ),
        ["DS101"]
    );
}

#[test]
fn a_file_that_does_not_tokenize_is_an_error() {
    let problem = lint_sql(
        Postgres,
        "m.up.sql",
        "DROP TABLE \"a\";\nUPDATE x SET b = 'open;\n",
    )
    .expect_err("unterminated string");
    assert_eq!((problem.statement, problem.line), (2, 2), "{problem:?}");
}

#[test]
fn statements_are_cut_where_the_engine_cuts_them() {
    // A drop inside a function body, a string or a comment is not a
    // statement of the file; the statements after them are numbered as
    // `validate` numbers them.
    let sql = "CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  DROP TABLE x;\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n\
        UPDATE \"t\" SET \"note\" = 'DROP TABLE y;\nstill the string'; /* DROP TABLE z;\n */\n\
        CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  DELETE FROM b;\n  UPDATE c SET n = CASE WHEN n > 0 THEN 1 ELSE 0 END;\nEND;\n\
        SELECT $1; DROP TABLE \"legacy\";\n";
    assert_eq!(placed(Postgres, sql), [(5, "DS101")]);
    assert!(messages(Postgres, sql)[0].contains("`legacy`"));
}

#[test]
fn a_nolint_comment_leaves_out_the_codes_it_names_for_the_next_statement() {
    // Named codes only, and only for the statement right after it.
    let sql = "-- dbgen:nolint DS101: the archive moved to cold storage, see DS102\nDROP TABLE \"archive\";\nDROP TABLE \"legacy\";\n";
    assert_eq!(placed(Postgres, sql), [(2, "DS101")]);
    // Another code on the same statement is still reported.
    assert_eq!(
        codes(
            Postgres,
            "-- dbgen:nolint DD101\nALTER TABLE \"t\" DROP COLUMN \"a\", ALTER COLUMN \"b\" SET NOT NULL;\n"
        ),
        ["DS102"]
    );
    // Several codes, with commas, in any case; and several comments.
    assert_eq!(
        codes(
            MySql,
            "# dbgen:nolint ds102, DD101\n-- dbgen:nolint DD102\nALTER TABLE `t` DROP COLUMN `a`, MODIFY `b` INT;\n"
        ),
        Vec::<&str>::new()
    );
    // Alone, it leaves out every finding of the statement.
    assert_eq!(
        codes(
            SqlServer,
            "/* dbgen:nolint */\nALTER TABLE [t] DROP COLUMN [a];\nDROP TABLE [b];\n"
        ),
        ["DS101"]
    );
    // A reason after a colon, with every code.
    assert_eq!(
        codes(
            Postgres,
            "-- dbgen:nolint: reviewed with the data team\nDROP TABLE \"a\";\n"
        ),
        Vec::<&str>::new()
    );
    // A comment that only starts like the directive is not one.
    assert_eq!(
        codes(Sqlite, "-- dbgen:nolinted\nDROP TABLE \"a\";\n"),
        ["DS101"]
    );
}

#[test]
fn a_nolint_comment_naming_an_unknown_code_is_an_error() {
    let problem = lint_sql(
        Postgres,
        "m.up.sql",
        "DROP TABLE \"a\";\n\n-- dbgen:nolint DS109\nDROP TABLE \"b\";\n",
    )
    .expect_err("unknown code");
    // The statement it comes before, and the directive's own line.
    assert_eq!((problem.statement, problem.line), (2, 3), "{problem:?}");
    assert!(
        problem.message.contains("`DS109`") && problem.message.contains("DS101"),
        "{problem:?}"
    );
    // A misspelt code, or a reason without its colon, is not read as "no
    // code" (which would leave out every finding).
    for directive in ["DS1O1", "DS101 archived"] {
        let sql = format!("-- dbgen:nolint {directive}\nDROP TABLE \"b\";\n");
        let problem = lint_sql(Postgres, "m.up.sql", &sql).expect_err(directive);
        assert!(problem.message.contains("not a lint code"), "{problem:?}");
    }
}

#[test]
fn a_rebuild_copy_under_another_name_is_a_column_rename() {
    let rebuild = |copy: &str| {
        format!(
            "CREATE TABLE \"_dbgen_new_t\" (\"id\" INTEGER, \"b\" TEXT);\n{copy};\nDROP TABLE \"t\";\nALTER TABLE \"_dbgen_new_t\" RENAME TO \"t\";\n"
        )
    };
    let sql =
        rebuild("INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", \"a\" FROM \"t\"");
    assert_eq!(codes(Sqlite, &sql), ["DD105", "BC102"]);
    assert!(
        messages(Sqlite, &sql)[1].contains("`t.a` to `b`"),
        "{:?}",
        messages(Sqlite, &sql)
    );
    // A column made NOT NULL takes its default in the copy: still a rename.
    let sql = rebuild(
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", COALESCE(\"a\", lower('X')) FROM \"t\"",
    );
    assert_eq!(codes(Sqlite, &sql), ["DD105", "BC102"]);
    // So is a value copied in its new type's form: a date or time, text
    // as bytes, a text read as a boolean.
    for copy in [
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", date(\"a\") FROM \"t\"",
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", CAST(\"a\" AS BLOB) FROM \"t\"",
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", CASE WHEN lower(trim(\"a\")) IN ('t') THEN 1 ELSE \"a\" END FROM \"t\"",
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", strftime('%Y', \"a\") || (CASE WHEN substr(\"a\", 20, 1) = '.' THEN substr(\"a\", 20) ELSE '' END) FROM \"t\"",
    ] {
        assert_eq!(codes(Sqlite, &rebuild(copy)), ["DD105", "BC102"], "{copy}");
    }
    // Same names, or a copy of another shape: no rename.
    for copy in [
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", COALESCE(\"b\", 0) FROM \"t\"",
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", \"b\" FROM \"t\"",
        "INSERT INTO \"_dbgen_new_t\" SELECT * FROM \"t\"",
        "INSERT INTO \"_dbgen_new_t\" (\"id\", \"b\") SELECT \"id\", upper(\"a\") FROM \"t\"",
    ] {
        assert_eq!(codes(Sqlite, &rebuild(copy)), ["DD105"], "{copy}");
    }
}

#[test]
fn a_rebuild_that_leaves_columns_out_of_its_copy_drops_them() {
    let rebuild = |comment: &str| {
        format!(
            "CREATE TABLE \"_dbgen_new_t\" (\"id\" INTEGER);\n{comment}INSERT OR ROLLBACK INTO \"_dbgen_new_t\" (\"id\") SELECT \"id\" FROM \"t\";\nDROP TABLE \"t\";\nALTER TABLE \"_dbgen_new_t\" RENAME TO \"t\";\n"
        )
    };
    let sql = rebuild("-- dbgen:drops \"t\".\"a\", \"t\".\"b\": the copy leaves them out\n");
    assert_eq!(placed(Sqlite, &sql), [(1, "DD105"), (2, "DS102")]);
    assert!(
        messages(Sqlite, &sql)
            .iter()
            .any(|m| m.contains("drops column(s) \"t\".\"a\", \"t\".\"b\" and their values")),
        "{:?}",
        messages(Sqlite, &sql)
    );
    // Reviewed: nolint leaves it out like any finding.
    let sql = rebuild(
        "-- dbgen:drops \"t\".\"a\": the copy leaves them out\n-- dbgen:nolint DS102: archived\n",
    );
    assert_eq!(codes(Sqlite, &sql), ["DD105"]);
    // Without the comment the copy drops nothing lint can see.
    assert_eq!(codes(Sqlite, &rebuild("")), ["DD105"]);
    // A word that only starts like the comment is not it.
    assert_eq!(
        codes(Sqlite, &rebuild("-- dbgen:dropsy \"t\".\"a\"\n")),
        ["DD105"]
    );
}

#[test]
fn sp_rename_names_are_shown_without_brackets() {
    let sql = "EXEC sp_rename N'[users].[ma]]il]', N'email', N'COLUMN';\nEXEC sp_rename N'[my.t]', N't2';\n";
    let shown = messages(SqlServer, sql);
    assert!(
        shown[0].contains("renames column `users.ma]il` to `email`"),
        "{shown:?}"
    );
    assert!(shown[1].contains("renames table `my.t`"), "{shown:?}");
}
