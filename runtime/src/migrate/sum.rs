//! `dbgen.sum`: atlas.sum's format and algorithm over the `.up.sql` files.
//!
//! One SHA-256 runs over the files in order; after writing each file's
//! name and bytes, its current digest is that file's hash (so each hash
//! covers every file before it). The first line is `h1:` + the SHA-256 of
//! all `(name, hash)` pairs; then one `<name> h1:<hash>` line per file.
//! Hashes are standard base64.

use sha2::{Digest, Sha256};

/// The parsed or computed content of a sum file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumFile {
    /// `(file name, hash)` in directory order.
    pub files: Vec<(String, String)>,
}

/// Why a sum file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SumError {
    /// A line is not `<name> h1:<hash>`.
    Format(usize),
    /// The first line's total does not match the lines below it.
    Total,
}

impl SumFile {
    /// Hashes `(name, content)` pairs given in directory order.
    pub fn compute<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> SumFile {
        let mut running = Sha256::new();
        let mut out = Vec::new();
        for (name, bytes) in files {
            running.update(name.as_bytes());
            running.update(bytes);
            out.push((name.to_string(), base64(&running.clone().finalize())));
        }
        SumFile { files: out }
    }

    /// The total over every `(name, hash)` pair.
    pub fn total(&self) -> String {
        let mut sha = Sha256::new();
        for (name, hash) in &self.files {
            sha.update(name.as_bytes());
            sha.update(hash.as_bytes());
        }
        base64(&sha.finalize())
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut out = format!("h1:{}\n", self.total());
        for (name, hash) in &self.files {
            out.push_str(&format!("{name} h1:{hash}\n"));
        }
        out
    }

    /// Reads a sum file, checking its total against its lines.
    pub fn parse(text: &str) -> Result<SumFile, SumError> {
        let mut lines = text.lines();
        let total = lines
            .next()
            .unwrap_or_default()
            .trim_start_matches("h1:")
            .to_string();
        let mut files = Vec::new();
        for (i, line) in lines.enumerate() {
            let Some((name, hash)) = line.split_once("h1:") else {
                return Err(SumError::Format(i + 2));
            };
            files.push((name.trim().to_string(), hash.to_string()));
        }
        let sum = SumFile { files };
        if sum.total() != total {
            return Err(SumError::Total);
        }
        Ok(sum)
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn hashes_chain_over_previous_files() {
        let one = SumFile::compute([("1_a.up.sql", b"A".as_slice())]);
        let two = SumFile::compute([
            ("1_a.up.sql", b"A".as_slice()),
            ("2_b.up.sql", b"B".as_slice()),
        ]);
        assert_eq!(one.files[0], two.files[0]);
        // The second hash is SHA-256 of everything so far.
        let expected = base64(&Sha256::digest(b"1_a.up.sqlA2_b.up.sqlB"));
        assert_eq!(two.files[1].1, expected);
        let edited = SumFile::compute([
            ("1_a.up.sql", b"A!".as_slice()),
            ("2_b.up.sql", b"B".as_slice()),
        ]);
        assert_ne!(
            edited.files[1].1, two.files[1].1,
            "an edit changes every later hash"
        );
    }

    #[test]
    fn text_round_trips_and_a_tampered_total_is_refused() {
        let sum = SumFile::compute([
            ("1_a.up.sql", b"A".as_slice()),
            ("2_b.up.sql", b"B".as_slice()),
        ]);
        let text = sum.to_text();
        assert!(text.starts_with("h1:") && text.ends_with('\n'));
        assert_eq!(SumFile::parse(&text), Ok(sum));
        let tampered = text.replacen("2_b", "3_b", 1);
        assert_eq!(SumFile::parse(&tampered), Err(SumError::Total));
        assert_eq!(
            SumFile::parse("h1:x\nno hash here\n"),
            Err(SumError::Format(2))
        );
    }
}
