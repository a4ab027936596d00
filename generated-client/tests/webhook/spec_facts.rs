//! The hand-written runtime against the spec's facts: when the spec's
//! signature rule, shared members or reply limits change, these fail.

use agora_chat::webhook::{
    ChatroomMessageLevel, PreDeliveryReply, ReplyLimits, Verifier, VerifyError, sign,
};
use agora_chat_generator::spec::callbacks::{CallbacksCommon, SECRET, SignatureAlgorithm};
use serde_json::Value;

use crate::support::spec;

fn common() -> &'static CallbacksCommon {
    &spec()
        .callbacks
        .as_ref()
        .expect("the spec has callbacks")
        .common
}

#[test]
fn the_signature_rule_is_the_one_implemented() {
    let sig = &common().signature;
    assert_eq!(sig.field, "security");
    assert_eq!(sig.algorithm, SignatureAlgorithm::Md5Hex);
    assert_eq!(sig.concat, ["callId", SECRET, "timestamp"]);
}

#[test]
fn the_runtime_requires_exactly_the_required_envelope_members() {
    let full = serde_json::json!({
        "callId": "c", "timestamp": 1, "security": sign("c", "k", "1"),
    });
    let verifier = Verifier::new("k");
    assert!(verifier.verify(full.to_string().as_bytes()).is_ok());
    let required: Vec<&str> = common()
        .envelope
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(required, ["callId", "security", "timestamp"]);
    for name in required {
        let mut body = full.clone();
        body.as_object_mut().map(|o| o.remove(name));
        match verifier.verify(body.to_string().as_bytes()) {
            Err(VerifyError::Malformed(m)) => assert_eq!(m.field(), Some(name)),
            other => panic!("without `{name}`: {other:?}"),
        }
    }
    // The optional string members the envelope exposes are typed too.
    for name in ["eventType", "chat_type"] {
        let field = common().envelope.iter().find(|f| f.name == name).unwrap();
        assert_eq!(
            (field.ty.as_deref(), field.required),
            (Some("string"), false),
            "{name}"
        );
    }
}

#[test]
fn the_reply_limits_are_the_documented_ones() {
    let common = common();
    assert_eq!(
        ReplyLimits::DEFAULT.max_chars,
        common.limits.response_max_chars as usize
    );
    let payload = common
        .reply
        .fields
        .iter()
        .find(|f| f.name == "payload")
        .unwrap();
    assert_eq!(
        Some(ReplyLimits::DEFAULT.payload_max_bytes as u64),
        payload.max_bytes
    );
    let names: Vec<&str> = common
        .reply
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["valid", "code", "payload", "chatroom_msg_level"]);
}

#[test]
fn the_reply_type_writes_the_doc_reply_examples() {
    for ex in &common().reply.examples {
        let doc: Value = serde_json::from_str(&ex.body).unwrap();
        let mut reply = if doc["valid"] == true {
            PreDeliveryReply::accept()
        } else {
            PreDeliveryReply::reject()
        };
        if let Some(code) = doc["code"].as_str() {
            reply = reply.code(code);
        }
        if let Some(payload) = doc.get("payload") {
            reply = reply.rewrite(payload.clone());
        }
        if let Some(level) = doc["chatroom_msg_level"].as_str() {
            let level = match level {
                "high" => ChatroomMessageLevel::High,
                "normal" => ChatroomMessageLevel::Normal,
                "low" => ChatroomMessageLevel::Low,
                other => panic!("reply example {}: level `{other}`", ex.name.value),
            };
            reply = reply.chatroom_message_level(level);
        }
        let written: Value = serde_json::from_str(&reply.to_json().unwrap()).unwrap();
        assert_eq!(written, doc, "reply example {}", ex.name.value);
    }
}
