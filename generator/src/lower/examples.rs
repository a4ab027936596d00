//! Doc examples: every argument checked against its parameter or field, the
//! wire request against the operation, the response against the payload
//! shape; then typed for the emitters.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use super::values::Problems;
use super::{At, Lowerer};
use crate::ir::{
    BodyKind, Example, ExampleArgs, ExampleResponse, Limits, Operation, ResponseBody, Shape, Ty,
    Wire, WireBody,
};
use crate::spec::model;

impl Lowerer<'_> {
    pub(super) fn examples(
        &mut self,
        at: &At,
        op: &model::Operation,
        lowered: &Operation,
    ) -> Vec<Example> {
        let mut keys = BTreeSet::new();
        let mut examples = Vec::new();
        for (i, ex) in op.examples.iter().enumerate() {
            let field = format!("examples[{i}]");
            let key = format!("{}_{}", op.id.value, ex.name.to_snake_case());
            if !keys.insert(key.clone()) {
                self.report(
                    at,
                    format!("{field}.name"),
                    "duplicate example name (names equal in snake_case name the same test)",
                );
            }
            let mut problems = Problems::new();
            let example = self.example(op, lowered, ex, key, &mut problems);
            self.errata_refs(at, &format!("{field}.errata"), &ex.errata);
            if ex.wire.method != op.method {
                self.report(
                    at,
                    format!("{field}.wire.method"),
                    format!(
                        "is {} but the operation is {}",
                        ex.wire.method.as_str(),
                        op.method.as_str()
                    ),
                );
            }
            if !lowered.path.matches(&ex.wire.path) {
                self.report(
                    at,
                    format!("{field}.wire.path"),
                    format!("`{}` does not fit the template `{}`", ex.wire.path, op.path),
                );
            }
            for (sub, msg) in problems {
                self.report(at, format!("{field}{sub}"), msg);
            }
            examples.extend(example);
        }
        examples
    }

    /// Checks one example and types it; problems are (path below the
    /// example, message).
    fn example(
        &self,
        op: &model::Operation,
        lowered: &Operation,
        ex: &model::Example,
        key: String,
        problems: &mut Problems,
    ) -> Option<Example> {
        // Path arguments: exactly the declared placeholders.
        for p in &lowered.path_params {
            if !ex.request.path.contains_key(&p.wire_name) {
                problems.push((
                    format!(".request.path.{}", p.wire_name),
                    "missing path argument".to_string(),
                ));
            }
        }
        for (name, value) in &ex.request.path {
            let sub = format!(".request.path.{name}");
            match lowered.path_params.iter().find(|p| &p.wire_name == name) {
                None if op.path_params.iter().any(|p| &p.name == name) => {}
                None => problems.push((sub, "not a path parameter of this operation".into())),
                Some(p) => match p.list_max {
                    Some(max) => {
                        let list_limits = Limits {
                            max_items: Some(max),
                            min_items: Some(1),
                            ..Limits::default()
                        };
                        let list = Ty::Array(Box::new(p.ty.clone()));
                        self.check_value(&list, &list_limits, value, &sub, problems);
                    }
                    None => self.check_value(&p.ty, &p.limits, value, &sub, problems),
                },
            }
        }
        for (kind, args, params, declared) in [
            ("query", &ex.request.query, &lowered.query, &op.query),
            (
                "headers",
                &ex.request.headers,
                &lowered.headers,
                &op.headers,
            ),
        ] {
            for (name, value) in args {
                let sub = format!(".request.{kind}.{name}");
                match params.iter().find(|p| &p.wire_name == name) {
                    None if declared.iter().any(|p| &p.name == name) => {}
                    None => {
                        problems.push((sub, format!("not a {kind} parameter of this operation")))
                    }
                    Some(p) => self.check_value(&p.ty, &p.limits, value, &sub, problems),
                }
            }
            for p in params.iter().filter(|p| p.required) {
                if !args.contains_key(&p.wire_name) {
                    problems.push((
                        format!(".request.{kind}.{}", p.wire_name),
                        "missing required argument".into(),
                    ));
                }
            }
        }
        if let Some(query) = &ex.wire.query
            && (query.starts_with('?') || query.contains(' '))
        {
            problems.push((
                ".wire.query".into(),
                "write the query without `?` and percent-encoded".into(),
            ));
        }
        let headers = wire_headers(lowered, ex, problems);
        let (wire_body, body_args) = self.example_body(op, lowered, ex, problems);
        let response = self.example_response(lowered, ex, problems);
        Some(Example {
            name: ex.name.clone(),
            key,
            source: ex.source.clone(),
            errata: ex.errata.clone(),
            args: ExampleArgs {
                path: ex.request.path.clone(),
                query: ex.request.query.clone(),
                headers: ex.request.headers.clone(),
                body: body_args,
            },
            wire: Wire {
                method: ex.wire.method,
                path: ex.wire.path.clone(),
                query: ex.wire.query.clone(),
                headers,
                body: wire_body,
            },
            response: response?,
        })
    }

    /// The wire body (JSON, or form text read with the fields' types) and
    /// the body arguments: given explicitly, or read from the wire body.
    fn example_body(
        &self,
        op: &model::Operation,
        lowered: &Operation,
        ex: &model::Example,
        problems: &mut Problems,
    ) -> (Option<WireBody>, BTreeMap<String, Value>) {
        let body = lowered.body.as_ref();
        let mut unreadable = false;
        let wire_body = match (&ex.wire.body, body.filter(|b| b.kind == BodyKind::Form)) {
            (None, _) => None,
            (Some(text), Some(form)) => {
                let type_of = |name: &str| match form.fields.iter().find(|f| f.wire_name == name) {
                    Some(f) => Some(f.ty.clone()),
                    None => form.additional.as_ref().map(|a| a.ty.clone()),
                };
                match crate::form::typed_object(text, type_of) {
                    Ok(map) => Some(WireBody {
                        text: text.clone(),
                        value: Value::Object(map),
                    }),
                    Err(e) => {
                        problems.push((".wire.body".into(), format!("invalid form text: {e}")));
                        unreadable = true;
                        None
                    }
                }
            }
            (Some(text), None) => match serde_json::from_str::<Value>(text) {
                Ok(value) => Some(WireBody {
                    text: text.clone(),
                    value,
                }),
                Err(e) => {
                    problems.push((
                        ".wire.body".into(),
                        format!("invalid JSON: {e}; fix it and record the fix in the errata"),
                    ));
                    unreadable = true;
                    None
                }
            },
        };
        let json_array = body.is_some_and(|b| b.kind == BodyKind::JsonArray);
        let args: Option<Map<String, Value>> =
            match (&ex.request.body, wire_body.as_ref().map(|b| &b.value)) {
                (Some(args), _) => Some(args.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                (None, Some(Value::Object(map))) => Some(map.clone()),
                // A bare-array body is the value of the operation's one field.
                (None, Some(array @ Value::Array(_))) if json_array => body
                    .and_then(|b| b.fields.first())
                    .map(|f| [(f.wire_name.clone(), array.clone())].into_iter().collect()),
                (None, Some(_)) => {
                    problems.push((".wire.body".into(), "a JSON body must be an object".into()));
                    unreadable = true;
                    None
                }
                (None, None) => None,
            };
        match (&op.request, &args) {
            (None, Some(_)) => problems.push((
                ".wire.body".into(),
                "the operation has no request body".into(),
            )),
            // Reported above; its fields are not "missing" on top of that.
            (Some(_), None) if unreadable => {}
            (Some(raw), args) if raw.kind != BodyKind::Multipart => {
                let empty = Map::new();
                let args = args.as_ref().unwrap_or(&empty);
                let fields = body.map_or(&[][..], |b| &b.fields[..]);
                self.check_fields(fields, args, ".request.body", problems);
                for f in &raw.fields {
                    // Declared, but its type did not lower (reported).
                    let lost = !fields.iter().any(|l| l.wire_name == f.name);
                    if lost && f.required && !args.contains_key(&f.name) {
                        problems.push((
                            format!(".request.body.{}", f.name),
                            "missing required field".into(),
                        ));
                    }
                }
                let tags: Vec<&str> = self.union_tags(fields).collect();
                for (name, value) in args {
                    let known =
                        raw.fields.iter().any(|f| &f.name == name) || tags.contains(&name.as_str());
                    if known {
                        continue;
                    }
                    let sub = format!(".request.body.{name}");
                    match body.and_then(|b| b.additional.as_ref()) {
                        Some(additional) => self.check_value(
                            &additional.ty,
                            &Limits::default(),
                            value,
                            &sub,
                            problems,
                        ),
                        None => problems.push((sub, "not a field of the request body".into())),
                    }
                }
            }
            _ => {}
        }
        let args = args.map(|m| m.into_iter().collect()).unwrap_or_default();
        (wire_body, args)
    }

    fn example_response(
        &self,
        op: &Operation,
        ex: &model::Example,
        problems: &mut Problems,
    ) -> Option<ExampleResponse> {
        let expect: Vec<(String, Value)> = ex
            .response
            .expect
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // A download's body is the file itself, not JSON.
        if op.response_body == ResponseBody::Binary {
            if !expect.is_empty() {
                problems.push((
                    ".response.expect".into(),
                    "a download has no JSON fields to expect".into(),
                ));
            }
            return Some(ExampleResponse {
                status: ex.response.status,
                body: ex.response.body.clone(),
                json: None,
                expect,
            });
        }
        let body = match serde_json::from_str::<Value>(&ex.response.body) {
            Ok(body) => body,
            Err(e) => {
                problems.push((
                    ".response.body".into(),
                    format!("invalid JSON: {e}; fix it and record the fix in the errata"),
                ));
                return None;
            }
        };
        if (200..300).contains(&ex.response.status) {
            let data = match &op.payload {
                crate::ir::Payload::Root => Some(&body),
                crate::ir::Payload::Key(key) => body.get(key),
            };
            let fits = match (op.data.shape, data) {
                (Shape::None, _) => true,
                (_, None) => false,
                (Shape::Object | Shape::Map, Some(d)) => d.is_object(),
                (Shape::Array, Some(d)) => d.is_array(),
                (Shape::Scalar, Some(d)) => !d.is_object() && !d.is_array(),
            };
            if !fits {
                problems.push((
                    ".response.body".into(),
                    format!(
                        "`data` does not have the declared shape {:?}",
                        op.data.shape
                    ),
                ));
            }
        }
        for (pointer, expected) in &expect {
            match body.pointer(pointer) {
                None => problems.push((
                    format!(".response.expect.{pointer}"),
                    "the pointer matches nothing in the body".into(),
                )),
                Some(actual) if actual != expected => problems.push((
                    format!(".response.expect.{pointer}"),
                    format!("the body has {actual}, not {expected}"),
                )),
                Some(_) => {}
            }
        }
        Some(ExampleResponse {
            status: ex.response.status,
            body: ex.response.body.clone(),
            json: Some(body),
            expect,
        })
    }
}

