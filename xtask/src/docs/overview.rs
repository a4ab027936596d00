//! Overview tables (`Name | Method | Request | Description | Rate Limits`),
//! the same in both formats: pipe rows with or without outer pipes.
//!
//! Malformed tables are tolerated: a row broken over two lines is joined back
//! when the pieces add up to the header's columns. A separator row whose
//! column count differs from the header's is reported, as is any row that
//! still does not fit; such a row is kept when it has its Name, Method and
//! Request cells.

use super::request::{api_path, rate};
use super::table::{cells, is_separator};
use super::text::heading_text;
use super::{OverviewRow, Problem, Rate};

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/// Whether a pipe row is the header of an overview table.
pub fn is_header(line: &str) -> bool {
    let head: Vec<String> = cells(line)
        .iter()
        .take(3)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    head == ["name", "method", "request"]
}

/// Reads a table: `block` is its lines (number, text), header first.
/// `group_rate` is the group's "total rate limit" sentence, which applies
/// when the table has no Rate Limits column.
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
    let header = cells(header_line);
    let width = header.len();
    let rate_col = header
        .iter()
        .position(|h| h.to_ascii_lowercase().starts_with("rate"));
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
            if row.len() < 3 {
                continue;
            }
            row.resize(width, String::new());
        }
        let method = row[1].to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            problems.push(problem(
                line,
                first,
                format!("`{}` is not an HTTP method", row[1]),
            ));
            continue;
        }
        let text = row.join(" | ");
        let rate = match rate_col {
            Some(col) => match rate(&row[col]) {
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
        rows.push(OverviewRow {
            section: section.to_string(),
            name: heading_text(&row[0]),
            method,
            request: row[2].clone(),
            path: api_path(&row[2]),
            rate,
            line,
            method_text: row[..3].join(" | "),
        });
    }
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
}
