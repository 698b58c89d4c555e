//! Where a `;` ends a statement: not inside `BEGIN ... END` (a trigger's or
//! a routine's body, T-SQL blocks) or `CASE ... END`. Shared by the two
//! readers of migration files, `validate`'s parse check and `lint`, so
//! both count statements alike.

/// The block nesting at one point of a file, fed its unquoted words in
/// order.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    depth: usize,
    /// The `CASE` of `END CASE` closes; it opens nothing.
    skip_case: bool,
}

impl Blocks {
    /// Feeds one unquoted word, with the words after it (`None` for a
    /// `;`, the end of the file or anything that is not a word).
    pub(crate) fn word(&mut self, word: &str, next: Option<&str>, after: Option<&str>) {
        let is = |w: &str, keyword: &str| w.eq_ignore_ascii_case(keyword);
        if is(word, "CASE") && std::mem::take(&mut self.skip_case) {
            return;
        }
        self.skip_case = false;
        if is(word, "CASE") || (is(word, "BEGIN") && opens_block(next, after)) {
            self.depth += 1;
        } else if is(word, "END") {
            // `END IF`, `END LOOP`, ... close blocks whose opening words
            // are not counted.
            let uncounted = next.is_some_and(|n| {
                ["IF", "LOOP", "WHILE", "REPEAT", "FOR"]
                    .iter()
                    .any(|k| is(n, k))
            });
            if !uncounted {
                self.depth = self.depth.saturating_sub(1);
                self.skip_case = next.is_some_and(|n| is(n, "CASE"));
            }
        }
    }

    /// Whether a `;` here ends the statement.
    pub(crate) fn at_top(&self) -> bool {
        self.depth == 0
    }
}

/// Whether `BEGIN` followed by `next`, `after` opens a block (a trigger's
/// body, `BEGIN ATOMIC`, MariaDB's `BEGIN NOT ATOMIC`, T-SQL's `BEGIN TRY`)
/// rather than starting a transaction (`BEGIN;`, `BEGIN TRANSACTION`,
/// `BEGIN IMMEDIATE`, `BEGIN ISOLATION LEVEL ...`, `BEGIN NOT DEFERRABLE`).
fn opens_block(next: Option<&str>, after: Option<&str>) -> bool {
    const TRANSACTION: [&str; 10] = [
        "TRANSACTION",
        "TRAN",
        "WORK",
        "DEFERRED",
        "IMMEDIATE",
        "EXCLUSIVE",
        "ISOLATION",
        "READ",
        "DISTRIBUTED",
        "DEFERRABLE",
    ];
    match next {
        None => false,
        Some(n) if n.eq_ignore_ascii_case("NOT") => {
            !after.is_some_and(|a| a.eq_ignore_ascii_case("DEFERRABLE"))
        }
        Some(n) => !TRANSACTION.iter().any(|k| n.eq_ignore_ascii_case(k)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where each `;` of a word list (`;` as its own item) ends a statement.
    fn ends(words: &str) -> Vec<bool> {
        let words: Vec<&str> = words.split_whitespace().collect();
        let word = |i: usize| words.get(i).copied().filter(|w| *w != ";");
        let mut blocks = Blocks::default();
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if *w == ";" {
                out.push(blocks.at_top());
            } else {
                blocks.word(w, word(i + 1), word(i + 2));
            }
        }
        out
    }

    #[test]
    fn semicolons_inside_blocks_do_not_end_the_statement() {
        // SQLite trigger with a CASE inside its body.
        assert_eq!(
            ends("CREATE TRIGGER t BEGIN UPDATE y SET n = CASE WHEN a THEN b END ; END ; x ;"),
            [false, true, true]
        );
        // MySQL routine: END IF and END CASE close what they name.
        assert_eq!(
            ends("BEGIN NOT ATOMIC IF a THEN b ; END IF ; CASE x WHEN 1 THEN y ; END CASE ; END ;"),
            [false, false, false, false, true]
        );
        // T-SQL: nested blocks closed by two ENDs in a row.
        assert_eq!(
            ends("IF a BEGIN BEGIN TRY x ; END TRY BEGIN CATCH y ; END CATCH END ;"),
            [false, false, true]
        );
        // Transactions are not blocks.
        assert_eq!(ends("BEGIN ; x ; COMMIT ;"), [true, true, true]);
        assert_eq!(ends("BEGIN TRANSACTION ; x ;"), [true, true]);
        assert_eq!(ends("BEGIN NOT DEFERRABLE ; x ;"), [true, true]);
        assert_eq!(ends("begin immediate ; x ;"), [true, true]);
        // PostgreSQL's SQL-standard function body.
        assert_eq!(
            ends("CREATE FUNCTION f ( ) BEGIN ATOMIC x ; y ; END ;"),
            [false, false, true]
        );
        // A stray END does not go below the top.
        assert_eq!(ends("END ; x ;"), [true, true]);
    }
}
