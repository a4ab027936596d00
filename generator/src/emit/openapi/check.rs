//! What one OpenAPI operation per method and path cannot say, whatever the
//! version.

use crate::error::Diagnostic;
use crate::ir::{Body, Ir, Operation, ResponseBody, Route};

/// One OpenAPI operation serves every operation of a route: they must all
/// answer with JSON or all with a file, and send bodies of one media type.
pub(super) fn route(ir: &Ir, route: &Route) -> Vec<Diagnostic> {
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
