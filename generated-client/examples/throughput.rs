//! Throughput and latency of concurrent calls: `get_user` (a payload under
//! `entities`) through the generated client against the same request and
//! decode written by hand with reqwest and serde, at 1, 16, 128 and 512
//! calls in flight, against one fast local server, rate limiting off.
//!
//! ```text
//! cargo run --release -p agora-chat --example throughput [-- CALLS_PER_ROUND ROUNDS]
//! ```
//!
//! For each level, each round runs `CALLS_PER_ROUND` calls on one side and
//! then on the other (which side goes first alternates): that many tasks
//! in flight, each calling in a loop, on a multi-thread runtime. Per round
//! it prints both sides' calls per second; per level the pooled p50 and
//! p99 latencies. Then, per level `N`, `throughput_N_ratio=<x>` (the median
//! over rounds of generated / hand-written calls per second: above 1 is
//! faster), `p50_N_ratio=` and `p99_N_ratio=` (generated / hand-written
//! latency: below 1 is faster).

#[path = "common/hand_written.rs"]
mod hand_written;
#[path = "common/server.rs"]
mod server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use agora_chat::Client;
use agora_chat::users::UserDetails;
use hand_written::HandWritten;
use serde::Deserialize;
use server::TOKEN;

const LEVELS: [usize; 4] = [1, 16, 128, 512];
const BODY: &str = r#"{"action":"get","path":"/users","uri":"https://a41.chat.agora.io/org/app/users/u1","entities":[{"uuid":"4759aa70-eba5-11e8-925f-6fa0510823ba","type":"user","created":1542595573399,"modified":1542595573399,"username":"u1","activated":true,"nickname":"User One"}],"timestamp":1700000000000,"duration":0,"organization":"org","application":"8be024f0-e978-11e8-b697-5d598d5f8402","applicationName":"app","count":1}"#;

/// The hand-written side's envelope: only the payload.
#[derive(Deserialize)]
struct Envelope {
    entities: Vec<UserDetails>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4096);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);

    let addr = server::start(BODY.as_bytes().to_vec());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let base = format!("http://{addr}");
        let client = server::generated_client(&base);
        let hand = Arc::new(HandWritten::new(&base, "/users/u1", TOKEN));
        let generated = Side::Generated(client);
        let hand = Side::HandWritten(hand);

        let mut summary = Vec::new();
        for level in LEVELS {
            // Warm up: open `level` connections on both sides.
            let warm = calls.max(level * 2);
            run(&generated, level, warm).await;
            run(&hand, level, warm).await;
            let mut ratios = Vec::new();
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            for round in 0..rounds {
                let (g, h) = if round % 2 == 0 {
                    let g = run(&generated, level, calls).await;
                    (g, run(&hand, level, calls).await)
                } else {
                    let h = run(&hand, level, calls).await;
                    (run(&generated, level, calls).await, h)
                };
                let ratio = g.per_second() / h.per_second();
                println!(
                    "inflight {level} round {round}: generated {:.0} calls/s, hand-written {:.0} calls/s, ratio {ratio:.3}",
                    g.per_second(),
                    h.per_second()
                );
                ratios.push(ratio);
                ours.extend(g.latencies);
                theirs.extend(h.latencies);
            }
            let (p50, p99) = (quantile(&mut ours, 0.5), quantile(&mut ours, 0.99));
            let (h50, h99) = (quantile(&mut theirs, 0.5), quantile(&mut theirs, 0.99));
            println!(
                "inflight {level}: generated p50 {:.1} µs p99 {:.1} µs, hand-written p50 {:.1} µs p99 {:.1} µs",
                micros(p50),
                micros(p99),
                micros(h50),
                micros(h99)
            );
            summary.push((level, median(&mut ratios), ratio(p50, h50), ratio(p99, h99)));
        }
        for (level, throughput, p50, p99) in summary {
            println!("throughput_{level}_ratio={throughput:.3}");
            println!("p50_{level}_ratio={p50:.3}");
            println!("p99_{level}_ratio={p99:.3}");
        }
    });
}

/// One side of the comparison.
#[derive(Clone)]
enum Side {
    Generated(Client),
    HandWritten(Arc<HandWritten>),
}

impl Side {
    async fn call(&self) {
        match self {
            Side::Generated(client) => {
                let user = client.users().get("u1").await.expect("generated call");
                assert_eq!(user.username, "u1");
            }
            Side::HandWritten(hand) => hand.call().await,
        }
    }
}

/// What one round of one side measured.
struct Measured {
    calls: usize,
    wall: Duration,
    latencies: Vec<Duration>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64()
    }
}

/// `calls` calls of `side`, `level` at a time.
async fn run(side: &Side, level: usize, calls: usize) -> Measured {
    let remaining = Arc::new(AtomicUsize::new(calls));
    let started = Instant::now();
    let tasks: Vec<_> = (0..level)
        .map(|_| {
            let (side, remaining) = (side.clone(), Arc::clone(&remaining));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                // Take one call at a time until none are left.
                while remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    let at = Instant::now();
                    side.call().await;
                    latencies.push(at.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(calls);
    for task in tasks {
        latencies.extend(task.await.expect("task"));
    }
    Measured {
        calls,
        wall: started.elapsed(),
        latencies,
    }
}

/// The same decode, written by hand, after the shared request.
impl HandWritten {
    async fn call(&self) {
        let body = self.get().await;
        let decoded: Envelope = serde_json::from_slice(&body).expect("decode");
        assert_eq!(decoded.entities[0].username, "u1");
    }
}

fn quantile(values: &mut [Duration], q: f64) -> Duration {
    values.sort_unstable();
    let index = ((values.len() as f64 - 1.0) * q).round() as usize;
    values.get(index).copied().unwrap_or_default()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn micros(value: Duration) -> f64 {
    value.as_secs_f64() * 1e6
}

fn ratio(ours: Duration, theirs: Duration) -> f64 {
    ours.as_secs_f64() / theirs.as_secs_f64()
}
