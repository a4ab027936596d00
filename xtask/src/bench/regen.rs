//! 1. Regeneration of the whole API: our generator (the release-built
//!    xtask, `codegen --out DIR`) against cargo-progenitor, each run as a
//!    process writing into a fresh scratch directory.

use std::env::consts::EXE_SUFFIX;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::process::{self, cargo_command};
use crate::progenitor_input::indentation;

pub(crate) const PROGENITOR_VERSION: &str = "0.15.1";
/// The crate name and version handed to cargo-progenitor (as in
/// `.ci/openapi-tools`).
const CRATE_NAME: &str = "agora-chat-progenitor";

/// The cargo-progenitor binary: the installed one when `cargo install
/// --list` shows the pinned version, else freshly installed.
pub(crate) fn progenitor() -> Result<PathBuf, String> {
    if let Some(bin) = installed_progenitor()? {
        return Ok(bin);
    }
    eprintln!(
        "bench: installing cargo-progenitor {PROGENITOR_VERSION} (takes minutes, once; it stays in ~/.cargo/bin)"
    );
    process::run(&mut cargo_command(&[
        "install",
        "cargo-progenitor",
        "--version",
        PROGENITOR_VERSION,
        "--locked",
    ]))?;
    installed_progenitor()?.ok_or_else(|| {
        "`cargo install cargo-progenitor` succeeded, but no cargo-progenitor binary is in \
         $CARGO_HOME/bin or on PATH"
            .to_string()
    })
}

fn installed_progenitor() -> Result<Option<PathBuf>, String> {
    let output = process::run(&mut cargo_command(&["install", "--list"]))?;
    let listing = String::from_utf8_lossy(&output.stdout);
    let wanted = format!("cargo-progenitor v{PROGENITOR_VERSION}:");
    if !listing.lines().any(|line| line.starts_with(&wanted)) {
        return Ok(None);
    }
    Ok(find_binary(&format!("cargo-progenitor{EXE_SUFFIX}")))
}

/// `name` in `$CARGO_HOME/bin` (default `~/.cargo/bin`), else on `PATH`.
fn find_binary(name: &str) -> Option<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let path_dirs = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    cargo_home
        .map(|home| home.join("bin"))
        .into_iter()
        .chain(path_dirs)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Builds xtask in release (untimed) and returns its path, next to the
/// running one: `<target>/release/xtask`. cargo-progenitor is a release
/// build too, so both generators run optimized.
pub(crate) fn release_xtask(root: &Path) -> Result<PathBuf, String> {
    process::run(
        cargo_command(&["build", "--release", "--quiet", "-p", "xtask"]).current_dir(root),
    )?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate xtask: {e}"))?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("{}: not in a target directory", exe.display()))?;
    let release = target.join("release").join(format!("xtask{EXE_SUFFIX}"));
    if release.is_file() {
        Ok(release)
    } else {
        Err(format!(
            "`cargo build --release -p xtask` succeeded but {} does not exist",
            release.display()
        ))
    }
}

/// Operations in an OpenAPI document as we emit it: the HTTP-method keys
/// of the path items under `paths:` (operations listed in `x-variants`
/// share one of these).
pub(crate) fn count_operations(doc: &str) -> usize {
    const METHODS: [&str; 8] = [
        "get:", "put:", "post:", "delete:", "patch:", "head:", "options:", "trace:",
    ];
    doc.lines()
        .skip_while(|line| *line != "paths:")
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .filter(|line| indentation(line) == 4 && METHODS.contains(&&line.trim_end()[4..]))
        .count()
}

/// Seconds per run of each generator (warm-up run excluded), and the
/// directory of the last crate cargo-progenitor wrote.
pub(crate) struct Regen {
    pub(crate) ours: Vec<f64>,
    pub(crate) progenitor: Vec<f64>,
    pub(crate) progenitor_crate: PathBuf,
}

/// Runs both generators `runs` times (after one untimed run each),
/// alternating which goes first.
pub(crate) fn measure(
    xtask: &Path,
    progenitor: &Path,
    input: &Path,
    scratch: &Path,
    runs: usize,
) -> Result<Regen, String> {
    let ours_command = |out: &Path| {
        let mut command = Command::new(xtask);
        command.arg("codegen").arg("--out").arg(out);
        command
    };
    let progenitor_command = |out: &Path| {
        let mut command = Command::new(progenitor);
        // Called directly (as cargo would call the subcommand), so cargo's
        // own start-up is not timed.
        command
            .arg("progenitor")
            .arg("-i")
            .arg(input)
            .arg("-o")
            .arg(out)
            .args(["-n", CRATE_NAME, "-v", "0.1.0"]);
        command
    };
    let mut regen = Regen {
        ours: Vec::new(),
        progenitor: Vec::new(),
        progenitor_crate: PathBuf::new(),
    };
    for run in 0..=runs {
        let ours_out = scratch.join(format!("ours-{run}"));
        let progenitor_out = scratch.join(format!("progenitor-{run}"));
        let (ours, theirs) = if run % 2 == 0 {
            let ours = process::time(&mut ours_command(&ours_out))?;
            (
                ours,
                process::time(&mut progenitor_command(&progenitor_out))?,
            )
        } else {
            let theirs = process::time(&mut progenitor_command(&progenitor_out))?;
            (process::time(&mut ours_command(&ours_out))?, theirs)
        };
        expect_file(&ours_out.join("generated-client/src/generated/mod.rs"))?;
        expect_file(&progenitor_out.join("src/lib.rs"))?;
        expect_file(&progenitor_out.join("Cargo.toml"))?;
        if run > 0 {
            regen.ours.push(ours);
            regen.progenitor.push(theirs);
        }
        let _ = std::fs::remove_dir_all(&ours_out);
        if run < runs {
            let _ = std::fs::remove_dir_all(&progenitor_out);
        } else {
            regen.progenitor_crate = progenitor_out;
        }
    }
    Ok(regen)
}

fn expect_file(path: &Path) -> Result<(), String> {
    if path.is_file() {
        Ok(())
    } else {
        Err(format!(
            "the generator exited successfully but did not write {}",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::count_operations;

    const DOC: &str = "openapi: \"3.0.3\"
paths:
  /files:
    post:
      operationId: upload
      responses: {}
    get:
      operationId: list
      x-variants:
      - operationId: list
        get: not-a-method
  \"/files/{id}\":
    delete:
      operationId: remove
components:
  schemas:
    get:
      type: object
";

    #[test]
    fn counts_method_keys_under_paths_only() {
        assert_eq!(count_operations(DOC), 3);
    }
}