/// The headers the wire request must carry, by lower-case name. Every
/// header argument of the example must be among them with the value the
/// client sends; the token is never part of an example.
fn wire_headers(
    op: &Operation,
    ex: &model::Example,
    problems: &mut Problems,
) -> BTreeMap<String, String> {
    let headers: BTreeMap<String, String> = ex
        .wire
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
        .collect();
    for name in headers.keys() {
        let sub = format!(".wire.headers.{name}");
        if name == "authorization" {
            problems.push((
                sub,
                "the token is the client's business: leave `authorization` out of examples".into(),
            ));
        } else if name == "content-type" {
            let media = headers[name].split(';').next().unwrap_or("").trim();
            match &op.body {
                None => problems.push((sub, "the operation sends no body".into())),
                Some(body) if !media.eq_ignore_ascii_case(body.media_type()) => problems.push((
                    sub,
                    format!("the body is sent as `{}`, not `{media}`", body.media_type()),
                )),
                Some(_) => {}
            }
        }
    }
    for (name, value) in &ex.request.headers {
        let sent = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match headers.get(&name.to_ascii_lowercase()) {
            None => problems.push((
                format!(".wire.headers.{name}"),
                "the example sets this header, so the wire request must show it".into(),
            )),
            Some(shown) if *shown != sent => problems.push((
                format!(".wire.headers.{name}"),
                format!("shows `{shown}`, but the argument sends `{sent}`"),
            )),
            Some(_) => {}
        }
    }
    headers
}
