//! Tables of endpoints, one row each, the same in both formats: pipe rows
//! with or without outer pipes. Overview tables (`Name | Method | Request |
//! Description | Rate Limits`) list the API by group and are matched by the
//! operations' `overview_rows`. Other endpoint lists are read the same way:
//! the pricing page's price list (`Category | Rest API Description | API
//! calls included ... (times/second) | ... | Http Method | Endpoint`) and the
//! Chinese overview (`名称 | 方法 | 请求 | 描述`); the page parser makes their
//! rows sections.
//!
//! Malformed tables are tolerated: a row broken over two lines is joined back
//! when the pieces add up to the header's columns. A separator row whose
//! column count differs from the header's is reported, as is any row that
//! still does not fit; such a row is kept when it has its Name, Method and
//! Request cells.

use agora_chat_generator::spec::model::Per;

use super::request::{api_path, rate};
use super::table::{cells, clean_name, is_separator};
use super::text::heading_text;
use super::{OverviewRow, Problem, Rate};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/// Where the cells of a table of endpoints are.
#[derive(Debug, Clone, Copy)]
struct Columns {
    name: usize,
    method: usize,
    request: usize,
    rate: Option<usize>,
    /// The period of a bare count in the rate column (`100` under
    /// `... (times/second)`).
    per: Option<Per>,
}

/// Whether a pipe row is the header of an overview table.
pub fn is_header(line: &str) -> bool {
    let head: Vec<String> = cells(line)
        .iter()
        .take(3)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    head == ["name", "method", "request"]
}

/// Whether a pipe row is the header of an endpoint list other than an
/// overview table.
pub fn is_endpoint_list(line: &str) -> bool {
    !is_header(line) && columns(line).is_some()
}

fn columns(line: &str) -> Option<Columns> {
    let header: Vec<String> = cells(line)
        .iter()
        .map(|c| clean_name(c).to_ascii_lowercase())
        .collect();
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let rate = header
        .iter()
        .position(|h| h.starts_with("rate") || h.starts_with("api calls"));
    let per = rate.and_then(|i| {
        let h = &header[i];
        if h.contains("/second") {
            Some(Per::Second)
        } else if h.contains("/minute") {
            Some(Per::Minute)
        } else {
            None
        }
    });
    Some(Columns {
        name: find(&["name", "rest api description", "名称"])?,
        method: find(&["method", "http method", "方法"])?,
        request: find(&["request", "endpoint", "请求"])?,
        rate,
        per,
    })
}

