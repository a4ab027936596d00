//! Tokens obtained from the token endpoint, `POST /{org_name}/{app_name}/token`,
//! in exchange for client credentials or an app token.
//!
//! The endpoint takes `{"grant_type": "client_credentials", "client_id": …,
//! "client_secret": …, "ttl": seconds}` (Easemob-style credentials; `ttl` is
//! optional), or `{"grant_type": "agora"}` with the app token as
//! `Authorization: Bearer 007…`, and answers `{"access_token": …,
//! "expires_in": seconds, …}`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::cache::{Cached, TokenCache};
use super::{AppTokenProvider, BearerToken, TokenFuture, TokenProblem, TokenProvider, refresh_at};
use crate::runtime::response::RawResponse;
use crate::runtime::transport::{Transport, traced};
use crate::runtime::{
    AuthError, Body, DecodeError, Error, HttpMethod, OperationInfo, Payload, RequestOptions,
    RequestParts, SecretString,
};

/// The token request, as it appears in errors and tracing spans. Asking for a
/// token twice does no harm, so it is retried like any idempotent call.
pub(crate) static EXCHANGE_TOKEN: OperationInfo = OperationInfo {
    id: "exchange_token",
    method: HttpMethod::Post,
    path_template: "/token",
    idempotent: true,
    rate_limit: None,
};

/// What is exchanged for a token.
#[derive(Debug)]
pub(crate) enum ExchangeGrant {
    /// `grant_type: client_credentials`.
    ClientCredentials {
        client_id: String,
        client_secret: SecretString,
        /// Requested lifetime in seconds; `None` leaves it to the server.
        ttl: Option<u64>,
    },
    /// `grant_type: agora`, authenticated with a locally built app token.
    AppToken(AppTokenProvider),
}

/// Exchanges credentials for an access token at the token endpoint and
/// caches it until shortly before it expires (a quarter of its lifetime, at
/// most an hour, before; a token without an expiry is kept until the server
/// rejects it). Set up by
/// [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials)
/// and [`ClientBuilder::exchange_app_token`](crate::ClientBuilder::exchange_app_token).
///
/// Concurrent calls that find no valid token wait for one fetch instead of
/// each making their own. The exchange uses the client's connection pool,
/// timeouts and retries.
pub struct TokenExchange {
    transport: Arc<Transport>,
    grant: ExchangeGrant,
    cached: TokenCache,
    /// Held while fetching, so that one caller fetches and the others wait
    /// for its result.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Serialize)]
struct ClientCredentialsRequest<'a> {
    grant_type: &'static str,
    client_id: &'a str,
    client_secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<u64>,
}

#[derive(Serialize)]
struct AgoraGrantRequest {
    grant_type: &'static str,
}

/// The fields of the token response the client uses; others are ignored.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds; absent or 0 means the token does not expire.
    #[serde(default)]
    expires_in: Option<u64>,
}

