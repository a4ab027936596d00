//! Decoding a response body into the envelope (`Response<T>`, generated
//! from the spec).

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::rekey::{MOVED_DATA, Rekeyed};
use super::{DecodeError, Error, Payload};
use crate::Response;

/// A 2xx response whose body has not been decoded yet. Keeping this step
/// non-generic means the HTTP code is compiled once, not once per `T`.
pub(crate) struct RawResponse {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    /// The body as received (cheap to clone, never copied); empty when the
    /// body is streamed.
    pub(crate) body: bytes::Bytes,
    /// The unread response of a download.
    pub(crate) stream: Option<reqwest::Response>,
}

/// A body read for its payload alone: serde skips every other member
/// without decoding it, and a missing `data` is `None` for an `Option`.
#[derive(Deserialize)]
struct DataOnly<T> {
    data: T,
}

impl RawResponse {
    /// Decodes the body into `Response<T>`, reporting the JSON path of the
    /// first mismatch.
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<Response<T>, Error> {
        // Tracking the JSON path slows every decode down, so only a body
        // that fails to decode is decoded a second time to locate the
        // problem.
        serde_json::from_slice(&self.body).map_err(|error| {
            self.locate::<Response<T>>(None)
                .unwrap_or_else(|| self.decode_error(".".to_owned(), &error))
        })
    }

    /// Decodes the body into `Response<T>` with the payload taken from where
    /// the operation's responses carry it.
    pub(crate) fn decode_payload<T: DeserializeOwned>(
        &self,
        payload: Payload,
    ) -> Result<Response<T>, Error> {
        match payload {
            Payload::Data | Payload::Stream => self.decode(),
            Payload::Key(key) => self.decode_key(key),
            Payload::Root => {
                let data = serde_json::from_slice::<T>(&self.body).map_err(|error| {
                    self.locate::<T>(None)
                        .unwrap_or_else(|| self.decode_error(".".to_owned(), &error))
                })?;
                Ok(Response::with_data(data))
            }
        }
    }

    /// Only the payload, for `.await`: the envelope members are skipped
    /// without being decoded (`with_envelope` decodes them), which saves
    /// their strings on every call. A body that fails to decode this way is
    /// decoded again as the whole response, whose error names the JSON path
    /// (and which decides, should it succeed after all).
    pub(crate) fn decode_data<T: DeserializeOwned>(&self, payload: Payload) -> Result<T, Error> {
        let only_data = match payload {
            Payload::Data | Payload::Stream => {
                serde_json::from_slice::<DataOnly<T>>(&self.body).map(|only| only.data)
            }
            Payload::Key(key) => {
                let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
                DataOnly::<T>::deserialize(Rekeyed::new(&mut deserializer, key))
                    .and_then(|only| deserializer.end().map(|()| only.data))
            }
            // The whole body is the payload: nothing to skip.
            Payload::Root => return self.decode_payload::<T>(payload).map(|r| r.data),
        };
        only_data.or_else(|_| {
            self.decode_payload::<T>(payload)
                .map(|response| response.data)
        })
    }

    /// The payload is under `key`: it is decoded straight from the bytes
    /// into `data` (see [`Rekeyed`]), and a `data` value the body also
    /// carries is kept in `extra` under its own name.
    fn decode_key<T: DeserializeOwned>(&self, key: &'static str) -> Result<Response<T>, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded = Response::<T>::deserialize(Rekeyed::new(&mut deserializer, key))
            .and_then(|response| deserializer.end().map(|()| response));
        let mut response = decoded.map_err(|error| {
            let error = self
                .locate::<Response<T>>(Some(key))
                .unwrap_or_else(|| self.decode_error(".".to_owned(), &error));
            match error {
                // serde knows the payload by the name it reads as.
                Error::Decode(error) => Error::Decode(error.renaming_field("data", key)),
                other => other,
            }
        })?;
        if let Some(data) = response.extra.remove(MOVED_DATA) {
            response.extra.insert("data", data);
        }
        Ok(response)
    }