/// Reads a table: `block` is its lines (number, text), header first.
/// `group_rate` is the group's "total rate limit" sentence, which applies
/// when the table has no rate column.
pub fn parse(
    block: &[(usize, &str)],
    section: &str,
    group_rate: Option<&Rate>,
    rows: &mut Vec<OverviewRow>,
    problems: &mut Vec<Problem>,
) {
    let Some(((_, header_line), rest)) = block.split_first() else {
        return;
    };
    let Some(cols) = columns(header_line) else {
        return;
    };
    let width = cells(header_line).len();
    let needed = cols.name.max(cols.method).max(cols.request) + 1;
    let problem = |line: usize, text: &str, message: String| Problem {
        line,
        section: section.to_string(),
        message,
        text: text.trim().to_string(),
    };
    let mut i = 0;
    if let Some((line, text)) = rest.first() {
        let sep = cells(text);
        if is_separator(&sep) {
            if sep.len() != width {
                problems.push(problem(
                    *line,
                    text,
                    format!(
                        "table separator has {} columns, the header {width}",
                        sep.len()
                    ),
                ));
            }
            i = 1;
        }
    }
    while i < rest.len() {
        let (line, first) = rest[i];
        let mut joined = first.trim().to_string();
        i += 1;
        // A row cut by a line break: its first part lacks the closing pipe.
        while cells(&joined).len() < width && !joined.ends_with('|') && i < rest.len() {
            joined.push(' ');
            joined.push_str(rest[i].1.trim());
            i += 1;
        }
        let mut row = cells(&joined);
        let complete = row.len() == width;
        if !complete {
            problems.push(problem(
                line,
                first,
                format!("overview row has {} cells, the header {width}", row.len()),
            ));
            // With its Name, Method and Request the row still counts.
            if row.len() < needed {
                continue;
            }
            row.resize(width, String::new());
        }
        let method = row[cols.method].to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            problems.push(problem(
                line,
                first,
                format!("`{}` is not an HTTP method", row[cols.method]),
            ));
            continue;
        }
        let text = row.join(" | ");
        let rate = match cols.rate {
            Some(col) => match rate_cell(&row[col], cols.per) {
                Some((count, per)) => Some(Rate {
                    count,
                    per,
                    line,
                    text: text.clone(),
                }),
                None => {
                    // A missing cell was reported with the row already.
                    if complete {
                        problems.push(problem(
                            line,
                            first,
                            format!("cannot read the rate limit `{}`", row[col]),
                        ));
                    }
                    None
                }
            },
            None => group_rate.cloned(),
        };
        let (name, request) = (&row[cols.name], &row[cols.request]);
        rows.push(OverviewRow {
            section: section.to_string(),
            name: heading_text(name),
            method,
            request: request.clone(),
            path: api_path(request),
            rate,
            line,
            method_text: [name, &row[cols.method], request]
                .map(String::as_str)
                .join(" | "),
        });
    }
}

/// A rate cell: a written rate, or a bare count in the header's period.
fn rate_cell(cell: &str, per: Option<Per>) -> Option<(u32, Per)> {
    rate(cell).or_else(|| {
        let count = cell.trim().replace(',', "").parse().ok()?;
        per.map(|per| (count, per))
    })
}

