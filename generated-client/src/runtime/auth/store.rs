//! Where the token that a client's calls share is kept, and how concurrent
//! calls that find none agree on a single fetch.
//!
//! [`TokenStore`] is the seam: [`LocalTokens`] keeps the token in this
//! process; a store shared by several processes (so that a fleet fetches one
//! token between them) would implement the same three methods, wrapping the
//! fetch it is handed in its own coordination.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{Shared, WeakShared};
use tokio::time::Instant;

use super::cache::{Cached, TokenCache};
use super::{BearerToken, TokenFuture};
use crate::runtime::Error;

/// Fetching a token from its source (the token endpoint), not yet started.
pub(crate) type Fetch = Pin<Box<dyn Future<Output = Result<Cached, Error>> + Send>>;

/// How long a failed fetch is remembered: its error is handed to every
/// caller meanwhile, without fetching. Doubles with each consecutive
/// failure, up to [`MAX_FAILURE_BACKOFF`]; a success starts over.
pub(crate) const MIN_FAILURE_BACKOFF: Duration = Duration::from_secs(1);
/// See [`MIN_FAILURE_BACKOFF`].
pub(crate) const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(30);

/// Keeps the token of one client.
pub(crate) trait TokenStore: Send + Sync {
    /// The token to send, if a fresh one is at hand. Called for every
    /// request, so it must not wait.
    fn fresh(&self) -> Option<BearerToken>;

    /// A fresh token, running `fetch` when none is held. Concurrent callers
    /// share one fetch and its outcome, success or error; a failure is
    /// handed out again, without fetching, for a backoff that grows with
    /// each consecutive failure.
    fn obtain(&self, fetch: Fetch) -> TokenFuture<'_>;

    /// Forgets `rejected` if it is still the held token (another call may
    /// already have replaced it).
    fn invalidate(&self, rejected: &BearerToken);
}

/// A fetch that stores its outcome and hands it to every waiter.
type Run = Pin<Box<dyn Future<Output = Result<BearerToken, Error>> + Send>>;
/// One waiter's handle on a [`Run`].
type Flight = Shared<Run>;

/// The in-process [`TokenStore`].
#[derive(Default)]
pub(crate) struct LocalTokens {
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    cache: TokenCache,
    /// Locked after `flight`, never the other way round; neither lock is
    /// held across an await.
    flight: Mutex<FlightState>,
}

#[derive(Default)]
struct FlightState {
    /// The fetch in progress. Weak, so that it is dropped (its request
    /// cancelled) when the last caller waiting for it gives up, rather than
    /// left half-done for a later caller to find stale.
    pending: Option<WeakShared<Run>>,
    failure: Option<Failure>,
    /// Consecutive failed fetches.
    failures: u32,
}

/// The last failed fetch, handed out until `until`.
struct Failure {
    error: Error,
    until: Instant,
}

impl TokenStore for LocalTokens {
    fn fresh(&self) -> Option<BearerToken> {
        self.state.cache.fresh()
    }

    fn obtain(&self, fetch: Fetch) -> TokenFuture<'_> {
        let flight = match self.state.join_or_start(fetch) {
            Ok(flight) => flight,
            Err(settled) => return Box::pin(std::future::ready(settled)),
        };
        Box::pin(flight)
    }

    fn invalidate(&self, rejected: &BearerToken) {
        self.state.cache.invalidate(rejected);
    }
}

impl State {
    /// The flight to wait for, or the answer at once: the token another
    /// flight stored meanwhile, or the failure still remembered.
    fn join_or_start(self: &Arc<Self>, fetch: Fetch) -> Result<Flight, Result<BearerToken, Error>> {
        let mut flight = self.flight.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(token) = self.cache.fresh() {
            return Err(Ok(token));
        }
        let now = Instant::now();
        if let Some(failure) = flight
            .failure
            .as_ref()
            .filter(|failure| now < failure.until)
        {
            return Err(Err(failure.error.clone()));
        }
        if let Some(pending) = flight.pending.as_ref().and_then(WeakShared::upgrade) {
            return Ok(pending);
        }
        let state = Arc::clone(self);
        let run: Run = Box::pin(async move {
            let outcome = fetch.await;
            state.settle(&outcome);
            outcome.map(|cached| cached.token)
        });
        let shared = run.shared();
        flight.pending = shared.downgrade();
        Ok(shared)
    }

    /// Records the outcome of the flight that just ended.
    fn settle(&self, outcome: &Result<Cached, Error>) {
        let mut flight = self.flight.lock().unwrap_or_else(PoisonError::into_inner);
        flight.pending = None;
        match outcome {
            Ok(cached) => {
                self.cache.store(cached.clone());
                flight.failures = 0;
                flight.failure = None;
            }
            Err(error) => {
                flight.failures = flight.failures.saturating_add(1);
                let backoff = failure_backoff(flight.failures);
                tracing::debug!(
                    %error,
                    backoff_ms = crate::runtime::transport::millis(backoff),
                    "token fetch failed; callers get this error until the backoff ends"
                );
                flight.failure = Some(Failure {
                    error: error.clone(),
                    until: Instant::now() + backoff,
                });
            }
        }
    }
}

