//! A string wrapper that keeps credentials out of formatted output.

use std::fmt;

/// A credential (bearer token, app certificate, client secret, user
/// password) whose `Debug` and `Display` output is always `***`.
///
/// [`expose_secret`](Self::expose_secret) is the one deliberate way to read
/// it in code. Serializing it writes the value itself, because a request
/// body that carries a password or a secret has to send it; only the
/// formatted output is redacted. This guards against leaks through logs,
/// panic messages and error reports, not against someone reading process
/// memory.
///
/// ```
/// let secret = agora_chat::SecretString::from("hunter2");
/// assert_eq!(format!("{secret:?} {secret}"), "*** ***");
/// assert_eq!(secret.expose_secret(), "hunter2");
/// // On the wire it is the value itself.
/// assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call this only where the value is actually used
    /// (a header being sent, a token printed on purpose).
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Writes the plain value: a secret in a request body must reach the server.
impl serde::Serialize for SecretString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Reads a plain string, so that request types which also decode (examples,
/// fixtures) can hold one.
impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = SecretString::new("hunter2");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret:#?}"), "***");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(***)");
        assert_eq!(secret.expose_secret(), "hunter2");
    }

    #[test]
    fn a_request_body_field_sends_the_value_and_hides_it_in_debug() {
        #[derive(Debug, serde::Serialize)]
        struct Register {
            username: String,
            password: SecretString,
        }
        let body = Register {
            username: "ann".to_owned(),
            password: "pa55word".into(),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"username": "ann", "password": "pa55word"})
        );
        let shown = format!("{body:?} {body:#?}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(shown.contains("password: ***"), "{shown}");
        assert_eq!(
            SecretString::from(String::from("x")),
            SecretString::from("x")
        );
        let decoded: SecretString = serde_json::from_str("\"pa55word\"").unwrap();
        assert_eq!(decoded.expose_secret(), "pa55word");
        assert_eq!(SecretString::default().expose_secret(), "");
    }
}
