//! The OpenAPI 3.0.3 and 3.1.0 documents of the real spec must say the same
//! thing in their two spellings: the same operations (id, method, path),
//! parameters, schema names, references, limits, extensions, descriptions
//! and examples.
//!
//! Each document is reduced to a set of facts, one per scalar it holds, at
//! a location with the version's spellings undone: `allOf`/`anyOf`/`oneOf`
//! members sit at their schema's location (the 3.0 wrapper of a described
//! `$ref` and the 3.1 `$ref`-or-`null` both vanish), a type list counts as
//! its types, `null` is dropped from types and enums (both versions let
//! optional fields be `null`, 3.1 in more places: that is the one thing the
//! comparison leaves out), and the file and map-key spellings are named for
//! what they mean. Any other difference is drift.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use agora_chat_generator::emit::openapi::{Version, document};
use agora_chat_generator::load_ir;
use serde_json::{Value, json};

/// The two documents, built once for all tests (loading the spec is the
/// slow part).
fn documents() -> &'static (Value, Value) {
    static DOCUMENTS: OnceLock<(Value, Value)> = OnceLock::new();
    DOCUMENTS.get_or_init(|| {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let ir = load_ir(&spec).expect("spec loads");
        (document(&ir, Version::V3_0), document(&ir, Version::V3_1))
    })
}

/// The facts of a document, as `location keyword = value` lines.
fn facts(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Value::Object(top) = doc else {
        panic!("a document is an object")
    };
    for (key, value) in top {
        match key.as_str() {
            // The one field that must differ.
            "openapi" => {}
            // 3.0 has no `webhooks`; it says the same in an extension.
            "x-webhooks" => walk(value, "/webhooks", &mut out),
            _ => walk(value, &format!("/{key}"), &mut out),
        }
    }
    out
}

fn walk(node: &Value, at: &str, out: &mut BTreeSet<String>) {
    let Value::Object(map) = node else {
        out.insert(format!("{at} = {node}"));
        return;
    };
    // 3.0's file is a string of binary format, 3.1's has no type.
    let file_3_0 = map.get("format") == Some(&json!("binary"));
    for (key, value) in map {
        let fact = |value: &Value| format!("{at} {key} = {value}");
        match (key.as_str(), value) {
            ("type", _) if file_3_0 => {}
            ("type", Value::String(ty)) => {
                if ty != "null" {
                    out.insert(format!("{at} type = {ty}"));
                }
            }
            ("type", Value::Array(types)) => {
                for ty in types.iter().filter_map(Value::as_str) {
                    if ty != "null" {
                        out.insert(format!("{at} type = {ty}"));
                    }
                }
            }
            ("nullable", Value::Bool(true)) => {}
            ("enum", Value::Array(values)) => {
                let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
                out.insert(fact(&json!(values)));
            }
            ("format", Value::String(format)) if format == "binary" => {
                out.insert(format!("{at} is a file"));
            }
            ("contentMediaType", Value::String(media)) if media == "application/octet-stream" => {
                out.insert(format!("{at} is a file"));
            }
            // Limits on map keys: 3.0 has only the extension.
            ("x-keys", keys) => walk(keys, &format!("{at}/propertyNames"), out),
            ("allOf" | "anyOf" | "oneOf", Value::Array(members)) => {
                for member in members {
                    walk(member, at, out);
                }
            }
            (_, Value::Array(items)) if items.iter().any(Value::is_object) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{key}/{i}"), out);
                }
            }
            (_, Value::Object(_)) => walk(value, &format!("{at}/{key}"), out),
            _ => {
                out.insert(fact(value));
            }
        }
    }
}

/// The facts of `v3_0` that `v3_1` lacks and the reverse, labelled.
fn differences(v3_0: &BTreeSet<String>, v3_1: &Value) -> Vec<String> {
    let v3_1 = facts(v3_1);
    let only_3_0 = v3_0.difference(&v3_1).map(|f| format!("only in 3.0: {f}"));
    let only_3_1 = v3_1.difference(v3_0).map(|f| format!("only in 3.1: {f}"));
    only_3_0.chain(only_3_1).collect()
}

