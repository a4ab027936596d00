//! Where the bearer token of each request comes from.
//!
//! A [`TokenProvider`] hands out the token for the next request and is told
//! when the server rejected one (HTTP 401), so that it can get a new one.
//! Three providers come with the crate, each chosen on the
//! [`ClientBuilder`](crate::ClientBuilder):
//!
//! - [`StaticToken`]: a token obtained elsewhere (`bearer_token(..)`);
//! - [`AppTokenProvider`]: an app token (AccessToken2, `007…`) built locally
//!   from the app ID and app certificate, rebuilt well before it expires
//!   (`app_credentials(..)`; the `app-token` feature);
//! - [`TokenExchange`]: a token obtained from `POST /{org}/{app}/token` with
//!   client credentials or an app token, cached until shortly before it
//!   expires (`client_credentials(..)`, `exchange_app_token(..)`).

#[cfg(feature = "app-token")]
mod app_token;
pub(crate) mod cache;
#[cfg(feature = "app-token")]
mod deflate;
mod exchange;
mod static_token;
pub(crate) mod store;
mod token_response;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::{ConfigError, Error};

#[cfg(feature = "app-token")]
pub use app_token::{AppCredentials, AppTokenProvider, DEFAULT_APP_TOKEN_LIFETIME};
pub(crate) use exchange::ExchangeGrant;
pub use exchange::TokenExchange;
pub use static_token::StaticToken;

/// The future returned by [`TokenProvider::token`].
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<BearerToken, Error>> + Send + 'a>>;

/// A source of bearer tokens for the client's requests.
///
/// The trait is object-safe (the client holds an `Arc<dyn TokenProvider>`)
/// and async through a boxed future. Implementations must be cheap to call
/// when they hold a valid token, since every request asks for one, and must
/// make concurrent callers share one fetch when they do not.
///
/// `Debug` is required so that a client can be printed; implementations must
/// not print the token or any credential.
///
/// ```
/// use agora_chat::{BearerToken, TokenFuture, TokenProvider};
///
/// /// Reads the token from an environment variable on every call.
/// #[derive(Debug)]
/// struct FromEnv;
///
/// impl TokenProvider for FromEnv {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async {
///             let token = std::env::var("AGORA_TOKEN").unwrap_or_default();
///             Ok(BearerToken::new(token)?)
///         })
///     }
/// }
///
/// let client = agora_chat::Client::builder("a41.chat.agora.io", "org", "app")
///     .token_provider(std::sync::Arc::new(FromEnv))
///     .build()?;
/// # Ok::<(), agora_chat::Error>(())
/// ```
pub trait TokenProvider: fmt::Debug + Send + Sync {
    /// The token to send with the next request, fetching or building a new
    /// one when none is held or the held one is about to expire.
    fn token(&self) -> TokenFuture<'_>;

    /// The token to send, if one is at hand without waiting; the client
    /// asks this first and awaits [`token`](Self::token) only when it
    /// returns `None`. It saves an allocation per call, so providers that
    /// cache should implement it; the default returns `None`.
    fn cached_token(&self) -> Option<BearerToken> {
        None
    }

    /// Called when the server answered 401 to a request that carried
    /// `rejected`. Returns whether a later [`token`](Self::token) call may
    /// return a different token, in which case the client sends the request
    /// once more with it (once per call, never in a loop).
    ///
    /// A provider that caches should drop `rejected` only if it is still the
    /// cached token: other calls may already have replaced it. The default
    /// returns `false`: the token cannot change, so there is no point in
    /// sending the request again.
    fn invalidate(&self, rejected: &BearerToken) -> bool {
        let _ = rejected;
        false
    }
}

/// A token ready to be sent as `Authorization: Bearer <token>`.
///
/// Checked once when created (not empty, ASCII only, no line breaks or
/// other characters an HTTP header cannot carry) and cheap to clone.
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken {
    /// `Bearer <token>`, marked sensitive so the HTTP stack never logs it.
    header: HeaderValue,
}

