//! 2. Compiling the generated crates: the copies under `<temp>/agora-bench`,
//!    rebuilt after touching their generated sources (dependencies and the
//!    crate already built), and the cold build of each dependency tree.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::files::{self, TempDir, Touched, Work};
use super::process::{self, cargo_command};

/// A crate to build: the workspace it is in, where the package sits in it,
/// its persistent target directory and the generated files to touch.
pub(crate) struct Crate {
    pub(crate) label: &'static str,
    pub(crate) workspace: PathBuf,
    /// The package directory relative to `workspace` ("" for the root).
    pub(crate) package: &'static str,
    pub(crate) target: PathBuf,
    pub(crate) generated: Vec<PathBuf>,
}

impl Crate {
    /// `cargo build [--release] ARGS…` of this crate.
    pub(crate) fn cargo(&self, release: bool, args: &[&str]) -> Command {
        let mut command = cargo_command(&["build"]);
        if release {
            command.arg("--release");
        }
        command
            .arg("--manifest-path")
            .arg(self.workspace.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target)
            .args(args);
        command
    }
}

/// Copies `agora-chat` (manifest, runtime, generated modules, examples) into
/// a one-member workspace with the repository's Cargo.lock and workspace
/// settings. Building a copy keeps the measurement off the repository's
/// target directory (and its lock) and away from edits in progress; files
/// that did not change keep their times, so nothing is rebuilt for them.
/// Path dev-dependencies of `agora-chat` (the generator: its webhook tests
/// read the spec's callbacks). Cargo loads their manifests for any build of
/// the workspace, and builds them for the examples.
const DEV_PATH_DEPENDENCIES: [&str; 1] = ["generator"];

pub(crate) fn sync_ours(root: &Path, work: &Work) -> Result<Crate, String> {
    let dest = work.ours();
    let manifest = files::read(&root.join("Cargo.toml"))?;
    let members = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("members ="))
        .ok_or("Cargo.toml: no `members =` line in [workspace]")?;
    let manifest = manifest.replacen(members, "members = [\"generated-client\"]", 1);
    files::sync_file(manifest.as_bytes(), &dest.join("Cargo.toml"))?;
    files::sync_copy(&root.join("Cargo.lock"), &dest.join("Cargo.lock"))?;
    let client = root.join("generated-client");
    files::sync_copy(
        &client.join("Cargo.toml"),
        &dest.join("generated-client/Cargo.toml"),
    )?;
    for dir in ["src", "examples"] {
        files::sync_tree(&client.join(dir), &dest.join("generated-client").join(dir))?;
    }
    for dir in DEV_PATH_DEPENDENCIES {
        files::sync_copy(
            &root.join(dir).join("Cargo.toml"),
            &dest.join(dir).join("Cargo.toml"),
        )?;
        files::sync_tree(&root.join(dir).join("src"), &dest.join(dir).join("src"))?;
    }
    Ok(Crate {
        label: "agora-chat",
        generated: files::rust_files(&dest.join("generated-client/src/generated"))?,
        workspace: dest,
        package: "generated-client",
        target: work.ours_target(),
    })
}

/// Copies the crate cargo-progenitor wrote, made its own workspace as in
/// `.ci/openapi-tools`; its Cargo.lock stays between runs.
pub(crate) fn sync_progenitor(generated: &Path, work: &Work) -> Result<Crate, String> {
    let dest = work.progenitor();
    let manifest = files::read(&generated.join("Cargo.toml"))?;
    let manifest = format!("{manifest}\n[workspace]\n");
    files::sync_file(manifest.as_bytes(), &dest.join("Cargo.toml"))?;
    files::sync_tree(&generated.join("src"), &dest.join("src"))?;
    Ok(Crate {
        label: "progenitor",
        generated: files::rust_files(&dest.join("src"))?,
        workspace: dest,
        package: "",
        target: work.progenitor_target(),
    })
}

/// Brings both crates up to date (untimed), then `runs` times: touch a
/// crate's generated files and time `cargo build`, alternating which crate
/// goes first. File times are restored afterwards. Returns seconds per run.
pub(crate) fn recompile(
    crates: [&Crate; 2],
    release: bool,
    runs: usize,
) -> Result<[Vec<f64>; 2], String> {
    for krate in crates {
        process::run(&mut krate.cargo(release, &[]))?;
    }
    let touched = [
        Touched::new(crates[0].generated.clone())?,
        Touched::new(crates[1].generated.clone())?,
    ];
    let mut seconds = [Vec::new(), Vec::new()];
    for run in 0..runs {
        let order = if run % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            touched[i].touch()?;
            seconds[i].push(process::time(&mut crates[i].cargo(release, &[]))?);
        }
    }
    Ok(seconds)
}

/// Seconds to build the crate's dependency tree from nothing (debug): a
/// stub with the same manifests and Cargo.lock but an empty lib.rs, built
/// in a fresh target directory, so only the dependencies cost anything.
/// Sources come from cargo's registry cache (nothing is downloaded).
pub(crate) fn cold_dependencies(krate: &Crate) -> Result<f64, String> {
    let stub = TempDir::new(&format!("{}-deps", krate.label))?;
    let mut manifests = vec![PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")];
    if !krate.package.is_empty() {
        manifests.push(Path::new(krate.package).join("Cargo.toml"));
    }
    for file in &manifests {
        files::sync_copy(&krate.workspace.join(file), &stub.path().join(file))?;
    }
    // Dev-dependencies are not built here, but cargo reads their manifests.
    for dir in DEV_PATH_DEPENDENCIES {
        let manifest = Path::new(dir).join("Cargo.toml");
        if krate.workspace.join(&manifest).is_file() {
            files::sync_copy(
                &krate.workspace.join(&manifest),
                &stub.path().join(&manifest),
            )?;
            files::sync_file(b"", &stub.path().join(dir).join("src/lib.rs"))?;
        }
    }
    files::sync_file(b"", &stub.path().join(krate.package).join("src/lib.rs"))?;
    let stub_crate = Crate {
        label: krate.label,
        workspace: stub.path().to_path_buf(),
        package: krate.package,
        target: stub.path().join("target"),
        generated: Vec::new(),
    };
    process::time(&mut stub_crate.cargo(false, &[]))
}
