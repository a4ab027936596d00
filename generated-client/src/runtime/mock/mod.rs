//! The test kit behind the `mock` feature: a local Agora server that checks
//! every request against the spec and answers with typed values.
//!
//! The tables it checks against are generated (`src/generated/mock.rs`,
//! from the IR); this module holds what every operation shares: the
//! server, the checks ([`check`]), typed expectations ([`Expect`]),
//! recorded calls and pagination.

mod check;
mod multipart;
mod pages;
pub(crate) mod table;

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use self::check::Incoming;
use self::table::{ApiSpec, OpSpec, PayloadSpec};
use crate::{Client, ClientBuilder, ErrorCode, RateLimitMode};

/// The org name the clients of [`MockServer::client`] use.
pub const MOCK_ORG: &str = "mock-org";
/// The app name the clients of [`MockServer::client`] use.
pub const MOCK_APP: &str = "mock-app";
/// The bearer token the clients of [`MockServer::client`] send.
pub const MOCK_TOKEN: &str = "mock-token";

/// A way a request broke the spec: the operation (when the method and path
/// fit one), the field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The operation id, e.g. `get_user`; `None` when no operation has the
    /// request's method and path.
    pub operation: Option<String>,
    /// The field, parameter, header or part, e.g. `username`, `limit`,
    /// `members[3]`, `Content-Type`; `path` when no operation fits.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "`{op}`: `{}` {}", self.field, self.message),
            None => write!(f, "`{}`: {}", self.field, self.message),
        }
    }
}

/// Something that fails a test when the server is verified or dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A request broke the spec.
    Violation(Violation),
    /// An expectation was not met as often as it asked.
    Unmet {
        /// The operation id.
        operation: &'static str,
        /// How often it was to be met: `at least once` or `exactly 2 times`.
        expected: String,
        /// How often it was.
        matched: usize,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Violation(v) => write!(f, "spec violation: {v}"),
            Problem::Unmet {
                operation,
                expected,
                matched,
            } => write!(
                f,
                "unmet expectation: `{operation}` was to be called {expected}, matched {matched} times"
            ),
        }
    }
}

/// A request the server received, with the operation it was checked as.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    /// The operation id, when the method and path fit one.
    pub operation: Option<&'static str>,
    /// The method.
    pub method: String,
    /// The path as sent (percent-encoded), org and app included.
    pub path: String,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    /// The headers, by lower-case name.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The spec violations of this request.
    pub violations: Vec<Violation>,
    args: Value,
}

impl RecordedCall {
    /// Every argument the request carried, by wire name, with the type the
    /// spec gives it (path, query, header and body values together).
    pub fn args(&self) -> &Value {
        &self.args
    }
}

/// A file part of a multipart request, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FilePart {
    /// The part's `filename`.
    pub file_name: Option<String>,
    /// The part's own `Content-Type`.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
}

/// How often an expectation is to be met.
#[derive(Debug, Clone, Copy)]
enum Times {
    AtLeastOnce,
    Exactly(usize),
    Any,
}

/// A canned answer.
#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
enum Reply {
    Canned(Canned),
    Pages(Vec<Value>),
}

type Matcher = Box<dyn Fn(&Value) -> bool + Send + Sync>;

struct Registered {
    op: &'static OpSpec,
    matcher: Option<Matcher>,
    reply: Reply,
    delay: Option<Duration>,
    times: Times,
    hits: usize,
}

impl Registered {
    fn exhausted(&self) -> bool {
        matches!(self.times, Times::Exactly(n) if self.hits >= n)
    }

    fn unmet(&self) -> Option<Problem> {
        let (expected, met) = match self.times {
            Times::AtLeastOnce => ("at least once".to_owned(), self.hits >= 1),
            Times::Exactly(n) => (format!("exactly {n} times"), self.hits == n),
            Times::Any => (String::new(), true),
        };
        (!met).then_some(Problem::Unmet {
            operation: self.op.id,
            expected,
            matched: self.hits,
        })
    }
}

