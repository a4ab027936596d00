//! No `Debug` or `Display` of a client, its builder, a token provider, a
//! credential type or an error contains a secret: the bearer token, the app
//! certificate, the client secret or a token built from them. Every type is
//! formatted with `{:?}`, `{:#?}` and, where it has one, `{}`.

use std::time::Duration;

use agora_chat::{
    AppCredentials, AppTokenProvider, BearerToken, Client, ConfigError, Error, SecretString,
    StaticToken, TokenProvider,
};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-4f9c1e";
const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";
const CLIENT_SECRET: &str = "client-SECRET-77d2a0";
const EXCHANGED: &str = "YWMt-SECRET-exchanged";

/// Fails if any rendering contains a secret (or the given extra ones).
#[track_caller]
fn assert_clean(renderings: &[String], extra: &[&str]) {
    for text in renderings {
        for secret in [TOKEN, CERTIFICATE, CLIENT_SECRET, EXCHANGED]
            .iter()
            .chain(extra)
        {
            assert!(
                !text.contains(secret),
                "secret {secret:?} leaked in:\n{text}"
            );
        }
    }
}

fn debug<T: std::fmt::Debug>(value: &T) -> Vec<String> {
    vec![format!("{value:?}"), format!("{value:#?}")]
}

fn debug_display<T: std::fmt::Debug + std::fmt::Display>(value: &T) -> Vec<String> {
    let mut all = debug(value);
    all.push(format!("{value}"));
    all.push(format!("{value:#}"));
    all
}

fn builders(host: &str) -> Vec<agora_chat::ClientBuilder> {
    let base = || {
        Client::builder(host, "org", "app")
            .allow_http(true)
            .retry_delays(Duration::from_millis(1), Duration::from_millis(2))
    };
    vec![
        base().bearer_token(TOKEN),
        base().app_credentials(APP_ID, CERTIFICATE),
        base().client_credentials("client-id", CLIENT_SECRET),
        base().exchange_app_token(APP_ID, CERTIFICATE),
        base().token_provider(std::sync::Arc::new(StaticToken::new(TOKEN).unwrap())),
    ]
}

#[tokio::test]
async fn clients_builders_and_providers_never_show_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/org/app/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": EXCHANGED, "expires_in": 600})),
        )
        .mount(&server)
        .await;

    for builder in builders(&server.uri()) {
        assert_clean(&debug(&builder), &[]);
        let client = builder.build().expect("valid configuration");
        // Make the providers hold a live token before formatting them.
        let token = client.token_provider().token().await.expect("token");
        let live = token.expose_secret().to_owned();
        assert_clean(&debug(&client), &[&live]);
        assert_clean(&debug(client.token_provider()), &[&live]);
        assert_clean(&debug(&token), &[&live]);
    }

    let credentials = AppCredentials::new(APP_ID, CERTIFICATE).unwrap();
    let built = credentials.build_token(600).unwrap();
    let provider = AppTokenProvider::new(credentials.clone());
    let provided = provider.token().await.unwrap();
    let secrets = [built.expose_secret(), provided.expose_secret()];
    assert_clean(&debug(&credentials), &secrets);
    assert_clean(&debug(&provider), &secrets);
    assert_clean(&debug(&built), &secrets);
    assert_clean(&debug(&SecretString::new(TOKEN)), &[]);
    assert_clean(&debug(&StaticToken::new(TOKEN).unwrap()), &[]);
    assert_clean(&debug(&BearerToken::new(TOKEN).unwrap()), &[]);
}

