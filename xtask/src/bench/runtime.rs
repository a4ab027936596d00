//! 4. and 5. Per-call overhead and decoding: the `call_overhead` and
//!    `decode_bench` examples of `agora-chat`, built in release from the
//!    copy and run as they are. Both print one line per round
//!    (`round N: generated X µs/…, hand-written Y µs/…, ratio R`) and end
//!    with `<key>=<median of the round ratios>`.

use std::env::consts::EXE_SUFFIX;
use std::process::Command;

use super::compile::Crate;
use super::process::{self, median};

pub(crate) const CALL_OVERHEAD: &str = "call_overhead";
pub(crate) const DECODE: &str = "decode_bench";

/// What an example measured: median µs per operation on each side, and the
/// ratio it reports.
pub(crate) struct Measured {
    pub(crate) generated_us: f64,
    pub(crate) hand_written_us: f64,
    pub(crate) ratio: f64,
}

/// Builds both examples in release (untimed).
pub(crate) fn build(ours: &Crate) -> Result<(), String> {
    let mut args = vec!["-p", "agora-chat"];
    for example in [CALL_OVERHEAD, DECODE] {
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
    let exe = ours
        .target
        .join("release/examples")
        .join(format!("{name}{EXE_SUFFIX}"));
    let mut command = Command::new(&exe);
    command.args(args.iter().map(usize::to_string));
    let output = process::run(&mut command)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    parse(&stdout, &format!("{ratio_key}=")).ok_or_else(|| {
        format!(
            "`{}`: unexpected output:\n{}",
            process::describe(&command),
            process::tail(&stdout, 15)
        )
    })
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
    }
}
