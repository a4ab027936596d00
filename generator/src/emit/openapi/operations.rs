//! One OpenAPI operation, from the spec operations of one route: its
//! extensions, parameters, request body and responses.

use serde_json::{Map, Value, json};

use super::dialect::OCTET_STREAM;
use super::{Cx, names, params};
use crate::ir::{Body, Group, Operation, PathTemplate, Per, ResponseBody};

/// One OpenAPI operation for one or more spec operations sharing a method
/// and path (`path`, the placeholder names the path item uses). The first
/// one names the operation; all of them are listed in `x-variants`, and
/// their bodies form an `anyOf`.
pub(super) fn operation(cx: Cx, ops: &[(&Group, &Operation)], path: &str) -> Value {
    let (group, first) = ops[0];
    let mut o = Map::new();
    o.insert("operationId".into(), first.id.clone().into());
    o.insert("tags".into(), json!([group.name]));
    o.insert("summary".into(), first.summary.trim().into());
    let mut description = first.description.trim().to_string();
    description.push_str(&format!(
        "\n\nSource: `{}`, section \"{}\".",
        first.source.page, first.source.section
    ));
    o.insert("description".into(), description.into());
    o.insert(
        "x-doc-source".into(),
        json!({"page": first.source.page, "section": first.source.section}),
    );
    if let Some(rl) = rate_limit(first) {
        o.insert("x-rate-limit".into(), rl);
    }
    o.insert("x-idempotent".into(), first.idempotent.into());
    if !first.errata.is_empty() {
        o.insert("x-errata".into(), json!(first.errata));
    }
    let all: Vec<&Operation> = ops.iter().map(|(_, op)| *op).collect();
    let mut params = params::merged(cx, &all);
    // Path parameters take the names of the path item's template.
    let names = PathTemplate::lenient(path);
    for (param, name) in params.iter_mut().zip(names.placeholders()) {
        if param["in"] == "path" && param["name"] != name {
            let described = format!(
                "{} (`{}` on the doc page.)",
                param["description"].as_str().unwrap_or_default(),
                param["name"].as_str().unwrap_or_default()
            );
            param["description"] = described.into();
            param["name"] = name.into();
        }
    }
    if !params.is_empty() {
        o.insert("parameters".into(), params.into());
    }
    if ops.len() > 1 {
        let variants: Vec<Value> = all
            .iter()
            .map(|op| {
                json!({
                    "operationId": op.id,
                    "path": op.path.as_str(),
                    "summary": op.summary.trim(),
                    "body": op.body.as_ref().map(|_| names::schema_ref(&names::body(op))),
                })
            })
            .collect();
        o.insert("x-variants".into(), variants.into());
    }
    if let Some(body) = request_body(&all) {
        o.insert("requestBody".into(), body);
    }
    o.insert(
        "responses".into(),
        json!({
            "200": success_response(cx, &all),
            "4XX": {"$ref": "#/components/responses/Error"},
            "5XX": {"$ref": "#/components/responses/Error"},
        }),
    );
    Value::Object(o)
}

fn rate_limit(op: &Operation) -> Option<Value> {
    let rl = op.rate_limit.as_ref()?;
    Some(json!({
        "count": rl.count,
        "per": match rl.per { Per::Second => "second", Per::Minute => "minute" },
        "notes": rl.notes,
    }))
}

/// The 200 response: the JSON envelope (an `anyOf` when variants differ), or
/// the file itself for a download.
fn success_response(cx: Cx, ops: &[&Operation]) -> Value {
    // The check made sure that a route answers with files only or JSON only.
    if ops[0].response_body == ResponseBody::Binary {
        return json!({
            "description": "The file.",
            "content": {OCTET_STREAM: {"schema": cx.version.file()}},
        });
    }
    let mut responses: Vec<Value> = Vec::new();
    for op in ops {
        let r = json!({"$ref": names::schema_ref(&names::response(op))});
        if !responses.contains(&r) {
            responses.push(r);
        }
    }
    let schema = if responses.len() == 1 {
        responses.remove(0)
    } else {
        json!({"anyOf": responses})
    };
    let mut ok = json!({"schema": schema});
    let examples: Map<String, Value> = ops.iter().flat_map(|op| response_examples(op)).collect();
    if !examples.is_empty() {
        ok["examples"] = examples.into();
    }
    json!({"description": "Success.", "content": {"application/json": ok}})
}

/// The request body: one schema, or an `anyOf` when the variants differ.
fn request_body(ops: &[&Operation]) -> Option<Value> {
    let with_body: Vec<(&Operation, &Body)> = ops
        .iter()
        .filter_map(|op| op.body.as_ref().map(|b| (*op, b)))
        .collect();
    // The check made sure that the bodies of a route share a media type.
    let media = with_body.first()?.1.media_type();
    let refs: Vec<Value> = with_body
        .iter()
        .map(|(op, _)| json!({"$ref": names::schema_ref(&names::body(op))}))
        .collect();
    let schema = if refs.len() == 1 {
        refs[0].clone()
    } else {
        json!({"anyOf": refs})
    };
    let mut content = json!({"schema": schema});
    let examples: Map<String, Value> = with_body
        .iter()
        .flat_map(|(op, _)| request_examples(op))
        .collect();
    if !examples.is_empty() {
        content["examples"] = examples.into();
    }
    Some(json!({
        "required": with_body.len() == ops.len(),
        "content": {media: content},
    }))
}

/// Examples are keyed by their IR key, `{operation}_{example}`; mocks
/// select a response example by it (prism: `Prefer: example=<key>`).
fn request_examples(op: &Operation) -> Map<String, Value> {
    op.examples
        .iter()
        .filter_map(|ex| {
            let body = ex.wire.body.as_ref()?;
            Some((ex.key.clone(), json!({"value": body.value})))
        })
        .collect()
}

fn response_examples(op: &Operation) -> Map<String, Value> {
    op.examples
        .iter()
        .filter(|ex| (200..300).contains(&ex.response.status))
        .filter_map(|ex| {
            let value = ex.response.json.clone()?;
            Some((ex.key.clone(), json!({"value": value})))
        })
        .collect()
}
