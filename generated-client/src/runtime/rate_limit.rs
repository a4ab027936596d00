//! Client-side pacing of the documented per-operation rate limits, so that
//! a caller waits instead of getting HTTP 429.
//!
//! Each operation with a documented limit of N calls per period T gets its
//! own [governor] limiter, created on first use and kept in the client's
//! shared state, so every clone of a client paces together. Calls are
//! spaced at least T/N apart (a cell is replenished every T/N, with a burst
//! of one): then no window of length T, however the server aligns it, holds
//! more than N calls, while a steady stream still reaches N per T. A larger
//! burst would let up to 2N − 1 calls into one window and earn a 429.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use super::{OperationInfo, RatePer};

/// How the client applies the documented per-operation rate limits
/// ([`OperationInfo::rate_limit`]); set with
/// [`ClientBuilder::rate_limits`](crate::ClientBuilder::rate_limits).
///
/// ```
/// use agora_chat::{Client, RateLimitMode};
/// // A plan with twice the documented limits.
/// let client = Client::builder("a41.chat.agora.io", "org", "app")
///     .bearer_token("007…")
///     .rate_limits(RateLimitMode::Scaled(2.0))
///     .build()?;
/// # Ok::<(), agora_chat::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum RateLimitMode {
    /// No client-side limiting; the server's 429s are retried instead.
    Off,
    /// Pace each operation to its documented limit (the default).
    #[default]
    Documented,
    /// Pace each operation to its documented limit times this factor: `2.0`
    /// for a plan with twice the limits, `0.5` to leave room for other
    /// clients of the same app. Must be finite and greater than zero.
    Scaled(f64),
}

impl RateLimitMode {
    /// The factor applied to documented limits; `None` when off. Errors name
    /// what is wrong with a `Scaled` factor.
    pub(crate) fn factor(self) -> Result<Option<f64>, String> {
        match self {
            Self::Off => Ok(None),
            Self::Documented => Ok(Some(1.0)),
            Self::Scaled(factor) if factor.is_finite() && factor > 0.0 => Ok(Some(factor)),
            Self::Scaled(factor) => Err(format!(
                "the factor of `RateLimitMode::Scaled` must be finite and greater than zero, got {factor}"
            )),
        }
    }
}

/// Longest spacing between two calls, whatever the factor: keeps a tiny
/// factor from overflowing the limiter's nanosecond clock.
const MAX_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

/// A time source for governor that follows tokio's clock, so that the
/// limiter and the `tokio::time::sleep` that waits for it agree, also when a
/// test pauses time.
#[derive(Debug, Clone, Copy)]
struct TokioClock {
    origin: tokio::time::Instant,
}

