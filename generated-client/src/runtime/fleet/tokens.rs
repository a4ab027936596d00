//! The access token of a fleet, kept in Redis: one process fetches while
//! the others wait, all read the stored token, and a 401 refresh goes the
//! same way.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use redis::Script;
use tokio::time::Instant;

use super::{Fleet, FleetFailure};
use crate::runtime::auth::cache::Cached;
use crate::runtime::auth::store::{Fetch, LocalTokens, TokenStore};
use crate::runtime::{BearerToken, Error, FleetError, TokenFuture};

/// How often a process waiting for another's fetch looks for the token.
const POLL: Duration = Duration::from_millis(20);

/// Reads the token. `KEYS[1]`: the token; `ARGV[1]`: the token a 401
/// rejected (or empty), which is deleted if it is still the stored one.
/// Returns nothing, or the token and its remaining lifetime in milliseconds
/// (-1: no expiry).
const READ: &str = r"
local token = redis.call('GET', KEYS[1])
if token and ARGV[1] ~= '' and token == ARGV[1] then
  redis.call('DEL', KEYS[1])
  token = false
end
if not token then return false end
return {token, redis.call('PTTL', KEYS[1])}
";

/// Releases the lock `KEYS[1]` if `ARGV[1]` still holds it.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// The [`TokenStore`] of a fleet. Each process keeps the token in its own
/// [`LocalTokens`] too (so a call reads Redis only when the token is
/// missing or due) and its fetches single-flight as before; the fetch they
/// share first asks Redis.
pub(crate) struct RedisTokens {
    local: LocalTokens,
    shared: Arc<Shared>,
}

struct Shared {
    fleet: Arc<Fleet>,
    read: Script,
    release: Script,
    /// The token the last 401 rejected, until another one is obtained.
    rejected: Mutex<Option<BearerToken>>,
}

impl RedisTokens {
    pub(crate) fn new(fleet: Arc<Fleet>) -> Self {
        Self {
            local: LocalTokens::default(),
            shared: Arc::new(Shared {
                fleet,
                read: Script::new(READ),
                release: Script::new(RELEASE),
                rejected: Mutex::new(None),
            }),
        }
    }
}

impl TokenStore for RedisTokens {
    fn fresh(&self) -> Option<BearerToken> {
        self.local.fresh()
    }

    fn obtain(&self, fetch: Fetch) -> TokenFuture<'_> {
        let shared = Arc::clone(&self.shared);
        self.local.obtain(Box::pin(shared.obtain(fetch)))
    }

    fn invalidate(&self, rejected: &BearerToken) {
        self.local.invalidate(rejected);
        *self
            .shared
            .rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(rejected.clone());
    }
}

/// What a process found in Redis.
enum Found {
    Token(Cached),
    /// Nobody holds a token; this process took the lock (with this value).
    Locked(String),
    /// Another process holds the lock.
    Busy,
}

impl Shared {
    /// The stored token; or, once this process holds the lock, the one
    /// `fetch` gets, stored for the others. Redis failing before the fetch
    /// ran means the policy: fetch alone, or fail.
    async fn obtain(self: Arc<Self>, fetch: Fetch) -> Result<Cached, Error> {
        let rejected = self
            .rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let lock_value = loop {
            match self.look(rejected.as_ref()).await {
                Ok(Found::Token(cached)) => {
                    self.obtained(&cached.token);
                    return Ok(cached);
                }
                Ok(Found::Locked(value)) => break value,
                Ok(Found::Busy) => tokio::time::sleep(POLL).await,
                Err(reason) => {
                    return match self.fleet.policy() {
                        FleetFailure::FallBackToLocal => {
                            let cached = fetch.await?;
                            self.obtained(&cached.token);
                            Ok(cached)
                        }
                        FleetFailure::FailCall => Err(FleetError::new(
                            "sharing the access token of the app",
                            reason,
                        )
                        .into()),
                    };
                }
            }
        };
        // The holder before us may have stored a token between our look and
        // our lock.
        if let Ok(Some(cached)) = self.read_token(rejected.as_ref()).await {
            self.obtained(&cached.token);
            if let Err(reason) = self.unlock(lock_value).await {
                tracing::debug!(%reason, "could not release the token lock (it expires by itself)");
            }
            return Ok(cached);
        }
        let outcome = fetch.await;
        if let Ok(cached) = &outcome {
            self.obtained(&cached.token);
            if let Err(reason) = self.store(cached).await {
                tracing::debug!(%reason, "could not store the new token for the fleet");
            }
        }
        if let Err(reason) = self.unlock(lock_value).await {
            tracing::debug!(%reason, "could not release the token lock (it expires by itself)");
        }
        outcome
    }

