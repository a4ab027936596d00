//! A corpus of broken specs: each file in `tests/bad_specs/` is a copy of one
//! file of the `mini` fixture with one defect. Its header says which fixture
//! file it replaces and what the error message must contain:
//!
//! ```yaml
//! # replaces: groups/rooms.yaml
//! # expect: groups/rooms.yaml:12:7
//! # expect: unknown field `retries`
//! ```
//!
//! Every case must make `generate` fail (never panic) with a message that
//! contains every `expect` line. Positions refer to lines of the case file
//! itself, header included.

use std::fs;
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};

use agora_chat_generator::generate;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `replaces` file and the `expect` substrings of a case's leading
/// comment block.
fn parse_header(text: &str) -> Result<(String, Vec<String>), String> {
    let mut replaces = None;
    let mut expects = Vec::new();
    for line in text.lines().map_while(|l| l.strip_prefix('#')) {
        let line = line.trim();
        if let Some(file) = line.strip_prefix("replaces:") {
            replaces = Some(file.trim().to_string());
        } else if let Some(expect) = line.strip_prefix("expect:") {
            expects.push(expect.trim().to_string());
        }
    }
    let replaces = replaces.ok_or("no `# replaces:` line in the header")?;
    if expects.is_empty() {
        return Err("no `# expect:` line in the header".into());
    }
    Ok((replaces, expects))
}

/// A fresh copy of the mini fixture under the temp dir; `replace` is a
/// (fixture file, new contents) pair to overwrite, which must exist.
fn spec_dir(name: &str, replace: Option<(&str, &str)>) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = std::env::temp_dir().join(format!(
        "agora-chat-bad-specs-{}-{name}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    copy(&manifest_dir().join("tests/fixtures/mini"), &dir);
    if let Some((file, contents)) = replace {
        let target = dir.join(file);
        assert!(
            target.is_file(),
            "{name}: `{file}` is not a file of the mini fixture"
        );
        fs::write(target, contents).unwrap();
    }
    dir
}

#[test]
fn every_bad_spec_is_rejected_with_a_precise_message() {
    let mut cases: Vec<PathBuf> = fs::read_dir(manifest_dir().join("tests/bad_specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} bad-spec cases", cases.len());

    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy();
        let text = fs::read_to_string(case).unwrap();
        let (replaces, expects) = match parse_header(&text) {
            Ok(header) => header,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let dir = spec_dir(&name, Some((&replaces, &text)));
        let outcome = catch_unwind(|| generate(&dir));
        let _ = fs::remove_dir_all(&dir);
        let message = match outcome {
            Err(_) => {
                failures.push(format!("{name}: the generator panicked"));
                continue;
            }
            Ok(Ok(_)) => {
                failures.push(format!("{name}: the broken spec was accepted"));
                continue;
            }
            Ok(Err(e)) => e.to_string(),
        };
        let missing: Vec<&String> = expects.iter().filter(|x| !message.contains(*x)).collect();
        if !missing.is_empty() {
            failures.push(format!("{name}: missing {missing:?} in:\n{message}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad-spec cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The corpus only breaks what each case says: the fixture itself is fine.
#[test]
fn unmodified_fixture_generates() {
    let dir = spec_dir("unmodified", None);
    let result = generate(&dir);
    let _ = fs::remove_dir_all(&dir);
    if let Err(e) = result {
        panic!("the mini fixture does not generate: {e}");
    }
}

/// The OpenAPI versions share their route checks: a problem that each of
/// them finds is reported once.
#[test]
fn a_problem_both_openapi_versions_find_is_reported_once() {
    let case = manifest_dir().join("tests/bad_specs/shared_path_with_two_media_types.yaml");
    let text = fs::read_to_string(case).unwrap();
    let (replaces, expects) = parse_header(&text).unwrap();
    let dir = spec_dir("reported-once", Some((&replaces, &text)));
    let result = generate(&dir);
    let _ = fs::remove_dir_all(&dir);
    let message = result.expect_err("the case is rejected").to_string();
    assert_eq!(message.matches(&expects[0]).count(), 1, "{message}");
}
