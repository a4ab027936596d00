//! Turns the measurements into the printed report: a header line, the
//! table, notes on what was measured, and the final JSON line.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::Settings;
use super::app::AppBuild;
use super::process::median;
use super::regen::{PROGENITOR_VERSION, Regen};
use super::runtime::{Measured, find_key};
use super::size::Size;
use super::table::{self, Row};

/// Calls in flight of the throughput example.
pub(crate) const LEVELS: [usize; 4] = [1, 16, 128, 512];

/// The keys the throughput example must print.
pub(crate) const THROUGHPUT_KEYS: [&str; 12] = [
    "throughput_1_ratio",
    "p50_1_ratio",
    "p99_1_ratio",
    "throughput_16_ratio",
    "p50_16_ratio",
    "p99_16_ratio",
    "throughput_128_ratio",
    "p50_128_ratio",
    "p99_128_ratio",
    "throughput_512_ratio",
    "p50_512_ratio",
    "p99_512_ratio",
];

/// Everything one run measured.
pub(crate) struct Results<'a> {
    pub(crate) settings: &'a Settings,
    /// Wall-clock time of the whole run.
    pub(crate) seconds: f64,
    pub(crate) regen: &'a Regen,
    /// Seconds per touch-and-rebuild, debug: ours, progenitor's.
    pub(crate) debug: [Vec<f64>; 2],
    /// The same in release, when run.
    pub(crate) release: Option<[Vec<f64>; 2]>,
    /// Seconds to build each dependency tree from nothing, when run.
    pub(crate) cold: Option<[f64; 2]>,
    pub(crate) size: &'a Size,
    pub(crate) call: &'a Measured,
    pub(crate) decode: &'a Measured,
    /// The 10 MB `entities` page, with its peak-memory keys.
    pub(crate) entities: &'a Measured,
    /// The throughput example's `key=value` lines.
    pub(crate) throughput: &'a [(String, f64)],
    /// The one-call apps, ours then progenitor's, when built.
    pub(crate) apps: Option<[AppBuild; 2]>,
    /// Operations in openapi.yaml, and multipart bodies rewritten for
    /// progenitor.
    pub(crate) operations_in_doc: usize,
    pub(crate) multipart: usize,
    /// Generated modules touched before each rebuild of ours.
    pub(crate) generated_files: usize,
    pub(crate) work: &'a Path,
}

/// The report, ending with the JSON line.
pub(crate) fn render(results: &Results<'_>) -> String {
    let settings = results.settings;
    let ratio = |ours: &[f64], theirs: &[f64]| median(ours) / median(theirs);
    let regen_ratio = ratio(&results.regen.ours, &results.regen.progenitor);
    let debug_ratio = ratio(&results.debug[0], &results.debug[1]);
    let release_ratio = results.release.as_ref().map(|[o, t]| ratio(o, t));
    let size = results.size;
    let loc_ratio = size.ours_per_operation() / size.progenitor_per_operation();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "cargo xtask bench{}: {}, {} CPUs, {:.0} s\n",
        if settings.quick { " --quick" } else { "" },
        utc_now(),
        std::thread::available_parallelism().map_or(0, usize::from),
        results.seconds
    );
    out.push_str(&table::render(&rows(
        results,
        regen_ratio,
        debug_ratio,
        loc_ratio,
    )));
    out.push('\n');
    out.push_str(&notes(results));
    let throughput = |key: &str| find_key(results.throughput, key);
    let apps = results.apps.as_ref();
    let mut json = vec![
        ("regen_ratio", Some(regen_ratio)),
        ("regen_per_op_ratio", Some(regen_per_op_ratio(results))),
        ("recompile_debug_ratio", Some(debug_ratio)),
        ("recompile_release_ratio", release_ratio),
        ("loc_per_op_ratio", Some(loc_ratio)),
        ("call_overhead_ratio", Some(results.call.ratio)),
        ("decode_ratio", Some(results.decode.ratio)),
        ("decode_entities_ratio", Some(results.entities.ratio)),
        (
            "decode_entities_peak_ratio",
            results.entities.key("decode_entities_peak_ratio"),
        ),
        (
            "decode_entities_peak_body_ratio",
            results.entities.key("decode_entities_peak_body_ratio"),
        ),
    ];
    json.extend(THROUGHPUT_KEYS.iter().map(|&key| (key, throughput(key))));
    json.extend([
        (
            "app_cold_debug_ratio",
            apps.map(|[o, t]| o.debug_seconds / t.debug_seconds),
        ),
        (
            "app_release_build_ratio",
            apps.map(|[o, t]| o.release_seconds / t.release_seconds),
        ),
        (
            "app_binary_size_ratio",
            apps.map(|[o, t]| o.binary_bytes as f64 / t.binary_bytes as f64),
        ),
    ]);
    out.push_str(&table::json(&json));
    out.push('\n');
    out
}

