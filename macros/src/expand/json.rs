//! A minimal JSON writer: the derive emits each table definition as one
//! JSON string literal in the layout of `dbgen::schema::Table`'s serde form.

/// A JSON object under construction.
#[derive(Default)]
pub struct Object {
    text: String,
}

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    fn key(&mut self, key: &str) {
        self.text.push(if self.text.is_empty() { '{' } else { ',' });
        string(&mut self.text, key);
        self.text.push(':');
    }

    pub fn str(mut self, key: &str, value: &str) -> Object {
        self.key(key);
        string(&mut self.text, value);
        self
    }

    pub fn opt_str(self, key: &str, value: Option<&str>) -> Object {
        match value {
            Some(value) => self.str(key, value),
            None => self,
        }
    }

    pub fn bool(mut self, key: &str, value: bool) -> Object {
        self.key(key);
        self.text.push_str(if value { "true" } else { "false" });
        self
    }

    /// Writes `key: true` only when `value` (serde skips `false`).
    pub fn flag(self, key: &str, value: bool) -> Object {
        if value { self.bool(key, true) } else { self }
    }

    pub fn strs<'s>(mut self, key: &str, values: impl IntoIterator<Item = &'s str>) -> Object {
        self.key(key);
        self.text.push('[');
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            string(&mut self.text, value);
        }
        self.text.push(']');
        self
    }

    pub fn object(mut self, key: &str, value: Object) -> Object {
        self.key(key);
        self.text.push_str(&value.finish());
        self
    }

    pub fn objects(mut self, key: &str, values: impl IntoIterator<Item = Object>) -> Object {
        self.key(key);
        self.text.push('[');
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push_str(&value.finish());
        }
        self.text.push(']');
        self
    }

    pub fn finish(mut self) -> String {
        if self.text.is_empty() {
            self.text.push('{');
        }
        self.text.push('}');
        self.text
    }
}

fn string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
