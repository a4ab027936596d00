//! The callbacks as webhooks: one entry per event family (a `POST` whose
//! request body is the family's body, with its doc examples), under the
//! key [`Version::webhooks_key`](super::Version::webhooks_key), and the
//! schemas they use.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Cx, names, schemas};
use crate::error::Diagnostic;
use crate::ir::callbacks::{CallbackType, CallbackTypeId, Callbacks, Delivery, Family};
use crate::ir::{Field, Ir, Origin};

/// The schema of a whole body: the envelope's members and `fields` (a
/// member of both is the family's refinement).
fn body_schema(cx: Cx, callbacks: &Callbacks, description: &str, fields: &[Field]) -> Value {
    let mut all: Vec<Field> = callbacks
        .envelope
        .iter()
        .filter(|e| !fields.iter().any(|f| f.wire_name == e.wire_name))
        .cloned()
        .collect();
    all.extend(fields.iter().cloned());
    schemas::object_schema(cx, description, &all)
}

/// Every schema of the callbacks, by name.
pub(super) fn schemas(cx: Cx) -> Vec<(String, Value)> {
    let Some(callbacks) = &cx.ir.callbacks else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, ty) in callbacks.types.iter().enumerate() {
        let name = names::callback_type(cx.ir, CallbackTypeId(i));
        match ty {
            CallbackType::Object(object) => {
                out.push((
                    name,
                    schemas::object_schema(cx, &object.description, &object.fields),
                ));
            }
            CallbackType::Union(union) => {
                let mut refs = Vec::new();
                for v in &union.variants {
                    let variant = names::callback_variant(&union.name, &v.value);
                    let mut s = schemas::object_schema(cx, &v.description, &v.fields);
                    if let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) {
                        props.insert(
                            union.tag.clone(),
                            json!({"type": "string", "enum": [v.value], "description": format!("`{}` for this variant.", v.value)}),
                        );
                    }
                    let mut required = vec![Value::from(union.tag.clone())];
                    if let Some(Value::Array(more)) = s.get("required") {
                        required.extend(more.iter().cloned());
                    }
                    s["required"] = required.into();
                    refs.push(json!({"$ref": names::schema_ref(&variant)}));
                    out.push((variant, s));
                }
                out.push((
                    name,
                    json!({
                        "description": format!(
                            "{}\n\n`{}` names the variant; its members sit beside it.",
                            union.description.trim(),
                            union.tag
                        ),
                        "anyOf": refs,
                    }),
                ));
            }
        }
    }
    for family in &callbacks.families {
        let base = body_schema(cx, callbacks, &family.description, &family.fields);
        if family.operations.is_empty() {
            out.push((names::callback_family(family), with_select(base, family)));
            continue;
        }
        // One schema per operation, and the family's own for operations
        // the spec does not describe.
        let mut refs = Vec::new();
        for op in &family.operations {
            let mut s = body_schema(cx, callbacks, &op.summary, &op.fields);
            let select: Map<String, Value> = op
                .select
                .iter()
                .map(|(p, v)| (p.clone(), Value::from(v.clone())))
                .collect();
            s["x-select"] = Value::Object(select);
            let name = names::callback_operation(family, &op.name);
            refs.push(json!({"$ref": names::schema_ref(&name)}));
            out.push((name, s));
        }
        let other = names::callback_other_operation(family);
        refs.push(json!({"$ref": names::schema_ref(&other)}));
        out.push((other, base));
        out.push((
            names::callback_family(family),
            with_select(
                json!({"description": family.description.trim(), "anyOf": refs}),
                family,
            ),
        ));
    }
    out.push((
        names::CALLBACK_REPLY.into(),
        schemas::object_schema(
            cx,
            &format!(
                "The answer to a pre-delivery callback, at most {} characters.",
                callbacks.response_max_chars
            ),
            &callbacks.reply,
        ),
    ));
    out
}

fn with_select(mut schema: Value, family: &Family) -> Value {
    schema["x-select"] = json!({family.select_field.clone(): family.select_values});
    schema
}

