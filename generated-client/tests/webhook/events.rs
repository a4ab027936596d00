//! The typed events beyond the generated cases: message bodies read as the
//! content sending takes, and what is not typed keeps the whole body.

use agora_chat::messages::MessageContent;
use agora_chat::webhook::{Delivery, Event, MessageBody, Verifier};
use serde_json::Value;

use crate::support::{SECRET, event_of, examples, signed_with};

/// The message event of the doc example `name`.
fn message(name: &str) -> agora_chat::webhook::Message {
    let ex = examples()
        .iter()
        .find(|e| e.name == format!("message {name}"))
        .unwrap_or_else(|| panic!("no example {name}"));
    match event_of(&ex.value.to_string(), Delivery::Post) {
        Event::Message(message) => message,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn text_and_image_bodies_read_as_message_content() {
    let text = message("txt_agora");
    match text.payload.bodies[0].content() {
        Some(MessageContent::Text { msg, .. }) => assert_eq!(msg, "rr"),
        other => panic!("{other:?}"),
    }
    let image = message("img_agora");
    match image.payload.bodies[0].content() {
        Some(MessageContent::Image {
            url, size, extra, ..
        }) => {
            assert_eq!(url, "https://a1.agora.com/");
            assert_eq!(
                size.map(|s| (s.width, s.height)),
                Some((Some(746), Some(1325)))
            );
            // What sending does not describe is kept.
            assert_eq!(extra.get("file_length"), Some(&Value::from(118179)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_location_with_numbers_is_not_the_sending_location() {
    // Sending takes the coordinates as strings; callbacks send numbers.
    let location = message("loc_agora");
    let body = &location.payload.bodies[0];
    assert!(matches!(body, MessageBody::Loc { .. }), "{body:?}");
    assert_eq!(body.content(), None);
}

#[test]
fn a_text_body_without_its_text_is_not_content() {
    let body: MessageBody =
        serde_json::from_value(serde_json::json!({"type": "txt", "subType": "x"}))
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(body, MessageBody::Other(_)), "{body:?}");
    assert_eq!(body.content(), None);
}

#[test]
fn unknown_families_operations_and_members_are_kept() {
    let verifier = Verifier::new(SECRET);
    let ex = examples()
        .iter()
        .find(|e| e.name == "muc create_easemob")
        .expect("a muc create example");

    let mut value = ex.value.clone();
    value["payload"]["operation"] = Value::from("teleport");
    let envelope = verifier
        .verify(&signed_with(&value, SECRET))
        .expect("verifies");
    match envelope.event(Delivery::Post) {
        Event::Muc(agora_chat::webhook::Muc::Other(kept)) => assert_eq!(kept, envelope),
        other => panic!("{other:?}"),
    }

    let mut value = ex.value.clone();
    value["chat_type"] = Value::from("hologram");
    let envelope = verifier
        .verify(&signed_with(&value, SECRET))
        .expect("verifies");
    assert_eq!(
        envelope.event(Delivery::Post),
        Event::Unknown(envelope.clone())
    );

    let mut value = ex.value.clone();
    value["novel"] = Value::from(1);
    value["payload"]["fresh"] = Value::from(true);
    let envelope = verifier
        .verify(&signed_with(&value, SECRET))
        .expect("verifies");
    let Event::Muc(agora_chat::webhook::Muc::Create(create)) = envelope.event(Delivery::Post)
    else {
        panic!("not a create");
    };
    assert_eq!(create.extra.get("novel"), Some(&Value::from(1)));
    assert_eq!(create.payload.extra.get("fresh"), Some(&Value::from(true)));
    // Envelope members stay in the envelope.
    assert!(!create.extra.contains_key("callId"));

    let mut value = ex.value.clone();
    value["payload"]["is_chatroom"] = Value::from("no");
    let envelope = verifier
        .verify(&signed_with(&value, SECRET))
        .expect("verifies");
    match envelope.event(Delivery::Post) {
        Event::Undecoded(undecoded) => {
            assert_eq!(
                (undecoded.family(), undecoded.operation()),
                ("muc", Some("create"))
            );
            assert!(
                undecoded.problem().starts_with("`payload.is_chatroom`"),
                "{}",
                undecoded.problem()
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn verify_event_gives_the_envelope_and_the_event() {
    let ex = examples()
        .iter()
        .find(|e| e.family == "user_status")
        .expect("a user status example");
    let (envelope, event) = Verifier::new(SECRET)
        .verify_event(&ex.body, Delivery::Post)
        .expect("verifies");
    assert_eq!(envelope.call_id(), ex.value["callId"]);
    assert_eq!(event.family(), Some("user_status"));
    assert_eq!(event.operation(), None);
}
