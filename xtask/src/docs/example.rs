//! The code blocks of an endpoint's example part: curl requests and JSON
//! responses, read into what a spec example's `wire` and `response.body`
//! hold, so the check can find each doc example among the spec's.

use serde_json::Value;

/// One example block.
#[derive(Debug, Clone)]
pub struct DocExample {
    /// Line of the block's first line of code.
    pub line: usize,
    pub kind: ExampleKind,
    /// The block's lines, trimmed: the doc text an erratum quotes to explain
    /// a spec example that differs.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum ExampleKind {
    Request(CurlRequest),
    /// The body, parsed when it is JSON, else its text.
    Response(Body),
}

/// A request body or a response as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Json(Value),
    Text(String),
}

impl Body {
    /// JSON when `text` parses, else the text with whitespace collapsed, so
    /// that indentation never counts as a difference.
    pub fn read(text: &str) -> Body {
        match serde_json::from_str(text) {
            Ok(value) => Body::Json(value),
            Err(_) => Body::Text(text.split_whitespace().collect::<Vec<_>>().join(" ")),
        }
    }
}

/// What a curl command sends.
#[derive(Debug, Clone, PartialEq)]
pub struct CurlRequest {
    /// `-X`, else POST with a body or form parts, else GET.
    pub method: String,
    /// After the host and the org and app segments, as written.
    pub path: String,
    /// The query string without `?`, as written.
    pub query: Option<String>,
    /// The `-d` text.
    pub body: Option<Body>,
    /// Whether the command sends `-F` form parts (the body is then not
    /// compared).
    pub form: bool,
}

/// Reads a code block of an example part: every curl command in it, or the
/// response it shows when it is not a command. Nothing for anything else
/// (output that is neither, such as `// The content of the file`).
pub fn read_block(line: usize, code: &[&str]) -> Vec<DocExample> {
    let lines: Vec<String> = code
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let example = |kind| DocExample {
        line,
        kind,
        lines: lines.clone(),
    };
    // Comment lines (`# Replace <YourAppToken> ...`, `// 请将 ...`) are not
    // part of it.
    let script: Vec<&str> = code
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.starts_with('#') && !l.starts_with("//"))
        .collect();
    let words = shell_words(&script.join("\n"));
    let commands: Vec<&[String]> = words
        .split(|w| w == "curl")
        .skip(1)
        .filter(|c| !c.is_empty())
        .collect();
    if words.iter().any(|w| w == "curl") {
        return commands
            .into_iter()
            .filter_map(curl)
            .map(|r| example(ExampleKind::Request(r)))
            .collect();
    }
    let text = script.join("\n");
    if text.starts_with(['{', '[']) {
        return vec![example(ExampleKind::Response(Body::read(&text)))];
    }
    Vec::new()
}

/// The words of a shell command line: split on unquoted whitespace, quotes
/// removed, `\` + newline joining lines. An unclosed quote runs to the end.
fn shell_words(script: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => match chars.next() {
                Some('\n') | None => {}
                Some(next) => {
                    word.push(next);
                    in_word = true;
                }
            },
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The request of one curl command's arguments; `None` without a URL.
fn curl(args: &[String]) -> Option<CurlRequest> {
    let mut method = None;
    let mut url = None;
    let mut body = None;
    let mut form = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-X" | "--request" => method = args.next().map(|m| m.to_ascii_uppercase()),
            "-d" | "--data" | "--data-raw" | "--data-binary" => body = args.next(),
            "-F" | "--form" => {
                form = true;
                args.next();
            }
            "-H" | "--header" | "-o" | "--output" => {
                args.next();
            }
            other if url.is_none() && is_url(other) => url = Some(other),
            _ => {}
        }
    }
    let url: &str = url?;
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (target, query) = match after_scheme.split_once('?') {
        Some((target, query)) => (target, Some(query.to_string())),
        None => (after_scheme, None),
    };
    // Host, org and app come first.
    let segments: Vec<&str> = target.split('/').skip(3).collect();
    let default = if body.is_some() || form {
        "POST"
    } else {
        "GET"
    };
    Some(CurlRequest {
        method: method.unwrap_or_else(|| default.to_string()),
        path: format!("/{}", segments.join("/")),
        query,
        body: body.map(|b| Body::read(b.trim())),
        form,
    })
}

fn is_url(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(block: &[&str]) -> CurlRequest {
        match read_block(1, block).pop().map(|e| e.kind) {
            Some(ExampleKind::Request(r)) => r,
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn curl_commands_as_the_pages_write_them() {
        let r = request(&[
            "# Replace <YourAppToken> with your token",
            "curl -X POST -H 'Content-Type: application/json' -d '{",
            "   \"label\": \"w1\",",
            "   \"size\": 3 }' 'http://XXXX/XXXX/XXXX/widgets?fast=true'",
        ]);
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/widgets");
        assert_eq!(r.query.as_deref(), Some("fast=true"));
        assert_eq!(r.body, Some(Body::Json(json!({"label": "w1", "size": 3}))));
        let r = request(&[
            "curl -X GET HTTP://XXXX/XXXX/XXXX/widgets/w1?a=1' \\",
            "-H 'Authorization: Bearer <YourAppToken>'",
        ]);
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/widgets/w1"));
        let r = request(&["curl --location 'https://XXXX/XXXX/XXXX/widgets' -F file=@/tmp/a.jpg"]);
        assert_eq!((r.method.as_str(), r.form), ("POST", true));
    }

    #[test]
    fn responses_and_other_blocks() {
        let block = ["{", "  \"data\": {\"id\": \"w1\"}", "}"];
        let examples = read_block(7, &block);
        assert_eq!(examples[0].line, 7);
        assert_eq!(examples[0].lines, ["{", "\"data\": {\"id\": \"w1\"}", "}"]);
        assert!(matches!(
            &examples[0].kind,
            ExampleKind::Response(Body::Json(v)) if v["data"]["id"] == "w1"
        ));
        assert!(matches!(
            &read_block(1, &["{ \"a\": 1,", "}"])[0].kind,
            ExampleKind::Response(Body::Text(t)) if t == "{ \"a\": 1, }"
        ));
        assert!(read_block(1, &["// The content of the file"]).is_empty());
        assert!(matches!(
            &read_block(1, &["// 响应", "{\"a\": 1}"])[0].kind,
            ExampleKind::Response(Body::Json(_))
        ));
        assert_eq!(read_block(1, &["curl", "curl 'http://a/b/c/d'"]).len(), 1);
    }
}
