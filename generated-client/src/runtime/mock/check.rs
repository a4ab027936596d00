//! Checks a request against the spec's tables: which operation it is, and
//! everything the docs say about its path, query, headers and body. The
//! same pass turns the request into one JSON object keyed by wire name (the
//! typed value of each argument), which the typed calls decode from.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::Violation;
use super::multipart;
use super::table::{
    ApiSpec, BodyKindSpec, FieldSpec, LimitSpec, Loc, NO_LIMITS, OpSpec, ParamSpec, Seg, TyDesc,
};
use crate::ValidationError;
use crate::runtime::validate;

/// A request as the mock server received it.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    /// The method, upper case.
    pub method: String,
    /// The path as sent, percent-encoded, with the org and app segments.
    pub path: String,
    /// The query string without `?`.
    pub query: Option<String>,
    /// Headers, by lower-case name.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Incoming {
    /// The first value of a header, by lower-case name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the check found.
pub(crate) struct Checked {
    /// The operation, when one fits the method and path.
    pub op: Option<&'static OpSpec>,
    /// Every way the request breaks the spec.
    pub violations: Vec<Violation>,
    /// The arguments, by wire name, with the types the spec gives them.
    pub args: Value,
}

/// Finds the operation of `req` and checks it.
pub(crate) fn check(spec: &'static ApiSpec, req: &Incoming) -> Checked {
    let segments: Vec<&str> = req.path.split('/').skip(1).collect();
    // `/{org_name}/{app_name}` first.
    let Some(rest) = segments.get(2..) else {
        return unmatched("the path has no `/{org_name}/{app_name}` prefix");
    };
    let rest: Vec<&str> = if rest == [""] {
        Vec::new()
    } else {
        rest.to_vec()
    };
    let fits = |op: &OpSpec| {
        op.path.len() == rest.len()
            && op.path.iter().zip(&rest).all(|(seg, sent)| match seg {
                Seg::Lit(lit) => lit == sent,
                Seg::Param(_) => !sent.is_empty(),
            })
    };
    let literals = |op: &OpSpec| op.path.iter().filter(|s| matches!(s, Seg::Lit(_))).count();
    let mut candidates: Vec<&'static OpSpec> = spec
        .operations
        .iter()
        .filter(|op| op.method == req.method && fits(op))
        .collect();
    if candidates.is_empty() {
        let other: Vec<String> = spec
            .operations
            .iter()
            .filter(|op| fits(op))
            .map(|op| format!("`{}` ({} {})", op.id, op.method, op.template))
            .collect();
        let message = if other.is_empty() {
            format!("no operation of the spec is `{} {}`", req.method, req.path)
        } else {
            format!(
                "no operation of the spec is `{} {}`; the path fits {}",
                req.method,
                req.path,
                other.join(", ")
            )
        };
        return unmatched(&message);
    }
    // The most literal template wins (`/users/{username}/contacts` over
    // `/users/{username}/{other}`); among operations sharing a route, the
    // one the request satisfies that has most of its parameters present
    // (a download with its `thumbnail` header is the thumbnail download).
    let best = candidates.iter().map(|op| literals(op)).max().unwrap_or(0);
    candidates.retain(|op| literals(op) == best);
    let mut first: Option<Checked> = None;
    let mut clean: Option<(usize, Checked)> = None;
    for op in candidates {
        let checked = check_op(spec, op, &rest, req);
        if checked.violations.is_empty() {
            let present = op
                .params
                .iter()
                .filter(|p| p.loc != Loc::Path && checked.args.get(p.name).is_some())
                .count();
            if clean.as_ref().is_none_or(|(most, _)| present > *most) {
                clean = Some((present, checked));
            }
        } else if first.is_none() {
            first = Some(checked);
        }
    }
    match (clean, first) {
        (Some((_, checked)), _) | (None, Some(checked)) => checked,
        (None, None) => unmatched("no operation fits"),
    }
}

fn unmatched(message: &str) -> Checked {
    Checked {
        op: None,
        violations: vec![Violation {
            operation: None,
            field: "path".to_owned(),
            message: message.to_owned(),
        }],
        args: Value::Object(Map::new()),
    }
}

