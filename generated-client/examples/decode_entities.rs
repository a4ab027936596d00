//! Decoding a large payload under `entities`: one `list_users` call whose
//! body is about 10 MB, through the generated client, against the same
//! request and decode written by hand with reqwest and serde (into the
//! same item type), against one local server, rate limiting off. Both
//! time and peak memory are measured.
//!
//! ```text
//! cargo run --release -p agora-chat --example decode_entities [-- CALLS_PER_ROUND ROUNDS]
//! ```
//!
//! Each round makes `CALLS_PER_ROUND` calls on one side, then on the other
//! (which side goes first alternates), and prints both times per call. The
//! peak is the most memory the process held during one call beyond what it
//! held before it (from a counting allocator), the median over all calls.
//! Last lines: `decode_entities_peak_ratio=<generated peak / hand-written
//! peak>`, `decode_entities_peak_body_ratio=<generated peak / body size>`
//! and `decode_entities_ratio=<median over rounds of generated /
//! hand-written time>`.

#[path = "common/hand_written.rs"]
mod hand_written;
#[path = "common/rounds.rs"]
mod rounds;
#[path = "common/server.rs"]
mod server;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use agora_chat::Client;
use agora_chat::users::UserDetails;
use hand_written::HandWritten;
use rounds::Rounds;
use serde::Deserialize;
use server::TOKEN;

/// Users on the page: about 10 MB of JSON.
const USERS: usize = 40_000;

/// Counts live bytes and the highest count since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only
// counters are updated on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // SAFETY: as above.
        let moved = unsafe { System.realloc(pointer, layout, size) };
        if !moved.is_null() {
            if size >= layout.size() {
                let live = LIVE.fetch_add(size - layout.size(), Ordering::Relaxed)
                    + (size - layout.size());
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The hand-written side's page: the payload and the cursor.
#[derive(Deserialize)]
struct Page {
    entities: Vec<UserDetails>,
    cursor: Option<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let body = page();
    let body_len = body.len();

    let addr = server::start(body);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let base = format!("http://{addr}");
        let client = server::generated_client(&base);
        let hand = HandWritten::new(&base, "/users", TOKEN);

        // Both sides read the same users; also the warm-up.
        let ours = generated_call(&client).await;
        let theirs = hand.call().await;
        assert_eq!(ours, theirs);
        assert_eq!(ours.0, USERS);

        let mut report = Rounds::default();
        let (mut ours_peak, mut theirs_peak) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let (mut generated, mut handwritten) = (Duration::ZERO, Duration::ZERO);
            for call in 0..calls {
                if (round + call) % 2 == 0 {
                    generated += measure(&mut ours_peak, generated_call(&client)).await;
                    handwritten += measure(&mut theirs_peak, hand.call()).await;
                } else {
                    handwritten += measure(&mut theirs_peak, hand.call()).await;
                    generated += measure(&mut ours_peak, generated_call(&client)).await;
                }
            }
            report.record("call", calls, generated, handwritten);
        }
        let (ours_peak, theirs_peak) = (median(&mut ours_peak), median(&mut theirs_peak));
        println!(
            "peak memory per call: generated {:.1} MB, hand-written {:.1} MB, body {:.1} MB",
            ours_peak as f64 / 1e6,
            theirs_peak as f64 / 1e6,
            body_len as f64 / 1e6
        );
        println!(
            "decode_entities_peak_ratio={:.3}",
            ours_peak as f64 / theirs_peak as f64
        );
        println!(
            "decode_entities_peak_body_ratio={:.3}",
            ours_peak as f64 / body_len as f64
        );
        report.finish("decode_entities_ratio");
    });
}

/// Times `call` and records its peak memory beyond what was live before.
async fn measure<T>(peaks: &mut Vec<usize>, call: impl Future<Output = T>) -> Duration {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let result = call.await;
    let elapsed = started.elapsed();
    peaks.push(PEAK.load(Ordering::Relaxed).saturating_sub(before));
    drop(result);
    elapsed
}

/// Users read and the cursor.
async fn generated_call(client: &Client) -> (usize, Option<String>) {
    let page = client
        .users()
        .list()
        .with_envelope()
        .await
        .expect("generated call");
    (page.data.len(), page.cursor)
}

/// The hand-written side's call: the shared request, then this
/// example's own decode.
impl HandWritten {
    async fn call(&self) -> (usize, Option<String>) {
        let body = self.get().await;
        let page: Page = serde_json::from_slice(&body).expect("decode");
        (page.entities.len(), page.cursor)
    }
}

fn median(values: &mut [usize]) -> usize {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// A `list_users` response as Agora sends it, with `USERS` users.
fn page() -> Vec<u8> {
    let users: Vec<String> = (0..USERS)
        .map(|i| {
            format!(
                concat!(
                    r#"{{"uuid":"4759aa70-eba5-11e8-925f-{i:012x}","type":"user","#,
                    r#""created":1542595573399,"modified":1542595573399,"username":"user{i}","#,
                    r#""activated":true,"nickname":"User number {i}","#,
                    r#""notification_display_style":0,"notification_no_disturbing":false,"#,
                    r#""notifier_name":"com.example.app"}}"#
                ),
                i = i
            )
        })
        .collect();
    format!(
        concat!(
            r#"{{"action":"get","params":{{"limit":["{count}"]}},"path":"/users","#,
            r#""uri":"https://a41.chat.agora.io/org/app/users","entities":[{users}],"#,
            r#""timestamp":1700000000000,"duration":0,"cursor":"LTgzNDAxMjM3OTpnR2tBQVFNQ2dHa0FBZ0FBQUFFQUFBQUVBQUFBQVFBQUFBRUFBQQ","#,
            r#""organization":"org","application":"8be024f0-e978-11e8-b697-5d598d5f8402","#,
            r#""applicationName":"app","count":{count}}}"#
        ),
        users = users.join(","),
        count = USERS
    )
    .into_bytes()
}
