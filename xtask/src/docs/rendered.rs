//! Rendered-text pages (`seeds/*.txt`): the published pages saved as text.
//!
//! Headings are plain lines with a blank line before and after; code lines
//! follow `_N` marker lines; field tables are flattened, one row per line as
//! `nameStringDescriptionYes` under a header such as
//! `FieldTypeDescriptionRequired`, with a cell's bullet list continuing on the
//! next lines. The overview page has no blank lines at all, so an overview
//! table's group is the nearest heading-like line above it.

use super::overview;
use super::request::{rate_sentence, request_line};
use super::subheading::Part;
use super::text::heading_text;
use super::{FieldRow, FieldTable, Page, Problem, Rate, Request, Section, TableKind};

/// Type words a flattened row's name runs into, longest first where one is a
/// prefix of another.
const TYPES: [&str; 17] = [
    "JSONArray",
    "JSONObject",
    "JSON",
    "String",
    "Integer",
    "Int",
    "Long",
    "Number",
    "Boolean",
    "Bool",
    "Array",
    "Object",
    "List",
    "File",
    "Double",
    "Float",
    "Map",
];

/// Lower-case spellings, tried only when no capitalized type word fits
/// (`affiliations_countint`), since they also occur inside names.
const LOWER_TYPES: [&str; 6] = ["string", "int", "long", "number", "boolean", "bool"];

/// Parses one rendered-text page.
pub fn parse(id: &str, file: &str, text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut sections = vec![Section::new(String::new(), 0)];
    let mut part = Part::Intro;
    let mut overview_rows = Vec::new();
    let mut problems = Vec::new();
    let blank = |i: usize| lines.get(i).is_none_or(|l| l.trim().is_empty());
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let trimmed = lines[i].trim();
        let section = sections.last_mut().expect("starts with a section");
        i += 1;
        if trimmed.is_empty() || is_marker(trimmed) {
            continue;
        }
        if trimmed.contains('|') && overview::is_header(trimmed) {
            let start = i - 1;
            while i < lines.len() && lines[i].contains('|') {
                i += 1;
            }
            let block: Vec<(usize, &str)> = (start..i).map(|j| (j + 1, lines[j])).collect();
            let (group, rate) = overview_group(&lines[..start]);
            overview::parse(
                &block,
                &group,
                rate.as_ref(),
                &mut overview_rows,
                &mut problems,
            );
        } else if trimmed.starts_with('|') {
            problems.push(Problem {
                line: number,
                section: section.heading.clone(),
                message: "markdown table row without a table header".into(),
                text: trimmed.to_string(),
            });
        } else if let Some(columns) = flattened_header(trimmed) {
            let start = i;
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            let rows: Vec<(usize, &str)> = (start..i).map(|j| (j + 1, lines[j])).collect();
            if let Some(kind) = part.table_kind() {
                let table = field_table(
                    kind,
                    number,
                    &columns,
                    &rows,
                    &section.heading,
                    &mut problems,
                );
                section.tables.push(table);
            }
        } else if (number == 1 || blank(number - 2)) && blank(i) && heading_like(trimmed) {
            match Part::of_heading(trimmed) {
                Some(p) => part = p,
                None => {
                    sections.push(Section::new(heading_text(trimmed), number));
                    part = Part::Intro;
                }
            }
        } else if let Some(parsed) = request_line(trimmed).filter(|_| part.reads_requests()) {
            section.requests.push(Request::new(number, trimmed, parsed));
        } else if section.rate.is_none()
            && let Some((count, per)) = rate_sentence(trimmed)
        {
            section.rate = Some(Rate {
                count,
                per,
                line: number,
                text: trimmed.to_string(),
            });
        }
    }
    Page {
        id: id.to_string(),
        file: file.to_string(),
        text: text.to_string(),
        sections,
        overview: overview_rows,
        problems,
    }
}

/// `_1`, `_10`: the line after it is a line of a code block.
fn is_marker(line: &str) -> bool {
    line.strip_prefix('_')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// A short line that starts with a capital and does not end like a
/// sentence; only a heading if it also stands between blank lines.
fn heading_like(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_uppercase())
        && !line.ends_with(['.', ':', ';', ',', '?', '!'])
        && !line.contains('|')
        && line.split_whitespace().count() <= 16
        && request_line(line).is_none()
}

