//! Sending one request: checking and building it once, then each attempt
//! (rate limit, HTTP exchange) until it succeeds or the retry policy says
//! stop.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::Either;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use tracing::Instrument;

use super::auth::BearerToken;
use super::body::{self, Unread};
use super::encode;
use super::error::ERROR_BODY_MAX_BYTES;
use super::headers;
use super::rate_limit::RateLimiters;
use super::response::RawResponse;
use super::retry::{Failure, RetryPolicy};
use super::upload::{self, FormPart};
use super::{
    ApiError, Body, Error, HttpMethod, OperationInfo, Payload, RequestParts, ResponseTooLarge,
    TransportError, ValidationError, ValidationErrorKind,
};

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");
/// `Accept` of downloads, as the file pages' examples send it.
const OCTET_STREAM: HeaderValue = HeaderValue::from_static("application/octet-stream");

/// Sent with every request (also set as the HTTP client's default, which
/// is merged in only when a request lacks it: having it in the request from
/// the start saves that step).
pub(crate) const AGENT: HeaderValue =
    HeaderValue::from_static(concat!("agora-chat-rust/", env!("CARGO_PKG_VERSION")));

/// What every request of one client shares: the HTTP stack, where requests
/// go, how they are retried and paced. It holds no credentials, so that
/// token providers can use it too.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// `{scheme}://{host}/{org}/{app}`, with org and app percent-encoded.
    pub(crate) base_url: String,
    /// The path part of `base_url`, used to check the final route.
    pub(crate) base_path: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiters: RateLimiters,
    /// Largest 2xx body read (downloads excepted), in bytes.
    pub(crate) max_response_bytes: u64,
    /// The client's timeout, which reqwest applies to each exchange; kept
    /// to bound the other waits of a call (for a token) the same way.
    pub(crate) timeout: Duration,
}

/// A request checked once and sent once per attempt.
pub(crate) struct Prepared {
    op: &'static OperationInfo,
    path: String,
    /// The absolute URL, query included.
    url: String,
    /// Extra headers, already checked.
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The body, kept so that each attempt can send it again.
    body: PreparedBody,
    /// Hand a 2xx body over unread (downloads) instead of buffering it.
    stream: bool,
    timeout: Option<Duration>,
    /// `Authorization` of the following attempts.
    authorization: Option<HeaderValue>,
    /// The first attempt's request, built by `prepare` to check the route.
    /// Later attempts build their own from the fields above: cheaper than
    /// cloning this one for every call in case a retry comes.
    first: Option<reqwest::Request>,
    /// Attempts made so far, replays after a token refresh included.
    attempts: u32,
}

impl Transport {
    /// Checks and builds the request of `parts`, rejecting malformed
    /// headers, per-call headers the client owns, and paths that the URL
    /// parser would rewrite.
    pub(crate) fn prepare(&self, parts: RequestParts) -> Result<Prepared, Error> {
        let RequestParts {
            op,
            path,
            query,
            headers,
            body,
            options,
            payload,
        } = parts;
        debug_assert!(path.starts_with('/'), "path must start with '/': {path}");

        let mut url = String::with_capacity(self.base_url.len() + path.len() + 16);
        url.push_str(&self.base_url);
        url.push_str(&path);
        encode::push_query(&mut url, &query);

        // Checked here, before anything is sent: a bad header is the
        // caller's mistake, and reqwest would only fail later, as a
        // transport error.
        let headers = headers
            .iter()
            .map(|(name, value)| headers::checked(name, value))
            .chain(
                options
                    .headers
                    .iter()
                    .map(|(name, value)| headers::per_call(name, value)),
            )
            .collect::<Result<_, _>>()?;
        let body = match body {
            Body::Empty => PreparedBody::Empty,
            Body::Json(bytes) => PreparedBody::Json(Bytes::from(bytes)),
            Body::Multipart(parts) => PreparedBody::Multipart(parts),
            Body::Form(bytes) => PreparedBody::Form(Bytes::from(bytes)),
        };
        let mut prepared = Prepared {
            op,
            path,
            url,
            headers,
            body,
            stream: payload == Payload::Stream,
            timeout: options.timeout,
            authorization: None,
            first: None,
            attempts: 0,
        };
        let first = prepared.build(&self.http)?;

        // The URL parser drops `.`/`..` segments (even encoded ones), which
        // would send the request to another endpoint: refuse instead.
        let expected_len = self.base_path.len() + prepared.path.len();
        let route = first.url().path();
        if route.len() != expected_len
            || !route.starts_with(&self.base_path)
            || !route.ends_with(&prepared.path)
        {
            return Err(ValidationError::new("path", ValidationErrorKind::DotSegment).into());
        }
        prepared.first = Some(first);
        Ok(prepared)
    }

