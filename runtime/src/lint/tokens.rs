//! A small SQL tokenizer for lint: words, quoted identifiers in all four
//! dialects' styles, string literals (PostgreSQL's dollar quotes
//! included), punctuation; `--` and `/* */` comments skipped; statements
//! split at `;` outside quotes and outside `BEGIN ... END` blocks (see
//! [`Blocks`], which `validate` shares).

use crate::dialect::Blocks;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Word(String),
    Ident(String),
    Str(String),
    Punct(char),
}

impl Token {
    /// Keywords compare upper-cased; identifiers and literals never match a keyword.
    pub fn upper(&self) -> String {
        match self {
            Token::Word(w) => w.to_ascii_uppercase(),
            Token::Ident(_) => "\u{1}ident".to_string(),
            Token::Str(_) => "\u{1}string".to_string(),
            Token::Punct(c) => c.to_string(),
        }
    }

    /// The name a word or identifier stands for.
    pub fn name(&self) -> String {
        match self {
            Token::Word(w) | Token::Ident(w) => w.clone(),
            Token::Str(s) => s.clone(),
            Token::Punct(c) => c.to_string(),
        }
    }
}

/// Statements of `sql`, each as tokens, empty ones dropped.
pub fn statements(sql: &str) -> Vec<Vec<Token>> {
    let tokens = tokenize(sql);
    let word = |at: usize| match tokens.get(at) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut blocks = Blocks::default();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct(';') if blocks.at_top() => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                continue;
            }
            Token::Word(w) => blocks.word(w, word(i + 1), word(i + 2)),
            _ => {}
        }
        current.push(token.clone());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The tokens of `sql`, comments and whitespace dropped.
fn tokenize(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let quoted = |i: &mut usize, close: char| {
        let mut text = String::new();
        *i += 1;
        while *i < chars.len() {
            if chars[*i] == close {
                if chars.get(*i + 1) == Some(&close) {
                    text.push(close);
                    *i += 2;
                    continue;
                }
                *i += 1;
                break;
            }
            text.push(chars[*i]);
            *i += 1;
        }
        text
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '$' if dollar_tag(&chars[i..]).is_some() => {
                let tag = dollar_tag(&chars[i..]).unwrap_or_default();
                i += tag.len();
                let start = i;
                while i < chars.len() && !chars[i..].starts_with(&tag) {
                    i += 1;
                }
                out.push(Token::Str(chars[start..i].iter().collect()));
                i += tag.len();
            }
            '\'' => out.push(Token::Str(quoted(&mut i, '\''))),
            '"' => out.push(Token::Ident(quoted(&mut i, '"'))),
            '`' => out.push(Token::Ident(quoted(&mut i, '`'))),
            '[' => out.push(Token::Ident(quoted(&mut i, ']'))),
            c if c.is_whitespace() => i += 1,
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
            c => {
                out.push(Token::Punct(c));
                i += 1;
            }
        }
    }
    out
}

/// The opening `$tag$` (or `$$`) of a dollar-quoted string at the start
/// of `chars`, as characters.
fn dollar_tag(chars: &[char]) -> Option<Vec<char>> {
    let end = chars
        .iter()
        .skip(1)
        .position(|&c| !(c.is_alphanumeric() || c == '_'))?
        + 1;
    let tag = &chars[..=end];
    // A tag does not start with a digit (`$1` is a placeholder).
    (chars[end] == '$' && !tag.get(1).is_some_and(char::is_ascii_digit)).then(|| tag.to_vec())
}
