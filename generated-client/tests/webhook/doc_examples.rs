//! Every doc example of every family verifies once signed, and reads back
//! as it was sent; changing a signed member afterwards breaks it.

use agora_chat::webhook::{Verifier, VerifyError};
use serde_json::Value;

use crate::support::{SECRET, examples};

#[test]
fn every_doc_example_verifies_with_its_members_intact() {
    let examples = examples();
    assert!(examples.len() >= 150, "only {} examples", examples.len());
    let verifier = Verifier::new(SECRET);
    let mut failures = Vec::new();
    for ex in examples {
        let envelope = match verifier.verify(&ex.body) {
            Ok(envelope) => envelope,
            Err(e) => {
                failures.push(format!("{}: {e}", ex.name));
                continue;
            }
        };
        let body = &ex.value;
        let shared = envelope.call_id() == body["callId"]
            && envelope.event_type() == body["eventType"].as_str()
            && envelope.chat_type() == body["chat_type"].as_str()
            && envelope.payload() == body.get("payload");
        let sent: Value = serde_json::from_slice(&ex.body).unwrap_or_default();
        if !shared || envelope.into_value() != sent {
            failures.push(format!("{}: read back differently", ex.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_doc_example_verifies_with_another_secret() {
    let verifier = Verifier::new("not-the-secret");
    for ex in examples() {
        assert_eq!(
            verifier.verify(&ex.body),
            Err(VerifyError::BadSignature),
            "{}",
            ex.name
        );
    }
}

/// The signed body of `ex` with `member` set to `value` afterwards.
fn altered(body: &[u8], member: &str, value: Value) -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(body).unwrap_or_default();
    body[member] = value;
    serde_json::to_vec(&body).unwrap_or_default()
}

#[test]
fn changing_call_id_or_timestamp_after_signing_breaks_every_example() {
    let verifier = Verifier::new(SECRET);
    for ex in examples() {
        let call_id = format!("{}x", ex.value["callId"].as_str().unwrap_or_default());
        let body = altered(&ex.body, "callId", Value::String(call_id));
        assert_eq!(
            verifier.verify(&body),
            Err(VerifyError::BadSignature),
            "{}: callId",
            ex.name
        );
        let later = ex.value["timestamp"].as_u64().unwrap_or_default() + 1;
        let body = altered(&ex.body, "timestamp", Value::from(later));
        assert_eq!(
            verifier.verify(&body),
            Err(VerifyError::BadSignature),
            "{}: timestamp",
            ex.name
        );
    }
}

#[test]
fn the_doc_signatures_are_placeholders() {
    // The pages print `security` values whose secrets they do not give;
    // none is the test secret's signature, so the tests above do sign.
    let verifier = Verifier::new(SECRET);
    for ex in examples() {
        let unsigned = serde_json::to_vec(&ex.value).unwrap_or_default();
        assert_eq!(
            verifier.verify(&unsigned),
            Err(VerifyError::BadSignature),
            "{}",
            ex.name
        );
    }
}
