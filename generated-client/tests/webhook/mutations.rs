//! Verification never panics: 12,000 doc examples, mutated byte by byte or
//! member by member, are each refused with an error or accepted with a
//! signature that really matches; an accepted one reads as a typed event
//! of either delivery without panicking, and what is not typed keeps the
//! whole body.

use agora_chat::webhook::{Delivery, Envelope, Event, Verifier, VerifyError, sign};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{SECRET, examples, signed_with};

/// One change to a body's bytes.
#[derive(Debug, Clone)]
enum ByteEdit {
    Flip { at: usize, bits: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize },
    Truncate { at: usize },
    Duplicate { at: usize, len: usize },
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, bits)| ByteEdit::Flip { at, bits }),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]\",:\\0-eE.9 \x00\xff".to_vec())
        )
            .prop_map(|(at, byte)| ByteEdit::Insert { at, byte }),
        any::<usize>().prop_map(|at| ByteEdit::Delete { at }),
        any::<usize>().prop_map(|at| ByteEdit::Truncate { at }),
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| ByteEdit::Duplicate { at, len }),
    ]
}

fn apply(body: &mut Vec<u8>, edit: &ByteEdit) {
    if body.is_empty() {
        return;
    }
    match *edit {
        ByteEdit::Flip { at, bits } => {
            let i = at % body.len();
            body[i] ^= bits;
        }
        ByteEdit::Insert { at, byte } => body.insert(at % (body.len() + 1), byte),
        ByteEdit::Delete { at } => {
            body.remove(at % body.len());
        }
        ByteEdit::Truncate { at } => body.truncate(at % body.len()),
        ByteEdit::Duplicate { at, len } => {
            let start = at % body.len();
            let end = (start + len).min(body.len());
            let copy = body[start..end].to_vec();
            body.splice(start..start, copy);
        }
    }
}

/// What an accepted body must satisfy: its signature is the real one, and
/// its typed event of either delivery keeps the whole body where it is not
/// typed.
fn check(result: Result<Envelope, VerifyError>) -> Result<(), TestCaseError> {
    if let Ok(envelope) = &result {
        for delivery in [Delivery::Pre, Delivery::Post] {
            match envelope.event(delivery) {
                Event::Unknown(kept) => prop_assert_eq!(&kept, envelope),
                Event::Undecoded(undecoded) => {
                    prop_assert_eq!(undecoded.envelope(), envelope);
                    prop_assert!(!undecoded.problem().is_empty());
                }
                event => prop_assert!(event.family().is_some()),
            }
        }
    }
    if let Ok(envelope) = result {
        let text = match envelope.member("timestamp") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => return Err(TestCaseError::fail("accepted without a timestamp")),
        };
        let expected = sign(envelope.call_id(), SECRET, &text);
        prop_assert!(expected.eq_ignore_ascii_case(envelope.security()));
    }
    Ok(())
}

/// A JSON value of any shape, up to a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        "[0-9]{0,22}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a body's members, made before or after signing.
#[derive(Debug, Clone)]
enum MemberEdit {
    Set { member: &'static str, value: Value },
    Remove { member: &'static str },
}

fn member_edit() -> impl Strategy<Value = MemberEdit> {
    let member = prop::sample::select(vec![
        "callId",
        "security",
        "timestamp",
        "eventType",
        "chat_type",
        "payload",
        "from",
    ]);
    prop_oneof![
        (member.clone(), any_json()).prop_map(|(member, value)| MemberEdit::Set { member, value }),
        member.prop_map(|member| MemberEdit::Remove { member }),
    ]
}

fn edit_members(body: &mut Value, edits: &[MemberEdit]) {
    let Some(object) = body.as_object_mut() else {
        return;
    };
    for edit in edits {
        match edit {
            MemberEdit::Set { member, value } => {
                object.insert((*member).to_string(), value.clone());
            }
            MemberEdit::Remove { member } => {
                object.remove(*member);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_bytes_never_panic(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec(byte_edit(), 1..6),
        limit in prop::option::of(0..4096usize),
    ) {
        let all = examples();
        let example = &all[index.index(all.len())];
        let mut body = example.body.clone();
        for edit in &edits {
            apply(&mut body, edit);
        }
        let mut verifier = Verifier::new(SECRET);
        if let Some(limit) = limit {
            verifier = verifier.max_body_bytes(limit);
        }
        let result = verifier.verify(&body);
        if body == example.body && limit.is_none_or(|l| body.len() <= l) {
            prop_assert!(result.is_ok(), "an unchanged body was refused: {:?}", result);
            if let Ok(envelope) = &result {
                let event = envelope.event(example.delivery);
                prop_assert_eq!(event.family(), Some(example.family.as_str()), "{}", example.name);
            }
        }
        check(result)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_members_never_panic(
        index in any::<prop::sample::Index>(),
        before in prop::collection::vec(member_edit(), 0..3),
        after in prop::collection::vec(member_edit(), 0..3),
    ) {
        let all = examples();
        let mut value = all[index.index(all.len())].value.clone();
        // Edits made before signing keep a correct signature when the
        // signed members stay readable; edits after it usually break it.
        edit_members(&mut value, &before);
        let mut signed: Value = serde_json::from_slice(&signed_with(&value, SECRET)).unwrap_or_default();
        edit_members(&mut signed, &after);
        let body = serde_json::to_vec(&signed).unwrap_or_default();
        check(Verifier::new(SECRET).verify(&body))?;
    }
}
