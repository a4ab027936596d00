//! Agora's doc pages, read into what the checks compare with the spec:
//! endpoint sections (heading, request lines, rate limit, field tables) and
//! overview rows. The pages are Agora's text and never part of the project;
//! the commands read them from a directory the user names.
//!
//! A docs directory has the layout of `../shared/docs`: `agora/**/*.mdx` are
//! the markdown/MDX sources (page `restful-api/x/y` is
//! `agora/restful-api/x/y.mdx`) and `seeds/*.txt` are rendered-text pages
//! (page `seeds/000_x.txt` is that file). Parsing never fails: whatever a
//! parser cannot read becomes a [`Problem`] with its line.

mod mdx;
mod overview;
mod rendered;
pub mod request;
mod subheading;
mod table;
pub mod text;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use agora_chat_generator::spec::model::Per;

/// Every page of a docs directory, sorted by file.
#[derive(Debug, Clone)]
pub struct DocSet {
    pub pages: Vec<Page>,
}

/// One page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The name spec sources use: `restful-api/x/y` or `seeds/000_x.txt`.
    pub id: String,
    /// Path relative to the docs directory, `/`-separated.
    pub file: String,
    /// The page as written, for finding errata quotes.
    pub text: String,
    /// Sections in page order; the first one holds what precedes any heading.
    pub sections: Vec<Section>,
    /// Rows of `Name | Method | Request | ...` tables, in page order.
    pub overview: Vec<OverviewRow>,
    /// What the parser could not read.
    pub problems: Vec<Problem>,
}

/// The text under one heading, up to the next heading that is not a
/// structural one ("HTTP request", "Request body", ...).
#[derive(Debug, Clone)]
pub struct Section {
    /// Rendered heading text, as `source.section` names it.
    pub heading: String,
    /// 1-based line of the heading (0 for the text before any heading).
    pub line: usize,
    /// Request lines, in page order.
    pub requests: Vec<Request>,
    /// The rate limit the section states, if any.
    pub rate: Option<Rate>,
    /// Request body, query and response tables.
    pub tables: Vec<FieldTable>,
}

impl Section {
    fn new(heading: String, line: usize) -> Section {
        Section {
            heading,
            line,
            requests: Vec::new(),
            rate: None,
            tables: Vec::new(),
        }
    }
}

/// An HTTP request line of an endpoint section.
#[derive(Debug, Clone)]
pub struct Request {
    /// `None` when the page gives no method.
    pub method: Option<String>,
    /// The URL as written.
    pub url: String,
    /// The API path (see [`request::api_path`]).
    pub path: String,
    /// The whole line, trimmed.
    pub text: String,
    pub line: usize,
}

impl Request {
    fn new(line: usize, text: &str, parsed: request::RequestLine) -> Request {
        Request {
            path: request::api_path(&parsed.url),
            method: parsed.method,
            url: parsed.url,
            text: text.trim().to_string(),
            line,
        }
    }

    /// The path with placeholders reduced to `{}`.
    pub fn key(&self) -> String {
        request::path_key(&self.path)
    }
}

/// A documented rate limit and where it is written.
#[derive(Debug, Clone)]
pub struct Rate {
    pub count: u32,
    pub per: Per,
    pub line: usize,
    /// The line (or table cell) stating it, trimmed.
    pub text: String,
}

/// Which table of an endpoint section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableKind {
    Query,
    Body,
    Response,
}

impl TableKind {
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Query => "query parameter",
            TableKind::Body => "request body",
            TableKind::Response => "response",
        }
    }
}

/// A parameter/field table.
#[derive(Debug, Clone)]
pub struct FieldTable {
    pub kind: TableKind,
    /// Line of the header row.
    pub line: usize,
    pub rows: Vec<FieldRow>,
}

/// One row of a field table.
#[derive(Debug, Clone)]
pub struct FieldRow {
    /// Field name, clean (`msg.type`).
    pub name: String,
    /// Type as written (`String`, `JSONArray`, ...).
    pub ty: String,
    /// `Yes`/`No`, when the table has a Required column and the cell says so.
    pub required: Option<bool>,
    pub line: usize,
    /// The row's name and type as written (`| `size` | Int` or `sizeInt`):
    /// the doc text an erratum quotes to explain a difference on this row.
    pub key: String,
}

/// One row of an overview table.
#[derive(Debug, Clone)]
pub struct OverviewRow {
    /// The heading the table is under (the API group).
    pub section: String,
    /// The Name cell, rendered.
    pub name: String,
    pub method: String,
    /// The Request cell as written.
    pub request: String,
    /// Its API path.
    pub path: String,
    /// From the Rate Limits column (its text is then the whole row, cells
    /// joined by ` | `), or the group's "total rate limit" sentence when the
    /// table has no such column.
    pub rate: Option<Rate>,
    pub line: usize,
    /// Name, Method and Request cells joined by ` | `, as written.
    pub method_text: String,
}

