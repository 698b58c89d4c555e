//! `cargo dbgen schema` end to end: the real binary, building real loaders.

#![allow(clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use blog as _;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cargo_dbgen(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-dbgen"))
        .arg("dbgen")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target"))
        .env_remove("DATABASE_URL")
        .output();
    match output {
        Ok(output) => output,
        Err(error) => panic!("could not run cargo-dbgen: {error}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A package under the workspace's target dir (so builds share
/// artifacts), depending on this workspace's dbgen, with the same profiles
/// and lock file as the workspace.
fn scratch_package(name: &str, files: &[(&str, &str)]) -> PathBuf {
    scratch_package_with(name, "", files)
}

/// The workspace's `[profile.*]` sections, for a scratch manifest.
fn profiles() -> String {
    std::fs::read_to_string(workspace().join("Cargo.toml"))
        .ok()
        .and_then(|t| t.find("[profile.").map(|i| t[i..].to_string()))
        .unwrap_or_default()
}

/// Writes each `(path, content)` under `dir`, folders made as needed. An
/// unchanged file keeps its mtime, so re-runs rebuild nothing.
fn write_files<P: AsRef<Path>, C: AsRef<str>>(dir: &Path, files: impl IntoIterator<Item = (P, C)>) {
    for (path, content) in files {
        let (path, content) = (dir.join(path), content.as_ref());
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if std::fs::read_to_string(&path).is_ok_and(|old| old == content) {
            continue;
        }
        if let Err(error) = std::fs::write(&path, content) {
            panic!("writing {}: {error}", path.display());
        }
    }
}

/// [`scratch_package`] with `extra` appended to its manifest (dependencies
/// first, so `extra` may start with more of them).
fn scratch_package_with(name: &str, extra: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = workspace();
    let dir = root.join("target").join("dbgen-cli-tests").join(name);
    let profiles = profiles();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ndbgen = {{ path = {:?} }}\nchrono = {{ version = \"0.4\", default-features = false, features = [\"std\"] }}\n{extra}\n\
         [workspace]\n\n{profiles}",
        root.join("runtime").canonicalize().unwrap_or_default()
    );
    let mut all = vec![("Cargo.toml", manifest.as_str())];
    all.extend_from_slice(files);
    write_files(&dir, all);
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    dir
}

#[test]
fn schema_json_of_the_blog_equals_the_in_process_registry() {
    let output = cargo_dbgen(
        &workspace().join("examples/blog"),
        &["schema", "--format", "json"],
    );
    assert!(output.status.success(), "stderr:\n{}", text(&output.stderr));
    let expected = dbgen::registry::schema()
        .map(|s| s.to_json())
        .unwrap_or_default();
    assert_eq!(text(&output.stdout), expected);
    // `categories` lives in a private module nothing references.
    assert!(text(&output.stdout).contains("\"name\": \"categories\""));
}

#[test]
fn schema_sql_is_deterministic_per_dialect() {
    let blog = workspace().join("examples/blog");
    for (dialect, quote) in [
        ("postgres", "\"users\""),
        ("mysql", "`users`"),
        ("sqlite", "\"users\""),
    ] {
        let first = cargo_dbgen(&blog, &["schema", "--dialect", dialect]);
        let second = cargo_dbgen(&blog, &["schema", "--dialect", dialect]);
        assert!(first.status.success(), "{dialect}: {}", text(&first.stderr));
        assert_eq!(
            first.stdout, second.stdout,
            "{dialect} output differs between runs"
        );
        let sql = text(&first.stdout);
        assert!(
            sql.contains(&format!("CREATE TABLE {quote}")),
            "{dialect}:\n{sql}"
        );
        assert!(!sql.contains('\r'));
    }
}

/// The blog's categories reference their parent with `ON DELETE SET
/// NULL`, which SQL Server refuses on a table referencing itself (a cycle
/// of actions): the schema is not written, and the error names the key
/// and the fix.
#[test]
fn schema_sql_for_sql_server_names_the_key_it_refuses() {
    let blog = workspace().join("examples/blog");
    let output = cargo_dbgen(&blog, &["schema", "--dialect", "sqlserver"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("`fk_categories_parent_id`"), "{stderr}");
    assert!(stderr.contains("on_delete = \"no action\""), "{stderr}");
}

#[test]
fn custom_loader_binary_from_dbgen_toml() {
    let dir = scratch_package(
        "custom_loader",
        &[
            ("dbgen.toml", "[schema]\nbin = \"dbgen\"\n"),
            (
                "src/lib.rs",
                "#[derive(dbgen::Model)]\npub struct Widget {\n    #[column(primary_key)]\n    pub id: i64,\n}\n",
            ),
            (
                "src/bin/dbgen.rs",
                "use custom_loader as _;\nfn main() { dbgen::loader::main() }\n",
            ),
        ],
    );
    let output = cargo_dbgen(&dir, &["schema", "--format", "json"]);
    assert!(output.status.success(), "stderr:\n{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("\"name\": \"widgets\""),
        "{}",
        text(&output.stdout)
    );
}

/// A workspace that patches a dependency: the loader builds the models
/// with the patch (here a crate that exists only as the patch's path, so
/// the build fails without it).
#[test]
fn the_loader_applies_the_workspace_patches() {
    let dir = scratch_package_with(
        "patched_dependency",
        "dbgen-patch-probe = \"0.1\"\n\n[patch.crates-io]\ndbgen-patch-probe = { path = \"probe\" }\n",
        &[
            (
                "probe/Cargo.toml",
                "[package]\nname = \"dbgen-patch-probe\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n",
            ),
            (
                "probe/src/lib.rs",
                "pub const TABLE: &str = \"patched_widgets\";\n",
            ),
            (
                "src/lib.rs",
                "#[derive(dbgen::Model)]\n#[model(table = \"patched_widgets\")]\npub struct Widget {\n    #[column(primary_key)]\n    pub id: i64,\n}\n\
                 pub const TABLE: &str = dbgen_patch_probe::TABLE;\n",
            ),
        ],
    );
    let output = cargo_dbgen(&dir, &["schema", "--format", "json"]);
    assert!(output.status.success(), "stderr:\n{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("\"name\": \"patched_widgets\""),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn build_errors_are_shown_as_cargo_shows_them() {
    let dir = scratch_package(
        "broken_models",
        &[(
            "src/lib.rs",
            "#[derive(dbgen::Model)]\npub struct Widget {\n    #[column(primary_key)]\n    pub id: i64,\n    #[column(type = \"strnig\")]\n    pub name: String,\n}\n",
        )],
    );
    let output = cargo_dbgen(&dir, &["schema"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown column type `strnig`"), "{stderr}");
    assert!(
        stderr.contains("src/lib.rs:5"),
        "cargo's location is shown: {stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn two_models_with_one_table_name_both() {
    let dir = scratch_package(
        "duplicate_tables",
        &[(
            "src/lib.rs",
            "pub mod a {\n    #[derive(dbgen::Model)]\n    #[model(table = \"things\")]\n    pub struct Thing { pub id: i64 }\n}\n\
             pub mod b {\n    #[derive(dbgen::Model)]\n    #[model(table = \"things\")]\n    pub struct Other { pub id: i64 }\n}\n",
        )],
    );
    let output = cargo_dbgen(&dir, &["schema"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`things`") && stderr.contains("Thing") && stderr.contains("Other"),
        "{stderr}"
    );
}

/// A foreign key whose type differs from the key it references is found
/// when the schema is loaded, named by model, with what to do.
#[test]
fn a_foreign_key_of_another_type_names_the_model() {
    let dir = scratch_package(
        "mistyped_reference",
        &[(
            "src/lib.rs",
            "#[derive(dbgen::Model)]
pub struct User { pub id: i64 }
             #[derive(dbgen::Model)]
pub struct Post {
    pub id: i64,
    #[column(references = \"users(id)\")]
    pub author_id: i32,
}
",
        )],
    );
    let output = cargo_dbgen(&dir, &["schema"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("model `Post`"), "{stderr}");
    assert!(
        stderr.contains("`posts.author_id` is `integer` and `users.id` is `bigint`"),
        "{stderr}"
    );
}

/// A package with one model and `toml` as its dbgen.toml.
fn widget_package(name: &str, toml: &str) -> PathBuf {
    scratch_package(
        name,
        &[
            ("dbgen.toml", toml),
            (
                "src/lib.rs",
                "#[derive(dbgen::Model)]\npub struct Widget { pub id: i64 }\n",
            ),
        ],
    )
}

#[test]
fn usage_and_config_errors_exit_2_with_a_hint() {
    let blog = workspace().join("examples/blog");
    let bad_flag = cargo_dbgen(&blog, &["schema", "--format", "yaml"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let bad_dialect = cargo_dbgen(&blog, &["schema", "--dialect", "oracle"]);
    assert_eq!(bad_dialect.status.code(), Some(2));
    assert!(text(&bad_dialect.stderr).contains("postgres, mysql, sqlite, sqlserver"));

    // An env whose URL variable is unset does not silently become SQLite.
    let dir = widget_package(
        "unset_url",
        "[env.dev]\nurl = \"env:DBGEN_TEST_SURELY_UNSET_URL\"\n",
    );
    let output = cargo_dbgen(&dir, &["schema"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("$DBGEN_TEST_SURELY_UNSET_URL, which is not set"),
        "{}",
        text(&output.stderr)
    );

    // A dialect and a URL of another engine in one environment: one of
    // them is a mistake, and the error names both, never the password.
    let dir = widget_package(
        "dialect_and_url",
        "[env.dev]\ndialect = \"postgres\"\nurl = \"mysql://app:hunter2@db/app\"\n",
    );
    let output = cargo_dbgen(&dir, &["schema", "--format", "sql"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`dialect = \"postgres\"`") && stderr.contains("is a mysql URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    // The flag wins over both, as it does over either.
    let output = cargo_dbgen(&dir, &["schema", "--format", "sql", "--dialect", "sqlite"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    // A variable in .env sets the dialect.
    let dir = widget_package(
        "dotenv_url",
        "[env.dev]\nurl = \"env:DBGEN_TEST_DOTENV_URL\"\n",
    );
    // `schema --format sql` with `content` as the package's .env.
    let with_dotenv = |content: &str| {
        std::fs::write(dir.join(".env"), content).expect("write");
        let output = cargo_dbgen(&dir, &["schema", "--format", "sql"]);
        (
            output.status.code(),
            text(&output.stdout),
            text(&output.stderr),
        )
    };
    let (code, stdout, stderr) =
        with_dotenv("# the app's database\nDBGEN_TEST_DOTENV_URL=postgres://app:hunter2@db/app\n");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("BIGSERIAL") || stdout.contains("IDENTITY"),
        "{stdout}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");

    // A line of .env that is not NAME=value is a warning naming the line,
    // never its text; the variable after it is not loaded, and the error
    // that follows says so.
    let (code, _, stderr) = with_dotenv(
        "# the app's database\nexport SECRET='hunter2\nDBGEN_TEST_DOTENV_URL=postgres://app:hunter2@db/app\n",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(".env could not be read: line 2 is not `NAME=value`")
            && stderr.contains("$DBGEN_TEST_DOTENV_URL, which is not set"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    let dir = widget_package("bad_config", "[schema]\nbinn = \"x\"\n");
    let output = cargo_dbgen(&dir, &["schema"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("dbgen.toml is not valid") && stderr.contains("binn"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A dbgen.toml that is not UTF-8 says so, as a configuration error.
    let dir = widget_package("latin1_config", "");
    std::fs::write(dir.join("dbgen.toml"), b"[env.dev]\ndialect = \"\xe9\"\n").expect("write");
    let output = cargo_dbgen(&dir, &["schema"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("dbgen.toml") && stderr.contains("save it as UTF-8"),
        "{stderr}"
    );

    // A URL of no known database names its scheme, never the password.
    let dir = widget_package(
        "bad_url",
        "[env.dev]\nurl = \"postgress://app:hunter2@db/app\"\n",
    );
    let output = cargo_dbgen(&dir, &["validate"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`postgress:`") && stderr.contains("postgres://"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    // A migration directory that is a file is an I/O failure (exit 3).
    let dir = widget_package("dir_is_file", "[env.dev]\ndir = \"src/lib.rs\"\n");
    let output = cargo_dbgen(&dir, &["validate"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("must be a directory"), "{stderr}");
}

/// The blog's `schema` with standard output connected to `stdout`.
fn schema_into(stdout: std::process::Stdio) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_cargo-dbgen"))
        .args(["dbgen", "schema", "--format", "json"])
        .current_dir(workspace().join("examples/blog"))
        .env("CARGO_TARGET_DIR", workspace().join("target"))
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .spawn();
    match child {
        Ok(child) => child,
        Err(error) => panic!("could not run cargo-dbgen: {error}"),
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `cargo dbgen schema | head -1`: the reader closes the pipe before the
    // schema (built by the loader first) is written.
    let mut child = schema_into(std::process::Stdio::piped());
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("cargo-dbgen ends");
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{:?}\n{stderr}", output.status);
    assert!(
        !stderr.contains("error") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn output_that_cannot_be_written_is_an_io_error_with_a_hint() {
    let Ok(full) = std::fs::File::create("/dev/full") else {
        return; // not Linux: there is no full device to write to
    };
    let output = schema_into(full.into())
        .wait_with_output()
        .expect("cargo-dbgen ends");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("error: could not write to standard output")
            && stderr.contains("No space left on device")
            && stderr.contains("hint: redirect the output"),
        "{stderr}"
    );
}

/// A dbgen.toml beside the workspace's Cargo.toml is not the package's:
/// cargo dbgen says so instead of leaving its environments out silently.
/// Models in a workspace crate the package reaches only through another
/// member, and that nothing in the package's lib names (its binary does,
/// say), are linked and listed, with the features the package's
/// dependency turns on; the package itself need not depend on dbgen. A
/// package with no model at all says so on stderr.
#[test]
fn models_in_workspace_crates_the_package_uses() {
    let root = workspace()
        .join("target")
        .join("dbgen-cli-tests")
        .join("ws_models");
    let runtime = workspace()
        .join("runtime")
        .canonicalize()
        .unwrap_or_default();
    let profiles = profiles();
    let package = |name: &str, deps: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{deps}"
        )
    };
    let files = [
        (
            "Cargo.toml".to_string(),
            format!("[workspace]\nmembers = [\"models\", \"services\", \"app\", \"empty\"]\nresolver = \"3\"\n\n{profiles}"),
        ),
        (
            "models/Cargo.toml".to_string(),
            format!(
                "{}\n[features]\nmore = []\n",
                package("models", &format!("dbgen = {{ path = {runtime:?} }}\n"))
            ),
        ),
        (
            "models/src/lib.rs".to_string(),
            "mod hidden {\n    #[derive(dbgen::Model)]\n    #[model(table = \"ws_widgets\")]\n    pub struct Widget {\n        #[column(primary_key)]\n        pub id: i64,\n    }\n\n    #[cfg(feature = \"more\")]\n    #[derive(dbgen::Model)]\n    #[model(table = \"ws_gadgets\")]\n    pub struct Gadget {\n        #[column(primary_key)]\n        pub id: i64,\n    }\n}\n".to_string(),
        ),
        (
            "services/Cargo.toml".to_string(),
            package("services", "models = { path = \"../models\", features = [\"more\"] }\n"),
        ),
        ("services/src/lib.rs".to_string(), String::new()),
        (
            "app/Cargo.toml".to_string(),
            package("app", "services = { path = \"../services\" }\n"),
        ),
        ("app/src/lib.rs".to_string(), String::new()),
        (
            "empty/Cargo.toml".to_string(),
            package("empty", &format!("dbgen = {{ path = {runtime:?} }}\n")),
        ),
        ("empty/src/lib.rs".to_string(), String::new()),
    ];
    write_files(&root, files);
    let _ = std::fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock"));
    let output = cargo_dbgen(&root.join("app"), &["schema", "--format", "json"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("\"name\": \"ws_widgets\"") && stdout.contains("\"name\": \"ws_gadgets\""),
        "{stdout}"
    );
    let output = cargo_dbgen(&root.join("empty"), &["schema", "--format", "json"]);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("no model is linked into package `empty`"),
        "{stderr}"
    );
}

/// A `.env` at the workspace's root provides `env:` variables to a member
/// package that has none of its own (sqlx-cli finds it the same way); the
/// package's own `.env` comes first.
#[test]
fn the_workspace_dotenv_is_read_when_the_package_has_none() {
    let root = workspace()
        .join("target")
        .join("dbgen-cli-tests")
        .join("ws_dotenv");
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\"]\nresolver = \"3\"\n",
        ),
        (".env", "DBGEN_TEST_WS_DOTENV_URL=postgres://app@db/app\n"),
        (
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n",
        ),
        ("app/src/lib.rs", ""),
        (
            "app/dbgen.toml",
            "[env.dev]\nurl = \"env:DBGEN_TEST_WS_DOTENV_URL\"\n",
        ),
    ];
    write_files(&root, files);
    let _ = std::fs::remove_file(root.join("app/.env"));
    let output = cargo_dbgen(&root.join("app"), &["validate"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("postgres SQL valid"), "{stdout}");
    std::fs::write(
        root.join("app/.env"),
        "DBGEN_TEST_WS_DOTENV_URL=mysql://app@db/app\n",
    )
    .expect("written");
    let output = cargo_dbgen(&root.join("app"), &["validate"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("mysql SQL valid"), "{stdout}");
}

#[test]
fn a_workspace_level_dbgen_toml_is_named_as_unread() {
    let root = workspace()
        .join("target")
        .join("dbgen-cli-tests")
        .join("ws_config");
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\"]\nresolver = \"3\"\n",
        ),
        ("dbgen.toml", "[env.dev]\ndialect = \"postgres\"\n"),
        (
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n",
        ),
        ("app/src/lib.rs", ""),
    ];
    write_files(&root, files);
    // A run before this one left the package's own file.
    let _ = std::fs::remove_file(root.join("app/dbgen.toml"));
    let output = cargo_dbgen(&root.join("app"), &["validate"]);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("ws_config/dbgen.toml is not read") && stderr.contains("move it there"),
        "{stderr}"
    );
    // The package's own file is read, and nothing is said.
    std::fs::write(
        root.join("app/dbgen.toml"),
        "[env.dev]\ndialect = \"postgres\"\n",
    )
    .expect("written");
    let output = cargo_dbgen(&root.join("app"), &["validate"]);
    assert!(
        text(&output.stdout).contains("postgres SQL valid"),
        "{}",
        text(&output.stdout)
    );
    assert!(
        !text(&output.stderr).contains("is not read"),
        "{}",
        text(&output.stderr)
    );
}

/// Models behind a cargo feature: `[schema] features` builds them. A diff
/// that finds no model over a directory that has tables is refused
/// (it would drop every table), saying how to name the feature.
#[test]
fn models_behind_a_feature() {
    let dir = scratch_package_with(
        "featured_models",
        "\n[features]\ndb = []\n",
        &[(
            "src/lib.rs",
            "#[cfg(feature = \"db\")]\n#[derive(dbgen::Model)]\npub struct Widget {\n    #[column(primary_key)]\n    pub id: i64,\n}\n",
        )],
    );
    let _ = std::fs::remove_dir_all(dir.join("migrations"));
    std::fs::write(dir.join("dbgen.toml"), "[schema]\nfeatures = [\"db\"]\n").expect("written");
    let first = cargo_dbgen(&dir, &["diff", "init"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let files = || std::fs::read_dir(dir.join("migrations")).map_or(0, |d| d.count());
    let written = files();
    assert!(written >= 4, "{written} files");

    std::fs::remove_file(dir.join("dbgen.toml")).expect("removed");
    let refused = cargo_dbgen(&dir, &["diff"]);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("defines no model") && stderr.contains("[schema] features"),
        "{stderr}"
    );
    assert_eq!(files(), written, "nothing written");
}
