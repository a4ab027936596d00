//! Configuring and building a [`Client`].

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "app-token")]
use super::auth::{AppCredentials, AppTokenProvider};
use super::auth::{ExchangeGrant, StaticToken, TokenExchange, TokenProvider};
use super::encode;
use super::host::{HostInput, parse_origin};
use super::rate_limit::RateLimiters;
use super::retry::RetryPolicy;
use super::transport::Transport;
use super::{Client, ConfigError, Error, RateLimitMode, SecretString};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// 16 MiB: far above the largest page the API returns (a thousand users or
/// messages), far below what would strain a server's memory per call.
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Configures and builds a [`Client`]; created by [`Client::builder`].
///
/// Exactly one way to authenticate is used: the last of
/// [`bearer_token`](Self::bearer_token),
/// [`app_credentials`](Self::app_credentials),
/// [`client_credentials`](Self::client_credentials),
/// [`exchange_app_token`](Self::exchange_app_token) and
/// [`token_provider`](Self::token_provider) called. Credentials are checked
/// by [`build`](Self::build), and `Debug` never shows them.
///
/// ```
/// use std::time::Duration;
/// use agora_chat::{Client, RateLimitMode};
///
/// let client = Client::builder("a41.chat.agora.io", "my-org", "my-app")
///     .app_credentials(
///         "970CA35de60c44645bbae8a215061b33",
///         "5CFd2fd1755d40ecb72977518be15d3b",
///     )
///     .timeout(Duration::from_secs(10))
///     .max_attempts(5)
///     .rate_limits(RateLimitMode::Scaled(2.0))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), agora_chat::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    host: HostInput,
    org_name: String,
    app_name: String,
    auth: AuthConfig,
    #[cfg(feature = "app-token")]
    app_token_lifetime: Duration,
    token_ttl: Option<Duration>,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: u64,
    retry: RetryPolicy,
    rate_limits: RateLimitMode,
    #[cfg(feature = "redis")]
    fleet: Option<super::fleet::RedisFleet>,
}

/// The chosen way to authenticate, checked and turned into a provider by
/// `build`.
#[derive(Debug, Clone)]
enum AuthConfig {
    None,
    Static(SecretString),
    #[cfg(feature = "app-token")]
    AppToken {
        app_id: String,
        app_certificate: SecretString,
    },
    ClientCredentials {
        client_id: String,
        client_secret: SecretString,
    },
    #[cfg(feature = "app-token")]
    ExchangeAppToken {
        app_id: String,
        app_certificate: SecretString,
    },
    Provider(Arc<dyn TokenProvider>),
}

impl ClientBuilder {
    pub(crate) fn new(host: String, org_name: String, app_name: String) -> Self {
        Self {
            host: HostInput(host),
            org_name,
            app_name,
            auth: AuthConfig::None,
            #[cfg(feature = "app-token")]
            app_token_lifetime: super::DEFAULT_APP_TOKEN_LIFETIME,
            token_ttl: None,
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
            rate_limits: RateLimitMode::default(),
            #[cfg(feature = "redis")]
            fleet: None,
        }
    }