    /// A token other than the rejected one is at hand: forget the rejection.
    fn obtained(&self, token: &BearerToken) {
        let mut rejected = self.rejected.lock().unwrap_or_else(PoisonError::into_inner);
        if rejected.as_ref().is_some_and(|rejected| rejected != token) {
            *rejected = None;
        }
    }

    /// One look at Redis: the stored token, else an attempt at the lock.
    async fn look(&self, rejected: Option<&BearerToken>) -> Result<Found, String> {
        if let Some(cached) = self.read_token(rejected).await? {
            return Ok(Found::Token(cached));
        }
        let fleet = &self.fleet;
        let lock_key = fleet.key("token-lock");
        let value = super::unique_value();
        let ttl_ms = millis(fleet.token_lock_ttl()).max(1);
        let lock_value = value.clone();
        let taken: Option<String> = fleet
            .run(Duration::MAX, |mut connection| async move {
                redis::cmd("SET")
                    .arg(lock_key)
                    .arg(lock_value)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl_ms)
                    .query_async(&mut connection)
                    .await
            })
            .await?;
        Ok(if taken.is_some() {
            Found::Locked(value)
        } else {
            Found::Busy
        })
    }

    /// The stored token, unless it is the rejected one (which is then
    /// deleted).
    async fn read_token(&self, rejected: Option<&BearerToken>) -> Result<Option<Cached>, String> {
        let fleet = &self.fleet;
        let token_key = fleet.key("token");
        let rejected = rejected.map_or("", BearerToken::expose_secret).to_owned();
        let stored: Option<(String, i64)> = fleet
            .run(Duration::MAX, |mut connection| async move {
                self.read
                    .key(token_key)
                    .arg(rejected)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        if let Some((token, ttl_ms)) = stored {
            // A value that is no token (written by something else) is
            // replaced like a missing one.
            if let Ok(token) = BearerToken::parse(&token) {
                let refresh_at = u64::try_from(ttl_ms)
                    .ok()
                    .and_then(|ms| Instant::now().checked_add(Duration::from_millis(ms)));
                return Ok(Some(Cached { token, refresh_at }));
            }
        }
        Ok(None)
    }

    /// Stores `cached` until its refresh time (without expiry when it has
    /// none); a token already due is not stored.
    async fn store(&self, cached: &Cached) -> Result<(), String> {
        let ttl_ms = match cached.refresh_at {
            None => None,
            Some(at) => match at.checked_duration_since(Instant::now()) {
                Some(left) if left >= Duration::from_millis(1) => Some(millis(left)),
                _ => return Ok(()),
            },
        };
        let key = self.fleet.key("token");
        let token = cached.token.expose_secret().to_owned();
        self.fleet
            .run(Duration::MAX, |mut connection| async move {
                let mut command = redis::cmd("SET");
                command.arg(key).arg(token);
                if let Some(ttl_ms) = ttl_ms {
                    command.arg("PX").arg(ttl_ms);
                }
                command.query_async::<()>(&mut connection).await
            })
            .await
    }

    async fn unlock(&self, value: String) -> Result<(), String> {
        let key = self.fleet.key("token-lock");
        self.fleet
            .run(Duration::MAX, |mut connection| async move {
                self.release
                    .key(key)
                    .arg(value)
                    .invoke_async::<i64>(&mut connection)
                    .await
            })
            .await
            .map(drop)
    }
}

/// Whole milliseconds, saturating.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
