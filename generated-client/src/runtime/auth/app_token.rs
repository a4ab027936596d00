//! App tokens (AccessToken2, `007…`) built locally from the app ID and app
//! certificate, as Agora's reference token builders do for the Chat service
//! with app privileges.
//!
//! All integers are little-endian, and `str(x)` is a `u16` length followed by
//! the bytes:
//!
//! ```text
//! signing_key  = HMAC-SHA256(key = u32(salt), HMAC-SHA256(key = u32(issue_ts), app_certificate))
//! signing_info = str(app_id) ‖ u32(issue_ts) ‖ u32(expire) ‖ u32(salt) ‖ u16(services)
//!                ‖ for each service, by type: u16(type) ‖ u16(privileges)
//!                  ‖ for each privilege, by key: u16(key) ‖ u32(expire)
//!                  ‖ str(user_id)
//! signature    = HMAC-SHA256(key = signing_key, signing_info)
//! token        = "007" ‖ base64(zlib(str(signature) ‖ signing_info))
//! ```
//!
//! base64 is the standard alphabet with padding; zlib is compressed exactly
//! as zlib's default level does it (see `deflate.rs`), so tokens are the
//! same text as those of the reference builders.
//!
//! An app token has one service, Chat (type 5), with user id `""` and one
//! privilege, app (key 2), whose value is the token's lifetime in seconds.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::cache::{Cached, TokenCache};
use super::deflate::zlib_compress;
use super::{BearerToken, TokenFuture, TokenProblem, TokenProvider, refresh_at};
use crate::runtime::{AuthError, ConfigError, SecretString};

/// How long an app token built by [`AppTokenProvider`] is valid unless set
/// otherwise: 24 hours, the longest Agora accepts.
pub const DEFAULT_APP_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Version prefix of AccessToken2.
const VERSION: &str = "007";
/// Service type of Agora Chat.
const SERVICE_CHAT: u16 = 5;
/// Chat privilege granting app-level (REST API) access.
const PRIVILEGE_APP: u16 = 2;
/// Reference builders draw the salt from this range.
const MAX_SALT: u32 = 99_999_999;

/// The app ID and app certificate of an Agora project, checked to be 32
/// hexadecimal characters each. `Debug` shows the app ID, never the
/// certificate.
///
/// ```
/// use agora_chat::AppCredentials;
/// let credentials = AppCredentials::new(
///     "970CA35de60c44645bbae8a215061b33",
///     "5CFd2fd1755d40ecb72977518be15d3b",
/// )?;
/// let token = credentials.build_token_at(1111111, 1, 600);
/// assert!(token.expose_secret().starts_with("007"));
/// assert!(AppCredentials::new("not-hex", "5CFd2fd1755d40ecb72977518be15d3b").is_err());
/// # Ok::<(), agora_chat::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct AppCredentials {
    app_id: String,
    app_certificate: SecretString,
}

impl AppCredentials {
    /// Checks both values and keeps them.
    ///
    /// Fails with [`ConfigError::InvalidCredential`] naming `app_id` or
    /// `app_certificate` when one is not exactly 32 hexadecimal characters.
    pub fn new(
        app_id: impl Into<String>,
        app_certificate: impl Into<String>,
    ) -> Result<Self, ConfigError> {
        let app_id = app_id.into();
        let app_certificate = SecretString::new(app_certificate);
        check_hex32("app_id", &app_id)?;
        check_hex32("app_certificate", app_certificate.expose_secret())?;
        Ok(Self {
            app_id,
            app_certificate,
        })
    }

    /// The app ID.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// Builds an app token valid for `expire_secs` seconds from now, with a
    /// random salt.
    ///
    /// Fails only when the system clock cannot be expressed as the token's
    /// 32-bit timestamp (before 1970 or after 2106).
    pub fn build_token(&self, expire_secs: u32) -> Result<SecretString, AuthError> {
        Ok(self.build_token_at(Self::now()?, Self::random_salt(), expire_secs))
    }

    /// The current time in Unix seconds, as a token's `issue_ts`; fails when
    /// the system clock is before 1970 or after 2106.
    pub fn now() -> Result<u32, AuthError> {
        unix_now()
    }