#[derive(Default)]
struct State {
    expectations: Vec<Registered>,
    calls: Vec<RecordedCall>,
    violations: Vec<Violation>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A local Agora Chat server for tests, on 127.0.0.1.
///
/// Every request it receives is checked against the spec (method, path,
/// parameters, required fields, types, documented limits, content type,
/// headers); a request that breaks it is answered with 400 and fails the
/// test when the server is [verified](Self::verify) or dropped, with a
/// message naming the operation and the field. Requests that pass are
/// answered by the first matching expectation, or else with the doc
/// example's response of their operation.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mock = agora_chat::mock::MockServer::start().await;
/// let client = mock.client();
/// client.users().get("alice").await.expect("the doc example's response");
/// assert_eq!(mock.calls()[0].operation, Some("get_user"));
/// # }
/// ```
pub struct MockServer {
    server: wiremock::MockServer,
    state: Arc<Mutex<State>>,
    spec: &'static ApiSpec,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish()
    }
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> MockServer {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        let spec = &crate::mock::SPEC;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Answer {
                state: Arc::clone(&state),
                spec,
            })
            .mount(&server)
            .await;
        MockServer {
            server,
            state,
            spec,
        }
    }

    /// The server's address, `http://127.0.0.1:<port>`: the host to give
    /// [`Client::builder`].
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client builder for this server: org [`MOCK_ORG`], app
    /// [`MOCK_APP`], token [`MOCK_TOKEN`], plain HTTP allowed and no
    /// client-side rate limits. Set anything else, then `build` it.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.uri(), MOCK_ORG, MOCK_APP)
            .bearer_token(MOCK_TOKEN)
            .allow_http(true)
            .rate_limits(RateLimitMode::Off)
    }

    /// A client for this server, as [`client_builder`](Self::client_builder)
    /// makes it.
    ///
    /// # Panics
    ///
    /// Never in practice: the builder's settings are fixed and valid. A
    /// failure would be a bug of the kit, reported as a test failure.
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(e) => panic!("agora_chat::mock: the mock's client does not build: {e}"),
        }
    }

    /// Every request received so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        lock(&self.state).calls.clone()
    }

    /// Every problem so far: spec violations, then expectations not met.
    pub fn problems(&self) -> Vec<Problem> {
        let state = lock(&self.state);
        let mut problems: Vec<Problem> = state
            .violations
            .iter()
            .cloned()
            .map(Problem::Violation)
            .collect();
        problems.extend(state.expectations.iter().filter_map(Registered::unmet));
        problems
    }

    /// The spec violations so far, removed: a test that sends a bad request
    /// on purpose takes them so that the server does not fail it.
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut lock(&self.state).violations)
    }

    /// Forgets every expectation, recorded call and violation.
    pub fn reset(&self) {
        *lock(&self.state) = State::default();
    }

    /// Fails the test (panics) with every [problem](Self::problems), one a
    /// line; does nothing when there is none. Dropping the server does the
    /// same, unless the thread is already panicking.
    pub fn verify(&self) {
        let problems = self.problems();
        if !problems.is_empty() {
            panic!("{}", report(&problems));
        }
    }

    fn op(&self, id: &str) -> Option<&'static OpSpec> {
        self.spec.operations.iter().find(|op| op.id == id)
    }

    fn register(&self, registered: Registered) {
        lock(&self.state).expectations.push(registered);
    }
}

fn report(problems: &[Problem]) -> String {
    let mut text = format!("agora_chat::mock: {} problem(s):", problems.len());
    for p in problems {
        text.push_str("\n  ");
        text.push_str(&p.to_string());
    }
    text
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let problems = self.problems();
        if !problems.is_empty() {
            panic!("{}", report(&problems));
        }
    }
}

/// Answers every request: check, record, then the first matching
/// expectation or the operation's default response.
struct Answer {
    state: Arc<Mutex<State>>,
    spec: &'static ApiSpec,
}

