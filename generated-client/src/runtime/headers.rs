//! Checking the extra headers of a request before anything is sent: the
//! ones the spec gives an operation and the ones a caller adds per call.

use reqwest::header::{HeaderName, HeaderValue};

use super::{ValidationError, ValidationErrorKind};

/// Headers the client sets from what it sends (the token, the body and its
/// framing, the target host). A per-call value would contradict the
/// client's own: sent twice, dropped, or describing a different body.
const OWNED_BY_THE_CLIENT: [HeaderName; 5] = [
    reqwest::header::AUTHORIZATION,
    reqwest::header::CONTENT_LENGTH,
    reqwest::header::CONTENT_TYPE,
    reqwest::header::HOST,
    reqwest::header::TRANSFER_ENCODING,
];

/// A checked header: a valid name (lower-cased) and a value of visible
/// ASCII characters, spaces and tabs.
pub(crate) fn checked(
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), ValidationError> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ValidationError::new(name, ValidationErrorKind::InvalidHeaderName))?;
    // `HeaderValue` accepts bytes above 0x7f as opaque, but what a server
    // makes of them depends on its charset guess: refuse them, as the
    // error kind says, instead of sending something ambiguous.
    let printable = value
        .bytes()
        .all(|byte| byte == b'\t' || (b' '..=b'~').contains(&byte));
    let header_value = HeaderValue::from_str(value)
        .ok()
        .filter(|_| printable)
        .ok_or_else(|| ValidationError::new(name, ValidationErrorKind::InvalidHeaderValue))?;
    Ok((header_name, header_value))
}

/// A checked per-call header, which must not be one the client owns.
pub(crate) fn per_call(
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), ValidationError> {
    let (header_name, header_value) = checked(name, value)?;
    if OWNED_BY_THE_CLIENT.contains(&header_name) {
        return Err(ValidationError::new(
            name,
            ValidationErrorKind::ClientOwnedHeader,
        ));
    }
    Ok((header_name, header_value))
}

#[cfg(test)]
mod tests {
    use super::{checked, per_call};
    use crate::ValidationErrorKind;

    fn kind(result: Result<impl std::fmt::Debug, crate::ValidationError>) -> ValidationErrorKind {
        result.unwrap_err().kind
    }

    #[test]
    fn names_must_be_tokens_and_are_lower_cased() {
        let (name, value) = checked("X-Trace-Id", "abc 1\t2").unwrap();
        assert_eq!(name.as_str(), "x-trace-id");
        assert_eq!(value, "abc 1\t2");
        for bad in ["", "bad name", "x:y", "x\r\ny", "é"] {
            assert_eq!(
                kind(checked(bad, "v")),
                ValidationErrorKind::InvalidHeaderName,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn values_must_be_printable_ascii() {
        for bad in ["é", "v\r\nx-injected: 1", "v\n", "\u{7f}", "\u{0}"] {
            let error = checked("x-extra", bad).unwrap_err();
            assert_eq!(error.field, "x-extra");
            assert_eq!(
                error.kind,
                ValidationErrorKind::InvalidHeaderValue,
                "{bad:?}"
            );
        }
        assert!(checked("x-extra", "").is_ok());
    }

    #[test]
    fn headers_the_client_owns_are_refused_per_call_in_any_case() {
        for name in [
            "authorization",
            "Content-Length",
            "CONTENT-TYPE",
            "host",
            "Transfer-Encoding",
        ] {
            let error = per_call(name, "x").unwrap_err();
            assert_eq!(error.field, name);
            assert_eq!(error.kind, ValidationErrorKind::ClientOwnedHeader);
        }
        assert!(per_call("accept-language", "en").is_ok());
    }
}
