//! The record of recent sends that paces a rate-limited operation: a
//! sliding-window log.
//!
//! To keep "at most N calls in any window of length T", a call may go once
//! the N-th most recent send is at least T old. Booking takes that time (or
//! now, if fewer than N sends fall in the last T) and records it as the
//! call's send time, so later callers count it even while it still waits:
//! each caller books under a short lock and then sleeps on its own, and no
//! one waits behind another's sleep. Up to N calls go at once, the N+1-th
//! exactly when the first leaves the window: the full documented rate, and
//! never N+1 in one window, however the server aligns its windows.
//!
//! [`SendLog`] is the seam: [`LocalLog`] is the in-process log, and with the
//! `redis` feature `fleet::limits` keeps one log per app and operation in
//! Redis, so that a fleet of processes stays within one app-wide limit.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::Error;

/// The limit to keep for one operation: at most `count` sends in any
/// `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pace {
    pub(crate) count: usize,
    pub(crate) window: Duration,
}

/// A booked send: when it may go, and what a shared log needs to hear
/// about it once its answer is in ([`SendLog::sent`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) at: Instant,
    pub(crate) ticket: Option<String>,
}

/// The slot booked for a call, or why no booking could be made (a shared
/// log that is unreachable, when the policy is to fail the call).
pub(crate) type Booking<'a> = Pin<Box<dyn Future<Output = Result<Slot, Error>> + Send + 'a>>;

