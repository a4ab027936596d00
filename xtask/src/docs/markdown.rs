//! Markdown pages: Agora's MDX sources (`agora/**/*.mdx`) and Easemob's
//! Chinese pages (`easemob/**/*.md`). `#` headings, fenced code blocks
//! holding the request line, pipe tables; the structural headings of both
//! languages are in [`Part`].
//!
//! A heading that is not structural starts a new section, except a prose
//! sub-heading: one at or below the level of a structural heading the
//! section already has, with neither a request line nor a deeper heading
//! before the next heading (the Chinese pages' `## 设置开放注册` between
//! `## 功能说明` and `## 调用频率上限`, or `#### 强制撤回` inside
//! `## 功能说明`). It belongs to the section it is in, and nothing under it
//! is compared.
//!
//! The rows of an endpoint list (the pricing page's price list, the Chinese
//! overview) are endpoints too: each becomes a section headed by its name
//! cell, with the row's request and rate.

use super::request::{rate, rate_sentence, request_line};
use super::subheading::Part;
use super::table::{cells, clean_name, dashed_name, field_columns, is_separator, yes_no};
use super::text::heading_text;
use super::{FieldRow, FieldTable, OverviewRow, Page, Problem, Rate, Request, Section, TableKind};
use super::{example, overview};

/// Parses one markdown page.
pub fn parse(id: &str, file: &str, text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut p = Parser {
        sections: vec![Section::new(String::new(), 0)],
        levels: vec![0],
        part: Part::Intro,
        parts_level: None,
        rate_part: None,
        rows: Vec::new(),
        overview: Vec::new(),
        problems: Vec::new(),
    };
    let mut fence: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let trimmed = lines[i].trim();
        i += 1;
        if fence.is_none() && trimmed.starts_with("```") {
            fence = Some(number);
        } else if let Some(open) = fence.filter(|_| is_closing_fence(trimmed)) {
            p.code_block(open + 1, &lines[open..number - 1]);
            fence = None;
        } else if fence.is_some() {
            p.code_line(number, trimmed);
        } else if let Some((level, title)) = heading(trimmed) {
            let leaf = is_leaf_heading(&lines[i..], level);
            p.heading(number, level, title, leaf);
        } else if trimmed.starts_with('|') {
            let start = i - 1;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                i += 1;
            }
            let block: Vec<(usize, &str)> = (start..i).map(|j| (j + 1, lines[j])).collect();
            p.table(&block);
        } else {
            p.prose(number, trimmed);
        }
    }
    if let Some(line) = fence {
        p.problem(line, "```", "code block is never closed".into());
    }
    p.leave_rate_part();
    p.inherit_rates();
    let mut sections = p.sections;
    sections.append(&mut p.rows);
    sections.sort_by_key(|s| s.line);
    Page {
        id: id.to_string(),
        file: file.to_string(),
        text: text.to_string(),
        sections,
        overview: p.overview,
        problems: p.problems,
    }
}

/// A fence closes with backticks alone: a second ```` ```bash ```` inside a
/// block is text, as markdown renders it.
fn is_closing_fence(line: &str) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == '`')
}

/// `## Title` → (2, "Title").
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let title = line[level..].strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, title))
}

/// Whether the heading of `level` whose following lines are `after` has
/// nothing of its own: the next heading outside code is at its level or
/// above (or there is none), and no request line comes first.
fn is_leaf_heading(after: &[&str], level: usize) -> bool {
    let mut fenced = false;
    for line in after {
        let trimmed = line.trim();
        if (!fenced && trimmed.starts_with("```")) || (fenced && is_closing_fence(trimmed)) {
            fenced = !fenced;
        } else if request_line(trimmed).is_some() {
            return false;
        } else if !fenced && let Some((next, _)) = heading(trimmed) {
            return next <= level;
        }
    }
    true
}

struct Parser {
    sections: Vec<Section>,
    /// Heading level of each section (0 for the text before any heading).
    levels: Vec<usize>,
    part: Part,
    /// The outermost level (fewest `#`) of the structural headings of the
    /// current section.
    parts_level: Option<usize>,
    /// In a rate-limit part: the line that states the limit (the first with
    /// a digit, else the first), and whether a rate was read.
    rate_part: Option<RatePart>,
    /// Sections made from endpoint-list rows, merged in by line at the end.
    rows: Vec<Section>,
    overview: Vec<OverviewRow>,
    problems: Vec<Problem>,
}

#[derive(Debug, Default)]
struct RatePart {
    heading: (usize, String),
    statement: Option<(usize, String)>,
    read: bool,
}

impl Parser {
    fn section(&mut self) -> &mut Section {
        self.sections
            .last_mut()
            .expect("the parser starts with a section")
    }

