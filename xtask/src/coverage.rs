//! `cargo xtask coverage [DIR]`: how much of the documented API the spec
//! covers. Per page, the endpoint sections (sections with a request line:
//! headings, or rows of an endpoint list) against the operations whose
//! `source` or `other_sources` names them; then the overview rows no
//! operation's `overview_rows` names, with the erratum that explains each.
//!
//! It fails when an endpoint section no operation names has a request no
//! operation has either, unless an erratum explains it (the same rule as
//! docs-check's missing-from-spec rows); when an overview row is neither
//! implemented nor explained; or when an operation names a row that is on
//! no overview page. A section that only shares its request with an
//! operation is listed, not failed: it is covered but not cross-checked.

use std::collections::{BTreeMap, BTreeSet};

use crate::docs::request::path_key;
use crate::docs::{DocSet, Section, file_for};
use crate::docs_check::{self, Kind};
use crate::spec_index::SpecIndex;

/// The report, and whether every endpoint and overview row is accounted
/// for.
pub fn report(docs: &DocSet, spec: &SpecIndex) -> (String, bool) {
    let mut out = String::new();
    // Page → (section, operation id, whether it is an other source).
    let mut by_page: BTreeMap<&str, Vec<(&str, &str, bool)>> = BTreeMap::new();
    for op in &spec.operations {
        let id = op.item.id.value.as_str();
        let s = &op.item.source;
        by_page
            .entry(s.page.as_str())
            .or_default()
            .push((s.section.as_str(), id, false));
        for other in docs_check::operations::other_sources(op) {
            by_page.entry(other.page.as_str()).or_default().push((
                other.section.as_str(),
                id,
                true,
            ));
        }
    }
    // Endpoints no operation describes, as docs-check reports them.
    let findings = docs_check::check(docs, spec);
    let missing: Vec<&docs_check::Finding> = findings
        .iter()
        .filter(|f| f.kind == Kind::MissingFromSpec)
        .collect();
    let mut ok = true;
    let (mut headings, mut matched, mut unexplained) = (0, 0, 0);
    for page in &docs.pages {
        let ops = by_page.remove(page.id.as_str()).unwrap_or_default();
        let endpoints: Vec<_> = page
            .sections
            .iter()
            .filter(|s| !s.requests.is_empty())
            .collect();
        if endpoints.is_empty() && ops.is_empty() {
            continue;
        }
        out.push_str(&format!("{} ({})\n", page.file, page.id));
        let mut listed = BTreeSet::new();
        for s in &endpoints {
            headings += 1;
            listed.insert(s.heading.as_str());
            let ids: Vec<String> = ops
                .iter()
                .filter(|(section, _, _)| *section == s.heading)
                .map(|(_, id, other)| match other {
                    true => format!("{id} (other source)"),
                    false => id.to_string(),
                })
                .collect();
            if !ids.is_empty() {
                matched += 1;
                out.push_str(&section_line(
                    "matched",
                    s,
                    &format!(": {}", ids.join(", ")),
                ));
                continue;
            }
            let lacking: Vec<&&docs_check::Finding> = missing
                .iter()
                .filter(|f| f.file == page.file && s.requests.iter().any(|r| r.line == f.line))
                .collect();
            if lacking.is_empty() {
                // The same endpoint is often on two pages; name the operation
                // that has it, so the line reads as a duplicate, not a gap.
                let same: Vec<&str> = spec
                    .operations
                    .iter()
                    .filter(|op| {
                        s.requests.iter().any(|r| {
                            r.method
                                .as_deref()
                                .is_none_or(|m| m == op.item.method.as_str())
                                && r.key() == path_key(&op.item.path)
                        })
                    })
                    .map(|op| op.item.id.value.as_str())
                    .collect();
                let tail = format!(" (same request as {})", same.join(", "));
                out.push_str(&section_line("no operation", s, &tail));
                continue;
            }
            let why: Vec<String> = lacking
                .iter()
                .map(|f| match &f.explained_by {
                    Some(e) => format!("{}: explained by {e}", f.difference),
                    None => {
                        ok = false;
                        unexplained += 1;
                        format!("{}: NOT EXPLAINED", f.difference)
                    }
                })
                .collect();
            let tail = format!(" [{}]", why.join("; "));
            out.push_str(&section_line("no operation", s, &tail));
        }
        for (section, id, _) in ops
            .iter()
            .filter(|(section, _, _)| !listed.contains(section))
        {
            out.push_str(&format!(
                "  not a heading         {id}: section `{section}` is not an endpoint heading on this page\n"
            ));
        }
    }
    let mut elsewhere = BTreeSet::new();
    for (page, ops) in &by_page {
        if docs_check::operations::is_project_note(page) {
            continue;
        }
        if !docs.holds(page) {
            elsewhere.extend(ops.iter().map(|(_, id, _)| *id));
            continue;
        }
        for (section, id, _) in ops {
            out.push_str(&format!(
                "{}: page not found: {id} (section `{section}`)\n",
                file_for(page)
            ));
        }
    }
    let cited_here: BTreeSet<&str> = spec
        .operations
        .iter()
        .filter(|op| {
            std::iter::once(&op.item.source)
                .chain(&op.item.other_sources)
                .any(|s| docs.holds(&s.page))
        })
        .map(|op| op.item.id.value.as_str())
        .collect();
    let outside = elsewhere.difference(&cited_here).count();
    out.push_str(&format!(
        "\n{matched} of {headings} endpoint headings have an operation ({unexplained} without one are not explained)\n"
    ));
    if outside > 0 {
        out.push_str(&format!(
            "{outside} operations cite no page in this directory\n"
        ));
    }
    out.push('\n');
    let (overview, overview_ok) = overview(docs, spec);
    out.push_str(&overview);
    (out, ok && overview_ok)
}

