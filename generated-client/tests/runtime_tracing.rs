//! Each call is one `agora_chat.request` span carrying the operation id,
//! method, path template, status, attempt number and duration.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_chat::{Client, RateLimitMode};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Fields recorded per span, by span name.
type Spans = Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>;

/// A minimal subscriber that keeps every span's fields.
struct Recorder {
    spans: Spans,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push((attributes.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn one_span_per_call_with_all_fields() {
    let server = MockServer::start().await;
    Mock::given(path("/org/app/chatrooms/room1/admin"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/org/app/chatrooms/room1/admin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri(), "org", "app")
        .bearer_token("token")
        .allow_http(true)
        .retry_delays(Duration::from_millis(1), Duration::from_millis(2))
        .rate_limits(RateLimitMode::Off)
        .build()
        .unwrap();

    let spans = Spans::default();
    let recorder = Recorder {
        spans: Arc::clone(&spans),
    };
    // The test runtime is single-threaded, so the thread-local default
    // subscriber sees the whole call.
    let _guard = tracing::subscriber::set_default(recorder);
    client
        .chatroom_members()
        .list_admins("room1")
        .await
        .unwrap();

    let spans = spans.lock().unwrap();
    let calls: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "agora_chat.request")
        .collect();
    assert_eq!(calls.len(), 1, "{spans:?}");
    let fields = &calls[0].1;
    assert_eq!(fields["operation"], "list_chatroom_admins");
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["path"], "/chatrooms/{chatroom_id}/admin");
    assert_eq!(fields["status"], "200");
    assert_eq!(fields["attempt"], "2");
    let duration: f64 = fields["duration_ms"].parse().unwrap();
    assert!(duration > 0.0, "{fields:?}");
}
