//! A typed async client for the [Agora Chat] REST API.
//!
//! Build one [`Client`] per app with [`Client::builder`], giving the app's
//! REST host, org name, app name and credentials. Each API operation is a
//! method on the client; calls return [`Response<T>`], which holds the
//! operation's `data` along with the envelope fields Agora sends, or an
//! [`Error`] that says which operation failed and why (transport failure,
//! non-2xx status with the server's error body and [`ErrorCode`],
//! undecodable body with the JSON path of the problem, or an argument
//! rejected before sending).
//!
//! # Authentication
//!
//! Every request carries `Authorization: Bearer <token>` from a
//! [`TokenProvider`], chosen on the builder: a fixed token
//! ([`bearer_token`](ClientBuilder::bearer_token)), app tokens built locally
//! from the app ID and certificate
//! ([`app_credentials`](ClientBuilder::app_credentials), see
//! [`AppCredentials`]), tokens from the token endpoint
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
pub mod webhook;

pub use generated::*;
pub use runtime::{
    ApiError, AppCredentials, AppTokenProvider, AuthError, BearerToken, BoolOrString, BoxStream,
    Client, ClientBuilder, ConfigError, DEFAULT_APP_TOKEN_LIFETIME, DecodeError, Download, Error,
    Extra, FileError, HttpMethod, IntoIds, OperationInfo, Paged, RateLimit, RateLimitMode, RatePer,
    RequestOptions, ResponseTooLarge, SecretString, StaticToken, TokenExchange, TokenFuture,
    TokenProvider, TransportError, UploadFile, ValidationError, ValidationErrorKind,
    install_tls_provider,
};

// The README's examples are compiled as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