#[test]
fn the_two_documents_say_the_same() {
    let (v3_0, v3_1) = documents();
    let facts = facts(v3_0);
    // The comparison sees what matters: an operation, a limit, an extension.
    for expected in [
        r#"/paths//chatgroups/get operationId = "list_groups""#,
        "/components/schemas/CreateGroupBody/properties/groupname maxLength = 128",
        "/paths//chatgroups/post/x-rate-limit count = 100",
    ] {
        assert!(facts.contains(expected), "the facts lack {expected}");
    }
    let differences = differences(&facts, v3_1);
    assert!(
        differences.is_empty(),
        "{} differences, e.g.:\n{}",
        differences.len(),
        differences[..differences.len().min(30)].join("\n")
    );
}

/// A change to a document, and what a difference it makes must mention.
type Change = (&'static str, fn(&mut Value));

#[test]
fn the_comparison_catches_drift() {
    let (v3_0, v3_1) = documents();
    let v3_0 = facts(v3_0);
    let changes: [Change; 7] = [
        ("list_chat_groups", |d| {
            d["paths"]["/chatgroups"]["get"]["operationId"] = "list_chat_groups".into();
        }),
        ("/chatgroups/put", |d| {
            let path = d["paths"]["/chatgroups"].as_object_mut().unwrap();
            let get = path.shift_remove("get").unwrap();
            path.insert("put".into(), get);
        }),
        ("CreateChatGroupBody", |d| {
            let schemas = d["components"]["schemas"].as_object_mut().unwrap();
            let body = schemas.shift_remove("CreateGroupBody").unwrap();
            schemas.insert("CreateChatGroupBody".into(), body);
        }),
        ("groupname maxLength = 64", |d| {
            d["components"]["schemas"]["CreateGroupBody"]["properties"]["groupname"]["maxLength"] =
                64.into();
        }),
        ("x-idempotent = true", |d| {
            d["paths"]["/chatgroups"]["post"]["x-idempotent"] = true.into();
        }),
        ("x-variants/1", |d| {
            let variants = first_with(d, "x-variants").expect("an operation with variants");
            variants.as_array_mut().unwrap().truncate(1);
        }),
        ("propertyNames maxLength = 1", |d| {
            let keys = first_with(d, "propertyNames").expect("a map with key limits");
            keys["maxLength"] = 1.into();
        }),
    ];
    for (needle, change) in changes {
        let mut altered = v3_1.clone();
        change(&mut altered);
        assert_ne!(&altered, v3_1, "{needle}: the change changed nothing");
        let found = differences(&v3_0, &altered);
        assert!(
            found.iter().any(|f| f.contains(needle)),
            "the change to {needle} went unnoticed: {found:?}"
        );
    }
}

/// The first object under `node` that has `key`, as the value of that key.
fn first_with<'a>(node: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    if node.get(key).is_some() {
        return node.get_mut(key);
    }
    match node {
        Value::Object(map) => map.values_mut().find_map(|v| first_with(v, key)),
        Value::Array(items) => items.iter_mut().find_map(|v| first_with(v, key)),
        _ => None,
    }
}

/// Each document is written in its own version's words only: a 3.0
/// spelling in the 3.1 document (or the reverse) means a schema was built
/// without asking the dialect.
#[test]
fn each_document_uses_only_its_own_spellings() {
    let (v3_0, v3_1) = documents();
    let only_3_0 = |s: &Value| {
        s.get("nullable").is_some()
            || s.get("x-keys").is_some()
            || s.get("format") == Some(&json!("binary"))
            || s.get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|m| m.len() == 1)
    };
    let only_3_1 = |s: &Value| {
        s.get("type").is_some_and(Value::is_array)
            || s.get("propertyNames").is_some()
            || s.get("contentMediaType").is_some()
    };
    assert_eq!(
        count(v3_0, &only_3_1),
        0,
        "3.1 spellings in the 3.0 document"
    );
    assert_eq!(
        count(v3_1, &only_3_0),
        0,
        "3.0 spellings in the 3.1 document"
    );
    // Both documents do use their spellings, so the counts above can fail.
    assert!(count(v3_0, &only_3_0) > 0 && count(v3_1, &only_3_1) > 0);
}

/// How many objects under `node` satisfy `test`.
fn count(node: &Value, test: &dyn Fn(&Value) -> bool) -> usize {
    let here = usize::from(node.is_object() && test(node));
    let below: usize = match node {
        Value::Object(map) => map.values().map(|v| count(v, test)).sum(),
        Value::Array(items) => items.iter().map(|v| count(v, test)).sum(),
        _ => 0,
    };
    here + below
}