    /// Sends `prepared` until it succeeds or the retry policy gives up; the
    /// error is the one of the last attempt. Records `attempt` and `status`
    /// on `span`, the call's span from [`traced`].
    pub(crate) async fn execute(
        &self,
        prepared: &mut Prepared,
        span: &tracing::Span,
    ) -> Result<RawResponse, Error> {
        let op = prepared.op;
        // Built on the first failure only: most calls never need it (and
        // boxed, as the waits are below).
        let mut backoff = None;
        loop {
            let wait = prepared.timeout.unwrap_or(self.timeout);
            // Each wait is boxed and entered only when it can wait, so that
            // the call's future stays small (see `Client::send_raw`).
            let ticket = if self.limiters.paces(op) {
                Box::pin(self.limiters.acquire(op, wait)).await?
            } else {
                None
            };
            let request = prepared.next_request(&self.http)?;
            prepared.attempts += 1;
            span.record("attempt", prepared.attempts);
            let outcome =
                Box::pin(self.attempt(op, &prepared.path, request, prepared.stream, span)).await;
            if ticket.is_some() {
                Box::pin(self.limiters.sent(op, ticket, wait)).await;
            }
            let (failure, error) = match outcome {
                Ok(response) => return Ok(response),
                Err(failed) => failed,
            };
            if let Failure::Status {
                status: 429,
                retry_after,
            } = failure
            {
                // Other processes sharing the limit hold back too.
                Box::pin(self.limiters.paused_by_server(op, retry_after, wait)).await;
            }
            let backoff = backoff.get_or_insert_with(|| Box::new(self.retry.backoff()));
            match self.retry.next_delay(op, &failure, backoff.as_mut()) {
                Some(delay) => {
                    tracing::debug!(
                        attempt = prepared.attempts,
                        delay_ms = millis(delay),
                        %error,
                        "attempt failed; retrying"
                    );
                    Box::pin(tokio::time::sleep(delay)).await;
                }
                None => return Err(error),
            }
        }
    }

    /// One HTTP exchange. A failure comes with its classification for the
    /// retry policy.
    async fn attempt(
        &self,
        op: &'static OperationInfo,
        path: &str,
        request: reqwest::Request,
        stream: bool,
        span: &tracing::Span,
    ) -> Result<RawResponse, (Failure, Error)> {
        let transport = |source: reqwest::Error| {
            let failure = Failure::from_transport(&source);
            let error = TransportError::new(op.id, op.method, path.to_owned(), source);
            (failure, Error::Transport(error))
        };
        let response = self.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        span.record("status", status.as_u16());
        if status.is_success() && stream {
            return Ok(RawResponse {
                operation: op.id,
                status,
                body: Bytes::new(),
                stream: Some(response),
            });
        }
        if status.is_success() {
            let body = body::read_capped(response, self.max_response_bytes)
                .await
                .map_err(|unread| match unread {
                    Unread::Transport(source) => transport(source),
                    Unread::TooLarge {
                        read,
                        content_length,
                    } => {
                        let error = ResponseTooLarge::new(
                            op.id,
                            status,
                            self.max_response_bytes,
                            read,
                            content_length,
                        );
                        (Failure::TooLarge, error.into())
                    }
                })?;
            return Ok(RawResponse {
                operation: op.id,
                status,
                body,
                stream: None,
            });
        }
        let headers = response.headers().clone();
        // The status is the essential fact here; if the error body cannot be
        // read, report the status with what arrived rather than a transport
        // error.
        let body = body::read_prefix(response, ERROR_BODY_MAX_BYTES).await;
        let error = ApiError::from_response(op.id, status, &headers, &body);
        let failure = Failure::Status {
            status: status.as_u16(),
            retry_after: error.retry_after(),
        };
        Err((failure, error.into()))
    }
}

