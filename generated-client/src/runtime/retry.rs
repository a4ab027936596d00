//! Which failed attempts are sent again, and how long to wait first.
//!
//! A request is repeated only when that cannot do harm:
//!
//! - a connection that could not be established: the request never left,
//!   so any request, even a non-idempotent `POST`, is sent again;
//! - for requests that are safe to repeat (`GET`, `PUT`, `DELETE`, and a
//!   `POST` the spec marks idempotent): a connection that broke before the
//!   whole response arrived, HTTP 429 (after `Retry-After` when it is given
//!   and not above the cap), 502, 503 and 504.
//!
//! Nothing else is repeated: not a timeout (the caller's time budget is
//! spent), not a 500 (the server may have acted before failing), and never
//! a non-idempotent `POST` that may have reached the server.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::{HttpMethod, OperationInfo};

/// Attempts per call, the first one included.
pub(crate) const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Delay before the first retry; later ones double, with jitter.
pub(crate) const DEFAULT_MIN_DELAY: Duration = Duration::from_millis(200);
/// Longest backoff delay.
pub(crate) const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(5);
/// Longest `Retry-After` the client waits for; a longer one ends the call
/// with the 429 (or 503) error so that the caller can decide.
pub(crate) const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// The retry settings of one client.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            min_delay: DEFAULT_MIN_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetryPolicy {
    /// The exponential, jittered delays of one call: one per retry, so
    /// `max_attempts - 1` of them.
    pub(crate) fn backoff(&self) -> ExponentialBackoff {
        let retries = usize::try_from(self.max_attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(retries)
            .build()
    }

    /// Whether to send the request again after `failure`, and after what
    /// delay. Each retry uses up one delay of `backoff`, also when the
    /// server's `Retry-After` replaces it, so the attempt limit holds.
    pub(crate) fn next_delay(
        &self,
        op: &OperationInfo,
        failure: &Failure,
        backoff: &mut impl Iterator<Item = Duration>,
    ) -> Option<Duration> {
        let safe = safe_to_repeat(op);
        let retry_after = match *failure {
            Failure::Connect => None,
            Failure::Timeout | Failure::TooLarge => return None,
            Failure::Broken if safe => None,
            Failure::Status {
                status: 429 | 502 | 503 | 504,
                retry_after,
            } if safe => retry_after,
            Failure::Broken | Failure::Status { .. } => return None,
        };
        let delay = backoff.next()?;
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(delay),
        }
    }
}

/// What went wrong in one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection could be made: the request never left.
    Connect,
    /// The request or the response ran out of time.
    Timeout,
    /// The connection failed after it was made, before the whole response
    /// was read (reset, closed early, malformed HTTP): the server may have
    /// seen the request.
    Broken,
    /// The 2xx body was larger than the client's cap: asking again would
    /// bring the same body.
    TooLarge,
    /// The server answered with a non-2xx status.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The parsed `Retry-After` header.
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// Classifies a transport error of reqwest.
    pub(crate) fn from_transport(error: &reqwest::Error) -> Self {
        // A connect timeout is both: the request never left, so it counts as
        // a connect failure.
        if error.is_connect() {
            Self::Connect
        } else if error.is_timeout() {
            Self::Timeout
        } else {
            Self::Broken
        }
    }
}

/// Whether sending the operation twice has the same effect as sending it
/// once: HTTP defines `GET`, `PUT` and `DELETE` that way, and the spec marks
/// the `POST`s that are.
pub(crate) fn safe_to_repeat(op: &OperationInfo) -> bool {
    match op.method {
        HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete => true,
        HttpMethod::Post => op.idempotent,
    }
}

