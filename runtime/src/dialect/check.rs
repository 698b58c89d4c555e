//! Does a migration file parse for its dialect? (`cargo dbgen validate`)
//!
//! Uses sqlparser's grammar for each engine. A few statements that dbgen
//! emits and the engines accept lie outside sqlparser's grammar; they are
//! recognised by shape instead (see [`grammar_gap`]).
//!
//! A file is cut into statements by its tokens, not its lines: a `;`
//! inside a string, a comment, a dollar-quoted function body or a
//! trigger's `BEGIN ... END` does not end a statement, so hand-written
//! migrations (functions, triggers, several statements on one line) are
//! read as the engine reads them.

use sqlparser::dialect::{
    Dialect as Grammar, MsSqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

use super::{Blocks, Dialect};

/// A statement that did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlProblem {
    /// 1-based statement number.
    pub statement: usize,
    /// 1-based line of the file where the statement starts.
    pub line: u64,
    pub message: String,
}

/// Valid statements outside sqlparser's grammar, by dialect. Each is
/// documented engine syntax that dbgen renders.
pub fn grammar_gap(dialect: Dialect, statement: &str) -> bool {
    let s = statement.trim();
    match dialect {
        // T-SQL changes a column's type and nullability together, and adds
        // a default as a named constraint `FOR` the column.
        Dialect::SqlServer => {
            (s.starts_with("ALTER TABLE [")
                && s.contains("] ALTER COLUMN [")
                && s.ends_with(" NULL"))
                || (s.starts_with("ALTER TABLE [")
                    && s.contains(" ADD CONSTRAINT [")
                    && s.contains(" DEFAULT ")
                    && s.contains(" FOR ["))
        }
        // MySQL 5.7+/MariaDB 10.5+ `RENAME INDEX`, and the table comment option.
        Dialect::MySql => {
            s.starts_with("ALTER TABLE `")
                && (s.contains("` RENAME INDEX `") || s.contains("` COMMENT = '"))
        }
        // PostgreSQL 10+ `ALTER COLUMN ... DROP IDENTITY`, and an anonymous
        // code block (`DO $$ ... $$`) in a hand-written migration.
        Dialect::Postgres => {
            (s.starts_with("ALTER TABLE \"") && s.ends_with(" DROP IDENTITY IF EXISTS"))
                || is_do_block(s)
        }
        Dialect::Sqlite => false,
    }
}

/// `DO [LANGUAGE name] $tag$ ... $tag$` (PostgreSQL 9.0+).
fn is_do_block(s: &str) -> bool {
    let Some(rest) = s
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("DO "))
        .map(|_| &s[3..])
    else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = match rest.get(..9) {
        Some(p) if p.eq_ignore_ascii_case("LANGUAGE ") => {
            let after = rest[9..].trim_start();
            after
                .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_')
                .trim_start()
        }
        _ => rest,
    };
    rest.starts_with('$') && rest.ends_with('$')
}

pub(super) fn grammar(dialect: Dialect) -> Box<dyn Grammar> {
    match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::MySql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
        Dialect::SqlServer => Box::new(MsSqlDialect {}),
    }
}

/// Parses every statement of a file, as the engine would cut it into
/// statements (see the module documentation). Returns how many there were.
pub fn check_file(dialect: Dialect, sql: &str) -> Result<usize, SqlProblem> {
    let grammar = grammar(dialect);
    let tokens = tokenize(dialect, grammar.as_ref(), sql)?;
    let mut count = 0;
    for piece in split(&tokens) {
        let Some(first) = piece.iter().find(|t| !blank(&t.token)) else {
            continue;
        };
        let parsed = Parser::new(grammar.as_ref())
            .with_tokens_with_locations(piece.to_vec())
            .parse_statements();
        match parsed {
            Ok(statements) => count += statements.len(),
            Err(_) if grammar_gap(dialect, text(sql, piece)) || unchecked(piece) => count += 1,
            Err(error) => {
                return Err(SqlProblem {
                    statement: count + 1,
                    line: first.span.start.line,
                    message: format!(
                        "does not parse as {dialect} SQL: {error}; if the database accepts it, put `-- {UNCHECKED}` on the line before it"
                    ),
                });
            }
        }
    }
    Ok(count)
}

/// The tokens of a file for its dialect, whitespace and comments included.
fn tokenize(
    dialect: Dialect,
    grammar: &dyn Grammar,
    sql: &str,
) -> Result<Vec<TokenWithSpan>, SqlProblem> {
    let mut tokens = Vec::new();
    match Tokenizer::new(grammar, sql).tokenize_with_location_into_buf(&mut tokens) {
        Ok(()) => Ok(tokens),
        Err(error) => {
            // The statements before the one that does not tokenize (an
            // unterminated string or comment) are complete.
            let complete = split(&tokens)
                .iter()
                .filter(|p| significant(p))
                .count()
                .saturating_sub(usize::from(!ends_statement(&tokens)));
            Err(SqlProblem {
                statement: complete + 1,
                line: error.location.line,
                message: format!("does not parse as {dialect} SQL: {error}"),
            })
        }
    }
}

