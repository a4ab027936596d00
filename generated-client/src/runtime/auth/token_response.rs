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
    use crate::runtime::fuzz::{self, Valid, json_value, mutation, random_bytes};
    use crate::runtime::response::RawResponse;
    use crate::{AuthError, Error};

    fn raw(body: &[u8]) -> RawResponse {
        RawResponse {
            operation: "create_token_with_credentials",
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
            assert_eq!(error.operation(), "create_token_with_credentials");
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
        #![proptest_config(fuzz::config())]

        /// Mutated token responses and random bodies: a token, or an error
        /// of the token's own kinds that names the broken field, and never
        /// the token's text in any rendering.
        #[test]
        fn token_responses_decode_or_name_the_field_without_leaking(
            body in prop_oneof![6 => mutation().prop_map(Some), 1 => Just(None)],
            random in prop_oneof![random_bytes(), json_value().prop_map(|value| value.to_string().into_bytes())],
        ) {
            const TOKEN: &str = "YWMt-SECRET-7f3a";
            let valid = Valid::new(serde_json::json!({
                "access_token": TOKEN,
                "expires_in": 5_184_000,
                "application": "8be024f0-e978-11e8-b697-5d598d5f8402",
            }));
            let (bytes, spot) = match &body {
                Some(mutation) => {
                    let mutated = mutation.apply(&valid);
                    let spot = mutated.well_formed.then_some(mutated.spot);
                    (mutated.bytes, spot)
                }
                None => (random, None),
            };
            let error = match decode(&raw(&bytes)) {
                Ok(response) => {
                    prop_assert!(!response.token.expose_secret().is_empty());
                    return Ok(());
                }
                Err(error) => error,
            };
            let shown = format!("{error} {error:?}");
            prop_assert!(!shown.contains("SECRET"), "{}", shown);
            match (&error, spot) {
                (Error::Decode(error), Some(spot)) => prop_assert!(
                    spot.is_named_by(error.path()),
                    "the mutation at `{}` was reported at `{}`: {}", spot, error.path(), error
                ),
                (Error::Decode(error), None) => prop_assert!(error.snippet().is_empty()),
                // A string that cannot be a header value: only the token.
                (Error::Auth(AuthError::InvalidToken { .. }), spot) => prop_assert!(
                    spot.is_none_or(|spot| spot.is_named_by("access_token")),
                    "{:?}", error
                ),
                (other, _) => prop_assert!(false, "unexpected error kind {other:?}"),
            }
        }
    }
}
