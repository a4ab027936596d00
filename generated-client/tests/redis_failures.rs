//! Redis failing under a fleet: stopped in the middle of a run (by its
//! pid), never there, or accepting connections without ever answering.
//! The policy decides between falling back to per-process limits and
//! tokens and failing the call; either way no call waits longer than its
//! timeout.
//!
//! Operation used: `list_chatroom_admins` (GET, documented at 100/s).

mod redis_support;

use std::time::Duration;

use agora_chat::fleet::{FleetFailure, RedisFleet};
use agora_chat::{Client, ClientBuilder, Error, RateLimitMode};
use redis_support::{RedisServer, free_port, requests_to};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ADMINS_PATH: &str = "/org/app/chatrooms/room1/admin";
const TOKEN_PATH: &str = "/org/app/token";
/// The call timeout of these clients.
const TIMEOUT: Duration = Duration::from_secs(2);

async fn mock_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok", "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    Mock::given(path(ADMINS_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"action": "get", "data": ["a"]})),
        )
        .mount(&server)
        .await;
    server
}

fn builder(uri: &str, fleet: RedisFleet) -> ClientBuilder {
    Client::builder(uri, "org", "app")
        .allow_http(true)
        .timeout(TIMEOUT)
        .max_attempts(1)
        .rate_limits(RateLimitMode::Documented)
        .fleet(fleet.redis_timeout(Duration::from_millis(300)))
}

fn static_client(uri: &str, fleet: RedisFleet) -> Client {
    builder(uri, fleet).bearer_token("static").build().unwrap()
}

fn exchanging_client(uri: &str, fleet: RedisFleet) -> Client {
    builder(uri, fleet)
        .client_credentials("id", "secret")
        .build()
        .unwrap()
}

/// One call, which must end (either way) well within the call's timeout
/// plus a margin: a call that hangs fails the test here.
async fn call(client: &Client) -> Result<Vec<String>, Error> {
    tokio::time::timeout(
        TIMEOUT * 3,
        client.chatroom_members().list_admins("room1").into_future(),
    )
    .await
    .expect("the call ended instead of hanging")
}

fn fleet_error(result: Result<Vec<String>, Error>) -> agora_chat::FleetError {
    match result {
        Err(Error::Fleet(error)) => error,
        other => panic!("expected Error::Fleet, got {other:?}"),
    }
}

#[tokio::test]
async fn redis_stopped_mid_run_falls_back_to_per_process_limits_and_tokens() {
    let mut redis = RedisServer::start();
    let server = mock_api().await;
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let limited = static_client(&server.uri(), fleet.clone());
    let exchanging = exchanging_client(&server.uri(), fleet.clone());
    for _ in 0..10 {
        call(&limited).await.expect("shared limits");
        call(&exchanging).await.expect("shared token");
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);

    redis.stop();
    for _ in 0..10 {
        call(&limited).await.expect("per-process limits");
        call(&exchanging)
            .await
            .expect("the token held in the process");
    }
    // A replica started during the outage fetches a token of its own.
    let newcomer = exchanging_client(&server.uri(), fleet);
    call(&newcomer).await.expect("a token of its own");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
    assert_eq!(requests_to(&server, ADMINS_PATH).await, 41);

    // Back again (empty): bookings go to Redis once more, after the second
    // during which a failed Redis is left alone.
    redis.restart();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut shared = false;
    // Bounded: 50 calls, 100 ms apart (the first may meet the old
    // connection and pause Redis for another second).
    for _ in 0..50 {
        call(&limited).await.expect("shared limits again");
        if !redis.keys().is_empty() {
            shared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shared, "bookings went back to Redis");
}

#[tokio::test]
async fn redis_stopped_mid_run_fails_calls_when_the_policy_says_so() {
    let mut redis = RedisServer::start();
    let server = mock_api().await;
    let fleet = RedisFleet::new(&redis.url())
        .unwrap()
        .on_failure(FleetFailure::FailCall);
    let limited = static_client(&server.uri(), fleet.clone());
    for _ in 0..5 {
        call(&limited).await.expect("shared limits");
    }
    redis.stop();
    for _ in 0..3 {
        let error = fleet_error(call(&limited).await);
        assert!(error.purpose().contains("list_chatroom_admins"), "{error}");
        assert!(Error::Fleet(error).is_retryable());
    }
    // Nothing was sent without a booking.
    assert_eq!(requests_to(&server, ADMINS_PATH).await, 5);

    // A client that has no token cannot share one: it fails too, without
    // asking the token endpoint.
    let exchanging = exchanging_client(&server.uri(), fleet);
    let error = fleet_error(call(&exchanging).await);
    assert!(error.purpose().contains("token"), "{error}");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 0);
}

#[tokio::test]
async fn a_redis_that_is_not_there_is_a_failure_like_any_other() {
    let server = mock_api().await;
    let nowhere = format!("redis://127.0.0.1:{}/", free_port());
    let fallback = static_client(&server.uri(), RedisFleet::new(&nowhere).unwrap());
    call(&fallback).await.expect("per-process limits");
    let strict = static_client(
        &server.uri(),
        RedisFleet::new(&nowhere)
            .unwrap()
            .on_failure(FleetFailure::FailCall),
    );
    fleet_error(call(&strict).await);
}

#[tokio::test]
async fn a_redis_that_never_answers_holds_no_call_past_the_redis_timeout() {
    // Accepts connections and reads nothing: every round trip times out.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", silent.local_addr().unwrap());
    let server = mock_api().await;
    let strict = RedisFleet::new(&url)
        .unwrap()
        .on_failure(FleetFailure::FailCall);
    let error = fleet_error(call(&static_client(&server.uri(), strict.clone())).await);
    assert!(error.reason().contains("no answer within"), "{error}");
    let error = fleet_error(call(&exchanging_client(&server.uri(), strict)).await);
    assert!(error.purpose().contains("token"), "{error}");

    let lenient = RedisFleet::new(&url).unwrap();
    call(&exchanging_client(&server.uri(), lenient))
        .await
        .expect("falls back after the Redis timeout");
    drop(silent);
}
