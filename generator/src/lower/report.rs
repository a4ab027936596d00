//! Where a problem is: the context every diagnostic is reported in.

use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use crate::error::Diagnostic;
use crate::ir::Origin;

/// The file, the position and the name of the item being lowered.
#[derive(Debug, Clone)]
pub(crate) struct At {
    file: PathBuf,
    position: Option<(u64, u64)>,
    item: Option<String>,
}

impl At {
    /// A file-level context, with no item (api.yaml).
    pub(crate) fn file(file: &str) -> At {
        At {
            file: file.into(),
            position: None,
            item: None,
        }
    }

    /// The item named by `item`, at its position in `file`.
    pub(crate) fn spanned(file: &Path, item: &Spanned<String>) -> At {
        let loc = item.referenced;
        let position = (loc.line() > 0).then(|| (loc.line(), loc.column()));
        At {
            file: file.to_path_buf(),
            position,
            item: Some(item.value.clone()),
        }
    }

    /// The same place as an IR origin.
    pub(crate) fn origin(&self) -> Origin {
        Origin {
            file: self.file.clone(),
            position: self.position,
            item: self.item.clone().unwrap_or_default(),
        }
    }

    pub(crate) fn diagnostic(&self, field: String, message: String) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            position: self.position,
            item: self.item.clone(),
            field,
            message,
        }
    }
}

impl Origin {
    /// A problem found later (by an emitter's check) at this origin.
    pub fn diagnostic(&self, field: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            position: self.position,
            item: (!self.item.is_empty()).then(|| self.item.clone()),
            field: field.into(),
            message: message.into(),
        }
    }
}
