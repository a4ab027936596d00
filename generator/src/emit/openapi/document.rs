//! The whole document: info, servers, tags, paths and components.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Cx, Version, names, operations, schemas, webhooks};
use crate::ir::{Group, Ir, Operation, ResponseBody, Route};

/// Builds the document of `version` as JSON; [`render`] serializes it.
pub fn document(ir: &Ir, version: Version) -> Value {
    let cx = Cx { ir, version };
    let (mut schemas, messages) = api_schemas(cx);
    schemas.extend(webhooks::schemas(cx));
    schemas.extend(messages);
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    // One path item per path shape: OpenAPI treats `/a/{x}` and `/a/{y}` as
    // the same path, so every method under a shape uses the placeholder
    // names of the first operation (in spec order) with that shape. Routes
    // are in the order of their first operation.
    let mut canonical: BTreeMap<String, &Route> = BTreeMap::new();
    for route in &ir.routes {
        canonical.entry(route.path.shape()).or_insert(route);
    }
    for route in sorted_routes(ir) {
        let path = &canonical[&route.path.shape()].path;
        let ops: Vec<(&Group, &Operation)> = ir.route_operations(route).collect();
        paths.entry(path.to_string()).or_default().insert(
            route.method.as_str().to_ascii_lowercase(),
            operations::operation(cx, &ops, path.as_str()),
        );
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
    let mut tags: Vec<Value> = ir
        .groups
        .iter()
        .map(|g| json!({"name": g.name, "description": format!("{}: {}", g.title, g.description.trim())}))
        .collect();
    let webhooks = webhooks::webhooks(cx);
    if let Some(callbacks) = &ir.callbacks {
        tags.push(json!({"name": names::WEBHOOK_TAG, "description": callbacks.description.trim()}));
    }
    let mut doc = json!({
        "openapi": version.openapi(),
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
                    "content": {"application/json": {"schema": {"$ref": names::schema_ref("ErrorBody")}}}
                }
            }
        }
    });
    if let Some(webhooks) = webhooks {
        doc[version.webhooks_key()] = webhooks;
    }
    doc
}

/// The schemas of `components/schemas` that are not the callbacks', in
/// document order: the shared types (which come before the callbacks'),
/// then the request bodies and responses of the operations (after them).
pub(super) fn api_schemas(cx: Cx) -> (Map<String, Value>, Map<String, Value>) {
    let ir = cx.ir;
    let mut types = Map::new();
    types.insert("Envelope".into(), schemas::envelope(cx));
    types.insert("ErrorBody".into(), schemas::error(cx));
    for group in &ir.groups {
        for id in &group.objects {
            types.insert(names::object(ir, *id), schemas::object_type(cx, *id));
        }
    }
    for (i, set) in ir.enums.iter().enumerate() {
        types.insert(
            set.name.clone(),
            schemas::closed_set(cx, crate::ir::EnumId(i)),
        );
    }
    for i in 0..ir.unions.len() {
        types.extend(schemas::union_variants(cx, crate::ir::UnionId(i)));
    }
    let mut messages = Map::new();
    for route in sorted_routes(ir) {
        for (_, op) in ir.route_operations(route) {
            if let Some(body) = &op.body {
                messages.insert(names::body(op), schemas::body(cx, op, body));
            }
            if op.response_body == ResponseBody::Json {
                messages.insert(names::response(op), schemas::response(cx, op));
            }
        }
    }
    (types, messages)
}

/// The routes with the methods of each path in a fixed order, whatever the
/// spec order.
fn sorted_routes(ir: &Ir) -> Vec<&Route> {
    let mut routes: Vec<&Route> = ir.routes.iter().collect();
    routes.sort_by_key(|r| (r.path.shape(), r.method.as_str()));
    routes
}

/// The document of `version` as YAML text.
pub fn render(ir: &Ir, version: Version) -> Result<String, String> {
    let doc = document(ir, version);
    let yaml = serde_saphyr::to_string(&doc).map_err(|e| e.to_string())?;
    Ok(format!(
        "# @generated by `cargo xtask codegen` from the spec in `spec/`. Do not edit.\n{yaml}"
    ))
}
