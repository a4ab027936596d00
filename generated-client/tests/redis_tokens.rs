//! The access token shared through a real Redis: separate clients (each
//! with its own token cache, as separate processes would have) fetch one
//! token between them, share the refresh after a 401, and leave nothing
//! secret in Redis but the token.
//!
//! Operation used: `list_chatroom_admins` (GET), with client credentials
//! exchanged at `POST /org/app/token`.

mod redis_support;

use std::time::Duration;

use agora_chat::fleet::RedisFleet;
use agora_chat::{Client, RateLimitMode};
use redis_support::{RedisServer, call_from_each, requests_to};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ADMINS_PATH: &str = "/org/app/chatrooms/room1/admin";
const TOKEN_PATH: &str = "/org/app/token";
const CLIENT_SECRET: &str = "client-secret-value-42";
const TOKEN_KEY: &str = "agora-chat:org/app:token";

fn token(value: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": value, "expires_in": 3600, "application": "app"}))
        // Long enough for every replica to ask while it is in flight.
        .set_delay(Duration::from_millis(200))
}

fn admins_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"action": "get", "data": ["admin1"]}))
}

fn replica(uri: &str, fleet: RedisFleet) -> Client {
    Client::builder(uri, "org", "app")
        .allow_http(true)
        .client_credentials("client-id", CLIENT_SECRET)
        .rate_limits(RateLimitMode::Off)
        .fleet(fleet)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn four_replicas_fetch_one_token_and_redis_holds_no_secret() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token("tok-one"))
        .mount(&server)
        .await;
    Mock::given(path(ADMINS_PATH))
        .and(header("authorization", "Bearer tok-one"))
        .respond_with(admins_ok())
        .mount(&server)
        .await;
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let replicas: Vec<Client> = (0..4)
        .map(|_| replica(&server.uri(), fleet.clone()))
        .collect();
    call_from_each(&replicas, 5).await;
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, ADMINS_PATH).await, 20);

    // Redis holds the token (with an expiry at its refresh time: 3/4 of
    // the hour) and nothing else: the lock is gone, and the client secret
    // appears nowhere, in no key and no value.
    assert_eq!(redis.keys(), [TOKEN_KEY]);
    assert_eq!(
        redis.command(&["GET", TOKEN_KEY]).as_deref(),
        Some("tok-one")
    );
    let ttl: i64 = redis
        .command(&["PTTL", TOKEN_KEY])
        .unwrap()
        .trim_start_matches(':')
        .parse()
        .unwrap();
    assert!((2_600_000..=2_700_000).contains(&ttl), "{ttl}");
    let everything = redis.dump();
    assert!(!everything.contains(CLIENT_SECRET), "{everything}");
    assert!(!everything.contains("client-id"), "{everything}");

    // A replica started later reads the stored token without fetching.
    let late = replica(&server.uri(), fleet);
    call_from_each(std::slice::from_ref(&late), 5).await;
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
}

#[tokio::test]
async fn a_401_is_refreshed_once_for_the_whole_fleet() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token("tok-old"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token("tok-new"))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path(ADMINS_PATH))
        .and(header("authorization", "Bearer tok-old"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "unauthorized"})))
        .mount(&server)
        .await;
    Mock::given(path(ADMINS_PATH))
        .and(header("authorization", "Bearer tok-new"))
        .respond_with(admins_ok())
        .mount(&server)
        .await;
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let replicas: Vec<Client> = (0..4)
        .map(|_| replica(&server.uri(), fleet.clone()))
        .collect();
    // Every call gets tok-old, a 401, and then tok-new: two fetches in all.
    call_from_each(&replicas, 5).await;
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
    assert_eq!(
        redis.command(&["GET", TOKEN_KEY]).as_deref(),
        Some("tok-new")
    );
}

#[tokio::test]
async fn a_lock_left_by_a_dead_process_only_delays_until_it_expires() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token("tok-one"))
        .mount(&server)
        .await;
    Mock::given(path(ADMINS_PATH))
        .respond_with(admins_ok())
        .mount(&server)
        .await;
    // A process took the lock and died: it expires in 300 ms.
    assert_eq!(
        redis
            .command(&["SET", "agora-chat:org/app:token-lock", "dead", "PX", "300"])
            .as_deref(),
        Some("+OK")
    );
    let client = replica(&server.uri(), RedisFleet::new(&redis.url()).unwrap());
    client
        .chatroom_members()
        .list_admins("room1")
        .await
        .expect("fetched once the lock expired");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(redis.keys(), [TOKEN_KEY]);
}