/// One statement of a file as `lint` reads it.
pub(crate) struct Cut {
    /// Its significant tokens: no whitespace, comments or closing `;`.
    pub tokens: Vec<Token>,
    /// The comments before it (after the statement before), each as its
    /// trimmed text and the 1-based line it starts on, in order.
    pub comments: Vec<(String, u64)>,
}

/// The statements of a file, cut as [`check_file`] cuts them. `lint`
/// reads these, so both commands read a file as its engine does: MySQL's
/// `#` comments and backslash escapes, PostgreSQL's dollar quotes and `E''`
/// strings, T-SQL's `[identifiers]`.
pub(crate) fn statements(dialect: Dialect, sql: &str) -> Result<Vec<Cut>, SqlProblem> {
    let tokens = tokenize(dialect, grammar(dialect).as_ref(), sql)?;
    Ok(split(&tokens)
        .into_iter()
        .filter_map(|piece| {
            piece.iter().find(|t| !blank(&t.token))?;
            let comments = piece
                .iter()
                .take_while(|t| matches!(t.token, Token::Whitespace(_)))
                .filter_map(|t| match &t.token {
                    Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                        Some((comment.trim().to_string(), t.span.start.line))
                    }
                    Token::Whitespace(Whitespace::MultiLineComment(comment)) => {
                        Some((comment.trim().to_string(), t.span.start.line))
                    }
                    _ => None,
                })
                .collect();
            Some(Cut {
                tokens: piece
                    .iter()
                    .filter(|t| !blank(&t.token))
                    .map(|t| t.token.clone())
                    .collect(),
                comments,
            })
        })
        .collect())
}

/// The comment that exempts the statement after it from parsing: for
/// engine syntax outside sqlparser's grammar in a hand-written migration.
pub const UNCHECKED: &str = "dbgen:unchecked";

/// Whether a `-- dbgen:unchecked` comment comes before the statement.
fn unchecked(piece: &[TokenWithSpan]) -> bool {
    piece
        .iter()
        .take_while(|t| matches!(t.token, Token::Whitespace(_)))
        .any(|t| {
            matches!(&t.token, Token::Whitespace(Whitespace::SingleLineComment { comment, .. })
                if comment.trim() == UNCHECKED)
        })
}

/// Whitespace, a comment or a lone `;`.
fn blank(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_) | Token::SemiColon | Token::EOF)
}

fn significant(piece: &[TokenWithSpan]) -> bool {
    piece.iter().any(|t| !blank(&t.token))
}

/// Whether the last significant token is a `;`.
fn ends_statement(tokens: &[TokenWithSpan]) -> bool {
    tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
        .is_none_or(|t| t.token == Token::SemiColon)
}

/// Cuts the tokens into statements, each with its closing `;` (see
/// [`Blocks`] for the `;` that close none).
fn split(tokens: &[TokenWithSpan]) -> Vec<&[TokenWithSpan]> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let word = |at: Option<&usize>| match at.map(|&i| &tokens[i].token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.as_str()),
        _ => None,
    };
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut blocks = Blocks::default();
    for (n, &i) in significant.iter().enumerate() {
        match &tokens[i].token {
            Token::SemiColon if blocks.at_top() => {
                pieces.push(&tokens[start..=i]);
                start = i + 1;
            }
            Token::Word(w) if w.quote_style.is_none() => blocks.word(
                &w.value,
                word(significant.get(n + 1)),
                word(significant.get(n + 2)),
            ),
            _ => {}
        }
    }
    if start < tokens.len() {
        pieces.push(&tokens[start..]);
    }
    pieces
}

/// The text of a statement, without its `;` and surrounding blanks.
fn text<'s>(sql: &'s str, piece: &[TokenWithSpan]) -> &'s str {
    let mut significant = piece.iter().filter(|t| {
        !matches!(
            t.token,
            Token::Whitespace(_) | Token::SemiColon | Token::EOF
        )
    });
    let (Some(first), last) = (significant.next(), significant.next_back()) else {
        return "";
    };
    let end = last.unwrap_or(first).span.end;
    let (start, end) = (offset(sql, first.span.start), offset(sql, end));
    sql.get(start..end).unwrap_or("")
}

