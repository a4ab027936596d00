//! The hand-written runtime that generated operations call into: client
//! configuration, sending requests, decoding responses, errors, and argument
//! checks. Nothing here depends on generated types.

mod client;
pub(crate) mod encode;
mod error;
pub(crate) mod paginate;
mod request;
mod response;
mod secret;
pub(crate) mod validate;
mod values;

#[cfg(test)]
mod http_tests;

pub use client::{Client, ClientBuilder};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, ErrorBody, TransportError, ValidationError,
    ValidationErrorKind,
};
pub use paginate::BoxStream;
pub use request::{HttpMethod, OperationInfo, RateLimit, RatePer, RequestOptions};
pub use response::Response;
pub use values::BoolOrString;

pub(crate) use request::{Body, RequestParts};