impl BearerToken {
    /// Checks `token` and wraps it.
    ///
    /// Fails with [`ConfigError::MissingToken`] for an empty token and
    /// [`ConfigError::InvalidToken`] for one that cannot be sent in a header.
    pub fn new(token: impl Into<String>) -> Result<Self, ConfigError> {
        Self::parse(&token.into()).map_err(|problem| match problem {
            TokenProblem::Empty => ConfigError::MissingToken,
            TokenProblem::Invalid(reason) => ConfigError::InvalidToken { reason },
        })
    }

    pub(crate) fn parse(token: &str) -> Result<Self, TokenProblem> {
        if token.is_empty() {
            return Err(TokenProblem::Empty);
        }
        if token.contains(['\r', '\n']) {
            return Err(TokenProblem::Invalid("a line break"));
        }
        // `HeaderValue` would take bytes above 0x7f as opaque, but then the
        // header is no longer text and `expose_secret` could not show it.
        if !token.is_ascii() {
            return Err(TokenProblem::Invalid("a non-ASCII character"));
        }
        let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| TokenProblem::Invalid("characters not allowed in an HTTP header"))?;
        header.set_sensitive(true);
        Ok(Self { header })
    }

    /// The token itself, without the `Bearer ` prefix; call this only where
    /// the value is needed on purpose.
    pub fn expose_secret(&self) -> &str {
        let full = self.header.to_str().unwrap_or_default();
        full.strip_prefix("Bearer ").unwrap_or(full)
    }

    /// The complete `Authorization` header value.
    pub(crate) fn header(&self) -> &HeaderValue {
        &self.header
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(***)")
    }
}

/// Why a string cannot be a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Empty,
    Invalid(&'static str),
}

/// When a token obtained now and valid for `lifetime` should be replaced:
/// a quarter of its lifetime, at most one hour, before it expires. The
/// margin covers clock skew and slow requests; tying it to the lifetime
/// keeps very short-lived tokens usable at all.
///
/// `None` when that moment is too far ahead for the clock to represent
/// (the server may send any `expires_in`): such a token is kept like one
/// that does not expire, until the server rejects it.
pub(crate) fn refresh_at(
    obtained: tokio::time::Instant,
    lifetime: Duration,
) -> Option<tokio::time::Instant> {
    let margin = (lifetime / 4).min(Duration::from_secs(60 * 60));
    obtained.checked_add(lifetime - margin)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{BearerToken, refresh_at};
    use crate::ConfigError;

    #[test]
    fn bearer_token_checks_and_hides_the_value() {
        let token = BearerToken::new("007abc").unwrap();
        assert_eq!(token.expose_secret(), "007abc");
        assert_eq!(token.header().to_str().unwrap(), "Bearer 007abc");
        assert!(token.header().is_sensitive());
        assert_eq!(format!("{token:?}"), "BearerToken(***)");
        assert!(matches!(
            BearerToken::new(""),
            Err(ConfigError::MissingToken)
        ));
        for bad in ["a\r\nb", "a\nb", "a\u{7f}b", "a\u{0}b", "é", "tok\u{a0}en"] {
            assert!(
                matches!(BearerToken::new(bad), Err(ConfigError::InvalidToken { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn refresh_margin_scales_with_the_lifetime() {
        let now = Instant::now();
        let day = Duration::from_secs(24 * 60 * 60);
        assert_eq!(
            refresh_at(now, day),
            Some(now + day - Duration::from_secs(3600))
        );
        assert_eq!(
            refresh_at(now, Duration::from_secs(280)),
            Some(now + Duration::from_secs(210))
        );
        assert_eq!(refresh_at(now, Duration::ZERO), Some(now));
    }

    #[test]
    fn a_lifetime_beyond_the_clock_means_no_refresh_instead_of_a_panic() {
        let now = Instant::now();
        // i64::MAX seconds fits the clock or not depending on its origin;
        // either way the answer is "not for ages".
        let century = Duration::from_secs(100 * 365 * 24 * 60 * 60);
        let far = refresh_at(now, Duration::from_secs(i64::MAX as u64));
        assert!(far.is_none_or(|at| at > now + century), "{far:?}");
        assert_eq!(refresh_at(now, Duration::from_secs(u64::MAX)), None);
        assert_eq!(refresh_at(now, Duration::MAX), None);
    }
}
