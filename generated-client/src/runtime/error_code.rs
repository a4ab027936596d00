//! The documented values of the `error` field of Agora's error body.

use std::fmt;

/// Declares the enum together with its wire strings, so that parsing and
/// printing cannot drift apart.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// The machine-readable `error` code of an Agora error body, as
        /// documented in the REST API's status code tables.
        ///
        /// Codes the documentation does not list are kept verbatim in
        /// [`Other`](Self::Other), so nothing the server says is lost.
        ///
        /// ```
        /// use agora_chat::ErrorCode;
        /// assert_eq!(ErrorCode::parse("reach_limit"), ErrorCode::ReachLimit);
        /// assert_eq!(ErrorCode::parse("brand_new").as_str(), "brand_new");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code that is not documented, exactly as the server sent it.
            Other(String),
        }

        impl ErrorCode {
            /// Maps a wire string to its variant; unknown strings become
            /// [`Other`](Self::Other). Matching is exact, like the server's.
            pub fn parse(code: &str) -> Self {
                match code {
                    $($wire => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }

            /// The code as sent on the wire, e.g. `"reach_limit"`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(code) => code,
                }
            }
        }
    };
}

error_codes! {
    /// 400: the request body is not valid JSON.
    JsonParse = "json_parse",
    /// 400: a request argument is invalid (username, target type, size, …).
    IllegalArgument = "illegal_argument",
    /// 400: some fields have values the server does not accept.
    InvalidParameter = "invalid_parameter",
    /// 400: the username to register is already taken.
    DuplicateUniquePropertyExists = "duplicate_unique_property_exists",
    /// 400: a required property such as `username` is missing (older tables).
    RequiredPropertyNotFound = "required_property_not_found",
    /// 400: wrong credentials when requesting a token (older tables).
    InvalidGrant = "invalid_grant",
    /// 401: no token was sent, or it has expired.
    Unauthorized = "unauthorized",
    /// 401: the token is malformed or not issued for this service.
    AuthBadAccessToken = "auth_bad_access_token",
    /// 403: the operation is not allowed in the current state.
    ForbiddenOp = "forbidden_op",
    /// 403: a contact-list size limit has been reached.
    ExceedLimit = "exceed_limit",
    /// 404: no app exists for the org and app name of the URL.
    OrganizationApplicationNotFound = "organization_application_not_found",
    /// 404: the user, group or chat room does not exist.
    ServiceResourceNotFound = "service_resource_not_found",
    /// 404: a user named in the request does not exist.
    ResourceNotFound = "resource_not_found",
    /// 404: no message history file exists for the requested hour.
    StorageObjectNotFound = "storage_object_not_found",
    /// 404: the requested file has passed its retention period.
    FileExpired = "file_expired",
    /// 413: an uploaded file is larger than allowed.
    FileExceedingMaximumLimit = "file exceeding maximum limit",
    /// 413: the request is larger than the server accepts (older spelling).
    RequestEntityTooLarge = "Request Entity Too Large",
    /// 415 (or 500 for an invalid URL): the request format is not accepted.
    WebApplication = "web_application",
    /// 429: a quota of the app's pricing plan is used up.
    ResourceLimited = "resource_limited",
    /// 429: too many calls of this API in the rate-limit window.
    ReachLimit = "reach_limit",
    /// 500: a `contains` query on a property without a full-text index.
    NoFullTextIndex = "no_full_text_index",
    /// 500: the HTTP method is not supported for this URL.
    UnsupportedServiceOperation = "unsupported_service_operation",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

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
