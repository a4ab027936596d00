//! A callback receiver for both kinds of callback rule, on axum.
//!
//! ```text
//! cargo run -p agora-chat --example webhook_server -- --secret SECRET [--addr 127.0.0.1:8080]
//! ```
//!
//! Point a pre-delivery rule at `http://HOST/callbacks/pre` and a
//! post-delivery rule at `http://HOST/callbacks/post` (behind HTTPS in
//! production: the signature does not cover the payload). Text messages
//! containing "badword" are delivered with the word masked; every
//! post-delivery callback is printed as one line. Requests that fail
//! verification get 400, 401 or 413 from the extractor.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use agora_chat::webhook::{PreDeliveryReply, VerifiedCallback, Verifier};
use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Router, serve};
use serde_json::Value;

const USAGE: &str = "usage: webhook_server --secret SECRET [--addr IP:PORT]";
const BANNED: &str = "badword";

/// The router's state: the verifier, and the callback ids already handled
/// (the server resends a callback it got no 200 for). The set only grows;
/// a long-running receiver would forget ids after a while.
#[derive(Clone)]
struct App {
    verifier: Verifier,
    seen: Arc<Mutex<HashSet<String>>>,
}

impl FromRef<App> for Verifier {
    fn from_ref(app: &App) -> Verifier {
        app.verifier.clone()
    }
}

/// The payload with `BANNED` masked in text bodies, when it had any.
fn masked(payload: &Value) -> Option<Value> {
    let mut payload = payload.clone();
    let mut changed = false;
    for body in payload.get_mut("bodies")?.as_array_mut()? {
        if body["type"] != "txt" {
            continue;
        }
        if let Some(text) = body["msg"].as_str().filter(|t| t.contains(BANNED)) {
            body["msg"] = Value::from(text.replace(BANNED, &"*".repeat(BANNED.len())));
            changed = true;
        }
    }
    changed.then_some(payload)
}

async fn pre_delivery(VerifiedCallback(callback): VerifiedCallback) -> impl IntoResponse {
    let reply = match callback.payload().and_then(masked) {
        Some(payload) => PreDeliveryReply::accept().rewrite(payload),
        None => PreDeliveryReply::accept(),
    };
    match reply.to_json() {
        Ok(json) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            json,
        ),
        // Too large to rewrite: let the message through unchanged.
        Err(_) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"valid":true}"#.to_string(),
        ),
    }
}

async fn post_delivery(
    State(app): State<App>,
    VerifiedCallback(callback): VerifiedCallback,
) -> StatusCode {
    let first = app
        .seen
        .lock()
        .map(|mut seen| seen.insert(callback.call_id().to_string()))
        .unwrap_or(true);
    if first {
        println!(
            "{} {} {}",
            callback.call_id(),
            callback.event_type().unwrap_or("-"),
            callback.chat_type().unwrap_or("-")
        );
    }
    StatusCode::OK
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<(String, SocketAddr), String> {
    let mut secret = None;
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 8080));
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--secret" => secret = Some(value),
            "--addr" => {
                addr = value
                    .parse()
                    .map_err(|e| format!("--addr `{value}`: {e}"))?
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let secret = secret
        .filter(|s| !s.is_empty())
        .ok_or("--secret is required")?;
    Ok((secret, addr))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (secret, addr) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(64);
        }
    };
    let app = App {
        verifier: Verifier::new(secret),
        seen: Arc::default(),
    };
    let router = Router::new()
        .route("/callbacks/pre", post(pre_delivery))
        .route("/callbacks/post", post(post_delivery))
        .with_state(app);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The bound address: with port 0 the system picks a free one.
    match listener.local_addr() {
        Ok(bound) => eprintln!("listening on http://{bound}"),
        Err(e) => eprintln!("listening on {addr} ({e})"),
    }
    match serve(listener, router).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
