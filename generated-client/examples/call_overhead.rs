//! Per-call overhead of a generated method compared with a hand-written
//! reqwest call doing the same request and decoding the same payload,
//! against one local HTTP server, measured side by side in one run.
//!
//! ```text
//! cargo run --release -p agora-chat --example call_overhead [-- CALLS_PER_ROUND ROUNDS]
//! ```
//!
//! Prints per-round figures, then `call_overhead_ratio=<x>`: the median
//! over rounds of (generated time per call) / (hand-written time per
//! call). Within a round the two sides alternate call by call, each going
//! first half of the time, so drift (CPU frequency, other processes) hits
//! them alike. The server is a minimal keep-alive HTTP/1.1 responder on
//! its own thread, so that it adds as little as possible to both sides and
//! the client's share shows.

#[path = "common/hand_written.rs"]
mod hand_written;
#[path = "common/rounds.rs"]
mod rounds;
#[path = "common/server.rs"]
mod server;

use std::time::{Duration, Instant};

use agora_chat::chatrooms::GetChatroomAnnouncementData;
use agora_chat::{Client, Response};

use hand_written::HandWritten;
use rounds::Rounds;
use server::TOKEN;

const BODY: &str = r#"{"action":"get","application":"8be024f0-e978-11e8-b697-5d598d5f8402","uri":"https://a41.chat.agora.io/org/app/chatrooms/room1/announcement","entities":[],"data":{"announcement":"Welcome to the room, please be nice."},"timestamp":1700000000000,"duration":0,"organization":"org","applicationName":"app"}"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(9);

    let addr = server::start(BODY.as_bytes().to_vec());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let base = format!("http://{addr}");
        let client = server::generated_client(&base);
        let hand = HandWritten::new(&base, "/chatrooms/room1/announcement", TOKEN);

        // Warm up connections, allocator and caches on both sides.
        for _ in 0..calls {
            generated_call(&client).await;
            hand.call().await;
        }

        let mut report = Rounds::default();
        for _ in 0..rounds {
            // Calls alternate one by one, each side going first half of the
            // time, so both see the same conditions.
            let (mut generated, mut handwritten) = (Duration::ZERO, Duration::ZERO);
            for call in 0..calls {
                if call % 2 == 0 {
                    generated += time(|| generated_call(&client)).await;
                    handwritten += time(|| hand.call()).await;
                } else {
                    handwritten += time(|| hand.call()).await;
                    generated += time(|| generated_call(&client)).await;
                }
            }
            report.record("call", calls, generated, handwritten);
        }
        report.finish("call_overhead_ratio");
    });
}

/// How long one call takes.
async fn time<F, Fut>(call: F) -> Duration
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    call().await;
    started.elapsed()
}

async fn generated_call(client: &Client) {
    let response = client
        .chatrooms()
        .get_announcement("room1")
        .await
        .expect("generated call");
    assert!(response.announcement.is_some());
}

/// The hand-written side's call: the shared request, then this
/// example's own decode.
impl HandWritten {
    async fn call(&self) {
        let body = self.get().await;
        let decoded: Response<GetChatroomAnnouncementData> =
            serde_json::from_slice(&body).expect("decode");
        assert!(decoded.data.announcement.is_some());
    }
}
