//! HTTP-level tests of `Client::send` against a local wiremock server.
//! They live inside the crate because `send` is crate-internal.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::encode;
use super::{Body, Payload, RequestParts};
use crate::{Client, Error, HttpMethod, OperationInfo, RequestOptions, ValidationErrorKind};

const TOKEN: &str = "s3cret-t0ken";

static GET_USER: OperationInfo = OperationInfo {
    id: "users.get",
    method: HttpMethod::Get,
    path_template: "/users/{username}",
    idempotent: true,
    rate_limit: None,
};

static CREATE_USER: OperationInfo = OperationInfo {
    id: "users.create",
    method: HttpMethod::Post,
    path_template: "/users",
    idempotent: false,
    rate_limit: None,
};

#[derive(Debug, Deserialize, PartialEq)]
struct User {
    id: u64,
}

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri(), "org", "app")
        .bearer_token(TOKEN)
        .allow_http(true)
        .build()
        .expect("valid client")
}

fn parts(op: &'static OperationInfo, path: &str) -> RequestParts {
    RequestParts {
        op,
        path: path.to_owned(),
        query: Vec::new(),
        headers: Vec::new(),
        body: Body::Empty,
        options: RequestOptions::default(),
        payload: Payload::Data,
    }
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording enabled");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

async fn get_user(server: &MockServer) -> Result<crate::Response<User>, Error> {
    client(server).send(parts(&GET_USER, "/users/u1")).await
}

fn assert_no_token(error: &Error) {
    let debug = format!("{error:?}");
    assert!(!debug.contains(TOKEN), "token leaked in {debug}");
    assert!(
        !error.to_string().contains(TOKEN),
        "token leaked in {error}"
    );
}

#[test]
fn send_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder("h.example", "o", "a")
        .bearer_token("t")
        .build()
        .unwrap();
    let future = client.send::<serde_json::Value>(parts(&GET_USER, "/users/u1"));
    assert_send(&future);
}

#[tokio::test]
async fn post_carries_auth_accept_and_json_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/org/app/users"))
        .and(header("authorization", format!("Bearer {TOKEN}")))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"username": "u1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": 1}})))
        .expect(1)
        .mount(&server)
        .await;

    let mut request = parts(&CREATE_USER, "/users");
    request.body = Body::json(&json!({"username": "u1"})).unwrap();
    let response = client(&server).send::<User>(request).await.expect("2xx");
    assert_eq!(response.data, User { id: 1 });
}

#[tokio::test]
async fn get_without_body_has_no_content_type() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"data": {"id": 1}})),
    )
    .await;

    get_user(&server).await.expect("2xx");
    let request = only_request(&server).await;
    assert_eq!(request.headers["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(request.headers["accept"], "application/json");
    assert!(request.headers.get("content-type").is_none());
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn path_and_query_are_encoded() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"data": {"id": 1}})),
    )
    .await;

    let mut request = parts(&GET_USER, &format!("/users/{}", encode::segment("a/b?c#d")));
    request.query = vec![("limit", "10".into()), ("cursor", "x y&z=é".into())];
    request.headers = vec![("x-extra", "v".into())];
    client(&server).send::<User>(request).await.expect("2xx");

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/org/app/users/a%2Fb%3Fc%23d");
    assert_eq!(
        request.url.query(),
        Some("limit=10&cursor=x%20y%26z%3D%C3%A9")
    );
    assert_eq!(request.headers["x-extra"], "v");
}

#[tokio::test]
async fn success_keeps_unknown_fields_and_string_count() {
    let server = MockServer::start().await;
    let body = json!({
        "action": "get",
        "applicationName": "app",
        "organization": "org",
        "data": {"id": 42},
        "count": "2",
        "timestamp": 1_700_000_000_000_i64,
        "brandNew": {"nested": true},
    });
    mount(&server, ResponseTemplate::new(200).set_body_json(body)).await;

    let response = get_user(&server).await.expect("2xx");
    assert_eq!(response.data, User { id: 42 });
    assert_eq!(response.count, Some(2));
    assert_eq!(response.organization.as_deref(), Some("org"));
    assert_eq!(response.application_name.as_deref(), Some("app"));
    assert_eq!(
        response.extra.get("brandNew"),
        Some(&json!({"nested": true}))
    );
    assert!(!response.extra.contains_key("count"));
}

