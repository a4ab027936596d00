//! One process of the fleet benchmark (`cargo xtask bench fleet`): calls
//! `list_chatroom_allowlist` (documented at 100/s per app) as fast as its
//! client allows, from several tasks, until a common deadline.
//!
//! ```text
//! cargo run -p agora-chat --example fleet_client -- BASE_URL START_UNIX_MS SECONDS TASKS [REDIS_URL]
//! ```
//!
//! All processes of one run get the same start time, so that they call
//! together. With `REDIS_URL` the client shares its rate limits and token
//! through Redis; without it, both are the process' own. Prints one line:
//! `ok=N rate_limited=N other_errors=N`.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agora_chat::fleet::RedisFleet;
use agora_chat::{Client, Error};

struct Args {
    base: String,
    start_unix_ms: u64,
    seconds: u64,
    tasks: usize,
    redis: Option<String>,
}

fn parse() -> Result<Args, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |index: usize, name: &str| -> Result<u64, String> {
        args.get(index)
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("{name} must be a whole number"))
    };
    if !(4..=5).contains(&args.len()) {
        return Err(
            "usage: fleet_client BASE_URL START_UNIX_MS SECONDS TASKS [REDIS_URL]".to_owned(),
        );
    }
    Ok(Args {
        base: args[0].clone(),
        start_unix_ms: number(1, "START_UNIX_MS")?,
        seconds: number(2, "SECONDS")?,
        tasks: usize::try_from(number(3, "TASKS")?).map_err(|e| e.to_string())?,
        redis: args.get(4).cloned(),
    })
}

/// How long until `unix_ms` on the system clock (zero if it has passed).
fn until(unix_ms: u64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_millis(unix_ms).saturating_sub(now)
}

#[derive(Default)]
struct Counts {
    ok: u64,
    rate_limited: u64,
    other: u64,
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(counts) => {
            println!(
                "ok={} rate_limited={} other_errors={}",
                counts.ok, counts.rate_limited, counts.other
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<Counts, Error> {
    let mut builder = Client::builder(&args.base, "org", "app")
        .allow_http(true)
        .client_credentials("fleet-client-id", "fleet-client-secret");
    if let Some(url) = &args.redis {
        builder = builder.fleet(RedisFleet::new(url)?.key_prefix("fleet-bench:"));
    }
    let client = builder.build()?;
    tokio::time::sleep(until(args.start_unix_ms)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.seconds);
    let tasks = (0..args.tasks).map(|_| {
        let client = client.clone();
        async move {
            let mut counts = Counts::default();
            // Calls still waiting at the deadline are dropped, uncounted.
            let _ = tokio::time::timeout_at(deadline, async {
                loop {
                    match client.chatroom_allowlist().list("room1").await {
                        Ok(_) => counts.ok += 1,
                        Err(error) if error.is_rate_limited() => counts.rate_limited += 1,
                        Err(_) => counts.other += 1,
                    }
                }
            })
            .await;
            counts
        }
    });
    let all = futures_util::future::join_all(tasks).await;
    Ok(all.into_iter().fold(Counts::default(), |mut sum, counts| {
        sum.ok += counts.ok;
        sum.rate_limited += counts.rate_limited;
        sum.other += counts.other;
        sum
    }))
}
