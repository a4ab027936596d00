//! A typed async client for the [Agora Chat] REST API.
//!
//! Build one [`Client`] per app with [`Client::builder`], giving the app's
//! REST host, org name, app name and an app token. Each API operation is a
//! method on the client; calls return [`Response<T>`], which holds the
//! operation's `data` along with the envelope fields Agora sends, or an
//! [`Error`] that says which operation failed and why (transport failure,
//! non-2xx status with the server's error body, undecodable body with the
//! JSON path of the problem, or an argument rejected before sending).
//!
//! The bearer token never appears in `Debug` output or error messages, and
//! plain `http` is refused unless explicitly allowed for a local server.
//!
//! [Agora Chat]: https://docs.agora.io/en/agora-chat/

#![warn(missing_docs)]

// Written by `cargo xtask codegen` (prettyplease output, not rustfmt's).
#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::*;
pub use runtime::{
    ApiError, BoolOrString, BoxStream, Client, ClientBuilder, ConfigError, DecodeError, Error,
    ErrorBody, HttpMethod, OperationInfo, RateLimit, RatePer, RequestOptions, Response,
    TransportError, ValidationError, ValidationErrorKind,
};

// The README's examples are compiled as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
