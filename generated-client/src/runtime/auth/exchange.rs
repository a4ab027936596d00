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

use serde::Serialize;

#[cfg(feature = "app-token")]
use super::AppTokenProvider;
use super::cache::Cached;
use super::store::{LocalTokens, TokenStore};
use super::token_response::{self, TokenResponse};
use super::{BearerToken, TokenFuture, TokenProvider, refresh_at};
use crate::runtime::transport::{Transport, traced};
use crate::runtime::{
    Body, Error, OperationInfo, Payload, RequestOptions, RequestParts, SecretString,
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
    #[cfg(feature = "app-token")]
    AppToken(AppTokenProvider),
}

/// Exchanges credentials for an access token at the token endpoint and
/// caches it until shortly before it expires (a quarter of its lifetime, at
/// most an hour, before; a token without an expiry is kept until the server
/// rejects it). Set up by
/// [`ClientBuilder::client_credentials`](crate::ClientBuilder::client_credentials)
/// and [`ClientBuilder::exchange_app_token`](crate::ClientBuilder::exchange_app_token).
///
/// Concurrent calls that find no valid token share one fetch and its
/// outcome: all get its token, or all get its error. A failed fetch is
/// remembered: for 1 s its error is returned at once, without asking the
/// endpoint again; each further consecutive failure doubles that, up to
/// 30 s, so an outage costs one fetch per step for all callers together.
/// The exchange uses the client's connection pool, timeouts and retries;
/// how long a call waits for a token is bounded by its timeout.
pub struct TokenExchange {
    endpoint: Arc<Endpoint>,
    store: Box<dyn TokenStore>,
}

/// What fetching a token needs; shared with the fetch in flight, which may
/// outlive the call that started it.
struct Endpoint {
    transport: Arc<Transport>,
    grant: ExchangeGrant,
}

/// The body of a token request.
#[derive(Serialize)]
#[serde(untagged)]
enum TokenRequest<'a> {
    ClientCredentials(ClientCredentialsRequest<'a>),
    #[cfg(feature = "app-token")]
    Agora(AgoraGrantRequest),
}

#[derive(Serialize)]
struct ClientCredentialsRequest<'a> {
    grant_type: &'static str,
    client_id: &'a str,
    client_secret: &'a SecretString,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<u64>,
}

#[cfg(feature = "app-token")]
#[derive(Serialize)]
struct AgoraGrantRequest {
    grant_type: &'static str,
}

impl ExchangeGrant {
    /// The spec's operation for this grant: its id names the token request
    /// in errors and spans, and it says how to send and retry it.
    fn operation(&self) -> &'static OperationInfo {
        match self {
            ExchangeGrant::ClientCredentials { .. } => &crate::token::CREATE_TOKEN_WITH_CREDENTIALS,
            #[cfg(feature = "app-token")]
            ExchangeGrant::AppToken(_) => &crate::token::EXCHANGE_AGORA_TOKEN,
        }
    }

    /// The JSON body of the token request.
    fn request(&self) -> TokenRequest<'_> {
        match self {
            ExchangeGrant::ClientCredentials {
                client_id,
                client_secret,
                ttl,
            } => TokenRequest::ClientCredentials(ClientCredentialsRequest {
                grant_type: "client_credentials",
                client_id,
                client_secret,
                ttl: *ttl,
            }),
            #[cfg(feature = "app-token")]
            ExchangeGrant::AppToken(_) => TokenRequest::Agora(AgoraGrantRequest {
                grant_type: "agora",
            }),
        }
    }
}

impl TokenExchange {
    /// An exchange that keeps its token in this process.
    pub(crate) fn new(transport: Arc<Transport>, grant: ExchangeGrant) -> Self {
        Self::with_store(transport, grant, Box::new(LocalTokens::default()))
    }

    /// An exchange that keeps its token in `store` (shared by a fleet).
    pub(crate) fn with_store(
        transport: Arc<Transport>,
        grant: ExchangeGrant,
        store: Box<dyn TokenStore>,
    ) -> Self {
        Self {
            endpoint: Arc::new(Endpoint { transport, grant }),
            store,
        }
    }

    async fn current(&self) -> Result<BearerToken, Error> {
        if let Some(token) = self.store.fresh() {
            return Ok(token);
        }
        let endpoint = Arc::clone(&self.endpoint);
        let fetch = Box::pin(async move {
            traced(endpoint.grant.operation(), |span| {
                Box::pin(endpoint.fetch(span))
            })
            .await
        });
        self.store.obtain(fetch).await
    }
}

