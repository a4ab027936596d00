//! The cache both refreshing providers keep: one token and when to replace
//! it.

use std::sync::{Mutex, PoisonError};

use tokio::time::Instant;

use super::BearerToken;

/// A token and the time to replace it (`None`: it does not expire).
#[derive(Clone)]
pub(crate) struct Cached {
    pub(crate) token: BearerToken,
    pub(crate) refresh_at: Option<Instant>,
}

impl Cached {
    fn is_fresh(&self, now: Instant) -> bool {
        self.refresh_at.is_none_or(|refresh_at| now < refresh_at)
    }
}

/// A lock-protected [`Cached`]. The lock is never held across an await.
#[derive(Default)]
pub(crate) struct TokenCache(Mutex<Option<Cached>>);

impl TokenCache {
    /// The cached token while it is fresh.
    pub(crate) fn fresh(&self) -> Option<BearerToken> {
        let cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let cached = cached.as_ref()?;
        cached
            .is_fresh(Instant::now())
            .then(|| cached.token.clone())
    }

    /// The fresh token, or the one `build` makes, which is then cached.
    /// The lock is held while building, so concurrent callers build once;
    /// only use this with a `build` that never waits. Only app tokens are
    /// built in place like this.
    #[cfg(feature = "app-token")]
    pub(crate) fn get_or_build<E>(
        &self,
        build: impl FnOnce(Instant) -> Result<Cached, E>,
    ) -> Result<BearerToken, E> {
        let now = Instant::now();
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cached) = cached.as_ref().filter(|cached| cached.is_fresh(now)) {
            return Ok(cached.token.clone());
        }
        let built = build(now)?;
        let token = built.token.clone();
        *cached = Some(built);
        Ok(token)
    }

    /// Replaces the cached token.
    pub(crate) fn store(&self, new: Cached) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(new);
    }

    /// Drops the cached token if it is the one the server rejected (another
    /// call may already have replaced it).
    pub(crate) fn invalidate(&self, rejected: &BearerToken) {
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if cached
            .as_ref()
            .is_some_and(|cached| &cached.token == rejected)
        {
            *cached = None;
        }
    }
}
