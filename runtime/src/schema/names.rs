//! Identifier rules and the naming convention of derived constraint names.
//!
//! Dependency-free and shared with `dbgen-macros` (`#[path]`): the derive
//! names indexes and constraints at compile time, and the migration engine
//! renames them when a table is renamed, so both must agree to the byte.

/// The longest identifier dbgen accepts, in bytes: PostgreSQL's limit, the
/// smallest of the supported engines (MySQL allows 64, SQL Server 128).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Why a name cannot be used as an SQL identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierProblem {
    /// The name is empty.
    Empty,
    /// The name is longer than [`MAX_IDENTIFIER_BYTES`].
    TooLong(usize),
    /// The name contains a NUL character.
    Nul,
}

impl IdentifierProblem {
    /// A sentence describing the problem and the fix.
    pub fn describe(self, what: &str, name: &str) -> String {
        match self {
            IdentifierProblem::Empty => format!("{what} name is empty; give it a name"),
            IdentifierProblem::TooLong(n) => format!(
                "{what} name `{name}` is {n} bytes long; the limit is {MAX_IDENTIFIER_BYTES} bytes (PostgreSQL's), so choose a shorter name"
            ),
            IdentifierProblem::Nul => {
                format!(
                    "{what} name contains a NUL character, which no database accepts; remove it"
                )
            }
        }
    }
}

/// Checks that `name` can be an identifier on every supported engine.
pub fn check_identifier(name: &str) -> Result<(), IdentifierProblem> {
    if name.is_empty() {
        Err(IdentifierProblem::Empty)
    } else if name.contains('\0') {
        Err(IdentifierProblem::Nul)
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        Err(IdentifierProblem::TooLong(name.len()))
    } else {
        Ok(())
    }
}

/// Name of a non-unique index on `columns` of `table`: `idx_<table>_<cols>`.
pub fn index_name(table: &str, columns: &[&str]) -> String {
    derived_name("idx", table, columns)
}

/// Name of a unique index on `columns` of `table`: `uq_<table>_<cols>`.
pub fn unique_name(table: &str, columns: &[&str]) -> String {
    derived_name("uq", table, columns)
}

/// Name of a foreign key from `columns` of `table`: `fk_<table>_<cols>`.
pub fn foreign_key_name(table: &str, columns: &[&str]) -> String {
    derived_name("fk", table, columns)
}

/// Name of the primary key constraint of `table`: `pk_<table>`.
pub fn primary_key_name(table: &str) -> String {
    derived_name("pk", table, &[])
}

/// `<prefix>_<table>[_<col>...]`, shortened to fit [`MAX_IDENTIFIER_BYTES`]
/// by keeping a prefix and appending a stable hash of the full name.
pub fn derived_name(prefix: &str, table: &str, columns: &[&str]) -> String {
    let mut full = format!("{prefix}_{table}");
    for column in columns {
        full.push('_');
        full.push_str(column);
    }
    shorten(&full)
}

/// Returns `name` unchanged when it fits, else a prefix of it followed by `_`
/// and 8 hex digits of its FNV-1a hash (cut on a character boundary).
pub fn shorten(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name.to_string();
    }
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    let mut keep = MAX_IDENTIFIER_BYTES - 9;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{hash:08x}", &name[..keep])
}

/// snake_case of a Rust type name: `BlogPost` -> `blog_post`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// English plural of a snake_case word, GORM-style: `category` -> `categories`,
/// `box` -> `boxes`, `user` -> `users`, `person` stays regular (`persons`).
pub fn pluralize(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let ends_with_consonant_y = lower.ends_with('y')
        && !matches!(
            lower.chars().rev().nth(1),
            Some('a' | 'e' | 'i' | 'o' | 'u')
        );
    if ends_with_consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// The default table name of a Rust struct: snake_case plural.
pub fn default_table_name(struct_name: &str) -> String {
    pluralize(&snake_case(struct_name))
}

/// The candidate nearest to `name` by edit distance, if any is close.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<String> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c.to_string())
}

/// Edit distance counting a swap of two neighbours as one edit
/// (`tabel` is one edit from `table`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}
