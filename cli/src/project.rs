//! The cargo package `cargo dbgen` works on, read through `cargo metadata`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::error::CliError;

/// What the loader needs to know about the package.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    /// Folder holding the package's Cargo.toml.
    pub dir: PathBuf,
    pub manifest_path: PathBuf,
    pub workspace_root: PathBuf,
    pub target_dir: PathBuf,
    pub has_lib: bool,
    pub bins: Vec<String>,
    /// How the package gets `dbgen`, as a Cargo.toml dependency value.
    pub dbgen_dependency: Option<String>,
    /// The workspace's crates the package depends on (directly or through
    /// other members) that depend on `dbgen`: where models may live that the
    /// package's own code never names, so the loader links them too.
    pub model_crates: Vec<ModelCrate>,
}

/// A workspace member the loader links besides the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCrate {
    pub name: String,
    /// Folder holding its Cargo.toml.
    pub dir: PathBuf,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct MetaPackage {
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
    dependencies: Vec<Dependency>,
}

/// A dependency as the package declares it.
#[derive(Deserialize)]
struct Dependency {
    name: String,
    kind: Option<String>,
    source: Option<String>,
    req: String,
    path: Option<PathBuf>,
    registry: Option<String>,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

/// The package whose manifest is `manifest` (or the nearest one above the
/// current folder).
pub fn locate(manifest: Option<&Path>) -> Result<Package, CliError> {
    let manifest_path = match manifest {
        Some(path) => std::fs::canonicalize(path).map_err(|source| CliError::ReadFile {
            path: path.to_path_buf(),
            source,
        })?,
        None => locate_manifest()?,
    };
    let output = cargo()
        // --no-deps: no dependency resolution, so it answers in milliseconds.
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(&manifest_path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| CliError::Spawn {
            program: "cargo metadata".into(),
            source,
        })?;
    if !output.status.success() {
        return Err(CliError::Metadata(format!(
            "it exited with {} for {}",
            output.status,
            manifest_path.display()
        )));
    }
    let metadata: Metadata =
        serde_json::from_slice(&output.stdout).map_err(|e| CliError::Metadata(e.to_string()))?;
    let package = metadata
        .packages
        .iter()
        .find(|p| p.manifest_path == manifest_path)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{} is a virtual workspace manifest; run cargo dbgen inside the package that defines the models, or pass --manifest-path path/to/package/Cargo.toml",
                manifest_path.display()
            ))
        })?;
    let linked = model_crates(&metadata.packages, package);
    // The package's own `dbgen`, else the one of a crate of models it uses.
    let dbgen_dependency = std::iter::once(package)
        .chain(linked.iter().copied())
        .find_map(MetaPackage::dbgen)
        .map(dependency_spec);
    let model_crates = linked
        .iter()
        .map(|member| ModelCrate {
            name: member.name.clone(),
            dir: member.dir().to_path_buf(),
        })
        .collect();
    Ok(Package {
        name: package.name.clone(),
        dir: package.dir().to_path_buf(),
        manifest_path: manifest_path.clone(),
        workspace_root: metadata.workspace_root,
        target_dir: metadata.target_directory,
        has_lib: package
            .targets
            .iter()
            .any(|t| t.kind.iter().any(|k| k == "lib" || k == "rlib")),
        bins: package
            .targets
            .iter()
            .filter(|t| t.kind.iter().any(|k| k == "bin"))
            .map(|t| t.name.clone())
            .collect(),
        dbgen_dependency,
        model_crates,
    })
}

/// The workspace members (`members`, as `cargo metadata --no-deps` lists
/// them) that `package` reaches through normal, non-optional path
/// dependencies and that depend on `dbgen` themselves, in the order found.
/// A crate only some of the package's code names (its binary, say) would
/// otherwise not be linked into the loader, and its models not be seen.
fn model_crates<'m>(members: &'m [MetaPackage], package: &'m MetaPackage) -> Vec<&'m MetaPackage> {
    let mut found = Vec::new();
    let mut seen = vec![package.manifest_path.as_path()];
    let mut queue = vec![package];
    while let Some(next) = queue.pop() {
        let paths = next
            .dependencies
            .iter()
            .filter(|d| d.kind.is_none() && !d.optional)
            .filter_map(|d| d.path.as_deref());
        for dir in paths {
            let Some(member) = members.iter().find(|m| m.dir() == dir) else {
                continue;
            };
            if seen.contains(&member.manifest_path.as_path()) {
                continue;
            }
            seen.push(&member.manifest_path);
            if member.dbgen().is_some() {
                found.push(member);
            }
            queue.push(member);
        }
    }
    found
}

impl MetaPackage {
    /// The folder holding its Cargo.toml.
    fn dir(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new(""))
    }

    /// Its normal (not dev or build) dependency on `dbgen`.
    fn dbgen(&self) -> Option<&Dependency> {
        self.dependencies
            .iter()
            .find(|d| d.name == "dbgen" && d.kind.is_none())
    }
}

/// A Cargo.toml dependency value selecting the same `dbgen` the package
/// declares (the copied lock file pins the exact version).
fn dependency_spec(dep: &Dependency) -> String {
    if let Some(path) = &dep.path {
        return format!(
            "{{ path = {}, default-features = false }}",
            toml_string(&path.to_string_lossy())
        );
    }
    if let Some(source) = dep.source.as_deref().filter(|s| s.starts_with("git+")) {
        let url = source.trim_start_matches("git+");
        let (repo, query) = url.split_once('?').unwrap_or((url, ""));
        let pin = query
            .split('&')
            .find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                matches!(k, "rev" | "branch" | "tag").then(|| format!(", {k} = {}", toml_string(v)))
            })
            .unwrap_or_default();
        return format!(
            "{{ git = {}{pin}, default-features = false }}",
            toml_string(repo)
        );
    }
    let registry = dep
        .registry
        .as_deref()
        .map(|r| format!(", registry-index = {}", toml_string(r)))
        .unwrap_or_default();
    format!(
        "{{ version = {}{registry}, default-features = false }}",
        toml_string(&dep.req)
    )
}

/// A TOML basic string.
pub fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The nearest Cargo.toml in this folder or above (what `cargo
/// locate-project` answers, without starting cargo).
fn locate_manifest() -> Result<PathBuf, CliError> {
    let start = std::env::current_dir().map_err(|source| CliError::ReadFile {
        path: ".".into(),
        source,
    })?;
    start
        .ancestors()
        .map(|dir| dir.join("Cargo.toml"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no Cargo.toml in {} or any folder above it",
                start.display()
            ))
        })
}

/// `cargo`, as the one that started us (`$CARGO`) when there is one.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
