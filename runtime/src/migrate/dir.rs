//! The migration directory: sqlx's reversible file pairs
//! (`<version>_<name>.up.sql` / `.down.sql`), `dbgen.sum` over the up
//! files, and `dbgen.schema.json`, the schema the directory produces.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sum::{SumError, SumFile};
use crate::Error;
use crate::dialect::Dialect;
use crate::schema::{Schema, Table};

/// The integrity file.
pub const SUM_FILE: &str = "dbgen.sum";
/// The schema snapshot: the offline baseline of the next diff.
pub const SNAPSHOT_FILE: &str = "dbgen.schema.json";

/// The directory's `.gitattributes`: git keeps the files' bytes as they
/// are. A checkout that turned LF into CRLF (`core.autocrlf` on Windows)
/// would change every sum: `dbgen.sum` would no longer match, and sqlx
/// would refuse to run, finding the checksum of an applied migration
/// changed.
pub const GITATTRIBUTES: &str = "# Written by dbgen: migrations keep their bytes on every checkout, so that\n\
# dbgen.sum and sqlx's checksums match on every machine.\n\
*.sql -text\n\
dbgen.sum -text\n\
dbgen.schema.json -text\n";

/// One migration: a version with its up and down files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub name: String,
    pub up: PathBuf,
    pub down: Option<PathBuf>,
}

impl Migration {
    /// The up file's name, as the sum file lists it.
    pub fn up_file_name(&self) -> String {
        file_name(&self.up)
    }
}

/// A migration directory on disk.
#[derive(Debug, Clone)]
pub struct MigrationDir {
    path: PathBuf,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl MigrationDir {
    pub fn new(path: impl Into<PathBuf>) -> MigrationDir {
        MigrationDir { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every migration, by version. A missing directory has none. Files
    /// that look like migrations but are not named as sqlx expects, and up
    /// files without a down file, are errors.
    pub fn migrations(&self) -> Result<Vec<Migration>, Error> {
        let entries = match std::fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.path)(e)),
        };
        let mut ups: Vec<Migration> = Vec::new();
        let mut downs: Vec<(i64, PathBuf)> = Vec::new();
        for entry in entries {
            let path = entry.map_err(io(&self.path))?.path();
            let name = file_name(&path);
            if !name.ends_with(".sql") {
                continue;
            }
            let (stem, is_up) = if let Some(stem) = name.strip_suffix(".up.sql") {
                (stem, true)
            } else if let Some(stem) = name.strip_suffix(".down.sql") {
                (stem, false)
            } else {
                return Err(Error::MigrationName {
                    file: name.clone(),
                    why: "dbgen writes reversible migrations: name it <version>_<name>.up.sql with a matching .down.sql".into(),
                });
            };
            let (version, description) = parse_stem(stem).ok_or_else(|| Error::MigrationName {
                file: name.clone(),
                why: "expected <version>_<name>, the version being digits (e.g. 20250101120000_add_users)".into(),
            })?;
            if is_up {
                if let Some(other) = ups.iter().find(|m| m.version == version) {
                    return Err(Error::MigrationName {
                        file: name.clone(),
                        why: format!(
                            "version {version} is also used by {}; every migration needs its own version",
                            other.up_file_name()
                        ),
                    });
                }
                ups.push(Migration {
                    version,
                    name: description.to_string(),
                    up: path,
                    down: None,
                });
            } else {
                downs.push((version, path));
            }
        }
        for (version, path) in downs {
            match ups.iter_mut().find(|m| m.version == version) {
                Some(m) => m.down = Some(path),
                None => {
                    return Err(Error::MigrationName {
                        file: file_name(&path),
                        why: "this down file has no up file with the same version".into(),
                    });
                }
            }
        }
        ups.sort_by_key(|m| m.version);
        if let Some(m) = ups.iter().find(|m| m.down.is_none()) {
            return Err(Error::MigrationName {
                file: m.up_file_name(),
                why: "it has no .down.sql; add one (it may contain only a comment)".into(),
            });
        }
        Ok(ups)
    }

    /// The sum of the directory as it is now.
    pub fn compute_sum(&self) -> Result<SumFile, Error> {
        let migrations = self.migrations()?;
        let mut files = Vec::with_capacity(migrations.len());
        for m in &migrations {
            files.push((m.up_file_name(), std::fs::read(&m.up).map_err(io(&m.up))?));
        }
        Ok(SumFile::compute(
            files.iter().map(|(n, b)| (n.as_str(), b.as_slice())),
        ))
    }

    /// Rewrites `dbgen.sum` from the files.
    pub fn write_sum(&self) -> Result<(), Error> {
        let sum = self.compute_sum()?;
        self.write(SUM_FILE, &sum.to_text())
    }

