//! Percent-encoding of path segments and query strings.
//!
//! Everything outside the RFC 3986 "unreserved" set is encoded, so a value can
//! never add a path segment (`/`), start a query (`?`) or fragment (`#`), fake
//! an escape (`%`) or split a list (`,`).
//!
//! Two values cannot be made safe by encoding: `.` and `..`. URL parsers
//! following the WHATWG standard (including the one `reqwest` uses) treat them,
//! and even `%2E`, as dot segments and remove them. Generated code rejects them
//! through [`validate::non_empty`](super::validate::non_empty), and the client
//! checks the final route again before sending.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes that are encoded: all but `A-Za-z0-9-._~`.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` for use as one path segment.
pub(crate) fn segment(value: &str) -> String {
    // Through `Cow` rather than `Display`: a value with nothing to encode
    // (the usual case) is copied once, without formatting machinery.
    std::borrow::Cow::from(utf8_percent_encode(value, NOT_UNRESERVED)).into_owned()
}

/// Encodes each item as a path segment and joins them with an encoded comma
/// (`%2C`), for endpoints that take a comma-separated list in the path.
pub(crate) fn list<S: AsRef<str>>(values: &[S]) -> String {
    values
        .iter()
        .map(|value| segment(value.as_ref()))
        .collect::<Vec<_>>()
        .join("%2C")
}

/// Appends `?k=v&…` to `url`, encoding names and values; appends nothing for
/// an empty list.
pub(crate) fn push_query(url: &mut String, query: &[(&str, String)]) {
    for (index, (name, value)) in query.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.extend(utf8_percent_encode(name, NOT_UNRESERVED));
        url.push('=');
        url.extend(utf8_percent_encode(value, NOT_UNRESERVED));
    }
}

#[cfg(test)]
mod tests {
    use super::{list, push_query, segment};

    #[test]
    fn segment_encodes_route_changing_characters() {
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment("a?b"), "a%3Fb");
        assert_eq!(segment("a#b"), "a%23b");
        assert_eq!(segment("100%"), "100%25");
        assert_eq!(segment("a b"), "a%20b");
        assert_eq!(segment("a,b"), "a%2Cb");
        assert_eq!(segment("a+b&c=d"), "a%2Bb%26c%3Dd");
        assert_eq!(segment("a\\b"), "a%5Cb");
    }

    #[test]
    fn segment_keeps_unreserved_characters() {
        assert_eq!(segment("Az09-._~"), "Az09-._~");
        assert_eq!(segment(""), "");
    }

    #[test]
    fn segment_encodes_unicode_as_utf8() {
        assert_eq!(segment("é"), "%C3%A9");
        assert_eq!(segment("用户"), "%E7%94%A8%E6%88%B7");
    }

    #[test]
    fn list_joins_with_encoded_comma() {
        assert_eq!(list(&["a", "b/c", "d,e"]), "a%2Cb%2Fc%2Cd%2Ce");
        assert_eq!(list(&[String::from("only")]), "only");
        assert_eq!(list::<&str>(&[]), "");
    }

    #[test]
    fn query_is_encoded_and_joined() {
        let mut url = String::from("https://h/o/a/users");
        push_query(
            &mut url,
            &[("limit", "10".into()), ("cursor", "a b&c=d/é".into())],
        );
        assert_eq!(
            url,
            "https://h/o/a/users?limit=10&cursor=a%20b%26c%3Dd%2F%C3%A9"
        );

        let mut unchanged = String::from("https://h/o/a");
        push_query(&mut unchanged, &[]);
        assert_eq!(unchanged, "https://h/o/a");
    }
}
