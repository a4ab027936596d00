//! Decoding cost of a generated response type compared with plain serde
//! into a minimal hand-written struct, on a 1000-member chat room member
//! page (`list_chatroom_members`).
//!
//! ```text
//! cargo run --release -p agora-chat --example decode_bench [-- DECODES_PER_ROUND ROUNDS]
//! ```
//!
//! The generated side decodes the body as `with_envelope` does for a 2xx
//! response whose payload is `data`:
//! `serde_json::from_slice::<Response<Vec<ListChatroomMembersItem>>>` (the
//! envelope with its unknown-field map, each item with its own). `.await`
//! costs less (it skips the envelope members undecoded), but that decode
//! is internal to the client, so this bench holds the dearer of the two to
//! the target. The
//! hand-written side keeps only what a caller reads: `data` as a list of
//! `{owner, member}` and `count`.
//!
//! Each round times `DECODES_PER_ROUND` decodes on one side, then on the
//! other (which side goes first alternates), and prints both times per
//! decode. The last line is `decode_ratio=<x>`: the median over rounds of
//! generated time / hand-written time.

#[path = "common/rounds.rs"]
mod rounds;

use std::hint::black_box;
use std::time::{Duration, Instant};

use agora_chat::Response;
use agora_chat::chatroom_members::ListChatroomMembersItem;
use rounds::Rounds;
use serde::Deserialize;

/// Members on the page.
const MEMBERS: usize = 1000;

/// What a careful hand-written client would declare for this page.
#[derive(Deserialize)]
struct MemberPage {
    data: Vec<Member>,
    count: Option<i64>,
}

#[derive(Deserialize)]
struct Member {
    owner: Option<String>,
    member: Option<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let decodes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(15);
    let body = page();

    // Both sides read the same members.
    let generated = decode_generated(&body);
    let hand = decode_hand_written(&body);
    assert_eq!(generated.data.len(), MEMBERS);
    assert_eq!(generated.count, hand.count);
    for (g, h) in generated.data.iter().zip(&hand.data) {
        assert_eq!((&g.owner, &g.member), (&h.owner, &h.member));
    }

    // Warm up caches and the allocator on both sides.
    let warm_up = (decodes / 4).max(1);
    time(warm_up, || {
        drop(black_box(decode_generated(black_box(&body))))
    });
    time(warm_up, || {
        drop(black_box(decode_hand_written(black_box(&body))))
    });

    let mut report = Rounds::default();
    for round in 0..rounds {
        let generated_side = || {
            time(decodes, || {
                drop(black_box(decode_generated(black_box(&body))))
            })
        };
        let hand_side = || {
            time(decodes, || {
                drop(black_box(decode_hand_written(black_box(&body))))
            })
        };
        let (generated, handwritten) = if round % 2 == 0 {
            let generated = generated_side();
            (generated, hand_side())
        } else {
            let handwritten = hand_side();
            (generated_side(), handwritten)
        };
        report.record("decode", decodes, generated, handwritten);
    }
    report.finish("decode_ratio");
}

fn decode_generated(body: &[u8]) -> Response<Vec<ListChatroomMembersItem>> {
    serde_json::from_slice(body).expect("generated decode")
}

fn decode_hand_written(body: &[u8]) -> MemberPage {
    serde_json::from_slice(body).expect("hand-written decode")
}

/// How long `count` calls of `decode` take.
fn time(count: usize, mut decode: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..count {
        decode();
    }
    started.elapsed()
}

/// A `list_chatroom_members` response as Agora sends it, with `MEMBERS`
/// entries `{"member":"u<i>"}`.
fn page() -> Vec<u8> {
    let members: Vec<String> = (0..MEMBERS)
        .map(|i| format!(r#"{{"member":"u{i}"}}"#))
        .collect();
    format!(
        concat!(
            r#"{{"action":"get","application":"8be024f0-e978-11e8-b697-5d598d5f8402","#,
            r#""params":{{"pagesize":["{count}"],"pagenum":["1"]}},"#,
            r#""uri":"https://a41.chat.agora.io/org/app/chatrooms/room1/users","entities":[],"#,
            r#""data":[{members}],"timestamp":1700000000000,"duration":0,"#,
            r#""organization":"org","applicationName":"app","count":{count}}}"#
        ),
        members = members.join(","),
        count = MEMBERS
    )
    .into_bytes()
}
