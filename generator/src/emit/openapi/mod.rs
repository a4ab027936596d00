//! The OpenAPI emitter: one document per [`Version`] from the same IR, with
//! the same operations, schemas, limits and extensions. `dialect.rs` holds
//! every difference between the versions.
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
//! - Callbacks: one webhook per event family (`webhooks` in 3.1,
//!   `x-webhooks` in 3.0), its body an `anyOf` of one schema per operation
//!   and one for operations the spec does not describe, with `x-select`
//!   (the members and values that pick it) and `x-delivery` (`pre`: the
//!   server waits for the `CallbackReply`).
//!
//! Files: `document.rs` (the whole document), `schemas.rs` (types, limits,
//! objects, bodies, responses), `operations.rs` and `params.rs` (one
//! operation per route), `webhooks.rs` (the callbacks), `names.rs` (schema
//! names), `check.rs` (what one operation per route cannot say).

mod check;
mod dialect;
mod document;
mod names;
mod operations;
mod params;
mod schemas;
mod webhooks;

pub use dialect::Version;
pub use document::{document, render};

use super::{Emitter, GeneratedFile};
use crate::error::Diagnostic;
use crate::ir::Ir;

/// The OpenAPI emitter for one version.
pub struct OpenApiEmitter {
    /// The version written.
    pub version: Version,
}

impl Emitter for OpenApiEmitter {
    fn name(&self) -> &'static str {
        self.version.emitter_name()
    }

    fn check(&self, ir: &Ir) -> Vec<Diagnostic> {
        let mut problems: Vec<Diagnostic> =
            ir.routes.iter().flat_map(|r| check::route(ir, r)).collect();
        // The callback schemas share `components/schemas` with the rest:
        // the names of the document without callbacks.
        if ir.callbacks.is_some() {
            let cx = Cx {
                ir,
                version: self.version,
            };
            let (types, messages) = document::api_schemas(cx);
            let others: Vec<String> = types.keys().chain(messages.keys()).cloned().collect();
            problems.extend(webhooks::check(ir, &others));
        }
        problems
    }

    fn emit(&self, ir: &Ir) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![GeneratedFile {
            path: self.version.path().into(),
            contents: render(ir, self.version)?,
        }])
    }
}

/// The component schemas only the callbacks use (`x-webhooks` in 3.0.3,
/// `webhooks` in 3.1): what the Chat server posts to the app and the
/// app's answer. A client of the REST operations never sends or receives
/// them.
pub fn webhook_schema_names(ir: &Ir, version: Version) -> Vec<String> {
    webhooks::schemas(Cx { ir, version })
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// What every part of a document is built from.
#[derive(Clone, Copy)]
struct Cx<'a> {
    ir: &'a Ir,
    version: Version,
}
