//! Rate limits and the token cache shared by every process of an app,
//! through Redis (the `redis` feature).
//!
//! Agora's limits hold per app (App Key), not per process: four replicas
//! that each keep the documented 100 calls per second send up to 400, and
//! each fetches a token of its own. With a [`RedisFleet`] given to
//! [`ClientBuilder::fleet`](crate::ClientBuilder::fleet), all clients of
//! the same app that point at the same Redis share:
//!
//! - **one send log per app and rate-limited operation.** Each call books
//!   its send time with one Lua script run (atomic in Redis, timed by Redis'
//!   own clock, so the processes' clocks do not matter): the same
//!   sliding-window log the in-process limiter keeps, so a burst of N goes
//!   at once and no window of the period ever holds more than N, whichever
//!   process sends. Every process waits its turn instead of getting a 429.
//!   A 429 that any process still gets holds back that operation for all of
//!   them for its `Retry-After` (one period when the server gives none).
//! - **one access token per app** (for
//!   [`client_credentials`](crate::ClientBuilder::client_credentials) and
//!   [`exchange_app_token`](crate::ClientBuilder::exchange_app_token)). The
//!   first process that needs one takes a short lock (it expires by itself,
//!   so a process that dies holding it delays the others by at most
//!   [`token_lock_ttl`](RedisFleet::token_lock_ttl)), fetches the token and
//!   stores it with an expiry at its refresh time; the others wait for it
//!   and read it. After a 401, the rejected token is removed (only if Redis
//!   still holds that one) and the refresh is shared the same way. Each
//!   process keeps its own copy, so a call reads Redis only when the token
//!   is missing or due.
//!
//! Redis holds the token itself (it has to, for the others to read it) and
//! send times; never a client secret, an app certificate or anything built
//! from them.
//!
//! When Redis fails (no answer within
//! [`redis_timeout`](RedisFleet::redis_timeout), or an error), the
//! [`FleetFailure`] policy decides: fall back to per-process limits and
//! tokens with a warning (the default), or fail the call with
//! [`Error::Fleet`](crate::Error::Fleet). After a failure Redis is left
//! alone for a second, then tried again; a warning is logged once per
//! outage and a note when it answers again.
//!
//! ```no_run
//! use agora_chat::Client;
//! use agora_chat::fleet::{FleetFailure, RedisFleet};
//!
//! let fleet = RedisFleet::new("redis://127.0.0.1:6379/0")?
//!     .key_prefix("chat-prod:")
//!     .on_failure(FleetFailure::FallBackToLocal);
//! let client = Client::builder("a41.chat.agora.io", "my-org", "my-app")
//!     .client_credentials("client-id", "client-secret")
//!     .fleet(fleet)
//!     .build()?;
//! # let _ = client;
//! # Ok::<(), agora_chat::Error>(())
//! ```

pub(crate) mod limits;
pub(crate) mod tokens;

use std::fmt;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::ConfigError;

/// Default of [`RedisFleet::redis_timeout`].
const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(500);
/// Default of [`RedisFleet::token_lock_ttl`].
const DEFAULT_TOKEN_LOCK_TTL: Duration = Duration::from_secs(10);
/// Default of [`RedisFleet::key_prefix`].
const DEFAULT_KEY_PREFIX: &str = "agora-chat:";
/// How long Redis is left alone after it failed.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// What a client does when Redis cannot be used for a call.
///
/// ```
/// use agora_chat::fleet::{FleetFailure, RedisFleet};
/// let strict = RedisFleet::new("redis://127.0.0.1/")?.on_failure(FleetFailure::FailCall);
/// # let _ = strict;
/// # Ok::<(), agora_chat::ConfigError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FleetFailure {
    /// Keep going on this process' own limits and token, logging a warning
    /// (the default). The fleet may then exceed the app's limit (up to one
    /// limit per process) and fetch a token per process until Redis is back.
    #[default]
    FallBackToLocal,
    /// Fail the call with [`Error::Fleet`](crate::Error::Fleet); nothing is
    /// sent without a booking in the shared log.
    FailCall,
}