/// The paths of a Request cell: each `` `path` `` span when the cell lists
/// several (`- Without pagination: `/a`- With pagination: `/a?b=1``), each
/// line's path when it lists them on lines (`单聊：/a<br/>群聊：/b`), else
/// the cell itself.
pub fn request_paths(cell: &str) -> Vec<String> {
    let spans: Vec<&str> = cell
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.trim_start().starts_with('/'))
        .collect();
    if spans.len() > 1 {
        return spans.iter().map(|s| s.trim().to_string()).collect();
    }
    let lines: Vec<&str> = cell
        .split("<br/>")
        .filter_map(|l| l.find('/').map(|at| l[at..].trim()))
        .collect();
    if lines.len() > 1 {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    vec![cell.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_chat_generator::spec::model::Per;

    fn run(lines: &[&str], group_rate: Option<&Rate>) -> (Vec<OverviewRow>, Vec<Problem>) {
        let block: Vec<(usize, &str)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 10, *l))
            .collect();
        let (mut rows, mut problems) = (Vec::new(), Vec::new());
        parse(&block, "Widgets", group_rate, &mut rows, &mut problems);
        (rows, problems)
    }

    #[test]
    fn rendered_rows_with_rates() {
        let (rows, problems) = run(
            &[
                "Name | Method | Request | Description | Rate Limits |",
                "---|---|---|---|---|",
                "Making a widget | POST | /{org_name}/{app_name}/widgets | Makes one. | 20/second |",
            ],
            None,
        );
        assert!(problems.is_empty());
        assert_eq!(rows[0].name, "Making a widget");
        assert_eq!(rows[0].path, "/widgets");
        assert_eq!(rows[0].line, 12);
        let rate = rows[0].rate.as_ref().unwrap();
        assert_eq!((rate.count, rate.per), (20, Per::Second));
        assert_eq!(
            rows[0].method_text,
            "Making a widget | POST | /{org_name}/{app_name}/widgets"
        );
    }

    #[test]
    fn broken_rows_are_joined_and_the_bad_separator_reported() {
        let (rows, problems) = run(
            &[
                "| Name | Method | Request | Description | Rate Limits |",
                "| :--- | :--- | :--- | :--- |",
                "| Making a widget | POST | /{org_name}/{app_name}/widgets",
                "| Makes one. | 20/second |",
                "| Dropping a widget | DELETE |",
            ],
            None,
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 12);
        assert_eq!(problems.len(), 2);
        assert!(problems[1].message.contains("2 cells"));
        assert_eq!(problems[0].line, 11);
        assert_eq!(problems[1].line, 14);
    }

    #[test]
    fn short_rows_keep_name_method_and_request() {
        let (rows, problems) = run(
            &[
                "| Name | Method | Request | Description | Rate Limits |",
                "| --- | --- | --- | --- | --- |",
                "| Editing a widget | PUT | `/{o}/{a}/widgets/{id}` | Edits one. |",
            ],
            None,
        );
        assert_eq!(rows.len(), 1);
        assert!(rows[0].rate.is_none());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("4 cells"));
    }

    #[test]
    fn tables_without_rate_column_take_the_group_rate() {
        let group = Rate {
            count: 7,
            per: Per::Minute,
            line: 3,
            text: "The total rate limit of the following methods is 7/minute.".into(),
        };
        let (rows, problems) = run(
            &[
                "| Name | Method | Request | Description |",
                "| --- | --- | --- | --- |",
                "| Tagging | PUT | `/{org}/{app}/tags/{tag}` | Tags. |",
            ],
            Some(&group),
        );
        assert!(problems.is_empty());
        assert_eq!(rows[0].rate.as_ref().unwrap().line, 3);
        assert_eq!(rows[0].path, "/tags/{tag}");
    }

    #[test]
    fn price_lists_take_bare_counts_in_the_header_period() {
        let header = "| Category | Rest API Description | API calls included (times/second) | Overage | Http Method | Endpoint |";
        assert!(is_endpoint_list(header) && !is_header(header));
        assert!(!is_endpoint_list(
            "| Name | Method | Request | Description |"
        ));
        assert!(is_endpoint_list("| 名称 | 方法 | 请求 | 描述 |"));
        assert!(!is_endpoint_list("| Description | Free | Pro |"));
        let (rows, problems) = run(
            &[
                header,
                "|:---|:---|---:|:---|:---|:---|",
                "| Widgets | Make a widget | 1,000 | $0 | POST | `/{org_name}/{app_name}/widgets` |",
                "| Widgets | Paint widgets | 6 times per minute | $1 | PUT | `/{org_name}/{app_name}/widgets/paint` |",
                "| Widgets | Spin a widget | often | $1 | POST | `/{org_name}/{app_name}/widgets/{id}/spin` |",
            ],
            None,
        );
        let rates: Vec<_> = rows
            .iter()
            .map(|r| r.rate.as_ref().map(|r| (r.count, r.per)))
            .collect();
        assert_eq!(
            rates,
            [Some((1000, Per::Second)), Some((6, Per::Minute)), None]
        );
        assert_eq!(rows[0].name, "Make a widget");
        assert_eq!(rows[0].path, "/widgets");
        assert_eq!(
            rows[0].method_text,
            "Make a widget | POST | `/{org_name}/{app_name}/widgets`"
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`often`"), "{problems:?}");
    }

    #[test]
    fn request_cells_may_list_several_paths() {
        assert_eq!(
            request_paths(
                "- Without paging: `/{o}/{a}/files`- With paging: `/{o}/{a}/files?page=1`"
            ),
            ["/{o}/{a}/files", "/{o}/{a}/files?page=1"]
        );
        assert_eq!(request_paths("`/{o}/{a}/files`"), ["`/{o}/{a}/files`"]);
        assert_eq!(
            request_paths("两种：<br/>-单聊：/{o}/{a}/m/users<br/>-群聊：/{o}/{a}/m/groups"),
            ["/{o}/{a}/m/users", "/{o}/{a}/m/groups"]
        );
    }
}
