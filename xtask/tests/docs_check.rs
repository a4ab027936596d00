//! `cargo xtask docs-check`: our fixture pages agree with the fixture spec;
//! each kind of doc change is found at the right file and line while the
//! untouched pages report what they reported before; bad input is reported,
//! never a panic or a pass.
//!
//! Doctored pages are copies made here, in a temp dir, of Agora's pages
//! (../shared/docs, checked against spec/) where they exist, and of our
//! fixtures (checked against the fixture spec) always.

mod support;

use std::fs;

use support::{
    Row, Source, TempDir, check, copy_dir, find_line, fixture, incoming, real, set_line, xtask,
};

/// How a case changes one line of one page.
enum Edit {
    Replace {
        from: &'static str,
        to: &'static str,
    },
    InsertAfter(&'static str),
    Delete,
}

/// Where the one new finding must be.
#[derive(Clone, Copy)]
enum At {
    /// The edited line.
    Line,
    /// The inserted line.
    Next,
    /// This many lines after the edited one (the last of several inserted).
    Lines(usize),
    /// The header of the table the edited line was in.
    TableHeader,
    /// The first line of the code block the edited line is in.
    Block,
}

struct Case {
    what: &'static str,
    file: &'static str,
    /// The line to edit: the first containing this text...
    line_with: &'static str,
    /// ...after the first line containing this one, if given.
    after: Option<&'static str>,
    edit: Edit,
    /// Kind, place and whether it names an operation; `None`: no change.
    expect: Option<(&'static str, At, bool)>,
}

const OVERVIEW: &str = "seeds/001_81b52cdcf27cb24f.txt";
const ROOMS: &str = "agora/restful-api/chatroom-management/manage-chatrooms.mdx";
const ROOMS_SEED: &str = "seeds/000_f86617d2343b64e1.txt";
const CREATE_ROOM: &str = "POST https://{host}/{org_name}/{app_name}/chatrooms";

fn real_cases() -> Vec<Case> {
    vec![
        Case {
            what: "a row added to the overview",
            file: OVERVIEW,
            line_with: "Creating a chat room | POST |",
            after: None,
            edit: Edit::InsertAfter(
                "Cloning a chat room | POST | /{org_name}/{app_name}/chatrooms/{chatroom_id}/clone | Copies a room. | 10/second |",
            ),
            expect: Some(("overview-row", At::Next, false)),
        },
        Case {
            what: "an overview rate limit changed",
            file: OVERVIEW,
            line_with: "Creating a chat room | POST |",
            after: None,
            edit: Edit::Replace {
                from: "/second |",
                to: "5/second |",
            },
            expect: Some(("rate-limit", At::Line, true)),
        },
        Case {
            what: "a verb changed",
            file: ROOMS,
            line_with: CREATE_ROOM,
            after: None,
            edit: Edit::Replace {
                from: "POST https",
                to: "PUT https",
            },
            expect: Some(("method", At::Line, true)),
        },
        Case {
            what: "a placeholder moved to another segment",
            file: ROOMS,
            line_with: "{chatroom_id}/announcement",
            after: Some("GET https://"),
            edit: Edit::Replace {
                from: "{chatroom_id}/announcement",
                to: "announcement/{chatroom_id}",
            },
            expect: Some(("path", At::Line, true)),
        },
        Case {
            what: "a placeholder respelled in place",
            file: ROOMS,
            line_with: "{chatroom_id}/announcement",
            after: Some("GET https://"),
            edit: Edit::Replace {
                from: "{chatroom_id}",
                to: "{room}",
            },
            expect: None,
        },
        Case {
            what: "a request field removed",
            file: ROOMS,
            line_with: "| `owner` |",
            after: Some(CREATE_ROOM),
            edit: Edit::Delete,
            expect: Some(("field-removed", At::TableHeader, true)),
        },
        Case {
            what: "a field made required",
            file: ROOMS,
            line_with: "| `maxusers` |",
            after: Some(CREATE_ROOM),
            edit: Edit::Replace {
                from: "| No |",
                to: "| Yes |",
            },
            expect: Some(("field-required", At::Line, true)),
        },
        Case {
            what: "an endpoint the spec lacks",
            file: ROOMS_SEED,
            line_with: "For details, see HTTP Status Codes.",
            after: None,
            edit: Edit::InsertAfter(
                "PUT https://{host}/{org_name}/{app_name}/chatrooms/{chatroom_id}/archive",
            ),
            expect: Some(("missing-from-spec", At::Next, false)),
        },
    ]
}

fn fixture_cases() -> Vec<Case> {
    vec![
        Case {
            what: "a row added to the overview",
            file: "seeds/001_overview.txt",
            line_with: "Creating a widget | POST |",
            after: None,
            edit: Edit::InsertAfter(
                "Painting a widget | PUT | /{org_name}/{app_name}/widgets/{widget_id}/paint | Paints. | 1/second |",
            ),
            expect: Some(("overview-row", At::Next, false)),
        },
        Case {
            what: "an overview rate limit changed",
            file: "seeds/001_overview.txt",
            line_with: "Creating a widget | POST |",
            after: None,
            edit: Edit::Replace {
                from: "20/second",
                to: "25/second",
            },
            expect: Some(("rate-limit", At::Line, true)),
        },
        Case {
            what: "a detail page rate limit changed",
            file: "agora/restful-api/widgets.mdx",
            line_with: "20 per second",
            after: None,
            edit: Edit::Replace {
                from: "20 per second",
                to: "25 per second",
            },
            expect: Some(("rate-limit", At::Line, true)),
        },
        Case {
            what: "a verb changed",
            file: "seeds/000_gadgets.txt",
            line_with: "POST https://",
            after: None,
            edit: Edit::Replace {
                from: "POST",
                to: "PUT",
            },
            expect: Some(("method", At::Line, true)),
        },
        Case {
            what: "a placeholder moved to another segment",
            file: "agora/restful-api/widgets.mdx",
            line_with: "DELETE https://",
            after: None,
            edit: Edit::Replace {
                from: "widgets/{widget_id}",
                to: "{widget_id}/widgets",
            },
            expect: Some(("path", At::Line, true)),
        },
        Case {
            what: "a placeholder respelled in place",
            file: "seeds/000_gadgets.txt",
            line_with: "DELETE https://",
            after: None,
            edit: Edit::Replace {
                from: "{gadget_id}",
                to: "{gadgetId}",
            },
            expect: None,
        },
        Case {
            what: "a request field removed",
            file: "agora/restful-api/widgets.mdx",
            line_with: "| `size` |",
            after: None,
            edit: Edit::Delete,
            expect: Some(("field-removed", At::TableHeader, true)),
        },
        Case {
            what: "a flattened request field removed",
            file: "seeds/000_gadgets.txt",
            line_with: "weightInt",
            after: None,
            edit: Edit::Delete,
            expect: Some(("field-removed", At::TableHeader, true)),
        },
        Case {
            what: "a field made required",
            file: "seeds/000_gadgets.txt",
            line_with: "weightInt",
            after: None,
            edit: Edit::Replace {
                from: "weight.No",
                to: "weight.Yes",
            },
            expect: Some(("field-required", At::Line, true)),
        },
        Case {
            what: "a field type changed",
            file: "agora/restful-api/widgets.mdx",
            line_with: "| `tags` |",
            after: None,
            edit: Edit::Replace {
                from: "JSONArray",
                to: "String",
            },
            expect: Some(("field-type", At::Line, true)),
        },
        Case {
            what: "a request example changed",
            file: "agora/restful-api/widgets.mdx",
            line_with: "curl -X POST",
            after: None,
            edit: Edit::Replace {
                from: "\"w1\"",
                to: "\"w2\"",
            },
            expect: Some(("example", At::Line, true)),
        },
        Case {
            what: "an endpoint the spec lacks",
            file: "seeds/000_gadgets.txt",
            line_with: "See the status code page.",
            after: None,
            edit: Edit::InsertAfter(
                "PUT https://{host}/{org_name}/{app_name}/widgets/{widget_id}/paint",
            ),
            expect: Some(("missing-from-spec", At::Next, false)),
        },
    ]
}

const CREATE: &str = "easemob/server-side/widget_create.md";
const WIDGETS: &str = "easemob/server-side/widget.md";
const PRICES: &str = "agora/chat-sdk/reference/_pricing.mdx";

/// Edits of the pages an operation names in `other_sources`.
fn incoming_cases() -> Vec<Case> {
    vec![
        Case {
            what: "a Chinese rate limit changed",
            file: CREATE,
            line_with: "20 次/秒/App Key",
            after: None,
            edit: Edit::Replace {
                from: "20 次",
                to: "25 次",
            },
            expect: Some(("rate-limit", At::Line, true)),
        },
        Case {
            what: "a Chinese required flag changed",
            file: CREATE,
            line_with: "| `size`",
            after: None,
            edit: Edit::Replace {
                from: "否",
                to: "是",
            },
            expect: Some(("field-required", At::Line, true)),
        },
        Case {
            what: "a body row removed",
            file: CREATE,
            line_with: "| `tags`",
            after: None,
            edit: Edit::Delete,
            expect: Some(("field-removed", At::TableHeader, true)),
        },
        Case {
            what: "a response child row the spec lacks",
            file: CREATE,
            line_with: "|  - `id`",
            after: None,
            edit: Edit::InsertAfter("|  - `colour` | String | 颜色。 |"),
            expect: Some(("field-added", At::Next, true)),
        },
        Case {
            what: "a header the spec lacks",
            file: CREATE,
            line_with: "| `Authorization`",
            after: None,
            edit: Edit::InsertAfter("| `X-Trace` | String | 否 | 追踪用的 ID。 |"),
            expect: Some(("field-added", At::Next, true)),
        },
        Case {
            what: "a request example body changed",
            file: CREATE,
            line_with: "\"label\": \"w1\"",
            after: Some("curl"),
            edit: Edit::Replace {
                from: "w1",
                to: "w9",
            },
            // The finding is at the block's first line.
            expect: Some(("example", At::Block, true)),
        },
        Case {
            what: "a response example changed",
            file: CREATE,
            line_with: "\"id\": \"w1\"",
            after: None,
            edit: Edit::Replace {
                from: "w1",
                to: "w2",
            },
            expect: Some(("example", At::Block, true)),
        },
        Case {
            what: "a path parameter of the URL table retyped",
            file: "easemob/server-side/widget_get.md",
            line_with: "| `widgetid`",
            after: None,
            edit: Edit::Replace {
                from: "String",
                to: "Int",
            },
            expect: Some(("field-type", At::Line, true)),
        },
        Case {
            what: "a query parameter added to the URL table",
            file: "easemob/server-side/widget_get.md",
            line_with: "| `field_list`",
            after: None,
            edit: Edit::InsertAfter("| `limit` | Int | 否 | 数量。 |"),
            expect: Some(("field-added", At::Next, true)),
        },
        Case {
            what: "an endpoint added to a page of several",
            file: WIDGETS,
            line_with: "PUT https://",
            after: None,
            edit: Edit::InsertAfter(
                "```\n\n### 擦亮小部件\n\n```http\nPOST https://{host}/{org_name}/{app_name}/widgets/{widget_id}/polish",
            ),
            expect: Some(("missing-from-spec", At::Lines(6), false)),
        },
        Case {
            what: "a price-list rate changed",
            file: PRICES,
            line_with: "| Create a widget |",
            after: None,
            edit: Edit::Replace {
                from: "| 20 |",
                to: "| 30 |",
            },
            expect: Some(("rate-limit", At::Line, true)),
        },
        Case {
            what: "a price-list method changed",
            file: PRICES,
            line_with: "| Get a <Vg",
            after: None,
            edit: Edit::Replace {
                from: "| GET |",
                to: "| PUT |",
            },
            expect: Some(("method", At::Line, true)),
        },
        Case {
            what: "a price-list row the spec lacks",
            file: PRICES,
            line_with: "| List widgets |",
            after: None,
            edit: Edit::InsertAfter(
                "| Widgets | Paint a widget | 1 | N | PUT | `/{org_name}/{app_name}/widgets/{widget_id}/paint` |",
            ),
            expect: Some(("missing-from-spec", At::Next, false)),
        },
    ]
}

/// How line numbers of the edited file moved.
enum Shift {
    None,
    /// At this line, this many.
    Inserted(usize, usize),
    Deleted(usize),
}

fn run_case(source: &Source, case: &Case) {
    let tmp = TempDir::new();
    let docs = tmp.0.join("docs");
    copy_dir(&source.docs, &docs);
    let page = docs.join(case.file);
    let line = find_line(&page, case.line_with, case.after);
    let text = fs::read_to_string(&page).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let original = lines[line - 1];
    let header = (1..line)
        .rev()
        .find(|&l| is_table_header(&lines, l))
        .unwrap_or(0);
    let block = (1..line)
        .rev()
        .find(|&l| lines[l - 1].trim_start().starts_with("```"))
        .map_or(0, |fence| fence + 1);
    let shift = match case.edit {
        Edit::Replace { from, to } => {
            let changed = original.replacen(from, to, 1);
            assert_ne!(changed, original, "{}: nothing to replace", case.what);
            set_line(&page, line, Some(&[changed.as_str()]));
            Shift::None
        }
        Edit::InsertAfter(new) => {
            set_line(&page, line, Some(&[original, new]));
            Shift::Inserted(line + 1, new.lines().count())
        }
        Edit::Delete => {
            set_line(&page, line, None);
            Shift::Deleted(line)
        }
    };
    let spec = source.spec.as_deref();
    let (_, before) = check(&source.docs, spec);
    let (code, after) = check(&docs, spec);
    // Back to the original page's numbering, so unchanged rows compare equal.
    let after: Vec<Row> = after
        .into_iter()
        .map(|mut r| {
            if r.file == case.file {
                match shift {
                    Shift::Inserted(at, n) if r.line >= at + n => r.line -= n,
                    Shift::Deleted(at) if r.line >= at => r.line += 1,
                    _ => {}
                }
            }
            r
        })
        .collect();
    let added = minus(&after, &before);
    let gone = minus(&before, &after);
    for r in added.iter().chain(&gone) {
        assert_eq!(
            r.file, case.file,
            "{}: an untouched page changed: {r:?}",
            case.what
        );
    }
    match case.expect {
        None => assert!(
            added.is_empty() && gone.is_empty(),
            "{}: expected no change, got +{added:?} -{gone:?}",
            case.what
        ),
        Some((kind, at, names_op)) => {
            let want = match at {
                At::Line => line,
                At::Next => line + 1,
                At::Lines(n) => line + n,
                At::TableHeader => header,
                At::Block => block,
            };
            assert_eq!(added.len(), 1, "{}: {added:#?}", case.what);
            let r = &added[0];
            assert_eq!(
                (r.kind.as_str(), r.line),
                (kind, want),
                "{}: {r:?}",
                case.what
            );
            assert_eq!(r.operation.is_some(), names_op, "{}: {r:?}", case.what);
            assert_eq!(r.explained_by, None, "{}: {r:?}", case.what);
            assert_eq!(
                code, 1,
                "{}: an unexplained difference must fail",
                case.what
            );
        }
    }
}

/// A table header: a pipe row followed by a separator, or a flattened
/// `FieldType...` header.
fn is_table_header(lines: &[&str], line: usize) -> bool {
    let this = lines[line - 1].trim();
    let next = lines.get(line).map_or("", |l| l.trim());
    let separator = next.starts_with('|') && next.chars().all(|c| "|-: ".contains(c));
    (this.starts_with('|') && separator)
        || this.starts_with("FieldType")
        || this.starts_with("ParameterType")
}

/// The rows of `a` not in `b`, counting repeats.
fn minus(a: &[Row], b: &[Row]) -> Vec<Row> {
    let mut rest = b.to_vec();
    let mut out = Vec::new();
    for r in a {
        match rest.iter().position(|x| x == r) {
            Some(i) => {
                rest.remove(i);
            }
            None => out.push(r.clone()),
        }
    }
    out
}

#[test]
fn fixture_pages_agree_with_the_fixture_spec() {
    let source = fixture();
    let (code, rows) = check(&source.docs, source.spec.as_deref());
    assert_eq!(code, 0, "{rows:#?}");
    let explained: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.kind.as_str(), r.explained_by.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        explained,
        [
            ("overview-row", "E003"),
            ("method", "E002"),
            ("unparsed", "E001"),
            ("overview-row", "E003"),
        ]
    );
    let run = xtask(
        &["docs-check", &source.docs.to_string_lossy()],
        source.spec.as_deref(),
    );
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("the pages and the spec agree"),
        "{}",
        run.stdout
    );
}

