//! The error type returned by every call, and the details each kind carries.

use std::fmt;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::HttpMethod;

/// Longest body excerpt, in characters, kept in [`ApiError`] and
/// [`DecodeError`]; enough to recognize an HTML error page or the JSON around
/// a decoding problem without holding on to a large body.
const SNIPPET_MAX_CHARS: usize = 512;

/// Characters kept before the failing position in a [`DecodeError`] snippet.
const SNIPPET_CHARS_BEFORE: usize = 128;

/// Everything that can go wrong when building the client or calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response could not be read
    /// (connection failure, TLS error, timeout, …).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The server answered with a non-2xx status.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The server answered 2xx but the body did not match the expected shape.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// An argument was rejected before any request was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The client configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request body could not be serialized as JSON (for example a map
    /// whose keys are not strings).
    #[error("cannot serialize the request body as JSON: {0}")]
    Encode(serde_json::Error),
}

/// The HTTP exchange failed before a complete response was received.
#[derive(Debug, thiserror::Error)]
#[error("{what} (`{operation}`: {method} {path})", what = describe_transport(source))]
pub struct TransportError {
    operation: &'static str,
    method: HttpMethod,
    path: String,
    #[source]
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(
        operation: &'static str,
        method: HttpMethod,
        path: String,
        source: reqwest::Error,
    ) -> Self {
        Self {
            operation,
            method,
            path,
            source,
        }
    }

    /// Id of the operation that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP method of the failed request.
    pub fn method(&self) -> HttpMethod {
        self.method
    }

    /// Percent-encoded request path, relative to the client's base URL,
    /// without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the request ran out of time (client or per-call timeout).
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// Whether connecting to the server failed.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

/// A short description of what kind of transport failure happened; the full
/// cause is available through `Error::source`.
fn describe_transport(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "request timed out"
    } else if error.is_connect() {
        "could not connect to the server"
    } else if error.is_builder() {
        "could not build the request"
    } else if error.is_body() || error.is_decode() {
        "could not read the response body"
    } else {
        "HTTP request failed"
    }
}

/// The server answered with a non-2xx status.
#[derive(Debug, Clone)]
pub struct ApiError {
    operation: &'static str,
    status: StatusCode,
    // Boxed to keep `Error`, and so every `Result` in the crate, small.
    body: Option<Box<ErrorBody>>,
    raw_body: Option<String>,
}

impl ApiError {
    /// Builds the error from the response status and body: an Agora JSON
    /// error body is parsed, anything else is kept as a short snippet.
    pub(crate) fn from_response(operation: &'static str, status: StatusCode, body: &[u8]) -> Self {
        let parsed = serde_json::from_slice::<ErrorBody>(body).ok().map(Box::new);
        let raw_body = match parsed {
            Some(_) => None,
            None if body.is_empty() => None,
            None => Some(snippet(body, 0)),
        };
        Self {
            operation,
            status,
            body: parsed,
            raw_body,
        }
    }

    /// HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The parsed error body, when the server sent a JSON object.
    pub fn body(&self) -> Option<&ErrorBody> {
        self.body.as_deref()
    }

    /// The start of the raw body (at most 512 characters) when it was not a
    /// JSON error body, e.g. an HTML page from a proxy.
    pub fn raw_body(&self) -> Option<&str> {
        self.raw_body.as_deref()
    }

    /// Id of the operation that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed with HTTP {}", self.operation, self.status)?;
        match (&self.body, &self.raw_body) {
            (Some(body), _) => write!(f, ": {body}"),
            (None, Some(raw)) => write!(f, "; response body: {raw}"),
            (None, None) => f.write_str(" and an empty body"),
        }
    }
}

impl std::error::Error for ApiError {}

/// The JSON error body Agora sends with non-2xx responses.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ErrorBody {
    /// Short error code, e.g. `illegal_argument`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Server-side exception class, e.g. `java.lang.IllegalArgumentException`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// Server time of the error, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// Server processing time, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Any other fields the server sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.error, &self.error_description) {
            (Some(code), Some(description)) => write!(f, "{code}: {description}")?,
            (Some(text), None) | (None, Some(text)) => f.write_str(text)?,
            (None, None) => f.write_str("no error description")?,
        }
        if let Some(exception) = &self.exception {
            write!(f, " ({exception})")?;
        }
        Ok(())
    }
}

/// A 2xx response body did not match the expected type.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode the response of `{operation}` (HTTP {status}) at `{path}`: {message}")]
pub struct DecodeError {
    operation: &'static str,
    status: StatusCode,
    path: String,
    snippet: String,
    message: String,
}

