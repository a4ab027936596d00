//! Request lines, paths and rate limits as the pages write them.
//!
//! Paths are compared in a normal form: the `https://{host}` and the
//! `/{org_name}/{app_name}` prefix (however the two placeholders are spelled)
//! are dropped, the query string is split off, stray spaces and backticks are
//! removed, and, for comparison only, every `{placeholder}` becomes `{}`. So
//! `{chatroomid}` and `{chatroom_id}` in the same position are the same path,
//! while a placeholder moved to another segment is a different path.

use agora_chat_generator::spec::model::Per;

/// HTTP methods a request line may start with.
const METHODS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];

/// A request line: `POST https://{host}/{org_name}/{app_name}/chatrooms`, or
/// a bare URL when the page forgot the method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// `None` when the line has no method.
    pub method: Option<String>,
    /// The URL exactly as written (after the method).
    pub url: String,
}

/// Reads a request line, or `None` when `line` is not one.
pub fn request_line(line: &str) -> Option<RequestLine> {
    let line = line.trim();
    if is_api_url(line) {
        return Some(RequestLine {
            method: None,
            url: line.to_string(),
        });
    }
    let (method, rest) = line.split_once(char::is_whitespace)?;
    let url = rest.trim();
    (METHODS.contains(&method) && is_api_url(url)).then(|| RequestLine {
        method: Some(method.to_string()),
        url: url.to_string(),
    })
}

/// Only URLs on the templated host are request lines; example calls use
/// concrete hosts and are not.
fn is_api_url(text: &str) -> bool {
    ["https://{host}", "http://{host}"]
        .iter()
        .any(|p| text.starts_with(p))
}

/// The API path of a URL or of an overview `Request` cell: scheme, host,
/// `/{org}/{app}` and query removed, placeholder names kept.
pub fn api_path(written: &str) -> String {
    let compact: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '`')
        .collect();
    let without_query = compact.split(['?', '#']).next().unwrap_or_default();
    let after_host = match without_query.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => without_query,
    };
    let mut segments: Vec<&str> = after_host.split('/').filter(|s| !s.is_empty()).collect();
    if segments.len() >= 2 && segments[..2].iter().all(|s| is_placeholder(s)) {
        segments.drain(..2);
    }
    format!("/{}", segments.join("/"))
}

fn is_placeholder(segment: &str) -> bool {
    let s = segment.strip_prefix('$').unwrap_or(segment);
    s.starts_with('{') && s.ends_with('}')
}

/// The comparison key of a path: every `{name}` (and `${name}`) becomes `{}`.
pub fn path_key(path: &str) -> String {
    agora_chat_generator::path::shape(path)
}

/// Words that may stand between a count and `per` (`6,000 messages per
/// minute`).
const COUNTED: [&str; 4] = ["times", "messages", "calls", "requests"];