impl Clock for TokioClock {
    // governor measures time as the offset from a fixed origin.
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// The limiters of one client, keyed by operation id.
pub(crate) struct RateLimiters {
    /// `None` when limiting is off.
    factor: Option<f64>,
    clock: TokioClock,
    limiters: Mutex<HashMap<&'static str, Arc<Limiter>>>,
}

impl RateLimiters {
    /// `factor` comes from [`RateLimitMode::factor`].
    pub(crate) fn new(factor: Option<f64>) -> Self {
        Self {
            factor,
            clock: TokioClock {
                origin: tokio::time::Instant::now(),
            },
            limiters: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `op` may be sent; returns at once for operations without
    /// a documented limit or when limiting is off.
    pub(crate) async fn acquire(&self, op: &OperationInfo) {
        let Some(limiter) = self.limiter(op) else {
            return;
        };
        while let Err(not_until) = limiter.check() {
            let wait = not_until.wait_time_from(self.clock.now());
            tracing::trace!(operation = op.id, ?wait, "waiting for the rate limit");
            tokio::time::sleep(wait).await;
        }
    }

    fn limiter(&self, op: &OperationInfo) -> Option<Arc<Limiter>> {
        let (limit, factor) = (op.rate_limit?, self.factor?);
        // The lock only guards the map lookup, never an await; a panic
        // while holding it cannot leave the map half-updated.
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(limiter) = limiters.get(op.id) {
            return Some(Arc::clone(limiter));
        }
        let period = match limit.per {
            RatePer::Second => Duration::from_secs(1),
            RatePer::Minute => Duration::from_secs(60),
        };
        let per_period = f64::from(limit.count) * factor;
        if per_period <= 0.0 {
            // A documented count of 0 is a spec mistake, not a ban on calls.
            return None;
        }
        // Too long to represent (a tiny factor) is capped; an interval that
        // rounds to zero (a huge factor) means no usable limit.
        let interval = Duration::try_from_secs_f64(period.as_secs_f64() / per_period)
            .unwrap_or(MAX_INTERVAL)
            .min(MAX_INTERVAL);
        let quota = Quota::with_period(interval)?;
        let limiter = Arc::new(RateLimiter::direct_with_clock(quota, self.clock));
        limiters.insert(op.id, Arc::clone(&limiter));
        Some(limiter)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{RateLimitMode, RateLimiters};
    use crate::{HttpMethod, OperationInfo, RateLimit, RatePer};

    const TEN_PER_SECOND: OperationInfo = OperationInfo {
        id: "limited",
        method: HttpMethod::Get,
        path_template: "/x",
        idempotent: true,
        rate_limit: Some(RateLimit {
            count: 10,
            per: RatePer::Second,
        }),
    };

    const UNLIMITED: OperationInfo = OperationInfo {
        id: "free",
        rate_limit: None,
        ..TEN_PER_SECOND
    };

    async fn time_calls(limiters: &RateLimiters, op: &OperationInfo, calls: u32) -> Duration {
        let start = Instant::now();
        for _ in 0..calls {
            limiters.acquire(op).await;
        }
        start.elapsed()
    }

    #[test]
    fn factors() {
        assert_eq!(RateLimitMode::Off.factor(), Ok(None));
        assert_eq!(RateLimitMode::Documented.factor(), Ok(Some(1.0)));
        assert_eq!(RateLimitMode::Scaled(2.5).factor(), Ok(Some(2.5)));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let error = RateLimitMode::Scaled(bad).factor().unwrap_err();
            assert!(error.contains("greater than zero"), "{error}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn n_plus_one_calls_take_a_full_period() {
        let limiters = RateLimiters::new(Some(1.0));
        // 10 calls are spaced 100 ms apart: 900 ms; the 11th completes the
        // second.
        let elapsed = time_calls(&limiters, &TEN_PER_SECOND, 11).await;
        assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1100), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn scaled_limits_change_the_pace() {
        let doubled = RateLimiters::new(Some(2.0));
        let elapsed = time_calls(&doubled, &TEN_PER_SECOND, 21).await;
        assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1100), "{elapsed:?}");

        let halved = RateLimiters::new(Some(0.5));
        let elapsed = time_calls(&halved, &TEN_PER_SECOND, 6).await;
        assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn off_and_unlimited_operations_do_not_wait() {
        let off = RateLimiters::new(None);
        assert_eq!(time_calls(&off, &TEN_PER_SECOND, 100).await, Duration::ZERO);
        let on = RateLimiters::new(Some(1.0));
        assert_eq!(time_calls(&on, &UNLIMITED, 100).await, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn each_operation_has_its_own_limiter() {
        let limiters = RateLimiters::new(Some(1.0));
        let other = OperationInfo {
            id: "other",
            ..TEN_PER_SECOND
        };
        limiters.acquire(&TEN_PER_SECOND).await;
        let start = Instant::now();
        limiters.acquire(&other).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn tiny_factors_do_not_overflow() {
        let limiters = RateLimiters::new(Some(1e-300));
        limiters.acquire(&TEN_PER_SECOND).await;
        let huge = RateLimiters::new(Some(1e300));
        assert_eq!(time_calls(&huge, &TEN_PER_SECOND, 50).await, Duration::ZERO);
    }
}
