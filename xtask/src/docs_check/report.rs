//! The docs-check report: an aligned table for people, JSON for scripts.
//! Both show the same rows: the unexplained differences, or every
//! difference with `--all`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Finding, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    rows: Vec<&'a Finding>,
    unexplained: usize,
    explained: usize,
}

/// Renders the report.
pub fn render(findings: &[Finding], all: bool, format: Format) -> String {
    let rows: Vec<&Finding> = findings
        .iter()
        .filter(|f| all || f.explained_by.is_none())
        .collect();
    let unexplained = findings.iter().filter(|f| f.explained_by.is_none()).count();
    let explained = findings.len() - unexplained;
    match format {
        Format::Json => {
            let report = JsonReport {
                rows,
                unexplained,
                explained,
            };
            // Plain data: serializing it cannot fail.
            serde_json::to_string_pretty(&report).unwrap_or_default()
        }
        Format::Text => text(findings, &rows, unexplained, explained, all),
    }
}

fn text(
    findings: &[Finding],
    rows: &[&Finding],
    unexplained: usize,
    explained: usize,
    all: bool,
) -> String {
    let location = |f: &Finding| match f.line {
        0 => f.file.clone(),
        n => format!("{}:{n}", f.file),
    };
    let operation = |f: &Finding| f.operation.clone().unwrap_or_else(|| "-".into());
    let width = |title: &str, cell: &dyn Fn(&Finding) -> String| {
        rows.iter()
            .map(|f| cell(f).chars().count())
            .chain([title.len()])
            .max()
            .unwrap_or_default()
    };
    let kind = |f: &Finding| f.kind.name().to_string();
    let (w_loc, w_op, w_kind) = (
        width("LOCATION", &location),
        width("OPERATION", &operation),
        width("KIND", &kind),
    );
    let mut out = String::new();
    if !rows.is_empty() {
        out.push_str(&format!(
            "{:w_loc$}  {:w_op$}  {:w_kind$}  DIFFERENCE\n",
            "LOCATION", "OPERATION", "KIND"
        ));
        for f in rows {
            let erratum = f
                .explained_by
                .as_ref()
                .map(|e| format!("  [explained by {e}]"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{:w_loc$}  {:w_op$}  {:w_kind$}  {}{erratum}\n",
                location(f),
                operation(f),
                kind(f),
                f.difference
            ));
        }
        out.push('\n');
    }
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.explained_by.is_none()) {
        *by_kind.entry(f.kind).or_default() += 1;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(k, n)| format!("{n} {}", k.name()))
        .collect();
    if unexplained == 0 {
        out.push_str("the pages and the spec agree");
    } else {
        out.push_str(&format!("{unexplained} unexplained ({})", kinds.join(", ")));
    }
    out.push_str(&format!("; {explained} explained by errata"));
    if !all && explained > 0 {
        out.push_str(" (--all lists them)");
    }
    out
}