impl Endpoint {
    async fn fetch(&self, span: tracing::Span) -> Result<Cached, Error> {
        let body = Body::json(&self.grant.request())?;
        let app_token = match &self.grant {
            ExchangeGrant::ClientCredentials { .. } => None,
            #[cfg(feature = "app-token")]
            ExchangeGrant::AppToken(provider) => Some(provider.current()?),
        };
        let parts = RequestParts {
            op: self.grant.operation(),
            path: self.grant.operation().path_template.to_owned(),
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
        let TokenResponse { token, lifetime } = token_response::decode(&raw)?;
        let refresh_at = lifetime.and_then(|lifetime| refresh_at(obtained, lifetime));
        Ok(Cached { token, refresh_at })
    }
}

impl TokenProvider for TokenExchange {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.current())
    }

    fn cached_token(&self) -> Option<BearerToken> {
        self.store.fresh()
    }

    fn invalidate(&self, rejected: &BearerToken) -> bool {
        self.store.invalidate(rejected);
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
                self.endpoint.transport.base_url,
                self.endpoint.grant.operation().path_template
            ),
        );
        match &self.endpoint.grant {
            ExchangeGrant::ClientCredentials { client_id, ttl, .. } => debug
                .field("grant_type", &"client_credentials")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("ttl", ttl),
            #[cfg(feature = "app-token")]
            ExchangeGrant::AppToken(provider) => debug
                .field("grant_type", &"agora")
                .field("app_token", provider),
        };
        debug.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::ExchangeGrant;
    use crate::runtime::SecretString;
    use crate::{AppCredentials, AppTokenProvider};

    /// The body the spec documents for `operation`: each member's name,
    /// whether it is required and its closed set of values, if any.
    fn documented(operation: &str) -> Vec<(String, bool, Option<Vec<String>>)> {
        let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");
        let ir = agora_chat_generator::load_ir(std::path::Path::new(spec)).expect("the spec loads");
        let (_, op) = ir
            .operations()
            .find(|(_, op)| op.id == operation)
            .unwrap_or_else(|| panic!("the spec has no operation `{operation}`"));
        let body = op.body.as_ref().expect("the token request has a body");
        body.fields
            .iter()
            .map(|f| {
                (
                    f.wire_name.clone(),
                    f.required,
                    f.limits.enumeration.clone(),
                )
            })
            .collect()
    }

    /// The runtime's own serialization of a token request sends exactly
    /// what the spec documents: no member it does not list, every member
    /// it requires, and values from the documented set.
    fn assert_matches_spec(operation: &str, sent: Value) {
        let sent: Map<String, Value> = match sent {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        };
        let documented = documented(operation);
        for name in sent.keys() {
            assert!(
                documented.iter().any(|(n, ..)| n == name),
                "`{name}` is not a member of {operation}'s body in the spec"
            );
        }
        for (name, required, values) in &documented {
            let value = sent.get(name);
            if *required {
                assert!(
                    value.is_some(),
                    "{operation}: required `{name}` is not sent"
                );
            }
            if let (Some(Value::String(v)), Some(values)) = (value, values) {
                assert!(
                    values.contains(v),
                    "{operation}: `{name}` = {v:?}, not one of {values:?}"
                );
            }
        }
    }

    #[test]
    fn token_requests_are_the_spec_operations() {
        let credentials = ExchangeGrant::ClientCredentials {
            client_id: "id".into(),
            client_secret: SecretString::from("secret"),
            ttl: Some(60),
        };
        assert_eq!(credentials.operation().id, "create_token_with_credentials");
        let body = serde_json::to_value(credentials.request()).unwrap();
        assert_matches_spec(credentials.operation().id, body);

        let app_token = AppTokenProvider::new(
            AppCredentials::new(
                "0123456789abcdef0123456789abcdef",
                "fedcba9876543210fedcba9876543210",
            )
            .expect("valid credentials"),
        );
        let agora = ExchangeGrant::AppToken(app_token);
        assert_eq!(agora.operation().id, "exchange_agora_token");
        let body = serde_json::to_value(agora.request()).unwrap();
        assert_matches_spec(agora.operation().id, body);
    }
}
