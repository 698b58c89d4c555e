//! A database's schema as its catalog describes it, to compare a migrated
//! database with one created from nothing.

#![allow(clippy::panic, clippy::expect_used)] // test support: a failure here is the test failing

use dbgen::dialect::Dialect;

/// The catalog's description of every table, column, key, index, check
/// and comment of the connection's database (its schema on PostgreSQL),
/// one line each, sorted; columns by name, since a column added later is
/// placed last. Two databases with equal fingerprints have the same
/// schema as far as dbgen's models can tell.
pub fn fingerprint_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => {
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type \
             || coalesce('(' || character_maximum_length || ')', '') \
             || coalesce(' ' || numeric_precision || ',' || numeric_scale, '') \
             || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '-') \
             || ' identity=' || is_identity \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' \
             || pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE connamespace = current_schema()::regnamespace \
             UNION ALL SELECT 'index ' || indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() \
             UNION ALL SELECT 'comment ' || c.relname || coalesce('.' || a.attname, '') || ' ' \
             || d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid \
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid \
             AND d.objsubid > 0 WHERE c.relnamespace = current_schema()::regnamespace \
             ORDER BY 1"
        }
        Dialect::MySql => {
            "SELECT CAST(CONCAT('column ', table_name, '.', column_name, ' ', column_type, \
             ' nullable=', is_nullable, ' default=', COALESCE(column_default, '-'), \
             ' extra=', extra, ' generated=', COALESCE(generation_expression, ''), \
             ' comment=', column_comment) AS CHAR) \
             FROM information_schema.columns WHERE table_schema = DATABASE() \
             UNION ALL SELECT CAST(CONCAT('index ', table_name, '.', index_name, ' unique=', \
             1 - non_unique, ' ', seq_in_index, ' ', column_name) AS CHAR) \
             FROM information_schema.statistics WHERE table_schema = DATABASE() \
             UNION ALL SELECT CAST(CONCAT('constraint ', table_name, '.', constraint_name, ' ', \
             constraint_type) AS CHAR) FROM information_schema.table_constraints \
             WHERE constraint_schema = DATABASE() \
             UNION ALL SELECT CAST(CONCAT('check ', table_name, '.', constraint_name, ' ', \
             check_clause) AS CHAR) FROM information_schema.check_constraints \
             WHERE constraint_schema = DATABASE() \
             UNION ALL SELECT CAST(CONCAT('foreign key ', table_name, '.', constraint_name, ' -> ', \
             referenced_table_name, ' on delete ', delete_rule, ' on update ', update_rule) AS CHAR) \
             FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE() \
             UNION ALL SELECT CAST(CONCAT('table ', table_name, ' comment=', table_comment) AS CHAR) \
             FROM information_schema.tables WHERE table_schema = DATABASE() \
             ORDER BY 1"
        }
        // Constraint names and checks live only in the table's SQL text,
        // which differs between a created and an altered table: the checks
        // are cut out of it (see `sqlite_checks`).
        Dialect::Sqlite => {
            "SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' notnull=' \
             || p.\"notnull\" || ' default=' || coalesce(p.dflt_value, '-') || ' pk=' || p.pk \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             UNION ALL SELECT 'index ' || name || ' ' || coalesce(sql, '') FROM sqlite_master \
             WHERE type = 'index' \
             UNION ALL SELECT 'foreign key ' || m.name || '.' || f.\"from\" || ' -> ' \
             || f.\"table\" || '.' || f.\"to\" || ' on delete ' || f.on_delete \
             || ' on update ' || f.on_update \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' \
             UNION ALL SELECT 'table ' || name || ' ' || sql FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY 1"
        }
        Dialect::SqlServer => "",
    }
}

/// `check <table> <expression>` for each `CHECK (...)` in a SQLite table's
/// SQL (`<table> CREATE TABLE ...`).
fn sqlite_checks(table_sql: &str) -> Vec<String> {
    let (table, sql) = table_sql.split_once(' ').unwrap_or((table_sql, ""));
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(at) = rest.find("CHECK (") {
        let body = &rest[at + "CHECK ".len()..];
        let mut depth = 0usize;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push(format!("check {table} {}", &body[..end]));
        rest = &body[end..];
    }
    out.sort();
    out
}

/// The database's fingerprint (see [`fingerprint_sql`]).
pub async fn fingerprint<C, DB>(dialect: Dialect, conn: &mut C) -> Vec<String>
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    use sqlx::Row;
    sqlx::raw_sql(sqlx::AssertSqlSafe(fingerprint_sql(dialect)))
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{dialect}: fingerprint: {e}"))
        .iter()
        .map(|row| row.try_get::<String, _>(0).expect("a line of text"))
        .flat_map(|line| match line.strip_prefix("table ") {
            Some(table) if dialect == Dialect::Sqlite => sqlite_checks(table),
            _ => vec![line],
        })
        .map(|line| match dialect {
            Dialect::Sqlite => unquote_plain_names(&line),
            _ => line,
        })
        .collect()
}

/// SQLite keeps an index's and a check's SQL as written, and its column
/// rename writes the new name quoted wherever the rename statement quoted
/// it (dbgen always does): `a >= 0` and `"a" >= 0` are one expression, so
/// a name that needs no quotes is compared without them.
fn unquote_plain_names(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('"') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_end = after.find('"').unwrap_or(after.len());
        let name = &after[..name_end];
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !after[name_end..].starts_with("\"\"");
        if plain && name_end < after.len() {
            out.push_str(name);
            rest = &after[name_end + 1..];
        } else {
            out.push('"');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