/// Seconds per operation of our generator (the release xtask that `cargo
/// xtask codegen` runs) over progenitor's.
fn regen_per_op_ratio(results: &Results<'_>) -> f64 {
    let ours = median(&results.regen.ours) / results.size.ours_operations as f64;
    let theirs = median(&results.regen.progenitor) / results.size.progenitor_operations as f64;
    ours / theirs
}

/// The rows of the throughput example and of the one-call apps.
fn more_rows(results: &Results<'_>) -> Vec<Row> {
    let throughput = |key: String| find_key(results.throughput, &key);
    let mut rows = Vec::new();
    for level in LEVELS {
        let mut row = Row::new(
            format!("throughput, {level} in flight, get_user (ours / hand-written calls per s)"),
            "see ratio".to_string(),
            "".to_string(),
        );
        row.ratio = throughput(format!("throughput_{level}_ratio"));
        rows.push(if level == 1 {
            row
        } else {
            row.target_at_least(0.95)
        });
        let mut p99 = Row::new(
            format!("p99 latency, {level} in flight (ours / hand-written)"),
            "see ratio".to_string(),
            "".to_string(),
        );
        p99.ratio = throughput(format!("p99_{level}_ratio"));
        rows.push(if level == 1 { p99 } else { p99.target(1.1) });
    }
    let per_op = |seconds: &[f64], operations: usize| {
        format!("{:.2} ms", median(seconds) * 1e3 / operations as f64)
    };
    let mut generation = Row::new(
        "generation per operation (`cargo xtask codegen`, release) vs progenitor",
        per_op(&results.regen.ours, results.size.ours_operations),
        per_op(
            &results.regen.progenitor,
            results.size.progenitor_operations,
        ),
    );
    generation.ratio = Some(regen_per_op_ratio(results));
    rows.push(generation);
    let apps = results.apps.as_ref();
    let skipped = || "skipped (--quick)".to_string();
    let app_row =
        |figure: &str, value: fn(&AppBuild) -> String, ratio: fn(&AppBuild, &AppBuild) -> f64| {
            let mut row = Row::new(
                figure,
                apps.map_or_else(skipped, |[o, _]| value(o)),
                apps.map_or_else(skipped, |[_, t]| value(t)),
            );
            row.ratio = apps.map(|[o, t]| ratio(o, t));
            row
        };
    rows.push(
        app_row(
            "one-call app, cold debug build (vs progenitor + reqwest rustls)",
            |a| format!("{:.1} s", a.debug_seconds),
            |o, t| o.debug_seconds / t.debug_seconds,
        )
        .target(1.0),
    );
    rows.push(app_row(
        "one-call app, cold release build",
        |a| format!("{:.1} s", a.release_seconds),
        |o, t| o.release_seconds / t.release_seconds,
    ));
    rows.push(app_row(
        "one-call app, stripped release binary",
        |a| format!("{:.2} MB", a.binary_bytes as f64 / 1e6),
        |o, t| o.binary_bytes as f64 / t.binary_bytes as f64,
    ));
    rows
}

fn rows(results: &Results<'_>, regen_ratio: f64, debug_ratio: f64, loc_ratio: f64) -> Vec<Row> {
    let settings = results.settings;
    let seconds = |values: &[f64], decimals: usize| format!("{:.*} s", decimals, median(values));
    let micros = |value: f64| format!("{value:.1} µs");
    let skipped = || "skipped (--quick)".to_string();
    let size = results.size;

    let mut release = Row::new(
        match settings.release_runs {
            0 => "recompile after touch, release".to_string(),
            runs => format!("recompile after touch, release, median of {runs}"),
        },
        results
            .release
            .as_ref()
            .map_or_else(skipped, |[o, _]| seconds(o, 2)),
        results
            .release
            .as_ref()
            .map_or_else(skipped, |[_, t]| seconds(t, 2)),
    );
    release.ratio = results.release.as_ref().map(|[o, t]| median(o) / median(t));
    let mut cold = Row::new(
        "cold build of dependency tree, debug",
        results
            .cold
            .map_or_else(skipped, |[o, _]| format!("{o:.1} s")),
        results
            .cold
            .map_or_else(skipped, |[_, t]| format!("{t:.1} s")),
    );
    cold.ratio = results.cold.map(|[o, t]| o / t);

    vec![
        Row::new(
            format!("regenerate whole API, median of {}", settings.regen_runs),
            seconds(&results.regen.ours, 3),
            seconds(&results.regen.progenitor, 3),
        )
        .ratio(regen_ratio)
        .target(0.1),
        Row::new(
            format!(
                "recompile after touch, debug, median of {}",
                settings.debug_runs
            ),
            seconds(&results.debug[0], 2),
            seconds(&results.debug[1], 2),
        )
        .ratio(debug_ratio)
        .target(0.3),
        release,
        cold,
        Row::new(
            "generated lines (non-blank)",
            size.ours_lines.to_string(),
            size.progenitor_lines.to_string(),
        )
        .ratio(size.ours_lines as f64 / size.progenitor_lines as f64),
        Row::new(
            "operations",
            size.ours_operations.to_string(),
            size.progenitor_operations.to_string(),
        ),
        Row::new(
            "generated lines per operation",
            format!("{:.1}", size.ours_per_operation()),
            format!("{:.1}", size.progenitor_per_operation()),
        )
        .ratio(loc_ratio),
        Row::new(
            "one call, local server (vs hand-written reqwest)",
            micros(results.call.generated_us),
            micros(results.call.hand_written_us),
        )
        .ratio(results.call.ratio)
        .target(1.02),
        Row::new(
            "decode 1000-member page (vs plain serde struct)",
            micros(results.decode.generated_us),
            micros(results.decode.hand_written_us),
        )
        .ratio(results.decode.ratio)
        .target(1.05),
        Row::new(
            "list_users, 10 MB entities page, call + decode (vs reqwest + serde)",
            micros(results.entities.generated_us),
            micros(results.entities.hand_written_us),
        )
        .ratio(results.entities.ratio)
        .target(1.05),
        {
            let mut row = Row::new(
                "peak memory of that call (ours / hand-written)",
                "see ratio".to_string(),
                "".to_string(),
            );
            row.ratio = results.entities.key("decode_entities_peak_ratio");
            row
        },
        {
            // The target is against the body, not the other side.
            let mut row = Row::new(
                "peak memory of that call (ours / body size)",
                "see ratio".to_string(),
                "".to_string(),
            );
            row.ratio = results.entities.key("decode_entities_peak_body_ratio");
            row.target(1.5)
        },
    ]
    .into_iter()
    .chain(more_rows(results))
    .collect()
}

