//! The OpenAPI 3.0.3 emitter. 3.0 rather than 3.1 so that 3.0-only tools
//! (progenitor among them) accept the document.
//!
//! Choices, also documented in the README:
//! - `org_name` and `app_name` are server variables, not path parameters:
//!   every operation's path is then exactly the client's path template, and
//!   they are fixed per app like the host.
//! - Comma-list path parameters are strings; their maximum count is written
//!   into the description because OpenAPI cannot express it.
//! - Operations that share a method and path become one OpenAPI operation
//!   whose body (and response) is an `anyOf` of the variants, listed in
//!   `x-variants`. `anyOf`, not `oneOf`: variant bodies can overlap (two
//!   objects of optional fields), and a valid request must not be rejected
//!   for matching two of them.
//! - Extensions: `x-rate-limit`, `x-idempotent`, `x-doc-source`, `x-errata`.

mod names;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Emitter, GeneratedFile};
use crate::error::Diagnostic;
use crate::ir::{
    Body, BodyKind, Field, Group, Ir, Limits, ObjectId, Operation, Param, ParamLocation, Payload,
    Per, ResponseBody, Route, Shape, TextLimits, Ty,
};

/// Where the document is written, relative to the workspace root.
pub const OPENAPI_PATH: &str = "generated-client/openapi.yaml";

/// The OpenAPI 3.0.3 emitter.
pub struct OpenApiEmitter;

impl Emitter for OpenApiEmitter {
    fn name(&self) -> &'static str {
        "openapi"
    }

    fn check(&self, ir: &Ir) -> Vec<Diagnostic> {
        ir.routes.iter().flat_map(|r| check_route(ir, r)).collect()
    }

    fn emit(&self, ir: &Ir) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![GeneratedFile {
            path: OPENAPI_PATH.into(),
            contents: render(ir)?,
        }])
    }
}

/// One OpenAPI operation serves every operation of a route: they must all
/// answer with JSON or all with a file, and send bodies of one media type.
fn check_route(ir: &Ir, route: &Route) -> Vec<Diagnostic> {
    let ops: Vec<&Operation> = ir.route_operations(route).map(|(_, op)| op).collect();
    let first = ops[0];
    let mut problems = Vec::new();
    if let Some(other) = ops
        .iter()
        .find(|op| op.response_body != first.response_body)
    {
        let (download, json) = if first.response_body == ResponseBody::Binary {
            (first, *other)
        } else {
            (*other, first)
        };
        problems.push(json.origin.diagnostic(
            "response.body",
            format!(
                "`{}` shares its method and path with the download `{}`; one OpenAPI operation cannot be both",
                json.id, download.id
            ),
        ));
    }
    let with_body: Vec<(&Operation, &Body)> = ops
        .iter()
        .filter_map(|op| op.body.as_ref().map(|b| (*op, b)))
        .collect();
    if let Some(((a, a_body), (b, b_body))) = with_body.first().and_then(|first| {
        with_body
            .iter()
            .find(|(_, b)| b.media_type() != first.1.media_type())
            .map(|other| (*first, *other))
    }) {
        problems.push(b.origin.diagnostic(
            "request.kind",
            format!(
                "`{}` shares its method and path with `{}`, whose body has another media type ({} vs {}): one OpenAPI operation cannot take both",
                a.id,
                b.id,
                a_body.media_type(),
                b_body.media_type()
            ),
        ));
    }
    problems
}

