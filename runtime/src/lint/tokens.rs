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

/// One statement: its tokens, and the codes a `-- dbgen:nolint` comment
/// right before it leaves out.
pub struct Statement {
    pub tokens: Vec<Token>,
    pub nolint: Nolint,
    /// The columns a `-- dbgen:drops` comment right before it names, as
    /// written (a SQLite rebuild's copy leaves them out).
    pub drops: Option<String>,
}

/// What a statement's `-- dbgen:nolint` comment leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nolint {
    /// No such comment: every finding is reported.
    Nothing,
    /// `-- dbgen:nolint` alone: no finding is reported.
    All,
    /// `-- dbgen:nolint DS103 DD104`: these codes are not reported.
    Codes(Vec<&'static str>),
}

impl Nolint {
    pub fn allows(&self, code: &str) -> bool {
        match self {
            Nolint::Nothing => true,
            Nolint::All => false,
            Nolint::Codes(codes) => !codes.contains(&code),
        }
    }
}

pub use crate::dialect::NOLINT;

/// Statements of `sql` in `dialect`, empty ones dropped.
pub fn statements(dialect: Dialect, sql: &str) -> Result<Vec<Statement>, SqlProblem> {
    let cuts = crate::dialect::statements(dialect, sql)?;
    let mut out = Vec::with_capacity(cuts.len());
    for (i, cut) in cuts.into_iter().enumerate() {
        let mut nolint = Nolint::Nothing;
        let mut drops = None;
        for (comment, line) in &cut.comments {
            if let Some(rest) = comment.strip_prefix(crate::dialect::DROPS)
                && rest.starts_with([' ', '\t'])
            {
                let columns = rest.split_once(':').map_or(rest, |(columns, _why)| columns);
                drops = Some(columns.trim().to_string());
                continue;
            }
            let Some(rest) = comment.strip_prefix(NOLINT) else {
                continue;
            };
            if !(rest.is_empty() || rest.starts_with([' ', '\t', ':', ','])) {
                continue;
            }
            let codes = nolint_codes(rest).map_err(|message| SqlProblem {
                statement: i + 1,
                line: *line,
                message,
            })?;
            nolint = match (nolint, codes.is_empty()) {
                (_, true) | (Nolint::All, _) => Nolint::All,
                (Nolint::Nothing, false) => Nolint::Codes(codes),
                (Nolint::Codes(mut had), false) => {
                    had.extend(codes);
                    Nolint::Codes(had)
                }
            };
        }
        out.push(Statement {
            tokens: cut.tokens.into_iter().map(simplify).collect(),
            nolint,
            drops,
        });
    }
    Ok(out)
}

/// The codes after `dbgen:nolint`, separated by spaces or commas, up to
/// an optional `:` and a reason. A word there that is not a code lint
/// knows is an error: a typo must not leave the finding in, nor (read as
/// no code at all) leave every finding out.
fn nolint_codes(rest: &str) -> Result<Vec<&'static str>, String> {
    let listed = rest.split_once(':').map_or(rest, |(codes, _reason)| codes);
    let mut codes = Vec::new();
    for word in listed
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        match super::CODES.iter().find(|c| c.eq_ignore_ascii_case(word)) {
            Some(code) => codes.push(*code),
            None => {
                return Err(format!(
                    "`-- {NOLINT}` names `{word}`, which is not a lint code; known codes: {}. Write the codes, then a `:` before any reason (`-- {NOLINT} DS101: archived`), or `-- {NOLINT}` alone to leave out every finding of the statement",
                    super::CODES.join(", ")
                ));
            }
        }
    }
    Ok(codes)
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