/// How long the `failures`-th consecutive failure is remembered.
fn failure_backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    (MIN_FAILURE_BACKOFF * (1 << doublings)).min(MAX_FAILURE_BACKOFF)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use futures_util::future::join_all;
    use tokio::time::{Instant, sleep};

    use super::{Fetch, LocalTokens, MAX_FAILURE_BACKOFF, TokenStore, failure_backoff};
    use crate::runtime::auth::cache::Cached;
    use crate::runtime::{AuthError, BearerToken, Error};

    /// A fetch that counts itself, takes `delay` and then yields `outcome`.
    fn fetch(count: &Arc<AtomicUsize>, delay: Duration, outcome: Result<&str, ()>) -> Fetch {
        let count = Arc::clone(count);
        let outcome = outcome.map(str::to_owned);
        Box::pin(async move {
            count.fetch_add(1, Ordering::SeqCst);
            sleep(delay).await;
            match outcome {
                Ok(token) => Ok(Cached {
                    token: BearerToken::new(token).unwrap(),
                    refresh_at: None,
                }),
                Err(()) => Err(Error::Auth(AuthError::ClockOutOfRange)),
            }
        })
    }

    #[test]
    fn the_backoff_doubles_up_to_its_cap() {
        let seconds: Vec<u64> = (1..=8).map(|n| failure_backoff(n).as_secs()).collect();
        assert_eq!(seconds, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(failure_backoff(u32::MAX), MAX_FAILURE_BACKOFF);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch_and_its_token() {
        let store = LocalTokens::default();
        let count = Arc::new(AtomicUsize::new(0));
        let second = Duration::from_secs(1);
        let tokens =
            join_all((0..50).map(|_| store.obtain(fetch(&count, second, Ok("tok-a"))))).await;
        assert_eq!(count.load(Ordering::SeqCst), 1);
        for token in tokens {
            assert_eq!(token.unwrap().expose_secret(), "tok-a");
        }
        assert_eq!(store.fresh().unwrap().expose_secret(), "tok-a");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_is_shared_then_remembered_for_the_backoff() {
        let store = LocalTokens::default();
        let count = Arc::new(AtomicUsize::new(0));
        let delay = Duration::from_millis(100);
        let failing = || fetch(&count, delay, Err(()));

        let outcomes = join_all((0..50).map(|_| store.obtain(failing()))).await;
        assert_eq!(count.load(Ordering::SeqCst), 1, "one fetch for 50 callers");
        assert!(
            outcomes
                .iter()
                .all(|outcome| matches!(outcome, Err(Error::Auth(AuthError::ClockOutOfRange))))
        );

        // Within the first backoff (1 s) the error comes back at once.
        let started = Instant::now();
        assert!(store.obtain(failing()).await.is_err());
        assert_eq!(started.elapsed(), Duration::ZERO);
        sleep(Duration::from_millis(800)).await;
        assert!(store.obtain(failing()).await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 1);

        // Then one more fetch; it fails too, and is remembered for 2 s.
        sleep(Duration::from_millis(200)).await;
        assert!(store.obtain(failing()).await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 2);
        sleep(Duration::from_millis(1900)).await;
        assert!(store.obtain(failing()).await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 2);
        sleep(Duration::from_millis(100)).await;

        // A success ends it, and the next failure is remembered 1 s again.
        let token = store
            .obtain(fetch(&count, delay, Ok("tok-b")))
            .await
            .unwrap();
        assert_eq!(token.expose_secret(), "tok-b");
        assert_eq!(count.load(Ordering::SeqCst), 3);
        store.invalidate(&token);
        assert!(store.obtain(failing()).await.is_err());
        sleep(Duration::from_secs(1)).await;
        assert!(store.obtain(failing()).await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn a_fetch_nobody_waits_for_any_more_is_dropped_not_reused() {
        let store = LocalTokens::default();
        let count = Arc::new(AtomicUsize::new(0));
        let slow = fetch(&count, Duration::from_secs(10), Ok("tok-stale"));
        let gave_up = tokio::time::timeout(Duration::from_millis(50), store.obtain(slow)).await;
        assert!(gave_up.is_err(), "the caller timed out");

        let token = store
            .obtain(fetch(&count, Duration::from_millis(10), Ok("tok-new")))
            .await
            .unwrap();
        assert_eq!(token.expose_secret(), "tok-new");
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_gives_up_leaves_the_fetch_to_the_others() {
        let store = LocalTokens::default();
        let count = Arc::new(AtomicUsize::new(0));
        let second = Duration::from_secs(1);
        let impatient = tokio::time::timeout(
            Duration::from_millis(10),
            store.obtain(fetch(&count, second, Ok("tok-a"))),
        );
        let patient = store.obtain(fetch(&count, second, Ok("tok-a")));
        let (impatient, patient) = tokio::join!(impatient, patient);
        assert!(impatient.is_err());
        assert_eq!(patient.unwrap().expose_secret(), "tok-a");
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}
