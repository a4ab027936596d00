//! The structural headings inside an endpoint section ("HTTP request",
//! "Request body", ...). They do not start a new section; they say what the
//! tables and code below them are.

use super::TableKind;

/// The part of an endpoint section the parser is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Before any structural heading.
    Intro,
    HttpRequest,
    PathParameters,
    Query,
    Headers,
    Body,
    Response,
    Example,
    /// "Request parameters" / "Response parameters" of "Common parameters".
    Common,
}

impl Part {
    /// The part a heading opens, or `None` when the heading starts a section.
    pub fn of_heading(heading: &str) -> Option<Part> {
        let lower = heading.trim().to_ascii_lowercase();
        // "Request example 2" is a request example.
        let lower = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
        let part = match lower {
            "http request" => Part::HttpRequest,
            "path parameter" | "path parameters" => Part::PathParameters,
            "query parameter" | "query parameters" => Part::Query,
            "request header" | "request headers" | "response header" | "response headers" => {
                Part::Headers
            }
            "request body" => Part::Body,
            "http response" | "response body" => Part::Response,
            "example" | "examples" | "request example" | "response example" => Part::Example,
            "request parameters" | "response parameters" => Part::Common,
            _ => return None,
        };
        Some(part)
    }

    /// The field table a table in this part is, if it is compared at all.
    pub fn table_kind(self) -> Option<TableKind> {
        match self {
            Part::Query => Some(TableKind::Query),
            Part::Body => Some(TableKind::Body),
            Part::Response => Some(TableKind::Response),
            _ => None,
        }
    }

    /// Request lines are read anywhere but in examples: some pages put the
    /// request block before its "HTTP request" heading.
    pub fn reads_requests(self) -> bool {
        self != Part::Example
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structural_headings() {
        assert_eq!(Part::of_heading("HTTP Response"), Some(Part::Response));
        assert_eq!(Part::of_heading("Request example 2"), Some(Part::Example));
        assert_eq!(Part::of_heading("Query parameter "), Some(Part::Query));
        assert_eq!(Part::of_heading("Creating a widget"), None);
    }
}
