//! Property tests: whatever bytes a server sends, every response decoder
//! returns a value or a typed error, and never panics.
//!
//! The decoders are `RawResponse::decode::<T>` for the payload type `T` of
//! every generated operation (listed by the generated
//! `every_response_type!`, so new operations are covered without edits here),
//! and the error-body decoder behind `ApiError`.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::response::RawResponse;
use super::{ApiError, Error};

/// Decodes `body` as every response type: each must give a value or a
/// decode error whose message can be formatted.
fn decode_all(body: &[u8]) {
    crate::generated::every_response_type!(check_decode(body));
}

fn check_decode<T: serde::de::DeserializeOwned>(body: &[u8]) {
    let raw = RawResponse {
        operation: "any",
        status: StatusCode::OK,
        body: body.to_vec().into(),
        stream: None,
    };
    match raw.decode::<T>() {
        Ok(_) => {}
        Err(Error::Decode(error)) => {
            let _ = (error.to_string(), error.snippet().len(), error.path().len());
        }
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

/// Field names the generated types and the envelope use, so that random
/// objects reach past the first missing field.
const KEYS: &[&str] = &[
    "data",
    "id",
    "name",
    "owner",
    "result",
    "success",
    "announcement",
    "description",
    "maxusers",
    "affiliations",
    "affiliations_count",
    "members",
    "count",
    "cursor",
    "entities",
    "timestamp",
    "duration",
    "action",
    "params",
    "user",
    "admin",
    "groupname",
    "created",
    "membersonly",
    "allowinvites",
    "custom",
    "mute",
    "scale",
    "public",
    "disabled",
    "reason",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(KEYS).prop_map(|key| Value::String(key.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(
                prop_oneof![prop::sample::select(KEYS).prop_map(str::to_owned), ".{0,6}"],
                inner,
                0..6,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A response-shaped object: random `data` plus random envelope fields.
fn envelope() -> impl Strategy<Value = Value> {
    (
        json_value(),
        btree_map(prop::sample::select(KEYS), json_value(), 0..4),
    )
        .prop_map(|(data, fields)| {
            let mut object: serde_json::Map<String, Value> = fields
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect();
            object.insert("data".to_owned(), data);
            Value::Object(object)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(body in vec(any::<u8>(), 0..256)) {
        decode_all(&body);
    }

    #[test]
    fn random_json_never_panics(value in json_value()) {
        decode_all(value.to_string().as_bytes());
    }

    #[test]
    fn random_envelopes_never_panic(value in envelope()) {
        decode_all(value.to_string().as_bytes());
        decode_all(serde_json::to_string_pretty(&value).unwrap().as_bytes());
    }

    #[test]
    fn damaged_envelopes_never_panic(value in envelope(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let text = value.to_string().into_bytes();
        let at = cut.index(text.len());
        decode_all(&text[..at]);
        let mut flipped = text.clone();
        flipped[at] = byte;
        decode_all(&flipped);
    }

    #[test]
    fn error_bodies_never_panic(
        status in 400u16..600,
        body in prop_oneof![
            vec(any::<u8>(), 0..256),
            json_value().prop_map(|value| value.to_string().into_bytes()),
        ],
        retry_after in "[ -~]{0,40}",
        request_id in "[ -~]{0,300}",
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in [("retry-after", &retry_after), ("x-request-id", &request_id)] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        let status = StatusCode::from_u16(status).unwrap();
        let error = ApiError::from_response("any", status, &headers, &body);
        let _ = (error.to_string(), format!("{error:?}"), error.code(), error.retry_after());
        prop_assert_eq!(error.status(), status);
    }
}