/// Where and how a fleet of clients shares its rate limits and token:
/// a Redis server, given to
/// [`ClientBuilder::fleet`](crate::ClientBuilder::fleet). See the
/// [module documentation](self).
///
/// Nothing connects until the first call; `Debug` shows the URL without
/// its password.
///
/// ```
/// use std::time::Duration;
/// use agora_chat::fleet::RedisFleet;
///
/// let fleet = RedisFleet::new("redis://:s3cret@10.0.0.5:6379/2")?
///     .redis_timeout(Duration::from_millis(200))
///     .token_lock_ttl(Duration::from_secs(5));
/// assert!(!format!("{fleet:?}").contains("s3cret"));
/// assert!(RedisFleet::new("not a url").is_err());
/// # Ok::<(), agora_chat::ConfigError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct RedisFleet {
    client: redis::Client,
    /// The URL as `Debug` shows it: the password replaced by `***`.
    shown_url: String,
    key_prefix: String,
    on_failure: FleetFailure,
    redis_timeout: Duration,
    token_lock_ttl: Duration,
}

impl RedisFleet {
    /// A fleet sharing through the Redis server at `url`
    /// (`redis://[user:password@]host[:port][/db]`; `rediss://` needs a TLS
    /// feature of the `redis` crate). Defaults: key prefix
    /// `agora-chat:`, [`FleetFailure::FallBackToLocal`], 500 ms per Redis
    /// round trip, a token lock of 10 s.
    ///
    /// Fails with [`ConfigError::InvalidOption`] (option `fleet`) when the
    /// URL cannot be used; the message does not quote it.
    pub fn new(url: &str) -> Result<Self, ConfigError> {
        let client = redis::Client::open(url).map_err(|error| ConfigError::InvalidOption {
            option: "fleet",
            reason: format!("not a usable Redis URL: {}", error.category()),
        })?;
        Ok(Self {
            client,
            shown_url: redact(url),
            key_prefix: DEFAULT_KEY_PREFIX.to_owned(),
            on_failure: FleetFailure::default(),
            redis_timeout: DEFAULT_REDIS_TIMEOUT,
            token_lock_ttl: DEFAULT_TOKEN_LOCK_TTL,
        })
    }

    /// Prepended to every key (default `agora-chat:`), followed by
    /// `{org}/{app}:`; e.g. to keep a staging and a production fleet apart
    /// on one Redis. Keys: `…limit:{operation}` (a list of send times),
    /// `…pause:{operation}`, `…token` and `…token-lock`.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// What a call does when Redis fails (default
    /// [`FleetFailure::FallBackToLocal`]).
    pub fn on_failure(mut self, policy: FleetFailure) -> Self {
        self.on_failure = policy;
        self
    }

    /// Longest wait for one Redis round trip, connecting included (default
    /// 500 ms; never longer than the call's own timeout). A round trip that
    /// takes longer counts as a failure of Redis.
    pub fn redis_timeout(mut self, timeout: Duration) -> Self {
        self.redis_timeout = timeout;
        self
    }

    /// How long the lock of the process fetching a token lasts if that
    /// process never releases it (default 10 s): the longest the others
    /// wait for a process that died mid-fetch before one of them fetches.
    pub fn token_lock_ttl(mut self, ttl: Duration) -> Self {
        self.token_lock_ttl = ttl;
        self
    }

    /// Checks the settings; called by the client builder.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        let invalid = |reason: &str| {
            Err(ConfigError::InvalidOption {
                option: "fleet",
                reason: reason.to_owned(),
            })
        };
        if self.redis_timeout.is_zero() {
            return invalid("`redis_timeout` must be greater than zero");
        }
        if self.token_lock_ttl < Duration::from_millis(1) {
            return invalid("`token_lock_ttl` must be at least one millisecond");
        }
        Ok(())
    }
}

impl fmt::Debug for RedisFleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisFleet")
            .field("url", &self.shown_url)
            .field("key_prefix", &self.key_prefix)
            .field("on_failure", &self.on_failure)
            .field("redis_timeout", &self.redis_timeout)
            .field("token_lock_ttl", &self.token_lock_ttl)
            .finish()
    }
}

/// `url` with any password replaced by `***`; a URL that does not parse is
/// not shown at all.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Only fails for URLs that cannot have a password.
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(unparsed)".to_owned(),
    }
}

/// One client's link to Redis: shared by its rate limiters and its token
/// store.
pub(crate) struct Fleet {
    config: RedisFleet,
    /// `{prefix}{org}/{app}:`.
    app_prefix: String,
    /// Made on first use, inside the caller's runtime.
    connection: OnceCell<ConnectionManager>,
    health: Mutex<Health>,
}

