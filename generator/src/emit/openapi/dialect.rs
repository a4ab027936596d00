//! The OpenAPI versions the emitter writes, and every place where they say
//! the same thing differently. The rest of the emitter decides what the
//! document says; this file alone decides how each version spells it.
//!
//! 3.0.3 is for the tools that know no 3.1 (progenitor among them); 3.1.0
//! schemas are JSON Schema 2020-12, which says a few things 3.0 cannot (a
//! `null` beside a reference, limits on map keys).
//!
//! The callbacks are one more difference: 3.1 lists them as top-level
//! `webhooks` (path items like those of `paths`), 3.0 has no such field,
//! so there the same map is the extension `x-webhooks`.

use serde_json::{Map, Value, json};

/// An OpenAPI version the emitter writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0.3.
    V3_0,
    /// OpenAPI 3.1.0.
    V3_1,
}

/// The media type of a file's bytes.
pub(super) const OCTET_STREAM: &str = "application/octet-stream";

impl Version {
    /// The value of the document's `openapi` field.
    pub fn openapi(self) -> &'static str {
        match self {
            Version::V3_0 => "3.0.3",
            Version::V3_1 => "3.1.0",
        }
    }

    /// Where the document is written, relative to the workspace root.
    pub fn path(self) -> &'static str {
        match self {
            Version::V3_0 => "generated-client/openapi.yaml",
            Version::V3_1 => "generated-client/openapi-3.1.yaml",
        }
    }

    /// The emitter's name, for messages.
    pub(super) fn emitter_name(self) -> &'static str {
        match self {
            Version::V3_0 => "openapi-3.0",
            Version::V3_1 => "openapi-3.1",
        }
    }

    /// `schema` plus a description. A 3.0 `$ref` ignores its siblings, so
    /// there a described reference is wrapped in `allOf`.
    pub(super) fn described(self, mut schema: Value, description: &str) -> Value {
        if self == Version::V3_0 && schema.get("$ref").is_some() {
            return json!({"allOf": [schema], "description": description});
        }
        if let Some(obj) = schema.as_object_mut() {
            obj.insert("description".into(), description.into());
        }
        schema
    }

    /// Lets `schema` also accept `null`.
    pub(super) fn allow_null(self, schema: &mut Value) {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        match self {
            // 3.0 allows `nullable` only beside a `type`, so a reference or
            // a `oneOf` stays as it is.
            Version::V3_0 => {
                if obj.contains_key("type") {
                    obj.insert("nullable".into(), true.into());
                }
            }
            Version::V3_1 => {
                match obj.get_mut("type") {
                    Some(ty @ Value::String(_)) => *ty = json!([ty.take(), "null"]),
                    Some(Value::Array(types)) => types.push("null".into()),
                    _ => {
                        // A reference: either it or `null`. A schema without
                        // `type` or `$ref` accepts `null` already.
                        if let Some(target) = obj.get("$ref").cloned() {
                            let mut either = Map::new();
                            either.insert(
                                "anyOf".into(),
                                json!([{"$ref": target}, {"type": "null"}]),
                            );
                            either.extend(
                                std::mem::take(obj).into_iter().filter(|(k, _)| k != "$ref"),
                            );
                            *obj = either;
                        }
                        return;
                    }
                }
                // `enum` is checked on its own: without `null` in it, the
                // type list's `null` would still be rejected.
                if let Some(Value::Array(values)) = obj.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
        }
    }

    /// A value of any one of the JSON types `types`.
    pub(super) fn any_of_types(self, types: &[&str]) -> Value {
        match self {
            Version::V3_0 => {
                let each: Vec<Value> = types.iter().map(|t| json!({"type": t})).collect();
                json!({"oneOf": each})
            }
            Version::V3_1 => json!({"type": types}),
        }
    }

    /// The schema of a file: a multipart part, or a download's whole body.
    /// In 3.1 raw bytes are outside of JSON Schema's `type`s: the schema
    /// names only their media type ("Working With Binary Data" in 3.1.1).
    pub(super) fn file(self) -> Value {
        match self {
            Version::V3_0 => json!({"type": "string", "format": "binary"}),
            Version::V3_1 => json!({"contentMediaType": OCTET_STREAM}),
        }
    }

    /// The top-level key of the webhooks (the callbacks the server sends).
    pub(super) fn webhooks_key(self) -> &'static str {
        match self {
            Version::V3_0 => "x-webhooks",
            Version::V3_1 => "webhooks",
        }
    }

    /// The keyword that holds limits on the keys of a map. 3.0 has no
    /// `propertyNames`, so there the same limits go in an extension.
    pub(super) fn key_limits_keyword(self) -> &'static str {
        match self {
            Version::V3_0 => "x-keys",
            Version::V3_1 => "propertyNames",
        }
    }
}
