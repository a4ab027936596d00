//! The error type returned by every call, and the details each kind carries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::HttpMethod;
use crate::{ErrorBody, ErrorCode};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Longest body excerpt, in characters, kept in [`ApiError`] and
/// [`DecodeError`]; enough to recognize an HTML error page or the JSON around
/// a decoding problem without holding on to a large body.
const SNIPPET_MAX_CHARS: usize = 512;

/// The most bytes of an error body that are read: what 512 characters can
/// take in UTF-8. Everything an [`ApiError`] keeps of a body, its parsed
/// fields or its snippet, comes from within them, so a huge error page is
/// not read in full only to be cut.
pub(crate) const ERROR_BODY_MAX_BYTES: usize = SNIPPET_MAX_CHARS * 4;

/// Characters kept before the failing position in a [`DecodeError`] snippet.
const SNIPPET_CHARS_BEFORE: usize = 128;

/// Everything that can go wrong when building the client or calling the API.
///
/// Cheap to clone (causes from other crates are shared, not copied), so one
/// outcome can be handed to several callers: concurrent calls waiting for
/// the same token fetch all get its error.
#[derive(Debug, Clone, thiserror::Error)]
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
    /// The server answered 2xx with a body larger than the client accepts
    /// ([`max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error(transparent)]
    ResponseTooLarge(#[from] ResponseTooLarge),
    /// An argument was rejected before any request was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The client configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request body could not be serialized as JSON or as form pairs
    /// (for example a map whose keys are not strings).
    #[error("cannot serialize the request body: {0}")]
    Encode(Arc<serde_json::Error>),
    /// A local file could not be read, e.g. by
    /// [`UploadFile::from_path`](crate::UploadFile::from_path).
    #[error(transparent)]
    File(#[from] FileError),
    /// No access token could be obtained for the request. Failures of the
    /// token endpoint itself are reported as [`Api`](Self::Api),
    /// [`Transport`](Self::Transport) or [`Decode`](Self::Decode) errors of
    /// the token operation instead (`create_token_with_credentials` or
    /// `exchange_agora_token`).
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The store shared by a fleet of processes (Redis, with the `redis`
    /// feature) could not be used, and its policy is to fail the call
    /// rather than fall back to per-process limits and tokens.
    #[error(transparent)]
    Fleet(#[from] FleetError),
}

impl Error {
    pub(crate) fn encode(error: serde_json::Error) -> Self {
        Self::Encode(Arc::new(error))
    }

    /// Whether the failure is transient, so that the same call may succeed
    /// later: a transport failure (connection refused or reset, timeout), a
    /// wait for a token that timed out ([`AuthError::TimedOut`]), the
    /// fleet's shared store failing ([`Error::Fleet`]), or HTTP 429, 502,
    /// 503 or 504.
    ///
    /// This says nothing about whether repeating a call that is not
    /// idempotent is safe; the client's own retries take care of that.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(error) => !error.source.is_builder(),
            Self::Auth(AuthError::TimedOut { .. }) | Self::Fleet(_) => true,
            Self::Api(error) => matches!(error.status.as_u16(), 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Whether the server refused the call because of a rate limit or a
    /// pricing-plan quota (HTTP 429); see [`ApiError::retry_after`].
    pub fn is_rate_limited(&self) -> bool {
        self.api_status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the server answered 404: the app, user, chat room or other
    /// resource named in the request does not exist.
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server answered 401: the access token is missing,
    /// malformed, expired, or the credentials were wrong.
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(StatusCode::UNAUTHORIZED)
    }

    fn api_status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(error) => Some(error.status),
            _ => None,
        }
    }
}

/// The HTTP exchange failed before a complete response was received.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{what} (`{operation}`: {method} {path})", what = describe_transport(source))]
pub struct TransportError {
    operation: &'static str,
    method: HttpMethod,
    path: String,
    #[source]
    source: Arc<reqwest::Error>,
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
            source: Arc::new(source),
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
    code: Option<ErrorCode>,
    raw_body: Option<String>,
    retry_after: Option<Duration>,
    request_id: Option<String>,
}

/// Response headers that carry a request id, in order of preference. The
/// Agora documentation names none, so these are the common conventions.
const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-trace-id",
];

impl ApiError {
    /// Builds the error from the response status, headers and body: an Agora
    /// JSON error body is parsed, anything else is kept as a short snippet.
    pub(crate) fn from_response(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let parsed = serde_json::from_slice::<ErrorBody>(body).ok().map(Box::new);
        let raw_body = match parsed {
            Some(_) => None,
            None if body.is_empty() => None,
            None => Some(snippet(body, 0)),
        };
        let code = parsed.as_ref().map(|body| ErrorCode::parse(&body.error));
        let request_id = REQUEST_ID_HEADERS.iter().find_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?.trim();
            // A request id is a short token; anything long is not one and
            // would only bloat the error.
            (!value.is_empty() && value.len() <= 256).then(|| value.to_owned())
        });
        Self {
            operation,
            status,
            body: parsed,
            code,
            raw_body,
            retry_after: super::retry::retry_after(headers, std::time::SystemTime::now()),
            request_id,
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

    /// The `error` code of the body, e.g. [`ErrorCode::ReachLimit`]; `None`
    /// when the body has no `error` field or is not Agora's JSON error body.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.code.as_ref()
    }

    /// The body's human-readable `error_description`, if any.
    pub fn error_description(&self) -> Option<&str> {
        self.body.as_ref()?.error_description.as_deref()
    }

    /// The body's `exception`: the server-side exception class, if any.
    pub fn exception(&self) -> Option<&str> {
        self.body.as_ref()?.exception.as_deref()
    }

    /// How long the server asked the caller to wait, from a `Retry-After`
    /// header (delay in seconds, or an HTTP date turned into a delay).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The id the server gave the request (`X-Request-Id` or a similar
    /// header), worth quoting to Agora support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
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
            (Some(body), _) => write!(f, ": {body}")?,
            (None, Some(raw)) => write!(f, "; response body: {raw}")?,
            (None, None) => f.write_str(" and an empty body")?,
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request id {request_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.error.as_str(), &self.error_description) {
            ("", Some(description)) => f.write_str(description)?,
            ("", None) => f.write_str("no error description")?,
            (code, Some(description)) => write!(f, "{code}: {description}")?,
            (code, None) => f.write_str(code)?,
        }
        if let Some(exception) = &self.exception {
            write!(f, " ({exception})")?;
        }
        Ok(())
    }
}