/// The group heading of an overview table and the group's "total rate
/// limit" sentence, read upwards from the table.
fn overview_group(above: &[&str]) -> (String, Option<Rate>) {
    let mut rate = None;
    for (i, line) in above.iter().enumerate().rev() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.contains('|') {
            continue;
        }
        if heading_like(trimmed) {
            return (heading_text(trimmed), rate);
        }
        if let Some((count, per)) = rate_sentence(trimmed) {
            rate = Some(Rate {
                count,
                per,
                line: i + 1,
                text: trimmed.to_string(),
            });
        }
    }
    (String::new(), rate)
}

/// `FieldTypeDescriptionRequired` → its column words, when it is the header
/// of a field table (a name column, then Type, then Description/Required).
fn flattened_header(line: &str) -> Option<Vec<String>> {
    if !line.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    for c in line.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    let fits = words.len() >= 3
        && ["Parameter", "Field", "Name"].contains(&words[0].as_str())
        && words[1] == "Type"
        && words[2..]
            .iter()
            .all(|w| ["Description", "Descriptions", "Required"].contains(&w.as_str()));
    fits.then_some(words)
}

/// A flattened row split into name, type and what follows; `key` is the
/// name and type as written.
#[derive(Debug, PartialEq, Eq)]
struct Split<'a> {
    name: &'a str,
    ty: &'a str,
    rest: &'a str,
    key: &'a str,
}

fn split_row(line: &str) -> Option<Split<'_>> {
    let word_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-[]".contains(c)))
        .unwrap_or(line.len());
    let valid_name = |name: &str| name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    for types in [&TYPES[..], &LOWER_TYPES[..]] {
        for start in 1..word_end {
            let tail = &line[start..];
            let Some(ty) = types.iter().find(|t| tail.starts_with(**t)) else {
                continue;
            };
            let rest = &tail[ty.len()..];
            // `msgIdListString`: the type is the last type word, not `List`.
            if TYPES.iter().any(|t| rest.starts_with(t)) || !valid_name(&line[..start]) {
                continue;
            }
            return Some(Split {
                name: &line[..start],
                ty,
                rest,
                key: &line[..start + ty.len()],
            });
        }
    }
    // `entities JSONThe response entity.`: a space between name and type.
    let (name, tail) = line.split_at(word_end);
    let tail = tail.strip_prefix(' ')?;
    let ty = TYPES.iter().find(|t| tail.starts_with(**t))?;
    valid_name(name).then(|| Split {
        name,
        ty,
        rest: &tail[ty.len()..],
        key: &line[..word_end + 1 + ty.len()],
    })
}

/// Bullets glue a cell's list to the next row (`  • maxusersIntThe ...`).
fn strip_bullet(line: &str) -> &str {
    let t = line.trim();
    ["• ", "- "]
        .iter()
        .find_map(|b| t.strip_prefix(b))
        .unwrap_or(t)
        .trim()
}

fn field_table(
    kind: TableKind,
    header_line: usize,
    columns: &[String],
    lines: &[(usize, &str)],
    section: &str,
    problems: &mut Vec<Problem>,
) -> FieldTable {
    let has_required = columns.iter().any(|c| c == "Required");
    let required_after_type = columns.get(2).is_some_and(|c| c == "Required");
    // Each row: its parts, its text so far (continuation lines appended).
    let mut rows: Vec<(FieldRow, String)> = Vec::new();
    for &(line, raw) in lines {
        let text = strip_bullet(raw);
        match split_row(text) {
            Some(split) => rows.push((
                FieldRow {
                    name: split.name.to_string(),
                    ty: split.ty.to_string(),
                    required: None,
                    line,
                    key: split.key.to_string(),
                },
                split.rest.to_string(),
            )),
            None => match rows.last_mut() {
                Some((_, so_far)) => {
                    so_far.push(' ');
                    so_far.push_str(text);
                }
                None => problems.push(Problem {
                    line,
                    section: section.to_string(),
                    message: "cannot tell the field name from its type".into(),
                    text: raw.trim().to_string(),
                }),
            },
        }
    }
    let rows = rows
        .into_iter()
        .map(|(mut row, rest)| {
            if has_required {
                let rest = rest.trim().trim_end_matches('.');
                row.required = if required_after_type {
                    flag(rest.starts_with("Yes"), rest.starts_with("No"))
                } else {
                    flag(rest.ends_with("Yes"), rest.ends_with("No"))
                };
                if row.required.is_none() {
                    problems.push(Problem {
                        line: row.line,
                        section: section.to_string(),
                        message: "cannot read the Required flag (no Yes/No)".into(),
                        text: row.key.clone(),
                    });
                }
            }
            row
        })
        .collect();
    FieldTable {
        kind,
        line: header_line,
        rows,
    }
}

