//! A string wrapper that keeps credentials out of formatted output.

use std::fmt;

/// A credential (bearer token, app certificate, client secret) whose
/// `Debug` output is always `***`.
///
/// It has no `Display` implementation, so it cannot end up in a message by
/// accident; [`expose_secret`](Self::expose_secret) is the one deliberate way
/// to read it. This guards against leaks through logs, panic messages and
/// error reports, not against someone reading process memory.
///
/// ```
/// let secret = agora_chat::SecretString::new("hunter2");
/// assert_eq!(format!("{secret:?}"), "***");
/// assert_eq!(secret.expose_secret(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
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
    fn debug_hides_the_value() {
        let secret = SecretString::new("hunter2");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret:#?}"), "***");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(***)");
        assert_eq!(secret.expose_secret(), "hunter2");
    }
}
