//! Property tests: whatever a server sends, every response decoder returns
//! a value or a typed error, never panics, and a well-formed body with a
//! wrong field is a decode error that names the field.
//!
//! The decoders are `RawResponse::decode::<T>` (the envelope and its
//! payload) for the payload type `T` of every generated operation, paged
//! ones included (visited by the generated `every_response_type`, so new
//! operations are covered without edits here), and the error-body decoder
//! behind `ApiError`. Each property runs 10 000 inputs: mostly valid
//! bodies with one mutation, also random JSON and random bytes.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use serde_path_to_error::Segment;

use super::fuzz::{self, Mutation, Valid, json_value, mutation, random_bytes};
use super::response::RawResponse;
use super::{ApiError, Error, Payload};

/// What one property case sends as the body.
#[derive(Debug, Clone)]
enum Input {
    /// Each type's own valid body, mutated.
    Mutated(Mutation),
    /// The same bytes for every type.
    Bytes(Vec<u8>),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => mutation().prop_map(Input::Mutated),
        1 => json_value().prop_map(|value| Input::Bytes(value.to_string().into_bytes())),
        1 => random_bytes().prop_map(Input::Bytes),
    ]
}

/// The response types are split into this many parts, each its own
/// property, so that the parts run on separate test threads.
const PARTS: usize = 2;

/// Sends `input` to the decoder of every response type in `part`.
fn decode_part(input: &Input, part: usize) -> Result<(), TestCaseError> {
    struct Check<'a> {
        input: &'a Input,
        part: usize,
        index: usize,
        outcome: Result<(), TestCaseError>,
    }
    impl ResponseTypes for Check<'_> {
        fn visit_from<T: DeserializeOwned + Serialize + 'static>(&mut self, start: fn() -> Value) {
            if self.index % PARTS == self.part && self.outcome.is_ok() {
                self.outcome = check_one::<T>(self.input, Shape::Data, start);
            }
            self.index += 1;
        }
    }
    let mut check = Check {
        input,
        part,
        index: 0,
        outcome: Ok(()),
    };
    crate::generated::every_response_type(&mut check);
    check.outcome
}

/// Something done with each payload type, by
/// `crate::generated::every_response_type`.
pub(crate) trait ResponseTypes {
    /// Visits `T`, whose sample payload is built from `start` (see
    /// [`sample`]): a JSON value of `T`'s shape, not necessarily valid.
    fn visit_from<T: DeserializeOwned + Serialize + 'static>(&mut self, start: fn() -> Value);

    /// Visits `T`, whose sample payload is built from its default.
    fn visit<T: DeserializeOwned + Serialize + Default + 'static>(&mut self) {
        self.visit_from::<T>(default_of::<T>);
    }
}

fn default_of<T: Serialize + Default>() -> Value {
    serde_json::to_value(T::default()).expect("a default serializes")
}

fn raw(body: Vec<u8>) -> RawResponse {
    RawResponse {
        operation: "any",
        status: StatusCode::OK,
        body: body.into(),
        stream: None,
    }
}

/// Decodes `input` as a response of `T` with its payload where `shape`
/// puts it: a value, or a decode error whose path names what a mutation
/// broke.
fn check_one<T: DeserializeOwned + Serialize + 'static>(
    input: &Input,
    shape: Shape,
    start: fn() -> Value,
) -> Result<(), TestCaseError> {
    let payload = shape.payload();
    let (bytes, spot) = match input {
        Input::Mutated(mutation) => {
            let mutated = mutation.apply(&valid_body::<T>(shape, start));
            let spot = mutated.well_formed.then_some(mutated.spot);
            (mutated.bytes, spot)
        }
        Input::Bytes(bytes) => (bytes.clone(), None),
    };
    let error = match raw(bytes).decode_payload::<T>(payload) {
        Ok(_) => return Ok(()),
        Err(Error::Decode(error)) => error,
        Err(other) => {
            return Err(TestCaseError::fail(format!(
                "unexpected error kind {other:?}"
            )));
        }
    };
    let shown = error.to_string();
    prop_assert!(shown.contains(error.path()), "{}", shown);
    // A well-formed body fails for a field: the error names where.
    if let Some(spot) = spot {
        prop_assert!(
            spot.is_named_by(error.path()),
            "{} at {:?}: the mutation at `{}` was reported at `{}`: {}",
            std::any::type_name::<T>(),
            payload,
            spot,
            error.path(),
            error
        );
    }
    Ok(())
}

