//! Decoding the tagged unions: a value whose tag names a variant and whose
//! members fit it is that variant, with unknown members kept in `extra`;
//! anything else is `Other`, kept whole, and nothing fails but malformed
//! JSON. Encoding gives back what was decoded.

use agora_chat::messages::MessageContent;
use agora_chat::webhook::MessageBody;
use serde_json::{Value, json};

fn content(value: Value) -> MessageContent {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

fn body(value: Value) -> MessageBody {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

#[test]
fn every_kind_of_content_decodes_to_what_was_encoded() {
    let sent: Vec<MessageContent> = vec![
        MessageContent::text("hello"),
        MessageContent::image("https://a1.example/p.png")
            .filename("p.png")
            .into(),
        MessageContent::location("39.9", "116.4", "Beijing"),
        MessageContent::command("refresh"),
        MessageContent::custom().custom_event("gift").into(),
    ];
    for value in sent {
        let wire = serde_json::to_value(&value).unwrap();
        assert_eq!(content(wire.clone()), value, "{wire}");
        // From text as well as from a value, in either member order.
        let text = serde_json::to_string(&wire).unwrap();
        let decoded: MessageContent = serde_json::from_str(&text).unwrap();
        assert_eq!(decoded, value);
        let reversed = json!({"body": wire["body"], "type": wire["type"]});
        assert_eq!(content(reversed), value);
    }
}

#[test]
fn unknown_members_of_the_content_are_kept() {
    let value = json!({"type": "txt", "body": {"msg": "hi", "lang": "en"}});
    match content(value.clone()) {
        MessageContent::Text { msg, extra } => {
            assert_eq!(msg, "hi");
            assert_eq!(extra.keys().collect::<Vec<_>>(), ["lang"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(serde_json::to_value(content(value.clone())).unwrap(), value);
}

#[test]
fn what_is_not_a_listed_variant_is_other_kept_whole() {
    for value in [
        json!({"type": "hologram", "body": {"msg": "hi"}}),
        json!({"type": "txt"}),
        json!({"type": "txt", "body": {}}),
        json!({"type": "txt", "body": {"msg": 7}}),
        json!({"type": "txt", "body": "hi"}),
        json!({"type": 1, "body": {"msg": "hi"}}),
        json!({"body": {"msg": "hi"}}),
        json!("txt"),
        json!(null),
    ] {
        match content(value.clone()) {
            MessageContent::Other(kept) => assert_eq!(kept, value),
            decoded => panic!("{value} decoded as {decoded:?}"),
        }
        assert_eq!(serde_json::to_value(content(value.clone())).unwrap(), value);
    }
}

#[test]
fn malformed_json_is_an_error() {
    let error = serde_json::from_str::<MessageContent>(r#"{"type": "txt", "body": {"#);
    assert!(error.unwrap_err().is_eof());
}

#[test]
fn a_callback_body_takes_its_tag_from_beside_its_members() {
    let value = json!({"type": "txt", "msg": "hi", "lang": "en"});
    match body(value.clone()) {
        MessageBody::Txt { msg, extra, .. } => {
            assert_eq!(msg, "hi");
            // The tag is the variant, not an unknown member.
            assert_eq!(extra.keys().collect::<Vec<_>>(), ["lang"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(serde_json::to_value(body(value.clone())).unwrap(), value);
    for value in [
        json!({"type": "hologram", "msg": "hi"}),
        json!({"type": "txt", "msg": ["hi"]}),
        json!({"msg": "hi"}),
        json!([1, 2]),
    ] {
        match body(value.clone()) {
            MessageBody::Other(kept) => assert_eq!(kept, value),
            decoded => panic!("{value} decoded as {decoded:?}"),
        }
    }
}
