//! Client configuration, public value types and error formatting, through the
//! public API only. HTTP behaviour is tested inside the crate
//! (`src/runtime/http_tests.rs`), since `send` is crate-internal.

use std::time::Duration;

use agora_chat::{
    BoolOrString, Client, ConfigError, Error, ErrorBody, RequestOptions, Response, ValidationError,
    ValidationErrorKind,
};
use serde_json::json;

const TOKEN: &str = "very-secret-token";

fn builder(host: &str) -> agora_chat::ClientBuilder {
    Client::builder(host, "org", "app").bearer_token(TOKEN)
}

fn config_error(result: Result<Client, Error>) -> ConfigError {
    match result {
        Err(Error::Config(error)) => error,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn bare_host_implies_https() {
    let client = builder("a41.chat.agora.io").build().expect("valid config");
    assert_eq!(client.base_url(), "https://a41.chat.agora.io/org/app");
    let clone = client.clone();
    assert_eq!(clone.base_url(), client.base_url());
}

#[test]
fn host_with_scheme_port_and_trailing_slash() {
    let client = builder("https://A41.chat.agora.io:8443/").build().unwrap();
    assert_eq!(client.base_url(), "https://a41.chat.agora.io:8443/org/app");
}

#[test]
fn http_requires_explicit_opt_in() {
    let error = config_error(builder("http://127.0.0.1:8080").build());
    assert!(
        matches!(error, ConfigError::InsecureHttp { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("allow_http"), "{error}");

    let client = builder("http://127.0.0.1:8080")
        .allow_http(true)
        .build()
        .expect("http allowed");
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/org/app");
}

#[test]
fn unusable_hosts_are_rejected() {
    for host in [
        "",
        "ftp://h",
        "https://h/org/app",
        "https://h?x=1",
        "https://user:pw@h",
        "bad host",
    ] {
        let error = config_error(builder(host).build());
        assert!(
            matches!(error, ConfigError::InvalidHost { .. }),
            "{host:?}: {error:?}"
        );
    }
}

#[test]
fn org_and_app_are_encoded_as_path_segments() {
    let client = Client::builder("h.example", "my org", "a/b")
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://h.example/my%20org/a%2Fb");

    for (org, app) in [("", "app"), ("org", ""), ("..", "app")] {
        let error = config_error(Client::builder("h", org, app).bearer_token(TOKEN).build());
        assert!(
            matches!(error, ConfigError::InvalidName { .. }),
            "{error:?}"
        );
    }
}

#[test]
fn token_is_required() {
    let missing = config_error(Client::builder("h", "o", "a").build());
    assert!(matches!(missing, ConfigError::MissingToken), "{missing:?}");
    let empty = config_error(Client::builder("h", "o", "a").bearer_token("").build());
    assert!(matches!(empty, ConfigError::MissingToken), "{empty:?}");
}

#[test]
fn token_with_line_break_is_rejected_without_echoing_it() {
    for token in ["abc\ndef", "abc\r\nX-Evil: 1", "abc\r"] {
        let result = Client::builder("h", "o", "a").bearer_token(token).build();
        let debug = format!("{result:?}");
        let error = config_error(result);
        assert!(
            matches!(error, ConfigError::InvalidToken { .. }),
            "{error:?}"
        );
        assert!(!debug.contains("abc"), "token leaked: {debug}");
        assert!(!error.to_string().contains("abc"), "token leaked: {error}");
    }
    let control = config_error(
        Client::builder("h", "o", "a")
            .bearer_token("a\u{7}b")
            .build(),
    );
    assert!(
        matches!(control, ConfigError::InvalidToken { .. }),
        "{control:?}"
    );
}

#[test]
fn debug_never_shows_the_token() {
    let configured = builder("h.example").timeout(Duration::from_secs(3));
    let builder_debug = format!("{configured:?}");
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
    assert!(builder_debug.contains("***"), "{builder_debug}");

    let client = configured.build().unwrap();
    let client_debug = format!("{client:?}");
    assert!(!client_debug.contains(TOKEN), "{client_debug}");
    assert!(client_debug.contains("h.example"), "{client_debug}");

    let error = config_error(builder("http://h").build());
    assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
}

#[test]
fn timeouts_are_accepted() {
    let client = builder("h")
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(1))
        .build();
    assert!(client.is_ok(), "{client:?}");
    // Only the builder method is public; this proves it chains.
    let _options: RequestOptions = RequestOptions::default().timeout(Duration::from_secs(1));
}

#[test]
fn response_envelope_deserializes() {
    let response: Response<Vec<String>> = serde_json::from_value(json!({
        "action": "get",
        "applicationName": "app",
        "data": ["a"],
        "count": "2",
        "somethingNew": 1,
    }))
    .unwrap();
    assert_eq!(response.data, ["a"]);
    assert_eq!(response.count, Some(2));
    assert_eq!(response.application_name.as_deref(), Some("app"));
    assert_eq!(response.extra.get("somethingNew"), Some(&json!(1)));

    let missing = serde_json::from_value::<Response<Vec<String>>>(json!({"action": "get"}));
    assert!(missing.is_err());
    let optional: Response<Option<Vec<String>>> =
        serde_json::from_value(json!({"action": "get"})).unwrap();
    assert_eq!(optional.data, None);
}

#[test]
fn bool_or_string_success() {
    let values: Vec<BoolOrString> =
        serde_json::from_value(json!([true, "success", "Success", false, "fail"])).unwrap();
    let success: Vec<bool> = values.iter().map(BoolOrString::is_success).collect();
    assert_eq!(success, [true, true, true, false, false]);
}

#[test]
fn error_body_keeps_unknown_fields() {
    let body: ErrorBody =
        serde_json::from_value(json!({"error": "unauthorized", "code": 401})).unwrap();
    assert_eq!(body.error, "unauthorized");
    assert_eq!(body.extra.get("code"), Some(&json!(401)));
}

#[test]
fn validation_error_message_names_field_and_limit() {
    let error = Error::from(ValidationError {
        operation: Some("create_chatroom"),
        field: "name".into(),
        kind: ValidationErrorKind::TooLong {
            max: 128,
            actual: 129,
        },
    });
    assert_eq!(
        error.to_string(),
        "`create_chatroom`: invalid `name`: 129 characters, at most 128 allowed"
    );
}
