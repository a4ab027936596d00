//! `cargo xtask` works on the checkout it is run in, also when two
//! checkouts share one `CARGO_TARGET_DIR` (as CI caches often arrange): cargo
//! then builds xtask for the first checkout and reuses that binary for the
//! second, whose sources look the same to it. A root fixed at compile time
//! made `codegen --check` in checkout B check checkout A.
//!
//! Two copies of the files xtask needs are made under the test's temporary
//! directory, with the originals' modification times (so that cargo sees
//! one set of sources), and checkout B gets a stale generated file. The
//! shared target directory persists between runs: it is built once, then
//! reused as long as the sources do not change.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What cargo needs to build and run xtask, and the spec; the generated
/// files `codegen --check` reads are added from the generator's own list.
const TREE: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    ".cargo",
    "generator/Cargo.toml",
    "generator/src",
    "xtask/Cargo.toml",
    "xtask/src",
    "generated-client/Cargo.toml",
    "generated-client/src",
    "spec",
];

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Copies `from` to `to`, keeping modification times.
fn copy(from: &Path, to: &Path) {
    let metadata = fs::metadata(from).unwrap();
    if metadata.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
        return;
    }
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    fs::copy(from, to).unwrap();
    let file = fs::File::options().write(true).open(to).unwrap();
    file.set_modified(metadata.modified().unwrap()).unwrap();
}

/// A directory removed when dropped, also when an assertion fails.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn checkout(dir: &Path) -> PathBuf {
    let _ = fs::remove_dir_all(dir);
    for path in TREE {
        copy(&workspace().join(path), &dir.join(path));
    }
    let generated = agora_chat_generator::generate(&workspace().join("spec")).unwrap();
    for file in generated {
        copy(&workspace().join(&file.path), &dir.join(&file.path));
    }
    dir.to_path_buf()
}

/// `cargo xtask codegen --check` in `dir`, building into `target`.
fn codegen_check(dir: &Path, target: &Path) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(["xtask", "codegen", "--check"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("XTASK_ROOT")
        .output()
        .expect("cargo runs")
}

#[test]
fn codegen_check_in_checkout_b_checks_b_with_a_shared_target_dir() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = scratch.join("xtask-shared-target");
    let checkouts = Scratch(scratch.join(format!("xtask-checkouts-{}", std::process::id())));
    let a = checkout(&checkouts.0.join("a"));
    let b = checkout(&checkouts.0.join("b"));
    let stale = "generated-client/src/generated/chatrooms.rs";
    fs::write(b.join(stale), "// edited by hand in checkout B\n").unwrap();

    let in_a = codegen_check(&a, &target);
    assert!(
        in_a.status.success(),
        "checkout A is fresh:\n{}",
        String::from_utf8_lossy(&in_a.stderr)
    );
    // The binary cargo runs now was built in A's run (or an earlier one).
    let in_b = codegen_check(&b, &target);
    let stderr = String::from_utf8_lossy(&in_b.stderr);
    assert!(!in_b.status.success(), "B has a stale file:\n{stderr}");
    assert!(
        stderr.contains(&format!("generated files are stale:\n  {stale}")),
        "{stderr}"
    );
}

#[test]
fn outside_any_checkout_the_commands_say_so() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("operations")
        .current_dir(std::env::temp_dir())
        .env_remove("XTASK_ROOT")
        .output()
        .expect("xtask runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no Cargo.toml with [workspace]"),
        "{stderr}"
    );
    assert!(stderr.contains("XTASK_ROOT"), "{stderr}");
}
