//! `cargo xtask coverage [DIR]`: how much of the documented API the spec
//! covers. Per page, the endpoint headings (sections with a request line)
//! against the operations whose `source` names the page; then the overview
//! rows no operation's `overview_rows` names, with the erratum that explains
//! each. It fails when an overview row is neither implemented nor explained,
//! or an operation names a row that is on no overview page.

use std::collections::{BTreeMap, BTreeSet};

use crate::docs::request::path_key;
use crate::docs::{DocSet, file_for};
use crate::spec_index::SpecIndex;

/// The report, and whether the overview is fully accounted for.
pub fn report(docs: &DocSet, spec: &SpecIndex) -> (String, bool) {
    let mut out = String::new();
    let mut by_page: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for op in &spec.operations {
        let s = &op.item.source;
        by_page
            .entry(s.page.as_str())
            .or_default()
            .push((s.section.as_str(), op.item.id.value.as_str()));
    }
    let (mut headings, mut matched) = (0, 0);
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
            let ids: Vec<&str> = ops
                .iter()
                .filter(|(section, _)| *section == s.heading)
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                // The same endpoint is often on two pages; name the operation
                // that has it, so the line reads as a duplicate, not a gap.
                let same: Vec<&str> = spec
                    .operations
                    .iter()
                    .filter(|op| {
                        s.requests.iter().any(|r| {
                            r.method.as_deref() == Some(op.item.method.as_str())
                                && r.key() == path_key(&op.item.path)
                        })
                    })
                    .map(|op| op.item.id.value.as_str())
                    .collect();
                let note = if same.is_empty() {
                    String::new()
                } else {
                    format!(" (same request as {})", same.join(", "))
                };
                out.push_str(&format!(
                    "  no operation  {:>5}  {}{note}\n",
                    s.line, s.heading
                ));
            } else {
                matched += 1;
                out.push_str(&format!(
                    "  matched       {:>5}  {}: {}\n",
                    s.line,
                    s.heading,
                    ids.join(", ")
                ));
            }
            listed.insert(s.heading.as_str());
        }
        for (section, id) in ops.iter().filter(|(section, _)| !listed.contains(section)) {
            out.push_str(&format!(
                "  not a heading         {id}: section `{section}` is not an endpoint heading on this page\n"
            ));
        }
    }
    for (page, ops) in &by_page {
        if crate::docs_check::operations::is_project_note(page) {
            continue;
        }
        for (section, id) in ops {
            out.push_str(&format!(
                "{}: page not found: {id} (section `{section}`)\n",
                file_for(page)
            ));
        }
    }
    out.push_str(&format!(
        "\n{matched} of {headings} endpoint headings have an operation\n\n"
    ));
    let (overview, ok) = overview(docs, spec);
    out.push_str(&overview);
    (out, ok)
}

fn overview(docs: &DocSet, spec: &SpecIndex) -> (String, bool) {
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
