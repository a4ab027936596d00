//! Decoding a response body into the envelope (`Response<T>`, generated
//! from the spec).

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

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

impl RawResponse {
    /// Decodes the body into `Response<T>`, reporting the JSON path of the
    /// first mismatch.
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<Response<T>, Error> {
        // Tracking the JSON path slows every decode down, so only a body
        // that fails to decode is decoded a second time to locate the
        // problem.
        serde_json::from_slice(&self.body).map_err(|error| {
            self.locate::<Response<T>>()
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
                    self.locate::<T>()
                        .unwrap_or_else(|| self.decode_error(".".to_owned(), &error))
                })?;
                Ok(Response::with_data(data))
            }
        }
    }

    /// The payload is under `key`: it moves to `data` for decoding, and a
    /// `data` value the body also carries is kept in `extra`. Only a few
    /// operations need this, so going through a JSON map is acceptable.
    fn decode_key<T: DeserializeOwned>(&self, key: &'static str) -> Result<Response<T>, Error> {
        let mut map: Map<String, Value> = serde_json::from_slice(&self.body)
            .map_err(|error| self.decode_error(".".to_owned(), &error))?;
        let original_data = map.remove("data");
        if let Some(payload) = map.remove(key) {
            map.insert("data".to_owned(), payload);
        }
        let value = Value::Object(map);
        let mut response: Response<T> =
            serde_path_to_error::deserialize(&value).map_err(|error| {
                // Report the path as it is on the wire.
                let path = error.path().to_string();
                let path = match path.strip_prefix("data") {
                    Some(rest) => format!("{key}{rest}"),
                    None => path,
                };
                self.decode_error(path, &error.into_inner())
            })?;
        if let Some(data) = original_data {
            response.extra.insert("data", data);
        }
        Ok(response)
    }

    /// The error of decoding the body as `R`, with the JSON path where it
    /// happened; `None` if it decodes after all.
    fn locate<R: DeserializeOwned>(&self) -> Option<Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        if let Err(error) = serde_path_to_error::deserialize::<_, R>(&mut deserializer) {
            let path = error.path().to_string();
            return Some(self.decode_error(path, &error.into_inner()));
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
