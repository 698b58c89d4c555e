//! `cargo dbgen diff/new/validate/hash` end to end on a copy of the blog
//! example whose models are edited between diffs.

#![allow(clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cargo_dbgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-dbgen"))
        .arg("dbgen")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target"))
        .output()
        .expect("cargo-dbgen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(path: &Path, content: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, content).expect("write");
}

/// A copy of `examples/blog` as its own package, with a fresh migrations dir.
fn blog_copy(name: &str) -> PathBuf {
    let root = workspace();
    let dir = root.join("target").join("dbgen-cli-tests").join(name);
    let _ = std::fs::remove_dir_all(dir.join("migrations"));
    let profiles = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.find("[profile.").map(|i| t[i..].to_string()))
        .unwrap_or_default();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ndbgen = {{ path = {:?} }}\nchrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"clock\"] }}\n\
             rust_decimal = {{ version = \"1\", default-features = false, features = [\"std\"] }}\n\n[workspace]\n\n{profiles}",
            root.join("runtime").canonicalize().expect("runtime dir")
        ),
    );
    let src = root.join("examples/blog/src");
    for file in [
        "lib.rs",
        "models/mod.rs",
        "models/user.rs",
        "models/post.rs",
        "models/product.rs",
        "models/category.rs",
    ] {
        let content = std::fs::read_to_string(src.join(file)).expect("blog source");
        write(&dir.join("src").join(file), &content);
    }
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    dir
}

fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn read_up(dir: &Path, index: usize) -> String {
    let ups: Vec<String> = migration_files(dir)
        .into_iter()
        .filter(|n| n.ends_with(".up.sql"))
        .collect();
    std::fs::read_to_string(dir.join("migrations").join(&ups[index])).expect("up file")
}

