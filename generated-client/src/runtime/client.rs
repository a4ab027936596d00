//! The client, its builder, and sending a request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::encode;
use super::response::RawResponse;
use super::secret::SecretString;
use super::{
    ApiError, Body, ConfigError, Error, HttpMethod, RequestParts, Response, TransportError,
    ValidationError, ValidationErrorKind,
};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const JSON: &str = "application/json";

/// A client for one Agora Chat app.
///
/// Cloning is cheap: clones share the connection pool and configuration.
///
/// ```no_run
/// # fn main() -> Result<(), agora_chat::Error> {
/// let client = agora_chat::Client::builder("a41.chat.agora.io", "my-org", "my-app")
///     .bearer_token("app-token")
///     .build()?;
/// assert_eq!(client.base_url(), "https://a41.chat.agora.io/my-org/my-app");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `{scheme}://{host}/{org}/{app}`, with org and app percent-encoded.
    base_url: String,
    /// The path part of `base_url`, used to check the final route.
    base_path: String,
    /// `Bearer <token>`, marked sensitive so the HTTP stack never logs it.
    authorization: HeaderValue,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("bearer_token", &"***")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for app `app_name` of org `org_name`.
    ///
    /// `host` is the app's REST host, either bare (`a41.chat.agora.io`,
    /// https implied) or with a scheme (`https://…`, or `http://…` together
    /// with [`ClientBuilder::allow_http`]).
    pub fn builder(
        host: impl Into<String>,
        org_name: impl Into<String>,
        app_name: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder {
            host: host.into(),
            org_name: org_name.into(),
            app_name: app_name.into(),
            token: None,
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// The base URL every request path is appended to:
    /// `{scheme}://{host}/{org_name}/{app_name}`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request and decodes a 2xx response into `Response<T>`.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        parts: RequestParts,
    ) -> Result<Response<T>, Error> {
        self.send_raw(parts).await?.decode()
    }

    /// Sends a request and returns the body of a 2xx response undecoded; any
    /// other status becomes [`Error::Api`].
    async fn send_raw(&self, parts: RequestParts) -> Result<RawResponse, Error> {
        let span = tracing::debug_span!(
            "agora_chat.request",
            operation = parts.op.id,
            method = parts.op.method.as_str(),
            path = parts.op.path_template,
            status = tracing::field::Empty,
        );
        let result = self.execute(parts).instrument(span.clone()).await;
        if let Err(error) = &result {
            span.in_scope(|| tracing::debug!(%error, "request failed"));
        }
        result
    }

    async fn execute(&self, parts: RequestParts) -> Result<RawResponse, Error> {
        let RequestParts {
            op,
            path,
            query,
            headers,
            body,
            options,
        } = parts;
        debug_assert!(path.starts_with('/'), "path must start with '/': {path}");
        let transport =
            |source| Error::Transport(TransportError::new(op.id, op.method, path.clone(), source));

        let mut url = format!("{}{path}", self.inner.base_url);
        encode::push_query(&mut url, &query);

        let mut request = self
            .inner
            .http
            .request(reqwest_method(op.method), url)
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(ACCEPT, JSON);
        for (name, value) in headers {
            // A line break in a header value could inject headers, and
            // reqwest would only fail later with a vaguer error.
            let value = HeaderValue::from_str(&value)
                .map_err(|_| ValidationError::new(name, ValidationErrorKind::InvalidHeaderValue))?;
            request = request.header(name, value);
        }
        match body {
            Body::Empty => {}
            Body::Json(bytes) => request = request.header(CONTENT_TYPE, JSON).body(bytes),
        }
        if let Some(timeout) = options.timeout {
            request = request.timeout(timeout);
        }
        let request = request.build().map_err(transport)?;

        // The URL parser drops `.`/`..` segments (even encoded ones), which
        // would send the request to another endpoint: refuse instead.
        let expected_len = self.inner.base_path.len() + path.len();
        let route = request.url().path();
        if route.len() != expected_len
            || !route.starts_with(&self.inner.base_path)
            || !route.ends_with(&path)
        {
            return Err(ValidationError::new("path", ValidationErrorKind::DotSegment).into());
        }

        let response = self.inner.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        if status.is_success() {
            let body = response.bytes().await.map_err(transport)?;
            Ok(RawResponse {
                operation: op.id,
                status,
                body: body.into(),
            })
        } else {
            // The status is the essential fact here; if the error body cannot
            // be read, report the status with an empty body rather than a
            // transport error.
            let body = response.bytes().await.unwrap_or_default();
            Err(ApiError::from_response(op.id, status, &body).into())
        }
    }
}