/// How a body carries the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    /// Under `data`, with every envelope field around it.
    Envelope,
    /// Under `data`, with two envelope fields: enough for the payload
    /// types, whose envelope is the same decoder throughout.
    Data,
    /// Under `entities`, with a `data` that is kept in `extra`.
    Entities,
    /// The whole body.
    Root,
}

impl Shape {
    fn payload(self) -> Payload {
        match self {
            Shape::Envelope | Shape::Data => Payload::Data,
            Shape::Entities => Payload::Key("entities"),
            Shape::Root => Payload::Root,
        }
    }

    fn body(self, sample: Value) -> Value {
        match self {
            Shape::Envelope => json!({
                "action": "get",
                "application": "8be024f0-e978-11e8-b697-5d598d5f8402",
                "applicationName": "app",
                "organization": "org",
                "uri": "https://a41.chat.agora.io/org/app/x",
                "path": "/x",
                "entities": [],
                "timestamp": 1_700_000_000_000_i64,
                "duration": 3,
                "count": "1",
                "cursor": "c1",
                "params": {"limit": ["10"]},
                "data": sample,
            }),
            Shape::Data => json!({"action": "get", "data": sample, "count": 1}),
            Shape::Entities => json!({"action": "get", "data": {"kept": true}, "entities": sample}),
            Shape::Root => sample,
        }
    }
}

/// Valid bodies by payload type and shape.
type Bodies = Mutex<HashMap<(TypeId, Shape), Arc<Valid>>>;

/// The valid body of `T`'s responses in `shape` that mutations start from,
/// computed once per type and shape (from `start`, see [`sample`]).
fn valid_body<T: DeserializeOwned + 'static>(shape: Shape, start: fn() -> Value) -> Arc<Valid> {
    static BODIES: OnceLock<Bodies> = OnceLock::new();
    let mut bodies = BODIES.get_or_init(Mutex::default).lock().unwrap();
    let body = bodies
        .entry((TypeId::of::<T>(), shape))
        .or_insert_with(|| Arc::new(Valid::new(shape.body(sample::<T>(start())))));
    Arc::clone(body)
}

/// A valid payload for `T` that holds something: `start` (its default, or
/// an empty object for a struct without one), with every list and map
/// given one entry, fixed up until it decodes.
fn sample<T: DeserializeOwned>(start: Value) -> Value {
    let mut sample = populate(start.clone());
    for _ in 0..64 {
        let Err(error) = serde_path_to_error::deserialize::<_, T>(&sample) else {
            return sample;
        };
        let at: Vec<Segment> = error.path().iter().cloned().collect();
        if !fix(&mut sample, &at, &error.inner().to_string()) {
            break;
        }
    }
    start
}

/// `value` with every empty list given one (empty object) item and every
/// empty object one member, for `fix` to shape into what the type wants.
fn populate(value: Value) -> Value {
    match value {
        Value::Array(items) if items.is_empty() => json!([{}]),
        Value::Array(items) => Value::Array(items.into_iter().map(populate).collect()),
        Value::Object(members) if members.is_empty() => json!({"key": {}}),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(key, member)| (key, populate(member)))
                .collect(),
        ),
        other => other,
    }
}

