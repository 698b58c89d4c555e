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
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
    resolve: Option<Resolve>,
}

#[derive(Deserialize)]
struct MetaPackage {
    id: String,
    name: String,
    version: String,
    source: Option<String>,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    pkg: String,
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
        .args(["metadata", "--format-version", "1", "--manifest-path"])
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
    let dbgen_dependency = metadata.resolve.as_ref().and_then(|resolve| {
        let node = resolve.nodes.iter().find(|n| n.id == package.id)?;
        node.deps.iter().find_map(|dep| {
            let p = metadata
                .packages
                .iter()
                .find(|p| p.id == dep.pkg && p.name == "dbgen")?;
            Some(dependency_spec(p))
        })
    });
    Ok(Package {
        name: package.name.clone(),
        dir: manifest_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
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
    })
}

/// A Cargo.toml dependency value selecting exactly this `dbgen` package.
fn dependency_spec(p: &MetaPackage) -> String {
    let version = &p.version;
    match p.source.as_deref() {
        None => {
            let dir = p.manifest_path.parent().unwrap_or(Path::new("."));
            format!(
                "{{ path = {}, default-features = false }}",
                toml_string(&dir.to_string_lossy())
            )
        }
        Some(source) if source.starts_with("git+") => {
            let url = source.trim_start_matches("git+");
            let (repo, rev) = url.split_once('#').unwrap_or((url, ""));
            let repo = repo.split('?').next().unwrap_or(repo);
            format!(
                "{{ git = {}, rev = {}, default-features = false }}",
                toml_string(repo),
                toml_string(rev)
            )
        }
        Some(_) => format!(
            "{{ version = {}, default-features = false }}",
            toml_string(&format!("={version}"))
        ),
    }
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

fn locate_manifest() -> Result<PathBuf, CliError> {
    let output = cargo()
        .args(["locate-project", "--message-format", "plain"])
        .output()
        .map_err(|source| CliError::Spawn {
            program: "cargo locate-project".into(),
            source,
        })?;
    if !output.status.success() {
        return Err(CliError::Usage(format!(
            "no Cargo.toml in this folder or above it ({})",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim(),
    ))
}

/// `cargo`, as the one that started us (`$CARGO`) when there is one.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