    fn problem(&mut self, line: usize, text: &str, message: String) {
        let section = self.section().heading.clone();
        self.problems.push(Problem {
            line,
            section,
            message,
            text: text.trim().to_string(),
        });
    }

    fn heading(&mut self, line: usize, level: usize, title: &str, leaf: bool) {
        self.leave_rate_part();
        let text = heading_text(title);
        let prose = leaf && self.parts_level.is_some_and(|parts| level >= parts);
        match Part::of_heading(&text) {
            Some(part) => {
                self.part = part;
                self.parts_level = Some(self.parts_level.map_or(level, |l| l.min(level)));
                if part == Part::Rate {
                    self.rate_part = Some(RatePart {
                        heading: (line, text),
                        ..RatePart::default()
                    });
                }
            }
            None if prose => self.part = Part::About,
            None => {
                self.sections.push(Section::new(text, line));
                self.levels.push(level);
                self.part = Part::Intro;
                self.parts_level = None;
            }
        }
    }

    /// A rate-limit part that states no rate the parser can read is
    /// reported, and its text kept for the comparison.
    fn leave_rate_part(&mut self) {
        let Some(part) = self.rate_part.take() else {
            return;
        };
        if part.read || self.section().rate.is_some() {
            return;
        }
        let message = match part.statement {
            Some(_) => "cannot read the rate limit",
            None => "the rate-limit heading states no limit",
        };
        let (line, text) = part.statement.unwrap_or(part.heading);
        self.problem(line, &text, message.into());
        self.section().unread_rate = Some(text);
    }

    fn code_line(&mut self, line: usize, text: &str) {
        if self.part.reads_requests()
            && let Some(parsed) = request_line(text)
        {
            self.section()
                .requests
                .push(Request::new(line, text, parsed));
        }
    }

    /// A closed code block starting at `line`: an example when it is in the
    /// example part.
    fn code_block(&mut self, line: usize, code: &[&str]) {
        if self.part == Part::Example {
            let examples = example::read_block(line, code);
            self.section().examples.extend(examples);
        }
    }

    fn prose(&mut self, line: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        let found = match &mut self.rate_part {
            Some(part) => {
                let has_digit = text.contains(|c: char| c.is_ascii_digit());
                match &part.statement {
                    None => part.statement = Some((line, text.to_string())),
                    Some((_, first))
                        if has_digit && !first.contains(|c: char| c.is_ascii_digit()) =>
                    {
                        part.statement = Some((line, text.to_string()));
                    }
                    Some(_) => {}
                }
                let found = rate(text);
                part.read |= found.is_some();
                found
            }
            None => rate_sentence(text),
        };
        if self.section().rate.is_none()
            && let Some((count, per)) = found
        {
            self.section().rate = Some(Rate {
                count,
                per,
                line,
                text: text.to_string(),
            });
        }
    }

    fn table(&mut self, block: &[(usize, &str)]) {
        let header = cells(block[0].1);
        if overview::is_header(block[0].1) {
            let section = self.section().clone();
            overview::parse(
                block,
                &section.heading,
                section.rate.as_ref(),
                &mut self.overview,
                &mut self.problems,
            );
        } else if overview::is_endpoint_list(block[0].1) {
            let heading = self.section().heading.clone();
            let mut rows = Vec::new();
            overview::parse(block, &heading, None, &mut rows, &mut self.problems);
            self.rows.extend(rows.into_iter().map(row_section));
        } else if let (Some(kind), Some(columns)) = (self.part.table_kind(), field_columns(&header))
        {
            let table = self.field_table(kind, columns, block);
            self.section().tables.push(table);
        }
    }