fn reqwest_method(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Delete => reqwest::Method::DELETE,
    }
}

/// Configures and builds a [`Client`]; created by [`Client::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    host: String,
    org_name: String,
    app_name: String,
    token: Option<SecretString>,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// The token sent as `Authorization: Bearer <token>` (an app token);
    /// required.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::new(token.into()));
        self
    }

    /// Allows a plain `http://` host. Off by default because the bearer token
    /// would travel unencrypted; meant for local test servers.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Total time allowed for each request, from connecting to reading the
    /// whole response (default 30 s). Per-call override:
    /// [`RequestOptions::timeout`](crate::RequestOptions::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] for a missing or malformed token, an
    /// unusable host, plain http without [`allow_http`](Self::allow_http),
    /// or an empty org or app name.
    pub fn build(self) -> Result<Client, Error> {
        let authorization = authorization_header(self.token.as_ref())?;
        let origin = parse_origin(&self.host, self.allow_http)?;
        let base_path = format!(
            "/{}/{}",
            path_name("org_name", &self.org_name)?,
            path_name("app_name", &self.app_name)?
        );
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A REST API has no business redirecting; following a redirect
            // could also carry the request somewhere unintended.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!self.allow_http)
            .user_agent(concat!("agora-chat-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ConfigError::HttpClient)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: format!("{origin}{base_path}"),
                base_path,
                authorization,
            }),
        })
    }
}

/// Builds the `Authorization` header, rejecting tokens that cannot be sent.
fn authorization_header(token: Option<&SecretString>) -> Result<HeaderValue, ConfigError> {
    let token = match token {
        Some(token) if !token.expose().is_empty() => token.expose(),
        _ => return Err(ConfigError::MissingToken),
    };
    if token.contains(['\r', '\n']) {
        return Err(ConfigError::InvalidToken {
            reason: "a line break",
        });
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        ConfigError::InvalidToken {
            reason: "characters not allowed in an HTTP header",
        }
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Turns the user's `host` into `scheme://host[:port]`.
fn parse_origin(host: &str, allow_http: bool) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidHost {
        host: host.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = host.trim();
    if trimmed.is_empty() {
        return Err(invalid("empty"));
    }
    let (scheme, rest) = match trimmed.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), trimmed),
    };
    match scheme.as_str() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(ConfigError::InsecureHttp {
                host: host.to_owned(),
            });
        }
        _ => return Err(invalid("only https (or http with allow_http) is supported")),
    }
    // Tolerate the trailing slash people paste along with a URL.
    let rest = rest.trim_end_matches('/');
    let url = url::Url::parse(&format!("{scheme}://{rest}"))
        .map_err(|error| invalid(&error.to_string()))?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "must not contain a path, query or fragment; pass org and app names separately",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain credentials"));
    }
    Ok(url[..url::Position::BeforePath].to_owned())
}

/// Encodes an org or app name as a path segment.
fn path_name(field: &'static str, value: &str) -> Result<String, ConfigError> {
    match value {
        "" => Err(ConfigError::InvalidName {
            field,
            reason: "must not be empty",
        }),
        "." | ".." => Err(ConfigError::InvalidName {
            field,
            reason: "`.` and `..` cannot be used as a path segment",
        }),
        _ => Ok(encode::segment(value)),
    }
}
