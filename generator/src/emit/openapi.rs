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

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::ir::{Body, Field, Group, Ir, Limits, Operation, Param, Payload, Struct};
use crate::spec::model::{BodyKind, Per, ResponseBody, Shape, TextLimits};
use crate::types::TypeExpr;

/// Where the document is written, relative to the workspace root.
pub const OPENAPI_PATH: &str = "generated-client/openapi.yaml";

/// Builds the document as JSON; the caller serializes it.
pub fn document(ir: &Ir) -> Result<Value, String> {
    let mut schemas = Map::new();
    schemas.insert(
        "Envelope".into(),
        object_schema(
            "The fields every JSON response carries besides `data`.",
            &ir.envelope,
            ir,
        ),
    );
    schemas.insert("ErrorBody".into(), error_schema(ir));
    for group in &ir.groups {
        for s in &group.structs {
            schemas.insert(s.name.clone(), struct_schema(s, ir));
        }
    }
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    // Group operations sharing a method and path; spec order is kept inside.
    // Placeholder names do not distinguish paths in OpenAPI, so the key
    // blanks them out.
    let mut shared: BTreeMap<(String, &'static str), Vec<(&Group, &Operation)>> = BTreeMap::new();
    for (g, op) in ir.operations() {
        shared
            .entry((path_shape(&op.path), op.method.as_str()))
            .or_default()
            .push((g, op));
    }
    // One path item per path shape: OpenAPI treats `/a/{x}` and `/a/{y}` as
    // the same path, so every method under a shape uses the placeholder
    // names of the first operation (in spec order) with that shape.
    let mut canonical: BTreeMap<String, &str> = BTreeMap::new();
    for (_, op) in ir.operations() {
        canonical
            .entry(path_shape(&op.path))
            .or_insert(op.path.as_str());
    }
    for ((shape, method), ops) in &shared {
        let path = canonical[shape];
        for (_, op) in &ops[..] {
            if let Some(body) = &op.body {
                let schema = match (body.kind, body.fields.first()) {
                    // The body is the one array field itself.
                    (BodyKind::JsonArray, Some(field)) => field_schema(field, ir),
                    _ => body_schema(op, body, ir),
                };
                schemas.insert(body.struct_name.clone(), schema);
            }
            if op.response_body == ResponseBody::Json {
                schemas.insert(response_name(op), response_schema(op, ir));
            }
        }
        let entry = operation(ir, ops, path)?;
        paths
            .entry(path.to_string())
            .or_default()
            .insert(method.to_ascii_lowercase(), entry);
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
    Ok(json!({
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
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": api.auth.description.trim()}
            },
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "The request failed; the body says why.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                }
            }
        }
    }))
}

/// The document as YAML text.
pub fn render(ir: &Ir) -> Result<String, String> {
    let doc = document(ir)?;
    let yaml = serde_saphyr::to_string(&doc).map_err(|e| e.to_string())?;
    Ok(format!(
        "# @generated by `cargo xtask codegen` from the spec in `spec/`. Do not edit.\n{yaml}"
    ))
}

