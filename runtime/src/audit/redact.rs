//! Which values the audit log must not store in clear.
//!
//! A column is redacted when it is marked `#[column(sensitive)]` or when its
//! name looks like a secret. Names are split into words (at `_`, `-`, `.`,
//! spaces and lower→upper case changes) and matched word by word, so
//! `password_hash`, `apiKey` and `refresh_token` are secrets while
//! `input_tokens` and `tokenizer` are not. Inside JSON values, the same rule
//! applies to every object key, at any depth.

/// The text stored in place of a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Single words that make a name a secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "credentials",
    "apikey",
    "privatekey",
];

/// Two-word sequences that make a name a secret.
const SECRET_PAIRS: &[(&str, &str)] = &[("api", "key"), ("private", "key")];

/// Whether `name` looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| SECRET_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())))
}

/// The lower-case words of an identifier.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Replaces, at any depth, the value of every object key that looks like a
/// secret.
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_name(key) {
                    *item = serde_json::Value::String(REDACTED.into());
                } else {
                    redact_json(item);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_whole_words() {
        for secret in [
            "password",
            "password_hash",
            "supplierToken",
            "refresh_token",
            "api_key",
            "apiKey",
            "APIKey",
            "client_secret",
            "private_key",
            "db-credentials",
            "Passwd",
        ] {
            assert!(is_secret_name(secret), "{secret} should be a secret");
        }
        for plain in [
            "input_tokens",
            "tokenizer",
            "email",
            "keyboard",
            "api_version",
            "secretary_name",
            "private",
        ] {
            assert!(!is_secret_name(plain), "{plain} should not be a secret");
        }
    }

    #[test]
    fn nested_json_is_redacted_at_any_depth() {
        let mut v = serde_json::json!({
            "name": "x",
            "auth": {"api_key": "k", "scopes": ["a"], "inner": [{"password": "p", "input_tokens": 3}]},
        });
        redact_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "name": "x",
                "auth": {"api_key": "[REDACTED]", "scopes": ["a"], "inner": [{"password": "[REDACTED]", "input_tokens": 3}]},
            })
        );
    }
}
