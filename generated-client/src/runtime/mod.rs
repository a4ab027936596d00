//! The hand-written runtime that generated operations call into: client
//! configuration, authentication, sending requests (retries, rate limits),
//! decoding responses, errors, and argument checks. Nothing here depends on
//! generated types.

mod auth;
mod body;
mod builder;
mod client;
mod download;
pub(crate) mod encode;
mod error;
mod error_code;
mod extra;
#[cfg(feature = "redis")]
pub mod fleet;
mod headers;
mod host;
mod ids;
pub(crate) mod lenient;
pub(crate) mod members;
#[cfg(feature = "mock")]
pub(crate) mod mock;
mod one;
pub(crate) mod paginate;
mod rate_limit;
mod rekey;
mod request;
mod request_builder;
mod response;
mod retry;
mod secret;
mod send_log;
mod tls;
mod transport;
mod upload;
pub(crate) mod validate;
mod values;

#[cfg(test)]
pub(crate) mod decode_tests;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod http_tests;

#[cfg(feature = "app-token")]
pub use auth::{AppCredentials, AppTokenProvider, DEFAULT_APP_TOKEN_LIFETIME};
pub use auth::{BearerToken, StaticToken, TokenExchange, TokenFuture, TokenProvider};
pub use builder::ClientBuilder;
pub use client::Client;
pub use download::Download;
pub use error::{
    ApiError, AuthError, ConfigError, DecodeError, Error, FileError, FleetError, ResponseTooLarge,
    TransportError, ValidationError, ValidationErrorKind,
};
pub use extra::Extra;
pub use ids::IntoIds;
pub use paginate::{BoxStream, Paged};
pub use rate_limit::RateLimitMode;
pub use request::{HttpMethod, OperationInfo, RateLimit, RatePer, RequestOptions};
pub use secret::SecretString;
pub use tls::install_tls_provider;
pub use upload::UploadFile;
pub use values::BoolOrString;

pub(crate) use one::One;
pub(crate) use request::{Body, Payload, RequestParts};
pub(crate) use request_builder::{BoxFuture, request_builder};
pub(crate) use upload::FormPart;
