//! The Agora Chat SDK generator.
//!
//! The spec (YAML under `spec/`) goes through four stages:
//! 1. [`spec::load()`] reads the files with serde-saphyr, rejecting unknown keys;
//! 2. [`validate::validate`] checks that the spec makes sense;
//! 3. [`ir::build`] turns it into the IR the emitters read;
//! 4. [`emit`] turns the IR into files (pure functions, no I/O).
//!
//! [`generate`] runs them all.

mod callbacks_check;
pub mod emit;
pub mod error;
pub mod form;
pub mod ir;
pub mod naming;
pub mod spec;
pub mod types;
pub mod validate;

use std::path::Path;

pub use emit::GeneratedFile;
pub use error::{Diagnostic, SpecError};

/// Loads and validates the spec in `spec_dir`.
pub fn load_ir(spec_dir: &Path) -> Result<ir::Ir, SpecError> {
    let spec = spec::load(spec_dir)?;
    ir::build(&spec)
}

/// Runs every stage and returns all generated files, paths relative to the
/// workspace root. Deterministic: the same spec gives the same bytes.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, GenerateError> {
    let ir = load_ir(spec_dir)?;
    emit_all(&ir)
}

/// Runs every emitter on an IR.
pub fn emit_all(ir: &ir::Ir) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut files = emit::rust::emit(ir).map_err(|e| GenerateError::Emit(e.to_string()))?;
    files.push(GeneratedFile {
        path: emit::openapi::OPENAPI_PATH.into(),
        contents: emit::openapi::render(ir).map_err(GenerateError::OpenApi)?,
    });
    Ok(files)
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec is broken.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// An emitter produced code that does not parse: a generator bug.
    #[error("generated code does not parse (generator bug): {0}")]
    Emit(String),
    /// The spec uses a construct the OpenAPI document cannot express; the
    /// message names the operation.
    #[error("cannot express in OpenAPI: {0}")]
    OpenApi(String),
}