/// A 2xx response body was larger than the client's cap,
/// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes); the
/// rest of it was not read. Not retried: asking again brings the same body.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the response of `{operation}` (HTTP {status}) is larger than the {limit}-byte cap \
     (`max_response_bytes`): {}",
    describe_oversize(*read, *content_length)
)]
pub struct ResponseTooLarge {
    operation: &'static str,
    status: StatusCode,
    limit: u64,
    read: u64,
    content_length: Option<u64>,
}

impl ResponseTooLarge {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        limit: u64,
        read: u64,
        content_length: Option<u64>,
    ) -> Self {
        Self {
            operation,
            status,
            limit,
            read,
            content_length,
        }
    }

    /// Id of the operation whose response was too large.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The cap, in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Bytes read before stopping: 0 when `Content-Length` already
    /// announced more than the cap, otherwise somewhat over the cap (the
    /// chunk that crossed it).
    pub fn read(&self) -> u64 {
        self.read
    }

    /// The size the server announced (`Content-Length`), if any.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }
}

fn describe_oversize(read: u64, content_length: Option<u64>) -> String {
    match content_length {
        Some(length) if read == 0 => {
            format!("it announced {length} bytes (Content-Length), so none were read")
        }
        _ => format!("stopped after reading {read} bytes"),
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

    /// The same error with serde's mentions of field `from` naming `to`
    /// instead: a payload decoded under another name than the wire's.
    pub(crate) fn renaming_field(mut self, from: &str, to: &str) -> Self {
        self.message = self
            .message
            .replace(&format!("field `{from}`"), &format!("field `{to}`"));
        self
    }

    /// Like [`new`](Self::new), for a body that holds a credential (a token
    /// response): neither a snippet nor serde's message, which can quote the
    /// offending value, is kept.
    pub(crate) fn redacted(
        operation: &'static str,
        status: StatusCode,
        path: String,
        error: &serde_json::Error,
    ) -> Self {
        let kind = match error.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected JSON value",
            serde_json::error::Category::Eof => "body ended early",
        };
        Self {
            operation,
            status,
            path,
            snippet: String::new(),
            message: format!(
                "{kind} at line {} column {} (details withheld: the body carries a credential)",
                error.line(),
                error.column()
            ),
        }
    }

    /// A field whose JSON value is well-formed but not acceptable, with a
    /// message of our own saying why; no snippet is kept.
    pub(crate) fn invalid_field(
        operation: &'static str,
        status: StatusCode,
        path: &str,
        message: String,
    ) -> Self {
        Self {
            operation,
            status,
            path: path.to_owned(),
            snippet: String::new(),
            message,
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

/// A local file could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot read `{}`: {source}", path.display())]
pub struct FileError {
    path: std::path::PathBuf,
    source: Arc<std::io::Error>,
}

impl FileError {
    pub(crate) fn new(path: &std::path::Path, source: std::io::Error) -> Self {
        FileError {
            path: path.to_path_buf(),
            source: Arc::new(source),
        }
    }

    /// The file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// What went wrong, e.g. [`std::io::ErrorKind::NotFound`].
    pub fn kind(&self) -> std::io::ErrorKind {
        self.source.kind()
    }
}

/// An argument was rejected before sending, so the request never left.
///
/// ```
/// # async fn run(client: agora_chat::Client) {
/// let long = "x".repeat(200);
/// match client.chatrooms().create(long, "description", "alice").await {
///     Err(agora_chat::Error::Validation(e)) => {
///         assert_eq!(e.operation, Some("create_chatroom"));
///         assert_eq!(e.field, "name");
///         println!("{e}"); // `create_chatroom`: invalid `name`: 200 characters, at most 128 allowed
///     }
///     other => panic!("{other:?}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation whose argument it is, e.g. `create_chatroom`.
    pub operation: Option<&'static str>,
    /// The rejected argument, e.g. `username` or `members[3]`.
    pub field: String,
    /// What is wrong with it.
    pub kind: ValidationErrorKind,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, kind: ValidationErrorKind) -> Self {
        Self {
            operation: None,
            field: field.into(),
            kind,
        }
    }

    /// The same error, naming `operation` unless it already names one.
    pub(crate) fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation.get_or_insert(operation);
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.operation {
            write!(f, "`{operation}`: ")?;
        }
        write!(f, "invalid `{}`: {}", self.field, self.kind)
    }
}