    fn field_table(
        &mut self,
        kind: TableKind,
        columns: super::table::Columns,
        block: &[(usize, &str)],
    ) -> FieldTable {
        let body = match block.get(1) {
            Some((_, text)) if is_separator(&cells(text)) => &block[2..],
            _ => &block[1..],
        };
        let header: Vec<String> = cells(block[0].1)
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let mut rows: Vec<FieldRow> = Vec::new();
        // The name of the last row without a dash, for `- name` rows.
        let mut parent: Option<String> = None;
        for &(line, text) in body {
            let row = cells(text);
            if row
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .eq(header.iter().cloned())
            {
                self.problem(line, text, "the header row is repeated".into());
                continue;
            }
            let written = row.first().map(|c| clean_name(c)).unwrap_or_default();
            let short = row.len() < header.len();
            if short {
                self.problem(
                    line,
                    text,
                    format!(
                        "table row has {} cells, the header {}",
                        row.len(),
                        header.len()
                    ),
                );
            }
            // A short row is still read when its type cell is a type word:
            // a cell is missing after it. `| - nickname | 用户昵称。 |` under
            // a three-column header is not read: which cell is missing?
            let type_word = row
                .get(columns.ty)
                .is_some_and(|t| t.is_ascii() && t.len() <= 20 && !t.is_empty());
            if written.is_empty() || (short && !type_word) {
                continue;
            }
            let name = match dashed_name(&written, parent.as_deref()) {
                Some(full) => full,
                None => {
                    parent = Some(written.clone());
                    written
                }
            };
            let required = match columns.required {
                None => None,
                // Reported with the row already.
                Some(col) if col >= row.len() => None,
                Some(col) => {
                    let cell = row.get(col).map(String::as_str).unwrap_or_default();
                    let flag = yes_no(cell);
                    if flag.is_none() {
                        self.problem(
                            line,
                            text,
                            format!("cannot read the Required cell `{cell}`"),
                        );
                    }
                    flag
                }
            };
            rows.push(FieldRow {
                name,
                ty: clean_name(&row[columns.ty]),
                required,
                line,
                key: format!("| {}", row[..=columns.ty].join(" | ")),
            });
        }
        FieldTable {
            kind,
            line: block[0].0,
            rows,
        }
    }

    /// A page may state one rate limit for a group of endpoints under a
    /// higher-level heading ("Send a message" over "Send a group message");
    /// the endpoints under it inherit it.
    fn inherit_rates(&mut self) {
        for i in 0..self.sections.len() {
            if self.sections[i].rate.is_some() || self.sections[i].unread_rate.is_some() {
                continue;
            }
            let mut level = self.levels[i];
            for j in (0..i).rev() {
                if self.levels[j] >= level || self.levels[j] == 0 {
                    continue;
                }
                if let Some(rate) = self.sections[j].rate.clone() {
                    self.sections[i].rate = Some(rate);
                    break;
                }
                level = self.levels[j];
            }
        }
    }
}

