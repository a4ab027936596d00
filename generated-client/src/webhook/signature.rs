//! The `security` signature: MD5 of callId, secret and timestamp.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// The `security` value the server computes for a callback: the MD5 of
/// `call_id`, `secret` and `timestamp` written one after the other with
/// nothing between them, as 32 lower-case hex digits. `timestamp` is the
/// body's `timestamp` as its decimal digits.
///
/// Only these three values are signed. The payload and every other member
/// are not covered: a changed payload still verifies, so receive callbacks
/// over HTTPS. Useful to sign test bodies, or to simulate the server.
///
/// ```
/// use agora_chat::webhook::sign;
///
/// let security = sign("XXXX#XXXX_1", "s3cret", "1642585154644");
/// assert_eq!(security.len(), 32);
/// assert!(security.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
/// assert_ne!(security, sign("XXXX#XXXX_1", "s3cret", "1642585154645"));
/// ```
pub fn sign(call_id: &str, secret: &str, timestamp: &str) -> String {
    let digest = Md5::new()
        .chain_update(call_id)
        .chain_update(secret)
        .chain_update(timestamp)
        .finalize();
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(32);
    for byte in digest {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Whether `given` is `expected` (lower-case hex), comparing the bytes in
/// constant time so that timing does not tell how many leading digits of a
/// forged signature were right. Upper-case hex digits are accepted too.
pub(super) fn matches(expected: &str, given: &str) -> bool {
    if expected.len() != given.len() {
        // The length of a valid signature is public: nothing leaks here.
        return false;
    }
    let lowered: Vec<u8> = given.bytes().map(|b| b.to_ascii_lowercase()).collect();
    expected.as_bytes().ct_eq(&lowered).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_the_joined_parts() {
        // MD5("abc"), RFC 1321's test suite, split into the three parts.
        assert_eq!(sign("a", "b", "c"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(sign("", "", ""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(sign("ab", "", "c"), sign("a", "bc", ""));
    }

    #[test]
    fn comparison_is_exact_up_to_hex_case() {
        let good = sign("a", "b", "c");
        assert!(matches(&good, &good));
        assert!(matches(&good, &good.to_ascii_uppercase()));
        assert!(!matches(&good, &good[..31]));
        assert!(!matches(&good, &format!("{good}0")));
        assert!(!matches(&good, &format!("{}1", &good[..31])));
        assert!(!matches(&good, ""));
        // Same length, not hex.
        assert!(!matches(&good, &"z".repeat(32)));
        // Lower-casing must not map a multi-byte character onto a digit.
        assert!(!matches("aaaa", "ÀÀ"));
    }
}
