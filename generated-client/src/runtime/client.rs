//! The client and sending a request on behalf of generated code.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{Either, ready};
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
    pub(crate) fn send<T: DeserializeOwned>(
        &self,
        parts: RequestParts,
    ) -> impl Future<Output = Result<Response<T>, Error>> + Send + '_ {
        let payload = parts.payload;
        self.send_raw(parts)
            .map(move |raw| raw?.decode_payload(payload))
    }

    /// Sends a request and decodes only the payload of a 2xx response (see
    /// [`RawResponse::decode_data`]); `parts` is what the arguments' checks
    /// gave, so that a generated method's future is this one alone.
    pub(crate) fn send_data<T: DeserializeOwned + Send + 'static>(
        &self,
        parts: Result<RequestParts, Error>,
    ) -> impl Future<Output = Result<T, Error>> + Send + '_ {
        match parts {
            Ok(parts) => {
                let payload = parts.payload;
                Either::Left(
                    self.send_raw(parts)
                        .map(move |raw| raw?.decode_data(payload)),
                )
            }
            Err(error) => Either::Right(ready(Err(error))),
        }
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
    ///
    /// These steps are plain functions that return futures, not `async fn`s:
    /// each uses its arguments before returning, so no enclosing future
    /// keeps a copy of them. Together with the waits boxed in
    /// [`Transport::execute`], a call's whole future then fits the
    /// allocator's per-thread cache (about 1 KiB with glibc), which under
    /// concurrency costs far less than a large block.
    pub(crate) fn send_raw(
        &self,
        parts: RequestParts,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        traced(parts.op, |span| self.call(parts, span))
    }

    /// Sends with the provider's token. A 401 makes the provider drop that
    /// token; if it can get another, the request is sent once more with it,
    /// and whatever comes back then is the answer: one refresh, never a loop.
    fn call(
        &self,
        parts: RequestParts,
        span: tracing::Span,
    ) -> impl Future<Output = Result<RawResponse, Error>> + Send + '_ {
        let Inner {
            transport, auth, ..
        } = &*self.inner;
        let op = parts.op.id;
        // Boxed: most of a call's state, kept out of its future (see
        // `send_raw`).
        let mut prepared = match transport.prepare(parts) {
            Ok(prepared) => Box::new(prepared),
            Err(Error::Validation(error)) => {
                return Either::Right(ready(Err(Error::Validation(error.in_operation(op)))));
            }
            Err(other) => return Either::Right(ready(Err(other))),
        };
        // An async block rather than an `async fn` taking `prepared`: the
        // block uses `prepared` where it captured it, where an `async fn`
        // would hold its argument twice.
        Either::Left(async move {
            let wait = prepared.timeout().unwrap_or(transport.timeout);
            let mut token = match auth.cached_token() {
                Some(token) => token,
                None => Box::pin(token_within(auth.as_ref(), wait)).await?,
            };
            prepared.set_token(&token);
            let mut refreshed = false;
            loop {
                // The result is gone before the refresh waits, so that the
                // future does not keep room for it there.
                {
                    let result = transport.execute(&mut prepared, &span).await;
                    let rejected = matches!(
                        &result,
                        Err(Error::Api(error)) if error.status() == reqwest::StatusCode::UNAUTHORIZED
                    );
                    if !rejected || refreshed || !auth.invalidate(&token) {
                        return result;
                    }
                }
                tracing::debug!(
                    operation = prepared.op().id,
                    "the server rejected the token (401); refreshing it and sending once more"
                );
                refreshed = true;
                token = Box::pin(token_within(auth.as_ref(), wait)).await?;
                prepared.set_token(&token);
            }
        })
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

#[cfg(test)]
mod tests {
    /// glibc's per-thread cache serves blocks up to this size; a larger
    /// one takes an arena lock, which concurrent calls contend for.
    const ALLOCATOR_CACHE_MAX: usize = 1032;

    #[tokio::test]
    async fn a_call_future_fits_the_allocator_cache() {
        let client = crate::Client::builder("http://127.0.0.1:9", "org", "app")
            .bearer_token("token")
            .allow_http(true)
            .build()
            .expect("client");
        // The future `.await` boxes: the whole call, retries and all, of a
        // builder with few arguments and of one with many (which the
        // future must not hold on to).
        let sizes = [
            (
                "get_user",
                std::mem::size_of_val(&client.users().get("u1").send()),
            ),
            (
                "update_group",
                std::mem::size_of_val(&client.groups().update("g1").send()),
            ),
        ];
        for (op, size) in sizes {
            assert!(
                size <= ALLOCATOR_CACHE_MAX,
                "a call of {op} takes {size} bytes, more than the {ALLOCATOR_CACHE_MAX} the allocator caches per thread"
            );
        }
    }
}
