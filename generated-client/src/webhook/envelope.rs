//! The members every callback shares, read from the raw body without
//! assuming anything about its family.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A callback whose signature checked out: the members every family shares,
/// typed, and the whole body as it was sent.
///
/// Only [`Verifier::verify`](super::Verifier::verify) makes one, so holding
/// an `Envelope` means the body came from a sender that knows the rule's
/// secret (for what the signature covers, see [`sign`](super::sign)).
/// Nothing is dropped: [`members`](Self::members) and
/// [`into_value`](Self::into_value) give every member, known or not, in the
/// order it was sent, so a typed event can be decoded from it later.
///
/// ```
/// use agora_chat::webhook::{Verifier, sign};
///
/// let security = sign("XXXX#XXXX_1", "s3cret", "1642585154644");
/// let body = format!(
///     r#"{{"callId":"XXXX#XXXX_1","eventType":"chat","chat_type":"chat","timestamp":1642585154644,
///         "security":"{security}","payload":{{"bodies":[{{"type":"txt","msg":"hi"}}]}},"msg_id":"42"}}"#
/// );
/// let envelope = Verifier::new("s3cret").verify(body.as_bytes()).unwrap();
/// assert_eq!(envelope.call_id(), "XXXX#XXXX_1");
/// assert_eq!(envelope.event_type(), Some("chat"));
/// assert_eq!(envelope.chat_type(), Some("chat"));
/// assert_eq!(envelope.timestamp_ms(), 1642585154644);
/// assert_eq!(envelope.payload().unwrap()["bodies"][0]["msg"], "hi");
/// assert_eq!(envelope.member("msg_id").unwrap(), "42");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    call_id: String,
    security: String,
    timestamp_ms: u64,
    event_type: Option<String>,
    chat_type: Option<String>,
    members: Map<String, Value>,
}

impl Envelope {
    /// `callId`: the callback's id. The server sends the same id again when
    /// it resends a callback, so it is the key for ignoring repeats.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// `security`: the signature that was checked.
    pub fn security(&self) -> &str {
        &self.security
    }

    /// `timestamp`: when the server received the message or finished the
    /// operation, in Unix milliseconds.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// `eventType`: `chat` or `chat_offline` for messages, `moderation`,
    /// `keyword_alert`, ...; absent from user status, group operation and
    /// push result callbacks.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// `chat_type`: the conversation type of a message (`chat`,
    /// `groupchat`, ...), or the kind of event (`recall`, `roster`, `muc`,
    /// ...); absent from some families.
    pub fn chat_type(&self) -> Option<&str> {
        self.chat_type.as_deref()
    }

    /// `payload`, untyped, when the callback has one.
    pub fn payload(&self) -> Option<&Value> {
        self.members.get("payload")
    }

    /// Any top-level member by name, the ones above included.
    pub fn member(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// Every top-level member, in the order the server sent them.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// The whole body as a JSON object.
    pub fn into_value(self) -> Value {
        Value::Object(self.members)
    }

    /// The body typed by its event family, for a callback rule of
    /// `delivery` (see [`Event`](super::Event)); never fails: what does
    /// not decode is kept whole.
    ///
    /// ```
    /// use agora_chat::webhook::{Delivery, Event, Verifier, sign};
    ///
    /// let body = format!(
    ///     r#"{{"callId":"c1","timestamp":1,"security":"{}","reason":"login","status":"online","user":"u1"}}"#,
    ///     sign("c1", "k", "1")
    /// );
    /// let envelope = Verifier::new("k").verify(body.as_bytes()).unwrap();
    /// let Event::UserStatus(status) = envelope.event(Delivery::Post) else { panic!() };
    /// assert_eq!((status.reason.as_str(), status.os), ("login", None));
    /// // No family of pre-delivery callbacks is selected by `reason`.
    /// assert!(matches!(envelope.event(Delivery::Pre), Event::Unknown(_)));
    /// ```
    pub fn event(&self, delivery: super::Delivery) -> super::Event {
        super::Event::from_envelope(self, delivery)
    }
}

/// Why a body cannot be read as a callback: the member at fault (when one
/// is) and what is wrong with it.
///
/// ```
/// use agora_chat::webhook::{VerifyError, verify};
///
/// let Err(VerifyError::Malformed(m)) = verify(br#"{"callId":"c","security":"s","timestamp":-1}"#, "k") else {
///     panic!("a negative timestamp is not Unix milliseconds");
/// };
/// assert_eq!(m.field(), Some("timestamp"));
/// assert_eq!(m.problem(), "expected Unix milliseconds as a non-negative integer, found the number -1");
/// assert_eq!(m.to_string(), format!("`timestamp`: {}", m.problem()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    field: Option<String>,
    problem: String,
}