/// A rate limit written as `100/second`, `100 per second`, `10 times per
/// minute`, or as the Easemob pages write it (`100 次/秒`, `6000 条/分钟`,
/// `每分钟限 10 次`); extra words after it (`& 100 times per day`) are not
/// part of the limit.
pub fn rate(text: &str) -> Option<(u32, Per)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        if let Some((count, unit)) = word.split_once('/')
            && let Some(found) = count_per(count, unit)
        {
            return Some(found);
        }
        let found = match &words[i..] {
            [count, "per", unit, ..] => count_per(count, unit),
            [count, counted, "per", unit, ..] if COUNTED.contains(counted) => {
                count_per(count, unit)
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    chinese_rate(text)
}

/// `100 次/秒` or `6000 条/分钟` (calls or messages per second or minute),
/// else `每秒限 N 次` / `每分钟限 N 次`. `10 次/10 秒` (a window of ten
/// seconds) is none of these: the model has no such period.
fn chinese_rate(text: &str) -> Option<(u32, Per)> {
    for (at, _) in text.match_indices(['次', '条']) {
        let count: String = text[..at]
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let after = text[at..].chars().skip(1).collect::<String>();
        let Some(unit) = after.trim_start().strip_prefix('/') else {
            continue;
        };
        if let Some(per) = chinese_unit(unit.trim_start())
            && let Ok(count) = count.replace(',', "").parse()
        {
            return Some((count, per));
        }
    }
    for (prefix, per) in [("每秒限", Per::Second), ("每分钟限", Per::Minute)] {
        let Some((_, rest)) = text.split_once(prefix) else {
            continue;
        };
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(count) = digits.parse() {
            return Some((count, per));
        }
    }
    None
}

fn chinese_unit(text: &str) -> Option<Per> {
    if text.starts_with('秒') {
        Some(Per::Second)
    } else if text.starts_with("分钟") {
        Some(Per::Minute)
    } else {
        None
    }
}

fn count_per(count: &str, unit: &str) -> Option<(u32, Per)> {
    let count: u32 = count.replace(',', "").parse().ok()?;
    let unit = unit.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    match unit {
        "second" => Some((count, Per::Second)),
        "minute" => Some((count, Per::Minute)),
        _ => None,
    }
}

/// A sentence stating a rate limit ("the call frequency limit of this
/// method is 100 per second", "调用频率上限为 100 次/秒"); other sentences
/// with numbers are ignored.
pub fn rate_sentence(line: &str) -> Option<(u32, Per)> {
    if line.to_ascii_lowercase().contains("limit") || line.contains("频率") {
        rate(line)
    } else {
        None
    }
}

/// `100/second`, as the spec's rate limits print.
pub fn rate_text(count: u32, per: Per) -> String {
    let per = match per {
        Per::Second => "second",
        Per::Minute => "minute",
    };
    format!("{count}/{per}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_need_a_method_or_the_host_template() {
        let line = request_line("  DELETE https://{host} /{org}/{app}/widgets/{id}  ").unwrap();
        assert_eq!(line.method.as_deref(), Some("DELETE"));
        assert_eq!(line.url, "https://{host} /{org}/{app}/widgets/{id}");
        assert_eq!(
            request_line("https://{host}/{o}/{a}/widgets")
                .unwrap()
                .method,
            None
        );
        assert_eq!(
            request_line("curl -X GET 'http://XXXX/XXXX/XXXX/widgets'"),
            None
        );
        assert_eq!(request_line("DELETE -X POST -H 'Accept: x'"), None);
    }

    #[test]
    fn paths_lose_prefix_query_and_stray_spaces() {
        assert_eq!(
            api_path("https://{host} /{org_name}/{app_name}/widgets/{widget_id}?limit={N}"),
            "/widgets/{widget_id}"
        );
        assert_eq!(api_path("`/{orgName}/{appName}/widgets/`"), "/widgets");
        assert_eq!(api_path("{org}/{app}/widgets/recall"), "/widgets/recall");
        assert_eq!(api_path("https://{host}/{org}/{app}/token`"), "/token");
    }

    #[test]
    fn placeholders_compare_by_position_not_name() {
        assert_eq!(
            path_key("/w/{widgetid}/g/{g}"),
            path_key("/w/{widget_id}/g/{id}")
        );
        assert_ne!(path_key("/w/{widget_id}/g"), path_key("/w/g/{widget_id}"));
        assert_eq!(path_key("/history/${time}"), "/history/{}");
    }

    #[test]
    fn rates_in_cells_and_sentences() {
        assert_eq!(rate("100/second"), Some((100, Per::Second)));
        assert_eq!(
            rate("5/minute & 100 times per day, at most 3 tasks"),
            Some((5, Per::Minute))
        );
        assert_eq!(
            rate_sentence(
                "For each App Key, the call frequency limit of this method is 1,200 per minute."
            ),
            Some((1200, Per::Minute))
        );
        assert_eq!(rate_sentence("You can add 60 per second."), None);
        assert_eq!(rate("100 times per day"), None);
        assert_eq!(rate("6,000 messages per minute"), Some((6000, Per::Minute)));
        assert_eq!(rate("9 widgets per minute"), None);
    }

    #[test]
    fn rates_as_the_chinese_pages_write_them() {
        assert_eq!(rate("100 次/秒/App Key"), Some((100, Per::Second)));
        assert_eq!(rate("<p>6000 条/分钟</p>"), Some((6000, Per::Minute)));
        assert_eq!(
            rate("- 每分钟限 10 次，1 秒限 1 次"),
            Some((10, Per::Minute))
        );
        assert_eq!(rate("10 次/10 秒/App Key"), None);
        assert_eq!(rate("每天限 3 次"), None);
        assert_eq!(rate("600 人/次"), None);
        assert_eq!(
            rate_sentence("该接口的总调用频率上限为 50 次/秒/App Key"),
            Some((50, Per::Second))
        );
        assert_eq!(rate_sentence("每次最多 20 次/秒"), None);
    }
}
