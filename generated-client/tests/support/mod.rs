//! Test support shared by the integration tests: a mock Agora server on
//! 127.0.0.1, assertions on the requests it received, and reading a request
//! off a raw TCP connection for servers that misbehave on purpose.

#![allow(dead_code)] // each test crate uses a different part of it

use agora_chat::{Client, Error, ValidationError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Org and app names the mock clients use; wire paths are relative to them.
pub const ORG: &str = "demo-org";
/// See [`ORG`].
pub const APP: &str = "demo-app";
/// The bearer token the mock clients send.
pub const TOKEN: &str = "test-token-123";

/// A wiremock server that answers every request with one canned response.
pub struct MockApi {
    pub server: MockServer,
}

/// What a doc example says went over the wire.
pub struct WireRequest {
    pub method: &'static str,
    /// Relative to `/{org}/{app}`, percent-encoded.
    pub path: &'static str,
    /// Query string without `?`.
    pub query: Option<&'static str>,
    /// JSON body text, or form text when `form` is set.
    pub body: Option<&'static str>,
    /// For multipart uploads: the names of the parts the body must carry.
    pub multipart: &'static [&'static str],
    /// The body is `application/x-www-form-urlencoded`.
    pub form: bool,
    /// A file download, which asks for `application/octet-stream` instead
    /// of JSON.
    pub download: bool,
    /// Headers the doc example shows (the token excepted), by lower-case
    /// name. A value without parameters matches a sent value with them
    /// (`multipart/form-data` matches `multipart/form-data; boundary=..`).
    pub headers: &'static [(&'static str, &'static str)],
}

/// Headers the client sends on every request, whatever the operation.
const CLIENT_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "content-length",
    "content-type",
    "host",
    "transfer-encoding",
    "user-agent",
];

impl MockApi {
    /// Starts a server answering `status` with the JSON `body`.
    pub async fn start(status: u16, body: &str) -> MockApi {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(body.as_bytes().to_vec(), "application/json"),
            )
            .mount(&server)
            .await;
        MockApi { server }
    }

    /// A client pointed at the server.
    pub fn client(&self) -> Client {
        local_client(&self.server.uri())
    }

    /// Every request the server received.
    pub async fn requests(&self) -> Vec<Request> {
        self.server
            .received_requests()
            .await
            .expect("request recording is on")
    }

    /// Asserts the server saw exactly one request, equal to `expected`:
    /// method, raw path (encoding included), query pairs, bearer token,
    /// content type, the example's headers and no other operation header,
    /// and a semantically equal JSON or form body.
    pub async fn assert_request(&self, expected: &WireRequest) {
        let requests = self.requests().await;
        assert_eq!(requests.len(), 1, "expected exactly one request");
        let req = &requests[0];
        assert_eq!(req.method.as_str(), expected.method, "HTTP method");
        assert_eq!(
            req.url.path(),
            format!("/{ORG}/{APP}{}", expected.path),
            "request path"
        );
        assert_eq!(
            sorted_pairs(req.url.query().unwrap_or("")),
            sorted_pairs(expected.query.unwrap_or("")),
            "query parameters"
        );
        assert_eq!(
            header(req, "authorization").as_deref(),
            Some(format!("Bearer {TOKEN}").as_str()),
            "Authorization header"
        );
        let accept = if expected.download {
            "application/octet-stream"
        } else {
            "application/json"
        };
        assert_eq!(
            header(req, "accept").as_deref(),
            Some(accept),
            "Accept header"
        );
        for (name, value) in expected.headers {
            let sent = header(req, name).unwrap_or_else(|| panic!("no `{name}` header was sent"));
            let media = sent.split(';').next().unwrap_or_default().trim();
            let matches =
                sent == *value || (!value.contains(';') && media.eq_ignore_ascii_case(value));
            assert!(
                matches,
                "`{name}` header: sent `{sent}`, the doc shows `{value}`"
            );
        }
        for (name, _) in req.headers.iter() {
            let name = name.as_str();
            assert!(
                CLIENT_HEADERS.contains(&name) || expected.headers.iter().any(|(n, _)| *n == name),
                "the client sent `{name}`, which the doc example does not show"
            );
        }
        if !expected.multipart.is_empty() {
            let content_type = header(req, "content-type").unwrap_or_default();
            assert!(
                content_type.starts_with("multipart/form-data; boundary="),
                "Content-Type header: {content_type}"
            );
            let body = String::from_utf8_lossy(&req.body);
            for part in expected.multipart {
                assert!(
                    body.contains(&format!("name=\"{part}\"")),
                    "multipart body has no part `{part}`"
                );
            }
            return;
        }
        match expected.body {
            Some(text) if expected.form => {
                assert_eq!(
                    header(req, "content-type").as_deref(),
                    Some("application/x-www-form-urlencoded"),
                    "Content-Type header"
                );
                let got = std::str::from_utf8(&req.body).expect("a form body is ASCII");
                assert_eq!(sorted_pairs(got), sorted_pairs(text), "form body");
            }
            Some(text) => {
                assert_eq!(
                    header(req, "content-type").as_deref(),
                    Some("application/json"),
                    "Content-Type header"
                );
                let want: Value = serde_json::from_str(text).expect("spec body is JSON");
                let got: Value = serde_json::from_slice(&req.body).unwrap_or_else(|e| {
                    panic!(
                        "request body is not JSON ({e}): {:?}",
                        String::from_utf8_lossy(&req.body)
                    )
                });
                assert_eq!(got, want, "JSON body");
            }
            None => assert!(
                req.body.is_empty(),
                "expected no body, got {:?}",
                String::from_utf8_lossy(&req.body)
            ),
        }
    }
}

