//! The structural headings inside an endpoint section ("HTTP request",
//! "Request body", "请求 URL", "调用频率上限", ...). They do not start a new
//! section; they say what the tables and code below them are.

use super::TableKind;

/// The part of an endpoint section the parser is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Before any structural heading.
    Intro,
    /// Prose that belongs to the endpoint but holds nothing compared: the
    /// Chinese pages' feature description, prerequisites, error codes.
    About,
    /// The Chinese pages' rate-limit part (`调用频率上限`): its first
    /// readable rate is the section's, whatever the sentence says.
    Rate,
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

/// English headings, lower case, and the part each opens.
const ENGLISH: [(&str, Part); 19] = [
    ("http request", Part::HttpRequest),
    ("path parameter", Part::PathParameters),
    ("path parameters", Part::PathParameters),
    ("query parameter", Part::Query),
    ("query parameters", Part::Query),
    ("request header", Part::Headers),
    ("request headers", Part::Headers),
    ("response header", Part::About),
    ("response headers", Part::About),
    ("request body", Part::Body),
    ("http response", Part::Response),
    ("response body", Part::Response),
    ("example", Part::Example),
    ("examples", Part::Example),
    ("request example", Part::Example),
    ("response example", Part::Example),
    ("request parameters", Part::Common),
    ("response parameters", Part::Common),
    ("authorization", Part::About),
];

/// The Chinese pages' headings (spaces removed, Latin letters lower case).
const CHINESE: [(&str, Part); 31] = [
    ("http请求", Part::HttpRequest),
    ("请求url", Part::HttpRequest),
    ("路径参数", Part::PathParameters),
    ("查询参数", Part::Query),
    ("请求header", Part::Headers),
    ("请求header参数", Part::Headers),
    ("请求header字段", Part::Headers),
    ("请求body", Part::Body),
    ("请求body参数", Part::Body),
    ("http响应", Part::Response),
    ("响应body", Part::Response),
    ("响应body字段", Part::Response),
    ("示例", Part::Example),
    ("请求示例", Part::Example),
    ("响应示例", Part::Example),
    ("请求参数", Part::Common),
    ("响应参数", Part::Common),
    ("调用频率上限", Part::Rate),
    ("接口调用频率上限", Part::Rate),
    ("功能说明", Part::About),
    ("功能描述", Part::About),
    ("前提条件", Part::About),
    ("认证方式", Part::About),
    ("错误码", Part::About),
    ("响应状态码", Part::About),
    ("其他说明", Part::About),
    ("功能开通", Part::About),
    ("开通功能", Part::About),
    ("开通服务", Part::About),
    ("功能限制", Part::About),
    ("使用限制", Part::About),
];

impl Part {
    /// The part a heading opens, or `None` when the heading starts a section.
    pub fn of_heading(heading: &str) -> Option<Part> {
        let lower = heading.trim().to_ascii_lowercase();
        // "Request example 2" and "请求示例一" are request examples.
        let lower = lower.trim_end_matches(|c: char| {
            c.is_ascii_digit() || c == ' ' || "一二三四五六七八九".contains(c)
        });
        if let Some((_, part)) = ENGLISH.iter().find(|(h, _)| *h == lower) {
            return Some(*part);
        }
        let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        CHINESE
            .iter()
            .find(|(h, _)| *h == compact)
            .map(|(_, part)| *part)
    }

    /// The field table a table in this part is, if it is compared at all.
    /// A table right under the request line lists the URL's parameters,
    /// path and query alike (the Chinese pages' `请求 URL`).
    pub fn table_kind(self) -> Option<TableKind> {
        match self {
            Part::HttpRequest => Some(TableKind::Url),
            Part::PathParameters => Some(TableKind::Path),
            Part::Query => Some(TableKind::Query),
            Part::Headers => Some(TableKind::Header),
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
        assert_eq!(Part::of_heading("请求 URL"), Some(Part::HttpRequest));
        assert_eq!(Part::of_heading("请求 Header 参数"), Some(Part::Headers));
        assert_eq!(Part::of_heading("响应示例二"), Some(Part::Example));
        assert_eq!(Part::of_heading("调用频率上限"), Some(Part::Rate));
        assert_eq!(Part::of_heading("Response headers"), Some(Part::About));
        assert_eq!(Part::of_heading("封禁用户"), None);
    }
}