impl wiremock::Respond for Answer {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let incoming = Incoming {
            method: request.method.as_str().to_ascii_uppercase(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: request.body.clone(),
        };
        let mut checked = check::check(self.spec, &incoming);
        if let Some(op) = checked.op
            && checked.violations.is_empty()
            && let Err(message) = (op.decode)(&checked.args)
        {
            checked.violations.push(Violation {
                operation: Some(op.id.to_owned()),
                field: "request".to_owned(),
                message,
            });
        }
        let mut state = lock(&self.state);
        state.calls.push(RecordedCall {
            operation: checked.op.map(|op| op.id),
            method: incoming.method,
            path: incoming.path,
            query: incoming.query,
            headers: incoming.headers,
            body: incoming.body,
            violations: checked.violations.clone(),
            args: checked.args.clone(),
        });
        let Some(op) = checked.op else {
            state.violations.extend(checked.violations.iter().cloned());
            let message = joined(&checked.violations);
            return template(&error_reply(404, "resource_not_found", &message), None);
        };
        if !checked.violations.is_empty() {
            state.violations.extend(checked.violations.iter().cloned());
            let message = joined(&checked.violations);
            return template(&error_reply(400, "illegal_argument", &message), None);
        }
        let found = state.expectations.iter_mut().find(|e| {
            std::ptr::eq(e.op, op)
                && !e.exhausted()
                && e.matcher.as_ref().is_none_or(|m| m(&checked.args))
        });
        match found {
            Some(expectation) => {
                expectation.hits += 1;
                let delay = expectation.delay;
                let reply = match &expectation.reply {
                    Reply::Canned(canned) => canned.clone(),
                    Reply::Pages(items) => match pages::page(op, items, &checked.args) {
                        Ok(canned) => canned,
                        Err(violation) => {
                            let message = violation.to_string();
                            state.violations.push(violation);
                            error_reply(400, "illegal_argument", &message)
                        }
                    },
                };
                template(&reply, delay)
            }
            None => template(&default_reply(op), None),
        }
    }
}

fn template(reply: &Canned, delay: Option<Duration>) -> wiremock::ResponseTemplate {
    let mut t = wiremock::ResponseTemplate::new(reply.status)
        .set_body_raw(reply.body.clone(), reply.content_type);
    for (name, value) in &reply.headers {
        t = t.insert_header(name.as_str(), value.as_str());
    }
    if let Some(delay) = delay {
        t = t.set_delay(delay);
    }
    t
}

fn default_reply(op: &OpSpec) -> Canned {
    Canned {
        status: op.response.status,
        body: op.response.body.as_bytes().to_vec(),
        content_type: if op.response.binary {
            "application/octet-stream"
        } else {
            "application/json"
        },
        headers: Vec::new(),
    }
}

/// An Agora error body.
/// Every violation's message, for the error body that refuses a request.
fn joined(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn error_reply(status: u16, code: &str, description: &str) -> Canned {
    let body = serde_json::json!({
        "error": code,
        "exception": "agora_chat.mock",
        "timestamp": 0,
        "duration": 0,
        "error_description": description,
    });
    Canned {
        status,
        body: body.to_string().into_bytes(),
        content_type: "application/json",
        headers: Vec::new(),
    }
}

/// The default response of `op` with its payload replaced by `payload`.
fn with_payload(op: &OpSpec, payload: Value) -> Value {
    let mut base: Value =
        serde_json::from_str(op.response.body).unwrap_or_else(|_| Value::Object(Map::new()));
    if payload.is_null() {
        return base;
    }
    let payload = if op.response.single {
        Value::Array(vec![payload])
    } else {
        payload
    };
    match op.response.payload {
        PayloadSpec::Key(key) => {
            if !base.is_object() {
                base = Value::Object(Map::new());
            }
            if let Some(object) = base.as_object_mut() {
                object.insert(key.to_owned(), payload);
            }
            base
        }
        PayloadSpec::Root => payload,
    }
}

/// Checks that a request's arguments decode as the typed call `C`; the
/// error names the field that does not. Each operation's table entry
/// points at this function for its own call type.
pub(crate) fn decode<C: DeserializeOwned>(args: &Value) -> Result<(), String> {
    typed::<C>(args).map(|_| ())
}

fn typed<C: DeserializeOwned>(args: &Value) -> Result<C, String> {
    serde_path_to_error::deserialize::<_, C>(args).map_err(|e| {
        format!(
            "does not decode as the typed call: at `{}`: {}",
            e.path(),
            e.inner()
        )
    })
}

/// An expectation for one operation, written with its typed call `C` (the
/// request's arguments) and its payload type `R`; it does nothing until one
/// of the `respond` methods registers it.
///
/// Registered expectations are tried in order; the first one whose
/// operation is the request's and whose [`when`](Self::when) holds answers
/// it. An expectation is to be met at least once unless
/// [`times`](Self::times) or [`any_number_of_times`](Self::any_number_of_times)
/// says otherwise.
#[must_use = "an expectation does nothing until one of its `respond` methods is called"]
pub struct Expect<'m, C, R> {
    server: &'m MockServer,
    op: Option<&'static OpSpec>,
    op_id: &'static str,
    matcher: Option<Matcher>,
    times: Times,
    delay: Option<Duration>,
    types: PhantomData<fn(&C) -> R>,
}

impl<C, R> fmt::Debug for Expect<'_, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expect")
            .field("operation", &self.op_id)
            .finish_non_exhaustive()
    }
}

