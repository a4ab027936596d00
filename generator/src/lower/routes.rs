//! Routes: operations that share a method and a path shape (the same
//! endpoint of the server, told apart by their bodies).

use crate::ir::{Group, Route};

/// The routes of `groups`, in the order of their first operation.
pub(super) fn routes(groups: &[Group]) -> Vec<Route> {
    let mut routes: Vec<Route> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        for (o, op) in group.operations.iter().enumerate() {
            let shape = op.path.shape();
            match routes
                .iter_mut()
                .find(|r| r.method == op.method && r.path.shape() == shape)
            {
                Some(route) => route.operations.push((g, o)),
                None => routes.push(Route {
                    method: op.method,
                    path: op.path.clone(),
                    operations: vec![(g, o)],
                }),
            }
        }
    }
    routes
}
