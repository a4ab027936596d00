//! 3. Size of the generated code: non-blank lines per operation.

use std::path::Path;

use super::files;

pub(crate) struct Size {
    pub(crate) ours_lines: usize,
    pub(crate) ours_operations: usize,
    pub(crate) progenitor_lines: usize,
    pub(crate) progenitor_operations: usize,
}

impl Size {
    pub(crate) fn ours_per_operation(&self) -> f64 {
        self.ours_lines as f64 / self.ours_operations as f64
    }

    pub(crate) fn progenitor_per_operation(&self) -> f64 {
        self.progenitor_lines as f64 / self.progenitor_operations as f64
    }
}

/// Ours: every file of `generated-client/src/generated/`, over the
/// operations `cargo xtask operations` lists. Theirs: the `.rs` files
/// cargo-progenitor wrote (`src/lib.rs`), over the operations of the
/// OpenAPI document it read (`progenitor_operations`).
pub(crate) fn measure(
    root: &Path,
    progenitor_src: &Path,
    progenitor_operations: usize,
) -> Result<Size, String> {
    let ours_lines = lines_in(&root.join("generated-client/src/generated"))?;
    let ir = agora_chat_generator::load_ir(&root.join("spec")).map_err(|e| e.to_string())?;
    let ours_operations = ir.operations().count();
    if ours_operations == 0 || progenitor_operations == 0 {
        return Err(format!(
            "no operations to divide by (ours {ours_operations}, progenitor's input {progenitor_operations})"
        ));
    }
    Ok(Size {
        ours_lines,
        ours_operations,
        progenitor_lines: lines_in(progenitor_src)?,
        progenitor_operations,
    })
}

fn lines_in(dir: &Path) -> Result<usize, String> {
    let mut lines = 0;
    for file in files::rust_files(dir)? {
        lines += files::non_blank_lines(&files::read(&file)?);
    }
    Ok(lines)
}