fn notes(results: &Results<'_>) -> String {
    let [calls, call_rounds] = results.settings.call;
    let [decodes, decode_rounds] = results.settings.decode;
    [
        "notes (ratio = ours / other; medians; the two sides alternate which goes first):".to_string(),
        format!(
            "- regenerate: `xtask codegen --out DIR` (release build; every file `cargo xtask codegen` writes, tests and openapi.yaml included) vs `cargo-progenitor progenitor` {PROGENITOR_VERSION} (release build, default options), each a process writing into an empty directory, after one untimed run each"
        ),
        format!(
            "- progenitor's input is generated-client/openapi.yaml ({} operations) with its {} multipart/form-data request bodies given as application/octet-stream, since {PROGENITOR_VERSION} rejects multipart",
            results.operations_in_doc, results.multipart
        ),
        format!(
            "- recompile: set the mtime of the generated sources (ours: the {} files of src/generated/; progenitor: src/lib.rs), then `cargo build`, dependencies and the crate already built; crate copies and target dirs in {}",
            results.generated_files,
            results.work.display()
        ),
        "- cold: `cargo build` (debug) of a stub with the crate's Cargo.toml and Cargo.lock and an empty lib.rs, fresh target dir: the dependency tree alone (ours has TLS: rustls with ring, the default; progenitor's reqwest has none)".to_string(),
        "- lines: non-blank, ours src/generated/*.rs over `cargo xtask operations`, progenitor's src/lib.rs over the operations of its input".to_string(),
        format!(
            "- call: examples/call_overhead.rs, {calls} calls x {call_rounds} rounds; ratio = median over rounds of generated / hand-written reqwest time"
        ),
        format!(
            "- throughput: examples/throughput.rs, get_user (payload under `entities`), rate limiting off, {} calls per level and side x {} rounds; ratio = generated / hand-written calls per second (median of rounds), p50/p99 pooled over rounds",
            results.settings.throughput[0], results.settings.throughput[1]
        ),
        format!(
            "- decode entities: examples/decode_entities.rs, list_users with a ~10 MB body, {} calls x {} rounds, end to end against a local server; hand-written side: reqwest + serde_json into `{{entities: Vec<UserDetails>, cursor}}`; peak = most memory held during a call beyond what was held before (counting allocator)",
            results.settings.entities[0], results.settings.entities[1]
        ),
        "- one-call app: a binary calling users().get() on agora-chat (default features) vs one building progenitor's Client with reqwest's rustls feature; cold = fresh target dir; release profile with strip = true".to_string(),
        format!(
            "- decode: examples/decode_bench.rs, {decodes} decodes x {decode_rounds} rounds; Response<Vec<ListChatroomMembersItem>> via serde_json::from_slice (what with_envelope decodes; `.await` skips the envelope members and costs less) vs a struct of `data: Vec<{{owner, member}}>` and `count`"
        ),
    ]
    .iter()
    .map(|line| format!("{line}\n"))
    .collect()
}

/// Now as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (year, month, day) = civil_date(secs / 86_400);
    let minutes = secs % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01.
fn civil_date(days: u64) -> (u64, u64, u64) {
    // Count from 0000-03-01 so that leap days fall at the end of a year,
    // in 400-year eras of 146097 days.
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(59), (1970, 3, 1));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(civil_date(20_454), (2026, 1, 1));
        assert_eq!(civil_date(20_453), (2025, 12, 31));
    }
}
