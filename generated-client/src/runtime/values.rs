//! Small value types that the API sends in more than one shape.

use serde::{Deserialize, Serialize};

/// A success flag that the server sends either as a JSON boolean or as a
/// string such as `"success"`.
///
/// The Agora documentation is inconsistent about which form an endpoint
/// returns, so generated types use this instead of `bool`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BoolOrString {
    /// The flag was sent as `true` or `false`.
    Bool(bool),
    /// The flag was sent as a string, e.g. `"success"`.
    Text(String),
}

impl BoolOrString {
    /// Whether the flag means success: `true`, `"success"` or `"true"`
    /// (strings compared case-insensitively).
    pub fn is_success(&self) -> bool {
        match self {
            Self::Bool(value) => *value,
            Self::Text(text) => {
                text.eq_ignore_ascii_case("success") || text.eq_ignore_ascii_case("true")
            }
        }
    }
}

impl From<bool> for BoolOrString {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

#[cfg(test)]
mod tests {
    use super::BoolOrString;

    fn parse(json: &str) -> BoolOrString {
        serde_json::from_str(json).expect("valid BoolOrString")
    }

    #[test]
    fn accepts_both_shapes() {
        assert_eq!(parse("true"), BoolOrString::Bool(true));
        assert_eq!(parse("\"success\""), BoolOrString::Text("success".into()));
        assert!(serde_json::from_str::<BoolOrString>("1").is_err());
    }

    #[test]
    fn success_values() {
        for json in ["true", "\"success\"", "\"SUCCESS\"", "\"True\""] {
            assert!(parse(json).is_success(), "{json} should mean success");
        }
        for json in ["false", "\"failed\"", "\"\"", "\"false\""] {
            assert!(!parse(json).is_success(), "{json} should not mean success");
        }
    }

    #[test]
    fn serializes_in_the_shape_it_was_read() {
        assert_eq!(
            serde_json::to_string(&parse("\"success\"")).unwrap(),
            "\"success\""
        );
        assert_eq!(
            serde_json::to_string(&BoolOrString::from(false)).unwrap(),
            "false"
        );
    }
}
