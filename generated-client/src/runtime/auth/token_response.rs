//! Decoding the token endpoint's answer, `{"access_token": …, "expires_in":
//! seconds, …}`, without ever quoting it: it holds the token.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::{BearerToken, TokenProblem};
use crate::runtime::response::RawResponse;
use crate::runtime::{AuthError, DecodeError, Error};

/// A decoded token response: the token and how long it lives (`None`: it
/// does not expire).
pub(crate) struct TokenResponse {
    pub(crate) token: BearerToken,
    pub(crate) lifetime: Option<Duration>,
}

/// The fields the client uses; others are ignored. `expires_in` is read as
/// any JSON value so that a bad one gets a message of our own, which may
/// describe it (serde's may not be shown: it could quote the token).
#[derive(Deserialize)]
struct Fields {
    access_token: String,
    #[serde(default)]
    expires_in: Value,
}

/// Decodes the body of a 2xx token response.
pub(crate) fn decode(raw: &RawResponse) -> Result<TokenResponse, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(&raw.body);
    let redacted = |path: String, error: &serde_json::Error| {
        Error::Decode(DecodeError::redacted(
            raw.operation,
            raw.status,
            path,
            error,
        ))
    };
    let fields: Fields = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| redacted(error.path().to_string(), error.inner()))?;
    deserializer
        .end()
        .map_err(|error| redacted(".".to_owned(), &error))?;
    let lifetime = lifetime(&fields.expires_in).map_err(|problem| {
        Error::Decode(DecodeError::invalid_field(
            raw.operation,
            raw.status,
            "expires_in",
            format!("expected a number of seconds, zero or more, got {problem}"),
        ))
    })?;
    let token =
        BearerToken::parse(&fields.access_token).map_err(|problem| AuthError::InvalidToken {
            reason: match problem {
                TokenProblem::Empty => "nothing (it is empty)",
                TokenProblem::Invalid(reason) => reason,
            },
        })?;
    tracing::debug!(
        expires_in_s = lifetime.map(|lifetime| lifetime.as_secs()),
        "obtained an access token from the token endpoint"
    );
    Ok(TokenResponse { token, lifetime })
}

/// The lifetime `expires_in` gives: absent, `null` or 0 mean the token
/// does not expire. Any size is accepted (a lifetime too long to schedule is
/// handled by `refresh_at`); a fraction counts whole seconds. The error
/// describes the value that is not a lifetime.
fn lifetime(expires_in: &Value) -> Result<Option<Duration>, String> {
    let seconds = match expires_in {
        Value::Null => return Ok(None),
        Value::Number(number) => match (number.as_u64(), number.as_f64()) {
            (Some(seconds), _) => seconds,
            (None, Some(seconds)) if seconds >= 0.0 => {
                // Saturates: 1e300 seconds is "never" as far as we care.
                seconds as u64
            }
            (None, _) => return Err(format!("the negative number {number}")),
        },
        Value::Bool(_) => return Err("a boolean".to_owned()),
        Value::String(_) => return Err("a string".to_owned()),
        Value::Array(_) => return Err("a list".to_owned()),
        Value::Object(_) => return Err("an object".to_owned()),
    };
    Ok((seconds > 0).then(|| Duration::from_secs(seconds)))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;
    use reqwest::StatusCode;

    use super::{TokenResponse, decode};
    use crate::Error;
    use crate::runtime::response::RawResponse;

    fn raw(body: &[u8]) -> RawResponse {
        RawResponse {
            operation: "exchange_token",
            status: StatusCode::OK,
            body: body.to_vec().into(),
            stream: None,
        }
    }

    fn lifetime(expires_in: &str) -> Result<Option<Duration>, Error> {
        let body = format!(r#"{{"access_token":"YWMt","expires_in":{expires_in}}}"#);
        decode(&raw(body.as_bytes())).map(|response: TokenResponse| response.lifetime)
    }

    #[test]
    fn decodes_the_documented_response() {
        let body = br#"{"access_token":"YWMt","expires_in":281,"expire_timestamp":1657015153000}"#;
        let response = decode(&raw(body)).unwrap();
        assert_eq!(response.token.expose_secret(), "YWMt");
        assert_eq!(response.lifetime, Some(Duration::from_secs(281)));
        let no_expiry = decode(&raw(br#"{"access_token":"x","application":"a"}"#)).unwrap();
        assert_eq!(no_expiry.lifetime, None);
    }

    #[test]
    fn any_size_of_lifetime_is_accepted() {
        let max = Duration::from_secs(u64::MAX);
        assert_eq!(
            lifetime(&i64::MAX.to_string()).unwrap(),
            Some(Duration::from_secs(i64::MAX as u64))
        );
        assert_eq!(lifetime(&u64::MAX.to_string()).unwrap(), Some(max));
        assert_eq!(lifetime("1e300").unwrap(), Some(max));
        assert_eq!(lifetime("99999999999999999999999").unwrap(), Some(max));
        assert_eq!(lifetime("2.9").unwrap(), Some(Duration::from_secs(2)));
        assert_eq!(lifetime("0").unwrap(), None);
        assert_eq!(lifetime("0.5").unwrap(), None);
        assert_eq!(lifetime("null").unwrap(), None);
    }

    #[test]
    fn a_value_that_is_no_lifetime_is_an_error_naming_the_field() {
        for (expires_in, described) in [
            ("-1", "the negative number -1"),
            ("-0.5", "the negative number -0.5"),
            (&i64::MIN.to_string(), "the negative number"),
            ("\"3600\"", "a string"),
            ("true", "a boolean"),
            ("[1]", "a list"),
            ("{}", "an object"),
        ] {
            let Err(Error::Decode(error)) = lifetime(expires_in) else {
                panic!("{expires_in} must not decode");
            };
            assert_eq!(error.path(), "expires_in");
            assert_eq!(error.operation(), "exchange_token");
            assert!(error.message().contains(described), "{expires_in}: {error}");
            assert!(error.to_string().contains("`expires_in`"), "{error}");
        }
    }

    #[test]
    fn errors_never_quote_the_token() {
        for body in [
            &br#"{"access_token":"tok-secret","expires_in":"soon"}"#[..],
            br#"{"access_token":"tok-secret","expires_in":-3}"#,
            br#"{"access_token":"tok-secret"} trailing"#,
            br#"{"access_token":["tok-secret"]}"#,
            b"{\"access_token\":\"tok-secret\r\n\"}",
        ] {
            let Err(error) = decode(&raw(body)) else {
                panic!("{body:?} must not decode");
            };
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("tok-secret"), "{shown}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_bodies_never_panic_or_leak(
            body in proptest::collection::vec(any::<u8>(), 0..128),
            token in "[A-Za-z0-9]{8,16}",
            expires in prop_oneof![
                Just("1".to_owned()), Just("\"soon\"".to_owned()), Just("-1".to_owned()),
                Just("null".to_owned()), Just("1e99".to_owned()), Just(format!("\"{}\"", "x")),
            ],
            cut in 0usize..80,
        ) {
            let _ = decode(&raw(&body));
            let text = format!(r#"{{"access_token":"{token}","expires_in":{expires}}}"#);
            let cut = cut.min(text.len());
            for candidate in [text.as_bytes(), &text.as_bytes()[..cut]] {
                if let Err(error) = decode(&raw(candidate)) {
                    let Error::Decode(decode_error) = &error else {
                        panic!("unexpected error kind: {error:?}");
                    };
                    let shown = format!("{error} {error:?} {}", decode_error.snippet());
                    prop_assert!(!shown.contains(&token), "{}", shown);
                }
            }
        }
    }
}
