//! Errors of every generator stage. Each one names the file and, where it is
//! known, the line and column, the operation and the field path, so that a
//! broken spec can be fixed without a debugger.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A spec file or directory could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not valid YAML, or does not fit the spec's schema (an unknown
    /// key, a wrong type, a missing key).
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line, 0 when unknown.
        line: u64,
        /// 1-based column, 0 when unknown.
        column: u64,
        /// What the YAML reader reported, with a snippet of the source.
        message: String,
    },
    /// The spec parsed but does not make sense (duplicate ids, undeclared
    /// placeholders, examples that break limits, ...). All problems found are
    /// reported at once.
    #[error("{} problem(s) in the spec:\n{}", .0.len(), Diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
}

/// One semantic problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, relative to the spec directory.
    pub file: PathBuf,
    /// Line and column of the closest node with a known position (usually the
    /// operation id), when known.
    pub position: Option<(u64, u64)>,
    /// The operation (or type, or erratum) the problem is in.
    pub item: Option<String>,
    /// Path to the offending value inside that item, e.g.
    /// `request.fields[2].max_length`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(item) = &self.item {
            write!(f, "`{item}`")?;
            if !self.field.is_empty() {
                write!(f, " at `{}`", self.field)?;
            }
            write!(f, ": ")?;
        } else if !self.field.is_empty() {
            write!(f, "`{}`: ", self.field)?;
        }
        write!(f, "{}", self.message)
    }
}

struct Diagnostics<'a>(&'a [Diagnostic]);

impl fmt::Display for Diagnostics<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {d}")?;
        }
        Ok(())
    }
}
