//! Prints an Agora Chat app token (AccessToken2, `007…`) on one line.
//!
//! ```text
//! cargo run -q -p agora-chat --example app_token -- \
//!     --app-id ID --app-certificate CERT --expire SECONDS [--issue-ts TS] [--salt SALT]
//! ```
//!
//! Without `--issue-ts` the token is issued now, without `--salt` the salt is
//! random; with both, the same arguments always print the same token.

use std::process::ExitCode;

use agora_chat::AppCredentials;

const USAGE: &str = "usage: app_token --app-id ID --app-certificate CERT --expire SECONDS \
                     [--issue-ts UNIX_SECONDS] [--salt SALT]";

/// The parsed command line.
struct Args {
    app_id: String,
    app_certificate: String,
    expire: u32,
    issue_ts: Option<u32>,
    salt: Option<u32>,
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1)) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: impl Iterator<Item = String>) -> Result<String, String> {
    let args = parse(args)?;
    let credentials =
        AppCredentials::new(args.app_id, args.app_certificate).map_err(|e| e.to_string())?;
    let issue_ts = match args.issue_ts {
        Some(ts) => ts,
        None => AppCredentials::now().map_err(|e| e.to_string())?,
    };
    let salt = args.salt.unwrap_or_else(AppCredentials::random_salt);
    let token = credentials.build_token_at(issue_ts, salt, args.expire);
    // Printing the token is the point of this program.
    Ok(token.expose_secret().to_owned())
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut app_id, mut app_certificate, mut expire, mut issue_ts, mut salt) =
        (None, None, None, None, None);
    while let Some(flag) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (flag, None),
        };
        let slot = match name.as_str() {
            "--app-id" => &mut app_id,
            "--app-certificate" => &mut app_certificate,
            "--expire" => &mut expire,
            "--issue-ts" => &mut issue_ts,
            "--salt" => &mut salt,
            "-h" | "--help" => return Err("help requested".to_owned()),
            other => return Err(format!("unknown argument `{other}`")),
        };
        let value = match inline.or_else(|| args.next()) {
            Some(value) => value,
            None => return Err(format!("`{name}` needs a value")),
        };
        if slot.replace(value).is_some() {
            return Err(format!("`{name}` given twice"));
        }
    }
    Ok(Args {
        app_id: app_id.ok_or("missing `--app-id`")?,
        app_certificate: app_certificate.ok_or("missing `--app-certificate`")?,
        expire: number("--expire", expire.ok_or("missing `--expire`")?)?,
        issue_ts: issue_ts
            .map(|value| number("--issue-ts", value))
            .transpose()?,
        salt: salt.map(|value| number("--salt", value)).transpose()?,
    })
}

/// Parses a `u32` argument, naming the flag when it is not one.
fn number(flag: &str, value: String) -> Result<u32, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("`{flag}` must be a whole number from 0 to 4294967295, got `{value}`"))
}
