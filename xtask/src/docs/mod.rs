//! Agora's and Easemob's doc pages, read into what the checks compare with
//! the spec: endpoint sections (heading, request lines, rate limit, field
//! tables) and overview rows. The pages are the vendors' text and never part
//! of the project; the commands read them from a directory the user names.
//!
//! A docs directory has the layout of `../shared/docs` or of
//! `../shared/docs/incoming`, and page ids are paths relative to it:
//! - `agora/**/*.mdx`: Agora's MDX sources; the id drops `agora/` and the
//!   extension (page `restful-api/x/y` is `agora/restful-api/x/y.mdx`,
//!   page `chat-sdk/reference/_pricing-plan-details` is
//!   `agora/chat-sdk/reference/_pricing-plan-details.mdx`);
//! - `easemob/**/*.md`: Easemob's Chinese markdown pages; the id drops the
//!   extension (`easemob/server-side/account_ban`);
//! - `seeds/*.txt`: rendered-text pages; the id is the file
//!   (`seeds/000_x.txt`).
//!
//! Parsing never fails: whatever a parser cannot read becomes a [`Problem`]
//! with its line.

pub mod example;
mod markdown;
mod overview;
mod rendered;
pub mod request;
mod subheading;
mod table;
pub mod text;

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use agora_chat_generator::spec::model::Per;

/// Every page of a docs directory, sorted by file.
#[derive(Debug, Clone)]
pub struct DocSet {
    pub pages: Vec<Page>,
    /// The folders the pages are in (see [`DocSet::holds`]).
    folders: BTreeSet<String>,
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
    /// URL, path, query, header, request body and response tables.
    pub tables: Vec<FieldTable>,
    /// The code blocks of the example part (markdown pages only).
    pub examples: Vec<example::DocExample>,
    /// The text of a rate-limit part the parser could not read a rate from
    /// (`10 次/10 秒/App Key`), also reported as a [`Problem`].
    pub unread_rate: Option<String>,
}

impl Section {
    fn new(heading: String, line: usize) -> Section {
        Section {
            heading,
            line,
            requests: Vec::new(),
            rate: None,
            tables: Vec::new(),
            examples: Vec::new(),
            unread_rate: None,
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
    /// The parameters of the request URL, path and query in one table (the
    /// Chinese pages' table under `请求 URL`).
    Url,
    Path,
    Query,
    Header,
    Body,
    Response,
}

impl TableKind {
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Url => "URL parameter",
            TableKind::Path => "path parameter",
            TableKind::Query => "query parameter",
            TableKind::Header => "request header",
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
    /// It holds no `agora/**/*.mdx`, `easemob/**/*.md` or `seeds/*.txt`.
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
                "{}: no doc pages (expected agora/**/*.mdx, easemob/**/*.md or seeds/*.txt)",
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
        let folders = pages.iter().map(|p| folder(&p.file).to_string()).collect();
        Ok(DocSet { pages, folders })
    }

    /// The page a spec source names.
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.id == id)
    }

    /// Whether the page `id` belongs in this directory: it holds the folder
    /// the page's file would be in (`agora/restful-api`, `seeds`,
    /// `easemob/server-side`). A spec source on a page of another folder
    /// (an Agora page when DIR is `incoming/`) is not compared; one in a
    /// folder DIR holds but missing is reported.
    pub fn holds(&self, id: &str) -> bool {
        self.folders.contains(folder(&file_for(id)))
    }
}

/// The folder a page file is grouped by: its first two path components when
/// it has more (`agora/restful-api/x.mdx` → `agora/restful-api`), else its
/// first (`seeds/000_x.txt` → `seeds`).
fn folder(file: &str) -> &str {
    let mut ends = file.match_indices('/').map(|(i, _)| i);
    match (ends.next(), ends.next()) {
        (Some(_), Some(second)) => &file[..second],
        (Some(first), None) => &file[..first],
        _ => file,
    }
}