impl Malformed {
    fn body(problem: impl Into<String>) -> Self {
        Malformed {
            field: None,
            problem: problem.into(),
        }
    }

    fn member(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Malformed {
            field: Some(field.into()),
            problem: problem.into(),
        }
    }

    /// The top-level member at fault (`callId`, `timestamp`, ...), or `None`
    /// when the body as a whole is (not JSON, not an object, too large).
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong, without the member name.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    pub(super) fn too_large(limit: usize) -> Self {
        Malformed::body(format!("the body is larger than the {limit}-byte limit"))
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "`{field}`: {}", self.problem),
            None => f.write_str(&self.problem),
        }
    }
}

/// The members the signature covers (and the envelope's other typed
/// members), read from a body that has not been verified yet.
pub(super) struct Unverified {
    pub(super) envelope: Envelope,
    /// `timestamp` exactly as it is signed: its decimal digits.
    pub(super) timestamp_text: String,
}

/// The top-level members in order, and the first name sent twice. A JSON
/// map would keep the last of two `callId`s silently; here a repeat is an
/// error, because two readers could disagree on which value was signed.
struct Members {
    members: Map<String, Value>,
    repeated: Option<String>,
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Members, A::Error> {
                let mut members = Map::new();
                let mut repeated = None;
                while let Some(name) = access.next_key::<String>()? {
                    let value = access.next_value::<Value>()?;
                    if members.contains_key(&name) {
                        repeated.get_or_insert(name);
                    } else {
                        members.insert(name, value);
                    }
                }
                Ok(Members { members, repeated })
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

/// A short description of a value that is not what was expected.
fn found(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn required_string(members: &Map<String, Value>, field: &'static str) -> Result<String, Malformed> {
    match members.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(Malformed::member(
            field,
            format!("expected a string, found {}", found(other)),
        )),
        None => Err(Malformed::member(field, "missing")),
    }
}

fn optional_string(
    members: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, Malformed> {
    match members.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Malformed::member(
            field,
            format!("expected a string, found {}", found(other)),
        )),
    }
}

/// `timestamp` as a number of milliseconds and as the digits that are
/// signed. The push result table types it as a string (E605), so a string
/// of digits is read too, and signed exactly as sent.
fn timestamp(members: &Map<String, Value>) -> Result<(u64, String), Malformed> {
    const EXPECTED: &str = "expected Unix milliseconds as a non-negative integer";
    let from_digits = |digits: &str| {
        let ms = digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse::<u64>().ok())
            .flatten();
        ms.ok_or_else(|| Malformed::member("timestamp", format!("{EXPECTED}, found `{digits}`")))
    };
    match members.get("timestamp") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(ms) => Ok((ms, ms.to_string())),
            None => Err(Malformed::member(
                "timestamp",
                format!("{EXPECTED}, found the number {n}"),
            )),
        },
        Some(Value::String(s)) => Ok((from_digits(s)?, s.clone())),
        Some(other) => Err(Malformed::member(
            "timestamp",
            format!("{EXPECTED}, found {}", found(other)),
        )),
        None => Err(Malformed::member("timestamp", "missing")),
    }
}

