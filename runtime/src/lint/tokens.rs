//! A small SQL tokenizer for lint: words, quoted identifiers in all four
//! dialects' styles, string literals, punctuation; `--` comments skipped;
//! statements split at `;` outside quotes.

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
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut current = Vec::new();
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
            '\'' => current.push(Token::Str(quoted(&mut i, '\''))),
            '"' => current.push(Token::Ident(quoted(&mut i, '"'))),
            '`' => current.push(Token::Ident(quoted(&mut i, '`'))),
            '[' => current.push(Token::Ident(quoted(&mut i, ']'))),
            ';' => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                current.push(Token::Word(chars[start..i].iter().collect()));
            }
            c => {
                current.push(Token::Punct(c));
                i += 1;
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
