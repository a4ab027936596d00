//! The client and sending a request on behalf of generated code.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::auth::{BearerToken, TokenProvider};
use super::response::RawResponse;
use super::retry::RetryPolicy;
use super::transport::{Transport, traced};
use super::{
    AuthError, ClientBuilder, DecodeError, Download, Error, Payload, RateLimitMode, RequestParts,
};
use crate::Response;

/// A client for one Agora Chat app.
///
/// Cloning is cheap: clones share the connection pool, the configuration,
/// the token cache and the rate limiters.
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
    transport: Arc<Transport>,
    auth: Arc<dyn TokenProvider>,
    rate_limits: RateLimitMode,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RetryPolicy {
            max_attempts,
            min_delay,
            max_delay,
            max_retry_after,
        } = &self.inner.transport.retry;
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base_url)
            .field("auth", &self.inner.auth)
            .field("max_attempts", max_attempts)
            .field("retry_delays", &(min_delay, max_delay))
            .field("max_retry_after", max_retry_after)
            .field(
                "max_response_bytes",
                &self.inner.transport.max_response_bytes,
            )
            .field("rate_limits", &self.inner.rate_limits)
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
        ClientBuilder::new(host.into(), org_name.into(), app_name.into())
    }

    pub(crate) fn from_parts(
        transport: Arc<Transport>,
        auth: Arc<dyn TokenProvider>,
        rate_limits: RateLimitMode,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport,
                auth,
                rate_limits,
            }),
        }
    }

    /// The base URL every request path is appended to:
    /// `{scheme}://{host}/{org_name}/{app_name}`.
    pub fn base_url(&self) -> &str {
        &self.inner.transport.base_url
    }

    /// Where the client's bearer tokens come from; e.g. to get the current
    /// token for a call the crate does not cover.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.inner.auth
    }

    /// Sends a request and decodes a 2xx response into `Response<T>`.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        parts: RequestParts,
    ) -> Result<Response<T>, Error> {
        let payload = parts.payload;
        self.send_raw(parts).await?.decode_payload(payload)
    }

    /// Sends a request and decodes only the payload of a 2xx response (see
    /// [`RawResponse::decode_data`]).
    pub(crate) async fn send_data<T: DeserializeOwned>(
        &self,
        parts: RequestParts,
    ) -> Result<T, Error> {
        let payload = parts.payload;
        self.send_raw(parts).await?.decode_data(payload)
    }

    /// Sends a request whose 2xx body is a file and hands it over unread.
    pub(crate) async fn download(&self, mut parts: RequestParts) -> Result<Download, Error> {
        parts.payload = Payload::Stream;
        let (op, path) = (parts.op, parts.path.clone());
        let mut raw = self.send_raw(parts).await?;
        match raw.stream.take() {
            Some(response) => Ok(Download::new(op, path, response)),
            // The transport streams every 2xx of a `Payload::Stream` request.
            None => Err(Error::Decode(DecodeError::new(
                op.id,
                raw.status,
                ".".to_owned(),
                &<serde_json::Error as serde::de::Error>::custom(
                    "the download body was already read",
                ),
                &raw.body,
            ))),
        }
    }

    /// Sends a request and returns the body of a 2xx response undecoded; any
    /// other status becomes [`Error::Api`].
    pub(crate) async fn send_raw(&self, parts: RequestParts) -> Result<RawResponse, Error> {
        traced(parts.op, |span| Box::pin(self.call(parts, span))).await
    }

    /// Sends with the provider's token. A 401 makes the provider drop that
    /// token; if it can get another, the request is sent once more with it,
    /// and whatever comes back then is the answer: one refresh, never a loop.
    async fn call(&self, parts: RequestParts, span: tracing::Span) -> Result<RawResponse, Error> {
        let Inner {
            transport, auth, ..
        } = &*self.inner;
        let op = parts.op.id;
        let mut prepared = transport.prepare(parts).map_err(|error| match error {
            Error::Validation(error) => Error::Validation(error.in_operation(op)),
            other => other,
        })?;
        let wait = prepared.timeout().unwrap_or(transport.timeout);
        let mut token = match auth.cached_token() {
            Some(token) => token,
            None => token_within(auth.as_ref(), wait).await?,
        };
        prepared.set_token(&token);
        let mut refreshed = false;
        loop {
            match transport.execute(&mut prepared, &span).await {
                Err(Error::Api(error))
                    if error.status() == reqwest::StatusCode::UNAUTHORIZED
                        && !refreshed
                        && auth.invalidate(&token) =>
                {
                    tracing::debug!(
                        operation = prepared.op().id,
                        "the server rejected the token (401); refreshing it and sending once more"
                    );
                    refreshed = true;
                    token = token_within(auth.as_ref(), wait).await?;
                    prepared.set_token(&token);
                }
                result => return result,
            }
        }
    }
}

/// The provider's next token, waiting at most `wait` (the call's timeout):
/// a slow token endpoint or custom provider must not hold a call longer
/// than its caller allowed.
async fn token_within(auth: &dyn TokenProvider, wait: Duration) -> Result<BearerToken, Error> {
    tokio::time::timeout(wait, auth.token())
        .await
        .map_err(|_| AuthError::TimedOut { waited: wait })?
}