fn config_error(result: Result<Client, Error>) -> Error {
    match result {
        Err(error @ Error::Config(_)) => error,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn configuration_errors_never_show_secrets() {
    let base = || Client::builder("a41.chat.agora.io", "org", "app");
    let bad_token = format!("{TOKEN}\r\nx-injected: 1");
    let bad_certificate = format!("{CERTIFICATE}zz");
    let errors = [
        config_error(base().bearer_token(bad_token.clone()).build()),
        config_error(base().bearer_token(format!("{TOKEN}\u{7f}")).build()),
        config_error(
            base()
                .app_credentials(APP_ID, bad_certificate.clone())
                .build(),
        ),
        config_error(base().exchange_app_token(APP_ID, &CERTIFICATE[1..]).build()),
        config_error(base().client_credentials("", CLIENT_SECRET).build()),
        config_error(base().bearer_token(TOKEN).max_attempts(0).build()),
        config_error(
            base()
                .app_credentials(APP_ID, CERTIFICATE)
                .app_token_lifetime(Duration::from_secs(90_000))
                .build(),
        ),
        config_error(
            Client::builder("http://127.0.0.1:1", "org", "app")
                .bearer_token(TOKEN)
                .build(),
        ),
    ];
    for error in &errors {
        assert_clean(
            &debug_display(error),
            &[&bad_token, &bad_certificate, &CERTIFICATE[1..]],
        );
        if let Error::Config(inner) = error {
            assert_clean(&debug_display(inner), &[&bad_token, &bad_certificate]);
        }
    }
    assert!(matches!(
        AppCredentials::new(APP_ID, &bad_certificate),
        Err(ConfigError::InvalidCredential {
            field: "app_certificate",
            ..
        })
    ));
}

#[test]
fn credentials_in_the_host_are_never_shown() {
    const PASSWORD: &str = "pw-SECRET-91b3";
    for host in [
        format!("http://user:{PASSWORD}@127.0.0.1:8080"),
        format!("https://user:{PASSWORD}@a41.chat.agora.io"),
        format!("user:{PASSWORD}@a41.chat.agora.io"),
        format!("https://user:{PASSWORD}/x@a41.chat.agora.io"),
        format!("ftp://user:{PASSWORD}@h"),
    ] {
        for allow_http in [false, true] {
            let builder = Client::builder(host.as_str(), "org", "app")
                .bearer_token(TOKEN)
                .allow_http(allow_http);
            assert_clean(&debug(&builder), &[PASSWORD, "SECRET"]);
            let error = config_error(builder.build());
            assert_clean(&debug_display(&error), &[PASSWORD, "SECRET"]);
            assert!(error.to_string().contains("***@"), "{error}");
        }
    }
}

#[tokio::test]
async fn call_errors_never_show_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/org/app/chatrooms/room1/admin"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "unauthorized",
            "error_description": "Unable to authenticate due to expired access token.",
        })))
        .mount(&server)
        .await;
    Mock::given(path("/org/app/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": "invalid_grant",
            "error_description": "client_secret does not match",
        })))
        .mount(&server)
        .await;

    let mut errors = Vec::new();
    for builder in builders(&server.uri()) {
        let client = builder.build().unwrap();
        errors.push(
            client
                .chatroom_members()
                .list_admins("room1")
                .await
                .unwrap_err(),
        );
    }
    // A transport error, from a port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    for builder in builders(&uri).into_iter().take(2) {
        let client = builder.build().unwrap();
        errors.push(
            client
                .chatroom_members()
                .list_admins("room1")
                .await
                .unwrap_err(),
        );
    }
    assert!(
        errors
            .iter()
            .any(|error| matches!(error, Error::Transport(_)))
    );
    assert!(errors.iter().any(|error| error.is_unauthorized()));
    for error in &errors {
        assert_clean(&debug_display(error), &[]);
    }
}

#[tokio::test]
async fn a_fleet_never_shows_the_redis_password_or_the_credentials() {
    use agora_chat::fleet::{FleetFailure, RedisFleet};
    const PASSWORD: &str = "redis-SECRET-5e1d";
    // Nothing listens there: the call fails with the fleet's error.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fleet = RedisFleet::new(&format!("redis://user:{PASSWORD}@127.0.0.1:{port}/0"))
        .unwrap()
        .on_failure(FleetFailure::FailCall);
    assert_clean(&debug(&fleet), &[PASSWORD, "SECRET"]);
    let builder = Client::builder("http://127.0.0.1:9", "org", "app")
        .allow_http(true)
        .client_credentials("client-id", CLIENT_SECRET)
        .fleet(fleet);
    assert_clean(&debug(&builder), &[PASSWORD]);
    let client = builder.build().unwrap();
    assert_clean(&debug(&client), &[PASSWORD]);
    let error = client
        .chatroom_members()
        .list_admins("room1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Fleet(_)), "{error:?}");
    assert_clean(&debug_display(&error), &[PASSWORD]);
    for bad in [
        format!("redis://user:{PASSWORD}@"),
        format!("nope://user:{PASSWORD}@h"),
    ] {
        let error = RedisFleet::new(&bad).unwrap_err();
        assert_clean(&debug_display(&error), &[PASSWORD]);
    }
}