/// One endpoint section's line: `  matched          13  Heading: id`.
fn section_line(status: &str, section: &Section, tail: &str) -> String {
    format!(
        "  {status:<12}  {:>5}  {}{tail}\n",
        section.line, section.heading
    )
}

fn overview(docs: &DocSet, spec: &SpecIndex) -> (String, bool) {
    // Without an overview page there is nothing to hold the rows against.
    if docs.pages.iter().all(|p| p.overview.is_empty()) {
        return ("no overview tables in this directory".to_string(), true);
    }
    let mut out = String::from("Overview rows without an operation:\n");
    let implemented: BTreeSet<&str> = spec
        .operations
        .iter()
        .flat_map(|op| op.item.overview_rows.iter().map(String::as_str))
        .collect();
    // Each row name once, with every place it appears.
    let mut unmatched: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for page in &docs.pages {
        for row in &page.overview {
            names.insert(row.name.as_str());
            if !implemented.contains(row.name.as_str()) {
                unmatched
                    .entry(row.name.as_str())
                    .or_default()
                    .push(format!(
                        "{}:{} {} {}",
                        page.file, row.line, row.method, row.path
                    ));
            }
        }
    }
    let mut ok = true;
    for (name, places) in &unmatched {
        let why = match spec.errata_for_row(name).next() {
            Some(e) => format!("explained by {}", e.item.id.value),
            None => {
                ok = false;
                "NOT EXPLAINED".to_string()
            }
        };
        out.push_str(&format!("  {name}  [{why}]\n"));
        for place in places {
            out.push_str(&format!("      {place}\n"));
        }
    }
    if unmatched.is_empty() {
        out.push_str("  (none)\n");
    }
    let mut unknown = Vec::new();
    for op in &spec.operations {
        for name in op
            .item
            .overview_rows
            .iter()
            .filter(|n| !names.contains(n.as_str()))
        {
            unknown.push(format!(
                "  {}:{} {} names `{name}`\n",
                op.file, op.line, op.item.id.value
            ));
        }
    }
    if !unknown.is_empty() {
        ok = false;
        out.push_str("\nOperations naming an overview row that is on no overview page:\n");
        out.extend(unknown);
    }
    out.push_str(&format!(
        "\n{} overview rows, {} without an operation ({} not explained)",
        names.len(),
        unmatched.len(),
        unmatched
            .keys()
            .filter(|n| spec.errata_for_row(n).next().is_none())
            .count()
    ));
    (out, ok)
}
