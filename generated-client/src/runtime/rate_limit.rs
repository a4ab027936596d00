//! Client-side pacing of the documented per-operation rate limits, so that
//! a caller waits instead of getting HTTP 429.
//!
//! Each operation with a documented limit of N calls per period T is kept
//! to at most N calls in any window a little longer than T (see
//! [`GUARD_DIVISOR`]) by a sliding-window log of its send times
//! ([`send_log`](super::send_log)), shared by every clone of a client: a
//! burst of up to N goes at once, later calls go as soon as the oldest of
//! the last N leaves the window, and concurrent callers wait side by side,
//! not behind each other. With limiting off, or for an operation without a
//! documented limit, a call does not touch the log at all.

use std::time::Duration;

use super::send_log::{LocalLog, Pace, SendLog, Slot};
use super::{Error, OperationInfo, RatePer};

/// How the client applies the documented per-operation rate limits
/// ([`OperationInfo::rate_limit`]); set with
/// [`ClientBuilder::rate_limits`](crate::ClientBuilder::rate_limits).
///
/// ```
/// use agora_chat::{Client, RateLimitMode};
/// // A plan with twice the documented limits.
/// let client = Client::builder("a41.chat.agora.io", "org", "app")
///     .bearer_token("app-token")
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

/// Longest window, whatever the factor: a tiny factor would otherwise ask
/// for one call in centuries.
const MAX_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest pause a 429 imposes on the other processes of a fleet, whatever
/// its `Retry-After` says.
const MAX_PAUSE: Duration = Duration::from_secs(5 * 60);

/// Each window is this fraction longer than documented (1/200: 5 ms per
/// second, 300 ms per minute). Pacing is measured where requests leave;
/// without a margin, a request of the first burst that reaches the server a
/// little late would share the server's window with the first of the next
/// burst. The documented rate is still reached to within 0.5%.
const GUARD_DIVISOR: u32 = 200;

/// The guard of a log shared by a fleet of processes (1/100: 10 ms per
/// second). The shared log counts each send until a window after its
/// answer came, which already covers a request that travels late; the
/// guard is left for the difference between Redis' clock and the server's.
#[cfg(feature = "redis")]
pub(crate) const FLEET_GUARD_DIVISOR: u32 = 100;

/// The rate limiting of one client.
pub(crate) struct RateLimiters {
    /// `None` when limiting is off.
    factor: Option<f64>,
    log: Box<dyn SendLog>,
    /// Windows are `1 + 1/guard_divisor` times as long as documented.
    guard_divisor: u32,
}

impl RateLimiters {
    /// `factor` comes from [`RateLimitMode::factor`]; the log is the
    /// in-process one.
    pub(crate) fn new(factor: Option<f64>) -> Self {
        Self::with_log(factor, Box::new(LocalLog::default()), GUARD_DIVISOR)
    }

    /// Limiters that keep their send times in `log`, with windows
    /// `1 + 1/guard_divisor` times as long as documented.
    pub(crate) fn with_log(factor: Option<f64>, log: Box<dyn SendLog>, guard_divisor: u32) -> Self {
        Self {
            factor,
            log,
            guard_divisor: guard_divisor.max(1),
        }
    }

    /// Waits until `op` may be sent; returns at once, without booking, for
    /// operations without a documented limit or when limiting is off.
    /// `wait` bounds how long a shared log may take to answer (not the wait
    /// for the limit itself); an error comes only from a shared log whose
    /// policy is to fail the call.
    /// The ticket returned goes back to [`sent`](Self::sent) once the
    /// attempt has its answer.
    pub(crate) async fn acquire(
        &self,
        op: &OperationInfo,
        wait: Duration,
    ) -> Result<Option<String>, Error> {
        let Some(pace) = self.pace(op) else {
            return Ok(None);
        };
        let Slot { at, ticket } = self.log.book(op.id, pace, wait).await?;
        if at > tokio::time::Instant::now() {
            tracing::trace!(operation = op.id, ?at, "waiting for the rate limit");
            tokio::time::sleep_until(at).await;
        }
        Ok(ticket)
    }

    /// The attempt booked with `ticket` has its answer; see
    /// [`SendLog::sent`].
    pub(crate) async fn sent(&self, op: &OperationInfo, ticket: Option<String>, wait: Duration) {
        if let (Some(ticket), Some(pace)) = (ticket, self.pace(op)) {
            self.log.sent(op.id, pace, ticket, wait).await;
        }
    }

    /// The server answered 429 to `op`: holds back its later calls for
    /// `retry_after` (one window of its limit when the server gave none).
    /// Only a shared log acts on it; see [`SendLog::pause`].
    pub(crate) async fn paused_by_server(
        &self,
        op: &OperationInfo,
        retry_after: Option<Duration>,
        wait: Duration,
    ) {
        let Some(pace) = self.pace(op) else {
            return;
        };
        let pause = retry_after.unwrap_or(pace.window).min(MAX_PAUSE);
        self.log.pause(op.id, pause, wait).await;
    }

    /// Whether [`acquire`](Self::acquire) may wait or book for `op`: it has
    /// a documented limit and limiting is on.
    pub(crate) fn paces(&self, op: &OperationInfo) -> bool {
        self.pace(op).is_some()
    }