#[tokio::test]
async fn agora_error_body_becomes_api_error() {
    let server = MockServer::start().await;
    let body = json!({
        "error": "service_resource_not_found",
        "exception": "UserNotFoundException",
        "timestamp": 1_700_000_000_000_i64,
        "duration": 0,
        "error_description": "Service resource not found",
    });
    mount(&server, ResponseTemplate::new(404).set_body_json(body)).await;

    let error = get_user(&server).await.unwrap_err();
    assert_no_token(&error);
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.operation(), "users.get");
    let parsed = api.body().expect("parsed error body");
    assert_eq!(parsed.error, "service_resource_not_found");
    assert_eq!(parsed.exception.as_deref(), Some("UserNotFoundException"));
    assert_eq!(
        parsed.error_description.as_deref(),
        Some("Service resource not found")
    );
    assert_eq!(parsed.timestamp, Some(1_700_000_000_000));
    let message = error.to_string();
    assert!(
        message.contains("users.get") && message.contains("404"),
        "{message}"
    );
    assert!(message.contains("Service resource not found"), "{message}");
}

#[tokio::test]
async fn html_error_page_keeps_a_snippet() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><title>502 Bad Gateway</title>{}</html>",
        "ü".repeat(2000)
    );
    mount(
        &server,
        ResponseTemplate::new(502).set_body_raw(page, "text/html"),
    )
    .await;

    let error = get_user(&server).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 502);
    assert!(api.body().is_none());
    let snippet = api.raw_body().expect("snippet");
    assert!(
        snippet.starts_with("<html><title>502 Bad Gateway</title>"),
        "{snippet}"
    );
    assert_eq!(snippet.chars().count(), 512);
}

#[tokio::test]
async fn wrong_type_names_the_json_path() {
    let server = MockServer::start().await;
    let body = r#"{"action":"get","data":{"id":"not-a-number"}}"#;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_raw(body, "application/json"),
    )
    .await;

    let error = get_user(&server).await.unwrap_err();
    assert_no_token(&error);
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.path(), "data.id");
    assert_eq!(decode.operation(), "users.get");
    assert_eq!(decode.status().as_u16(), 200);
    assert!(
        decode.snippet().contains("not-a-number"),
        "{}",
        decode.snippet()
    );
    assert!(error.to_string().contains("`data.id`"), "{error}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let body = r#"{"action":"get","data":{"id":4"#;
    mount(
        &server,
        ResponseTemplate::new(200).set_body_raw(body, "application/json"),
    )
    .await;

    let error = get_user(&server).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert!(decode.path().starts_with("data"), "{}", decode.path());
    assert!(
        decode.snippet().contains(r#""id":4"#),
        "{}",
        decode.snippet()
    );
}

#[tokio::test]
async fn empty_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200)).await;

    let error = get_user(&server).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.path(), ".");
    assert!(decode.snippet().is_empty());
}

#[tokio::test]
async fn per_call_timeout_is_a_transport_error() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": {"id": 1}}))
            .set_delay(Duration::from_secs(5)),
    )
    .await;

    let mut request = parts(&GET_USER, "/users/u1");
    request.options = RequestOptions::default().timeout(Duration::from_millis(200));
    let error = client(&server).send::<User>(request).await.unwrap_err();
    assert_no_token(&error);
    let Error::Transport(transport) = &error else {
        panic!("expected Error::Transport, got {error:?}");
    };
    assert!(transport.is_timeout(), "{error:?}");
    assert_eq!(transport.operation(), "users.get");
    assert_eq!(transport.method(), HttpMethod::Get);
    assert_eq!(transport.path(), "/users/u1");
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn header_with_line_break_is_rejected_before_sending() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200)).await;

    let mut request = parts(&GET_USER, "/users/u1");
    request.headers = vec![("x-extra", "v\r\nx-injected: 1".into())];
    let error = client(&server).send::<User>(request).await.unwrap_err();
    let Error::Validation(validation) = &error else {
        panic!("expected Error::Validation, got {error:?}");
    };
    assert_eq!(validation.field, "x-extra");
    assert_eq!(validation.kind, ValidationErrorKind::InvalidHeaderValue);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = MockServer::start().await;
    mount(&server, ResponseTemplate::new(200)).await;

    for segment in ["..", "%2E%2E", "."] {
        let request = parts(&GET_USER, &format!("/users/{segment}"));
        let error = client(&server).send::<User>(request).await.unwrap_err();
        let Error::Validation(validation) = &error else {
            panic!("{segment}: expected Error::Validation, got {error:?}");
        };
        assert_eq!(validation.kind, ValidationErrorKind::DotSegment);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/elsewhere"),
    )
    .await;

    let error = get_user(&server).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status().as_u16(), 302);
}

#[tokio::test]
async fn client_debug_hides_the_token() {
    let server = MockServer::start().await;
    let debug = format!("{:?}", client(&server));
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("/org/app"), "{debug}");
}