impl DecodeError {
    /// Builds the error; `error`'s line and column pick the part of `body`
    /// kept as the snippet.
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        path: String,
        error: &serde_json::Error,
        body: &[u8],
    ) -> Self {
        let at = byte_offset(body, error.line(), error.column());
        Self {
            operation,
            status,
            path,
            snippet: snippet(body, at),
            message: error.to_string(),
        }
    }

    /// Id of the operation whose response failed to decode.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// JSON path where decoding failed, e.g. `data.entities[0].id`; `.` is
    /// the document root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Up to 512 characters of the body around the failing position (or its
    /// start when the position is unknown).
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// The decoder's description of the problem.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Converts serde_json's 1-based line and byte column into a byte offset;
/// line 0 means the error has no position.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = body
        .split_inclusive(|&byte| byte == b'\n')
        .take(line - 1)
        .map(<[u8]>::len)
        .sum::<usize>();
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// Up to [`SNIPPET_MAX_CHARS`] characters of `body` around byte offset `at`,
/// starting a little before it so the context leading to the problem shows.
/// Invalid UTF-8 is replaced rather than rejected: the snippet is for humans.
fn snippet(body: &[u8], at: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let start = text[..at]
        .char_indices()
        .rev()
        .take(SNIPPET_CHARS_BEFORE)
        .last()
        .map_or(at, |(index, _)| index);
    text[start..].chars().take(SNIPPET_MAX_CHARS).collect()
}

/// An argument was rejected before sending, so the request never left.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {kind}")]
pub struct ValidationError {
    /// The rejected argument, e.g. `username` or `members[3]`.
    pub field: String,
    /// What is wrong with it.
    pub kind: ValidationErrorKind,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, kind: ValidationErrorKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }
}

/// What is wrong with a rejected argument.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// The string has more characters (not bytes) than allowed.
    TooLong {
        /// Most characters allowed.
        max: usize,
        /// Characters given.
        actual: usize,
    },
    /// The string has fewer characters than required.
    TooShort {
        /// Fewest characters required.
        min: usize,
        /// Characters given.
        actual: usize,
    },
    /// The list has more items than allowed.
    TooManyItems {
        /// Most items allowed.
        max: usize,
        /// Items given.
        actual: usize,
    },
    /// The list has fewer items than required.
    TooFewItems {
        /// Fewest items required.
        min: usize,
        /// Items given.
        actual: usize,
    },
    /// The number is outside the allowed range (bounds inclusive).
    OutOfRange {
        /// Smallest allowed value, if bounded below.
        min: Option<i64>,
        /// Largest allowed value, if bounded above.
        max: Option<i64>,
        /// Value given.
        actual: i64,
    },
    /// The string does not follow the username rule.
    InvalidUsername {
        /// Which part of the rule it breaks.
        reason: String,
    },
    /// The string is empty where a value is required (e.g. a path segment).
    Empty,
    /// The string is `.` or `..`, which URL parsers remove from a path, so
    /// the request would reach a different endpoint.
    DotSegment,
    /// The value is not one of the allowed values.
    NotAllowed {
        /// The allowed values.
        allowed: Vec<String>,
        /// Value given.
        actual: String,
    },
    /// The content is larger than allowed.
    TooLarge {
        /// Most bytes allowed.
        max_bytes: u64,
        /// Bytes given.
        actual: u64,
    },
    /// A header value contains a line break or another character that HTTP
    /// headers cannot carry (control characters, non-ASCII).
    InvalidHeaderValue,
}

impl fmt::Display for ValidationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { max, actual } => {
                write!(f, "{actual} characters, at most {max} allowed")
            }
            Self::TooShort { min, actual } => {
                write!(f, "{actual} characters, at least {min} required")
            }
            Self::TooManyItems { max, actual } => {
                write!(f, "{actual} items, at most {max} allowed")
            }
            Self::TooFewItems { min, actual } => {
                write!(f, "{actual} items, at least {min} required")
            }
            Self::OutOfRange { min, max, actual } => match (min, max) {
                (Some(min), Some(max)) => write!(f, "{actual} is not between {min} and {max}"),
                (Some(min), None) => write!(f, "{actual} is less than {min}"),
                (None, Some(max)) => write!(f, "{actual} is greater than {max}"),
                (None, None) => write!(f, "{actual} is out of range"),
            },
            Self::InvalidUsername { reason } => write!(f, "not a valid username: {reason}"),
            Self::Empty => f.write_str("must not be empty"),
            Self::DotSegment => f.write_str("`.` and `..` cannot be used as a path segment"),
            Self::NotAllowed { allowed, actual } => {
                write!(f, "`{actual}` is not one of ")?;
                for (index, value) in allowed.iter().enumerate() {
                    let separator = if index == 0 { "" } else { ", " };
                    write!(f, "{separator}`{value}`")?;
                }
                Ok(())
            }
            Self::TooLarge { max_bytes, actual } => {
                write!(f, "{actual} bytes, at most {max_bytes} allowed")
            }
            Self::InvalidHeaderValue => f.write_str(
                "header value contains a line break, a control character or a non-ASCII character",
            ),
        }
    }
}