    /// The error of decoding the body as `R` (with the payload read from
    /// `key`, if given), with the JSON path where it happened; `None` if it
    /// decodes after all.
    fn locate<R: DeserializeOwned>(&self, key: Option<&'static str>) -> Option<Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let mut track = serde_path_to_error::Track::new();
        let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
        let decoded = match key {
            Some(key) => R::deserialize(Rekeyed::new(tracked, key)).map(drop),
            None => R::deserialize(tracked).map(drop),
        };
        if let Err(error) = decoded {
            let path = track.path().to_string();
            return Some(self.decode_error(path, &error));
        }
        // Trailing bytes after the JSON value mean the body is not what we
        // think it is; `serde_json::from_slice` rejects them too.
        let error = deserializer.end().err()?;
        Some(self.decode_error(".".to_owned(), &error))
    }

    fn decode_error(&self, path: String, error: &serde_json::Error) -> Error {
        Error::Decode(DecodeError::new(
            self.operation,
            self.status,
            path,
            error,
            &self.body,
        ))
    }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;
    use serde::Deserialize;

    use super::RawResponse;
    use crate::Error;
    use crate::Response;
    use crate::runtime::Payload;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
    }

    fn raw(body: &str) -> RawResponse {
        RawResponse {
            operation: "items.get",
            status: StatusCode::OK,
            body: body.as_bytes().to_vec().into(),
            stream: None,
        }
    }

    fn decode_err<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        body: &str,
    ) -> crate::DecodeError {
        match raw(body).decode::<T>() {
            Err(Error::Decode(err)) => err,
            other => panic!("expected a decode error for {body:?}, got {other:?}"),
        }
    }

    #[test]
    fn decodes_envelope_and_keeps_unknown_fields() {
        let body = r#"{"action":"get","applicationName":"app","data":{"id":7},
            "count":"2","timestamp":1700000000000,"duration":3,"cursor":"c1","x-new":[1]}"#;
        let response = raw(body).decode::<Item>().expect("decodes");
        assert_eq!(response.data, Item { id: 7 });
        assert_eq!(response.action.as_deref(), Some("get"));
        assert_eq!(response.application_name.as_deref(), Some("app"));
        assert_eq!(response.count, Some(2));
        assert_eq!(response.timestamp, Some(1_700_000_000_000));
        assert_eq!(response.cursor.as_deref(), Some("c1"));
        assert_eq!(response.extra.len(), 1);
        assert_eq!(response.extra.get("x-new"), Some(&serde_json::json!([1])));
    }

    #[test]
    fn count_accepts_numbers_strings_and_null() {
        let count = |json: &str| raw(json).decode::<u8>().map(|r| r.count).ok().flatten();
        assert_eq!(count(r#"{"data":0,"count":3}"#), Some(3));
        assert_eq!(count(r#"{"data":0,"count":" 4 "}"#), Some(4));
        assert_eq!(count(r#"{"data":0,"count":null}"#), None);
        assert_eq!(count(r#"{"data":0}"#), None);
        let err = decode_err::<u8>(r#"{"data":0,"count":"two"}"#);
        assert_eq!(err.path(), "count");
    }

    #[test]
    fn missing_data_is_an_error_unless_optional() {
        let err = decode_err::<Item>(r#"{"action":"get"}"#);
        assert!(err.message().contains("missing field `data`"), "{err}");
        let response = raw(r#"{"action":"get"}"#).decode::<Option<Item>>().unwrap();
        assert_eq!(response.data, None);
    }

    #[test]
    fn reports_the_json_path_and_snippet() {
        let err = decode_err::<Item>(r#"{"action":"get","data":{"id":"seven"}}"#);
        assert_eq!(err.path(), "data.id");
        assert!(err.snippet().contains("\"seven\""), "{}", err.snippet());
        assert_eq!(err.operation(), "items.get");
        assert_eq!(err.status(), StatusCode::OK);

        let nested = decode_err::<Vec<Item>>(r#"{"data":[{"id":1},{"id":-1}]}"#);
        assert_eq!(nested.path(), "data[1].id");
    }

    #[test]
    fn rejects_truncated_empty_and_trailing_bodies() {
        let truncated = decode_err::<Item>(r#"{"data":{"id":1"#);
        assert!(truncated.message().contains("EOF"), "{truncated}");
        assert!(
            truncated.snippet().contains(r#"{"id":1"#),
            "{}",
            truncated.snippet()
        );

        let empty = decode_err::<Item>("");
        assert_eq!(empty.path(), ".");
        assert!(empty.message().contains("EOF"), "{empty}");

        let trailing = decode_err::<Item>(r#"{"data":{"id":1}} x"#);
        assert!(trailing.message().contains("trailing"), "{trailing}");
    }

    fn decode_key_err<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        body: &str,
        key: &'static str,
    ) -> crate::DecodeError {
        match raw(body).decode_payload::<T>(Payload::Key(key)) {
            Err(Error::Decode(err)) => err,
            other => panic!("expected a decode error for {body:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_payload_under_another_key_decodes_and_keeps_the_rest() {
        let body = r#"{"action":"post","entities":[{"id":1},{"id":2}],"data":{"x":1},
            "count":2,"x-new":"kept","path":"/users"}"#;
        let response = raw(body)
            .decode_payload::<Vec<Item>>(Payload::Key("entities"))
            .expect("decodes");
        assert_eq!(response.data, [Item { id: 1 }, Item { id: 2 }]);
        assert_eq!(response.action.as_deref(), Some("post"));
        assert_eq!(response.count, Some(2));
        assert_eq!(response.path.as_deref(), Some("/users"));
        // The payload is not also an envelope field.
        assert_eq!(response.entities, None);
        let extra: Vec<(&str, &serde_json::Value)> = response
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        assert_eq!(
            extra,
            [
                ("x-new", &serde_json::json!("kept")),
                ("data", &serde_json::json!({"x": 1})),
            ]
        );

        let result = raw(r#"{"result":{"id":9},"timestamp":"5"}"#)
            .decode_payload::<Item>(Payload::Key("result"))
            .expect("decodes");
        assert_eq!((result.data, result.timestamp), (Item { id: 9 }, Some(5)));
        assert!(result.extra.is_empty());
    }

    #[test]
    fn a_payload_under_another_key_reports_the_wire_path() {
        let err = decode_key_err::<Vec<Item>>(
            r#"{"data":1,"entities":[{"id":1},{"id":"x"}]}"#,
            "entities",
        );
        assert_eq!(err.path(), "entities[1].id");
        assert!(err.snippet().contains("\"x\""), "{}", err.snippet());
        // An envelope field is named as it is, too.
        let err = decode_key_err::<Item>(r#"{"result":{"id":1},"count":"many"}"#, "result");
        assert_eq!(err.path(), "count");
        let trailing = decode_key_err::<Item>(r#"{"result":{"id":1}} {}"#, "result");
        assert!(trailing.message().contains("trailing"), "{trailing}");
        let not_an_object = decode_key_err::<Item>("[1]", "result");
        assert_eq!(not_an_object.path(), ".");
    }

    #[test]
    fn a_missing_payload_is_named_by_its_key_unless_optional() {
        let err = decode_key_err::<Item>(r#"{"data":{"id":1}}"#, "entities");
        assert!(err.message().contains("missing field `entities`"), "{err}");
        let response = raw(r#"{"data":{"id":1}}"#)
            .decode_payload::<Option<Item>>(Payload::Key("entities"))
            .unwrap();
        assert_eq!(response.data, None);
        assert_eq!(
            response.extra.get("data"),
            Some(&serde_json::json!({"id": 1}))
        );
    }

    #[test]
    fn a_root_payload_reports_its_path() {
        let response = raw(r#"{"id":3}"#)
            .decode_payload::<Item>(Payload::Root)
            .unwrap();
        assert_eq!(response.data, Item { id: 3 });
        let err = match raw(r#"{"id":true}"#).decode_payload::<Item>(Payload::Root) {
            Err(Error::Decode(err)) => err,
            other => panic!("expected a decode error, got {other:?}"),
        };
        assert_eq!(err.path(), "id");
    }

    #[test]
    fn serializes_without_absent_fields() {
        let response = raw(r#"{"data":{"id":1},"count":"2","zz":true}"#)
            .decode::<serde_json::Value>()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            serde_json::json!({"data": {"id": 1}, "count": 2, "zz": true})
        );
        let _: Response<serde_json::Value> =
            serde_json::from_value(serde_json::json!({"data": null})).unwrap();
    }
}