/// Builds the document as JSON; the caller serializes it.
pub fn document(ir: &Ir) -> Value {
    let mut schemas = Map::new();
    schemas.insert(
        "Envelope".into(),
        object_schema(
            "The fields every JSON response carries besides `data`.",
            &ir.api.envelope,
            ir,
        ),
    );
    schemas.insert("ErrorBody".into(), error_schema(ir));
    for group in &ir.groups {
        for id in &group.objects {
            schemas.insert(names::object(ir, *id), object_type_schema(ir, *id));
        }
    }
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    // One path item per path shape: OpenAPI treats `/a/{x}` and `/a/{y}` as
    // the same path, so every method under a shape uses the placeholder
    // names of the first operation (in spec order) with that shape. Routes
    // are in the order of their first operation.
    let mut canonical: BTreeMap<String, &Route> = BTreeMap::new();
    for route in &ir.routes {
        canonical.entry(route.path.shape()).or_insert(route);
    }
    // Methods of a path in a fixed order, whatever the spec order.
    let mut routes: Vec<&Route> = ir.routes.iter().collect();
    routes.sort_by_key(|r| (r.path.shape(), r.method.as_str()));
    for route in routes {
        let path = &canonical[&route.path.shape()].path;
        let ops: Vec<(&Group, &Operation)> = ir.route_operations(route).collect();
        for (_, op) in &ops {
            if let Some(body) = &op.body {
                let schema = match (body.kind, body.fields.first()) {
                    // The body is the one array field itself.
                    (BodyKind::JsonArray, Some(field)) => field_schema(field, ir),
                    _ => body_schema(op, body, ir),
                };
                schemas.insert(names::body(op), schema);
            }
            if op.response_body == ResponseBody::Json {
                schemas.insert(names::response(op), response_schema(op, ir));
            }
        }
        let entry = operation(ir, &ops, path.as_str());
        paths
            .entry(path.to_string())
            .or_default()
            .insert(route.method.as_str().to_ascii_lowercase(), entry);
    }
    let api = &ir.api;
    let variables: Map<String, Value> = api
        .server_variables
        .iter()
        .map(|v| {
            let default = match v.name.as_str() {
                "host" => "a41.chat.agora.io",
                "org_name" => "your-org",
                "app_name" => "your-app",
                other => other,
            };
            (
                v.name.clone(),
                json!({"default": default, "description": v.description.trim()}),
            )
        })
        .collect();
    let tags: Vec<Value> = ir
        .groups
        .iter()
        .map(|g| json!({"name": g.name, "description": format!("{}: {}", g.title, g.description.trim())}))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": api.title,
            "version": api.version,
            "description": api.description.trim(),
        },
        "servers": [{"url": api.base_url, "variables": variables}],
        "security": [{"bearerAuth": []}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": api.auth_description.trim()}
            },
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "The request failed; the body says why.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                }
            }
        }
    })
}

/// The document as YAML text.
pub fn render(ir: &Ir) -> Result<String, String> {
    let doc = document(ir);
    let yaml = serde_saphyr::to_string(&doc).map_err(|e| e.to_string())?;
    Ok(format!(
        "# @generated by `cargo xtask codegen` from the spec in `spec/`. Do not edit.\n{yaml}"
    ))
}

fn error_schema(ir: &Ir) -> Value {
    let mut s = object_schema("The body of an error response.", &ir.api.error_body, ir);
    if !ir.api.error_codes.is_empty()
        && let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut)
        && let Some(error) = props.get_mut("error").and_then(Value::as_object_mut)
    {
        let mut text = String::from("The error code. Documented values:");
        for code in &ir.api.error_codes {
            text.push_str(&format!(
                "\n- `{}` (HTTP {}): {}",
                code.code,
                code.status,
                code.description.trim()
            ));
        }
        error.insert("description".into(), text.into());
        error.insert(
            "x-documented-values".into(),
            ir.api
                .error_codes
                .iter()
                .map(|c| Value::from(c.code.clone()))
                .collect(),
        );
    }
    s
}

fn object_type_schema(ir: &Ir, id: ObjectId) -> Value {
    object_schema(
        &names::object_description(ir, id),
        &ir.object(id).fields,
        ir,
    )
}

fn object_schema(description: &str, fields: &[Field], ir: &Ir) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field_schema(f, ir);
        if f.required {
            required.push(Value::from(f.wire_name.clone()));
        } else if let Some(obj) = schema.as_object_mut()
            && obj.contains_key("type")
        {
            // The server sends `null` for absent values at times; the Rust
            // client reads that as `None`, and other clients must accept it.
            // (3.0 allows `nullable` only beside a `type`.)
            obj.insert("nullable".into(), true.into());
        }
        props.insert(f.wire_name.clone(), schema);
    }
    // Explicitly open: the client keeps unknown fields, and validators must
    // not reject them either.
    let mut s = json!({
        "type": "object",
        "description": description.trim(),
        "properties": props,
        "additionalProperties": true,
    });
    if !required.is_empty() {
        s["required"] = required.into();
    }
    s
}