#[test]
fn diff_edit_rename_and_validate() {
    let dir = blog_copy("blog_diff");

    // First diff: every table.
    let first = cargo_dbgen(&dir, &["diff", "init"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let init = read_up(&dir, 0);
    for table in ["audit_logs", "categories", "posts", "products", "users"] {
        assert!(
            init.contains(&format!("CREATE TABLE \"{table}\"")),
            "{table} missing:\n{init}"
        );
    }

    // Git keeps the files' bytes (no CRLF on a Windows checkout, which
    // would change every sum).
    let attributes = std::fs::read_to_string(dir.join("migrations/.gitattributes"))
        .expect("the directory's .gitattributes");
    assert_eq!(attributes, dbgen::migrate::GITATTRIBUTES);
    let up_name = migration_files(&dir)
        .into_iter()
        .find(|n| n.ends_with(".up.sql"))
        .expect("an up file");
    // A repository of its own, so git reads the directory's attributes
    // wherever the tests run.
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&dir)
        .status()
        .expect("git init");
    assert!(init.success());
    let checked = Command::new("git")
        .args(["check-attr", "text", "--"])
        .arg(format!("migrations/{up_name}"))
        .current_dir(&dir)
        .output()
        .expect("git check-attr");
    assert!(
        text(&checked.stdout).ends_with(": text: unset\n"),
        "{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );

    // Second diff: nothing to do, nothing written.
    let before = migration_files(&dir);
    let second = cargo_dbgen(&dir, &["diff"]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        text(&second.stdout).contains("nothing to do"),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(migration_files(&dir), before);

    // Edit the User model: add a column, rename a field, add an index.
    let user = dir.join("src/models/user.rs");
    let source = std::fs::read_to_string(&user).expect("user.rs");
    let edited = source
        .replace(
            "    #[column(size = 100)]\n    pub display_name: String,",
            "    #[column(size = 100, renamed_from = \"display_name\")]\n    pub full_name: String,\n    pub nickname: Option<String>,",
        )
        .replace("    #[column(default = \"false\")]\n    pub is_admin: bool,", "    #[column(default = \"false\", index)]\n    pub is_admin: bool,");
    assert_ne!(edited, source, "the edit applies");
    write(&user, &edited);

    // The same state gives byte-identical output.
    let dry_one = cargo_dbgen(&dir, &["diff", "--dry-run"]);
    let dry_two = cargo_dbgen(&dir, &["diff", "--dry-run"]);
    assert!(dry_one.status.success(), "{}", text(&dry_one.stderr));
    assert_eq!(dry_one.stdout, dry_two.stdout);
    assert_eq!(migration_files(&dir), before, "--dry-run writes nothing");

    let third = cargo_dbgen(&dir, &["diff", "edit_users"]);
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert_eq!(
        migration_files(&dir).len(),
        before.len() + 2,
        "one new pair"
    );
    let up = read_up(&dir, 1);
    assert!(
        up.contains("RENAME COLUMN \"display_name\" TO \"full_name\""),
        "{up}"
    );
    assert!(up.contains("ADD COLUMN \"nickname\" TEXT"), "{up}");
    assert!(up.contains("CREATE INDEX \"idx_users_is_admin\""), "{up}");
    assert!(!up.contains("DROP"), "a rename must not drop: {up}");
    // The new snapshot is the models' schema without rename hints.
    let snapshot = std::fs::read_to_string(dir.join("migrations/dbgen.schema.json"))
        .expect("the snapshot is written");
    assert!(snapshot.contains("\"full_name\""), "{snapshot}");
    assert!(snapshot.contains("\"nickname\""), "{snapshot}");
    assert!(!snapshot.contains("renamed_from"), "{snapshot}");

    // The directory validates; a hand edit makes validate fail with exit 1.
    let valid = cargo_dbgen(&dir, &["validate"]);
    assert!(valid.status.success(), "{}", text(&valid.stderr));
    let ups: Vec<String> = migration_files(&dir)
        .into_iter()
        .filter(|n| n.ends_with(".up.sql"))
        .collect();
    let first_up = dir.join("migrations").join(&ups[0]);
    let original = std::fs::read_to_string(&first_up).expect("up");
    std::fs::write(&first_up, format!("{original}-- hand edit\n")).expect("edit");
    let invalid = cargo_dbgen(&dir, &["validate"]);
    assert_eq!(invalid.status.code(), Some(1), "{}", text(&invalid.stderr));
    assert!(
        text(&invalid.stderr).contains("was changed after it was written"),
        "{}",
        text(&invalid.stderr)
    );
    assert!(text(&invalid.stderr).contains("cargo dbgen hash"));
    // diff refuses to build on an invalid directory, too.
    assert_eq!(cargo_dbgen(&dir, &["diff"]).status.code(), Some(1));
    // After review, `hash` accepts the edit.
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    assert!(cargo_dbgen(&dir, &["validate"]).status.success());
    // A statement that does not parse is named; the hint is to fix the
    // file, since hashing would not make it valid.
    std::fs::write(&first_up, format!("{original}SELEC 1;\n")).expect("edit");
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    let broken = cargo_dbgen(&dir, &["validate"]);
    let stderr = text(&broken.stderr);
    assert_eq!(broken.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("does not parse as"), "{stderr}");
    assert!(
        stderr.contains("hint: fix the file named above"),
        "{stderr}"
    );
    std::fs::write(&first_up, &original).expect("restore");
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    assert!(cargo_dbgen(&dir, &["validate"]).status.success());

    // Lint: the rename is a warning, not an error.
    let lint = cargo_dbgen(&dir, &["lint", "--latest", "1"]);
    assert!(
        lint.status.success(),
        "{}{}",
        text(&lint.stdout),
        text(&lint.stderr)
    );
    assert!(
        text(&lint.stdout).contains("warning: ") && text(&lint.stdout).contains("BC102"),
        "{}",
        text(&lint.stdout)
    );

    // Dropping a field: prod skips drops by policy; dev writes the drop,
    // which lint reports as an error (exit 1) unless the policy says warn.
    write(
        &user,
        &edited.replace("    pub nickname: Option<String>,\n", ""),
    );
    write(
        &dir.join("dbgen.toml"),
        "[env.prod]\ndiff.skip = [\"drop_column\"]\n\n[env.dev]\n",
    );
    let skipped = cargo_dbgen(&dir, &["diff", "--env", "prod", "--dry-run"]);
    assert!(skipped.status.success(), "{}", text(&skipped.stderr));
    assert!(
        text(&skipped.stdout).contains("nothing to do"),
        "{}",
        text(&skipped.stdout)
    );
    assert!(
        text(&skipped.stderr).contains("skipped by policy (diff.skip): drop_column"),
        "{}",
        text(&skipped.stderr)
    );
    // diff.skip takes drops only: skipping an addition would leave the
    // database without what the models need.
    write(
        &dir.join("dbgen.toml"),
        "[env.prod]\ndiff.skip = [\"add_column\"]\n\n[env.dev]\n",
    );
    let refused = cargo_dbgen(&dir, &["diff", "--env", "prod", "--dry-run"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr)
            .contains("[env.prod]: `add_column` in diff.skip is not a kind of drop"),
        "{}",
        text(&refused.stderr)
    );
    write(
        &dir.join("dbgen.toml"),
        "[env.prod]\ndiff.skip = [\"drop_column\"]\n\n[env.dev]\n",
    );
    let drop = cargo_dbgen(&dir, &["diff", "drop_nickname"]);
    assert!(drop.status.success(), "{}", text(&drop.stderr));
    let lint = cargo_dbgen(&dir, &["lint"]);
    assert_eq!(lint.status.code(), Some(1), "{}", text(&lint.stdout));
    assert!(
        text(&lint.stdout).contains("error: ") && text(&lint.stdout).contains("DS102"),
        "{}",
        text(&lint.stdout)
    );
    assert!(
        text(&lint.stdout).contains("DS105"),
        "the irreversible down is flagged: {}",
        text(&lint.stdout)
    );
    write(
        &dir.join("dbgen.toml"),
        "[env.dev]\nlint.destructive = \"warn\"\n",
    );
    assert!(cargo_dbgen(&dir, &["lint"]).status.success());
    // A file lint cannot read to its end is an error, not a clean pass.
    let newest = migration_files(&dir)
        .into_iter()
        .filter(|f| f.ends_with(".up.sql"))
        .max()
        .expect("an up file");
    let newest = dir.join("migrations").join(newest);
    let reviewed = std::fs::read_to_string(&newest).expect("newest up");
    std::fs::write(
        &newest,
        format!("UPDATE \"users\" SET \"bio\" = 'open;\n{reviewed}"),
    )
    .expect("edit");
    let unread = cargo_dbgen(&dir, &["lint"]);
    let stderr = text(&unread.stderr);
    assert_eq!(unread.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("statement 1 (line 1)") && stderr.contains("nothing after it was linted"),
        "{stderr}"
    );
    std::fs::write(&newest, reviewed).expect("restore");
    let _ = std::fs::remove_file(dir.join("dbgen.toml"));

    // A file that does not parse for the dialect fails validate (after hash).
    let broken = dir.join("migrations").join(&ups[0]);
    let good = std::fs::read_to_string(&broken).expect("up");
    std::fs::write(&broken, format!("{good}CREAT TABLE oops (;\n")).expect("edit");
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    let unparsable = cargo_dbgen(&dir, &["validate"]);
    assert_eq!(
        unparsable.status.code(),
        Some(1),
        "{}",
        text(&unparsable.stderr)
    );
    assert!(
        text(&unparsable.stderr).contains("does not parse as sqlite SQL"),
        "{}",
        text(&unparsable.stderr)
    );
    std::fs::write(&broken, good).expect("restore");
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    assert!(cargo_dbgen(&dir, &["validate"]).status.success());

    // `new` adds an empty pair for hand-written SQL and keeps the sum valid.
    let new = cargo_dbgen(&dir, &["new", "Backfill names"]);
    assert!(new.status.success(), "{}", text(&new.stderr));
    assert!(
        migration_files(&dir)
            .iter()
            .any(|n| n.ends_with("_backfill_names.up.sql"))
    );
    assert!(cargo_dbgen(&dir, &["validate"]).status.success());
}

#[test]
fn the_blog_examples_migrations_match_its_models() {
    let blog = workspace().join("examples/blog");
    let valid = cargo_dbgen(&blog, &["validate"]);
    assert!(valid.status.success(), "{}", text(&valid.stderr));
    let diff = cargo_dbgen(&blog, &["diff", "--dry-run"]);
    assert!(diff.status.success(), "{}", text(&diff.stderr));
    assert!(
        text(&diff.stdout).contains("nothing to do"),
        "examples/blog/migrations is behind its models; run `cargo dbgen diff` in examples/blog:\n{}",
        text(&diff.stdout)
    );
}

#[test]
fn a_hand_written_first_migration_keeps_the_baseline() {
    let dir = blog_copy("blog_new_first");

    // `new` before any `diff`: the name typed cannot end the comment line.
    let new = cargo_dbgen(&dir, &["new", "seed\nDROP TABLE users;"]);
    assert!(new.status.success(), "{}", text(&new.stderr));
    let up = read_up(&dir, 0);
    assert!(
        up.lines().all(|l| l.starts_with("--")),
        "only comments in the new file:\n{up}"
    );
    assert!(dir.join("migrations/dbgen.schema.json").is_file());

    // `diff` still knows where the directory stands: every table is new.
    let first = cargo_dbgen(&dir, &["diff", "init"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(read_up(&dir, 1).contains("CREATE TABLE \"users\""));

    // Without the snapshot, the migrations' schema is unknown: `diff`
    // refuses rather than create every table again, and says what to do.
    let snapshot = dir.join("migrations/dbgen.schema.json");
    let saved = std::fs::read_to_string(&snapshot).expect("snapshot");
    std::fs::remove_file(&snapshot).expect("remove");
    let before = migration_files(&dir);
    let missing = cargo_dbgen(&dir, &["diff"]);
    let stderr = text(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("has 2 migration(s) but no dbgen.schema.json"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: restore dbgen.schema.json"),
        "{stderr}"
    );
    assert_eq!(migration_files(&dir), before, "nothing written");

    // A damaged snapshot is named, with the same remedy.
    std::fs::write(&snapshot, &saved[..saved.len() / 2]).expect("truncate");
    let damaged = cargo_dbgen(&dir, &["diff"]);
    let stderr = text(&damaged.stderr);
    assert_eq!(damaged.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("dbgen.schema.json (the schema the migrations produce) cannot be read"),
        "{stderr}"
    );
    // The parser's message is said once, not again as its own cause.
    assert_eq!(stderr.matches("EOF while parsing").count(), 1, "{stderr}");

    // A snapshot that lists a table twice, as a bad merge of two branches
    // can leave it, is refused: diffing against it dropped that table.
    let mut doubled: serde_json::Value = serde_json::from_str(&saved).expect("json");
    let users = doubled["tables"]
        .as_array()
        .and_then(|tables| tables.iter().find(|t| t["name"] == "users"))
        .cloned()
        .expect("the users table");
    doubled["tables"]
        .as_array_mut()
        .expect("tables")
        .push(users);
    std::fs::write(&snapshot, doubled.to_string()).expect("write");
    let listed = migration_files(&dir);
    let merged = cargo_dbgen(&dir, &["diff"]);
    let stderr = text(&merged.stderr);
    assert_eq!(merged.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not consistent: table `users` is listed twice"),
        "{stderr}"
    );
    assert_eq!(migration_files(&dir), listed, "nothing written");

    // A newest migration file that is not UTF-8 makes the directory invalid
    // (exit 1) for validate and lint alike, even once hashed.
    let hand = dir.join("migrations").join(
        migration_files(&dir)
            .into_iter()
            .rfind(|n| n.ends_with(".up.sql"))
            .expect("an up file"),
    );
    let written = std::fs::read(&hand).expect("read");
    std::fs::write(&hand, [&written[..], b"-- caf\xe9\n"].concat()).expect("write");
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    for verb in ["validate", "lint"] {
        let output = cargo_dbgen(&dir, &[verb]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{verb}: {stderr}");
        assert!(stderr.contains("save it as UTF-8"), "{verb}: {stderr}");
    }
    std::fs::write(&hand, &written).expect("restore");
    assert!(cargo_dbgen(&dir, &["hash"]).status.success());
    std::fs::write(&snapshot, &saved).expect("restore");
    let again = cargo_dbgen(&dir, &["diff"]);
    assert!(
        text(&again.stdout).contains("nothing to do"),
        "{}",
        text(&again.stderr)
    );
}

/// A migration directory holds one engine's SQL: its snapshot records the
/// dialect, a run for another engine on it is refused before anything is
/// written, and a verb with no dialect configured reads the directory's.
#[test]
fn one_directory_holds_one_engines_migrations() {
    let dir = blog_copy("blog_dialects");
    let _ = std::fs::remove_dir_all(dir.join("migrations_postgres"));
    let _ = std::fs::remove_file(dir.join("dbgen.toml"));

    let first = cargo_dbgen(&dir, &["diff", "init"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let snapshot =
        std::fs::read_to_string(dir.join("migrations/dbgen.schema.json")).expect("the snapshot");
    assert!(
        snapshot.starts_with("{\n  \"format_version\": 1,\n  \"dialect\": \"sqlite\",\n"),
        "{}",
        &snapshot[..80.min(snapshot.len())]
    );

    // Production on PostgreSQL, sharing the directory by default.
    write(
        &dir.join("dbgen.toml"),
        "[env.prod]\nurl = \"postgres://app@db.example.com/app\"\n",
    );
    let before = migration_files(&dir);
    for args in [
        &["diff", "--env", "prod"][..],
        &["validate", "--env", "prod"],
        &["lint", "--env", "prod"],
        &["validate", "--dialect", "mysql"],
    ] {
        let refused = cargo_dbgen(&dir, args);
        let stderr = text(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("are sqlite SQL") && stderr.contains("a directory of its own"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(migration_files(&dir), before, "nothing is written");
    // The files' sum concerns no engine.
    assert!(
        cargo_dbgen(&dir, &["hash", "--env", "prod"])
            .status
            .success()
    );

    // Its own directory: PostgreSQL SQL, recorded as such.
    write(
        &dir.join("dbgen.toml"),
        "[env.prod]\nurl = \"postgres://app@db.example.com/app\"\ndir = \"migrations_postgres\"\n\n\
         [env.review]\ndir = \"migrations_postgres\"\n",
    );
    let prod = cargo_dbgen(&dir, &["diff", "init", "--env", "prod"]);
    assert!(prod.status.success(), "{}", text(&prod.stderr));
    let snapshot = std::fs::read_to_string(dir.join("migrations_postgres/dbgen.schema.json"))
        .expect("the snapshot");
    assert!(snapshot.contains("\n  \"dialect\": \"postgres\",\n"));
    // An environment that names no engine reads the directory's.
    let review = cargo_dbgen(&dir, &["validate", "--env", "review"]);
    assert!(review.status.success(), "{}", text(&review.stderr));
    assert!(
        text(&review.stdout).contains("postgres SQL valid"),
        "{}",
        text(&review.stdout)
    );
    let schema = cargo_dbgen(&dir, &["schema", "--env", "review"]);
    assert!(
        text(&schema.stdout).contains("GENERATED BY DEFAULT AS IDENTITY"),
        "{}",
        text(&schema.stdout)
    );
    // And the default environment still the SQLite one.
    let dev = cargo_dbgen(&dir, &["validate"]);
    assert!(
        text(&dev.stdout).contains("sqlite SQL valid"),
        "{}",
        text(&dev.stdout)
    );
}
