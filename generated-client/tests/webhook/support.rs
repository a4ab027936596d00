//! The doc examples of `spec/callbacks/`, signed with a test secret.

use std::path::Path;
use std::sync::OnceLock;

use agora_chat::webhook::{Delivery, Event, Verifier, sign};
use agora_chat_generator::spec::{self, Spec};
use serde_json::Value;

/// The secret the examples are signed with.
pub const SECRET: &str = "a3f9c1e07b2d4856";

/// One doc example, signed.
pub struct Signed {
    /// `family example` (`muc kick_agora`), for messages.
    pub name: String,
    /// The body as JSON text, `security` replaced by a real signature.
    pub body: Vec<u8>,
    /// The body before it was signed.
    pub value: Value,
    /// The family's name in the spec.
    pub family: String,
    /// The delivery of the family's rule.
    pub delivery: Delivery,
}

/// The repository's spec, loaded once.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        spec::load(&dir).unwrap_or_else(|e| panic!("cannot load the spec: {e}"))
    })
}

/// The `timestamp` member as the server signs it: its decimal digits, or
/// the string as sent.
fn timestamp_text(body: &Value) -> String {
    match &body["timestamp"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `body` with `security` set to its signature with `secret`.
pub fn signed_with(body: &Value, secret: &str) -> Vec<u8> {
    let mut body = body.clone();
    let call_id = body["callId"].as_str().unwrap_or_default().to_string();
    let security = sign(&call_id, secret, &timestamp_text(&body));
    body["security"] = Value::String(security);
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Every example of every family, signed with [`SECRET`].
pub fn examples() -> &'static [Signed] {
    static EXAMPLES: OnceLock<Vec<Signed>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let callbacks = spec().callbacks.as_ref().expect("the spec has callbacks");
        callbacks
            .examples()
            .into_iter()
            .map(|e| {
                let name = format!("{} {}", e.family.name.value, e.example.name.value);
                let value = e
                    .body
                    .unwrap_or_else(|err| panic!("{name}: {}", err.message));
                let delivery = match e.family.delivery {
                    spec::callbacks::Delivery::Pre => Delivery::Pre,
                    spec::callbacks::Delivery::Post => Delivery::Post,
                };
                Signed {
                    body: signed_with(&value, SECRET),
                    name,
                    value,
                    family: e.family.name.value.clone(),
                    delivery,
                }
            })
            .collect()
    })
}

/// A doc example's body (JSON text), signed with [`SECRET`], verified and
/// read as an event of a rule of `delivery`.
pub fn event_of(body: &str, delivery: Delivery) -> Event {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let signed = signed_with(&value, SECRET);
    let envelope = Verifier::new(SECRET)
        .verify(&signed)
        .unwrap_or_else(|e| panic!("{e}: {body}"));
    envelope.event(delivery)
}