fn field_schema(f: &Field, ir: &Ir) -> Value {
    let mut s = type_schema(&f.ty, ir);
    apply_limits(&mut s, &f.limits, &f.ty);
    with_description(s, &f.description)
}

/// A `$ref` cannot carry siblings in 3.0, so a described reference is
/// wrapped in `allOf`.
fn with_description(mut s: Value, description: &str) -> Value {
    if s.get("$ref").is_some() {
        return json!({"allOf": [s], "description": description.trim()});
    }
    if let Some(obj) = s.as_object_mut() {
        obj.insert("description".into(), description.trim().into());
    }
    s
}

fn type_schema(ty: &Ty, ir: &Ir) -> Value {
    match ty {
        Ty::String => json!({"type": "string"}),
        Ty::Username => {
            let rule = &ir.api.username_rule;
            json!({
                "type": "string",
                "minLength": rule.min_length,
                "maxLength": rule.max_length,
                "pattern": charset_pattern(&rule.extra_chars),
            })
        }
        Ty::Integer => json!({"type": "integer", "format": "int64"}),
        Ty::Number => json!({"type": "number"}),
        Ty::Boolean => json!({"type": "boolean"}),
        Ty::Any => json!({}),
        Ty::BoolOrString => json!({"oneOf": [{"type": "boolean"}, {"type": "string"}]}),
        Ty::File => json!({"type": "string", "format": "binary"}),
        Ty::Array(inner) => json!({"type": "array", "items": type_schema(inner, ir)}),
        Ty::Map(inner) => {
            json!({"type": "object", "additionalProperties": type_schema(inner, ir)})
        }
        Ty::Object(id) => {
            json!({"$ref": format!("#/components/schemas/{}", names::object(ir, *id))})
        }
    }
}

/// A regex for "ASCII letters, digits and `extra`" (the username rule, map
/// keys) that is valid in every dialect validators use (JavaScript's `u`
/// mode rejects needless escapes such as `\_`).
fn charset_pattern(extra: &str) -> String {
    let mut class = String::from("A-Za-z0-9");
    for c in extra.chars().filter(|c| *c != '-') {
        if matches!(c, '\\' | ']' | '^' | '[') {
            class.push('\\');
        }
        class.push(c);
    }
    if extra.contains('-') {
        // Last in the class, `-` is literal.
        class.push('-');
    }
    format!("^[{class}]+$")
}

fn apply_limits(s: &mut Value, l: &Limits, ty: &Ty) {
    let Some(obj) = s.as_object_mut() else { return };
    let mut set = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            obj.insert(k.into(), v);
        }
    };
    set("maxLength", l.max_length.map(Value::from));
    set("minLength", l.min_length.map(Value::from));
    set("minimum", l.minimum.map(Value::from));
    set("maximum", l.maximum.map(Value::from));
    // Entries of a map are properties.
    let (max_items, min_items) = match ty {
        Ty::Map(_) => ("maxProperties", "minProperties"),
        _ => ("maxItems", "minItems"),
    };
    set(max_items, l.max_items.map(Value::from));
    set(min_items, l.min_items.map(Value::from));
    set(
        "enum",
        l.enumeration
            .as_ref()
            .map(|v| v.iter().cloned().map(Value::from).collect()),
    );
    if *ty == Ty::File || ty.is_stringy() {
        set("x-max-bytes", l.max_bytes.map(Value::from));
    }
    // A string of at most N bytes has at most N characters: the one part of
    // a byte limit that maxLength can say.
    if ty.is_stringy() && l.max_length.is_none() {
        set("maxLength", l.max_bytes.map(Value::from));
    }
    // 3.0 has no `propertyNames`: key limits go in an extension, in the
    // same words as a string schema.
    set("x-keys", l.keys.as_ref().map(text_schema));
    if let Some(values) = &l.values
        && let Some(Value::Object(item)) = obj.get_mut("additionalProperties")
    {
        if let Value::Object(limits) = text_schema(values) {
            item.extend(limits);
        }
    }
}

