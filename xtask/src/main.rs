//! Project automation. `cargo xtask codegen [--check]` regenerates the client
//! from the spec (or checks that the committed output is fresh);
//! `cargo xtask operations` lists every operation; `cargo xtask docs-check
//! DIR` and `cargo xtask coverage [DIR]` hold the spec against Agora's doc
//! pages; `cargo xtask bench [--quick]` measures the generator and the client
//! against cargo-progenitor and hand-written code; `cargo xtask
//! progenitor-input OUT` writes the document copy progenitor is run on.

/// A regeneration allocates heavily (token streams, syn trees, JSON
/// values) on several threads at once; with glibc's allocator a third of
/// its CPU time went to malloc and free, and mimalloc makes the whole run
/// about 30% quicker (`cargo xtask bench`, regeneration).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod coverage;
mod docs;
mod docs_check;
mod progenitor_input;
mod readme_check;
mod spec_index;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

use agora_chat_generator::emit::openapi::Version;
use agora_chat_generator::emit::{self, rust::MODULE_DIR};
use agora_chat_generator::{GeneratedFile, generate, load_ir};

use docs::DocSet;
use docs_check::report::Format;
use spec_index::SpecIndex;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate the client from spec/ (--check: change nothing,
                      fail listing each stale file)
  codegen --out DIR   write every generated file under DIR instead of the
                      workspace (same relative paths); the repository is untouched
  operations          print one line per operation: id, METHOD, path, rate limit
  readme-check        build every Rust example of README.md in a crate outside
                      the workspace that has only the README's dependencies
  validate [DIR]      load, check and emit (in memory) the spec in DIR (default
                      spec/); writes nothing
  docs-check DIR [--format text|json] [--all] [--spec SPEC]
                      list every difference between the doc pages in DIR
                      (layout of ../shared/docs or ../shared/docs/incoming:
                      agora/**/*.mdx, easemob/**/*.md, seeds/*.txt) and the
                      spec; --all also lists the differences errata explain.
                      Exit 1 on any unexplained difference, 2 on error
  coverage [DIR] [--spec SPEC]
                      endpoint headings per page against the operations, and
                      the overview rows no operation implements (DIR defaults
                      to ../shared/docs). Exit 1 on an unexplained endpoint or
                      row, 2 on error
  bench [--quick]     regeneration, recompile, size, per-call and decode cost
                      against cargo-progenitor 0.15.1 and hand-written code,
                      measured side by side; ends with one JSON line of ratios
  bench fleet [--quick]
                      4 client processes against one 100/s app limit for 10 s
                      (3 s with --quick), sharing it through a redis-server
                      of its own, then each on its own; ends with one JSON line
  progenitor-input OUT
                      write to OUT the copy of generated-client/openapi.yaml that
                      cargo-progenitor 0.15.1 accepts: multipart upload bodies
                      given as octet-stream (see src/progenitor_input.rs)";

/// Exit status of the doc commands when they cannot run at all, as opposed
/// to 1 for "differences found".
const ERROR: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["codegen", "--out", dir] => codegen_into(Path::new(dir)),
        ["bench", rest @ ..] => bench::run(rest),
        ["progenitor-input", out] => write_progenitor_input(Path::new(out)),
        ["operations"] => operations(),
        ["readme-check"] => readme_check::run_check(&root()),
        ["validate"] => validate(&root().join("spec")),
        ["validate", dir] => validate(Path::new(dir)),
        ["docs-check", rest @ ..] => return docs_check(rest),
        ["coverage", rest @ ..] => return coverage(rest),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout the commands work on. `XTASK_ROOT` names one explicitly
/// (the tests use it to run on scratch copies); otherwise it is the
/// workspace around the current directory, found at run time: with a shared
/// `CARGO_TARGET_DIR`, cargo may run an xtask binary built from another
/// checkout, so the path it was compiled in says nothing about this one.
/// Exits with a message when neither gives a checkout.
fn root() -> PathBuf {
    if let Some(dir) = env::var_os("XTASK_ROOT") {
        return PathBuf::from(dir);
    }
    let here = env::current_dir().unwrap_or_default();
    match workspace_around(&here) {
        Some(root) => root,
        None => {
            eprintln!(
                "no Cargo.toml with [workspace] in {} or above: run cargo xtask inside a \
                 checkout, or set XTASK_ROOT to one",
                here.display()
            );
            std::process::exit(ERROR.into())
        }
    }
}

/// The nearest of `dir` and its ancestors whose Cargo.toml has a
/// `[workspace]` table (a member crate's Cargo.toml has none).
fn workspace_around(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|candidate| {
            fs::read_to_string(candidate.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

fn codegen(check: bool) -> Result<(), String> {
    let root = root();
    let files = generate(&root.join("spec")).map_err(|e| e.to_string())?;
    let stale = stale_files(&root, &files)?;
    if check {
        if stale.is_empty() {
            println!("generated files are up to date ({} files)", files.len());
            return Ok(());
        }
        let mut msg = String::from("generated files are stale:\n");
        for s in &stale {
            msg.push_str(&format!("  {s}\n"));
        }
        msg.push_str("run `cargo xtask codegen` and commit the result");
        return Err(msg);
    }
    for file in &files {
        let path = root.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    for s in stale
        .iter()
        .filter_map(|s| s.strip_suffix(" (no longer generated)"))
    {
        fs::remove_file(root.join(s)).map_err(|e| format!("{s}: {e}"))?;
    }
    println!("wrote {} files ({} changed)", files.len(), stale.len());
    Ok(())
}

/// Writes every generated file under `out` (created if needed), at the
/// same relative path as in the workspace. Used by `bench` to time
/// generation without touching the repository.
fn codegen_into(out: &Path) -> Result<(), String> {
    let files = generate(&root().join("spec")).map_err(|e| e.to_string())?;
    for file in &files {
        let path = out.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Files whose contents differ from what the spec produces, plus generated
/// modules that the spec no longer produces.
fn stale_files(root: &Path, files: &[GeneratedFile]) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for file in files {
        let current = fs::read_to_string(root.join(&file.path)).ok();
        if current.as_deref() != Some(file.contents.as_str()) {
            let why = if current.is_none() { " (missing)" } else { "" };
            stale.push(format!("{}{why}", file.path.display()));
        }
    }
    let dir = root.join(MODULE_DIR);
    if let Ok(entries) = fs::read_dir(&dir) {
        let mut extra: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| Path::new(MODULE_DIR).join(e.file_name()))
            .filter(|p| !files.iter().any(|f| f.path == *p))
            .map(|p| format!("{} (no longer generated)", p.display()))
            .collect();
        extra.sort();
        stale.extend(extra);
    }
    Ok(stale)
}

fn validate(dir: &Path) -> Result<(), String> {
    let ir = load_ir(dir).map_err(|e| e.to_string())?;
    let files = emit::run(&ir, emit::EMITTERS).map_err(|e| e.to_string())?;
    let examples: usize = ir.operations().map(|(_, op)| op.examples.len()).sum();
    println!(
        "{}: valid ({} operations, {} examples, {} errata; would write {} files)",
        dir.display(),
        ir.operations().count(),
        examples,
        ir.errata.len(),
        files.len()
    );
    Ok(())
}

fn operations() -> Result<(), String> {
    let ir = load_ir(&root().join("spec")).map_err(|e| e.to_string())?;
    for (_, op) in ir.operations() {
        let rate = op
            .rate_limit
            .as_ref()
            .map_or_else(|| "-".to_string(), |r| r.display());
        println!("{}\t{}\t{}\t{rate}", op.id, op.method.as_str(), op.path);
    }
    Ok(())
}

/// The component schemas of the 3.0.3 document that only its webhooks use.
fn webhook_schemas(root: &Path) -> Result<std::collections::BTreeSet<String>, String> {
    let ir = load_ir(&root.join("spec")).map_err(|e| e.to_string())?;
    Ok(emit::openapi::webhook_schema_names(&ir, Version::V3_0)
        .into_iter()
        .collect())
}

/// Writes progenitor's copy of the committed OpenAPI document to `out`.
fn write_progenitor_input(out: &Path) -> Result<(), String> {
    let doc_path = root().join(Version::V3_0.path());
    let doc = fs::read_to_string(&doc_path)
        .map_err(|e| format!("cannot read {}: {e}", doc_path.display()))?;
    let (input, rewritten) = progenitor_input::progenitor_input(&doc, &webhook_schemas(&root())?);
    fs::write(out, input).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!(
        "wrote {}: {rewritten} multipart request bodies given as application/octet-stream",
        out.display()
    );
    Ok(())
}

/// Options of the doc commands.
#[derive(Debug)]
struct DocArgs {
    dir: Option<PathBuf>,
    spec: Option<PathBuf>,
    format: Format,
    all: bool,
}

/// Parses `[DIR] [--spec SPEC]` plus, for docs-check, `--format` and `--all`.
fn doc_args(args: &[&str], report_flags: bool) -> Result<DocArgs, String> {
    let mut parsed = DocArgs {
        dir: None,
        spec: None,
        format: Format::Text,
        all: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--spec" => parsed.spec = Some(args.next().ok_or(USAGE)?.into()),
            "--format" if report_flags => {
                parsed.format = match args.next().copied() {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    _ => return Err(USAGE.to_string()),
                }
            }
            "--all" if report_flags => parsed.all = true,
            dir if !dir.starts_with("--") && parsed.dir.is_none() => parsed.dir = Some(dir.into()),
            _ => return Err(USAGE.to_string()),
        }
    }
    Ok(parsed)
}

/// The docs and the spec a doc command works on.
fn load_docs_and_spec(dir: &Path, spec: Option<&Path>) -> Result<(DocSet, SpecIndex), String> {
    let docs = DocSet::load(dir).map_err(|e| e.to_string())?;
    let spec = match spec {
        Some(s) => SpecIndex::load(s, &s.display().to_string()),
        None => SpecIndex::load(&root().join("spec"), "spec"),
    }
    .map_err(|e| e.to_string())?;
    Ok((docs, spec))
}

fn docs_check(args: &[&str]) -> ExitCode {
    let run = || -> Result<bool, String> {
        let args = doc_args(args, true)?;
        // The pages to check must be named: an implicit default could pass
        // silently on the wrong directory.
        let dir = args.dir.ok_or_else(|| USAGE.to_string())?;
        let (docs, spec) = load_docs_and_spec(&dir, args.spec.as_deref())?;
        let findings = docs_check::check(&docs, &spec);
        println!(
            "{}",
            docs_check::report::render(&findings, args.all, args.format)
        );
        Ok(findings.iter().all(|f| f.explained_by.is_some()))
    };
    finish(run())
}

fn coverage(args: &[&str]) -> ExitCode {
    let run = || -> Result<bool, String> {
        let args = doc_args(args, false)?;
        let dir = args
            .dir
            .unwrap_or_else(|| root().join("..").join("shared").join("docs"));
        let (docs, spec) = load_docs_and_spec(&dir, args.spec.as_deref())?;
        let (report, ok) = coverage::report(&docs, &spec);
        println!("{report}");
        Ok(ok)
    };
    finish(run())
}

fn finish(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(ERROR)
        }
    }
}
