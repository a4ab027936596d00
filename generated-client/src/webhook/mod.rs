//! Receiving callbacks (webhooks): verifying what the Chat server POSTs to
//! your app server, and answering pre-delivery callbacks.
//!
//! The server sends two kinds of callbacks to the URLs of your callback
//! rules, each body a UTF-8 JSON object signed with the rule's secret:
//!
//! - **pre-delivery**: a message from a client SDK waits until your server
//!   answers with a [`PreDeliveryReply`] (deliver, reject, or deliver
//!   rewritten); without an answer in time the rule's fallback applies;
//! - **post-delivery**: messages, recalls, edits, receipts, logins and
//!   logouts, contact, group and chat room changes, moderation and push
//!   results. Any HTTP 200 answers them (at most 1,000 characters of body);
//!   a failed one is sent once more.
//!
//! [`Verifier`] (or the plain [`verify`]) checks a raw body — size first,
//! then the shared members, then the signature in constant time, then
//! optionally the age — and returns the [`Envelope`]: `callId`,
//! `eventType`, `chat_type`, `timestamp`, the payload and every other
//! member, untyped. With the `axum` feature, `VerifiedCallback` does the
//! same as an extractor.
//!
//! ```
//! use agora_chat::webhook::{PreDeliveryReply, Verifier, sign};
//!
//! /// The status and body answering a pre-delivery callback.
//! fn answer(verifier: &Verifier, raw_body: &[u8]) -> (u16, String) {
//!     let callback = match verifier.verify(raw_body) {
//!         Ok(callback) => callback,
//!         // Not from the server, or not for this rule.
//!         Err(e) => return (401, e.to_string()),
//!     };
//!     let text = callback.payload().and_then(|p| p["bodies"][0]["msg"].as_str());
//!     let reply = match text {
//!         Some(t) if t.contains("spam") => PreDeliveryReply::reject().code("blocked"),
//!         _ => PreDeliveryReply::accept(),
//!     };
//!     match reply.to_json() {
//!         Ok(json) => (200, json),
//!         // Over the documented limits: the server would take the fallback.
//!         Err(e) => (500, e.to_string()),
//!     }
//! }
//!
//! let verifier = Verifier::new("secret-of-the-rule");
//! let body = format!(
//!     r#"{{"callId":"XXXX#XXXX_1","timestamp":1600060847294,"chat_type":"chat","from":"u1",
//!         "to":"u2","msg_id":"1","payload":{{"bodies":[{{"type":"txt","msg":"spam!"}}]}},"security":"{}"}}"#,
//!     sign("XXXX#XXXX_1", "secret-of-the-rule", "1600060847294")
//! );
//! assert_eq!(answer(&verifier, body.as_bytes()), (200, r#"{"valid":false,"code":"blocked"}"#.into()));
//! assert_eq!(answer(&verifier, b"{}").0, 401);
//! ```
//!
//! # What the signature covers
//!
//! `security` is the MD5 of `callId`, the secret and `timestamp` ([`sign`]),
//! as the docs define it: it proves the sender knows the secret, but not
//! that the payload is unchanged, so use an HTTPS callback URL. `callId`
//! repeats when the server resends a callback; use it to drop duplicates.
//!
//! # Typed events
//!
//! The event families (messages, `muc`, `group_op_event`, `roster`, ...)
//! are described in the crate's spec; until they are generated as types,
//! read the payload from [`Envelope::payload`] or [`Envelope::member`].

mod envelope;
#[cfg(feature = "axum")]
mod extract;
mod reply;
mod signature;
mod verify;

pub use envelope::{Envelope, Malformed};
#[cfg(feature = "axum")]
pub use extract::{CallbackRejection, VerifiedCallback};
pub use reply::{ChatroomMessageLevel, PreDeliveryReply, ReplyError, ReplyLimits};
pub use signature::sign;
pub use verify::{DEFAULT_MAX_BODY_BYTES, Verifier, VerifyError, verify};
