//! What the generated event types (`generated/webhook_events.rs`) call to
//! tell a verified body apart and decode it, and the two public types they
//! use: [`Delivery`] and [`Undecoded`].

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Envelope;

/// Which kind of callback rule a body came from. The bodies do not say:
/// a pre-delivery message and a post-delivery one look alike, so the app
/// tells them apart by the URL it gave each rule.
///
/// ```
/// use agora_chat::webhook::Delivery;
///
/// assert_ne!(Delivery::Pre, Delivery::Post);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// The server holds the message until the app answers with a
    /// [`PreDeliveryReply`](super::PreDeliveryReply).
    Pre,
    /// The server only wants an HTTP 200.
    Post,
}

/// A verified body of a known family (and operation) whose members do not
/// have the documented types: the body kept whole, with what did not
/// decode.
///
/// ```
/// use agora_chat::webhook::{Delivery, Event, Verifier, sign};
///
/// // A user status callback whose `os` is a number.
/// let body = format!(
///     r#"{{"callId":"c1","timestamp":1,"security":"{}","reason":"login","status":"online","user":"u1","os":7}}"#,
///     sign("c1", "k", "1")
/// );
/// let envelope = Verifier::new("k").verify(body.as_bytes()).unwrap();
/// match envelope.event(Delivery::Post) {
///     Event::Undecoded(undecoded) => {
///         assert_eq!(undecoded.family(), "user_status");
///         assert!(undecoded.problem().contains("os"), "{}", undecoded.problem());
///         assert_eq!(undecoded.envelope().call_id(), "c1");
///     }
///     other => panic!("decoded: {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Undecoded {
    family: &'static str,
    operation: Option<&'static str>,
    problem: String,
    envelope: Envelope,
}

impl Undecoded {
    pub(crate) fn new(
        envelope: &Envelope,
        family: &'static str,
        operation: Option<&'static str>,
        problem: String,
    ) -> Self {
        Undecoded {
            family,
            operation,
            problem,
            envelope: envelope.clone(),
        }
    }

    /// The family's name in the spec.
    pub fn family(&self) -> &'static str {
        self.family
    }

    /// The operation's name in the spec, when the body selected one.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// What did not decode, with the path of the member at fault.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The verified body, whole.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The verified body, whole.
    pub fn into_envelope(self) -> Envelope {
        self.envelope
    }
}

impl fmt::Display for Undecoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` callback", self.family)?;
        if let Some(op) = self.operation {
            write!(f, " (`{op}`)")?;
        }
        write!(f, " that does not decode: {}", self.problem)
    }
}

/// The first of the `order` members the body has as a string, with its
/// value.
pub(crate) fn dispatch<'a>(
    members: &'a Map<String, Value>,
    order: &[&'static str],
) -> Option<(&'static str, &'a str)> {
    order
        .iter()
        .find_map(|name| Some((*name, members.get(*name)?.as_str()?)))
}

/// Whether every JSON pointer of `select` holds its string in the body.
pub(crate) fn holds(members: &Map<String, Value>, select: &[(&str, &str)]) -> bool {
    select.iter().all(|(pointer, value)| {
        let Some(rest) = pointer.strip_prefix('/') else {
            return false;
        };
        let (first, tail) = rest
            .split_once('/')
            .map_or((rest, None), |(a, b)| (a, Some(b)));
        let first = first.replace("~1", "/").replace("~0", "~");
        let Some(member) = members.get(&first) else {
            return false;
        };
        let found = match tail {
            None => Some(member),
            Some(tail) => member.pointer(&format!("/{tail}")),
        };
        found.and_then(Value::as_str) == Some(*value)
    })
}

/// The body's members as `T`, without the envelope members named in
/// `envelope_only` (they stay in the envelope), so that what `T` does not
/// describe is what the server added.
pub(crate) fn members<T: DeserializeOwned>(
    envelope: &Envelope,
    envelope_only: &[&str],
) -> Result<T, String> {
    let members: Map<String, Value> = envelope
        .members()
        .iter()
        .filter(|(name, _)| !envelope_only.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    serde_path_to_error::deserialize(Value::Object(members)).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.into_inner().to_string()
        } else {
            format!("`{path}`: {}", e.into_inner())
        }
    })
}

/// A value whose tag sits among its members, re-read as a union that puts
/// the tag beside a `content` member holding them: what a received message
/// body needs to read as the content sending takes.
pub(crate) fn adjacent<T: Serialize, U: DeserializeOwned>(
    value: &T,
    tag: &str,
    content: &str,
) -> Option<U> {
    let Value::Object(mut members) = serde_json::to_value(value).ok()? else {
        return None;
    };
    let tag_value = members.remove(tag)?;
    let mut shaped = Map::new();
    shaped.insert(tag.to_string(), tag_value);
    shaped.insert(content.to_string(), Value::Object(members));
    serde_json::from_value(Value::Object(shaped)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn the_first_member_present_as_a_string_decides() {
        let m = map(json!({"chat_type": "muc", "event": 3, "reason": "login"}));
        assert_eq!(
            dispatch(&m, &["event", "chat_type", "reason"]),
            Some(("chat_type", "muc"))
        );
        assert_eq!(dispatch(&m, &["step"]), None);
    }

    #[test]
    fn pointers_reach_into_members() {
        let m = map(json!({"operation": "ADMIN", "payload": {"type": "ADD", "a/b": "x"}}));
        assert!(holds(
            &m,
            &[("/operation", "ADMIN"), ("/payload/type", "ADD")]
        ));
        assert!(!holds(
            &m,
            &[("/operation", "ADMIN"), ("/payload/type", "REMOVE")]
        ));
        assert!(holds(&m, &[("/payload/a~1b", "x")]));
        assert!(!holds(&m, &[("operation", "ADMIN")]));
        assert!(!holds(&m, &[("/missing", "x")]));
        assert!(holds(&m, &[]));
    }

    #[test]
    fn a_flat_value_reads_as_an_adjacent_one() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(tag = "type", content = "body")]
        enum Sent {
            #[serde(rename = "txt")]
            Text { msg: String },
        }
        let flat = json!({"type": "txt", "msg": "hi"});
        assert_eq!(
            adjacent::<_, Sent>(&flat, "type", "body"),
            Some(Sent::Text { msg: "hi".into() })
        );
        assert_eq!(
            adjacent::<_, Sent>(&json!({"msg": "hi"}), "type", "body"),
            None
        );
        assert_eq!(adjacent::<_, Sent>(&json!([1]), "type", "body"), None);
    }
}
