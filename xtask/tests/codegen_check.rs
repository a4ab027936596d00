//! `cargo xtask codegen --check` on a scratch copy of the spec: it passes when
//! the generated files match, and fails naming each stale, missing or no
//! longer generated file, without changing anything.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_ROOT", root)
        .output()
        .expect("xtask runs")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn scratch_root() -> PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-codegen-check-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    copy_dir(&workspace.join("spec"), &root.join("spec"));
    root
}

#[test]
fn check_passes_when_fresh_and_names_each_stale_file() {
    let root = scratch_root();
    let missing = xtask(&root, &["codegen", "--check"]);
    assert!(!missing.status.success(), "nothing generated yet must fail");
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("generated-client/openapi.yaml (missing)"),
        "{stderr}"
    );
    assert!(
        !root.join("generated-client").exists(),
        "--check must not write"
    );

    assert!(xtask(&root, &["codegen"]).status.success());
    let fresh = xtask(&root, &["codegen", "--check"]);
    assert!(
        fresh.status.success(),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );

    let module = root.join("generated-client/src/generated/chatrooms.rs");
    fs::write(&module, "// edited by hand\n").unwrap();
    let leftover = root.join("generated-client/src/generated/removed_group.rs");
    fs::write(&leftover, "// a group the spec no longer has\n").unwrap();
    let stale = xtask(&root, &["codegen", "--check"]);
    assert!(!stale.status.success());
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("generated-client/src/generated/chatrooms.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("removed_group.rs (no longer generated)"),
        "{stderr}"
    );
    assert!(stderr.contains("run `cargo xtask codegen`"), "{stderr}");
    assert!(
        !stderr.contains("groups.rs\n"),
        "only stale files are listed: {stderr}"
    );
    assert_eq!(fs::read_to_string(&module).unwrap(), "// edited by hand\n");

    assert!(xtask(&root, &["codegen"]).status.success());
    assert!(
        !leftover.exists(),
        "codegen removes modules the spec no longer produces"
    );
    assert!(xtask(&root, &["codegen", "--check"]).status.success());
    fs::remove_dir_all(&root).unwrap();
}