impl Prepared {
    /// The operation being sent.
    pub(crate) fn op(&self) -> &'static OperationInfo {
        self.op
    }

    /// The per-call timeout, if one was set.
    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Sets the bearer token of the following attempts.
    pub(crate) fn set_token(&mut self, token: &BearerToken) {
        let header = token.header().clone();
        if let Some(first) = &mut self.first {
            first.headers_mut().insert(AUTHORIZATION, header.clone());
        }
        self.authorization = Some(header);
    }

    /// The request for the next attempt.
    fn next_request(&mut self, http: &reqwest::Client) -> Result<reqwest::Request, Error> {
        match self.first.take() {
            Some(first) => Ok(first),
            None => self.build(http),
        }
    }

    fn build(&self, http: &reqwest::Client) -> Result<reqwest::Request, Error> {
        let mut request = http
            .request(reqwest_method(self.op.method), &self.url)
            // A download asks for the file, whatever its type.
            .header(ACCEPT, if self.stream { OCTET_STREAM } else { JSON })
            .header(USER_AGENT, AGENT);
        for (name, value) in &self.headers {
            request = request.header(name.clone(), value.clone());
        }
        match &self.body {
            PreparedBody::Empty => {}
            PreparedBody::Json(body) => {
                request = request.header(CONTENT_TYPE, JSON).body(body.clone());
            }
            PreparedBody::Form(body) => {
                request = request.header(CONTENT_TYPE, FORM).body(body.clone());
            }
            // A form is consumed by sending, so each attempt builds its own
            // from the kept parts.
            PreparedBody::Multipart(parts) => {
                let form = upload::form(parts).map_err(|source| self.transport_error(source))?;
                request = request.multipart(form);
            }
        }
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(authorization) = &self.authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        request
            .build()
            .map_err(|source| self.transport_error(source))
    }

    fn transport_error(&self, source: reqwest::Error) -> Error {
        Error::Transport(TransportError::new(
            self.op.id,
            self.op.method,
            self.path.clone(),
            source,
        ))
    }
}

/// A request body as kept between attempts.
enum PreparedBody {
    Empty,
    /// `Bytes` so that each attempt shares the same buffer.
    Json(Bytes),
    Multipart(Vec<FormPart>),
    Form(Bytes),
}

fn reqwest_method(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Delete => reqwest::Method::DELETE,
    }
}

/// A duration in milliseconds with microsecond precision, for tracing.
pub(crate) fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Runs `call`, one API call (retries and token refreshes included), inside
/// its tracing span: operation id, method and path template up front;
/// `attempt` and `status` as attempts happen; `duration_ms` at the end.
///
/// `call` receives the span to record on (a handle, not the current span,
/// which not every subscriber tracks). It is called at once, not when the
/// returned future is first polled: the future then holds only the call's
/// future, not also the arguments it was made from, and so do the futures
/// around it.
pub(crate) fn traced<T, F>(
    op: &'static OperationInfo,
    call: impl FnOnce(tracing::Span) -> F,
) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = Result<T, Error>>,
{
    let span = tracing::debug_span!(
        "agora_chat.request",
        operation = op.id,
        method = op.method.as_str(),
        path = op.path_template,
        status = tracing::field::Empty,
        attempt = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    if span.is_disabled() {
        // Nobody listens: skip the clock and the instrumentation.
        return Either::Left(call(span));
    }
    let started = std::time::Instant::now();
    let call = call(span.clone()).instrument(span.clone());
    Either::Right(call.map(move |result| {
        span.record("duration_ms", millis(started.elapsed()));
        if let Err(error) = &result {
            span.in_scope(|| tracing::debug!(%error, "request failed"));
        }
        result
    }))
}