/// The client configuration given to [`ClientBuilder`](crate::ClientBuilder)
/// is invalid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The host could not be used as the API origin.
    #[error("invalid host `{host}`: {reason}")]
    InvalidHost {
        /// The host as given.
        host: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The host uses plain `http` without `allow_http(true)`.
    #[error(
        "refusing plain http for `{host}`: use https, or call `allow_http(true)` for a local server"
    )]
    InsecureHttp {
        /// The host as given.
        host: String,
    },
    /// The org or app name cannot be used as a path segment.
    #[error("invalid `{field}`: {reason}")]
    InvalidName {
        /// `org_name` or `app_name`.
        field: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// No (or an empty) bearer token was given.
    #[error("no bearer token: call `bearer_token(..)` on the builder")]
    MissingToken,
    /// The bearer token cannot be sent in an HTTP header. The token itself is
    /// deliberately not part of this error.
    #[error("invalid bearer token: it contains {reason}")]
    InvalidToken {
        /// Which characters are the problem.
        reason: &'static str,
    },
    /// The underlying HTTP client could not be set up (e.g. TLS
    /// initialization failed).
    #[error("cannot initialize the HTTP client")]
    HttpClient(#[source] reqwest::Error),
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::{
        ApiError, DecodeError, ErrorBody, SNIPPET_MAX_CHARS, ValidationError, ValidationErrorKind,
        byte_offset, snippet,
    };

    #[test]
    fn snippet_is_limited_and_char_safe() {
        let body = "é".repeat(1000);
        let start = snippet(body.as_bytes(), 0);
        assert_eq!(start.chars().count(), SNIPPET_MAX_CHARS);
        // An offset inside a two-byte character must not panic.
        let middle = snippet(body.as_bytes(), 601);
        assert_eq!(middle.chars().count(), SNIPPET_MAX_CHARS);
        assert!(snippet(b"", 10).is_empty());
    }

    #[test]
    fn snippet_starts_shortly_before_the_offset() {
        let body = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let around = snippet(body.as_bytes(), 300);
        assert!(around.starts_with(&"a".repeat(128)), "{around}");
        assert_eq!(around.chars().nth(128), Some('X'));
        assert_eq!(snippet(b"ab\xFFcd", 0), "ab\u{FFFD}cd");
    }

    #[test]
    fn byte_offset_follows_lines() {
        let body = b"{\n  \"a\": x\n}";
        assert_eq!(byte_offset(body, 0, 0), 0);
        assert_eq!(byte_offset(body, 1, 1), 0);
        assert_eq!(byte_offset(body, 2, 8), 9);
        assert_eq!(body[9], b'x');
        assert_eq!(byte_offset(body, 9, 99), body.len());
    }

    #[test]
    fn api_error_parses_agora_body() {
        let body = br#"{"error":"illegal_argument","exception":"java.lang.IllegalArgumentException","error_description":"bad name","timestamp":5,"duration":1,"x":true}"#;
        let err = ApiError::from_response("users.create", StatusCode::BAD_REQUEST, body);
        let parsed = err.body().expect("parsed body");
        assert_eq!(parsed.error.as_deref(), Some("illegal_argument"));
        assert_eq!(parsed.timestamp, Some(5));
        assert_eq!(parsed.extra.get("x"), Some(&serde_json::Value::Bool(true)));
        assert_eq!(err.raw_body(), None);
        assert_eq!(
            err.to_string(),
            "`users.create` failed with HTTP 400 Bad Request: illegal_argument: bad name \
             (java.lang.IllegalArgumentException)"
        );
    }

    #[test]
    fn api_error_keeps_non_json_snippet() {
        let err =
            ApiError::from_response("users.get", StatusCode::BAD_GATEWAY, b"<html>bad</html>");
        assert!(err.body().is_none());
        assert_eq!(err.raw_body(), Some("<html>bad</html>"));
        assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
        assert!(err.to_string().contains("<html>bad</html>"), "{err}");

        let empty = ApiError::from_response("users.get", StatusCode::UNAUTHORIZED, b"");
        assert_eq!(empty.raw_body(), None);
        assert!(empty.to_string().ends_with("empty body"), "{empty}");
    }

    #[test]
    fn error_body_display_without_fields() {
        assert_eq!(ErrorBody::default().to_string(), "no error description");
    }

    #[test]
    fn decode_error_display_names_operation_and_path() {
        let body = br#"{"data":{"id":"x"}}"#;
        let json_err = serde_json::from_slice::<u8>(b"\"x\"").unwrap_err();
        let err = DecodeError::new(
            "users.get",
            StatusCode::OK,
            "data.id".into(),
            &json_err,
            body,
        );
        let text = err.to_string();
        assert!(text.contains("`users.get`"), "{text}");
        assert!(text.contains("`data.id`"), "{text}");
        assert!(text.contains("invalid type"), "{text}");
    }

    #[test]
    fn validation_display() {
        let err = ValidationError::new(
            "name",
            ValidationErrorKind::TooLong {
                max: 128,
                actual: 129,
            },
        );
        assert_eq!(
            err.to_string(),
            "invalid `name`: 129 characters, at most 128 allowed"
        );
        let not_allowed = ValidationErrorKind::NotAllowed {
            allowed: vec!["a".into(), "b".into()],
            actual: "c".into(),
        };
        assert_eq!(not_allowed.to_string(), "`c` is not one of `a`, `b`");
        let range = ValidationErrorKind::OutOfRange {
            min: Some(1),
            max: None,
            actual: 0,
        };
        assert_eq!(range.to_string(), "0 is less than 1");
    }
}