impl<'m, C: DeserializeOwned + 'static, R: Serialize> Expect<'m, C, R> {
    /// The expectation of the operation `id` (generated code only).
    pub(crate) fn new(server: &'m MockServer, id: &'static str) -> Self {
        Expect {
            server,
            op: server.op(id),
            op_id: id,
            matcher: None,
            times: Times::AtLeastOnce,
            delay: None,
            types: PhantomData,
        }
    }

    /// Answers only requests whose typed call satisfies `predicate`.
    pub fn when(mut self, predicate: impl Fn(&C) -> bool + Send + Sync + 'static) -> Self {
        self.matcher = Some(Box::new(move |args: &Value| {
            typed::<C>(args).is_ok_and(|call| predicate(&call))
        }));
        self
    }

    /// Answers exactly `n` requests, then lets later expectations (or the
    /// default response) answer; fewer than `n` is a problem.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Times::Exactly(n);
        self
    }

    /// Never a problem, however often it is met (zero times included).
    pub fn any_number_of_times(mut self) -> Self {
        self.times = Times::Any;
        self
    }

    /// Answers after `delay` (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    fn register(self, reply: Reply) {
        let Some(op) = self.op else {
            return;
        };
        self.server.register(Registered {
            op,
            matcher: self.matcher,
            reply,
            delay: self.delay,
            times: self.times,
            hits: 0,
        });
    }

    /// Answers with `value` as the payload, inside the doc example's
    /// envelope (status 200). For a download, `value` is the file's bytes.
    pub fn respond(self, value: R) {
        let Some(op) = self.op else {
            return;
        };
        let json = serde_json::to_value(&value).unwrap_or(Value::Null);
        let canned = if op.response.binary {
            let bytes = json
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                        .collect()
                })
                .unwrap_or_default();
            Canned {
                status: 200,
                body: bytes,
                content_type: "application/octet-stream",
                headers: Vec::new(),
            }
        } else {
            Canned {
                status: 200,
                body: with_payload(op, json).to_string().into_bytes(),
                content_type: "application/json",
                headers: Vec::new(),
            }
        };
        self.register(Reply::Canned(canned));
    }

    /// Answers with the operation's doc example response.
    pub fn respond_default(self) {
        let Some(op) = self.op else {
            return;
        };
        self.register(Reply::Canned(default_reply(op)));
    }

    /// Answers with an Agora error body carrying `code`, with the status
    /// the spec documents for it (400 for a code it does not list).
    pub fn respond_error(self, code: ErrorCode, description: impl Into<String>) {
        let status = self
            .server
            .spec
            .error_statuses
            .iter()
            .find(|(c, _)| *c == code.as_str())
            .map_or(400, |(_, s)| *s);
        self.respond_error_status(status, code, description);
    }

    /// Answers with an Agora error body carrying `code`, with `status`.
    pub fn respond_error_status(
        self,
        status: u16,
        code: ErrorCode,
        description: impl Into<String>,
    ) {
        let reply = error_reply(status, code.as_str(), &description.into());
        self.register(Reply::Canned(reply));
    }

    /// Answers 429 with `Retry-After` set to `retry_after` (whole seconds,
    /// rounded up): the client waits and retries when the operation is safe
    /// to repeat.
    pub fn rate_limited(self, retry_after: Duration) {
        let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        let mut reply = error_reply(429, "reach_limit", "rate limited by the mock");
        reply
            .headers
            .push(("retry-after".to_owned(), seconds.to_string()));
        self.register(Reply::Canned(reply));
    }

    /// Answers each page of a paged operation from `items`, the way the
    /// server pages them: the page size from the request (its default and
    /// cap from the spec), the cursor or page number it sends, and the next
    /// cursor in the place the spec says, absent after the last page.
    pub(crate) fn respond_pages<T: Serialize>(self, items: Vec<T>) {
        let items = items
            .iter()
            .map(|item| serde_json::to_value(item).unwrap_or(Value::Null))
            .collect();
        self.register(Reply::Pages(items));
    }

    /// Every request of this operation received so far, as typed calls, in
    /// order (a request that does not decode is left out; it is a
    /// violation already).
    pub fn calls(&self) -> Vec<C> {
        lock(&self.server.state)
            .calls
            .iter()
            .filter(|c| c.operation == Some(self.op_id) && c.violations.is_empty())
            .filter_map(|c| typed::<C>(&c.args).ok())
            .collect()
    }
}
