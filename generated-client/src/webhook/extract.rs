//! An axum extractor that verifies callbacks (feature `axum`).

use axum::body::to_bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{StatusCode, header::CONTENT_LENGTH};
use axum::response::{IntoResponse, Response};

use super::{Envelope, Verifier, VerifyError};

/// A verified callback, extracted from the request body with the
/// [`Verifier`] in the router's state (any state `S` with `Verifier:
/// FromRef<S>`; a `Verifier` itself is one).
///
/// The body is read up to [`Verifier::body_limit`] bytes and no further. A
/// refused request gets [`CallbackRejection`]'s status and a one-line
/// reason.
///
/// ```
/// use agora_chat::webhook::{PreDeliveryReply, VerifiedCallback, Verifier};
/// use axum::{Router, routing::post};
///
/// async fn pre_delivery(VerifiedCallback(callback): VerifiedCallback) -> String {
///     let _ = callback.payload();
///     PreDeliveryReply::accept().to_json().unwrap_or_default()
/// }
///
/// let app: Router = Router::new()
///     .route("/callbacks/pre", post(pre_delivery))
///     .with_state(Verifier::new("secret-of-the-rule"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCallback(pub Envelope);

/// Why [`VerifiedCallback`] refused a request; as a response, its
/// [`status`](Self::status) and its message.
///
/// ```
/// use agora_chat::webhook::{CallbackRejection, VerifyError};
/// use axum::http::StatusCode;
///
/// let rejection = CallbackRejection::Verify(VerifyError::BadSignature);
/// assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
/// assert_eq!(rejection.to_string(), "callback signature does not match the rule's secret");
/// let too_large = CallbackRejection::Verify(VerifyError::TooLarge { limit: 10 });
/// assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackRejection {
    /// The body could not be read from the connection.
    #[error("cannot read the callback body: {0}")]
    Read(axum::Error),
    /// The body was read and refused.
    #[error(transparent)]
    Verify(VerifyError),
}

impl CallbackRejection {
    /// The status the rejection answers with: 413 for a body over the
    /// limit, 400 for one that is not a callback (or could not be read), 401
    /// for a bad signature or a stale timestamp, 500 for an empty secret.
    pub fn status(&self) -> StatusCode {
        match self {
            CallbackRejection::Read(_) => StatusCode::BAD_REQUEST,
            CallbackRejection::Verify(VerifyError::TooLarge { .. }) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            CallbackRejection::Verify(VerifyError::Malformed(_)) => StatusCode::BAD_REQUEST,
            CallbackRejection::Verify(VerifyError::BadSignature | VerifyError::Stale { .. }) => {
                StatusCode::UNAUTHORIZED
            }
            CallbackRejection::Verify(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for CallbackRejection {
    fn into_response(self) -> Response {
        (self.status(), self.to_string()).into_response()
    }
}

impl<S> FromRequest<S> for VerifiedCallback
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CallbackRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let limit = verifier.body_limit();
        let too_large = || CallbackRejection::Verify(VerifyError::TooLarge { limit });
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // One byte more than the limit tells a body at the limit from a
        // larger one; reading stops there.
        let bytes = match to_bytes(req.into_body(), limit.saturating_add(1)).await {
            Ok(bytes) if bytes.len() > limit => return Err(too_large()),
            Ok(bytes) => bytes,
            Err(e) if is_length_limit(&e) => return Err(too_large()),
            Err(e) => return Err(CallbackRejection::Read(e)),
        };
        verifier
            .verify(&bytes)
            .map(VerifiedCallback)
            .map_err(CallbackRejection::Verify)
    }
}

/// Whether reading stopped at the length limit (rather than failing).
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}