    /// A random salt in `1..=99_999_999`, the range the reference builders
    /// draw from.
    pub fn random_salt() -> u32 {
        random_salt()
    }

    /// Builds an app token from explicit inputs: the same inputs always give
    /// the same token.
    ///
    /// `issue_ts` is the issue time in Unix seconds, `salt` a random number
    /// (reference builders use 1 to 99,999,999) and `expire_secs` the
    /// lifetime in seconds, counted from `issue_ts`.
    pub fn build_token_at(&self, issue_ts: u32, salt: u32, expire_secs: u32) -> SecretString {
        let payload = self.payload(issue_ts, salt, expire_secs);
        let mut token = String::from(VERSION);
        base64::engine::general_purpose::STANDARD
            .encode_string(zlib_compress(&payload), &mut token);
        SecretString::new(token)
    }

    /// `str(signature) ‖ signing_info`: the token before compression.
    fn payload(&self, issue_ts: u32, salt: u32, expire_secs: u32) -> Vec<u8> {
        let mut info = Vec::with_capacity(80);
        put_str(&mut info, self.app_id.as_bytes());
        info.extend_from_slice(&issue_ts.to_le_bytes());
        info.extend_from_slice(&expire_secs.to_le_bytes());
        info.extend_from_slice(&salt.to_le_bytes());
        // One service (Chat) with one privilege (app), then the user id,
        // which is empty for an app token.
        info.extend_from_slice(&1u16.to_le_bytes());
        info.extend_from_slice(&SERVICE_CHAT.to_le_bytes());
        info.extend_from_slice(&1u16.to_le_bytes());
        info.extend_from_slice(&PRIVILEGE_APP.to_le_bytes());
        info.extend_from_slice(&expire_secs.to_le_bytes());
        put_str(&mut info, b"");

        let certificate = self.app_certificate.expose_secret().as_bytes();
        let signing_key = hmac_sha256(
            &salt.to_le_bytes(),
            &hmac_sha256(&issue_ts.to_le_bytes(), certificate),
        );
        let signature = hmac_sha256(&signing_key, &info);

        let mut payload = Vec::with_capacity(2 + signature.len() + info.len());
        put_str(&mut payload, &signature);
        payload.extend_from_slice(&info);
        payload
    }
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("app_id", &self.app_id)
            .field("app_certificate", &self.app_certificate)
            .finish()
    }
}

/// Rejects anything but exactly 32 ASCII hex digits, without quoting the
/// value (it may be the certificate).
fn check_hex32(field: &'static str, value: &str) -> Result<(), ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidCredential { field, reason };
    let count = value.chars().count();
    if count != 32 {
        return Err(invalid(format!(
            "must be 32 hexadecimal characters, got {count} characters"
        )));
    }
    if let Some(position) = value.chars().position(|c| !c.is_ascii_hexdigit()) {
        return Err(invalid(format!(
            "must be 32 hexadecimal characters; character {} is not a hexadecimal digit",
            position + 1
        )));
    }
    Ok(())
}

/// Appends `bytes` with its `u16` length prefix. Callers pass short values
/// (a 32-character app ID, a 32-byte signature, an empty user id).
fn put_str(buffer: &mut Vec<u8>, bytes: &[u8]) {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    buffer.extend_from_slice(&len.to_le_bytes());
    buffer.extend_from_slice(&bytes[..usize::from(len)]);
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The current time in Unix seconds, as the token's `u32`.
fn unix_now() -> Result<u32, AuthError> {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| AuthError::ClockOutOfRange)?
        .as_secs();
    u32::try_from(seconds).map_err(|_| AuthError::ClockOutOfRange)
}

/// A salt in `1..=99_999_999`. It only makes tokens of the same second
/// differ and is part of the token in clear, so if the OS cannot supply
/// randomness the clock's nanoseconds are good enough.
fn random_salt() -> u32 {
    let random = getrandom::u32().unwrap_or_else(|_| {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.subsec_nanos())
    });
    1 + random % MAX_SALT
}