fn error_schema(ir: &Ir) -> Value {
    let mut s = object_schema("The body of an error response.", &ir.error_body, ir);
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

fn struct_schema(s: &Struct, ir: &Ir) -> Value {
    object_schema(&s.description, &s.fields, ir)
}

fn object_schema(description: &str, fields: &[Field], ir: &Ir) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field_schema(f, ir);
        if f.required {
            required.push(Value::from(f.json_name.clone()));
        } else if let Some(obj) = schema.as_object_mut()
            && obj.contains_key("type")
        {
            // The server sends `null` for absent values at times; the Rust
            // client reads that as `None`, and other clients must accept it.
            // (3.0 allows `nullable` only beside a `type`.)
            obj.insert("nullable".into(), true.into());
        }
        props.insert(f.json_name.clone(), schema);
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

fn type_schema(ty: &TypeExpr, ir: &Ir) -> Value {
    match ty {
        TypeExpr::String => json!({"type": "string"}),
        TypeExpr::Username => {
            let rule = ir.username_rule();
            json!({
                "type": "string",
                "minLength": rule.min_length,
                "maxLength": rule.max_length,
                "pattern": charset_pattern(&rule.extra_chars),
            })
        }
        TypeExpr::Integer => json!({"type": "integer", "format": "int64"}),
        TypeExpr::Number => json!({"type": "number"}),
        TypeExpr::Boolean => json!({"type": "boolean"}),
        TypeExpr::Any => json!({}),
        TypeExpr::BoolOrString => json!({"oneOf": [{"type": "boolean"}, {"type": "string"}]}),
        TypeExpr::File => json!({"type": "string", "format": "binary"}),
        TypeExpr::Array(inner) => json!({"type": "array", "items": type_schema(inner, ir)}),
        TypeExpr::Map(inner) => {
            json!({"type": "object", "additionalProperties": type_schema(inner, ir)})
        }
        TypeExpr::Named(name) => json!({"$ref": format!("#/components/schemas/{name}")}),
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

fn apply_limits(s: &mut Value, l: &Limits, ty: &TypeExpr) {
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
        TypeExpr::Map(_) => ("maxProperties", "minProperties"),
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
    if *ty == TypeExpr::File || ty.is_stringy() {
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

fn param(p: &Param, location: &str, ir: &Ir) -> Value {
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

fn response_name(op: &Operation) -> String {
    crate::naming::type_name(&op.id, "Response")
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
        &ir.envelope,
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

/// The path with every placeholder name blanked: `/a/{}/b`.
pub(crate) fn path_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_placeholder = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_placeholder = true;
                out.push_str("{}");
            }
            '}' => in_placeholder = false,
            _ if in_placeholder => {}
            _ => out.push(c),
        }
    }
    out
}

/// One OpenAPI operation for one or more spec operations sharing a method
/// and path. The first one names the operation; all of them are listed in
/// `x-variants`, and their bodies form an `anyOf`.
fn operation(ir: &Ir, ops: &[(&Group, &Operation)], path: &str) -> Result<Value, String> {
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
    let mut params = merged_params(ops.iter().map(|(_, op)| *op), ir)?;
    // Path parameters take the names of the path item's template.
    let names = crate::validate::placeholders(path).map_err(|e| format!("`{}`: {e}", first.id))?;
    for (param, name) in params.iter_mut().zip(&names) {
        if param["in"] == "path" && param["name"] != name.as_str() {
            let described = format!(
                "{} (`{}` on the doc page.)",
                param["description"].as_str().unwrap_or_default(),
                param["name"].as_str().unwrap_or_default()
            );
            param["description"] = described.into();
            param["name"] = name.as_str().into();
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
                    "path": op.path,
                    "summary": op.summary.trim(),
                    "body": op.body.as_ref().map(|b| format!("#/components/schemas/{}", b.struct_name)),
                })
            })
            .collect();
        o.insert("x-variants".into(), variants.into());
    }
    if let Some(body) = request_body(ops)? {
        o.insert("requestBody".into(), body);
    }
    let success = success_response(ops)?;
    o.insert(
        "responses".into(),
        json!({
            "200": success,
            "4XX": {"$ref": "#/components/responses/Error"},
            "5XX": {"$ref": "#/components/responses/Error"},
        }),
    );
    Ok(Value::Object(o))
}

