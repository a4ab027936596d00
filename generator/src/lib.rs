//! The Agora Chat SDK generator.
//!
//! The spec (YAML under `spec/`) goes through three stages:
//! 1. [`spec::load()`] reads the files with serde-saphyr, rejecting unknown
//!    keys, wrong types and bad YAML with file, line and column;
//! 2. [`lower::lower`] checks what the spec means and lowers it to the
//!    emitter-neutral [`ir::Ir`]: every problem is reported at once, each
//!    naming file, position, item and field path;
//! 3. the emitters of [`emit::EMITTERS`] (Rust, OpenAPI) first check what only
//!    their target cannot express (names that collide in Rust, ...), then
//!    turn the IR into files: pure functions, no I/O.
//!
//! [`generate`] runs them all.

pub mod emit;
pub mod error;
pub mod form;
pub mod ir;
pub mod lower;
mod par;
pub mod path;
pub mod spec;
pub mod types;

use std::path::Path;

pub use emit::{Emitter, GeneratedFile};
pub use error::{Diagnostic, SpecError};

/// Loads the spec in `spec_dir` and lowers it to the IR.
pub fn load_ir(spec_dir: &Path) -> Result<ir::Ir, SpecError> {
    let spec = spec::load(spec_dir)?;
    lower::lower(&spec)
}

/// Runs every stage with the project's emitters and returns all generated
/// files, paths relative to the workspace root. Deterministic: the same
/// spec gives the same bytes.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, GenerateError> {
    generate_with(spec_dir, emit::EMITTERS)
}

/// Runs every stage with the given emitters.
pub fn generate_with(
    spec_dir: &Path,
    emitters: &[&dyn Emitter],
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let ir = load_ir(spec_dir)?;
    emit::run(&ir, emitters)
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec is broken, or uses something an emitter's target cannot
    /// express (reported before anything is emitted).
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// An emitter failed on a spec that passed every check: a generator bug.
    #[error("the {emitter} emitter failed (generator bug): {message}")]
    Emit {
        /// The emitter's name.
        emitter: &'static str,
        /// What went wrong.
        message: String,
    },
}
