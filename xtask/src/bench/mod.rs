//! `cargo xtask bench [--quick]`: what the generator and its output cost,
//! measured side by side in one run on this machine, against
//! cargo-progenitor on the same OpenAPI document and against hand-written
//! code.
//!
//! 1. Regeneration: our generator against cargo-progenitor, both release
//!    builds run as processes ([`regen`]).
//! 2. Compilation: `cargo build` of `agora-chat` and of progenitor's crate
//!    after touching their generated sources, debug and release, and the
//!    cold build of each dependency tree ([`compile`]).
//! 3. Size: non-blank generated lines per operation ([`size`]).
//! 4. Per-call overhead, throughput at 1 to 512 calls in flight, and 5.
//!    decoding (a `data` page and a 10 MB `entities` page, with peak
//!    memory): examples of `agora-chat` against hand-written reqwest /
//!    serde code ([`runtime`]).
//! 6. A one-call app on `agora-chat` against the same app on progenitor's
//!    client with rustls: cold debug and release builds, stripped binary
//!    size ([`app`]; full runs only).
//!
//! Everything happens in copies under `<temp>/agora-bench` (kept between
//! runs, so dependencies are built once) and in scratch directories that
//! are removed; the repository is only read. The last line printed is one
//! JSON object of ratios (ours divided by the other side).
//!
//! `cargo xtask bench fleet [--quick]` is a benchmark of its own: four
//! client processes against one app-wide limit, sharing it through Redis
//! and not ([`fleet`]).

mod app;
mod compile;
mod files;
mod fleet;
pub(crate) mod process;
mod regen;
mod report;
mod runtime;
mod size;
mod table;

use std::time::Instant;

use agora_chat_generator::emit::openapi::Version;
use files::{TempDir, Work};

const USAGE: &str = "usage: cargo xtask bench [--quick] | cargo xtask bench fleet [--quick]";

/// Repetitions of each measurement.
pub(crate) struct Settings {
    pub(crate) quick: bool,
    pub(crate) regen_runs: usize,
    pub(crate) debug_runs: usize,
    /// 0: release rebuilds are skipped.
    pub(crate) release_runs: usize,
    pub(crate) cold: bool,
    /// `call_overhead` arguments: calls per round, rounds.
    pub(crate) call: [usize; 2],
    /// `decode_bench` arguments: decodes per round, rounds.
    pub(crate) decode: [usize; 2],
    /// `throughput` arguments: calls per round and level, rounds.
    pub(crate) throughput: [usize; 2],
    /// `decode_entities` arguments: calls per round, rounds.
    pub(crate) entities: [usize; 2],
}

impl Settings {
    fn new(quick: bool) -> Self {
        if quick {
            // Under two minutes once dependencies are built: no release
            // rebuild of the crates (over a minute each) and no cold build.
            Self {
                quick,
                regen_runs: 3,
                debug_runs: 2,
                release_runs: 0,
                cold: false,
                call: [500, 5],
                decode: [300, 7],
                throughput: [1024, 3],
                entities: [2, 3],
            }
        } else {
            Self {
                quick,
                regen_runs: 9,
                debug_runs: 5,
                release_runs: 3,
                cold: true,
                call: [2000, 9],
                decode: [2000, 15],
                throughput: [4096, 7],
                entities: [5, 7],
            }
        }
    }
}

pub(crate) fn run(args: &[&str]) -> Result<(), String> {
    let settings = match args {
        [] => Settings::new(false),
        ["--quick"] => Settings::new(true),
        ["fleet", rest @ ..] => return fleet::run(rest),
        _ => return Err(USAGE.to_string()),
    };
    let started = Instant::now();
    let step = |what: &str| eprintln!("bench [{:>4.0}s] {what}", started.elapsed().as_secs_f64());
    let root = crate::root();
    let work = Work::open()?;
    let scratch = TempDir::new("regen")?;

    step("preparing: cargo-progenitor, release xtask, crate copies");
    let progenitor = regen::progenitor()?;
    let xtask = regen::release_xtask(&root)?;
    let doc = files::read(&root.join(Version::V3_0.path()))?;
    let (input, multipart) =
        crate::progenitor_input::progenitor_input(&doc, &crate::webhook_schemas(&root)?);
    let operations_in_doc = regen::count_operations(&doc);
    let input_path = scratch.path().join("openapi.yaml");
    files::sync_file(input.as_bytes(), &input_path)?;
    let ours = compile::sync_ours(&root, &work)?;

    step(&format!(
        "1. regeneration, {} runs each",
        settings.regen_runs
    ));
    let regen = regen::measure(
        &xtask,
        &progenitor,
        &input_path,
        scratch.path(),
        settings.regen_runs,
    )?;
    let theirs = compile::sync_progenitor(&regen.progenitor_crate, &work)?;

    step("3. size");
    let size = size::measure(&root, &theirs.workspace.join("src"), operations_in_doc)?;

    step("4./5. building the runtime benchmarks (release)");
    runtime::build(&ours)?;
    step("4. per-call overhead");
    let call = runtime::run(
        &ours,
        runtime::CALL_OVERHEAD,
        "call_overhead_ratio",
        &settings.call,
    )?;
    step("5. decoding");
    let decode = runtime::run(&ours, runtime::DECODE, "decode_ratio", &settings.decode)?;
    step("5. decoding a 10 MB entities page");
    let entities = runtime::run(
        &ours,
        runtime::DECODE_ENTITIES,
        "decode_entities_ratio",
        &settings.entities,
    )?;
    step("4. throughput at 1, 16, 128 and 512 in flight");
    let throughput = runtime::run_keys(
        &ours,
        runtime::THROUGHPUT,
        &settings.throughput,
        &report::THROUGHPUT_KEYS,
    )?;

    step(&format!(
        "2. recompile after touch, debug, {} runs each",
        settings.debug_runs
    ));
    let [debug_ours, debug_theirs] =
        compile::recompile([&ours, &theirs], false, settings.debug_runs)?;
    let release = if settings.release_runs > 0 {
        step(&format!(
            "2. recompile after touch, release, {} runs each",
            settings.release_runs
        ));
        Some(compile::recompile(
            [&ours, &theirs],
            true,
            settings.release_runs,
        )?)
    } else {
        None
    };
    let cold = if settings.cold {
        step("2. cold build of each dependency tree (debug)");
        Some([
            compile::cold_dependencies(&ours)?,
            compile::cold_dependencies(&theirs)?,
        ])
    } else {
        None
    };
    let apps = if settings.cold {
        step("6. one-call app, cold debug and release builds");
        Some([app::ours(&ours)?, app::progenitor(&theirs)?])
    } else {
        None
    };
    step("done");

    let results = report::Results {
        settings: &settings,
        seconds: started.elapsed().as_secs_f64(),
        regen: &regen,
        debug: [debug_ours, debug_theirs],
        release,
        cold,
        size: &size,
        call: &call,
        decode: &decode,
        entities: &entities,
        throughput: &throughput,
        apps,
        operations_in_doc,
        multipart,
        generated_files: ours.generated.len(),
        work: &work.base,
    };
    print!("{}", report::render(&results));
    Ok(())
}