#[test]
fn doctored_fixture_pages() {
    for case in fixture_cases() {
        run_case(&fixture(), &case);
    }
}

#[test]
fn incoming_fixture_pages_agree_with_the_fixture_spec() {
    let source = incoming();
    let (code, rows) = check(&source.docs, source.spec.as_deref());
    assert_eq!(code, 0, "{rows:#?}");
    // Each kind of difference on the other pages, explained by an erratum
    // naming that page and section; the primary sources (restful-api/...)
    // are in no folder of this directory and are not reported.
    let explained: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.file.as_str(),
                r.kind.as_str(),
                r.explained_by.as_deref().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        explained,
        [
            (PRICES, "path", "E007"),
            (PRICES, "missing-from-spec", "E008"),
            (WIDGETS, "unparsed", "E006"),
            (WIDGETS, "missing-from-spec", "E005"),
            ("easemob/server-side/widget_get.md", "rate-limit", "E004"),
        ]
    );
}

#[test]
fn doctored_incoming_fixture_pages() {
    for case in incoming_cases() {
        run_case(&incoming(), &case);
    }
}

#[test]
fn an_other_source_missing_from_a_folder_of_the_directory_is_reported() {
    let source = incoming();
    let tmp = TempDir::new();
    let spec = tmp.0.join("spec");
    copy_dir(source.spec.as_deref().unwrap(), &spec);
    let group = spec.join("groups/widgets.yaml");
    let text = fs::read_to_string(&group).unwrap();
    let text = text
        .replace(
            "easemob/server-side/widget_get,",
            "easemob/server-side/widget_read,",
        )
        .replace("section: Spin a widget", "section: Twirl a widget");
    fs::write(&group, text).unwrap();
    let (code, rows) = check(&source.docs, Some(&spec));
    let missing: Vec<(&str, &str, Option<&str>)> = rows
        .iter()
        .filter(|r| r.kind == "not-in-docs")
        .map(|r| {
            (
                r.file.as_str(),
                r.difference.as_str(),
                r.operation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            (
                PRICES,
                "section `Twirl a widget` is not a heading on the page",
                Some("spin_widget")
            ),
            (
                "easemob/server-side/widget_read.md",
                "doc page `easemob/server-side/widget_read` not found",
                Some("get_widget")
            ),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn doctored_agora_pages() {
    let Some(source) = real() else {
        eprintln!("../shared/docs not found: only the fixtures are doctored");
        return;
    };
    for case in real_cases() {
        run_case(&source, &case);
    }
}

#[test]
fn an_erratum_whose_quote_is_gone_is_stale() {
    let source = fixture();
    let tmp = TempDir::new();
    copy_dir(&source.docs, &tmp.0);
    let page = tmp.0.join("seeds/001_overview.txt");
    let line = find_line(&page, "| :--- | :--- | :--- |", None);
    // Agora fixes the table: E001's quote is no longer on the page.
    set_line(&page, line, Some(&["|---|---|---|---|"]));
    let (code, rows) = check(&tmp.0, source.spec.as_deref());
    let stale: Vec<&Row> = rows.iter().filter(|r| r.kind == "stale-erratum").collect();
    assert_eq!(stale.len(), 1, "{rows:#?}");
    assert!(
        stale[0].difference.starts_with("E001: quote no longer on"),
        "{:?}",
        stale[0]
    );
    assert!(stale[0].file.ends_with("errata.yaml"));
    assert_eq!(stale[0].line, 2);
    assert!(!rows.iter().any(|r| r.kind == "unparsed"));
    assert_eq!(code, 1);
}

#[test]
fn a_missing_or_empty_directory_is_an_error() {
    let tmp = TempDir::new();
    let missing = tmp.0.join("nope");
    let run = xtask(&["docs-check", &missing.to_string_lossy()], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a directory"), "{}", run.stderr);
    let run = xtask(&["docs-check", &tmp.0.to_string_lossy()], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no doc pages"), "{}", run.stderr);
    let run = xtask(&["docs-check"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("usage"), "{}", run.stderr);
}

#[test]
fn unreadable_pages_are_reported_with_file_and_line() {
    let source = fixture();
    let tmp = TempDir::new();
    copy_dir(&source.docs, &tmp.0);
    let mut bytes = b"## Breaking a widget\n\n### HTTP request\n\n#### Request body\n\n| Field | Type | Description | Required |\n| --- | --- | --- | --- |\n| `a` |\n| `b` | String | B. | Perhaps |\n\n```\nPOST https://{host}/{o}/{a}/widgets/{widget_id}/break\n".to_vec();
    bytes.extend_from_slice(b"\xff\xfe stray bytes\n");
    fs::write(tmp.0.join("agora/restful-api/broken.mdx"), bytes).unwrap();
    let (code, rows) = check(&tmp.0, source.spec.as_deref());
    let broken: Vec<(usize, &str, &str)> = rows
        .iter()
        .filter(|r| r.file == "agora/restful-api/broken.mdx")
        .map(|r| (r.line, r.kind.as_str(), r.difference.as_str()))
        .collect();
    assert_eq!(
        broken,
        [
            (9, "unparsed", "table row has 1 cells, the header 4"),
            (10, "unparsed", "cannot read the Required cell `Perhaps`"),
            (12, "unparsed", "code block is never closed"),
            (13, "missing-from-spec", "POST /widgets/{widget_id}/break"),
            (
                14,
                "unparsed",
                "not UTF-8 text; read with replacement characters"
            ),
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn text_and_json_list_the_same_rows() {
    let source = fixture();
    let tmp = TempDir::new();
    copy_dir(&source.docs, &tmp.0);
    let page = tmp.0.join("seeds/000_gadgets.txt");
    let line = find_line(&page, "POST https://", None);
    set_line(
        &page,
        line,
        Some(&["GET https://{host}/{org_name}/{app_name}/widgets/{widget_id}/gadgets"]),
    );
    let (_, rows) = check(&tmp.0, source.spec.as_deref());
    let unexplained: Vec<&Row> = rows.iter().filter(|r| r.explained_by.is_none()).collect();
    let run = xtask(
        &["docs-check", &tmp.0.to_string_lossy()],
        source.spec.as_deref(),
    );
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("LOCATION"), "{}", run.stdout);
    assert_eq!(lines.len(), unexplained.len() + 3, "{}", run.stdout);
    for (text, row) in lines[1..].iter().zip(&unexplained) {
        assert!(
            text.starts_with(&format!("{}:{}", row.file, row.line)),
            "{text}"
        );
        assert!(text.contains(&row.difference), "{text}");
    }
}