impl std::error::Error for ValidationError {}

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
    /// A header name is not a valid HTTP header name (empty, or with a
    /// space, `:` or another character outside the token set).
    InvalidHeaderName,
    /// A per-call header is one the client sets itself from what it sends:
    /// `authorization`, `content-length`, `content-type`, `host` or
    /// `transfer-encoding`.
    ClientOwnedHeader,
    /// A name given to an open-ended setter (such as `attribute`) is a
    /// declared field of the request, which has its own method.
    DeclaredField,
    /// The string contains a character outside the documented set: ASCII
    /// letters, digits and a few others.
    InvalidCharacter {
        /// The first character not allowed.
        found: char,
        /// The characters allowed besides ASCII letters and digits.
        allowed_besides_alphanumerics: String,
    },
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
            Self::InvalidHeaderName => f.write_str(
                "not a valid header name: it must be non-empty, of ASCII letters, digits and !#$%&'*+-.^_`|~",
            ),
            Self::ClientOwnedHeader => f.write_str(
                "the client sets this header itself (authorization, content-length, content-type, \
                 host and transfer-encoding cannot be given per call)",
            ),
            Self::DeclaredField => {
                f.write_str("is a declared field of the request: set it with its own method")
            }
            Self::InvalidCharacter {
                found,
                allowed_besides_alphanumerics,
            } => write!(
                f,
                "contains {found:?}; only ASCII letters, digits and `{allowed_besides_alphanumerics}` are allowed"
            ),
        }
    }
}

