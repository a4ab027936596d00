//! Per-call headers (`.header(name, value)` on every request builder) are
//! checked before anything is sent: a malformed name or value, or a header
//! the client sets itself, fails the call with a validation error naming
//! the header, and the server sees nothing.

mod support;

use agora_chat::ValidationErrorKind;
use support::{MockApi, header, validation};

async fn server() -> MockApi {
    MockApi::start(200, r#"{"action":"get","data":["admin1"]}"#).await
}

#[tokio::test]
async fn headers_the_client_owns_are_refused_in_any_case() {
    let api = server().await;
    let client = api.client();
    for name in [
        "authorization",
        "Authorization",
        "content-length",
        "Content-Type",
        "HOST",
        "transfer-encoding",
    ] {
        let error = validation(
            client
                .chatroom_members()
                .list_admins("room1")
                .header(name, "5")
                .await,
        );
        assert_eq!(error.field, name);
        assert_eq!(error.kind, ValidationErrorKind::ClientOwnedHeader, "{name}");
        assert!(
            error.to_string().contains("sets this header itself"),
            "{error}"
        );
    }
    assert!(api.requests().await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn an_invalid_header_name_is_a_validation_error() {
    let api = server().await;
    let client = api.client();
    for name in ["", "x trace", "x:trace", "x\ntrace", "naïve"] {
        let error = validation(
            client
                .chatroom_members()
                .list_admins("room1")
                .header(name, "v")
                .await,
        );
        assert_eq!(error.field, name);
        assert_eq!(
            error.kind,
            ValidationErrorKind::InvalidHeaderName,
            "{name:?}"
        );
    }
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_non_ascii_header_value_is_refused_as_the_message_says() {
    let api = server().await;
    let client = api.client();
    for value in ["é", "caf\u{e9}", "v\r\nx-injected: 1", "tab\u{7f}"] {
        let error = validation(
            client
                .chatroom_members()
                .list_admins("room1")
                .header("x-note", value)
                .await,
        );
        assert_eq!(error.field, "x-note");
        assert_eq!(error.kind, ValidationErrorKind::InvalidHeaderValue);
        assert!(error.to_string().contains("non-ASCII"), "{error}");
    }
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn other_headers_are_sent_once_with_the_client_token() {
    let api = server().await;
    let response = api
        .client()
        .chatroom_members()
        .list_admins("room1")
        .header("X-Request-Source", "nightly\tsync 1")
        .await
        .expect("sent");
    assert_eq!(response, ["admin1"]);
    let requests = api.requests().await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        header(request, "x-request-source").as_deref(),
        Some("nightly\tsync 1")
    );
    assert_eq!(
        header(request, "authorization").as_deref(),
        Some(format!("Bearer {}", support::TOKEN).as_str())
    );
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
}