/// Reads the envelope of a body; the signature is checked by the caller.
pub(super) fn read(body: &[u8]) -> Result<Unverified, Malformed> {
    let Members { members, repeated } = serde_json::from_slice(body).map_err(|e| {
        let what = if e.is_data() {
            "the body is not a JSON object"
        } else {
            "the body is not JSON"
        };
        Malformed::body(format!("{what}: {e}"))
    })?;
    if let Some(name) = repeated {
        return Err(Malformed::member(name, "sent twice"));
    }
    let call_id = required_string(&members, "callId")?;
    let security = required_string(&members, "security")?;
    let (timestamp_ms, timestamp_text) = timestamp(&members)?;
    let event_type = optional_string(&members, "eventType")?;
    let chat_type = optional_string(&members, "chat_type")?;
    Ok(Unverified {
        envelope: Envelope {
            call_id,
            security,
            timestamp_ms,
            event_type,
            chat_type,
            members,
        },
        timestamp_text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(body: &str) -> Malformed {
        match read(body.as_bytes()) {
            Ok(_) => panic!("accepted {body}"),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_the_shared_members_and_keeps_every_other() {
        let u = read(
            br#"{"z":1,"callId":"c","security":"s","timestamp":5,"eventType":"chat","a":[1]}"#,
        )
        .unwrap();
        assert_eq!(u.envelope.call_id(), "c");
        assert_eq!(u.envelope.security(), "s");
        assert_eq!(u.envelope.timestamp_ms(), 5);
        assert_eq!(u.timestamp_text, "5");
        assert_eq!(u.envelope.event_type(), Some("chat"));
        assert_eq!(u.envelope.chat_type(), None);
        assert_eq!(u.envelope.payload(), None);
        let names: Vec<&str> = u.envelope.members().keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["z", "callId", "security", "timestamp", "eventType", "a"]
        );
    }

    #[test]
    fn a_string_timestamp_is_signed_as_sent() {
        let u = read(br#"{"callId":"c","security":"s","timestamp":"0012"}"#).unwrap();
        assert_eq!(u.envelope.timestamp_ms(), 12);
        assert_eq!(u.timestamp_text, "0012");
    }

    #[test]
    fn problems_name_the_member() {
        let cases = [
            (r#"{"security":"s","timestamp":1}"#, "callId", "missing"),
            (
                r#"{"callId":7,"security":"s","timestamp":1}"#,
                "callId",
                "expected a string, found the number 7",
            ),
            (r#"{"callId":"c","timestamp":1}"#, "security", "missing"),
            (r#"{"callId":"c","security":"s"}"#, "timestamp", "missing"),
            (
                r#"{"callId":"c","security":"s","timestamp":1.5}"#,
                "timestamp",
                "found the number 1.5",
            ),
            (
                r#"{"callId":"c","security":"s","timestamp":-3}"#,
                "timestamp",
                "found the number -3",
            ),
            (
                r#"{"callId":"c","security":"s","timestamp":"12a"}"#,
                "timestamp",
                "found `12a`",
            ),
            (
                r#"{"callId":"c","security":"s","timestamp":"99999999999999999999"}"#,
                "timestamp",
                "found `9999",
            ),
            (
                r#"{"callId":"c","security":"s","timestamp":true}"#,
                "timestamp",
                "found the boolean true",
            ),
            (
                r#"{"callId":"c","security":"s","timestamp":1,"eventType":{}}"#,
                "eventType",
                "found an object",
            ),
            (
                r#"{"callId":"c","security":"s","timestamp":1,"chat_type":null}"#,
                "chat_type",
                "found null",
            ),
        ];
        for (body, field, text) in cases {
            let e = problem(body);
            assert_eq!(e.field(), Some(field), "{body}");
            assert!(e.problem().contains(text), "{body}: {e}");
            assert!(e.to_string().starts_with(&format!("`{field}`: ")), "{e}");
        }
    }

    #[test]
    fn problems_with_the_whole_body_name_no_member() {
        for (body, text) in [
            ("", "not JSON"),
            ("{", "not JSON"),
            ("[1]", "not a JSON object"),
            ("\"x\"", "not a JSON object"),
            ("{\"callId\":\"\u{0}\"}", "not JSON"),
        ] {
            let e = problem(body);
            assert_eq!(e.field(), None, "{body}");
            assert!(e.problem().contains(text), "{body}: {e}");
        }
        let e = read(b"{\"callId\":\"\xff\"}").err().unwrap();
        assert!(e.problem().contains("not JSON"), "{e}");
    }

    #[test]
    fn a_member_sent_twice_is_named() {
        let e = problem(r#"{"callId":"a","security":"s","timestamp":1,"callId":"b"}"#);
        assert_eq!(e.field(), Some("callId"));
        assert_eq!(e.to_string(), "`callId`: sent twice");
    }
}