    /// Authenticates with a fixed token sent as `Authorization: Bearer
    /// <token>` (an app token made elsewhere); see [`StaticToken`]. It is
    /// never refreshed.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = AuthConfig::Static(SecretString::new(token));
        self
    }

    /// Authenticates with app tokens (AccessToken2, `007…`) built locally
    /// from the project's app ID and app certificate, each 32 hexadecimal
    /// characters; see [`AppTokenProvider`]. Tokens live for
    /// [`app_token_lifetime`](Self::app_token_lifetime) and are rebuilt well
    /// before they expire. Needs the `app-token` feature (a default one).
    #[cfg(feature = "app-token")]
    pub fn app_credentials(
        mut self,
        app_id: impl Into<String>,
        app_certificate: impl Into<String>,
    ) -> Self {
        self.auth = AuthConfig::AppToken {
            app_id: app_id.into(),
            app_certificate: SecretString::new(app_certificate),
        };
        self
    }

    /// Authenticates with tokens from the token endpoint (`POST
    /// /{org}/{app}/token`), exchanged for a client ID and client secret
    /// (`grant_type: client_credentials`); see [`TokenExchange`]. Tokens are
    /// cached until shortly before they expire.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.auth = AuthConfig::ClientCredentials {
            client_id: client_id.into(),
            client_secret: SecretString::new(client_secret),
        };
        self
    }

    /// Authenticates with tokens from the token endpoint, exchanged for an
    /// app token built locally from the app ID and app certificate
    /// (`grant_type: agora`); see [`TokenExchange`]. Needs the `app-token`
    /// feature (a default one).
    #[cfg(feature = "app-token")]
    pub fn exchange_app_token(
        mut self,
        app_id: impl Into<String>,
        app_certificate: impl Into<String>,
    ) -> Self {
        self.auth = AuthConfig::ExchangeAppToken {
            app_id: app_id.into(),
            app_certificate: SecretString::new(app_certificate),
        };
        self
    }

    /// Authenticates with tokens from a provider of your own.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.auth = AuthConfig::Provider(provider);
        self
    }

    /// Lifetime of the app tokens built for
    /// [`app_credentials`](Self::app_credentials) and
    /// [`exchange_app_token`](Self::exchange_app_token): 1 second to 24
    /// hours, default 24 hours. Needs the `app-token` feature (a default one).
    #[cfg(feature = "app-token")]
    pub fn app_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.app_token_lifetime = lifetime;
        self
    }

    /// The lifetime asked for with [`client_credentials`](Self::client_credentials)
    /// (the request's `ttl`, in whole seconds; zero asks for a token that
    /// does not expire). Unset, the server decides.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = Some(ttl);
        self
    }

    /// Allows a plain `http://` host. Off by default because the bearer token
    /// would travel unencrypted; meant for local test servers.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Time allowed for each HTTP exchange, from connecting to reading the
    /// whole response (default 30 s), and for each wait of a call for a
    /// token ([`AuthError::TimedOut`](crate::AuthError::TimedOut)). A call
    /// that runs out of time fails with a timeout and is not retried.
    /// Per-call override:
    /// [`RequestOptions::timeout`](crate::RequestOptions::timeout) (or the
    /// `timeout` method of each request builder).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body the client reads, in bytes (default 16 MiB,
    /// 16 777 216; at least 1). A larger 2xx body fails the call with
    /// [`Error::ResponseTooLarge`], found while reading, so no more than the
    /// cap (plus one network chunk) is ever held, or before reading when
    /// `Content-Length` announces more. File downloads are streamed to the
    /// caller and not capped; of an error body only the first 2 KiB are
    /// read, which is all an [`ApiError`](crate::ApiError) keeps.
    pub fn max_response_bytes(mut self, max: u64) -> Self {
        self.max_response_bytes = max;
        self
    }

    /// Attempts per call, the first one included (default 3; 1 turns retries
    /// off). Which failures are retried depends on the operation: see the
    /// crate documentation.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts;
        self
    }

    /// Exponential backoff between attempts: the first retry waits about
    /// `min`, each later one twice as long up to `max`, each plus up to 100%
    /// random jitter (defaults 200 ms and 5 s).
    pub fn retry_delays(mut self, min: Duration, max: Duration) -> Self {
        self.retry.min_delay = min;
        self.retry.max_delay = max;
        self
    }

    /// Longest `Retry-After` the client waits for before retrying (default
    /// 30 s). When the server asks for a longer wait, the call fails at once
    /// with its 429 or 503 error, which carries
    /// [`retry_after`](crate::ApiError::retry_after).
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// How the documented per-operation rate limits are applied (default
    /// [`RateLimitMode::Documented`]).
    pub fn rate_limits(mut self, mode: RateLimitMode) -> Self {
        self.rate_limits = mode;
        self
    }

    /// Shares the rate limits and the token cache with every other client of
    /// the same app on the same Redis (other processes, other machines):
    /// see [`fleet`](crate::fleet). Without it (the default), both live in
    /// this client and its clones only. Needs the `redis` feature.
    ///
    /// ```no_run
    /// use agora_chat::{Client, fleet::RedisFleet};
    /// let client = Client::builder("a41.chat.agora.io", "my-org", "my-app")
    ///     .client_credentials("client-id", "client-secret")
    ///     .fleet(RedisFleet::new("redis://127.0.0.1:6379/")?)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), agora_chat::Error>(())
    /// ```
    #[cfg(feature = "redis")]
    pub fn fleet(mut self, fleet: super::fleet::RedisFleet) -> Self {
        self.fleet = Some(fleet);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] for missing or malformed credentials
    /// (a token with a line break, an app ID or certificate that is not 32
    /// hexadecimal characters, …), an unusable host, plain http without
    /// [`allow_http`](Self::allow_http), an empty org or app name, or an
    /// out-of-range setting.
    pub fn build(self) -> Result<Client, Error> {
        // Credentials that need no server are checked first, so that a
        // mistake there is reported even before a host problem.
        let direct: Option<Arc<dyn TokenProvider>> = match &self.auth {
            AuthConfig::None => return Err(ConfigError::MissingToken.into()),
            AuthConfig::Static(token) => Some(Arc::new(StaticToken::new(
                token.expose_secret().to_owned(),
            )?)),
            #[cfg(feature = "app-token")]
            AuthConfig::AppToken {
                app_id,
                app_certificate,
            } => Some(Arc::new(self.app_token_provider(app_id, app_certificate)?)),
            AuthConfig::Provider(provider) => Some(Arc::clone(provider)),
            AuthConfig::ClientCredentials { .. } => None,
            #[cfg(feature = "app-token")]
            AuthConfig::ExchangeAppToken { .. } => None,
        };

        let origin = parse_origin(&self.host.0, self.allow_http)?;
        let base_path = format!(
            "/{}/{}",
            path_name("org_name", &self.org_name)?,
            path_name("app_name", &self.app_name)?
        );
        self.check_limits()?;
        let factor = self
            .rate_limits
            .factor()
            .map_err(|reason| ConfigError::InvalidOption {
                option: "rate_limits",
                reason,
            })?;
        #[cfg(feature = "redis")]
        let fleet = match &self.fleet {
            Some(config) => {
                config.check()?;
                let fleet =
                    super::fleet::Fleet::new(config.clone(), &self.org_name, &self.app_name);
                Some(Arc::new(fleet))
            }
            None => None,
        };
        #[cfg(feature = "redis")]
        let limiters = match &fleet {
            Some(fleet) => RateLimiters::with_log(
                factor,
                Box::new(super::fleet::limits::RedisLog::new(Arc::clone(fleet))),
                super::rate_limit::FLEET_GUARD_DIVISOR,
            ),
            None => RateLimiters::new(factor),
        };
        #[cfg(not(feature = "redis"))]
        let limiters = RateLimiters::new(factor);
        let exchange = |transport: &Arc<Transport>, grant| -> TokenExchange {
            #[cfg(feature = "redis")]
            if let Some(fleet) = &fleet {
                let store = super::fleet::tokens::RedisTokens::new(Arc::clone(fleet));
                return TokenExchange::with_store(Arc::clone(transport), grant, Box::new(store));
            }
            TokenExchange::new(Arc::clone(transport), grant)
        };
        super::install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A REST API has no business redirecting; following a redirect
            // could also carry the request somewhere unintended.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!self.allow_http)
            .user_agent(super::transport::AGENT)
            .build()
            .map_err(|error| ConfigError::HttpClient(Arc::new(error)))?;
        let transport = Arc::new(Transport {
            http,
            base_url: format!("{origin}{base_path}"),
            base_path,
            retry: self.retry.clone(),
            limiters,
            max_response_bytes: self.max_response_bytes,
            timeout: self.timeout,
        });

        let auth = match (direct, &self.auth) {
            (Some(provider), _) => provider,
            (
                None,
                AuthConfig::ClientCredentials {
                    client_id,
                    client_secret,
                },
            ) => {
                non_empty("client_id", client_id)?;
                non_empty("client_secret", client_secret.expose_secret())?;
                let grant = ExchangeGrant::ClientCredentials {
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                    ttl: self.token_ttl.map(|ttl| ttl.as_secs()),
                };
                Arc::new(exchange(&transport, grant))
            }
            #[cfg(feature = "app-token")]
            (
                None,
                AuthConfig::ExchangeAppToken {
                    app_id,
                    app_certificate,
                },
            ) => {
                let provider = self.app_token_provider(app_id, app_certificate)?;
                let grant = ExchangeGrant::AppToken(provider);
                Arc::new(exchange(&transport, grant))
            }
            // Every other configuration produced a provider above.
            (None, _) => return Err(ConfigError::MissingToken.into()),
        };
        Ok(Client::from_parts(transport, auth, self.rate_limits))
    }

    #[cfg(feature = "app-token")]
    fn app_token_provider(
        &self,
        app_id: &str,
        app_certificate: &SecretString,
    ) -> Result<AppTokenProvider, ConfigError> {
        let credentials = AppCredentials::new(app_id, app_certificate.expose_secret())?;
        AppTokenProvider::with_lifetime(credentials, self.app_token_lifetime)
    }

    fn check_limits(&self) -> Result<(), ConfigError> {
        let invalid = |option, reason: String| Err(ConfigError::InvalidOption { option, reason });
        if self.retry.max_attempts == 0 {
            return invalid(
                "max_attempts",
                "must be at least 1 (1 sends each request once, without retries)".to_owned(),
            );
        }
        if self.max_response_bytes == 0 {
            return invalid(
                "max_response_bytes",
                "must be at least 1: a cap of 0 bytes refuses every response".to_owned(),
            );
        }
        if self.retry.min_delay > self.retry.max_delay {
            return invalid(
                "retry_delays",
                format!(
                    "the minimum delay {:?} is greater than the maximum {:?}",
                    self.retry.min_delay, self.retry.max_delay
                ),
            );
        }
        Ok(())
    }
}

fn non_empty(field: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty() {
        return Err(ConfigError::InvalidCredential {
            field,
            reason: "must not be empty".to_owned(),
        });
    }
    Ok(())
}

/// Encodes an org or app name as a path segment.
fn path_name(field: &'static str, value: &str) -> Result<String, ConfigError> {
    match value {
        "" => Err(ConfigError::InvalidName {
            field,
            reason: "must not be empty",
        }),
        "." | ".." => Err(ConfigError::InvalidName {
            field,
            reason: "`.` and `..` cannot be used as a path segment",
        }),
        _ => Ok(encode::segment(value)),
    }
}