/// The byte offset of a tokenizer location (1-based line and column, the
/// column counted in characters).
fn offset(sql: &str, at: Location) -> usize {
    let mut line = 1;
    let mut column = 1;
    for (i, c) in sql.char_indices() {
        if line == at.line && column == at.column {
            return i;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    sql.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(dialect: Dialect, sql: &str) -> usize {
        check_file(dialect, sql).unwrap_or_else(|p| panic!("{dialect}: {sql}\n{p:?}")) // ok: test helper; a failed check is the test failing
    }

    #[test]
    fn hand_written_statements_are_cut_where_the_engine_cuts_them() {
        // A function body with `;` at line ends, in dollar quotes.
        let function = "CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n\
            CREATE TRIGGER t BEFORE UPDATE ON \"users\" FOR EACH ROW EXECUTE FUNCTION touch();\n";
        assert_eq!(ok(Dialect::Postgres, function), 2);
        // `;` and a line break inside a string; a comment holding `;`.
        let data = "UPDATE \"users\" SET \"bio\" = 'a;\nb'; -- one; two\nUPDATE \"users\" SET \"n\" = 1; UPDATE \"users\" SET \"m\" = 2;\n/* x;\ny; */\n";
        assert_eq!(ok(Dialect::Postgres, data), 3);
        // A trigger's body, with a CASE inside it.
        let trigger = "CREATE TRIGGER t AFTER INSERT ON x BEGIN\n  UPDATE y SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;\n  UPDATE z SET m = 1;\nEND;\nUPDATE x SET a = 1;\n";
        assert_eq!(ok(Dialect::Sqlite, trigger), 2);
        assert_eq!(
            ok(
                Dialect::MySql,
                "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1;\n"
            ),
            1
        );
        // Transactions are not blocks.
        assert_eq!(
            ok(Dialect::Sqlite, "BEGIN;\nUPDATE x SET a = 1;\nCOMMIT;\n"),
            3
        );
        assert_eq!(
            ok(
                Dialect::Postgres,
                "BEGIN ISOLATION LEVEL SERIALIZABLE;\nUPDATE x SET a = 1;\nCOMMIT;\n"
            ),
            3
        );
        // An anonymous PostgreSQL block, outside sqlparser's grammar.
        assert_eq!(
            ok(
                Dialect::Postgres,
                "DO $$ BEGIN PERFORM 1; END $$;\nDO LANGUAGE plpgsql $body$ BEGIN NULL; END $body$;\n"
            ),
            2
        );
        // The last statement may omit its `;`.
        assert_eq!(
            ok(
                Dialect::Postgres,
                "UPDATE x SET a = 1;\nUPDATE x SET b = 2\n"
            ),
            2
        );
        assert_eq!(ok(Dialect::Postgres, "-- nothing here\n"), 0);
    }

    #[test]
    fn a_statement_that_does_not_parse_is_named_by_number_and_line() {
        let sql = "UPDATE x SET a = 1;\n\n-- a comment\nSELEC 1;\nUPDATE x SET b = 2;\n";
        let problem = check_file(Dialect::Postgres, sql).expect_err("SELEC");
        assert_eq!((problem.statement, problem.line), (2, 4), "{problem:?}");
        assert!(problem.message.contains("SELEC"), "{problem:?}");
        // Locations are the file's, not the statement's.
        assert!(problem.message.contains("Line: 4"), "{problem:?}");
        assert!(
            problem.message.contains("-- dbgen:unchecked"),
            "{problem:?}"
        );
        let unterminated = "UPDATE x SET a = 1;\nUPDATE x SET b = 'open;\n";
        let problem = check_file(Dialect::Postgres, unterminated).expect_err("open string");
        assert_eq!(problem.statement, 2, "{problem:?}");
        assert!(problem.message.contains("Unterminated"), "{problem:?}");
        // The comment exempts the statement after it, and only that one.
        let exempt = "UPDATE x SET a = 1;\n-- dbgen:unchecked\nSELEC 1;\n";
        assert_eq!(ok(Dialect::Postgres, exempt), 2);
        let next = "-- dbgen:unchecked\nUPDATE x SET a = 1;\nSELEC 1;\n";
        assert_eq!(
            check_file(Dialect::Postgres, next).map_err(|p| p.statement),
            Err(2)
        );
        // T-SQL's `GO` is a client's batch separator, not SQL.
        let go = check_file(Dialect::SqlServer, "UPDATE [x] SET [a] = 1;\nGO\n").expect_err("GO");
        assert_eq!((go.statement, go.line), (2, 2), "{go:?}");
    }

    #[test]
    fn statement_text_is_cut_from_the_file() {
        let sql = "  ALTER TABLE \"t\" ALTER COLUMN \"é\" DROP IDENTITY IF EXISTS;\n";
        let grammar = grammar(Dialect::Postgres);
        let tokens = Tokenizer::new(grammar.as_ref(), sql)
            .tokenize_with_location()
            .expect("tokens"); // ok: test code over a fixed, well-formed statement
        let pieces = split(&tokens);
        assert_eq!(
            text(sql, pieces[0]),
            "ALTER TABLE \"t\" ALTER COLUMN \"é\" DROP IDENTITY IF EXISTS"
        );
        assert_eq!(ok(Dialect::Postgres, sql), 1);
    }
}