/// Fixes the problem serde reported at `at`; false if it cannot.
fn fix(sample: &mut Value, at: &[Segment], message: &str) -> bool {
    let Some(node) = at.iter().try_fold(sample, |node, segment| match segment {
        Segment::Seq { index } => node.get_mut(*index),
        Segment::Map { key } => node.get_mut(key.as_str()),
        _ => None,
    }) else {
        return false;
    };
    if let Some(field) = between(message, "missing field `", "`") {
        // Its type shows in the next round's error.
        return node
            .as_object_mut()
            .and_then(|members| members.insert(field.to_owned(), json!({})))
            .is_none();
    }
    if let Some(variant) =
        between(message, "expected one of `", "`").or_else(|| between(message, "expected `", "`"))
    {
        *node = json!(variant);
        return true;
    }
    let Some(expected) = message.split(", expected ").nth(1) else {
        return false;
    };
    let value = match expected {
        _ if expected.contains("string") || expected.contains("untagged enum") => json!(""),
        _ if expected.contains("bool") => json!(false),
        _ if expected.contains("sequence") => json!([{}]),
        _ if expected.contains("map") || expected.starts_with("struct") => json!({}),
        _ if [
            "integer", "i64", "u64", "i32", "u32", "u16", "u8", "f64", "f32",
        ]
        .iter()
        .any(|number| expected.contains(number)) =>
        {
            json!(0)
        }
        _ => return false,
    };
    if *node == value {
        return false;
    }
    *node = value;
    true
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The samples the mutations start from: each decodes, and every list in
/// them holds an item, so the mutations reach into the items.
#[test]
fn every_sample_is_a_valid_body_with_its_items() {
    /// The types whose sample has an empty list.
    struct Unfilled(Vec<&'static str>);
    impl ResponseTypes for Unfilled {
        fn visit_from<T: DeserializeOwned + Serialize + 'static>(&mut self, start: fn() -> Value) {
            let sample = sample::<T>(start());
            let body = serde_json::to_vec(&Shape::Envelope.body(sample.clone())).unwrap();
            if let Err(error) = raw(body).decode::<T>() {
                panic!("{}: {error}", std::any::type_name::<T>());
            }
            let has_empty_list = |value: &Value| value.to_string().contains("[]");
            if has_empty_list(&sample) {
                self.0.push(std::any::type_name::<T>());
            }
        }
    }
    let mut unfilled = Unfilled(Vec::new());
    crate::generated::every_response_type(&mut unfilled);
    let unfilled = unfilled.0;
    assert!(
        unfilled.is_empty(),
        "samples with an empty list: {unfilled:?}"
    );
}

/// `Retry-After` values of each kind: seconds, dates, nonsense.
const RETRY_AFTERS: &[&str] = &[
    "",
    "0",
    "7",
    " 12 ",
    "-5",
    "1e3",
    "soon",
    "99999999999999999999999",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "Wed, 21 Oct 2099 07:28:00 GMT",
];

proptest! {
    #![proptest_config(fuzz::config())]

    #[test]
    fn response_types_part_1_decode_or_name_the_problem(input in input()) {
        decode_part(&input, 0)?;
    }

    #[test]
    fn response_types_part_2_decode_or_name_the_problem(input in input()) {
        decode_part(&input, 1)?;
    }

    /// Every envelope field, and the payload under another key or as the
    /// whole body (a few operations), for payload types of each kind.
    #[test]
    fn envelopes_and_payloads_elsewhere_decode_or_name_the_problem(input in input()) {
        for shape in [Shape::Envelope, Shape::Entities, Shape::Root] {
            check_one::<Value>(&input, shape, default_of::<Value>)?;
            check_one::<i64>(&input, shape, default_of::<i64>)?;
            check_one::<Vec<crate::users::UserEntity>>(
                &input,
                shape,
                default_of::<Vec<crate::users::UserEntity>>,
            )?;
            check_one::<Vec<crate::chatrooms::ListChatroomsItem>>(
                &input,
                shape,
                default_of::<Vec<crate::chatrooms::ListChatroomsItem>>,
            )?;
            check_one::<crate::chatrooms::CreateChatroomData>(
                &input,
                shape,
                default_of::<crate::chatrooms::CreateChatroomData>,
            )?;
        }
    }

    #[test]
    fn error_bodies_never_panic(
        status in 400u16..600,
        body in prop_oneof![
            3 => mutation().prop_map(|mutation| mutation.apply(&Valid::new(json!({
                "error": "illegal_argument",
                "exception": "java.lang.IllegalArgumentException",
                "error_description": "bad name",
                "timestamp": 1,
                "duration": 0,
            }))).bytes),
            1 => random_bytes(),
            1 => json_value().prop_map(|value| value.to_string().into_bytes()),
        ],
        retry_after in prop::sample::select(RETRY_AFTERS),
        request_id in prop_oneof![
            prop::sample::select(&["", "req-42", " id ", "x\ty"][..]).prop_map(str::to_owned),
            Just("r".repeat(300)),
        ],
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in [("retry-after", retry_after), ("x-request-id", request_id.as_str())] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        let status = StatusCode::from_u16(status).unwrap();
        let error = ApiError::from_response("any", status, &headers, &body);
        let _ = (format!("{error:?}"), error.code(), error.retry_after());
        prop_assert_eq!(error.status(), status);
        prop_assert!(error.to_string().contains(status.as_str()));
        // What is not an error body is kept as a short excerpt.
        match (error.body(), error.raw_body()) {
            (Some(_), None) => {}
            (None, Some(raw)) => prop_assert!(raw.chars().count() <= 512),
            (None, None) => prop_assert!(body.is_empty()),
            (Some(_), Some(_)) => prop_assert!(false, "both a parsed body and an excerpt"),
        }
    }
}
