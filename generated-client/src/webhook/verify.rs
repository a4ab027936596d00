//! Checking a raw callback body: size, shape, signature and age.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::envelope::{self, Envelope, Malformed};
use super::signature::{matches, sign};
use crate::SecretString;

/// The default [`Verifier::max_body_bytes`]: 256 KiB.
///
/// The docs give no limit for callback bodies. Messages are at most 5 KB
/// (with extension attributes about twice that), and the largest documented
/// callbacks wrap one message or one group's settings, so this leaves a wide
/// margin while refusing to parse megabytes from an unauthenticated sender.
///
/// ```
/// use agora_chat::webhook::{DEFAULT_MAX_BODY_BYTES, Verifier};
///
/// assert_eq!(Verifier::new("k").body_limit(), DEFAULT_MAX_BODY_BYTES);
/// assert_eq!(Verifier::new("k").max_body_bytes(64 * 1024).body_limit(), 65536);
/// ```
pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;

/// Why a callback body was refused.
///
/// Answer [`BadSignature`](Self::BadSignature) and [`Stale`](Self::Stale)
/// with 401, [`Malformed`](Self::Malformed) with 400 and
/// [`TooLarge`](Self::TooLarge) with 413; the server retries a failed
/// post-delivery callback once.
///
/// ```
/// use agora_chat::webhook::{Verifier, VerifyError};
///
/// let verifier = Verifier::new("k").max_body_bytes(8);
/// assert_eq!(verifier.verify(b"{\"callId\": 1}"), Err(VerifyError::TooLarge { limit: 8 }));
/// assert_eq!(Verifier::new("").verify(b"{}"), Err(VerifyError::EmptySecret));
/// let e = Verifier::new("k").verify(b"[]").unwrap_err();
/// assert_eq!(e.malformed().unwrap().field(), None);
/// assert!(e.to_string().starts_with("malformed callback: the body is not a JSON object"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The body is larger than [`Verifier::max_body_bytes`]; it was not
    /// parsed.
    #[error("callback body is larger than the {limit}-byte limit")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not a callback: not JSON, not an object, or a shared
    /// member missing or of the wrong type. [`Malformed`] names the member.
    #[error("malformed callback: {0}")]
    Malformed(Malformed),
    /// `security` is not the signature of the body's `callId` and
    /// `timestamp` with the rule's secret: the wrong secret (of another
    /// rule?), or not sent by the Chat server.
    #[error("callback signature does not match the rule's secret")]
    BadSignature,
    /// The signature is right but `timestamp` is further from now than
    /// [`Verifier::max_age`] allows, in either direction.
    #[error(
        "callback timestamp {timestamp_ms} is {} ms away from now ({now_ms}), more than the {} ms allowed",
        timestamp_ms.abs_diff(*now_ms),
        max_age.as_millis()
    )]
    Stale {
        /// The body's `timestamp`, Unix milliseconds.
        timestamp_ms: u64,
        /// The time it was checked against, Unix milliseconds.
        now_ms: u64,
        /// The allowed distance.
        max_age: Duration,
    },
    /// The verifier was given an empty secret, with which anyone could sign
    /// a callback; the body was not looked at.
    #[error("the callback rule's secret is empty")]
    EmptySecret,
}

impl VerifyError {
    /// The problem with the body, for [`VerifyError::Malformed`] and
    /// [`VerifyError::TooLarge`].
    pub fn malformed(&self) -> Option<Malformed> {
        match self {
            VerifyError::Malformed(m) => Some(m.clone()),
            VerifyError::TooLarge { limit } => Some(Malformed::too_large(*limit)),
            _ => None,
        }
    }
}

/// Checks callbacks of one callback rule: its secret, a size limit and,
/// optionally, how old a callback may be.
///
/// Verification reads the raw body, before any framework decodes it:
///
/// 1. a body larger than [`max_body_bytes`](Self::max_body_bytes) is refused
///    unread ([`VerifyError::TooLarge`]);
/// 2. it must be a JSON object with a string `callId` and `security` and an
///    integer `timestamp` (optional `eventType` and `chat_type` must be
///    strings), each member once ([`VerifyError::Malformed`], naming the
///    member);
/// 3. `security` must equal [`sign`]`(callId, secret, timestamp)`, compared
///    in constant time ([`VerifyError::BadSignature`]);
/// 4. with [`max_age`](Self::max_age), `timestamp` must be that close to now
///    ([`VerifyError::Stale`]).
///
/// ```
/// use std::time::Duration;
/// use agora_chat::webhook::{Verifier, VerifyError, sign};
///
/// let verifier = Verifier::new("s3cret").max_age(Duration::from_secs(300));
/// let now_ms = 1_700_000_000_000u64;
/// let now = std::time::UNIX_EPOCH + Duration::from_millis(now_ms);
///
/// let security = sign("XXXX#XXXX_1", "s3cret", &now_ms.to_string());
/// let body = format!(r#"{{"callId":"XXXX#XXXX_1","timestamp":{now_ms},"security":"{security}","reason":"login"}}"#);
/// assert_eq!(verifier.verify_at(body.as_bytes(), now).unwrap().member("reason").unwrap(), "login");
///
/// let forged = body.replace(&security, &sign("XXXX#XXXX_1", "guess", &now_ms.to_string()));
/// assert_eq!(verifier.verify_at(forged.as_bytes(), now), Err(VerifyError::BadSignature));
///
/// let late = now + Duration::from_secs(301);
/// assert!(matches!(verifier.verify_at(body.as_bytes(), late), Err(VerifyError::Stale { .. })));
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    secret: SecretString,
    max_body_bytes: usize,
    max_age: Option<Duration>,
}