/// The 200 response: the JSON envelope (an `anyOf` when variants differ), or
/// the file itself for a download.
fn success_response(ops: &[(&Group, &Operation)]) -> Result<Value, String> {
    let binary = ops
        .iter()
        .filter(|(_, op)| op.response_body == ResponseBody::Binary)
        .count();
    if binary == ops.len() {
        return Ok(json!({
            "description": "The file.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }));
    }
    if binary > 0 {
        return Err(format!(
            "`{}` shares its method and path with a download; one OpenAPI operation cannot be both",
            ops[0].1.id
        ));
    }
    let mut responses: Vec<Value> = Vec::new();
    for (_, op) in ops {
        let r = json!({"$ref": format!("#/components/schemas/{}", response_name(op))});
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
    Ok(json!({"description": "Success.", "content": {"application/json": ok}}))
}

/// The parameters of the merged operation. Path parameters are matched by
/// position; where the variants disagree on one, it becomes a plain string
/// described by each variant, so that every variant's requests stay valid.
fn merged_params<'a>(
    ops: impl Iterator<Item = &'a Operation> + Clone,
    ir: &Ir,
) -> Result<Vec<Value>, String> {
    let all: Vec<&Operation> = ops.collect();
    let first = all[0];
    let mut params = Vec::new();
    for (i, p) in first.path_params.iter().enumerate() {
        let mut merged = param(p, "path", ir);
        for other in &all[1..] {
            let q = other.path_params.get(i).ok_or_else(|| {
                format!(
                    "`{}` and `{}` share a method and path but not its placeholders",
                    first.id, other.id
                )
            })?;
            let theirs = param(q, "path", ir);
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
                        params.push(param(p, location, ir));
                        (params.len() - 1, 0)
                    });
                entry.1 += usize::from(p.required);
            }
        }
    }
    for (at, required_by) in index.into_values() {
        params[at]["required"] = (required_by == all.len()).into();
    }
    Ok(params)
}

/// The request body: one schema, or an `anyOf` when the variants differ.
fn request_body(ops: &[(&Group, &Operation)]) -> Result<Option<Value>, String> {
    let with_body: Vec<&Operation> = ops
        .iter()
        .map(|(_, op)| *op)
        .filter(|op| op.body.is_some())
        .collect();
    let Some(first) = with_body.first() else {
        return Ok(None);
    };
    let media = |op: &Operation| match op.body.as_ref().map(|b| b.kind) {
        Some(BodyKind::Multipart) => "multipart/form-data",
        Some(BodyKind::Form) => "application/x-www-form-urlencoded",
        _ => "application/json",
    };
    if let Some(other) = with_body.iter().find(|op| media(op) != media(first)) {
        return Err(format!(
            "`{}` shares its method and path with `{}`, whose body has another media type ({} vs {})",
            first.id,
            other.id,
            media(first),
            media(other)
        ));
    }
    let media = media(first);
    let refs: Vec<Value> = with_body
        .iter()
        .filter_map(|op| op.body.as_ref())
        .map(|b| json!({"$ref": format!("#/components/schemas/{}", b.struct_name)}))
        .collect();
    let schema = if refs.len() == 1 {
        refs[0].clone()
    } else {
        json!({"anyOf": refs})
    };
    let mut content = json!({"schema": schema});
    let examples: Map<String, Value> = with_body
        .iter()
        .flat_map(|op| request_examples(op))
        .collect();
    if !examples.is_empty() {
        content["examples"] = examples.into();
    }
    Ok(Some(json!({
        "required": with_body.len() == ops.len(),
        "content": {media: content},
    })))
}

/// The key of an example in the document: `{operation}_{example}`. Mocks
/// select a response example by it (prism: `Prefer: example=<key>`).
pub(crate) fn example_id(operation: &str, example: &str) -> String {
    format!("{operation}_{}", example_key(example))
}

fn example_key(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

fn request_examples(op: &Operation) -> Map<String, Value> {
    op.examples
        .iter()
        .filter_map(|ex| {
            let value = op.example_wire_body(ex)?;
            Some((
                format!("{}_{}", op.id, example_key(&ex.name)),
                json!({"value": value}),
            ))
        })
        .collect()
}

fn response_examples(op: &Operation) -> Map<String, Value> {
    op.examples
        .iter()
        .filter(|ex| (200..300).contains(&ex.response.status))
        .filter_map(|ex| {
            let value: Value = serde_json::from_str(&ex.response.body).ok()?;
            Some((
                format!("{}_{}", op.id, example_key(&ex.name)),
                json!({"value": value}),
            ))
        })
        .collect()
}