/// String schema keywords for per-key or per-value limits.
fn text_schema(l: &TextLimits) -> Value {
    let mut s = Map::new();
    if let Some(max) = l.max_length.map(u64::from).or(l.max_bytes) {
        s.insert("maxLength".into(), max.into());
    }
    if let Some(max) = l.max_bytes {
        s.insert("x-max-bytes".into(), max.into());
    }
    if let Some(extra) = &l.extra_chars {
        s.insert("pattern".into(), charset_pattern(extra).into());
    }
    Value::Object(s)
}

fn param(p: &Param, ir: &Ir) -> Value {
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    };
    let mut description = p.description.trim().to_string();
    let schema = if let Some(max) = p.list_max {
        description.push_str(&format!(
            " Several values are joined with commas (sent as `%2C`); 1 to {max} values."
        ));
        json!({"type": "string", "minLength": 1})
    } else {
        let mut s = type_schema(&p.ty, ir);
        apply_limits(&mut s, &p.limits, &p.ty);
        if let (Some(default), Some(obj)) = (&p.default, s.as_object_mut()) {
            obj.insert("default".into(), default.clone());
        }
        s
    };
    json!({
        "name": p.wire_name,
        "in": location,
        "required": p.required,
        "description": description,
        "schema": schema,
    })
}

fn data_schema(op: &Operation, ir: &Ir) -> Value {
    let item = type_schema(&op.data.ty, ir);
    match op.data.shape {
        Shape::Object | Shape::Scalar => item,
        Shape::Array => json!({"type": "array", "items": item}),
        Shape::Map => json!({"type": "object", "additionalProperties": item}),
        Shape::None => json!({}),
    }
}

fn response_schema(op: &Operation, ir: &Ir) -> Value {
    let key = match &op.payload {
        Payload::Key(key) => key.as_str(),
        // The payload's fields are the top-level fields.
        Payload::Root => return data_schema(op, ir),
    };
    let mut s = object_schema(
        &format!("The response of `{}`: the envelope plus `{key}`.", op.id),
        &ir.api.envelope,
        ir,
    );
    if op.data.shape != Shape::None
        && let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut)
    {
        props.insert(key.into(), data_schema(op, ir));
        s["required"] = json!([key]);
    }
    s
}

fn body_schema(op: &Operation, body: &Body, ir: &Ir) -> Value {
    let mut schema = object_schema(
        &format!("The request body of `{}`.", op.id),
        &body.fields,
        ir,
    );
    // Pairs with caller-chosen names: any other property, of their type.
    if let Some(additional) = &body.additional {
        let mut values = type_schema(&additional.ty, ir);
        values["description"] = additional.description.trim().into();
        schema["additionalProperties"] = values;
    }
    schema
}

fn rate_limit(op: &Operation) -> Value {
    match &op.rate_limit {
        None => Value::Null,
        Some(rl) => json!({
            "count": rl.count,
            "per": match rl.per { Per::Second => "second", Per::Minute => "minute" },
            "notes": rl.notes,
        }),
    }
}

