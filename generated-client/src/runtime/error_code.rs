//! Behaviour of `ErrorCode`, the documented values of the `error` field of
//! Agora's error body (generated from the spec's `error_codes`).

use std::fmt;

use crate::ErrorCode;

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use crate::ErrorCode;

    #[test]
    fn documented_codes_round_trip() {
        for code in [
            "json_parse",
            "illegal_argument",
            "duplicate_unique_property_exists",
            "auth_bad_access_token",
            "file exceeding maximum limit",
            "Request Entity Too Large",
            "reach_limit",
            "unsupported_service_operation",
        ] {
            let parsed = ErrorCode::parse(code);
            assert!(!matches!(parsed, ErrorCode::Other(_)), "{code}");
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
        }
    }

    #[test]
    fn unknown_codes_are_kept() {
        assert_eq!(
            ErrorCode::parse("Reach_Limit"),
            ErrorCode::Other("Reach_Limit".into())
        );
        assert_eq!(ErrorCode::parse("").as_str(), "");
    }
}