/// Something on a page that could not be read.
#[derive(Debug, Clone)]
pub struct Problem {
    pub line: usize,
    /// The section it is in.
    pub section: String,
    pub message: String,
    /// The offending line, trimmed.
    pub text: String,
}

/// Why a docs directory could not be read at all.
#[derive(Debug)]
pub enum DocsError {
    /// The directory does not exist or is not a directory.
    NotADirectory(PathBuf),
    /// It holds no `agora/**/*.mdx` and no `seeds/*.txt`.
    NoPages(PathBuf),
    /// A file or directory could not be read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for DocsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocsError::NotADirectory(p) => write!(f, "{}: not a directory", p.display()),
            DocsError::NoPages(p) => write!(
                f,
                "{}: no doc pages (expected agora/**/*.mdx or seeds/*.txt)",
                p.display()
            ),
            DocsError::Io { path, source } => {
                write!(f, "{}: cannot read: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for DocsError {}

impl DocSet {
    /// Reads every page under `dir`.
    pub fn load(dir: &Path) -> Result<DocSet, DocsError> {
        if !dir.is_dir() {
            return Err(DocsError::NotADirectory(dir.to_path_buf()));
        }
        let mut pages = Vec::new();
        for (file, kind) in page_files(dir)? {
            let bytes = fs::read(dir.join(&file)).map_err(|source| DocsError::Io {
                path: dir.join(&file),
                source,
            })?;
            pages.push(parse_page(&file, kind, &bytes));
        }
        if pages.is_empty() {
            return Err(DocsError::NoPages(dir.to_path_buf()));
        }
        Ok(DocSet { pages })
    }

    /// The page a spec source names.
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.id == id)
    }
}

/// The file a page id would be read from, for messages about missing pages.
pub fn file_for(id: &str) -> String {
    if id.starts_with("seeds/") {
        id.to_string()
    } else {
        format!("agora/{id}.mdx")
    }
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Mdx,
    Rendered,
}

/// The page files below `dir`, relative and sorted.
fn page_files(dir: &Path) -> Result<Vec<(String, Format)>, DocsError> {
    let mut files = Vec::new();
    let agora = dir.join("agora");
    if agora.is_dir() {
        for file in walk(&agora)? {
            if file.extension().is_some_and(|e| e == "mdx") {
                files.push((relative(dir, &file), Format::Mdx));
            }
        }
    }
    let seeds = dir.join("seeds");
    if seeds.is_dir() {
        for file in walk(&seeds)? {
            if file.extension().is_some_and(|e| e == "txt") {
                files.push((relative(dir, &file), Format::Rendered));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>, DocsError> {
    let io = |source| DocsError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

fn relative(dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(dir).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_page(file: &str, format: Format, bytes: &[u8]) -> Page {
    let (text, bad_line) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            (String::from_utf8_lossy(bytes).into_owned(), Some(line))
        }
    };
    let mut page = match format {
        Format::Mdx => {
            let id = file
                .strip_prefix("agora/")
                .and_then(|f| f.strip_suffix(".mdx"))
                .unwrap_or(file);
            mdx::parse(id, file, &text)
        }
        Format::Rendered => rendered::parse(file, file, &text),
    };
    if let Some(line) = bad_line {
        page.problems.insert(
            0,
            Problem {
                line,
                section: String::new(),
                message: "not UTF-8 text; read with replacement characters".into(),
                text: String::new(),
            },
        );
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    const MDX: &str = include_str!("../../tests/fixtures/docs/agora/restful-api/widgets.mdx");
    const SEED: &str = include_str!("../../tests/fixtures/docs/seeds/000_gadgets.txt");
    const OVERVIEW: &str = include_str!("../../tests/fixtures/docs/seeds/001_overview.txt");

    /// Cut pages and pages in the wrong format are read without a panic.
    #[test]
    fn damaged_pages_never_panic() {
        for text in [MDX, SEED, OVERVIEW] {
            for (cut, _) in text.char_indices().step_by(3) {
                for piece in [&text[..cut], &text[cut..]] {
                    for format in [Format::Mdx, Format::Rendered] {
                        parse_page("agora/x.mdx", format, piece.as_bytes());
                    }
                }
            }
        }
    }

    #[test]
    fn page_ids_follow_the_spec_naming() {
        let page = parse_page("agora/restful-api/widgets.mdx", Format::Mdx, MDX.as_bytes());
        assert_eq!(page.id, "restful-api/widgets");
        assert_eq!(
            file_for("restful-api/widgets"),
            "agora/restful-api/widgets.mdx"
        );
        assert_eq!(file_for("seeds/000_gadgets.txt"), "seeds/000_gadgets.txt");
    }
}
