//! How errata explain differences, and when an erratum is stale.
//!
//! Explaining: an erratum explains a difference when one of its `sources`
//! is the difference's page and section and one of its `quote`s contains the
//! doc text the difference is about (both compared after
//! [`normalize`]): the request line (method), the URL as written (path,
//! missing endpoint), the rate-limit sentence or overview row (rate limit),
//! the overview row's Name/Method/Request cells (overview method), the
//! Request cell (overview path), the row's name and type cells (field added,
//! type, required flag), the field name as a JSON key `"name"` or in
//! backticks (field the table lacks), the heading (section without a request
//! line), or the unreadable line; for a doc example the spec does not hold,
//! a quote that is a part of the example (the piece the spec fixed). An
//! overview row without an operation is explained only by an erratum
//! listing it in `overview_rows`.
//!
//! Staleness: errata quote the docs exactly, so an erratum is stale when a
//! quote is on none of its source pages (checked when DIR holds them all:
//! the text it was about changed), or when an `overview_rows` entry names a row that is
//! on no overview page or that an operation now implements.

use std::collections::BTreeMap;

use super::{Finding, Kind};
use crate::docs::DocSet;
use crate::docs::text::normalize;
use crate::spec_index::SpecIndex;

pub fn explain(spec: &SpecIndex, findings: &mut [Finding]) {
    let quotes: Vec<Vec<String>> = spec
        .errata
        .iter()
        .map(|e| e.item.quote.iter().map(|q| normalize(q)).collect())
        .collect();
    for f in findings.iter_mut().filter(|f| f.explained_by.is_none()) {
        let evidence: Vec<String> = f
            .evidence
            .iter()
            .map(|e| normalize(e))
            .filter(|e| !e.is_empty())
            .collect();
        let quoted_in = f.quoted_in.as_deref().map(normalize);
        if evidence.is_empty() && quoted_in.is_none() {
            continue;
        }
        let explains = |q: &String| {
            evidence.iter().any(|ev| q.contains(ev.as_str()))
                || quoted_in
                    .as_ref()
                    .is_some_and(|text| is_substantial(q) && text.contains(q.as_str()))
        };
        let explaining = spec.errata.iter().zip(&quotes).find(|(e, quotes)| {
            e.item
                .sources
                .iter()
                .any(|s| s.page == f.page && s.section == f.section)
                && quotes.iter().any(explains)
        });
        f.explained_by = explaining.map(|(e, _)| e.item.id.value.clone());
    }
}

/// A quote with a few letters or digits: a quoted `}` is part of every
/// example and explains none.
fn is_substantial(quote: &str) -> bool {
    quote.chars().filter(|c| c.is_alphanumeric()).count() >= 3
}

pub fn stale(docs: &DocSet, spec: &SpecIndex) -> Vec<Finding> {
    let texts: BTreeMap<&str, String> = docs
        .pages
        .iter()
        .map(|p| (p.id.as_str(), normalize(&p.text)))
        .collect();
    let rows: Vec<&str> = docs
        .pages
        .iter()
        .flat_map(|p| p.overview.iter().map(|r| r.name.as_str()))
        .collect();
    let mut out = Vec::new();
    for e in &spec.errata {
        let id = &e.item.id.value;
        let finding = |difference: String| Finding {
            file: e.file.clone(),
            line: usize::try_from(e.line).unwrap_or(0),
            section: String::new(),
            operation: None,
            kind: Kind::StaleErratum,
            difference: format!("{id}: {difference}"),
            explained_by: None,
            page: String::new(),
            evidence: Vec::new(),
            quoted_in: None,
        };
        let mut pages: Vec<&str> = e.item.sources.iter().map(|s| s.page.as_str()).collect();
        pages.sort_unstable();
        pages.dedup();
        // A quote may come from any source page: only when DIR holds them
        // all does a quote found on none of them mean the text is gone.
        if pages.iter().all(|p| texts.contains_key(p)) {
            for quote in &e.item.quote {
                let q = normalize(quote);
                if !q.is_empty() && !pages.iter().any(|p| texts[p].contains(&q)) {
                    out.push(finding(format!(
                        "quote no longer on {}: \"{}\"",
                        pages.join(", "),
                        shorten(quote)
                    )));
                }
            }
        }
        for row in &e.item.overview_rows {
            if !rows.is_empty() && !rows.contains(&row.as_str()) {
                out.push(finding(format!(
                    "overview row `{row}` is on no overview page"
                )));
            }
            if let Some(op) = spec
                .operations
                .iter()
                .find(|op| op.item.overview_rows.contains(row))
            {
                out.push(finding(format!(
                    "overview row `{row}` is now implemented by `{}`",
                    op.item.id.value
                )));
            }
        }
    }
    out
}

/// The first 80 characters of a quote, for a readable report.
fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None if line.len() < text.trim_end().len() => format!("{line}…"),
        None => line.to_string(),
    }
}
