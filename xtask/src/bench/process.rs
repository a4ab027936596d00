//! Running commands: errors that name the command and show the end of its
//! stderr, wall-clock timing, medians.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

/// How many stderr lines an error message shows.
const TAIL_LINES: usize = 25;

/// The cargo that runs us (`cargo xtask` sets `CARGO`), else the one on
/// `PATH`.
pub(crate) fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// A cargo command without the package variables `cargo run` gave us, so
/// the child only sees the manifest it is pointed at.
pub(crate) fn cargo_command(args: &[&str]) -> Command {
    let mut command = Command::new(cargo());
    command.args(args);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || key.starts_with("CARGO_BIN_")
            || key == "CARGO_PRIMARY_PACKAGE"
            || key == "CARGO_CRATE_NAME"
        {
            command.env_remove(key.as_ref());
        }
    }
    command
}

/// `program arg…` (in `dir`), for messages.
pub(crate) fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    if let Some(dir) = command.get_current_dir() {
        text.push_str(&format!(" (in {})", dir.display()));
    }
    text
}

/// Runs `command` to completion with stdout and stderr captured; an error
/// unless it exits successfully.
pub(crate) fn run(command: &mut Command) -> Result<Output, String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(command)))?;
    check(command, &output)?;
    Ok(output)
}

/// Runs `command` as [`run`] does and returns its wall-clock time in
/// seconds. Stdout is discarded (some tools print a lot; writing it nowhere
/// costs nothing).
pub(crate) fn time(command: &mut Command) -> Result<f64, String> {
    command.stdout(Stdio::null());
    let started = Instant::now();
    run(command)?;
    Ok(started.elapsed().as_secs_f64())
}

fn check(command: &Command, output: &Output) -> Result<(), String> {
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let shown = if stderr.trim().is_empty() {
        stdout
    } else {
        stderr
    };
    Err(format!(
        "`{}` failed ({}); last lines of its output:\n{}",
        describe(command),
        output.status,
        tail(&shown, TAIL_LINES)
    ))
}

/// The last `lines` lines of `text`, indented.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    all[start..]
        .iter()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The median (the mean of the two middle values for an even count); NaN
/// when empty.
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::{median, tail};

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc", 2), "    b\n    c");
        assert_eq!(tail("a", 5), "    a");
    }
}