fn flag(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_chat_generator::spec::model::Per;

    #[test]
    fn splits_flattened_rows() {
        let s = split_row("labelStringThe label.Yes").unwrap();
        assert_eq!(
            (s.name, s.ty, s.rest, s.key),
            ("label", "String", "The label.Yes", "labelString")
        );
        assert_eq!(
            split_row("Content-TypeStringapplication/jsonYes")
                .unwrap()
                .name,
            "Content-Type"
        );
        assert_eq!(split_row("tagsJSONArrayThe tags.").unwrap().ty, "JSONArray");
        assert_eq!(split_row("idListStringThe ids.").unwrap().name, "idList");
        assert_eq!(
            split_row("spin_countintThe spins.").unwrap().name,
            "spin_count"
        );
        assert_eq!(split_row("pointStringThe point.").unwrap().name, "point");
        let spaced = split_row("entities JSONThe entities.").unwrap();
        assert_eq!((spaced.name, spaced.key), ("entities", "entities JSON"));
        assert_eq!(split_row("true: Success"), None);
        assert_eq!(split_row("Yes"), None);
    }

    #[test]
    fn headers() {
        assert!(flattened_header("FieldTypeDescriptionRequired").is_some());
        assert!(flattened_header("ParameterTypeRequiredDescription").is_some());
        assert!(flattened_header("RoleDescriptionPrivilege").is_none());
        assert!(flattened_header("Field Type").is_none());
    }

    const PAGE: &str = "Skip to main content

Gadgets

Common parameters

Request parameters

ParameterTypeDescriptionRequired
hostStringThe host.Yes

Adding a gadget

Adds a gadget.

For each App Key, the call frequency limit of this method is 30 per second.

HTTP request


_1
POST https://{host} /{org_name}/{app_name}/widgets/{widgetid}/gadgets

Request body

FieldTypeDescriptionRequired
colourStringThe colour:
  • red
  • blue
  • Yes
weightIntThe weight.No

HTTP response

Response body

FieldTypeDescription
okBoolWhether it worked:
  • true: Yes
  • idStringThe id.

| stray | String | A stray row. | Yes |
";

    #[test]
    fn reads_sections_requests_and_flattened_tables() {
        let page = parse("seeds/000_x.txt", "seeds/000_x.txt", PAGE);
        let headings: Vec<&str> = page.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "",
                "Skip to main content",
                "Gadgets",
                "Common parameters",
                "Adding a gadget"
            ]
        );
        assert!(page.sections[3].tables.is_empty());
        let add = &page.sections[4];
        assert_eq!(add.requests[0].line, 22);
        assert_eq!(add.requests[0].path, "/widgets/{widgetid}/gadgets");
        assert_eq!(
            add.rate.as_ref().map(|r| (r.count, r.per)),
            Some((30, Per::Second))
        );
        let body = &add.tables[0];
        assert_eq!((body.kind, body.line), (TableKind::Body, 26));
        let flags: Vec<_> = body
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(flags, [("colour", Some(true)), ("weight", Some(false))]);
        let response: Vec<&str> = add.tables[1].rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(response, ["ok", "id"]);
        assert_eq!(page.problems.len(), 1);
        assert_eq!(page.problems[0].line, 42);
    }

    #[test]
    fn overview_tables_take_the_group_above() {
        let text = "Widgets\nThe total rate limit of the following methods is 5/second.\nName | Method | Request | Description |\n---|---|---|---|\nMaking a widget | POST | /{org_name}/{app_name}/widgets | Makes one. |\nAfter\n";
        let page = parse("seeds/001_x.txt", "seeds/001_x.txt", text);
        assert_eq!(page.overview.len(), 1);
        assert_eq!(page.overview[0].section, "Widgets");
        assert_eq!(page.overview[0].rate.as_ref().map(|r| r.line), Some(2));
    }
}