/// Builds app tokens locally and hands out the same one until it is close to
/// expiring (a quarter of its lifetime, at most an hour, before); what
/// [`ClientBuilder::app_credentials`](crate::ClientBuilder::app_credentials)
/// sets up.
pub struct AppTokenProvider {
    credentials: AppCredentials,
    lifetime: Duration,
    cached: TokenCache,
}

impl AppTokenProvider {
    /// A provider of tokens valid for [`DEFAULT_APP_TOKEN_LIFETIME`].
    pub fn new(credentials: AppCredentials) -> Self {
        Self {
            credentials,
            lifetime: DEFAULT_APP_TOKEN_LIFETIME,
            cached: TokenCache::default(),
        }
    }

    /// A provider of tokens valid for `lifetime`, between one second and
    /// 24 hours (whole seconds; fractions are dropped).
    pub fn with_lifetime(
        credentials: AppCredentials,
        lifetime: Duration,
    ) -> Result<Self, ConfigError> {
        if !(Duration::from_secs(1)..=DEFAULT_APP_TOKEN_LIFETIME).contains(&lifetime) {
            return Err(ConfigError::InvalidOption {
                option: "app_token_lifetime",
                reason: format!("must be between 1 second and 24 hours, got {lifetime:?}"),
            });
        }
        Ok(Self {
            lifetime: Duration::from_secs(lifetime.as_secs()),
            ..Self::new(credentials)
        })
    }

    /// The credentials tokens are built from.
    pub fn credentials(&self) -> &AppCredentials {
        &self.credentials
    }

    /// The lifetime of each token built.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// The cached token, or a new one when it is due for replacement.
    pub(crate) fn current(&self) -> Result<BearerToken, AuthError> {
        // Building a token takes microseconds and never awaits, so holding
        // the cache's lock meanwhile is fine and gives single-flight for free.
        self.cached.get_or_build(|now| self.build_cached(now))
    }

    fn build_cached(&self, now: tokio::time::Instant) -> Result<Cached, AuthError> {
        let expire_secs = u32::try_from(self.lifetime.as_secs()).unwrap_or(u32::MAX);
        let built = self.credentials.build_token(expire_secs)?;
        // Only base64 characters follow "007", so this cannot fail; mapping
        // it keeps the function total anyway.
        let token = BearerToken::parse(built.expose_secret()).map_err(|problem| match problem {
            TokenProblem::Empty => AuthError::InvalidToken { reason: "nothing" },
            TokenProblem::Invalid(reason) => AuthError::InvalidToken { reason },
        })?;
        Ok(Cached {
            token,
            refresh_at: refresh_at(now, self.lifetime),
        })
    }
}

impl TokenProvider for AppTokenProvider {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(std::future::ready(self.current().map_err(Into::into)))
    }

    fn cached_token(&self) -> Option<BearerToken> {
        self.cached.fresh()
    }

    /// Drops the token so that the next call builds a new one (with a new
    /// timestamp, which helps when the rejection came from clock skew).
    fn invalidate(&self, rejected: &BearerToken) -> bool {
        self.cached.invalidate(rejected);
        true
    }
}

