//! Parameters: one spec parameter, and the parameters of an OpenAPI
//! operation that serves several spec operations.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Cx, schemas};
use crate::ir::{Operation, Param, ParamLocation};

/// A comma-list path parameter, or one on which variants disagree: any
/// non-empty string.
fn plain_string() -> Value {
    json!({"type": "string", "minLength": 1})
}

fn param(cx: Cx, p: &Param) -> Value {
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
        plain_string()
    } else {
        let mut s = schemas::of_type(cx, &p.ty);
        schemas::apply_limits(cx, &mut s, &p.limits, &p.ty);
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

/// The parameters of the merged operation. Path parameters are matched by
/// position; where the variants disagree on one, it becomes a plain string
/// described by each variant, so that every variant's requests stay valid.
pub(super) fn merged(cx: Cx, all: &[&Operation]) -> Vec<Value> {
    let first = all[0];
    let mut params = Vec::new();
    for (i, p) in first.path_params.iter().enumerate() {
        let mut merged = param(cx, p);
        // Operations of one route have as many placeholders (one shape).
        for other in &all[1..] {
            let Some(q) = other.path_params.get(i) else {
                continue;
            };
            let theirs = param(cx, q);
            if theirs["schema"] != merged["schema"]
                || theirs["description"] != merged["description"]
            {
                let text = format!(
                    "{} For `{}`: {}",
                    merged["description"].as_str().unwrap_or_default(),
                    other.id,
                    theirs["description"].as_str().unwrap_or_default()
                );
                merged["schema"] = plain_string();
                merged["description"] = text.into();
            }
        }
        params.push(merged);
    }
    // Query and header parameters: the union; required only when every
    // variant requires them.
    let mut index: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    for op in all {
        for (list, location) in [(&op.query, "query"), (&op.headers, "header")] {
            for p in list {
                let entry = index
                    .entry((p.wire_name.clone(), location))
                    .or_insert_with(|| {
                        params.push(param(cx, p));
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