/// Two callback schemas with one name, or one with the name of another
/// schema of the document: one would replace the other.
pub(super) fn check(ir: &Ir, others: &[String]) -> Vec<Diagnostic> {
    let Some(callbacks) = &ir.callbacks else {
        return Vec::new();
    };
    let mut named: Vec<(String, &Origin, String)> = Vec::new();
    for (i, ty) in callbacks.types.iter().enumerate() {
        let name = names::callback_type(ir, CallbackTypeId(i));
        match ty {
            CallbackType::Object(o) => named.push((name, &o.origin, o.spec_path.clone())),
            CallbackType::Union(u) => {
                named.push((name, &u.origin, "name".into()));
                for (v, variant) in u.variants.iter().enumerate() {
                    let schema = names::callback_variant(&u.name, &variant.value);
                    named.push((schema, &u.origin, format!("variants[{v}].value")));
                }
            }
        }
    }
    for family in &callbacks.families {
        named.push((
            names::callback_family(family),
            &family.origin,
            "name".into(),
        ));
        if !family.operations.is_empty() {
            let other = names::callback_other_operation(family);
            named.push((other, &family.origin, "name".into()));
        }
        for op in &family.operations {
            let schema = names::callback_operation(family, &op.name);
            named.push((schema, &family.origin, format!("{}.name", op.spec_path)));
        }
    }
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (name, origin, field)) in named.iter().enumerate() {
        let clash = if let Some(first) = seen.get(name.as_str()) {
            Some(format!(
                "the schema of `{}` at `{}`",
                named[*first].1.item, named[*first].2
            ))
        } else if others.contains(name) || name == names::CALLBACK_REPLY {
            Some("another schema of the document".to_string())
        } else {
            None
        };
        match clash {
            Some(other) => problems.push(origin.diagnostic(
                field.as_str(),
                format!("becomes the OpenAPI schema `{name}`, which {other} already is"),
            )),
            None => {
                seen.insert(name, i);
            }
        }
    }
    problems
}

/// The webhooks, one per family in spec order.
pub(super) fn webhooks(cx: Cx) -> Option<Value> {
    let callbacks = cx.ir.callbacks.as_ref()?;
    let mut out = Map::new();
    for family in &callbacks.families {
        out.insert(family.name.clone(), json!({"post": webhook(family)}));
    }
    Some(Value::Object(out))
}

fn webhook(family: &Family) -> Value {
    let (delivery, answer) = match family.delivery {
        Delivery::Pre => (
            "pre",
            json!({
                "description": "The verdict: deliver, reject or rewrite the message.",
                "content": {"application/json": {"schema": {"$ref": names::schema_ref(names::CALLBACK_REPLY)}}},
            }),
        ),
        Delivery::Post => (
            "post",
            json!({"description": "Any HTTP 200 acknowledges the callback; a failed one is sent once more."}),
        ),
    };
    // Examples whose payload the doc left out are not bodies the server
    // sends; they stay in the spec's tests.
    let examples: Map<String, Value> = family
        .examples
        .iter()
        .filter(|e| !e.payload_elided)
        .map(|e| {
            let summary = format!("`{}`, section \"{}\"", e.source.page, e.source.section);
            (e.name.clone(), json!({"summary": summary, "value": e.body}))
        })
        .collect();
    let mut media = json!({"schema": {"$ref": names::schema_ref(&names::callback_family(family))}});
    if !examples.is_empty() {
        media["examples"] = Value::Object(examples);
    }
    let mut description = format!(
        "{}\n\nSelected by `{}`: {}. Signed: see the `security` member. Source: `{}`, section \"{}\".",
        family.description.trim(),
        family.select_field,
        family
            .select_values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", "),
        family.source.page,
        family.source.section
    );
    if !family.operations.is_empty() {
        description.push_str("\n\nOperations:");
        for op in &family.operations {
            description.push_str(&format!("\n- `{}`: {}", op.name, op.summary.trim()));
        }
    }
    let mut o = json!({
        "operationId": format!("callback_{}", family.name),
        "tags": [names::WEBHOOK_TAG],
        "summary": family.summary.trim(),
        "description": description,
        // Callbacks are signed in the body, not sent with a token.
        "security": [],
        "x-delivery": delivery,
        "x-doc-source": {"page": family.source.page, "section": family.source.section},
        "requestBody": {
            "required": true,
            "content": {"application/json": media},
        },
        "responses": {"200": answer},
    });
    if !family.errata.is_empty() {
        o["x-errata"] = json!(family.errata);
    }
    o
}
