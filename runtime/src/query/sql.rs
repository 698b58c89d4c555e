//! Statement text with its bound values: identifiers quoted for the
//! dialect, every value a placeholder (`$n` on PostgreSQL, `?` elsewhere).

use crate::dialect::Dialect;
use crate::value::Value;

/// One statement being built.
#[derive(Debug, Clone)]
pub struct Sql {
    dialect: Dialect,
    text: String,
    /// Placeholders whose values the caller binds itself, ahead of
    /// `values` (see [`Sql::placeholder`]).
    external: usize,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Sql {
        Sql {
            dialect,
            text: String::with_capacity(128),
            external: 0,
            values: Vec::new(),
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Room for `values` more values and `text` more bytes of text.
    pub fn reserve(&mut self, values: usize, text: usize) {
        self.values.reserve(values);
        self.text.reserve(text);
    }

    /// Appends SQL text written by dbgen (or a caller's filter fragment).
    #[inline]
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a quoted identifier.
    pub fn ident(&mut self, name: &str) -> &mut Sql {
        self.dialect.quote_into(name, &mut self.text);
        self
    }

    /// Appends `"a", "b", ...`.
    pub fn idents<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) -> &mut Sql {
        for (i, name) in names.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.ident(name);
        }
        self
    }

    /// Appends `n` in decimal.
    pub fn number(&mut self, n: usize) -> &mut Sql {
        push_number(&mut self.text, n);
        self
    }

    /// Appends a placeholder and binds `value` to it.
    #[inline]
    pub fn bind(&mut self, value: Value) -> &mut Sql {
        self.values.push(value);
        self.push_placeholder(self.external + self.values.len());
        self
    }

    /// Appends a placeholder whose value the caller binds itself, before
    /// the values [`finish`](Sql::finish) returns (a batch's rows go
    /// straight into the driver's arguments). Comes before any
    /// [`bind`](Sql::bind).
    #[inline]
    pub fn placeholder(&mut self) -> &mut Sql {
        debug_assert!(self.values.is_empty(), "external placeholders come first");
        self.external += 1;
        self.push_placeholder(self.external);
        self
    }

    #[inline]
    fn push_placeholder(&mut self, n: usize) {
        match self.dialect {
            Dialect::Postgres => {
                self.text.push('$');
                push_number(&mut self.text, n);
            }
            Dialect::SqlServer => {
                self.text.push_str("@p");
                push_number(&mut self.text, n);
            }
            Dialect::MySql | Dialect::Sqlite => self.text.push('?'),
        }
    }

    /// The text and the values, in placeholder order.
    pub fn finish(self) -> (String, Vec<Value>) {
        (self.text, self.values)
    }

    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Appends `n` in decimal, with no string of its own (a batch INSERT has
/// one placeholder per value, and `write!` costs several times this).
/// Numbers below 10 000, every placeholder of all but the largest batches,
/// are written digit by digit without a loop.
fn push_number(text: &mut String, n: usize) {
    let digit = |d: usize| char::from(b'0' + (d % 10) as u8);
    match n {
        0..10 => text.push(digit(n)),
        10..100 => {
            text.push(digit(n / 10));
            text.push(digit(n));
        }
        100..1000 => {
            text.push(digit(n / 100));
            text.push(digit(n / 10));
            text.push(digit(n));
        }
        1000..10000 => {
            text.push(digit(n / 1000));
            text.push(digit(n / 100));
            text.push(digit(n / 10));
            text.push(digit(n));
        }
        _ => {
            let mut digits = [0u8; 20];
            let mut start = digits.len();
            let mut n = n;
            loop {
                start -= 1;
                digits[start] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            for &d in &digits[start..] {
                text.push(char::from(d));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_bound_by_the_caller_come_first() {
        let mut pg = Sql::new(Dialect::Postgres);
        pg.push("VALUES (").placeholder().push(", ").placeholder();
        pg.push(") RETURNING ").bind(Value::I64(9));
        let (text, values) = pg.finish();
        assert_eq!(text, "VALUES ($1, $2) RETURNING $3");
        assert_eq!(values, vec![Value::I64(9)]);
        let mut lite = Sql::new(Dialect::Sqlite);
        lite.placeholder().push(", ").bind(Value::I64(1));
        assert_eq!(lite.finish().0, "?, ?");
    }

    #[test]
    fn numbers_in_decimal() {
        for n in [
            0,
            7,
            9,
            10,
            99,
            100,
            999,
            1000,
            9999,
            10_000,
            12_345,
            1_000_000,
            usize::MAX,
        ] {
            let mut text = String::from("$");
            push_number(&mut text, n);
            assert_eq!(text, format!("${n}"));
        }
    }

    #[test]
    fn placeholders_per_dialect() {
        let mut pg = Sql::new(Dialect::Postgres);
        pg.push("SELECT ")
            .ident("a\"b")
            .push(" WHERE x = ")
            .bind(Value::I64(1));
        pg.push(" AND y = ").bind(Value::I64(2));
        assert_eq!(pg.text(), "SELECT \"a\"\"b\" WHERE x = $1 AND y = $2");
        let mut my = Sql::new(Dialect::MySql);
        my.ident("t`x").push(" = ").bind(Value::Bool(true));
        assert_eq!(my.text(), "`t``x` = ?");
        assert_eq!(my.finish().1, vec![Value::Bool(true)]);
    }

    #[test]
    fn placeholder_numbers() {
        let mut pg = Sql::new(Dialect::Postgres);
        for n in 0..10_000i64 {
            pg.bind(Value::I64(n));
        }
        let text = pg.text().to_string();
        let expected: String = (1..=10_000).map(|n| format!("${n}")).collect();
        assert_eq!(text, expected);
        let mut ms = Sql::new(Dialect::SqlServer);
        ms.bind(Value::I64(0));
        assert_eq!(ms.text(), "@p1");
    }
}
