use super::*;

fn codes(sql: &str) -> Vec<&'static str> {
    lint_sql("m.up.sql", sql).iter().map(|f| f.code).collect()
}

#[test]
fn drops_are_destructive_in_every_dialect() {
    assert_eq!(codes("DROP TABLE \"legacy\";\n"), ["DS101"]);
    assert_eq!(codes("ALTER TABLE `users` DROP COLUMN `bio`;\n"), ["DS102"]);
    assert_eq!(codes("ALTER TABLE [users] DROP COLUMN [bio];\n"), ["DS102"]);
    assert_eq!(codes("DROP INDEX \"idx_users_email\";\n"), ["DS103"]);
    assert_eq!(codes("DROP INDEX `idx` ON `users`;\n"), ["DS103"]);
    assert_eq!(
        codes("ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"),
        ["DS104"]
    );
    assert_eq!(
        codes("ALTER TABLE \"posts\" DROP CONSTRAINT \"chk\";\n"),
        ["DS104"]
    );
    let finding = &lint_sql("1_x.up.sql", "SELECT 1;\nDROP TABLE \"legacy\";\n")[0];
    assert_eq!((finding.statement, finding.class), (2, Class::Destructive));
    assert!(
        finding
            .to_string()
            .contains("1_x.up.sql (statement 2): DS101 drops table `legacy`")
    );
}

#[test]
fn data_dependent_changes() {
    assert_eq!(
        codes("ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL;\n"),
        ["DD101"]
    );
    assert_eq!(
        codes(
            "ALTER TABLE \"users\" ALTER COLUMN \"email\" TYPE VARCHAR(10) USING \"email\"::VARCHAR(10);\n"
        ),
        ["DD102"]
    );
    assert_eq!(
        codes("ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(10) NOT NULL;\n"),
        ["DD102"]
    );
    assert_eq!(
        codes("ALTER TABLE [users] ALTER COLUMN [email] NVARCHAR(10) NOT NULL;\n"),
        ["DD102"]
    );
    assert_eq!(
        codes("ALTER TABLE \"users\" ADD COLUMN \"age\" INTEGER NOT NULL;\n"),
        ["DD103"]
    );
    assert!(
        codes("ALTER TABLE \"users\" ADD COLUMN \"age\" INTEGER NOT NULL DEFAULT 0;\n").is_empty()
    );
    assert!(codes("ALTER TABLE \"users\" ADD COLUMN \"bio\" TEXT;\n").is_empty());
    assert_eq!(
        codes("CREATE UNIQUE INDEX \"uq\" ON \"users\" (\"email\");\n"),
        ["DD104"]
    );
    // A unique index on a table created in the same file holds no data yet.
    assert!(codes("CREATE TABLE \"users\" (\"id\" BIGINT);\nCREATE UNIQUE INDEX \"uq\" ON \"users\" (\"id\");\n").is_empty());
    assert_eq!(
        codes("CREATE TABLE \"_dbgen_new_users\" (\"id\" INTEGER);\n"),
        ["DD105"]
    );
}

#[test]
fn renames_are_backward_incompatible() {
    assert_eq!(
        codes("ALTER TABLE \"people\" RENAME TO \"users\";\n"),
        ["BC101"]
    );
    assert_eq!(codes("RENAME TABLE `people` TO `users`;\n"), ["BC101"]);
    assert_eq!(
        codes("ALTER TABLE \"users\" RENAME COLUMN \"mail\" TO \"email\";\n"),
        ["BC102"]
    );
    assert_eq!(
        codes("EXEC sp_rename N'users.mail', N'email', N'COLUMN';\n"),
        ["BC103"]
    );
}

#[test]
fn quotes_comments_and_strings_do_not_confuse_the_tokenizer() {
    assert!(codes("-- DROP TABLE \"x\";\nSELECT 'DROP TABLE y; --';\n").is_empty());
    assert!(codes("CREATE TABLE \"drop table\" (\"a;b\" TEXT);\n").is_empty());
    assert_eq!(
        codes("ALTER TABLE \"a\"\"b\" DROP COLUMN \"c\";\n"),
        ["DS102"]
    );
    assert_eq!(
        lint_sql("f", "ALTER TABLE \"a\"\"b\" DROP COLUMN \"c\";")[0].message,
        "drops column `a\"b.c` and its data"
    );
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
    let findings = lint_sql("m.up.sql", sql);
    assert_eq!(
        findings
            .iter()
            .map(|f| (f.statement, f.code))
            .collect::<Vec<_>>(),
        [(5, "DS101")],
        "{findings:?}"
    );
    assert!(findings[0].message.contains("`legacy`"), "{findings:?}");
}
