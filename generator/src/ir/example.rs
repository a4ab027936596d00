//! Doc examples, typed: the arguments a caller passes, the request that must
//! go on the wire and the response that must decode.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Method, Source};

/// One request/response pair from the docs.
#[derive(Debug, Clone)]
pub struct Example {
    /// Short name, unique within the operation.
    pub name: String,
    /// `{operation}_{name in snake_case}`: unique across the API, the name of
    /// the example in every output (tests, OpenAPI example keys).
    pub key: String,
    /// Where it was read, when not the operation's source.
    pub source: Option<Source>,
    /// Errata explaining fixes made to it.
    pub errata: Vec<String>,
    /// The typed arguments.
    pub args: ExampleArgs,
    /// The request the docs show.
    pub wire: Wire,
    /// The response the docs show.
    pub response: ExampleResponse,
}

/// The arguments of an example call, by wire name.
#[derive(Debug, Clone, Default)]
pub struct ExampleArgs {
    /// Every path parameter (a YAML list for comma lists).
    pub path: BTreeMap<String, Value>,
    /// The query parameters set.
    pub query: BTreeMap<String, Value>,
    /// The header parameters set.
    pub headers: BTreeMap<String, Value>,
    /// The body arguments: given explicitly, or read from the wire body.
    pub body: BTreeMap<String, Value>,
}

/// An HTTP request as the docs show it.
#[derive(Debug, Clone)]
pub struct Wire {
    /// The method.
    pub method: Method,
    /// Path after `/{org_name}/{app_name}`, percent-encoded as sent.
    pub path: String,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    /// Request headers the client must send, by lower-case name. A value
    /// without parameters matches a sent value with parameters
    /// (`multipart/form-data` matches `multipart/form-data; boundary=..`).
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Option<WireBody>,
}

/// A request body as the docs show it.
#[derive(Debug, Clone)]
pub struct WireBody {
    /// The text, verbatim or minimally fixed (see the errata).
    pub text: String,
    /// The text read as JSON; for a form body, its pairs as an object whose
    /// values have the fields' types.
    pub value: Value,
}

/// A response as the docs show it.
#[derive(Debug, Clone)]
pub struct ExampleResponse {
    /// HTTP status.
    pub status: u16,
    /// The body text (the file content for a download).
    pub body: String,
    /// The body parsed, for JSON responses.
    pub json: Option<Value>,
    /// Values the decoded response must carry: (JSON pointer into the body,
    /// value), in pointer order.
    pub expect: Vec<(String, Value)>,
}

impl Wire {
    /// The wire's body text, if it has one.
    pub fn body_text(&self) -> Option<&str> {
        self.body.as_ref().map(|b| b.text.as_str())
    }
}