    /// The pace `op` is kept to, from its documented limit and the factor.
    fn pace(&self, op: &OperationInfo) -> Option<Pace> {
        let (limit, factor) = (op.rate_limit?, self.factor?);
        let period = match limit.per {
            RatePer::Second => Duration::from_secs(1),
            RatePer::Minute => Duration::from_secs(60),
        };
        let allowed = f64::from(limit.count) * factor;
        let (count, window) = if allowed >= 1.0 {
            // Whole calls per period; a huge factor saturates, and then the
            // log only ever holds the calls of the last period.
            (allowed as usize, period)
        } else if allowed > 0.0 {
            // Less than one call per period: one call per longer window.
            let window = Duration::try_from_secs_f64(period.as_secs_f64() / allowed)
                .unwrap_or(MAX_WINDOW)
                .min(MAX_WINDOW);
            (1, window)
        } else {
            // A documented count of 0 is a spec mistake, not a ban on calls.
            return None;
        };
        Some(Pace {
            count,
            window: window + window / self.guard_divisor,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::future::join_all;
    use tokio::time::Instant;

    use super::{MAX_WINDOW, RateLimitMode, RateLimiters};
    use crate::runtime::send_log::Pace;
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

    /// How long a shared log may take (the in-process one never waits).
    const WAIT: Duration = Duration::from_secs(1);

    /// A window of `ms` milliseconds with its guard.
    fn guarded(ms: u64) -> Duration {
        Duration::from_millis(ms) + Duration::from_millis(ms) / 200
    }

    async fn time_calls(limiters: &RateLimiters, op: &OperationInfo, calls: u32) -> Duration {
        let start = Instant::now();
        for _ in 0..calls {
            limiters.acquire(op, WAIT).await.unwrap();
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

    #[test]
    fn paces_follow_the_documented_count_and_period() {
        let pace = |factor, count, per| {
            let op = OperationInfo {
                rate_limit: Some(RateLimit { count, per }),
                ..TEN_PER_SECOND
            };
            RateLimiters::new(Some(factor)).pace(&op)
        };
        let per = |count, ms| {
            Some(Pace {
                count,
                window: guarded(ms),
            })
        };
        assert_eq!(pace(1.0, 100, RatePer::Second), per(100, 1000));
        assert_eq!(pace(1.0, 5, RatePer::Minute), per(5, 60_000));
        // Scaled counts are whole calls, rounded down.
        assert_eq!(pace(0.5, 5, RatePer::Minute), per(2, 60_000));
        assert_eq!(pace(2.0, 100, RatePer::Second), per(200, 1000));
        // Below one call per period, the window grows instead.
        assert_eq!(pace(0.05, 10, RatePer::Second), per(1, 2000));
        assert_eq!(
            pace(1e-300, 10, RatePer::Second),
            Some(Pace {
                count: 1,
                window: MAX_WINDOW + MAX_WINDOW / 200
            })
        );
        assert_eq!(pace(1e300, 10, RatePer::Second), per(usize::MAX, 1000));
        assert_eq!(pace(1.0, 0, RatePer::Second), None);
    }

    #[test]
    fn off_and_unlimited_operations_are_not_booked() {
        assert_eq!(RateLimiters::new(None).pace(&TEN_PER_SECOND), None);
        assert_eq!(RateLimiters::new(Some(1.0)).pace(&UNLIMITED), None);
    }

    #[tokio::test(start_paused = true)]
    async fn n_calls_go_at_once_and_the_next_a_window_later() {
        let limiters = RateLimiters::new(Some(1.0));
        assert_eq!(
            time_calls(&limiters, &TEN_PER_SECOND, 10).await,
            Duration::ZERO
        );
        assert_eq!(
            time_calls(&limiters, &TEN_PER_SECOND, 1).await,
            guarded(1000)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_calls_wait_side_by_side() {
        let limiters = RateLimiters::new(Some(1.0));
        let start = Instant::now();
        let finished = join_all((0..25).map(|_| async {
            limiters.acquire(&TEN_PER_SECOND, WAIT).await.unwrap();
            start.elapsed()
        }))
        .await;
        // 10 at once, 10 a window later, 5 two windows later: nobody queues
        // behind another's wait.
        let at = |n: u32| guarded(1000) * n;
        assert_eq!(finished[..10], [at(0); 10]);
        assert_eq!(finished[10..20], [at(1); 10]);
        assert_eq!(finished[20..], [at(2); 5]);
    }

    #[tokio::test(start_paused = true)]
    async fn scaled_limits_change_the_pace() {
        let doubled = RateLimiters::new(Some(2.0));
        assert_eq!(
            time_calls(&doubled, &TEN_PER_SECOND, 21).await,
            guarded(1000)
        );
        let halved = RateLimiters::new(Some(0.5));
        assert_eq!(time_calls(&halved, &TEN_PER_SECOND, 6).await, guarded(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn off_and_unlimited_operations_do_not_wait() {
        let off = RateLimiters::new(None);
        assert_eq!(time_calls(&off, &TEN_PER_SECOND, 100).await, Duration::ZERO);
        let on = RateLimiters::new(Some(1.0));
        assert_eq!(time_calls(&on, &UNLIMITED, 100).await, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn each_operation_has_its_own_log() {
        let limiters = RateLimiters::new(Some(1.0));
        let other = OperationInfo {
            id: "other",
            ..TEN_PER_SECOND
        };
        time_calls(&limiters, &TEN_PER_SECOND, 10).await;
        assert_eq!(time_calls(&limiters, &other, 10).await, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn extreme_factors_do_not_overflow() {
        let tiny = RateLimiters::new(Some(1e-300));
        assert_eq!(time_calls(&tiny, &TEN_PER_SECOND, 1).await, Duration::ZERO);
        let huge = RateLimiters::new(Some(1e300));
        assert_eq!(time_calls(&huge, &TEN_PER_SECOND, 50).await, Duration::ZERO);
    }
}
