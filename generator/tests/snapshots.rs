//! Snapshots of the emitted files for a small fixture spec: they show the
//! shape of the generator's output, and a change in it as a reviewable diff
//! (`cargo insta review`); `CI=true` fails on a mismatch. The real spec's
//! output is committed under `generated-client/` and guarded by
//! `cargo xtask codegen --check`, so it has no second copy here.

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
fn output_is_deterministic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let first = generate(&dir).expect("spec generates");
    let second = generate(&dir).expect("spec generates");
    assert_eq!(first, second);
}
