//! Stage 3: emitters. Each one reads only the IR: it may first report what
//! its target cannot express ([`Emitter::check`]), then turns the IR into
//! files ([`Emitter::emit`]). Writing the files is the caller's business
//! (xtask).
//!
//! Emitters are data: [`EMITTERS`] lists the project's, and
//! [`crate::generate_with`] takes any other list. A new emitter is a new
//! folder here with a type implementing [`Emitter`], added to the list.

pub mod mock;
pub mod openapi;
pub mod rust;

use std::path::PathBuf;

use crate::GenerateError;
use crate::error::{Diagnostic, SpecError};
use crate::ir::Ir;

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// A generator of files from the IR.
pub trait Emitter: Sync {
    /// Short name, for messages (`rust`, `openapi-3.0`).
    fn name(&self) -> &'static str;

    /// Problems of the spec that only this emitter's target has, e.g. two
    /// spec names that become the same Rust name. Every emitter's check runs
    /// before any emitter emits.
    fn check(&self, _ir: &Ir) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// The files. An error here is a bug of the emitter: the spec passed
    /// every check.
    fn emit(&self, ir: &Ir) -> Result<Vec<GeneratedFile>, String>;
}

/// The project's emitters, in output order.
pub const EMITTERS: &[&dyn Emitter] = &[
    &rust::RustEmitter,
    &openapi::OpenApiEmitter {
        version: openapi::Version::V3_0,
    },
    &openapi::OpenApiEmitter {
        version: openapi::Version::V3_1,
    },
    &mock::MockEmitter,
];

/// Checks the IR with every emitter, then runs them, the emitters side by
/// side. A problem that several emitters find (the OpenAPI versions share
/// their checks) is reported once.
pub fn run(ir: &Ir, emitters: &[&dyn Emitter]) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut problems: Vec<Diagnostic> = Vec::new();
    for problem in crate::par::map(emitters, |e| e.check(ir))
        .into_iter()
        .flatten()
    {
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        return Err(SpecError::Invalid(problems).into());
    }
    let mut files = Vec::new();
    for (emitter, emitted) in emitters
        .iter()
        .zip(crate::par::map(emitters, |e| e.emit(ir)))
    {
        files.extend(emitted.map_err(|message| GenerateError::Emit {
            emitter: emitter.name(),
            message,
        })?);
    }
    Ok(files)
}
