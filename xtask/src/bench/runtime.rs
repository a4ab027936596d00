//! 4. and 5. Per-call overhead, throughput and decoding: the
//!    `call_overhead`, `throughput`, `decode_bench` and `decode_entities`
//!    examples of `agora-chat`, built in release from the copy and run as
//!    they are. They print one line per round (`round N: generated X µs/…,
//!    hand-written Y µs/…, ratio R`, except `throughput`) and end with
//!    `<key>=<value>` lines, `<key>` being the ratio's name in the JSON
//!    line.

use std::env::consts::EXE_SUFFIX;
use std::process::Command;

use super::compile::Crate;
use super::process::{self, median};

pub(crate) const CALL_OVERHEAD: &str = "call_overhead";
pub(crate) const DECODE: &str = "decode_bench";
pub(crate) const THROUGHPUT: &str = "throughput";
pub(crate) const DECODE_ENTITIES: &str = "decode_entities";

/// What an example measured: median µs per operation on each side, the
/// ratio it reports, and every `key=value` line it printed.
pub(crate) struct Measured {
    pub(crate) generated_us: f64,
    pub(crate) hand_written_us: f64,
    pub(crate) ratio: f64,
    pub(crate) keys: Vec<(String, f64)>,
}

impl Measured {
    /// The value the example printed as `key=`.
    pub(crate) fn key(&self, key: &str) -> Option<f64> {
        find_key(&self.keys, key)
    }
}

/// The value of `key` among `keys`.
pub(crate) fn find_key(keys: &[(String, f64)], key: &str) -> Option<f64> {
    keys.iter()
        .find(|(name, _)| name == key)
        .map(|&(_, value)| value)
}

/// Builds the examples in release (untimed).
pub(crate) fn build(ours: &Crate) -> Result<(), String> {
    let mut args = vec!["-p", "agora-chat"];
    for example in [CALL_OVERHEAD, DECODE, THROUGHPUT, DECODE_ENTITIES] {
        args.extend(["--example", example]);
    }
    process::run(&mut ours.cargo(true, &args)).map(drop)
}

/// Runs example `name` with `args` and reads its figures; it ends with
/// `<ratio_key>=<ratio>`.
pub(crate) fn run(
    ours: &Crate,
    name: &str,
    ratio_key: &str,
    args: &[usize],
) -> Result<Measured, String> {
    let (stdout, command) = run_example(ours, name, args)?;
    parse(&stdout, &format!("{ratio_key}=")).ok_or_else(|| {
        format!(
            "`{}`: unexpected output:\n{}",
            process::describe(&command),
            process::tail(&stdout, 15)
        )
    })
}

/// Runs example `name` with `args` and reads every `key=value` line it
/// printed (for `throughput`, which has no round lines of that format);
/// at least `expected` must be among them.
pub(crate) fn run_keys(
    ours: &Crate,
    name: &str,
    args: &[usize],
    expected: &[&str],
) -> Result<Vec<(String, f64)>, String> {
    let (stdout, command) = run_example(ours, name, args)?;
    let keys = keys(&stdout);
    match expected.iter().find(|key| find_key(&keys, key).is_none()) {
        None => Ok(keys),
        Some(missing) => Err(format!(
            "`{}`: no `{missing}=` line in its output:\n{}",
            process::describe(&command),
            process::tail(&stdout, 15)
        )),
    }
}

/// Runs the release build of example `name`; its stdout and the command.
fn run_example(ours: &Crate, name: &str, args: &[usize]) -> Result<(String, Command), String> {
    let exe = ours
        .target
        .join("release/examples")
        .join(format!("{name}{EXE_SUFFIX}"));
    let mut command = Command::new(&exe);
    command.args(args.iter().map(usize::to_string));
    let output = process::run(&mut command)?;
    Ok((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        command,
    ))
}

/// The `key=value` lines of `stdout` whose key is a lower-case identifier
/// and whose value is a number.
fn keys(stdout: &str) -> Vec<(String, f64)> {
    stdout
        .lines()
        .filter_map(|line| {
            let (key, value) = line.split_once('=')?;
            let is_key = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            Some((key.to_owned(), value.trim().parse().ok()?)).filter(|_| is_key)
        })
        .collect()
}

/// Reads the round lines and the final `key=` line.
fn parse(stdout: &str, key: &str) -> Option<Measured> {
    let mut generated = Vec::new();
    let mut hand_written = Vec::new();
    let mut ratio = None;
    for line in stdout.lines() {
        if line.starts_with("round ") {
            generated.push(number_after(line, "generated ")?);
            hand_written.push(number_after(line, "hand-written ")?);
        } else if let Some(value) = line.strip_prefix(key) {
            ratio = value.trim().parse().ok();
        }
    }
    if generated.is_empty() {
        return None;
    }
    Some(Measured {
        generated_us: median(&generated),
        hand_written_us: median(&hand_written),
        ratio: ratio?,
        keys: keys(stdout),
    })
}

/// The number right after `label` in `line`.
fn number_after(line: &str, label: &str) -> Option<f64> {
    let rest = &line[line.find(label)? + label.len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_rounds_and_ratio() {
        let out = "round 0: generated 60.5 µs/call, hand-written 50.0 µs/call, ratio 1.210\n\
                   round 1: generated 55.0 µs/call, hand-written 52.0 µs/call, ratio 1.058\n\
                   round 2: generated 58.0 µs/call, hand-written 51.0 µs/call, ratio 1.137\n\
                   call_overhead_ratio=1.137\n";
        let measured = parse(out, "call_overhead_ratio=").expect("parses");
        assert_eq!(measured.generated_us, 58.0);
        assert_eq!(measured.hand_written_us, 51.0);
        assert_eq!(measured.ratio, 1.137);
        assert!(parse("call_overhead_ratio=1.0\n", "call_overhead_ratio=").is_none());
        assert!(parse(out, "decode_ratio=").is_none());
        assert_eq!(measured.key("call_overhead_ratio"), Some(1.137));
        assert_eq!(measured.key("decode_ratio"), None);
    }

    #[test]
    fn reads_key_lines_only() {
        let out = "inflight 16 round 0: generated 9000 calls/s, ratio 0.9\n\
                   inflight 16: generated p50 10.0 µs p99 20.0 µs\n\
                   throughput_16_ratio=0.950\n\
                   p99_16_ratio=1.2\n\
                   Not_a_key=1\n\
                   x=not a number\n";
        assert_eq!(
            super::keys(out),
            [
                ("throughput_16_ratio".to_owned(), 0.95),
                ("p99_16_ratio".to_owned(), 1.2)
            ]
        );
    }
}