#[derive(Default)]
struct Health {
    /// Redis is not asked before this.
    down_until: Option<Instant>,
    /// A warning was logged for the current outage.
    warned: bool,
}

impl Fleet {
    pub(crate) fn new(config: RedisFleet, org_name: &str, app_name: &str) -> Self {
        let app_prefix = format!("{}{org_name}/{app_name}:", config.key_prefix);
        Self {
            config,
            app_prefix,
            connection: OnceCell::new(),
            health: Mutex::new(Health::default()),
        }
    }

    /// The key `name` of this app.
    pub(crate) fn key(&self, name: &str) -> String {
        format!("{}{name}", self.app_prefix)
    }

    pub(crate) fn policy(&self) -> FleetFailure {
        self.config.on_failure
    }

    pub(crate) fn token_lock_ttl(&self) -> Duration {
        self.config.token_lock_ttl
    }

    /// Runs one Redis round trip `work` within the Redis timeout (and at
    /// most `wait`). The error is a description for the log and for
    /// [`FleetError`](crate::FleetError); it also starts a pause during
    /// which Redis is not asked.
    pub(crate) async fn run<T, F, Fut>(&self, wait: Duration, work: F) -> Result<T, String>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if let Some(until) = self.lock_health().down_until
            && Instant::now() < until
        {
            return Err("Redis failed moments ago and is left alone for a second".to_owned());
        }
        let limit = self.config.redis_timeout.min(wait);
        let outcome = tokio::time::timeout(limit, async {
            let connection = self
                .connection
                .get_or_try_init(|| async {
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(self.config.redis_timeout))
                        .set_response_timeout(Some(self.config.redis_timeout))
                        .set_number_of_retries(1);
                    ConnectionManager::new_lazy_with_config(self.config.client.clone(), config)
                })
                .await?
                .clone();
            work(connection).await
        })
        .await;
        match outcome {
            Ok(Ok(value)) => {
                self.healthy();
                Ok(value)
            }
            Ok(Err(error)) => Err(self.failed(error.to_string())),
            Err(_) => Err(self.failed(format!("no answer within {limit:?}"))),
        }
    }

    fn lock_health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn healthy(&self) {
        let mut health = self.lock_health();
        if health.down_until.take().is_some() && health.warned {
            tracing::info!(
                redis = %self.config.shown_url,
                "Redis answers again; rate limits and the token are shared by the fleet again"
            );
        }
        health.warned = false;
    }

    fn failed(&self, reason: String) -> String {
        let mut health = self.lock_health();
        health.down_until = Some(Instant::now() + PAUSE_AFTER_FAILURE);
        if !health.warned {
            health.warned = true;
            match self.config.on_failure {
                FleetFailure::FallBackToLocal => tracing::warn!(
                    redis = %self.config.shown_url,
                    %reason,
                    "Redis failed; falling back to this process' own rate limits and token \
                     until it answers again (the fleet may exceed the app's limits meanwhile)"
                ),
                FleetFailure::FailCall => tracing::warn!(
                    redis = %self.config.shown_url,
                    %reason,
                    "Redis failed; calls fail until it answers again"
                ),
            }
        }
        reason
    }
}

/// A value no other booking or lock holder uses: the process id and 64
/// random bits.
pub(crate) fn unique_value() -> String {
    let random = getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now()
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos() as u64)
    });
    format!("{}-{random:016x}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::{RedisFleet, redact};

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            redact("redis://user:pw@host:6379/1"),
            "redis://user:***@host:6379/1"
        );
        assert_eq!(redact("redis://host/"), "redis://host/");
        assert_eq!(redact("::"), "(unparsed)");
        let fleet = RedisFleet::new("redis://:hunter2@127.0.0.1:1/").unwrap();
        let shown = format!("{fleet:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn bad_urls_and_settings_are_config_errors() {
        for bad in ["", "http://host/", "not a url"] {
            let error = RedisFleet::new(bad).unwrap_err();
            assert!(error.to_string().contains("fleet"), "{error}");
        }
        let fleet = RedisFleet::new("redis://127.0.0.1/").unwrap();
        assert!(fleet.check().is_ok());
        let zero = fleet.clone().redis_timeout(std::time::Duration::ZERO);
        assert!(zero.check().is_err());
        let no_lock = fleet.token_lock_ttl(std::time::Duration::ZERO);
        assert!(no_lock.check().is_err());
    }
}
