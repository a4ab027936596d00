//! Rate limits shared through a real Redis: separate clients (each with
//! its own limiter, as separate processes would have) on one Redis keep one
//! limit between them, and a 429 pauses the operation for all of them.
//!
//! That the shared limit admits the full rate is the fleet benchmark's
//! business (`cargo xtask bench fleet`); these tests check what a loaded
//! machine cannot fake: no window holds more than the limit.
//!
//! Operation used: `list_chatroom_admins` (GET, documented at 100/s).

mod redis_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agora_chat::fleet::RedisFleet;
use agora_chat::{Client, Error, RateLimitMode};
use redis_support::{RedisServer, call_from_each};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ADMINS_PATH: &str = "/org/app/chatrooms/room1/admin";
const LOG_KEY: &str = "agora-chat:org/app:limit:list_chatroom_admins";
const PAUSE_KEY: &str = "agora-chat:org/app:pause:list_chatroom_admins";

/// When each request reached the server.
#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Respond for Arrivals {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        ResponseTemplate::new(200).set_body_json(json!({"action": "get", "data": ["admin1"]}))
    }
}

impl Arrivals {
    fn sorted(&self) -> Vec<Instant> {
        let mut times = self.0.lock().unwrap().clone();
        times.sort();
        times
    }
}

/// The most arrivals within `window` of any one arrival.
fn busiest(times: &[Instant], window: Duration) -> usize {
    (0..times.len())
        .map(|start| {
            times[start..]
                .iter()
                .take_while(|&&at| at < times[start] + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// A client of its own (its own limiter and connection, as a separate
/// process has), sharing through `fleet` when given.
fn replica(uri: &str, fleet: Option<RedisFleet>, mode: RateLimitMode) -> Client {
    let builder = Client::builder(uri, "org", "app")
        .allow_http(true)
        .bearer_token("static-token")
        .max_attempts(1)
        .rate_limits(mode);
    match fleet {
        Some(fleet) => builder.fleet(fleet),
        None => builder,
    }
    .build()
    .expect("client builds")
}

#[tokio::test]
async fn replicas_on_one_redis_keep_one_limit_between_them() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    let arrivals = Arrivals::default();
    Mock::given(path(ADMINS_PATH))
        .respond_with(arrivals.clone())
        .mount(&server)
        .await;
    // 100/s scaled to 20/s; three replicas send 20 calls each at once.
    let mode = RateLimitMode::Scaled(0.2);
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let replicas: Vec<Client> = (0..3)
        .map(|_| replica(&server.uri(), Some(fleet.clone()), mode))
        .collect();
    call_from_each(&replicas, 20).await;

    let times = arrivals.sorted();
    assert_eq!(times.len(), 60);
    // Each replica alone would admit its 20 at once: 60 in the first
    // second. Shared, no second holds more than 20 (the window is 10 ms
    // short of a second, for scheduling delays between client and server).
    let within = busiest(&times, Duration::from_millis(990));
    assert!(within <= 20, "{within} arrivals within one second");
    // The shared log holds the answered sends of the last window (at most
    // 20), none in flight any more.
    let log = redis.zset(LOG_KEY);
    assert!((1..=20).contains(&log.len()), "{log:?}");
    assert_eq!(redis.keys(), [LOG_KEY]);
}

#[tokio::test]
async fn without_a_fleet_each_replica_keeps_its_own_limit() {
    // The overshoot the shared limit prevents, so the test above can fail.
    let server = MockServer::start().await;
    let arrivals = Arrivals::default();
    Mock::given(path(ADMINS_PATH))
        .respond_with(arrivals.clone())
        .mount(&server)
        .await;
    let mode = RateLimitMode::Scaled(0.2);
    let replicas: Vec<Client> = (0..3).map(|_| replica(&server.uri(), None, mode)).collect();
    call_from_each(&replicas, 20).await;
    let times = arrivals.sorted();
    assert_eq!(times.len(), 60);
    assert!(busiest(&times, Duration::from_secs(1)) > 20);
}

#[tokio::test]
async fn keys_follow_the_prefix_and_hold_only_send_times() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(path(ADMINS_PATH))
        .respond_with(Arrivals::default())
        .mount(&server)
        .await;
    let fleet = RedisFleet::new(&redis.url())
        .unwrap()
        .key_prefix("staging:");
    let client = replica(&server.uri(), Some(fleet), RateLimitMode::Documented);
    call_from_each(std::slice::from_ref(&client), 3).await;
    assert_eq!(redis.keys(), ["staging:org/app:limit:list_chatroom_admins"]);
    // One ticket per send, scored by when its answer came (microseconds).
    let log = redis.zset("staging:org/app:limit:list_chatroom_admins");
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(
        log.iter().all(|(_, at)| *at > 1_600_000_000_000_000),
        "{log:?}"
    );
    // The log expires by itself once it no longer limits anything.
    let ttl: i64 = redis
        .command(&["PTTL", "staging:org/app:limit:list_chatroom_admins"])
        .unwrap()
        .trim_start_matches(':')
        .parse()
        .unwrap();
    assert!((1..=2_100).contains(&ttl), "{ttl}");
}

#[tokio::test]
async fn limiting_off_leaves_redis_alone() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(path(ADMINS_PATH))
        .respond_with(Arrivals::default())
        .mount(&server)
        .await;
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let client = replica(&server.uri(), Some(fleet), RateLimitMode::Off);
    call_from_each(std::slice::from_ref(&client), 3).await;
    assert!(redis.keys().is_empty());
}

#[tokio::test]
async fn a_429_pauses_the_operation_for_every_replica() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(path(ADMINS_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "2")
                .set_body_json(json!({"error": "reach_limit"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let arrivals = Arrivals::default();
    Mock::given(path(ADMINS_PATH))
        .respond_with(arrivals.clone())
        .mount(&server)
        .await;
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let first = replica(
        &server.uri(),
        Some(fleet.clone()),
        RateLimitMode::Documented,
    );
    let other = replica(&server.uri(), Some(fleet), RateLimitMode::Documented);

    // One attempt only: the 429 is the answer of the first replica.
    let refused = first.chatroom_members().list_admins("room1").await;
    let refused_at = Instant::now();
    match refused {
        Err(Error::Api(error)) => assert_eq!(error.retry_after(), Some(Duration::from_secs(2))),
        other => panic!("expected the 429, got {other:?}"),
    }
    let pause: i64 = redis
        .command(&["PTTL", PAUSE_KEY])
        .unwrap()
        .trim_start_matches(':')
        .parse()
        .unwrap();
    assert!((1..=2_001).contains(&pause), "pause of {pause} ms");

    // The other replica, which never saw a 429, waits out the pause.
    other
        .chatroom_members()
        .list_admins("room1")
        .await
        .expect("goes after the pause");
    let arrived = arrivals.sorted()[0];
    let paused_ms = u64::try_from(pause).unwrap();
    // Measured from after the pause was read: it cannot arrive sooner.
    assert!(
        arrived >= refused_at + Duration::from_millis(paused_ms.saturating_sub(50)),
        "arrived {:?} after the 429",
        arrived.duration_since(refused_at)
    );
}

#[tokio::test]
async fn a_send_counts_until_a_window_after_its_answer() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    let arrivals = Arrivals::default();
    // Wiremock records the arrival, then holds the answer back 300 ms.
    Mock::given(path(ADMINS_PATH))
        .respond_with(SlowAnswer(arrivals.clone()))
        .mount(&server)
        .await;
    // 100/s scaled to 5/s: six calls at once, the sixth must wait.
    let fleet = RedisFleet::new(&redis.url()).unwrap();
    let client = replica(&server.uri(), Some(fleet), RateLimitMode::Scaled(0.05));
    call_from_each(std::slice::from_ref(&client), 6).await;
    let times = arrivals.sorted();
    assert_eq!(times.len(), 6);
    // The first five went at once; the sixth a window after the first
    // answer, not a window after the first send (which a server that saw a
    // request late could count in the same window as the sixth).
    let gap = times[5].duration_since(times[0]);
    assert!(gap >= Duration::from_millis(1_250), "sixth after {gap:?}");
}

/// Records arrivals and answers 300 ms later.
struct SlowAnswer(Arrivals);

impl Respond for SlowAnswer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0
            .respond(request)
            .set_delay(Duration::from_millis(300))
    }
}