/// The file a page id would be read from, for messages about missing pages.
pub fn file_for(id: &str) -> String {
    if id.starts_with("seeds/") {
        id.to_string()
    } else if id.starts_with("easemob/") {
        format!("{id}.md")
    } else {
        format!("agora/{id}.mdx")
    }
}

#[derive(Debug, Clone, Copy)]
enum Format {
    /// Markdown with `#` headings and pipe tables: Agora's MDX sources and
    /// Easemob's pages.
    Markdown,
    Rendered,
}

/// Where each format's pages are: folder, file extension, format.
const LAYOUT: [(&str, &str, Format); 3] = [
    ("agora", "mdx", Format::Markdown),
    ("easemob", "md", Format::Markdown),
    ("seeds", "txt", Format::Rendered),
];

/// The page files below `dir`, relative and sorted.
fn page_files(dir: &Path) -> Result<Vec<(String, Format)>, DocsError> {
    let mut files = Vec::new();
    for (folder, extension, format) in LAYOUT {
        let sub = dir.join(folder);
        if sub.is_dir() {
            for file in walk(&sub)? {
                if file.extension().is_some_and(|e| e == extension) {
                    files.push((relative(dir, &file), format));
                }
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

/// The id of the page in `file` (the inverse of [`file_for`]).
fn page_id(file: &str) -> String {
    if let Some(agora) = file.strip_prefix("agora/") {
        agora.strip_suffix(".mdx").unwrap_or(agora).to_string()
    } else {
        file.strip_suffix(".md").unwrap_or(file).to_string()
    }
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
        Format::Markdown => markdown::parse(&page_id(file), file, &text),
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

    const EASEMOB: &str =
        include_str!("../../tests/fixtures/incoming/easemob/server-side/widget_create.md");
    const PRICES: &str =
        include_str!("../../tests/fixtures/incoming/agora/chat-sdk/reference/_pricing.mdx");

    /// Cut pages and pages in the wrong format are read without a panic.
    #[test]
    fn damaged_pages_never_panic() {
        for text in [MDX, SEED, OVERVIEW, EASEMOB, PRICES] {
            for (cut, _) in text.char_indices().step_by(3) {
                for piece in [&text[..cut], &text[cut..]] {
                    for format in [Format::Markdown, Format::Rendered] {
                        parse_page("agora/x.mdx", format, piece.as_bytes());
                    }
                }
            }
        }
    }

    #[test]
    fn page_ids_follow_the_spec_naming() {
        let page = parse_page(
            "agora/restful-api/widgets.mdx",
            Format::Markdown,
            MDX.as_bytes(),
        );
        assert_eq!(page.id, "restful-api/widgets");
        for (id, file) in [
            ("restful-api/widgets", "agora/restful-api/widgets.mdx"),
            ("seeds/000_gadgets.txt", "seeds/000_gadgets.txt"),
            (
                "easemob/server-side/account_ban",
                "easemob/server-side/account_ban.md",
            ),
        ] {
            assert_eq!(file_for(id), file);
            assert_eq!(page_id(file), id);
        }
    }

    #[test]
    fn pages_belong_to_the_folders_a_directory_holds() {
        assert_eq!(folder("agora/restful-api/x/y.mdx"), "agora/restful-api");
        assert_eq!(folder("easemob/server-side/a.md"), "easemob/server-side");
        assert_eq!(folder("seeds/000_x.txt"), "seeds");
        let docs = DocSet {
            pages: Vec::new(),
            folders: ["agora/chat-sdk", "easemob/server-side"]
                .map(String::from)
                .into(),
        };
        assert!(docs.holds("easemob/server-side/nope"));
        assert!(docs.holds("chat-sdk/reference/x"));
        assert!(!docs.holds("restful-api/widgets"));
        assert!(!docs.holds("seeds/000_x.txt"));
    }
}
