//! Schemas: of types and fields with their limits, of object types, of
//! request bodies and of whole JSON responses.

use serde_json::{Map, Value, json};

use super::{Cx, names};
use crate::ir::{
    Body, BodyKind, EnumId, Field, Limits, ObjectId, Operation, Payload, Shape, TextLimits, Ty,
    UnionId,
};

/// The schema of the fields every JSON response carries besides `data`.
pub(super) fn envelope(cx: Cx) -> Value {
    object_schema(
        cx,
        "The fields every JSON response carries besides `data`.",
        &cx.ir.api.envelope,
    )
}

/// The schema of an error body, with the documented error codes.
pub(super) fn error(cx: Cx) -> Value {
    let ir = cx.ir;
    let mut s = object_schema(cx, "The body of an error response.", &ir.api.error_body);
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

/// The schema of an object type of the IR.
pub(super) fn object_type(cx: Cx, id: ObjectId) -> Value {
    object_schema(
        cx,
        &names::object_description(cx.ir, id),
        &cx.ir.object(id).fields,
    )
}

/// The schema of an object with `fields`, open to other members.
pub(super) fn object_schema(cx: Cx, description: &str, fields: &[Field]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let mut schema = field(cx, f);
        if let Ty::Union(id) = &f.ty {
            let (tag, tag_schema) = union_tag(cx, *id);
            if f.required {
                required.push(Value::from(tag.clone()));
            }
            props.insert(tag, tag_schema);
        }
        if f.required {
            required.push(Value::from(f.wire_name.clone()));
        } else {
            // The server sends `null` for absent values at times; the Rust
            // client reads that as `None`, and other clients must accept it.
            cx.version.allow_null(&mut schema);
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

/// The schema of a field: its type, its limits and its description.
fn field(cx: Cx, f: &Field) -> Value {
    let mut s = of_type(cx, &f.ty);
    apply_limits(cx, &mut s, &f.limits, &f.ty);
    cx.version.described(s, f.description.trim())
}

/// The schema of a type, without limits.
pub(super) fn of_type(cx: Cx, ty: &Ty) -> Value {
    match ty {
        Ty::String => json!({"type": "string"}),
        Ty::Username => {
            let rule = &cx.ir.api.username_rule;
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
        Ty::BoolOrString => cx.version.any_of_types(&["boolean", "string"]),
        Ty::File => cx.version.file(),
        Ty::Array(inner) => json!({"type": "array", "items": of_type(cx, inner)}),
        Ty::Map(inner) => {
            json!({"type": "object", "additionalProperties": of_type(cx, inner)})
        }
        Ty::Object(id) => json!({"$ref": names::schema_ref(&names::object(cx.ir, *id))}),
        Ty::Enum(id) => json!({"$ref": names::schema_ref(&cx.ir.enumeration(*id).name)}),
        // The content of a union: one of its variants' objects (the tag
        // beside it says which; see `union_tag`).
        Ty::Union(id) => {
            let union = cx.ir.union(*id);
            let variants: Vec<Value> = union
                .variants
                .iter()
                .map(|v| json!({"$ref": names::schema_ref(&names::variant(&union.name, &v.name))}))
                .collect();
            json!({"anyOf": variants})
        }
        Ty::Callback(id) => json!({"$ref": names::schema_ref(&names::callback_type(cx.ir, *id))}),
    }
}

/// The schema of a closed set: its values, each described.
pub(super) fn closed_set(cx: Cx, id: EnumId) -> Value {
    let set = cx.ir.enumeration(id);
    let values: Vec<Value> = set.values.iter().map(|v| v.value.to_json()).collect();
    let mut description = set.description.trim().to_string();
    for v in &set.values {
        description.push_str(&format!(
            "\n- `{}`: {}",
            v.value.to_json(),
            v.description.trim()
        ));
    }
    let ty = if set.is_integer() {
        "integer"
    } else {
        "string"
    };
    json!({"type": ty, "enum": values, "description": description})
}

/// The schemas of a union's variants (each the object under the content
/// key), by schema name.
pub(super) fn union_variants(cx: Cx, id: UnionId) -> Vec<(String, Value)> {
    let union = cx.ir.union(id);
    union
        .variants
        .iter()
        .map(|v| {
            let description = format!(
                "{} The `{}` of a {} whose `{}` is `{}`.",
                v.description.trim(),
                union.content,
                union.name,
                union.tag,
                v.value
            );
            (
                names::variant(&union.name, &v.name),
                object_schema(cx, &description, &v.fields),
            )
        })
        .collect()
}

/// The tag of a union field: the key beside it naming the variant.
fn union_tag(cx: Cx, id: UnionId) -> (String, Value) {
    let union = cx.ir.union(id);
    let values: Vec<Value> = union
        .variants
        .iter()
        .map(|v| Value::from(v.value.clone()))
        .collect();
    let description = format!("Which {} the `{}` member holds.", union.name, union.content);
    (
        union.tag.clone(),
        json!({"type": "string", "enum": values, "description": description}),
    )
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

/// Writes the limits `l` of a value of type `ty` into its schema `s`.
pub(super) fn apply_limits(cx: Cx, s: &mut Value, l: &Limits, ty: &Ty) {
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
    // Key limits in the same words as a string schema.
    set(
        cx.version.key_limits_keyword(),
        l.keys.as_ref().map(text_schema),
    );
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

/// The schema of an operation's `data`.
fn data(cx: Cx, op: &Operation) -> Value {
    let item = of_type(cx, &op.data.ty);
    match op.data.shape {
        Shape::Object | Shape::Scalar => item,
        Shape::Array if op.data.single => json!({
            "type": "array",
            "items": item,
            "minItems": 1,
            "maxItems": 1,
            "x-single": true,
        }),
        Shape::Array => json!({"type": "array", "items": item}),
        Shape::Map => json!({"type": "object", "additionalProperties": item}),
        Shape::None => json!({}),
    }
}

/// The schema of an operation's whole JSON response.
pub(super) fn response(cx: Cx, op: &Operation) -> Value {
    let key = match &op.payload {
        Payload::Key(key) => key.as_str(),
        // The payload's fields are the top-level fields.
        Payload::Root => return data(cx, op),
    };
    let mut s = object_schema(
        cx,
        &format!("The response of `{}`: the envelope plus `{key}`.", op.id),
        &cx.ir.api.envelope,
    );
    if op.data.shape != Shape::None
        && let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut)
    {
        props.insert(key.into(), data(cx, op));
        s["required"] = json!([key]);
    }
    s
}

/// The schema of an operation's request body.
pub(super) fn body(cx: Cx, op: &Operation, body: &Body) -> Value {
    if let (BodyKind::JsonArray, Some(array)) = (body.kind, body.fields.first()) {
        // The body is the one array field itself.
        return field(cx, array);
    }
    let mut schema = object_schema(
        cx,
        &format!("The request body of `{}`.", op.id),
        &body.fields,
    );
    // Pairs with caller-chosen names: any other property, of their type.
    if let Some(additional) = &body.additional {
        let mut values = of_type(cx, &additional.ty);
        values["description"] = additional.description.trim().into();
        schema["additionalProperties"] = values;
    }
    schema
}