/// The validation error of a call that must fail before sending.
pub fn validation(result: Result<impl std::fmt::Debug, Error>) -> ValidationError {
    match result {
        Err(Error::Validation(e)) => e,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A client for the test org and app at a local `http://` base URL.
pub fn local_client(url: &str) -> Client {
    Client::builder(url, ORG, APP)
        .bearer_token(TOKEN)
        .allow_http(true)
        .build()
        .expect("local client builds")
}

/// The value of a header, if present and text.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn sorted_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    pairs.sort();
    pairs
}

/// Asserts that the decoded response, encoded back to JSON, has each
/// (JSON pointer, JSON value) pair: proves the typed decode kept the field.
pub fn assert_decoded<T: Serialize>(response: &T, expected: &[(&str, &str)]) {
    let json = serde_json::to_value(response).expect("decoded response encodes");
    for (pointer, value) in expected {
        let want: Value = serde_json::from_str(value).expect("expectation is JSON");
        assert_eq!(
            json.pointer(pointer),
            Some(&want),
            "decoded field {pointer}"
        );
    }
}

/// Reads a whole download and compares it with what the server sent.
pub async fn assert_download(download: agora_chat::Download, expected: &str) {
    let bytes = download.bytes().await.expect("download body reads");
    assert_eq!(
        String::from_utf8_lossy(&bytes),
        expected,
        "downloaded content"
    );
}

/// Decodes an example argument given as JSON text into its typed form.
pub fn from_json<T: DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("example argument decodes")
}

/// A client for the prism mock at `PRISM_URL` (e.g. `http://127.0.0.1:4010`).
pub fn prism_client() -> Client {
    let url = std::env::var("PRISM_URL")
        .expect("PRISM_URL must point at a prism mock of openapi.yaml (see .ci/openapi-tools)");
    local_client(&url)
}

/// Prism answered 2xx (it answers 4xx on any violation of the document when
/// started with `--errors`) and the response decoded.
pub fn assert_accepted<T: std::fmt::Debug>(operation: &str, result: Result<T, agora_chat::Error>) {
    if let Err(e) = result {
        panic!("{operation}: prism rejected the request or its response did not decode: {e}");
    }
}

/// Reads one request (head and `content-length` body); false if the client
/// went away first.
pub async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().unwrap_or(0));
            if buffer.len() >= end + 4 + length {
                return true;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}
