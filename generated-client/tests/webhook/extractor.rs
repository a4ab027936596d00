//! `VerifiedCallback` in a router served on 127.0.0.1.

use std::time::Duration;

use agora_chat::webhook::{VerifiedCallback, Verifier};
use axum::Router;
use axum::routing::post;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::support::{SECRET, examples};

/// A server echoing what the extractor read, stopped when dropped.
struct Server {
    url: String,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(verifier: Verifier) -> Server {
    async fn echo(VerifiedCallback(callback): VerifiedCallback) -> String {
        format!(
            "{} {}",
            callback.call_id(),
            callback.chat_type().unwrap_or("-")
        )
    }
    let router = Router::new()
        .route("/callbacks", post(echo))
        .with_state(verifier);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/callbacks", listener.local_addr().expect("bound"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Server { url, task }
}

async fn post_body(url: &str, body: reqwest::Body) -> (u16, String) {
    // Under rustls without a provider of reqwest's own (`rustls-ring`).
    agora_chat::install_tls_provider();
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn verified_callbacks_reach_the_handler_and_others_are_refused() {
    let example = examples()
        .iter()
        .find(|e| e.value["chat_type"] == "muc")
        .expect("a muc example");
    let call_id = example.value["callId"].as_str().unwrap_or_default();
    let server = serve(Verifier::new(SECRET)).await;

    assert_eq!(
        post_body(&server.url, example.body.clone().into()).await,
        (200, format!("{call_id} muc"))
    );

    let (status, text) = post_body(&server.url, examples()[0].value.to_string().into()).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "callback signature does not match the rule's secret")
    );

    let (status, text) = post_body(&server.url, r#"{"callId":1}"#.into()).await;
    assert_eq!(status, 400);
    assert!(text.contains("`callId`: expected a string"), "{text}");

    let stale = serve(Verifier::new(SECRET).max_age(Duration::from_secs(60))).await;
    assert_eq!(
        post_body(&stale.url, example.body.clone().into()).await.0,
        401
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_not_read_to_the_end() {
    let example = &examples()[0];
    let limit = example.body.len() - 1;
    let server = serve(Verifier::new(SECRET).max_body_bytes(limit)).await;
    // Announced by Content-Length: refused before reading.
    let (status, text) = post_body(&server.url, example.body.clone().into()).await;
    assert_eq!(
        (status, text),
        (
            413,
            format!("callback body is larger than the {limit}-byte limit")
        )
    );
    // Streamed without a length: reading stops past the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(example.body.clone()), Ok(vec![b' '; 1 << 20])];
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    assert_eq!(post_body(&server.url, stream).await.0, 413);
    // At the limit exactly, it verifies.
    let exact = serve(Verifier::new(SECRET).max_body_bytes(example.body.len())).await;
    assert_eq!(
        post_body(&exact.url, example.body.clone().into()).await.0,
        200
    );
}