/// Collects the problems of one operation's request.
struct Report<'a> {
    op: &'a OpSpec,
    spec: &'static ApiSpec,
    violations: Vec<Violation>,
}

impl Report<'_> {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.violations.push(Violation {
            operation: Some(self.op.id.to_owned()),
            field: field.into(),
            message: message.into(),
        });
    }

    fn validation(&mut self, result: Result<(), ValidationError>) {
        if let Err(e) = result {
            self.push(e.field, e.kind.to_string());
        }
    }
}

fn check_op(spec: &'static ApiSpec, op: &'static OpSpec, rest: &[&str], req: &Incoming) -> Checked {
    let mut report = Report {
        op,
        spec,
        violations: Vec::new(),
    };
    let mut args = Map::new();
    match req.header("authorization") {
        Some(value)
            if value
                .strip_prefix("Bearer ")
                .is_some_and(|t| !t.trim().is_empty()) => {}
        Some(_) => report.push("Authorization", "is not `Bearer <token>`"),
        None if op.auth => report.push(
            "Authorization",
            "is missing: this operation needs a bearer token",
        ),
        None => {}
    }
    // Path.
    for (seg, sent) in op.path.iter().zip(rest) {
        let Seg::Param(name) = seg else { continue };
        let Some(param) = op
            .params
            .iter()
            .find(|p| p.loc == Loc::Path && p.name == *name)
        else {
            continue;
        };
        let decoded = match percent_decode_str(sent).decode_utf8() {
            Ok(text) => text.into_owned(),
            Err(_) => {
                report.push(*name, "is not UTF-8 once percent-decoded");
                continue;
            }
        };
        if let Some(max) = param.list_max {
            let items: Vec<String> = decoded.split(',').map(str::to_owned).collect();
            report.validation(validate::min_items(name, items.len(), 1));
            report.validation(validate::max_items(name, items.len(), max));
            let values: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, item)| scalar_param(&mut report, &format!("{name}[{i}]"), param, item))
                .collect();
            args.insert((*name).to_owned(), Value::Array(values));
        } else {
            if matches!(param.ty, TyDesc::String) {
                report.validation(validate::non_empty(name, &decoded));
            }
            let value = scalar_param(&mut report, name, param, &decoded);
            args.insert((*name).to_owned(), value);
        }
    }
    // Query.
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    for (name, value) in &pairs {
        match op
            .params
            .iter()
            .find(|p| p.loc == Loc::Query && p.name == name)
        {
            Some(param) => {
                if args.contains_key(name.as_str()) {
                    report.push(name.as_str(), "is sent twice in the query");
                    continue;
                }
                let typed = scalar_param(&mut report, name, param, value);
                args.insert(name.clone(), typed);
            }
            None => {
                let known: Vec<&str> = op
                    .params
                    .iter()
                    .filter(|p| p.loc == Loc::Query)
                    .map(|p| p.name)
                    .collect();
                report.push(
                    name.as_str(),
                    format!(
                        "is not a query parameter of this operation (it has: {})",
                        list(&known)
                    ),
                );
            }
        }
    }
    for param in op
        .params
        .iter()
        .filter(|p| p.loc == Loc::Query && p.required)
    {
        if !pairs.iter().any(|(n, _)| n == param.name) {
            report.push(param.name, "is a required query parameter and is missing");
        }
    }
    // Headers.
    for param in op.params.iter().filter(|p| p.loc == Loc::Header) {
        match req.header(param.name) {
            Some(value) => {
                let typed = scalar_param(&mut report, param.name, param, value);
                args.insert(param.name.to_owned(), typed);
            }
            None if param.required => {
                report.push(param.name, "is a required header and is missing")
            }
            None => {}
        }
    }
    // Body.
    check_body(&mut report, req, &mut args);
    Checked {
        op: Some(op),
        violations: report.violations,
        args: Value::Object(args),
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A parameter's text read as its type, then checked.
fn scalar_param(report: &mut Report, field: &str, param: &ParamSpec, text: &str) -> Value {
    let value = match from_text(&param.ty, text) {
        Ok(value) => value,
        Err(message) => {
            report.push(field, message);
            return Value::String(text.to_owned());
        }
    };
    check_value(report, field, &param.ty, &param.limits, &value);
    value
}

/// A text (path segment, query or form value, header, part) as JSON of the
/// type `ty`.
fn from_text(ty: &TyDesc, text: &str) -> Result<Value, String> {
    match ty {
        TyDesc::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{text:?} is not an integer")),
        TyDesc::IntEnum(_) => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{text:?} is not an integer")),
        TyDesc::Number => match text.trim().parse::<f64>() {
            Ok(n) => serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| format!("{text:?} is not a finite number")),
            Err(_) => Err(format!("{text:?} is not a number")),
        },
        TyDesc::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{text:?} is not `true` or `false`")),
        },
        TyDesc::Array(inner) => text
            .split(',')
            .map(|item| from_text(inner, item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// The JSON type name of a value, for messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `value` against its type and limits.
fn check_value(report: &mut Report, field: &str, ty: &TyDesc, limits: &LimitSpec, value: &Value) {
    let wrong = |report: &mut Report, want: &str| {
        report.push(field, format!("must be {want}, got {}", json_kind(value)));
    };
    match ty {
        TyDesc::String | TyDesc::Username => {
            let Some(text) = value.as_str() else {
                return wrong(report, "a string");
            };
            if matches!(ty, TyDesc::Username) {
                report.validation(validate::username(
                    field,
                    text,
                    &crate::generated::USERNAME_RULE,
                ));
            }
            if let Some(max) = limits.max_length {
                report.validation(validate::max_chars(field, text, max));
            }
            if let Some(min) = limits.min_length {
                report.validation(validate::min_chars(field, text, min));
            }
            if let Some(max) = limits.max_bytes {
                report.validation(validate::max_utf8_bytes(field, text, max));
            }
            if let Some(allowed) = limits.enumeration {
                report.validation(validate::one_of(field, text, allowed));
            }
        }
        TyDesc::Integer | TyDesc::IntEnum(_) => {
            let Some(n) = value.as_i64() else {
                return wrong(report, "an integer");
            };
            if let TyDesc::IntEnum(values) = ty
                && !values.contains(&n)
            {
                report.push(
                    field,
                    format!("{n} is not one of the documented values {values:?}"),
                );
            }
            if limits.minimum.is_some() || limits.maximum.is_some() {
                report.validation(validate::range(field, n, limits.minimum, limits.maximum));
            }
        }
        TyDesc::Number => {
            if !value.is_number() {
                wrong(report, "a number");
            }
        }
        TyDesc::Boolean => {
            if !value.is_boolean() {
                wrong(report, "a boolean");
            }
        }
        TyDesc::BoolOrString => {
            if !value.is_boolean() && !value.is_string() {
                wrong(report, "a boolean or a string");
            }
        }
        TyDesc::Any | TyDesc::File => {}
        TyDesc::StrEnum(values) => match value.as_str() {
            Some(text) => report.validation(validate::one_of(field, text, values)),
            None => wrong(report, "a string"),
        },
        TyDesc::Array(inner) => {
            let Some(items) = value.as_array() else {
                return wrong(report, "an array");
            };
            if let Some(max) = limits.max_items {
                report.validation(validate::max_items(field, items.len(), max));
            }
            if let Some(min) = limits.min_items {
                report.validation(validate::min_items(field, items.len(), min));
            }
            for (i, item) in items.iter().enumerate() {
                check_value(report, &format!("{field}[{i}]"), inner, &NO_LIMITS, item);
            }
        }
        TyDesc::Map(inner) => {
            let Some(entries) = value.as_object() else {
                return wrong(report, "an object");
            };
            if let Some(max) = limits.max_items {
                report.validation(validate::max_items(field, entries.len(), max));
            }
            if let Some(min) = limits.min_items {
                report.validation(validate::min_items(field, entries.len(), min));
            }
            if limits.keys.is_some() || limits.values.is_some() {
                let texts: BTreeMap<String, String> = entries
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                        )
                    })
                    .collect();
                let none = validate::TextRule {
                    max_chars: None,
                    max_bytes: None,
                    extra_chars: None,
                };
                let keys = limits.keys.as_ref().unwrap_or(&none);
                let values = limits.values.as_ref().unwrap_or(&none);
                report.validation(validate::map_entries(field, &texts, keys, values));
            }
            for (key, item) in entries {
                check_value(
                    report,
                    &format!("{field}[{key:?}]"),
                    inner,
                    &NO_LIMITS,
                    item,
                );
            }
        }
        TyDesc::Object(index) => {
            let Some(object) = value.as_object() else {
                return wrong(report, "an object");
            };
            let fields = report
                .spec
                .objects
                .get(*index)
                .map_or(&[][..], |o| o.fields);
            check_fields(report, &format!("{field}."), fields, object, None);
        }
        TyDesc::Union(_) => {
            // Checked with the object holding it (its tag sits beside it).
        }
    }
}