/// One OpenAPI operation for one or more spec operations sharing a method
/// and path. The first one names the operation; all of them are listed in
/// `x-variants`, and their bodies form an `anyOf`.
fn operation(ir: &Ir, ops: &[(&Group, &Operation)], path: &str) -> Value {
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
    let rl = rate_limit(first);
    if !rl.is_null() {
        o.insert("x-rate-limit".into(), rl);
    }
    o.insert("x-idempotent".into(), first.idempotent.into());
    if !first.errata.is_empty() {
        o.insert("x-errata".into(), json!(first.errata));
    }
    let mut params = merged_params(ops.iter().map(|(_, op)| *op), ir);
    // Path parameters take the names of the path item's template.
    let names = crate::path::PathTemplate::lenient(path);
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
        let variants: Vec<Value> = ops
            .iter()
            .map(|(_, op)| {
                json!({
                    "operationId": op.id,
                    "path": op.path.as_str(),
                    "summary": op.summary.trim(),
                    "body": op.body.as_ref().map(|_| format!("#/components/schemas/{}", names::body(op))),
                })
            })
            .collect();
        o.insert("x-variants".into(), variants.into());
    }
    if let Some(body) = request_body(ops) {
        o.insert("requestBody".into(), body);
    }
    let success = success_response(ops);
    o.insert(
        "responses".into(),
        json!({
            "200": success,
            "4XX": {"$ref": "#/components/responses/Error"},
            "5XX": {"$ref": "#/components/responses/Error"},
        }),
    );
    Value::Object(o)
}

/// The 200 response: the JSON envelope (an `anyOf` when variants differ), or
/// the file itself for a download.
fn success_response(ops: &[(&Group, &Operation)]) -> Value {
    // The check made sure that a route answers with files only or JSON only.
    if ops[0].1.response_body == ResponseBody::Binary {
        return json!({
            "description": "The file.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        });
    }
    let mut responses: Vec<Value> = Vec::new();
    for (_, op) in ops {
        let r = json!({"$ref": format!("#/components/schemas/{}", names::response(op))});
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
    let examples: Map<String, Value> = ops
        .iter()
        .flat_map(|(_, op)| response_examples(op))
        .collect();
    if !examples.is_empty() {
        ok["examples"] = examples.into();
    }
    json!({"description": "Success.", "content": {"application/json": ok}})
}

/// The parameters of the merged operation. Path parameters are matched by
/// position; where the variants disagree on one, it becomes a plain string
/// described by each variant, so that every variant's requests stay valid.
fn merged_params<'a>(ops: impl Iterator<Item = &'a Operation>, ir: &Ir) -> Vec<Value> {
    let all: Vec<&Operation> = ops.collect();
    let first = all[0];
    let mut params = Vec::new();
    for (i, p) in first.path_params.iter().enumerate() {
        let mut merged = param(p, ir);
        // Operations of one route have as many placeholders (one shape).
        for other in &all[1..] {
            let Some(q) = other.path_params.get(i) else {
                continue;
            };
            let theirs = param(q, ir);
            if theirs["schema"] != merged["schema"]
                || theirs["description"] != merged["description"]
            {
                let text = format!(
                    "{} For `{}`: {}",
                    merged["description"].as_str().unwrap_or_default(),
                    other.id,
                    theirs["description"].as_str().unwrap_or_default()
                );
                merged["schema"] = json!({"type": "string", "minLength": 1});
                merged["description"] = text.into();
            }
        }
        params.push(merged);
    }
    // Query and header parameters: the union; required only when every
    // variant requires them.
    let mut index: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    for op in &all {
        for (list, location) in [(&op.query, "query"), (&op.headers, "header")] {
            for p in list {
                let entry = index
                    .entry((p.wire_name.clone(), location))
                    .or_insert_with(|| {
                        params.push(param(p, ir));
                        (params.len() - 1, 0)
                    });
                entry.1 += usize::from(p.required);
            }
        }
    }
    for (at, required_by) in index.into_values() {
        params[at]["required"] = (required_by == all.len()).into();
    }
    params
}

/// The request body: one schema, or an `anyOf` when the variants differ.
fn request_body(ops: &[(&Group, &Operation)]) -> Option<Value> {
    let with_body: Vec<(&Operation, &Body)> = ops
        .iter()
        .filter_map(|(_, op)| op.body.as_ref().map(|b| (*op, b)))
        .collect();
    // The check made sure that the bodies of a route share a media type.
    let media = with_body.first()?.1.media_type();
    let refs: Vec<Value> = with_body
        .iter()
        .map(|(op, _)| json!({"$ref": format!("#/components/schemas/{}", names::body(op))}))
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
