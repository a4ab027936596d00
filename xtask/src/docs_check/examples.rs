//! A section's examples against the operation's: every curl request and
//! every response the page shows must be one of the spec examples (its
//! `wire` request, its `response.body`), since each doc example belongs in
//! the spec as a test.
//!
//! Requests compare by method, path and query (percent-decoded, query pairs
//! in any order) and body (as JSON when both parse; form text by its pairs;
//! not at all for `-F` uploads); responses by their JSON value. Whitespace
//! never counts. A doc example the spec holds only in a fixed form is
//! explained by an erratum quoting the broken part of it.

use agora_chat_generator::form;
use agora_chat_generator::spec::model::{BodyKind, Operation, Wire};

use super::{Finding, Kind};
use crate::docs::example::{Body, CurlRequest, ExampleKind};
use crate::docs::{Page, Section};
use crate::spec_index::Located;

pub fn check(page: &Page, section: &Section, op: &Located<Operation>, out: &mut Vec<Finding>) {
    let o = &op.item;
    let form_body = o.request.as_ref().is_some_and(|r| r.kind == BodyKind::Form);
    for example in &section.examples {
        let (found, what) = match &example.kind {
            ExampleKind::Request(r) => (
                o.examples
                    .iter()
                    .any(|e| same_request(r, &e.wire, form_body)),
                format!(
                    "request example ({} {}{}) is not a spec example",
                    r.method,
                    r.path,
                    r.query
                        .as_ref()
                        .map(|q| format!("?{q}"))
                        .unwrap_or_default()
                )
                // A broken quote can pull the next line into the URL.
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            ),
            ExampleKind::Response(body) => (
                o.examples
                    .iter()
                    .any(|e| Body::read(&e.response.body) == *body),
                "response example is not the response of a spec example".to_string(),
            ),
        };
        if !found {
            let mut finding =
                Finding::at(page, &section.heading, example.line, Kind::Example, what).op(op);
            finding.quoted_in = Some(example.lines.join("\n"));
            out.push(finding);
        }
    }
}

fn same_request(doc: &CurlRequest, wire: &Wire, form_body: bool) -> bool {
    let body = || match (&doc.body, &wire.body) {
        _ if doc.form => true,
        (None, None) => true,
        (Some(Body::Text(text)), Some(spec)) if form_body => {
            query_pairs(Some(text)) == query_pairs(Some(spec))
        }
        (Some(doc), Some(spec)) => *doc == Body::read(spec),
        _ => false,
    };
    doc.method == wire.method.as_str()
        && decoded(&doc.path) == decoded(&wire.path)
        && query_pairs(doc.query.as_deref()) == query_pairs(wire.query.as_deref())
        && body()
}

/// A path percent-decoded (`XXXX%2CXXXX` is `XXXX,XXXX`); as written when
/// it does not decode.
fn decoded(path: &str) -> String {
    form::pairs(&format!("p={}", path.replace('+', "%2B")))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map_or_else(|| path.to_string(), |(_, value)| value)
}

/// Query (or form) pairs, decoded and sorted; the text itself when it does
/// not decode.
fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, String> {
    let mut pairs = form::pairs(query.unwrap_or_default())
        .map_err(|_| query.unwrap_or_default().to_string())?;
    pairs.sort();
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_chat_generator::spec::model::Method;

    fn wire(method: Method, path: &str, query: Option<&str>, body: Option<&str>) -> Wire {
        Wire {
            method,
            path: path.into(),
            query: query.map(Into::into),
            headers: Default::default(),
            body: body.map(Into::into),
        }
    }

    fn doc(method: &str, path: &str, query: Option<&str>, body: Option<&str>) -> CurlRequest {
        CurlRequest {
            method: method.into(),
            path: path.into(),
            query: query.map(Into::into),
            body: body.map(Body::read),
            form: false,
        }
    }

    #[test]
    fn requests_match_whatever_the_spelling() {
        let spec = wire(
            Method::POST,
            "/w/a%2Cb",
            Some("x=1&y=2"),
            Some("{\"a\": [1, 2]}"),
        );
        assert!(same_request(
            &doc(
                "POST",
                "/w/a,b",
                Some("y=2&x=1"),
                Some("{\n  \"a\": [1,2]\n}")
            ),
            &spec,
            false
        ));
        assert!(!same_request(
            &doc("PUT", "/w/a,b", Some("x=1&y=2"), Some("{\"a\": [1, 2]}")),
            &spec,
            false
        ));
        assert!(!same_request(
            &doc("POST", "/w/a,b", Some("x=1"), Some("{\"a\": [1, 2]}")),
            &spec,
            false
        ));
        assert!(!same_request(
            &doc("POST", "/w/a,b", Some("x=1&y=2"), None),
            &spec,
            false
        ));
        assert!(!same_request(
            &doc("POST", "/w/a,b", Some("x=1&y=2"), Some("{\"a\": [2]}")),
            &spec,
            false
        ));
        let form = wire(Method::POST, "/token", None, Some("a=1&b=x+y"));
        assert!(same_request(
            &doc("POST", "/token", None, Some("b=x%20y&a=1")),
            &form,
            true
        ));
        let upload = CurlRequest {
            form: true,
            ..doc("POST", "/files", None, None)
        };
        assert!(same_request(
            &upload,
            &wire(Method::POST, "/files", None, None),
            false
        ));
    }
}