impl TokenExchange {
    pub(crate) fn new(transport: Arc<Transport>, grant: ExchangeGrant) -> Self {
        Self {
            transport,
            grant,
            cached: TokenCache::default(),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    async fn current(&self) -> Result<BearerToken, Error> {
        if let Some(token) = self.cached.fresh() {
            return Ok(token);
        }
        let _fetching = self.fetching.lock().await;
        // Whoever held the lock before may have fetched a token meanwhile.
        if let Some(token) = self.cached.fresh() {
            return Ok(token);
        }
        let cached = traced(&EXCHANGE_TOKEN, |span| Box::pin(self.fetch(span))).await?;
        let token = cached.token.clone();
        self.cached.store(cached);
        Ok(token)
    }

    async fn fetch(&self, span: tracing::Span) -> Result<Cached, Error> {
        let (body, app_token) = match &self.grant {
            ExchangeGrant::ClientCredentials {
                client_id,
                client_secret,
                ttl,
            } => {
                let request = ClientCredentialsRequest {
                    grant_type: "client_credentials",
                    client_id,
                    client_secret: client_secret.expose_secret(),
                    ttl: *ttl,
                };
                (Body::json(&request)?, None)
            }
            ExchangeGrant::AppToken(provider) => {
                let request = AgoraGrantRequest {
                    grant_type: "agora",
                };
                (Body::json(&request)?, Some(provider.current()?))
            }
        };
        let parts = RequestParts {
            op: &EXCHANGE_TOKEN,
            path: EXCHANGE_TOKEN.path_template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body,
            options: RequestOptions::default(),
            payload: Payload::Root,
        };
        let obtained = tokio::time::Instant::now();
        let mut prepared = self.transport.prepare(parts)?;
        if let Some(app_token) = &app_token {
            prepared.set_token(app_token);
        }
        let raw = self.transport.execute(&mut prepared, &span).await?;
        let response = decode(&raw)?;
        let token = BearerToken::parse(&response.access_token).map_err(|problem| {
            AuthError::InvalidToken {
                reason: match problem {
                    TokenProblem::Empty => "nothing (it is empty)",
                    TokenProblem::Invalid(reason) => reason,
                },
            }
        })?;
        let refresh_at = response
            .expires_in
            .filter(|&seconds| seconds > 0)
            .map(|seconds| refresh_at(obtained, Duration::from_secs(seconds)));
        tracing::debug!(
            expires_in = response.expires_in,
            "obtained an access token from the token endpoint"
        );
        Ok(Cached { token, refresh_at })
    }
}

/// Decodes the token response without ever quoting it: it holds the token.
fn decode(raw: &RawResponse) -> Result<TokenResponse, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(&raw.body);
    let redacted = |path: String, error: &serde_json::Error| {
        Error::Decode(DecodeError::redacted(
            raw.operation,
            raw.status,
            path,
            error,
        ))
    };
    let response = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| redacted(error.path().to_string(), error.inner()))?;
    deserializer
        .end()
        .map_err(|error| redacted(".".to_owned(), &error))?;
    Ok(response)
}

impl TokenProvider for TokenExchange {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.current())
    }

    fn cached_token(&self) -> Option<BearerToken> {
        self.cached.fresh()
    }

    fn invalidate(&self, rejected: &BearerToken) -> bool {
        self.cached.invalidate(rejected);
        true
    }
}

impl fmt::Debug for TokenExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("TokenExchange");
        debug.field(
            "endpoint",
            &format_args!(
                "{}{}",
                self.transport.base_url, EXCHANGE_TOKEN.path_template
            ),
        );
        match &self.grant {
            ExchangeGrant::ClientCredentials { client_id, ttl, .. } => debug
                .field("grant_type", &"client_credentials")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("ttl", ttl),
            ExchangeGrant::AppToken(provider) => debug
                .field("grant_type", &"agora")
                .field("app_token", provider),
        };
        debug.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use reqwest::StatusCode;

    use super::decode;
    use crate::Error;
    use crate::runtime::response::RawResponse;

    fn raw(body: Vec<u8>) -> RawResponse {
        RawResponse {
            operation: "exchange_token",
            status: StatusCode::OK,
            body: body.into(),
            stream: None,
        }
    }

    #[test]
    fn decodes_the_documented_response() {
        let body = br#"{"access_token":"YWMt","expires_in":281,"expire_timestamp":1657015153000}"#;
        let response = decode(&raw(body.to_vec())).unwrap();
        assert_eq!(response.access_token, "YWMt");
        assert_eq!(response.expires_in, Some(281));
        let no_expiry = decode(&raw(br#"{"access_token":"x","application":"a"}"#.to_vec()));
        assert_eq!(no_expiry.unwrap().expires_in, None);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_bodies_never_panic_or_leak(
            body in proptest::collection::vec(any::<u8>(), 0..128),
            token in "[A-Za-z0-9]{8,16}",
            expires in prop_oneof![
                Just("1".to_owned()), Just("\"soon\"".to_owned()), Just("-1".to_owned()),
                Just("null".to_owned()), Just("1e99".to_owned()), Just(format!("\"{}\"", "x")),
            ],
            cut in 0usize..80,
        ) {
            let _ = decode(&raw(body));
            let text = format!(r#"{{"access_token":"{token}","expires_in":{expires}}}"#);
            let cut = cut.min(text.len());
            for candidate in [text.as_bytes(), &text.as_bytes()[..cut]] {
                if let Err(error) = decode(&raw(candidate.to_vec())) {
                    let Error::Decode(decode_error) = &error else {
                        panic!("unexpected error kind: {error:?}");
                    };
                    let shown = format!("{error} {error:?} {}", decode_error.snippet());
                    prop_assert!(!shown.contains(&token), "{}", shown);
                }
            }
        }
    }
}
