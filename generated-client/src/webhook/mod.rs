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
//! [`Envelope::event`] (or [`Verifier::verify_event`]) reads a verified
//! body as an [`Event`]: one variant per event family of the spec
//! (messages, `muc` and `group_op_event` group changes, `roster`, user
//! status, moderation, push results, ...), with typed members, and for
//! families with operations (`muc`: `create`, `kick`, ...) an enum of
//! them. The rule's [`Delivery`] is given by the caller: the bodies of
//! pre- and post-delivery messages look alike. Nothing is lost: an unknown
//! family is [`Event::Unknown`], an unknown operation its family's `Other`,
//! a body whose members do not have the documented types
//! [`Event::Undecoded`], each holding the whole [`Envelope`]; and every
//! struct keeps the members the spec does not describe in its `extra`.
//! Message bodies ([`MessageBody`]) read as the content sending takes
//! ([`MessageContent`](crate::messages::MessageContent)) with
//! [`MessageBody::content`].
//!
//! ```
//! use agora_chat::messages::MessageContent;
//! use agora_chat::webhook::{Delivery, Event, Muc, Verifier, sign};
//!
//! let verifier = Verifier::new("s3cret");
//! let signed = |body: &str| body.replace("SIG", &sign("XXXX#XXXX_1", "s3cret", "1600060847294"));
//!
//! let message = signed(r#"{"callId":"XXXX#XXXX_1","timestamp":1600060847294,"security":"SIG",
//!     "eventType":"chat","chat_type":"chat","from":"u1","to":"u2","msg_id":"9",
//!     "payload":{"bodies":[{"type":"txt","msg":"hello"}]}}"#);
//! let Event::Message(event) = verifier.verify(message.as_bytes()).unwrap().event(Delivery::Post) else {
//!     panic!("a message");
//! };
//! assert_eq!((event.from.as_str(), event.to.as_str()), ("u1", "u2"));
//! assert!(matches!(event.payload.bodies[0].content(), Some(MessageContent::Text { msg, .. }) if msg == "hello"));
//!
//! let kick = signed(r#"{"callId":"XXXX#XXXX_1","timestamp":1600060847294,"security":"SIG",
//!     "chat_type":"muc","eventType":"chat","from":"u1","to":"g1","msg_id":"9",
//!     "payload":{"muc_id":"XXXX#XXXX_g1@conference.easemob.com","operation":"kick","is_chatroom":false}}"#);
//! match verifier.verify_event(kick.as_bytes(), Delivery::Post).unwrap() {
//!     (envelope, Event::Muc(Muc::Kick(kick))) => {
//!         assert_eq!(envelope.call_id(), "XXXX#XXXX_1");
//!         assert_eq!(kick.payload.is_chatroom, Some(false));
//!     }
//!     (_, other) => panic!("not a kick: {other:?}"),
//! }
//! ```

pub(crate) mod decode;
mod envelope;
#[cfg(feature = "axum")]
mod extract;
mod reply;
mod signature;
mod verify;

pub use decode::{Delivery, Undecoded};
pub use envelope::{Envelope, Malformed};
#[cfg(feature = "axum")]
pub use extract::{CallbackRejection, VerifiedCallback};
pub use reply::{ChatroomMessageLevel, PreDeliveryReply, ReplyError, ReplyLimits};
pub use signature::sign;
pub use verify::{DEFAULT_MAX_BODY_BYTES, Verifier, VerifyError, verify};

/// The generated event types, and what they call.
pub use crate::generated::webhook_events::*;
