//! The statements of a migration file as lint reads them: sqlparser's
//! tokens for the file's dialect, cut where `validate` cuts them (see
//! `dialect::check`), simplified to what the rules match on.

use sqlparser::tokenizer::Token as Sql;

use crate::dialect::{Dialect, SqlProblem};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A keyword or an unquoted name (or a number).
    Word(String),
    /// A quoted identifier.
    Ident(String),
    /// A string literal.
    Str(String),
    /// Anything else, as written: punctuation, operators, placeholders.
    Punct(String),
}

impl Token {
    /// Keywords compare upper-cased; identifiers and literals never match a keyword.
    pub fn upper(&self) -> String {
        match self {
            Token::Word(w) => w.to_ascii_uppercase(),
            Token::Ident(_) => "\u{1}ident".to_string(),
            Token::Str(_) => "\u{1}string".to_string(),
            Token::Punct(p) => p.clone(),
        }
    }

    /// The name a word or identifier stands for.
    pub fn name(&self) -> String {
        match self {
            Token::Word(w) | Token::Ident(w) | Token::Str(w) | Token::Punct(w) => w.clone(),
        }
    }
}

/// Statements of `sql` in `dialect`, each as tokens, empty ones dropped.
pub fn statements(dialect: Dialect, sql: &str) -> Result<Vec<Vec<Token>>, SqlProblem> {
    Ok(crate::dialect::statements(dialect, sql)?
        .into_iter()
        .map(|statement| statement.into_iter().map(simplify).collect())
        .collect())
}

fn simplify(token: Sql) -> Token {
    match token {
        Sql::Word(w) if w.quote_style.is_some() => Token::Ident(w.value),
        Sql::Word(w) => Token::Word(w.value),
        Sql::Number(n, _) => Token::Word(n),
        Sql::SingleQuotedString(s)
        | Sql::DoubleQuotedString(s)
        | Sql::EscapedStringLiteral(s)
        | Sql::NationalStringLiteral(s)
        | Sql::UnicodeStringLiteral(s)
        | Sql::HexStringLiteral(s) => Token::Str(s),
        Sql::DollarQuotedString(d) => Token::Str(d.value),
        other => Token::Punct(other.to_string()),
    }
}