/// Reads `Retry-After`: a delay in seconds, or an HTTP date (a date in the
/// past means no wait). Anything else is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // Saturate absurd values instead of rejecting them: they are above
        // any cap anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use proptest::prelude::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    use super::{Failure, RetryPolicy, retry_after, safe_to_repeat};
    use crate::runtime::fuzz::{self, random_bytes};
    use crate::{HttpMethod, OperationInfo};

    fn op(method: HttpMethod, idempotent: bool) -> OperationInfo {
        OperationInfo {
            id: "test",
            method,
            path_template: "/x",
            idempotent,
            rate_limit: None,
        }
    }

    fn delays() -> impl Iterator<Item = Duration> {
        std::iter::repeat(Duration::from_millis(10))
    }

    fn decide(op: &OperationInfo, failure: Failure) -> Option<Duration> {
        RetryPolicy::default().next_delay(op, &failure, &mut delays())
    }

    fn status(status: u16) -> Failure {
        Failure::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn safe_methods() {
        assert!(safe_to_repeat(&op(HttpMethod::Get, false)));
        assert!(safe_to_repeat(&op(HttpMethod::Put, false)));
        assert!(safe_to_repeat(&op(HttpMethod::Delete, false)));
        assert!(safe_to_repeat(&op(HttpMethod::Post, true)));
        assert!(!safe_to_repeat(&op(HttpMethod::Post, false)));
    }

    #[test]
    fn safe_requests_retry_transient_failures_only() {
        let get = op(HttpMethod::Get, true);
        let backoff = Some(Duration::from_millis(10));
        for failure in [
            Failure::Connect,
            Failure::Broken,
            status(429),
            status(502),
            status(503),
            status(504),
        ] {
            assert_eq!(decide(&get, failure), backoff, "{failure:?}");
        }
        for failure in [Failure::Timeout, status(500), status(400), status(401)] {
            assert_eq!(decide(&get, failure), None, "{failure:?}");
        }
    }

    #[test]
    fn unsafe_post_retries_only_when_nothing_was_sent() {
        let create = op(HttpMethod::Post, false);
        assert!(decide(&create, Failure::Connect).is_some());
        for failure in [
            Failure::Broken,
            Failure::Timeout,
            status(429),
            status(500),
            status(502),
            status(503),
            status(504),
        ] {
            assert_eq!(decide(&create, failure), None, "{failure:?}");
        }
    }

    #[test]
    fn retry_after_replaces_the_backoff_up_to_the_cap() {
        let get = op(HttpMethod::Get, true);
        let policy = RetryPolicy::default();
        let with = |secs| Failure::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            policy.next_delay(&get, &with(3), &mut delays()),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.next_delay(&get, &with(31), &mut delays()), None);
    }

    #[test]
    fn attempts_are_limited() {
        let get = op(HttpMethod::Get, true);
        let policy = RetryPolicy {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
            ..RetryPolicy::default()
        };
        let mut backoff = policy.backoff();
        assert!(
            policy
                .next_delay(&get, &status(503), &mut backoff)
                .is_some()
        );
        assert!(
            policy
                .next_delay(&get, &status(503), &mut backoff)
                .is_some()
        );
        assert_eq!(policy.next_delay(&get, &status(503), &mut backoff), None);

        let single = RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        };
        assert_eq!(
            single.next_delay(&get, &Failure::Connect, &mut single.backoff()),
            None
        );
    }

    #[test]
    fn backoff_grows_with_jitter_within_bounds() {
        let policy = RetryPolicy {
            max_attempts: 6,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
            ..RetryPolicy::default()
        };
        let delays: Vec<_> = policy.backoff().collect();
        assert_eq!(delays.len(), 5);
        // Each delay is its base (100, 200, 400, 400, 400 ms) plus up to
        // 100% jitter.
        for (delay, base) in delays.iter().zip([100, 200, 400, 400, 400]) {
            let base = Duration::from_millis(base);
            assert!(
                *delay >= base && *delay <= base * 2,
                "{delay:?} vs {base:?}"
            );
        }
    }

    #[test]
    fn parses_retry_after_seconds_and_dates() {
        let parse = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            retry_after(
                &headers,
                SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777),
            )
        };
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:47 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:30 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-5"), None);
        assert_eq!(retry_after(&HeaderMap::new(), SystemTime::now()), None);
    }

    proptest! {
        #![proptest_config(fuzz::config())]

        /// Delays in seconds of any length, HTTP dates on either side of
        /// now, and either of them damaged or padded: the documented value,
        /// or nothing, never a panic.
        #[test]
        fn retry_after_reads_seconds_and_dates_and_ignores_the_rest(
            // From 1970-01-12 on, so that a date a million seconds back is
            // still after the epoch, as HTTP dates must be.
            now_secs in 1_000_000u64..4_000_000_000,
            offset in -1_000_000i64..1_000_000,
            digits in "[0-9]{1,30}",
            kind in 0u8..4,
            damage_at in any::<prop::sample::Index>(),
            damage in any::<u8>(),
        ) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now_secs);
            let shift = Duration::from_secs(offset.unsigned_abs());
            let date = if offset >= 0 { now + shift } else { now - shift };
            let (value, expected) = match kind {
                0 => {
                    let seconds = digits.parse().unwrap_or(u64::MAX);
                    (format!(" {digits} "), Some(Some(Duration::from_secs(seconds))))
                }
                1 => {
                    let wait = Duration::from_secs(u64::try_from(offset.max(0)).unwrap());
                    (httpdate::fmt_http_date(date), Some(Some(wait)))
                }
                // Damaged: anything but a panic is fine.
                2 => {
                    let mut bytes = httpdate::fmt_http_date(date).into_bytes();
                    let at = damage_at.index(bytes.len());
                    bytes[at] = damage;
                    (String::from_utf8_lossy(&bytes).into_owned(), None)
                }
                _ => {
                    let mut bytes = digits.into_bytes();
                    let at = damage_at.index(bytes.len());
                    bytes[at] = damage;
                    (String::from_utf8_lossy(&bytes).into_owned(), None)
                }
            };
            let Ok(header) = HeaderValue::from_str(&value) else {
                return Ok(());
            };
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, header);
            let parsed = retry_after(&headers, now);
            if let Some(expected) = expected {
                prop_assert_eq!(parsed, expected, "{:?}", value);
            }
        }

        /// Bytes a header can carry but that are not text are ignored.
        #[test]
        fn opaque_retry_after_bytes_are_ignored(bytes in random_bytes()) {
            if let Ok(header) = HeaderValue::from_bytes(&bytes) {
                let mut headers = HeaderMap::new();
                headers.insert(RETRY_AFTER, header);
                let parsed = retry_after(&headers, SystemTime::now());
                if std::str::from_utf8(&bytes).is_err() {
                    prop_assert_eq!(parsed, None);
                }
            }
        }
    }
}
