//! A typed async client for the [Agora Chat] REST API.
//!
//! Build one [`Client`] per app with [`Client::builder`] (the app's REST
//! host, org name, app name and credentials). The API's operations are
//! grouped the way Agora's docs group them, one namespace per group reached
//! from the client: [`client.users()`](Client::users),
//! [`client.chatrooms()`](Client::chatrooms),
//! [`client.chatroom_members()`](Client::chatroom_members),
//! [`client.messages()`](Client::messages), ... A method takes the required
//! arguments; optional ones are methods of the request it returns; `.await`
//! sends it and gives the decoded payload, or an [`Error`] that names the
//! operation and says what went wrong.
//!
//! ```
//! use agora_chat::messages::MessageContent;
//! use agora_chat::{Client, Error};
//!
//! /// Registers a user, opens a chat room for them with two friends and
//! /// greets everyone in it.
//! async fn open_room(client: &Client) -> Result<String, Error> {
//!     let alice = client.users().register("alice").password("wonderland").await?;
//!     let room = client
//!         .chatrooms()
//!         .create("Tea party", "Unbirthday planning", &alice.username)
//!         .maxusers(50)
//!         .await?;
//!     // At most 60 names per call: checked before anything is sent.
//!     client.chatroom_members().add_many(&room.id, ["hatter", "hare"]).await?;
//!     client
//!         .messages()
//!         .send_to_chatrooms(&room.id, MessageContent::text("Welcome!"))
//!         .from(&alice.username)
//!         .await?;
//!     Ok(room.id)
//! }
//!
//! async fn handle_errors(client: &Client) {
//!     // An argument over a documented limit never leaves the process.
//!     match client.chatrooms().create("x".repeat(200), "too long a name", "alice").await {
//!         Err(Error::Validation(e)) => assert_eq!((e.operation, e.field.as_str()), (Some("create_chatroom"), "name")),
//!         other => panic!("{other:?}"),
//!     }
//!     // What the server refuses is an `Error::Api` with its status and error code.
//!     match client.users().get("nobody").await {
//!         Err(e) if e.is_not_found() => {}
//!         other => panic!("{other:?}"),
//!     }
//! }
//! # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::{method, path}};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! # let server = MockServer::start().await;
//! # let answer = |verb: &str, at: &str, body: serde_json::Value| {
//! #     Mock::given(method(verb)).and(path(format!("/org/app{at}"))).respond_with(ResponseTemplate::new(200).set_body_json(body))
//! # };
//! # answer("POST", "/users", serde_json::json!({"entities": [{"uuid": "4759aa70", "type": "user", "created": 1542795196504u64, "modified": 1542795196504u64, "username": "alice", "activated": true}]})).mount(&server).await;
//! # answer("POST", "/chatrooms", serde_json::json!({"data": {"id": "66211860774913"}})).mount(&server).await;
//! # answer("POST", "/chatrooms/66211860774913/users", serde_json::json!({"data": {"newmembers": ["hatter", "hare"], "action": "add_member", "id": "66211860774913"}})).mount(&server).await;
//! # answer("POST", "/messages/chatrooms", serde_json::json!({"data": {"66211860774913": "1029544257947437432"}})).mount(&server).await;
//! # Mock::given(method("GET")).and(path("/org/app/users/nobody")).respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "service_resource_not_found", "error_description": "Service resource not found"}))).mount(&server).await;
//! # let client = Client::builder(server.uri(), "org", "app").bearer_token("t").allow_http(true).build().unwrap();
//! # assert_eq!(open_room(&client).await.unwrap(), "66211860774913");
//! # handle_errors(&client).await;
//! # }
//! ```
//!
//! Where to look:
//!
//! - [`index`]: every namespace and its operations, with the HTTP request
//!   each one sends;
//! - [`rest_docs`]: from a section of Agora's REST pages to the method that
//!   implements it, for code written against the docs' curl examples;
//! - [`errata`]: where the pages disagree with each other or with the
//!   server, and what the client does instead; method docs link there;
//! - each namespace's page (e.g. [`users::Users`]) lists its operations;
//!   each method's docs give the request, its limits (checked before
//!   sending), the rate limit and whether a retry is safe;
//! - paged operations have `.into_stream()`, a [`Paged`] stream with
//!   `next()` and `collect_all()` of its own;
//! - `.with_envelope()` on a request gives the whole [`Response<T>`]: the
//!   payload with the envelope members (`count`, `cursor`, `timestamp`,
//!   ...). Members the spec does not know are kept in `extra`
//!   ([`Extra`]), never dropped;
//! - [`webhook`] (the `webhook` feature, on by default): verifying and
//!   answering the callbacks Agora sends.
//!
//! # Authentication
//!
//! Every request carries `Authorization: Bearer <token>` from a
//! [`TokenProvider`], chosen on the builder: a fixed token
//! ([`bearer_token`](ClientBuilder::bearer_token)), app tokens built locally
//! from the app ID and certificate
//! ([`app_credentials`](ClientBuilder::app_credentials), see
//! [`AppCredentials`]; the `app-token` feature, on by default), tokens from
//! the token endpoint
//! ([`client_credentials`](ClientBuilder::client_credentials),
//! [`exchange_app_token`](ClientBuilder::exchange_app_token)), or your own
//! ([`token_provider`](ClientBuilder::token_provider)). Tokens are cached
//! and renewed before they expire; concurrent calls share one renewal and
//! its outcome, a failed renewal is remembered briefly (1 s, doubling up to
//! 30 s while it keeps failing) rather than repeated by every call, and no
//! call waits for a token longer than its timeout. A 401 makes the provider
//! renew the token and the call is sent once more.
//!
//! # Retries, rate limits, timeouts
//!
//! Up to [`max_attempts`](ClientBuilder::max_attempts) attempts (default 3)
//! with exponential backoff and jitter. A failed connection is always
//! retried (nothing was sent). Requests that are safe to repeat (`GET`,
//! `PUT`, `DELETE`, and `POST`s the spec marks idempotent) are also retried
//! after a broken connection and on HTTP 429 (honouring `Retry-After` up to
//! [`max_retry_after`](ClientBuilder::max_retry_after)), 502, 503 and 504.
//! Timeouts and 500s are never retried, and a non-idempotent `POST` that may
//! have reached the server is never sent twice.
//!
//! The documented per-operation rate limits ([`OperationInfo::rate_limit`])
//! are applied client-side, so a call waits instead of getting a 429: a
//! limit of N per period lets N calls go at once and never more than N in
//! any period. The pacing is shared by all clones of a client and can be
//! turned off or scaled ([`RateLimitMode`]).
//!
//! [`timeout`](ClientBuilder::timeout) bounds each HTTP exchange and each
//! wait for a token (per call: the request builders' `timeout`),
//! [`connect_timeout`](ClientBuilder::connect_timeout) each connection.
//! [`max_response_bytes`](ClientBuilder::max_response_bytes) caps a 2xx body
//! (default 16 MiB, checked while it streams in); of an error body only what
//! the error keeps is read. Each call is one `agora_chat.request` tracing
//! span with the operation id, method, path template, status, attempt number
//! and duration.
//!
//! # Security
//!
//! Tokens, app certificates and client secrets are held as
//! [`SecretString`]/[`BearerToken`] and never appear in `Debug` output or
//! error messages, nor does a password given in the host URL; plain `http`
//! is refused unless explicitly allowed for a local server; per-call headers
//! are checked before sending (a valid name, a printable ASCII value, not a
//! header the client sets itself).
//!
//! [Agora Chat]: https://docs.agora.io/en/agora-chat/

#![warn(missing_docs)]

// Written by `cargo xtask codegen` (prettyplease output, not rustfmt's).
#[rustfmt::skip]
mod generated;
mod runtime;
#[cfg(feature = "webhook")]
pub mod webhook;

// Written by `cargo xtask codegen` from the spec (the mock emitter); the
// server behind it is `runtime/mock/`.
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[path = "generated/mock.rs"]
pub mod mock;

pub use generated::*;
#[cfg(feature = "redis")]
pub use runtime::fleet;
pub use runtime::{
    ApiError, AuthError, BearerToken, BoolOrString, BoxStream, Client, ClientBuilder, ConfigError,
    DecodeError, Download, Error, Extra, FileError, FleetError, HttpMethod, IntoIds, OperationInfo,
    Paged, RateLimit, RateLimitMode, RatePer, RequestOptions, ResponseTooLarge, SecretString,
    StaticToken, TokenExchange, TokenFuture, TokenProvider, TransportError, UploadFile,
    ValidationError, ValidationErrorKind, install_tls_provider,
};
#[cfg(feature = "app-token")]
pub use runtime::{AppCredentials, AppTokenProvider, DEFAULT_APP_TOKEN_LIFETIME};

// The README's examples are compiled as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
