//! Running the xtask binary on doc directories: temp copies, edits, and the
//! rows of `docs-check --format json`.

#![allow(dead_code)] // each test file uses a part of this module

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Pages and the spec that describes them.
#[derive(Debug, Clone)]
pub struct Source {
    pub docs: PathBuf,
    /// `None`: the workspace's spec/.
    pub spec: Option<PathBuf>,
    pub real: bool,
}

/// Our fixture pages and spec.
pub fn fixture() -> Source {
    Source {
        docs: fixtures().join("docs"),
        spec: Some(fixtures().join("spec")),
        real: false,
    }
}

/// Our fixture pages in the layout of `../shared/docs/incoming` (Easemob
/// pages, a price list) and the fixture spec, which names them in
/// `other_sources`.
pub fn incoming() -> Source {
    Source {
        docs: fixtures().join("incoming"),
        spec: Some(fixtures().join("spec")),
        real: false,
    }
}

/// Agora's pages and our spec, where the pages exist.
pub fn real() -> Option<Source> {
    let docs = root().join("../shared/docs");
    docs.is_dir().then_some(Source {
        docs,
        spec: None,
        real: true,
    })
}

/// A directory under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("xtask-docs-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Copies a directory tree (the copies are writable, unlike the originals).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::write(&target, fs::read(&path).expect("read file")).expect("write file");
        }
    }
}

/// One row of the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub struct Row {
    pub file: String,
    pub line: usize,
    pub kind: String,
    pub operation: Option<String>,
    pub difference: String,
    pub explained_by: Option<String>,
    pub section: String,
}

#[derive(Debug, Deserialize)]
struct Report {
    rows: Vec<Row>,
    unexplained: usize,
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cargo xtask ARGS`, adding `--spec` for a fixture spec.
pub fn xtask(args: &[&str], spec: Option<&Path>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args);
    if let Some(spec) = spec {
        cmd.arg("--spec").arg(spec);
    }
    let out = cmd.output().expect("run xtask");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every row (explained ones too) of `docs-check DIR`, and the exit code.
pub fn check(docs: &Path, spec: Option<&Path>) -> (i32, Vec<Row>) {
    let dir = docs.to_string_lossy();
    let run = xtask(&["docs-check", &dir, "--format", "json", "--all"], spec);
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}); stderr: {}\n{}", run.stderr, run.stdout));
    let unexplained = report
        .rows
        .iter()
        .filter(|r| r.explained_by.is_none())
        .count();
    assert_eq!(unexplained, report.unexplained);
    (run.code, report.rows)
}

/// Finds the line (1-based) of `file` containing `text`, the first one
/// after the line containing `after` when given.
pub fn find_line(file: &Path, text: &str, after: Option<&str>) -> usize {
    let contents = fs::read_to_string(file).expect("read page");
    let lines: Vec<&str> = contents.lines().collect();
    let start = after.map_or(0, |a| {
        lines
            .iter()
            .position(|l| l.contains(a))
            .unwrap_or_else(|| panic!("{}: no line with {a:?}", file.display()))
    });
    start
        + 1
        + lines[start..]
            .iter()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{}: no line with {text:?}", file.display()))
}

/// Rewrites line `line` (1-based) of `file`: `None` deletes it; otherwise
/// the new lines replace it.
pub fn set_line(file: &Path, line: usize, new: Option<&[&str]>) {
    let contents = fs::read_to_string(file).expect("read page");
    let mut lines: Vec<String> = contents.lines().map(String::from).collect();
    match new {
        None => {
            lines.remove(line - 1);
        }
        Some(new) => {
            lines.splice(line - 1..line, new.iter().map(|s| s.to_string()));
        }
    }
    fs::write(file, lines.join("\n") + "\n").expect("write page");
}
