//! What a careful hand-written call looks like, for the benchmark examples
//! to hold the client against: one reqwest client, the same headers (a
//! careful client names itself in `User-Agent`, as the generated one does),
//! a status check; each example decodes the body into its own types.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};

/// The hand-written client's name, as long as the generated client's.
const AGENT: &str = concat!("hand-written-rs/", env!("CARGO_PKG_VERSION"));

/// A GET of one URL with a bearer token.
pub struct HandWritten {
    http: reqwest::Client,
    url: String,
    authorization: HeaderValue,
}

impl HandWritten {
    /// `path` below `{base}/org/app`.
    pub fn new(base: &str, path: &str, token: &str) -> Self {
        // reqwest's rustls needs a crypto provider under `rustls-ring`.
        agora_chat::install_tls_provider();
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("reqwest client"),
            url: format!("{base}/org/app{path}"),
            authorization: HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        }
    }

    /// Sends the request and returns the body of its 2xx answer.
    pub async fn get(&self) -> bytes::Bytes {
        let response = self
            .http
            .get(&self.url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, AGENT)
            .send()
            .await
            .expect("hand-written call");
        assert!(response.status().is_success());
        response.bytes().await.expect("body")
    }
}