/// An endpoint-list row as the section of its endpoint: headed by its name
/// cell, with one request per path of its Request cell.
fn row_section(row: OverviewRow) -> Section {
    let mut section = Section::new(row.name.clone(), row.line);
    for url in overview::request_paths(&row.request) {
        section.requests.push(Request {
            method: Some(row.method.clone()),
            path: super::request::api_path(&url),
            url: url.replace('`', ""),
            text: row.method_text.clone(),
            line: row.line,
        });
    }
    section.rate = row.rate;
    section
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_chat_generator::spec::model::Per;

    const PAGE: &str = r#"import x from 'y';

## Common parameters

### Request parameters

| Parameter | Type | Description | Required |
| :--- | :--- | :--- | :--- |
| `host` | String | The host. | Yes |

## Making a <Vg k="CHAT_ROOM"/> widget <a name="make"></a>

For each App Key, the call frequency limit of this method is 20 per second.

### HTTP request

```http
POST https://{host}/{org_name}/{app_name}/widgets
```

#### Request body

| Field | Type | Description | Required |
| :--- | :--- | :--- | :--- |
| `label` | String | The label. | Yes |
| `size` | Int | The size. | Maybe |

### HTTP response

#### Response body

| Field | Type | Description |
| :--- | :--- | :--- |
| `data.id` | String | The id. |

### Example

```shell
GET https://{host}/{org_name}/{app_name}/not-a-request-line
```

## Widget calls

### Spinning a widget

```http
https://{host}/{org}/{app}/widgets/{widget_id}/spin?fast=true
```
"#;

    #[test]
    fn reads_sections_requests_tables_and_rates() {
        let page = parse("restful-api/widgets", "agora/restful-api/widgets.mdx", PAGE);
        let headings: Vec<&str> = page.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "",
                "Common parameters",
                "Making a chat room widget",
                "Widget calls",
                "Spinning a widget"
            ]
        );
        let make = &page.sections[2];
        assert_eq!(make.line, 11);
        assert_eq!(make.requests.len(), 1);
        assert_eq!(make.requests[0].method.as_deref(), Some("POST"));
        assert_eq!(make.requests[0].path, "/widgets");
        let rate = make.rate.as_ref().unwrap();
        assert_eq!((rate.count, rate.per, rate.line), (20, Per::Second, 13));
        assert_eq!(make.tables.len(), 2);
        let body = &make.tables[0];
        assert_eq!((body.kind, body.line), (TableKind::Body, 23));
        assert_eq!(body.rows[0].required, Some(true));
        assert_eq!(body.rows[0].key, "| `label` | String");
        assert_eq!(body.rows[1].required, None);
        assert_eq!(make.tables[1].rows[0].name, "data.id");
        let spin = &page.sections[4];
        assert_eq!(spin.requests[0].method, None);
        assert_eq!(spin.requests[0].path, "/widgets/{widget_id}/spin");
        assert!(spin.rate.is_none());
        assert_eq!(page.problems.len(), 1);
        assert_eq!(page.problems[0].line, 26);
    }

    const CREATE: &str =
        include_str!("../../tests/fixtures/incoming/easemob/server-side/widget_create.md");
    const WIDGETS: &str =
        include_str!("../../tests/fixtures/incoming/easemob/server-side/widget.md");
    const PRICES: &str =
        include_str!("../../tests/fixtures/incoming/agora/chat-sdk/reference/_pricing.mdx");

    #[test]
    fn chinese_endpoint_pages() {
        let page = parse("easemob/server-side/widget_create", "x.md", CREATE);
        // `#### 小部件的颜色` under `## 功能说明` is prose, not a section.
        let headings: Vec<&str> = page.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["", "创建小部件"]);
        let create = &page.sections[1];
        assert_eq!(
            create.rate.as_ref().map(|r| (r.count, r.per, r.line)),
            Some((20, Per::Second, 14))
        );
        assert_eq!(create.requests[0].path, "/widgets");
        let kinds: Vec<TableKind> = create.tables.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [TableKind::Header, TableKind::Body, TableKind::Response]
        );
        let body = &create.tables[1];
        assert_eq!(body.rows[0].required, Some(true));
        assert_eq!(body.rows[1].required, Some(false));
        let response: Vec<&str> = create.tables[2]
            .rows
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(response, ["data", "data.id"]);
        assert_eq!(create.examples.len(), 2);
        assert!(page.problems.is_empty(), "{:?}", page.problems);
    }

    #[test]
    fn chinese_pages_of_several_endpoints() {
        let page = parse("easemob/server-side/widget", "x.md", WIDGETS);
        let headings: Vec<&str> = page.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "",
                "小部件管理",
                "公共参数",
                "小部件操作",
                "旋转小部件",
                "删除小部件",
                "涂色小部件"
            ]
        );
        let spin = &page.sections[4];
        assert!(spin.rate.is_none());
        assert_eq!(spin.unread_rate.as_deref(), Some("5 次/10 秒/App Key"));
        assert_eq!(spin.tables[0].kind, TableKind::Path);
        // An unreadable limit is not replaced by one from higher up.
        assert_eq!(page.problems.len(), 1);
        assert_eq!(
            (page.problems[0].line, page.problems[0].message.as_str()),
            (21, "cannot read the rate limit")
        );
    }

    #[test]
    fn price_list_rows_are_sections() {
        let page = parse("chat-sdk/reference/_pricing", "x.mdx", PRICES);
        let rows: Vec<(&str, usize, Option<u32>)> = page
            .sections
            .iter()
            .filter(|s| !s.requests.is_empty())
            .map(|s| {
                (
                    s.heading.as_str(),
                    s.requests.len(),
                    s.rate.as_ref().map(|r| r.count),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Create a widget", 1, Some(20)),
                ("Get a chat room widget", 1, Some(100)),
                ("Spin a widget", 1, Some(5)),
                ("Delete a widget", 1, Some(10)),
                ("List widgets", 2, Some(100)),
            ]
        );
        let list = page
            .sections
            .iter()
            .find(|s| s.heading == "List widgets")
            .unwrap();
        assert_eq!(
            list.requests[1].url,
            "/{org_name}/{app_name}/widgets?page=1"
        );
        // The sections stay in page order around the rows.
        let lines: Vec<usize> = page.sections.iter().map(|s| s.line).collect();
        assert!(lines.is_sorted(), "{lines:?}");
        assert!(page.overview.is_empty() && page.problems.is_empty());
    }

    #[test]
    fn rate_parts_that_state_nothing_and_a_second_fence_opener() {
        let text = "# 做某事\n\n## 调用频率上限\n\n## 请求 URL\n\n```bash\n# 注释\n\n```bash\ncurl -X GET 'https://XXXX/XXXX/XXXX/w'\n```\n";
        let page = parse("p", "p.md", text);
        assert_eq!(page.problems.len(), 1, "{:?}", page.problems);
        assert_eq!(
            page.problems[0].message,
            "the rate-limit heading states no limit"
        );
        assert_eq!(page.problems[0].line, 3);
    }

    #[test]
    fn subsections_inherit_the_group_rate_and_open_fences_are_reported() {
        let text = "## Sending\n\nThe call frequency limit of this method is 9 per minute.\n\n### Sending one\n\n```\nPOST https://{host}/{o}/{a}/send\n";
        let page = parse("p", "agora/p.mdx", text);
        let one = &page.sections[2];
        assert_eq!(one.rate.as_ref().unwrap().count, 9);
        assert_eq!(page.problems[0].line, 7);
    }
}
