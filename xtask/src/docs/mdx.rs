//! Markdown/MDX source pages (`agora/**/*.mdx`): `#` headings, fenced code
//! blocks holding the request line, pipe tables.

use super::overview;
use super::request::{rate_sentence, request_line};
use super::subheading::Part;
use super::table::{cells, clean_name, field_columns, is_separator, yes_no};
use super::text::heading_text;
use super::{FieldRow, FieldTable, Page, Problem, Rate, Request, Section, TableKind};

/// Parses one MDX page.
pub fn parse(id: &str, file: &str, text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut p = Parser {
        sections: vec![Section::new(String::new(), 0)],
        levels: vec![0],
        part: Part::Intro,
        overview: Vec::new(),
        problems: Vec::new(),
    };
    let mut fence: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let trimmed = lines[i].trim();
        i += 1;
        if trimmed.starts_with("```") {
            fence = if fence.is_some() { None } else { Some(number) };
        } else if fence.is_some() {
            p.code_line(number, trimmed);
        } else if let Some((level, title)) = heading(trimmed) {
            p.heading(number, level, title);
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
    p.inherit_rates();
    Page {
        id: id.to_string(),
        file: file.to_string(),
        text: text.to_string(),
        sections: p.sections,
        overview: p.overview,
        problems: p.problems,
    }
}

/// `## Title` → (2, "Title").
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let title = line[level..].strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, title))
}

struct Parser {
    sections: Vec<Section>,
    /// Heading level of each section (0 for the text before any heading).
    levels: Vec<usize>,
    part: Part,
    overview: Vec<super::OverviewRow>,
    problems: Vec<Problem>,
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

    fn heading(&mut self, line: usize, level: usize, title: &str) {
        let text = heading_text(title);
        match Part::of_heading(&text) {
            Some(part) => self.part = part,
            None => {
                self.sections.push(Section::new(text, line));
                self.levels.push(level);
                self.part = Part::Intro;
            }
        }
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

    fn prose(&mut self, line: usize, text: &str) {
        if self.section().rate.is_none()
            && let Some((count, per)) = rate_sentence(text)
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
        let mut rows = Vec::new();
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
            let name = row.first().map(|c| clean_name(c)).unwrap_or_default();
            if row.len() <= columns.ty || name.is_empty() {
                self.problem(
                    line,
                    text,
                    format!(
                        "table row has {} cells, the header {}",
                        row.len(),
                        header.len()
                    ),
                );
                continue;
            }
            let required = match columns.required {
                None => None,
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
            if self.sections[i].rate.is_some() {
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

    #[test]
    fn subsections_inherit_the_group_rate_and_open_fences_are_reported() {
        let text = "## Sending\n\nThe call frequency limit of this method is 9 per minute.\n\n### Sending one\n\n```\nPOST https://{host}/{o}/{a}/send\n";
        let page = parse("p", "agora/p.mdx", text);
        let one = &page.sections[2];
        assert_eq!(one.rate.as_ref().unwrap().count, 9);
        assert_eq!(page.problems[0].line, 7);
    }
}
