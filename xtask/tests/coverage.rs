//! `cargo xtask coverage`: operations against endpoint headings, and
//! overview rows no operation implements, on the fixture pages and spec.

mod support;

use std::fs;

use support::{TempDir, copy_dir, find_line, fixture, incoming, set_line, xtask};

#[test]
fn every_heading_and_row_is_accounted_for() {
    let source = fixture();
    let run = xtask(
        &["coverage", &source.docs.to_string_lossy()],
        source.spec.as_deref(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("matched          13  Creating a widget: create_widget"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("6 of 6 endpoint headings have an operation")
    );
    assert!(
        run.stdout
            .contains("Polishing a gadget  [explained by E003]")
    );
    assert!(run.stdout.contains("seeds/001_overview.txt:18 PUT"));
}

#[test]
fn an_unexplained_overview_row_fails() {
    let source = fixture();
    let tmp = TempDir::new();
    copy_dir(&source.docs, &tmp.0);
    let page = tmp.0.join("seeds/001_overview.txt");
    let line = find_line(&page, "Spinning a widget | POST |", None);
    let row = "Painting a widget | PUT | /{org_name}/{app_name}/widgets/{widget_id}/paint | Paints. | 1/second |";
    let spin = fs::read_to_string(&page)
        .unwrap()
        .lines()
        .nth(line - 1)
        .unwrap()
        .to_string();
    set_line(&page, line, Some(&[spin.as_str(), row]));
    let run = xtask(
        &["coverage", &tmp.0.to_string_lossy()],
        source.spec.as_deref(),
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("Painting a widget  [NOT EXPLAINED]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("seeds/001_overview.txt:{} PUT", line + 1))
    );
}

#[test]
fn an_operation_naming_a_missing_row_fails() {
    let source = fixture();
    let tmp = TempDir::new();
    let spec = tmp.0.join("spec");
    copy_dir(source.spec.as_deref().unwrap(), &spec);
    let group = spec.join("groups/widgets.yaml");
    let text = fs::read_to_string(&group).unwrap();
    fs::write(
        &group,
        text.replace(
            "overview_rows: [Deleting a widget]",
            "overview_rows: [Dropping a widget]",
        ),
    )
    .unwrap();
    let run = xtask(&["coverage", &source.docs.to_string_lossy()], Some(&spec));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("delete_widget names `Dropping a widget`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Deleting a widget  [NOT EXPLAINED]"));
}

#[test]
fn headings_without_an_operation_and_sections_that_are_not_headings() {
    let source = fixture();
    let tmp = TempDir::new();
    let spec = tmp.0.join("spec");
    copy_dir(source.spec.as_deref().unwrap(), &spec);
    let group = spec.join("groups/gadgets.yaml");
    let text = fs::read_to_string(&group).unwrap();
    fs::write(
        &group,
        text.replace("section: Removing a gadget", "section: Detaching a gadget"),
    )
    .unwrap();
    let run = xtask(&["coverage", &source.docs.to_string_lossy()], Some(&spec));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("no operation     57  Removing a gadget (same request as remove_gadget)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "remove_gadget: section `Detaching a gadget` is not an endpoint heading on this page"
    ));
}

#[test]
fn other_sources_match_and_endpoints_no_operation_has_need_an_erratum() {
    let source = incoming();
    let run = xtask(
        &["coverage", &source.docs.to_string_lossy()],
        source.spec.as_deref(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for line in [
        "matched           1  创建小部件: create_widget (other source)",
        "matched          18  Get a chat room widget: get_widget (other source)",
        "no operation      7  创建小部件 (same request as create_widget)",
        "no operation     43  涂色小部件 [PUT /widgets/{widget_id}/paint: explained by E005]",
        "8 of 12 endpoint headings have an operation (0 without one are not explained)",
        // The gadget operations cite only seeds, which this directory lacks.
        "2 operations cite no page in this directory",
        "no overview tables in this directory",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }

    let tmp = TempDir::new();
    copy_dir(&source.docs, &tmp.0);
    let page = tmp.0.join("agora/chat-sdk/reference/_pricing.mdx");
    let line = find_line(&page, "| List widgets |", None);
    let row = fs::read_to_string(&page)
        .unwrap()
        .lines()
        .nth(line - 1)
        .unwrap()
        .to_string();
    let paint = "| Widgets | Polish a widget | 1 | N | POST | `/{org_name}/{app_name}/widgets/{widget_id}/polish` |";
    set_line(&page, line, Some(&[row.as_str(), paint]));
    let run = xtask(
        &["coverage", &tmp.0.to_string_lossy()],
        source.spec.as_deref(),
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "no operation     {}  Polish a widget [POST /widgets/{{widget_id}}/polish: NOT EXPLAINED]",
            line + 1
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(1 without one are not explained)"));
}