/// Checks the members of a JSON object against `fields`: each present one
/// against its type and limits, the required ones present, and no member
/// the spec does not describe (unless `additional` types them).
fn check_fields(
    report: &mut Report,
    prefix: &str,
    fields: &[FieldSpec],
    object: &Map<String, Value>,
    additional: Option<&TyDesc>,
) {
    let mut known: Vec<&str> = Vec::new();
    for f in fields {
        let path = format!("{prefix}{}", f.name);
        if let TyDesc::Union(index) = f.ty {
            let Some(union) = report.spec.unions.get(index) else {
                continue;
            };
            known.push(union.tag);
            known.push(union.content);
            let tag = object.get(union.tag);
            let content = object.get(union.content);
            match (tag, content) {
                (None, None) if f.required => {
                    report.push(
                        format!("{prefix}{}", union.tag),
                        "is required and is missing",
                    );
                }
                (None, None) => {}
                (None, Some(_)) => report.push(
                    format!("{prefix}{}", union.tag),
                    "is missing beside its content",
                ),
                (Some(tag), content) => {
                    let Some(tag) = tag.as_str() else {
                        report.push(format!("{prefix}{}", union.tag), "must be a string");
                        continue;
                    };
                    let Some((_, variant)) = union.variants.iter().find(|(v, _)| *v == tag) else {
                        let values: Vec<&str> = union.variants.iter().map(|(v, _)| *v).collect();
                        report.push(
                            format!("{prefix}{}", union.tag),
                            format!("{tag:?} is not one of {}", list(&values)),
                        );
                        continue;
                    };
                    match content.and_then(Value::as_object) {
                        Some(inner) => {
                            check_fields(
                                report,
                                &format!("{prefix}{}.", union.content),
                                variant,
                                inner,
                                None,
                            );
                        }
                        None if content.is_none() && variant.iter().all(|f| !f.required) => {}
                        None => {
                            report.push(format!("{prefix}{}", union.content), "must be an object")
                        }
                    }
                }
            }
            continue;
        }
        known.push(f.name);
        match object.get(f.name) {
            Some(value) => check_value(report, &path, &f.ty, &f.limits, value),
            None if f.required => report.push(path, "is required and is missing"),
            None => {}
        }
    }
    for (key, value) in object {
        if known.contains(&key.as_str()) {
            continue;
        }
        match additional {
            Some(ty) => check_value(report, &format!("{prefix}{key}"), ty, &NO_LIMITS, value),
            None => report.push(
                format!("{prefix}{key}"),
                format!(
                    "is not a field the spec describes here (it has: {})",
                    list(&known)
                ),
            ),
        }
    }
}