/// The client configuration given to [`ClientBuilder`](crate::ClientBuilder)
/// is invalid.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The host could not be used as the API origin.
    #[error("invalid host `{host}`: {reason}")]
    InvalidHost {
        /// The host as given, with any `user:password@` replaced by `***@`.
        host: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The host uses plain `http` without `allow_http(true)`.
    #[error(
        "refusing plain http for `{host}`: use https, or call `allow_http(true)` for a local server"
    )]
    InsecureHttp {
        /// The host as given, with any `user:password@` replaced by `***@`.
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
    /// No (or an empty) bearer token was given, and no other way to
    /// authenticate was configured.
    #[error(
        "no credentials: call `bearer_token(..)`, `app_credentials(..)`, \
         `client_credentials(..)`, `exchange_app_token(..)` or `token_provider(..)` on the builder"
    )]
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
    HttpClient(#[source] Arc<reqwest::Error>),
    /// An app ID, app certificate, client ID or client secret is malformed.
    /// The value itself is deliberately not part of this error.
    #[error("invalid `{field}`: {reason}")]
    InvalidCredential {
        /// `app_id`, `app_certificate`, `client_id` or `client_secret`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A builder setting is out of range.
    #[error("invalid `{option}`: {reason}")]
    InvalidOption {
        /// The builder method, e.g. `max_attempts`.
        option: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
}

/// No access token could be obtained for a request.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint answered with a token that cannot be sent in an
    /// HTTP header. The token itself is deliberately not part of this error.
    #[error("the token endpoint returned an unusable access token: it contains {reason}")]
    InvalidToken {
        /// Which characters are the problem.
        reason: &'static str,
    },
    /// The system clock is before 1970 or past 2106, which an app token's
    /// 32-bit timestamp cannot express.
    #[error("cannot build an app token: the system clock is outside 1970..2106")]
    ClockOutOfRange,
    /// No token arrived within the call's timeout (the per-call
    /// [`timeout`](crate::RequestOptions::timeout), or the client's):
    /// the token endpoint or a custom provider is slow or unreachable. A
    /// fetch that other calls still wait for goes on without this one.
    #[error("no access token within the call's timeout of {waited:?}")]
    TimedOut {
        /// How long the call waited.
        waited: Duration,
    },
    /// A custom [`TokenProvider`](crate::TokenProvider) failed.
    #[error("the token provider failed: {0}")]
    Provider(#[source] Arc<dyn std::error::Error + Send + Sync>),
}

/// The fleet's shared store (Redis) failed for a call whose policy is to
/// fail rather than fall back to per-process limits and tokens; see
/// `fleet::FleetFailure` (with the `redis` feature).
///
/// The message names what the store was needed for and the store's own
/// error; it never contains a token or a credential.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the fleet's shared store failed while {purpose}: {reason}")]
pub struct FleetError {
    purpose: String,
    reason: String,
}

impl FleetError {
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn new(purpose: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            purpose: purpose.into(),
            reason: reason.into(),
        }
    }

    /// What the store was needed for, e.g. "booking a send of
    /// `list_chatroom_allowlist`" or "sharing the access token".
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    /// Why the store could not be used (its error, or that it did not answer
    /// in time).
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::StatusCode;
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::{
        ApiError, DecodeError, Error, ErrorBody, ErrorCode, SNIPPET_MAX_CHARS, ValidationError,
        ValidationErrorKind, byte_offset, snippet,
    };

    fn api_error(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiError {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        ApiError::from_response(
            "rooms.get",
            StatusCode::from_u16(status).unwrap(),
            &map,
            body.as_bytes(),
        )
    }

    #[test]
    fn api_error_exposes_code_description_and_headers() {
        let err = api_error(
            429,
            &[("retry-after", "7"), ("x-request-id", "req-42")],
            r#"{"error":"reach_limit","exception":"LimitException","error_description":"slow down"}"#,
        );
        assert_eq!(err.code(), Some(&ErrorCode::ReachLimit));
        assert_eq!(err.error_description(), Some("slow down"));
        assert_eq!(err.exception(), Some("LimitException"));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(err.request_id(), Some("req-42"));
        assert!(err.to_string().ends_with("(request id req-42)"), "{err}");

        let unknown = api_error(400, &[], r#"{"error":"brand_new"}"#);
        assert_eq!(unknown.code(), Some(&ErrorCode::Other("brand_new".into())));
        assert_eq!(unknown.retry_after(), None);
        assert_eq!(unknown.request_id(), None);
        assert_eq!(api_error(502, &[], "<html>").code(), None);
    }

    #[test]
    fn error_helpers_classify_statuses() {
        let classify = |status| {
            let error = Error::Api(api_error(status, &[], ""));
            (
                error.is_retryable(),
                error.is_rate_limited(),
                error.is_not_found(),
                error.is_unauthorized(),
            )
        };
        assert_eq!(classify(429), (true, true, false, false));
        assert_eq!(classify(404), (false, false, true, false));
        assert_eq!(classify(401), (false, false, false, true));
        assert_eq!(classify(500), (false, false, false, false));
        for status in [502, 503, 504] {
            assert_eq!(classify(status), (true, false, false, false), "{status}");
        }
        let validation = Error::Validation(ValidationError::new("x", ValidationErrorKind::Empty));
        assert!(!validation.is_retryable() && !validation.is_not_found());
    }

    #[test]
    fn redacted_decode_error_keeps_no_body_text() {
        let json_err = serde_json::from_slice::<u8>(b"\"tok-secret\"").unwrap_err();
        assert!(json_err.to_string().contains("tok-secret"));
        let err = DecodeError::redacted(
            "create_token_with_credentials",
            StatusCode::OK,
            ".".into(),
            &json_err,
        );
        assert!(err.snippet().is_empty());
        assert!(!format!("{err} {err:?}").contains("tok-secret"), "{err:?}");
        assert!(err.message().contains("unexpected JSON value"), "{err}");
    }

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
        let err = ApiError::from_response(
            "users.create",
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            body,
        );
        let parsed = err.body().expect("parsed body");
        assert_eq!(parsed.error, "illegal_argument");
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
        let err = ApiError::from_response(
            "users.get",
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"<html>bad</html>",
        );
        assert!(err.body().is_none());
        assert_eq!(err.raw_body(), Some("<html>bad</html>"));
        assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
        assert!(err.to_string().contains("<html>bad</html>"), "{err}");

        let empty = ApiError::from_response(
            "users.get",
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            b"",
        );
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
