//! Several rows of one table as one vector of values, row after row: a
//! batch costs one allocation instead of one per row.

use crate::value::Value;

/// Rows of `width` values each, stored one after another.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    width: usize,
    values: Vec<Value>,
}

impl Rows {
    /// No rows yet, with room for `rows` of them.
    pub fn with_capacity(width: usize, rows: usize) -> Rows {
        Rows {
            width,
            values: Vec::with_capacity(width.saturating_mul(rows)),
        }
    }

    /// `values`, row after row.
    pub fn from_values(width: usize, values: Vec<Value>) -> Rows {
        Rows { width, values }
    }

    /// One row.
    pub fn one(row: Vec<Value>) -> Rows {
        Rows {
            width: row.len(),
            values: row,
        }
    }

    /// Each item written by `write` (which appends one row's values), the
    /// width taken from the first row.
    pub fn encode<T>(items: &[T], mut write: impl FnMut(&T, &mut Vec<Value>)) -> Rows {
        let mut rows = Rows::default();
        for (n, item) in items.iter().enumerate() {
            write(item, &mut rows.values);
            if n == 0 {
                rows.width = rows.values.len();
                rows.values.reserve(rows.width * (items.len() - 1));
            }
        }
        rows
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn len(&self) -> usize {
        self.values.len().checked_div(self.width).unwrap_or(0)
    }

    /// Each row's values.
    pub fn iter(&self) -> std::slice::ChunksExact<'_, Value> {
        self.values.chunks_exact(self.width.max(1))
    }

    /// Each row's values, to change in place.
    pub fn iter_mut(&mut self) -> std::slice::ChunksExactMut<'_, Value> {
        self.values.chunks_exact_mut(self.width.max(1))
    }

    pub fn first(&self) -> Option<&[Value]> {
        self.iter().next()
    }

    /// Appends a row (of this width).
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>) {
        self.values.extend(row);
    }

    /// Appends `other`'s rows.
    pub fn append(&mut self, other: Rows) {
        if self.values.is_empty() {
            self.width = other.width;
        }
        let mut other = other.values;
        self.values.append(&mut other);
    }

    /// The first row, when there is exactly one.
    pub fn into_one(self) -> Option<Vec<Value>> {
        (self.len() == 1).then_some(self.values)
    }

    /// The values, row after row.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// The next `rows` rows of `values` (rows of `width`), in order.
    pub fn take_front(values: &mut std::vec::IntoIter<Value>, width: usize, rows: usize) -> Rows {
        Rows {
            width,
            values: values.by_ref().take(width.saturating_mul(rows)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_cut_by_width() {
        let mut rows = Rows::encode(&[1i64, 2, 3], |n, out| {
            out.push(Value::I64(*n));
            out.push(Value::I64(n * 10));
        });
        assert_eq!((rows.width(), rows.len()), (2, 3));
        assert_eq!(
            rows.iter().nth(1),
            Some(&[Value::I64(2), Value::I64(20)][..])
        );
        for row in rows.iter_mut() {
            row[1] = Value::Null(crate::value::Kind::I64);
        }
        rows.append(Rows::one(vec![Value::I64(4), Value::I64(40)]));
        assert_eq!(rows.len(), 4);
        let mut values = rows.clone().into_values().into_iter();
        let front = Rows::take_front(&mut values, 2, 3);
        assert_eq!(front.len(), 3);
        assert_eq!(values.len(), 2);
        assert_eq!(Rows::default().len(), 0);
        assert!(Rows::default().iter().next().is_none());
        assert_eq!(
            Rows::one(vec![Value::I64(1)]).into_one(),
            Some(vec![Value::I64(1)])
        );
    }
}