impl fmt::Debug for AppTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppTokenProvider")
            .field("app_id", &self.credentials.app_id)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use base64::Engine;

    use super::{AppCredentials, AppTokenProvider, random_salt};
    use crate::{ConfigError, TokenProvider};

    // The published test vector of Agora's reference builders (AgoraIO/Tools,
    // python3/java/cpp tests), from shared/docs/notes/app-token.md.
    const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
    const APP_CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";
    const EXPECTED: &str = "007eJxTYNDNaz3snC8huEfHWdz6s98qltq4zqy9fl99Uh0FDvy6F6DAYGlu4OxobJqSamaQbGJiZmKalJSYapFoZGhqYGaYZGzs/kWAIYKJgYGRAYRZgZgJzGdgAACt8hhr";

    fn credentials() -> AppCredentials {
        AppCredentials::new(APP_ID, APP_CERTIFICATE).unwrap()
    }

    fn inflate(token: &str) -> Vec<u8> {
        let compressed = base64::engine::general_purpose::STANDARD
            .decode(token.strip_prefix("007").expect("007 prefix"))
            .expect("base64");
        miniz_oxide::inflate::decompress_to_vec_zlib(&compressed).expect("zlib")
    }

    #[test]
    fn published_vector_payload_matches() {
        let token = credentials().build_token_at(1_111_111, 1, 600);
        assert_eq!(inflate(token.expose_secret()), inflate(EXPECTED));
    }

    #[test]
    fn published_vector_token_matches_byte_for_byte() {
        let token = credentials().build_token_at(1_111_111, 1, 600);
        assert_eq!(token.expose_secret(), EXPECTED);
    }

    /// Edge values, compared with tokens from an independent implementation
    /// of the algorithm in Python on top of zlib 1.2.13.
    #[test]
    fn more_vectors_match_byte_for_byte() {
        let cases = [
            (
                (APP_ID, APP_CERTIFICATE, 1_700_000_000, 99_999_999, 86_400),
                "007eJxTYDCewlub9/F/ZGHricMvDc+6PirxUgm1LuYpXjRn087J5tsUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yNGT4GpzYEMjL8f/CVlZGBlYGRgYkBxGdgAAC2HR7T",
            ),
            (
                (
                    "0123456789abcdef0123456789abcdef",
                    "fedcba9876543210FEDCBA9876543210",
                    u32::MAX,
                    u32::MAX,
                    u32::MAX,
                ),
                "007eJxTYHjK+S9eJvvdl6RlDAErdxxU0L8j2/pjc1/uX2b+ONaaOXcUGAwMjYxNTM3MLSwTk5JTUtPQ+f+RACMDKwMjAxMDiM3AAABWOikF",
            ),
            (
                (
                    "00000000000000000000000000000000",
                    "00000000000000000000000000000000",
                    0,
                    0,
                    0,
                ),
                "007eJxTYLgqe7GwQ/foh4Unl049zaV3xna+0pRMJd8Kkz8p5fUHxUoUGAwIAAYkwMjACsRMUB4A28cWEg==",
            ),
            (
                (
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                    1_735_689_600,
                    12_345_678,
                    3600,
                ),
                "007eJxTYDAz9vDQ1rEJ3rjF7oFP6PrPr2RXui7+9+gRR2jKqo9pj6YpMCQSAA2tJekCfAwMfol7GBgZWIGYiQHEZ2AAABQ5ICo=",
            ),
        ];
        for ((app_id, certificate, issue_ts, salt, expire), expected) in cases {
            let credentials = AppCredentials::new(app_id, certificate).unwrap();
            let token = credentials.build_token_at(issue_ts, salt, expire);
            assert_eq!(
                token.expose_secret(),
                expected,
                "{app_id} {issue_ts} {salt} {expire}"
            );
        }
    }

    #[test]
    fn payload_layout() {
        let payload = credentials().payload(1_111_111, 1, 600);
        // str(signature): 32 bytes behind a length of 32.
        assert_eq!(&payload[..2], &[32, 0]);
        let info = &payload[34..];
        assert_eq!(&info[..2], &[32, 0]);
        assert_eq!(&info[2..34], APP_ID.as_bytes());
        let numbers: Vec<u32> = info[34..46]
            .chunks(4)
            .map(|chunk| u32::from_le_bytes(chunk.try_into().unwrap()))
            .collect();
        assert_eq!(numbers, [1_111_111, 600, 1]);
        // 1 service: Chat (5), 1 privilege: app (2) = 600, user id "".
        assert_eq!(
            &info[46..],
            &[1, 0, 5, 0, 1, 0, 2, 0, 0x58, 0x02, 0, 0, 0, 0]
        );
    }

    #[test]
    fn same_inputs_same_token_and_inputs_matter() {
        let credentials = credentials();
        let token = credentials.build_token_at(1_700_000_000, 42, 3600);
        assert_eq!(token, credentials.build_token_at(1_700_000_000, 42, 3600));
        assert_ne!(token, credentials.build_token_at(1_700_000_000, 43, 3600));
        assert_ne!(token, credentials.build_token_at(1_700_000_001, 42, 3600));
        assert_ne!(token, credentials.build_token_at(1_700_000_000, 42, 3601));
        let other = AppCredentials::new(APP_ID, "5CFd2fd1755d40ecb72977518be15d3c").unwrap();
        assert_ne!(token, other.build_token_at(1_700_000_000, 42, 3600));
    }

    #[test]
    fn rejects_malformed_ids_and_certificates_without_quoting_them() {
        let cases = [
            ("", APP_CERTIFICATE, "app_id", "got 0 characters"),
            (
                "970CA35de60c44645bbae8a215061b3",
                APP_CERTIFICATE,
                "app_id",
                "got 31",
            ),
            (
                APP_ID,
                "5CFd2fd1755d40ecb72977518be15d3bb",
                "app_certificate",
                "got 33",
            ),
            (
                APP_ID,
                "5CFd2fd1755d40ecb72977518be15d3g",
                "app_certificate",
                "character 32",
            ),
            (
                APP_ID,
                " CFd2fd1755d40ecb72977518be15d3b",
                "app_certificate",
                "character 1",
            ),
            (
                "970CA35de60c44645bbae8a215061b3é",
                APP_CERTIFICATE,
                "app_id",
                "character 32",
            ),
        ];
        for (app_id, certificate, field, reason) in cases {
            match AppCredentials::new(app_id, certificate) {
                Err(error @ ConfigError::InvalidCredential { field: f, .. }) => {
                    assert_eq!(f, field, "{error}");
                    let text = error.to_string();
                    assert!(text.contains(reason), "{text}");
                    assert!(!text.contains(certificate), "{text}");
                }
                other => panic!("{app_id:?}/{certificate:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn debug_shows_the_app_id_only() {
        let credentials = credentials();
        let provider = AppTokenProvider::new(credentials.clone());
        for text in [
            format!("{credentials:?}"),
            format!("{credentials:#?}"),
            format!("{provider:?}"),
            format!("{provider:#?}"),
        ] {
            assert!(text.contains(APP_ID), "{text}");
            assert!(!text.contains(APP_CERTIFICATE), "{text}");
        }
    }

    #[test]
    fn salts_are_in_the_reference_range() {
        for _ in 0..1000 {
            assert!((1..=99_999_999).contains(&random_salt()));
        }
    }

    #[test]
    fn lifetime_bounds() {
        for bad in [
            Duration::ZERO,
            Duration::from_millis(999),
            Duration::from_secs(86_401),
        ] {
            assert!(matches!(
                AppTokenProvider::with_lifetime(credentials(), bad),
                Err(ConfigError::InvalidOption {
                    option: "app_token_lifetime",
                    ..
                })
            ));
        }
        let provider =
            AppTokenProvider::with_lifetime(credentials(), Duration::from_millis(1500)).unwrap();
        assert_eq!(provider.lifetime(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn caches_until_well_before_expiry() {
        let provider =
            AppTokenProvider::with_lifetime(credentials(), Duration::from_secs(3600)).unwrap();
        let first = provider.token().await.unwrap();
        assert!(first.expose_secret().starts_with("007"));
        // The payload carries the lifetime as `expire`.
        let payload = inflate(first.expose_secret());
        assert_eq!(&payload[34 + 34 + 4..34 + 34 + 8], &3600u32.to_le_bytes());

        tokio::time::advance(Duration::from_secs(2699)).await;
        assert_eq!(provider.token().await.unwrap(), first);
        // A quarter of an hour before expiry, a new token is built.
        tokio::time::advance(Duration::from_secs(2)).await;
        let second = provider.token().await.unwrap();
        assert!(second.expose_secret().starts_with("007"));
        assert_eq!(provider.token().await.unwrap(), second);
    }

    #[tokio::test]
    async fn invalidate_drops_only_the_rejected_token() {
        let provider = AppTokenProvider::new(credentials());
        let first = provider.token().await.unwrap();
        let stranger = crate::BearerToken::new("other").unwrap();
        assert!(provider.invalidate(&stranger));
        assert_eq!(provider.token().await.unwrap(), first);
        assert!(provider.invalidate(&first));
        // Rebuilt (a new salt makes it differ even within the same second).
        let rebuilt = provider.token().await.unwrap();
        assert!(rebuilt.expose_secret().starts_with("007"));
    }
}
