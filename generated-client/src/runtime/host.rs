//! The host given to [`Client::builder`](crate::Client::builder): turning it
//! into the API origin, and showing it without the credentials a pasted URL
//! may carry (`https://user:secret@host`).

use std::fmt;

use super::ConfigError;

/// The host exactly as the user gave it. `Debug` shows it with its userinfo
/// redacted, so that printing a builder cannot print a password.
#[derive(Clone)]
pub(crate) struct HostInput(pub(crate) String);

impl fmt::Debug for HostInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_userinfo(&self.0), f)
    }
}

/// `host` with everything between the scheme and the last `@` replaced by
/// `***`: the userinfo of a URL. The last `@` rather than the end of the
/// authority because a password may hold `/`, `?` or `#` unencoded, which
/// would end the authority early and leave the rest of it in the message.
pub(crate) fn redact_userinfo(host: &str) -> String {
    let start = host.find("://").map_or(0, |index| index + 3);
    match host[start..].rfind('@') {
        Some(at) => format!("{}***{}", &host[..start], &host[start + at..]),
        None => host.to_owned(),
    }
}

/// Turns the user's `host` into `scheme://host[:port]`. Errors show the
/// host with its userinfo redacted.
pub(crate) fn parse_origin(host: &str, allow_http: bool) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidHost {
        host: redact_userinfo(host),
        reason: reason.to_owned(),
    };
    let trimmed = host.trim();
    if trimmed.is_empty() {
        return Err(invalid("empty"));
    }
    let (scheme, rest) = match trimmed.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), trimmed),
    };
    match scheme.as_str() {
        "https" => {}
        "http" if allow_http => {}
        "http" => {
            return Err(ConfigError::InsecureHttp {
                host: redact_userinfo(host),
            });
        }
        _ => return Err(invalid("only https (or http with allow_http) is supported")),
    }
    if rest.contains('@') {
        // Checked before parsing: the parser's messages could quote it.
        return Err(invalid(
            "must not contain credentials (`user:password@`); authenticate with the builder's methods",
        ));
    }
    // Tolerate the trailing slash people paste along with a URL.
    let rest = rest.trim_end_matches('/');
    let url = url::Url::parse(&format!("{scheme}://{rest}"))
        .map_err(|error| invalid(&error.to_string()))?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "must not contain a path, query or fragment; pass org and app names separately",
        ));
    }
    Ok(url[..url::Position::BeforePath].to_owned())
}

#[cfg(test)]
mod tests {
    use super::{HostInput, parse_origin, redact_userinfo};
    use crate::ConfigError;

    #[test]
    fn userinfo_is_redacted_up_to_the_last_at() {
        assert_eq!(
            redact_userinfo("http://u:SECRET@127.0.0.1"),
            "http://***@127.0.0.1"
        );
        assert_eq!(redact_userinfo("u:SECRET@h"), "***@h");
        assert_eq!(
            redact_userinfo("https://u:p@s/s?#x@h:1/"),
            "https://***@h:1/"
        );
        assert_eq!(redact_userinfo("https://h:443"), "https://h:443");
        assert_eq!(
            format!("{:?}", HostInput("https://a:SECRET@h".to_owned())),
            "\"https://***@h\""
        );
    }

    #[test]
    fn no_error_quotes_the_credentials() {
        for (host, allow_http) in [
            ("http://u:SECRET@127.0.0.1", true),
            ("http://u:SECRET@127.0.0.1", false),
            ("https://u:SECRET@h", false),
            ("u:SECRET@h", false),
            ("https://u:SE/CRET@h", false),
            ("https://u:SE CRET@bad host", false),
            ("ftp://u:SECRET@h", false),
        ] {
            let error = parse_origin(host, allow_http).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("SECRET"), "{host}: {shown}");
            assert!(!shown.contains("CRET"), "{host}: {shown}");
            match error {
                ConfigError::InvalidHost { host, .. } | ConfigError::InsecureHttp { host } => {
                    assert!(host.contains("***@"), "{host}")
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
