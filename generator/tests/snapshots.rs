//! Snapshots of the emitted files, for a small fixture spec and for the real
//! spec in `spec/`. A change in the generator's output shows up here as a
//! reviewable diff (`cargo insta review`); `CI=true` fails on a mismatch.

use std::path::Path;

use agora_chat_generator::generate;

fn snapshot_all(spec_dir: &Path, prefix: &str) {
    let files = generate(spec_dir).unwrap_or_else(|e| panic!("{}: {e}", spec_dir.display()));
    assert!(!files.is_empty());
    for file in &files {
        let name = format!("{prefix}__{}", file.path.display()).replace(['/', '\\', '.'], "_");
        insta::assert_snapshot!(name, &file.contents);
    }
}

#[test]
fn mini_fixture() {
    snapshot_all(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini"),
        "mini",
    );
}

#[test]
fn real_spec() {
    snapshot_all(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"),
        "spec",
    );
}

#[test]
fn output_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let first = generate(&dir).expect("spec generates");
    let second = generate(&dir).expect("spec generates");
    assert_eq!(first, second);
}
