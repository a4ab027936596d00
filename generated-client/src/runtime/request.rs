//! Describing an operation and the request that generated code hands to the
//! client.

use super::upload::FormPart;
use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::Error;

/// Static facts about one API operation, emitted by the code generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Stable identifier of the operation, e.g. `users.create`; it names the
    /// operation in errors and tracing spans.
    pub id: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template relative to the app base URL, e.g. `/users/{username}`.
    pub path_template: &'static str,
    /// Whether repeating the request has the same effect as sending it once.
    pub idempotent: bool,
    /// The documented server-side rate limit, if any.
    pub rate_limit: Option<RateLimit>,
}

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method name as sent on the wire, e.g. `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A documented rate limit: at most `count` calls per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Number of calls allowed in one period.
    pub count: u32,
    /// Length of the period.
    pub per: RatePer,
}

/// The period of a [`RateLimit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RatePer {
    /// Per second.
    Second,
    /// Per minute.
    Minute,
}

/// Per-call settings that override the client's defaults.
///
/// ```
/// use std::time::Duration;
/// let options = agora_chat::RequestOptions::default().timeout(Duration::from_secs(5));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    // Private so that more options can be added without breaking callers.
    pub(crate) timeout: Option<Duration>,
    /// Extra headers for this call only.
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl RequestOptions {
    /// Time allowed for each HTTP exchange of this call (connecting, sending
    /// and reading the whole response) and for its wait for a token,
    /// instead of the client's [`timeout`](crate::ClientBuilder::timeout).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a header to this call only, e.g. a tracing or test header.
    ///
    /// Checked before anything is sent, failing the call with
    /// [`Error::Validation`](crate::Error::Validation) that names the
    /// header: the name must be a valid header name
    /// ([`InvalidHeaderName`](crate::ValidationErrorKind::InvalidHeaderName)),
    /// the value visible ASCII, spaces and tabs only, so no line break,
    /// control or non-ASCII character
    /// ([`InvalidHeaderValue`](crate::ValidationErrorKind::InvalidHeaderValue)),
    /// and the header not one the client sets itself: `authorization`,
    /// `content-length`, `content-type`, `host`, `transfer-encoding`, in any
    /// case ([`ClientOwnedHeader`](crate::ValidationErrorKind::ClientOwnedHeader)).
    ///
    /// ```
    /// let options = agora_chat::RequestOptions::default().header("x-request-source", "nightly-sync");
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// Everything the client needs to send one request; built by generated code.
pub(crate) struct RequestParts {
    /// The operation being called.
    pub op: &'static OperationInfo,
    /// Percent-encoded path relative to the base URL, starting with `/`.
    pub path: String,
    /// Query parameters, not yet encoded.
    pub query: Vec<(&'static str, String)>,
    /// Extra request headers; values are checked before sending.
    pub headers: Vec<(&'static str, String)>,
    /// The request body.
    pub body: Body,
    /// Per-call overrides.
    pub options: RequestOptions,
    /// Where the response's payload is, or that it is a file to stream.
    pub payload: Payload,
}

/// Where a response carries what the caller asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Payload {
    /// Under the top-level key `data`, as for most operations.
    Data,
    /// Under another top-level key, e.g. `entities` or `result`.
    Key(&'static str),
    /// The top-level object itself.
    Root,
    /// The body is a file, handed over unread as a [`crate::Download`].
    Stream,
}

/// A request body.
pub(crate) enum Body {
    /// No body and no `Content-Type`.
    Empty,
    /// Serialized JSON, sent with `Content-Type: application/json`.
    Json(Vec<u8>),
    /// `multipart/form-data` parts, sent with a generated boundary.
    Multipart(Vec<FormPart>),
    /// Encoded pairs, sent with `Content-Type:
    /// application/x-www-form-urlencoded`.
    Form(Vec<u8>),
}

impl Body {
    /// Serializes `value` as a JSON body.
    pub(crate) fn json<T: Serialize>(value: &T) -> Result<Body, Error> {
        serde_json::to_vec(value)
            .map(Body::Json)
            .map_err(Error::encode)
    }

    /// Encodes `value`, a struct of scalar fields, as form pairs in field
    /// order. Its `None` fields are already left out by serialization; a
    /// nested value cannot be a form value, and is an error rather than
    /// being flattened in some ad hoc way.
    pub(crate) fn form<T: Serialize>(value: &T) -> Result<Body, Error> {
        let not_a_form = |what: String| Error::encode(serde::ser::Error::custom(what));
        let Value::Object(fields) = serde_json::to_value(value).map_err(Error::encode)? else {
            return Err(not_a_form(
                "a form body must be an object of fields".to_owned(),
            ));
        };
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &fields {
            match value {
                Value::String(text) => form.append_pair(name, text),
                Value::Number(number) => form.append_pair(name, &number.to_string()),
                Value::Bool(flag) => form.append_pair(name, if *flag { "true" } else { "false" }),
                Value::Null => continue,
                Value::Array(_) | Value::Object(_) => {
                    return Err(not_a_form(format!(
                        "form field `{name}` holds a list or an object; a form value must be a string, number or boolean"
                    )));
                }
            };
        }
        Ok(Body::Form(form.finish().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::{Body, HttpMethod, RequestOptions};
    use crate::Error;

    #[test]
    fn method_names() {
        let names: Vec<_> = [
            HttpMethod::Get,
            HttpMethod::Post,
            HttpMethod::Put,
            HttpMethod::Delete,
        ]
        .into_iter()
        .map(|m| m.to_string())
        .collect();
        assert_eq!(names, ["GET", "POST", "PUT", "DELETE"]);
    }

    #[test]
    fn options_override_timeout() {
        assert_eq!(RequestOptions::default().timeout, None);
        let options = RequestOptions::default().timeout(Duration::from_millis(5));
        assert_eq!(options.timeout, Some(Duration::from_millis(5)));
    }

    #[test]
    fn json_body_serializes() {
        match Body::json(&serde_json::json!({"a": 1})) {
            Ok(Body::Json(bytes)) => assert_eq!(bytes, br#"{"a":1}"#),
            _ => panic!("expected a JSON body"),
        }
    }

    #[test]
    fn form_body_encodes_scalars_in_field_order() {
        #[derive(serde::Serialize)]
        struct Fields {
            nickname: &'static str,
            gender: i64,
            #[serde(skip_serializing_if = "Option::is_none")]
            mail: Option<&'static str>,
            vip: bool,
            avatarurl: &'static str,
        }
        let fields = Fields {
            nickname: "Ann B&C=1",
            gender: 2,
            mail: None,
            vip: true,
            avatarurl: "http://x.io/a é.png",
        };
        match Body::form(&fields) {
            Ok(Body::Form(bytes)) => assert_eq!(
                String::from_utf8(bytes).unwrap(),
                "nickname=Ann+B%26C%3D1&gender=2&vip=true&avatarurl=http%3A%2F%2Fx.io%2Fa+%C3%A9.png"
            ),
            _ => panic!("expected a form body"),
        }
    }

    #[test]
    fn form_body_rejects_nested_values_naming_the_field() {
        let err = Body::form(&serde_json::json!({"a": "1", "tags": ["x"]}))
            .err()
            .expect("a list is not a form value");
        assert!(matches!(err, Error::Encode(_)), "{err:?}");
        assert!(err.to_string().contains("form field `tags`"), "{err}");
        let err = Body::form(&"text").err().expect("a string is not a form");
        assert!(err.to_string().contains("an object of fields"), "{err}");
    }

    #[test]
    fn json_body_reports_unserializable_values() {
        // JSON object keys must be strings; a map keyed by tuples cannot be sent.
        let map: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into_iter().collect();
        let err = Body::json(&map).err().expect("serialization must fail");
        assert!(matches!(err, Error::Encode(_)), "{err:?}");
        assert!(err.to_string().contains("request body"), "{err}");
    }
}