impl Verifier {
    /// A verifier for the rule with this secret (shown with the rule on the
    /// console's callback page), with a [`DEFAULT_MAX_BODY_BYTES`] limit and
    /// no age limit.
    pub fn new(secret: impl Into<SecretString>) -> Self {
        Verifier {
            secret: secret.into(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_age: None,
        }
    }

    /// Refuses bodies larger than `limit` bytes without parsing them.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Refuses callbacks whose `timestamp` is more than `max_age` before or
    /// after now. The timestamp is when the server received the message, not
    /// when it sent the callback: a retried callback comes late, and stored
    /// callbacks resent through the REST API can be days old, so keep the
    /// limit generous, or use none where resends are expected.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// The body size limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Verifies a raw callback body against the current time.
    pub fn verify(&self, body: &[u8]) -> Result<Envelope, VerifyError> {
        self.verify_at(body, SystemTime::now())
    }

    /// Verifies a raw callback body against the current time and reads it
    /// as a typed [`Event`](super::Event) of a rule of `delivery` (see
    /// [`Envelope::event`]); the envelope comes too, for `callId` and the
    /// other shared members.
    pub fn verify_event(
        &self,
        body: &[u8],
        delivery: super::Delivery,
    ) -> Result<(Envelope, super::Event), VerifyError> {
        let envelope = self.verify(body)?;
        let event = envelope.event(delivery);
        Ok((envelope, event))
    }

    /// Verifies a raw callback body as if it were `now` (for tests, or to
    /// check a stored body against the time it arrived).
    pub fn verify_at(&self, body: &[u8], now: SystemTime) -> Result<Envelope, VerifyError> {
        let secret = self.secret.expose_secret();
        if secret.is_empty() {
            return Err(VerifyError::EmptySecret);
        }
        if body.len() > self.max_body_bytes {
            return Err(VerifyError::TooLarge {
                limit: self.max_body_bytes,
            });
        }
        let unverified = envelope::read(body).map_err(VerifyError::Malformed)?;
        let envelope = unverified.envelope;
        let expected = sign(envelope.call_id(), secret, &unverified.timestamp_text);
        if !matches(&expected, envelope.security()) {
            return Err(VerifyError::BadSignature);
        }
        if let Some(max_age) = self.max_age {
            // A clock before 1970 counts as 1970: every callback is then in
            // the future, and refused.
            let now_ms = now
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            let timestamp_ms = envelope.timestamp_ms();
            if u128::from(timestamp_ms.abs_diff(now_ms)) > max_age.as_millis() {
                return Err(VerifyError::Stale {
                    timestamp_ms,
                    now_ms,
                    max_age,
                });
            }
        }
        Ok(envelope)
    }
}

/// Verifies a raw callback body with the rule's secret and the defaults of
/// [`Verifier::new`]: the plain function for any HTTP server.
///
/// ```
/// use agora_chat::webhook::{VerifyError, sign, verify};
///
/// let body = format!(
///     r#"{{"callId":"c1","timestamp":1,"security":"{}","chat_type":"roster"}}"#,
///     sign("c1", "s3cret", "1")
/// );
/// assert_eq!(verify(body.as_bytes(), "s3cret").unwrap().chat_type(), Some("roster"));
/// assert_eq!(verify(body.as_bytes(), "other"), Err(VerifyError::BadSignature));
/// let e = verify(b"{\"callId\":1}", "s3cret").unwrap_err();
/// assert_eq!(e.to_string(), "malformed callback: `callId`: expected a string, found the number 1");
/// ```
pub fn verify(body: &[u8], secret: &str) -> Result<Envelope, VerifyError> {
    Verifier::new(secret).verify(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0a1b2c3d4e5f";
    const NOW_MS: u64 = 1_642_585_154_644;

    fn body(call_id: &str, timestamp: &str, security: &str, rest: &str) -> String {
        format!(r#"{{"callId":"{call_id}","timestamp":{timestamp},"security":"{security}"{rest}}}"#)
    }

    fn signed(rest: &str) -> String {
        let ts = NOW_MS.to_string();
        body("XXXX#XXXX_1", &ts, &sign("XXXX#XXXX_1", SECRET, &ts), rest)
    }

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    #[test]
    fn a_signed_body_verifies() {
        let e = verify(signed(r#","eventType":"chat""#).as_bytes(), SECRET).unwrap();
        assert_eq!(e.call_id(), "XXXX#XXXX_1");
        assert_eq!(e.timestamp_ms(), NOW_MS);
        assert_eq!(e.event_type(), Some("chat"));
    }

    #[test]
    fn the_wrong_secret_and_altered_signed_members_are_refused() {
        let good = signed("");
        assert_eq!(
            verify(good.as_bytes(), "0a1b2c3d4e5F"),
            Err(VerifyError::BadSignature)
        );
        let other_call = good.replace("XXXX#XXXX_1", "XXXX#XXXX_2");
        assert_eq!(
            verify(other_call.as_bytes(), SECRET),
            Err(VerifyError::BadSignature)
        );
        let other_time = good.replace(&NOW_MS.to_string(), &(NOW_MS + 1).to_string());
        assert_eq!(
            verify(other_time.as_bytes(), SECRET),
            Err(VerifyError::BadSignature)
        );
        // The same instant written as a string is a different signed text.
        let quoted = good.replace(&NOW_MS.to_string(), &format!("\"0{NOW_MS}\""));
        assert_eq!(
            verify(quoted.as_bytes(), SECRET),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn the_signature_does_not_cover_the_rest_of_the_body() {
        // As documented: only callId, secret and timestamp are hashed.
        let a = signed(r#","payload":{"bodies":[{"type":"txt","msg":"hello"}]}"#);
        let b = a.replace("hello", "changed");
        assert!(verify(a.as_bytes(), SECRET).is_ok());
        assert_eq!(
            verify(b.as_bytes(), SECRET).unwrap().payload().unwrap()["bodies"][0]["msg"],
            "changed"
        );
    }

    #[test]
    fn size_is_checked_before_anything_else() {
        let big = signed(&format!(r#","pad":"{}""#, "x".repeat(100)));
        let limit = big.len() - 1;
        let v = Verifier::new(SECRET).max_body_bytes(limit);
        assert_eq!(
            v.verify(big.as_bytes()),
            Err(VerifyError::TooLarge { limit })
        );
        assert!(
            Verifier::new(SECRET)
                .max_body_bytes(big.len())
                .verify(big.as_bytes())
                .is_ok()
        );
        // Not even JSON, but too large is what is reported.
        assert_eq!(
            v.verify(&vec![b'{'; limit + 1]),
            Err(VerifyError::TooLarge { limit })
        );
    }

    #[test]
    fn age_is_checked_only_when_asked_and_after_the_signature() {
        let good = signed("");
        let v = Verifier::new(SECRET).max_age(Duration::from_secs(60));
        assert!(v.verify_at(good.as_bytes(), at(NOW_MS + 60_000)).is_ok());
        assert!(v.verify_at(good.as_bytes(), at(NOW_MS - 60_000)).is_ok());
        let e = v
            .verify_at(good.as_bytes(), at(NOW_MS + 60_001))
            .unwrap_err();
        assert_eq!(
            e,
            VerifyError::Stale {
                timestamp_ms: NOW_MS,
                now_ms: NOW_MS + 60_001,
                max_age: Duration::from_secs(60)
            }
        );
        assert!(e.to_string().contains("60001 ms away"), "{e}");
        assert!(matches!(
            v.verify_at(good.as_bytes(), at(NOW_MS - 60_001)),
            Err(VerifyError::Stale { .. })
        ));
        // Without max_age, any timestamp goes.
        assert!(
            Verifier::new(SECRET)
                .verify_at(good.as_bytes(), at(0))
                .is_ok()
        );
        // A forged old body is a bad signature, not stale.
        let forged = good.replace(&NOW_MS.to_string(), "1");
        assert_eq!(
            v.verify_at(forged.as_bytes(), at(NOW_MS)),
            Err(VerifyError::BadSignature)
        );
        // A clock before 1970 refuses everything recent.
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert!(matches!(
            v.verify_at(good.as_bytes(), before),
            Err(VerifyError::Stale { now_ms: 0, .. })
        ));
    }

    #[test]
    fn an_empty_secret_is_refused_before_reading() {
        assert_eq!(
            verify(signed("").as_bytes(), ""),
            Err(VerifyError::EmptySecret)
        );
        assert_eq!(verify(b"", ""), Err(VerifyError::EmptySecret));
    }

    #[test]
    fn malformed_bodies_say_which_member() {
        let e = verify(
            body("c", "1", "x", "")
                .replace("\"callId\":\"c\",", "")
                .as_bytes(),
            SECRET,
        )
        .unwrap_err();
        let m = e.malformed().unwrap();
        assert_eq!(m.field(), Some("callId"));
        assert_eq!(e.to_string(), "malformed callback: `callId`: missing");
        let too_large = VerifyError::TooLarge { limit: 3 }.malformed().unwrap();
        assert_eq!(
            too_large.to_string(),
            "the body is larger than the 3-byte limit"
        );
        assert_eq!(VerifyError::BadSignature.malformed(), None);
    }

    #[test]
    fn the_secret_stays_out_of_debug_output() {
        let v = Verifier::new("hunter2");
        assert!(!format!("{v:?}").contains("hunter2"));
    }
}