    /// Checks the files against `dbgen.sum`; the error names the first
    /// file that differs and how.
    pub fn check_sum(&self) -> Result<(), Error> {
        let computed = self.compute_sum()?;
        let path = self.path.join(SUM_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return if computed.files.is_empty() {
                    Ok(())
                } else {
                    Err(Error::SumMismatch(format!("{} is missing", path.display())))
                };
            }
            Err(e) => return Err(io(&path)(e)),
        };
        let stored = SumFile::parse(&text).map_err(|e| {
            Error::SumMismatch(match e {
                SumError::Format(line) => {
                    format!("{SUM_FILE} line {line} is not `<file> h1:<hash>`")
                }
                SumError::Total => format!(
                    "{SUM_FILE} was edited: its first line does not match the lines below it"
                ),
            })
        })?;
        if stored == computed {
            return Ok(());
        }
        for i in 0..stored.files.len().max(computed.files.len()) {
            match (stored.files.get(i), computed.files.get(i)) {
                (Some((sn, sh)), Some((cn, ch))) if sn == cn && sh != ch => {
                    return Err(Error::SumMismatch(format!(
                        "{cn} was changed after it was written"
                    )));
                }
                (Some((sn, _)), Some((cn, _))) if sn != cn => {
                    let why = if stored.files.iter().any(|(n, _)| n == cn) {
                        format!("{sn} is missing")
                    } else {
                        format!(
                            "{cn} was added before existing migrations (out of order, e.g. from a merged branch)"
                        )
                    };
                    return Err(Error::SumMismatch(why));
                }
                (Some((sn, _)), None) => {
                    return Err(Error::SumMismatch(format!("{sn} is listed but missing")));
                }
                (None, Some((cn, _))) => {
                    return Err(Error::SumMismatch(format!("{cn} is not in {SUM_FILE}")));
                }
                _ => {}
            }
        }
        Err(Error::SumMismatch(format!(
            "{SUM_FILE} does not match the files"
        )))
    }

    /// The schema the directory produces: its snapshot, or an empty schema
    /// when it has neither a snapshot nor migrations. Migrations without a
    /// snapshot are an error: they produce a schema dbgen cannot know.
    pub fn snapshot(&self) -> Result<Schema, Error> {
        let path = self.path.join(SNAPSHOT_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Schema::from_json(&text).map_err(|e| Error::Snapshot {
                path,
                source: Box::new(e),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let count = self.migrations()?.len();
                if count == 0 {
                    Ok(Schema::default())
                } else {
                    Err(Error::MissingSnapshot {
                        dir: self.path.clone(),
                        count,
                        file: SNAPSHOT_FILE,
                    })
                }
            }
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Whether the directory has its schema snapshot.
    pub fn has_snapshot(&self) -> bool {
        self.path.join(SNAPSHOT_FILE).is_file()
    }

    /// The dialect the directory's SQL is written in, as its snapshot
    /// records it: `None` without a snapshot, or with one that does not say
    /// (written by hand, or before dbgen recorded it).
    pub fn dialect(&self) -> Result<Option<Dialect>, Error> {
        /// The snapshot's `dialect` alone; the tables are skipped unread.
        #[derive(Deserialize)]
        struct Recorded {
            #[serde(default)]
            dialect: Option<String>,
        }
        let path = self.path.join(SNAPSHOT_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        let snapshot_error = |source: Error| Error::Snapshot {
            path: path.clone(),
            source: Box::new(source),
        };
        let recorded: Recorded =
            serde_json::from_str(&text).map_err(|e| snapshot_error(Error::SchemaJson(e)))?;
        recorded
            .dialect
            .map(|name| name.parse::<Dialect>())
            .transpose()
            .map_err(snapshot_error)
    }

    /// Writes the snapshot: `schema`, and the `dialect` the directory's
    /// SQL is written in when it is known, so a later run for another
    /// engine is refused instead of adding its SQL to this directory.
    pub fn write_snapshot(&self, schema: &Schema, dialect: Option<Dialect>) -> Result<(), Error> {
        /// [`Schema`]'s layout with the dialect after the version.
        #[derive(Serialize)]
        struct File<'a> {
            format_version: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            dialect: Option<String>,
            tables: &'a [Table],
        }
        let file = File {
            format_version: schema.format_version,
            dialect: dialect.map(|d| d.to_string()),
            tables: &schema.tables,
        };
        // Plain data to a String: no failure path, as in `Schema::to_json`.
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        self.write(SNAPSHOT_FILE, &text)
    }

    /// The version for a migration written at `now` (`yyyymmddHHMMSS`, UTC):
    /// `now`, or one more than the newest existing version if that is not
    /// older (two diffs in one second, or a clock behind the directory).
    pub fn next_version(&self, now: i64) -> Result<i64, Error> {
        let newest = self.migrations()?.last().map(|m| m.version);
        match newest {
            Some(v) if v >= now => v.checked_add(1).ok_or_else(|| Error::MigrationName {
                file: format!("{v}_*.up.sql"),
                why: "its version is the largest there is, so no migration can follow it; rename it with a yyyymmddHHMMSS version".into(),
            }),
            _ => Ok(now),
        }
    }

    /// Writes a new pair and returns their paths.
    pub fn write_migration(
        &self,
        version: i64,
        name: &str,
        up: &str,
        down: &str,
    ) -> Result<(PathBuf, PathBuf), Error> {
        let name = clean_name(name);
        let up_path = self.path.join(format!("{version}_{name}.up.sql"));
        let down_path = self.path.join(format!("{version}_{name}.down.sql"));
        for path in [&up_path, &down_path] {
            if path.exists() {
                return Err(Error::MigrationName {
                    file: file_name(path),
                    why: "a file of that name already exists".into(),
                });
            }
        }
        self.write_gitattributes()?;
        self.write(&file_name(&up_path), up)?;
        if let Err(e) = self.write(&file_name(&down_path), down) {
            // An up file without its down would make the directory invalid.
            let _ = std::fs::remove_file(&up_path);
            return Err(e);
        }
        Ok((up_path, down_path))
    }

    /// Writes [`GITATTRIBUTES`] into the directory unless it has a
    /// `.gitattributes` of its own.
    fn write_gitattributes(&self) -> Result<(), Error> {
        if self.path.join(".gitattributes").exists() {
            return Ok(());
        }
        self.write(".gitattributes", GITATTRIBUTES)
    }

    /// Writes `name` whole or not at all: the text goes to a temporary file
    /// beside it, which then replaces it. A diff interrupted while writing
    /// leaves the old snapshot or sum, never half of the new one.
    fn write(&self, name: &str, text: &str) -> Result<(), Error> {
        std::fs::create_dir_all(&self.path).map_err(io(&self.path))?;
        let path = self.path.join(name);
        let temporary = self
            .path
            .join(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::write(&temporary, text)
            .map_err(io(&temporary))
            .and_then(|()| std::fs::rename(&temporary, &path).map_err(io(&path)));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    /// Removes a migration pair [`MigrationDir::write_migration`] wrote, when
    /// what had to follow it (the snapshot) could not be written: a pair the
    /// snapshot does not know would be generated again by the next diff.
    pub fn remove_migration(&self, up: &Path, down: &Path) {
        for path in [up, down] {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `<digits>_<rest>` -> (version, rest).
fn parse_stem(stem: &str) -> Option<(i64, &str)> {
    let (version, name) = stem.split_once('_')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version.parse().ok()?, name))
}

/// The longest name fragment kept: with the version and `.down.sql`, a
/// file name stays far below file systems' 255-byte limit.
const NAME_MAX: usize = 100;

/// A migration name as a file-name fragment: lower-case ASCII letters,
/// digits and `_`, at most [`NAME_MAX`] of them.
pub fn clean_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if out.len() >= NAME_MAX {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "schema".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> MigrationDir {
        let path = std::env::temp_dir().join(format!("dbgen-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        MigrationDir::new(path)
    }

    #[test]
    fn versions_never_collide() {
        let dir = scratch("versions");
        assert_eq!(dir.next_version(20250101000000).ok(), Some(20250101000000));
        let _ = dir.write_migration(20250101000000, "a", "SELECT 1;\n", "");
        assert_eq!(dir.next_version(20250101000000).ok(), Some(20250101000001));
        assert_eq!(dir.next_version(20240101000000).ok(), Some(20250101000001));
        assert_eq!(dir.next_version(20260101000000).ok(), Some(20260101000000));
        // A version at the top of the range has no successor: an error
        // that names the file, not an overflow.
        let _ = dir.write_migration(i64::MAX, "last", "SELECT 1;\n", "");
        let err = dir
            .next_version(20260101000000)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains(&i64::MAX.to_string()) && err.contains("rename"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(dir.path());
    }

    #[test]
    fn the_sum_catches_edits_and_out_of_order_files() {
        let dir = scratch("sum");
        let _ = dir.write_migration(2, "b", "B;\n", "");
        let _ = dir.write_migration(3, "c", "C;\n", "");
        assert!(dir.write_sum().is_ok());
        assert!(dir.check_sum().is_ok());
        let _ = std::fs::write(dir.path().join("2_b.up.sql"), "B edited;\n");
        let err = dir
            .check_sum()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("2_b.up.sql was changed"), "{err}");
        let _ = dir.write_sum();
        let _ = dir.write_migration(1, "a", "A;\n", "");
        let err = dir
            .check_sum()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("1_a.up.sql was added before existing migrations"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(dir.path());
    }

    #[test]
    fn names_must_be_sqlx_reversible_pairs() {
        let dir = scratch("names");
        let _ = std::fs::create_dir_all(dir.path());
        let _ = std::fs::write(dir.path().join("1_a.up.sql"), "");
        let err = dir
            .migrations()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("no .down.sql"), "{err}");
        let _ = std::fs::write(dir.path().join("1_a.down.sql"), "");
        let _ = std::fs::write(dir.path().join("v2_b.up.sql"), "");
        let err = dir
            .migrations()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("v2_b.up.sql") && err.contains("digits"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(dir.path());
        assert_eq!(clean_name("Add users & posts!"), "add_users_posts");
        assert_eq!(clean_name("  "), "schema");
        let long = clean_name(&"ab ".repeat(200));
        assert!(
            long.len() <= NAME_MAX && long.len() >= NAME_MAX - 1 && long.starts_with("ab_ab"),
            "{long}"
        );
        assert!(!long.ends_with('_'), "{long}");
        assert_eq!(clean_name(&"é".repeat(300)), "schema");
    }
}
