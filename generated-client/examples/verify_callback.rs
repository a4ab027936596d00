//! Verifies one callback body read from stdin and prints one line.
//!
//! ```text
//! cargo run -q -p agora-chat --example verify_callback -- --secret SECRET \
//!     [--max-age SECONDS] [--max-bytes N] < body.json
//! ```
//!
//! | Output | Exit |
//! |---|---|
//! | `ok <eventType> <chat_type>` (`-` for a member the callback lacks) | 0 |
//! | `bad-signature` | 1 |
//! | `malformed: <what>` (not JSON, a shared member missing or mistyped, too large) | 2 |
//! | `stale: <how far from now>` (only with `--max-age`) | 3 |
//! | `error: <what>` and the usage, on stderr (bad arguments, unreadable stdin) | 64 |

use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;

use agora_chat::webhook::{DEFAULT_MAX_BODY_BYTES, Verifier, VerifyError};

const USAGE: &str =
    "usage: verify_callback --secret SECRET [--max-age SECONDS] [--max-bytes N] < body.json";

fn main() -> ExitCode {
    let verifier = match parse(std::env::args().skip(1)) {
        Ok(verifier) => verifier,
        Err(message) => return usage_error(&message),
    };
    // One byte over the limit is enough to know the body is too large.
    let mut body = Vec::new();
    let limit = u64::try_from(verifier.body_limit()).unwrap_or(u64::MAX);
    if let Err(e) = std::io::stdin()
        .take(limit.saturating_add(1))
        .read_to_end(&mut body)
    {
        return usage_error(&format!("cannot read stdin: {e}"));
    }
    let (line, code) = match verifier.verify(&body) {
        Ok(callback) => (
            format!(
                "ok {} {}",
                callback.event_type().unwrap_or("-"),
                callback.chat_type().unwrap_or("-")
            ),
            0,
        ),
        Err(VerifyError::BadSignature) => ("bad-signature".to_string(), 1),
        Err(e @ VerifyError::Stale { .. }) => (format!("stale: {e}"), 3),
        Err(e) => match e.malformed() {
            Some(what) => (format!("malformed: {what}"), 2),
            None => return usage_error(&e.to_string()),
        },
    };
    println!("{line}");
    ExitCode::from(code)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n{USAGE}");
    ExitCode::from(64)
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Verifier, String> {
    let mut secret = None;
    let mut max_age = None;
    let mut max_bytes = DEFAULT_MAX_BODY_BYTES;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--secret" => secret = Some(value()?),
            "--max-age" => {
                let seconds = value()?;
                let seconds: u64 = seconds
                    .parse()
                    .map_err(|_| format!("--max-age takes whole seconds, not `{seconds}`"))?;
                max_age = Some(Duration::from_secs(seconds));
            }
            "--max-bytes" => {
                let bytes = value()?;
                max_bytes = bytes
                    .parse()
                    .map_err(|_| format!("--max-bytes takes a byte count, not `{bytes}`"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let secret = secret.ok_or("--secret is required")?;
    if secret.is_empty() {
        return Err("--secret must not be empty".into());
    }
    let verifier = Verifier::new(secret).max_body_bytes(max_bytes);
    Ok(match max_age {
        Some(max_age) => verifier.max_age(max_age),
        None => verifier,
    })
}