/// Recording a pause; see [`SendLog::pause`].
pub(crate) type Pausing<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where the send times of rate-limited operations are kept.
pub(crate) trait SendLog: Send + Sync {
    /// Books the next send of operation `key` under `pace` and returns when
    /// it may go: now, or the earliest time that keeps the limit. The
    /// booking counts from then on, whether or not the caller still sends.
    /// A log that has to ask another process spends at most `wait` on it.
    fn book(&self, key: &'static str, pace: Pace, wait: Duration) -> Booking<'_>;

    /// The call booked with `ticket` has its answer (or failed): a shared
    /// log counts it from now on, an upper bound of when the server saw
    /// it. Spends at most `wait`; a failure is only logged.
    fn sent(&self, key: &'static str, pace: Pace, ticket: String, wait: Duration) -> Pausing<'_> {
        let _ = (key, pace, ticket, wait);
        Box::pin(std::future::ready(()))
    }

    /// The server answered 429 to a call of `key`: no booking of it goes
    /// before `pause` from now. The in-process log does nothing (the call's
    /// own retry waits out `Retry-After`); a shared log holds back every
    /// process. Spends at most `wait`; a failure is only logged.
    fn pause(&self, key: &'static str, pause: Duration, wait: Duration) -> Pausing<'_> {
        let _ = (key, pause, wait);
        Box::pin(std::future::ready(()))
    }
}

/// The in-process [`SendLog`]: per operation, the booked send times of the
/// last window, at most `count` of them, oldest first.
#[derive(Default)]
pub(crate) struct LocalLog {
    /// The lock is held for one booking (a few comparisons), never across
    /// an await.
    sends: Mutex<HashMap<&'static str, VecDeque<Instant>>>,
}

impl LocalLog {
    pub(crate) fn book_now(&self, key: &'static str, pace: Pace) -> Instant {
        let now = Instant::now();
        let mut sends = self.sends.lock().unwrap_or_else(PoisonError::into_inner);
        let log = sends.entry(key).or_default();
        // A send a whole window ago no longer limits anything.
        while log.front().is_some_and(|&sent| sent + pace.window <= now) {
            log.pop_front();
        }
        // Fewer than `count` left means none of them is in the future
        // (a future booking is made only when the log is full, and then
        // every entry is younger than a window), so `now` keeps the order.
        let at = match log.front() {
            Some(&oldest) if log.len() >= pace.count => oldest + pace.window,
            _ => now,
        };
        log.push_back(at);
        while log.len() > pace.count {
            log.pop_front();
        }
        at
    }
}

impl SendLog for LocalLog {
    fn book(&self, key: &'static str, pace: Pace, _wait: Duration) -> Booking<'_> {
        let at = self.book_now(key, pace);
        Box::pin(std::future::ready(Ok(Slot { at, ticket: None })))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;
    use tokio::time::Instant;

    use super::{LocalLog, Pace};

    /// The most sends any window of length `window` holds; `times` sorted.
    fn busiest_window(times: &[Instant], window: Duration) -> usize {
        (0..times.len())
            .map(|start| {
                times[start..]
                    .iter()
                    .take_while(|&&at| at < times[start] + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// Books one send per arrival (offsets in ms from now, sorted) and
    /// returns the booked times and the arrival times.
    fn book_all(log: &LocalLog, pace: Pace, arrivals_ms: &[u64]) -> (Vec<Instant>, Vec<Instant>) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let start_paused = Instant::now();
            let mut booked = Vec::new();
            let mut arrived = Vec::new();
            for &ms in arrivals_ms {
                tokio::time::sleep_until(start_paused + Duration::from_millis(ms)).await;
                arrived.push(Instant::now());
                booked.push(log.book_now("op", pace));
            }
            (booked, arrived)
        })
    }

    const HUNDRED_PER_SECOND: Pace = Pace {
        count: 100,
        window: Duration::from_secs(1),
    };

    #[test]
    fn a_burst_of_n_goes_at_once_and_the_next_n_a_window_later() {
        let log = LocalLog::default();
        let (booked, arrived) = book_all(&log, HUNDRED_PER_SECOND, &[0; 300]);
        let start = arrived[0];
        let second = Duration::from_secs(1);
        assert!(booked[..100].iter().all(|&at| at == start));
        assert!(booked[100..200].iter().all(|&at| at == start + second));
        assert!(booked[200..].iter().all(|&at| at == start + 2 * second));
        assert_eq!(busiest_window(&booked, second), 100);
    }

    #[test]
    fn a_steady_caller_reaches_the_documented_rate() {
        // One call every 5 ms (200/s offered) for 3 s, at 100/s allowed.
        let arrivals: Vec<u64> = (0..600).map(|n| n * 5).collect();
        let log = LocalLog::default();
        let (booked, arrived) = book_all(&log, HUNDRED_PER_SECOND, &arrivals);
        let start = arrived[0];
        let in_three_seconds = booked
            .iter()
            .filter(|&&at| at < start + Duration::from_secs(3))
            .count();
        assert!(in_three_seconds >= 297, "{in_three_seconds} in 3 s");
        assert_eq!(busiest_window(&booked, Duration::from_secs(1)), 100);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any arrival pattern: no call goes before it arrives, no window
        /// holds more than `count`, and a call that waits could not have
        /// gone a millisecond earlier (all times here are whole
        /// milliseconds) without putting `count + 1` in some window: the
        /// rate is never left unused.
        #[test]
        fn the_limit_holds_and_no_call_waits_needlessly(
            count in 1usize..12,
            window_ms in 1u64..400,
            gaps in proptest::collection::vec(prop_oneof![Just(0u64), 0u64..50, 0u64..800], 1..120),
        ) {
            let arrivals: Vec<u64> = gaps.iter().scan(0, |at, gap| { *at += gap; Some(*at) }).collect();
            let pace = Pace { count, window: Duration::from_millis(window_ms) };
            let log = LocalLog::default();
            let (booked, arrived) = book_all(&log, pace, &arrivals);
            prop_assert!(booked.windows(2).all(|pair| pair[0] <= pair[1]));
            prop_assert!(busiest_window(&booked, pace.window) <= count);
            for (index, (&at, &came)) in booked.iter().zip(&arrived).enumerate() {
                prop_assert!(at >= came);
                if at > came {
                    let mut earlier = booked[..index].to_vec();
                    earlier.push(at - Duration::from_millis(1));
                    earlier.sort();
                    prop_assert!(
                        busiest_window(&earlier, pace.window) > count,
                        "call {} waited with room in the window", index
                    );
                }
            }
        }
    }
}