/// The media type of a `Content-Type` value, lower case, without parameters.
fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn check_body(report: &mut Report, req: &Incoming, args: &mut Map<String, Value>) {
    let op = report.op;
    let content_type = req.header("content-type").unwrap_or_default().to_owned();
    let Some(body) = &op.body else {
        if !req.body.is_empty() {
            report.push("body", "this operation takes no body, but one was sent");
        }
        return;
    };
    let want = match body.kind {
        BodyKindSpec::Json | BodyKindSpec::JsonArray => "application/json",
        BodyKindSpec::Multipart => "multipart/form-data",
        BodyKindSpec::Form => "application/x-www-form-urlencoded",
    };
    let sent = media_type(&content_type);
    if req.body.is_empty() && body.fields.iter().all(|f| !f.required) {
        return;
    }
    if sent != want {
        let shown = if content_type.is_empty() {
            "none"
        } else {
            content_type.as_str()
        };
        report.push("Content-Type", format!("must be `{want}`, got `{shown}`"));
        return;
    }
    match body.kind {
        BodyKindSpec::Json | BodyKindSpec::JsonArray => {
            let value: Value = match serde_json::from_slice(&req.body) {
                Ok(value) => value,
                Err(e) => return report.push("body", format!("is not JSON: {e}")),
            };
            if body.kind == BodyKindSpec::JsonArray {
                if let Some(f) = body.fields.first() {
                    check_value(report, f.name, &f.ty, &f.limits, &value);
                    args.insert(f.name.to_owned(), value);
                }
                return;
            }
            let Some(object) = value.as_object() else {
                return report.push(
                    "body",
                    format!("must be a JSON object, got {}", json_kind(&value)),
                );
            };
            check_fields(report, "", body.fields, object, body.additional.as_ref());
            for (k, v) in object {
                args.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        BodyKindSpec::Form => {
            let Ok(text) = std::str::from_utf8(&req.body) else {
                return report.push("body", "is not UTF-8");
            };
            let mut object = Map::new();
            for (name, value) in url::form_urlencoded::parse(text.as_bytes()).into_owned() {
                let typed = match body.fields.iter().find(|f| f.name == name) {
                    Some(f) => from_text(&f.ty, &value).unwrap_or_else(|message| {
                        report.push(name.as_str(), message);
                        Value::String(value.clone())
                    }),
                    None => Value::String(value),
                };
                object.insert(name, typed);
            }
            check_fields(report, "", body.fields, &object, body.additional.as_ref());
            for (k, v) in object {
                args.entry(k).or_insert(v);
            }
        }
        BodyKindSpec::Multipart => {
            let parts = match multipart::parse(&content_type, &req.body) {
                Ok(parts) => parts,
                Err(message) => return report.push("body", message),
            };
            let mut seen: Vec<&str> = Vec::new();
            for part in &parts {
                let Some(f) = body.fields.iter().find(|f| f.name == part.name) else {
                    let known: Vec<&str> = body.fields.iter().map(|f| f.name).collect();
                    report.push(
                        part.name.as_str(),
                        format!(
                            "is not a part the spec describes (it has: {})",
                            list(&known)
                        ),
                    );
                    continue;
                };
                seen.push(f.name);
                if matches!(f.ty, TyDesc::File) {
                    if let Some(max) = f.limits.max_bytes {
                        let len = u64::try_from(part.bytes.len()).unwrap_or(u64::MAX);
                        report.validation(validate::max_bytes(f.name, len, max));
                    }
                    let mut file = Map::new();
                    file.insert(
                        "file_name".into(),
                        part.file_name.clone().map_or(Value::Null, Value::String),
                    );
                    file.insert(
                        "content_type".into(),
                        part.content_type.clone().map_or(Value::Null, Value::String),
                    );
                    file.insert(
                        "bytes".into(),
                        Value::Array(part.bytes.iter().map(|b| Value::from(*b)).collect()),
                    );
                    args.insert(f.name.to_owned(), Value::Object(file));
                    continue;
                }
                if part.file_name.is_some() {
                    report.push(f.name, "is a text part, but was sent as a file");
                }
                let text = String::from_utf8_lossy(&part.bytes);
                let typed = match from_text(&f.ty, &text) {
                    Ok(v) => v,
                    Err(message) => {
                        report.push(f.name, message);
                        continue;
                    }
                };
                check_value(report, f.name, &f.ty, &f.limits, &typed);
                args.insert(f.name.to_owned(), typed);
            }
            for f in body.fields.iter().filter(|f| f.required) {
                if !seen.contains(&f.name) {
                    report.push(f.name, "is a required part and is missing");
                }
            }
        }
    }
}
