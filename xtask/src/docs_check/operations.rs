//! Operations against their doc sources (method, path, rate limit, tables,
//! examples):
//! the `source` and every `other_sources` entry on a page DIR holds; and the
//! endpoints of every page against the operations.

use std::collections::BTreeSet;

use agora_chat_generator::spec::model::{Operation, RateLimit, Source};

use super::{Finding, Kind, examples, fields};
use crate::docs::request::{path_key, rate_text};
use crate::docs::{DocSet, Page, Rate, Section, file_for};
use crate::spec_index::{Located, SpecIndex};

pub fn check(docs: &DocSet, spec: &SpecIndex, out: &mut Vec<Finding>) {
    for op in &spec.operations {
        let source = &op.item.source;
        if !is_project_note(&source.page) && docs.holds(&source.page) {
            compare(docs, spec, op, source, true, out);
        }
        for other in other_sources(op) {
            if docs.holds(&other.page) {
                compare(docs, spec, op, other, false, out);
            }
        }
        rate_source(docs, op, out);
    }
    missing_from_spec(docs, spec, out);
}

/// Sources under `notes/` are the project's own notes (for example the
/// AccessToken2 algorithm and the token exchange, which Agora's pages do not
/// document as an endpoint), not Agora pages: there is nothing to compare.
pub fn is_project_note(page: &str) -> bool {
    page.starts_with("notes/")
}

/// An operation's `other_sources`, each once and without its `source`.
pub fn other_sources(op: &Located<Operation>) -> Vec<&Source> {
    let mut seen: Vec<&Source> = vec![&op.item.source];
    let mut out = Vec::new();
    for other in &op.item.other_sources {
        if !seen.contains(&other) {
            seen.push(other);
            out.push(other);
        }
    }
    out
}

/// One doc source of an operation against it. `primary`: the operation's
/// `source`, the page the spec was written from; only there does a rate
/// limit the page does not state count as a difference, since other pages
/// often leave limits out.
fn compare(
    docs: &DocSet,
    spec: &SpecIndex,
    op: &Located<Operation>,
    source: &Source,
    primary: bool,
    out: &mut Vec<Finding>,
) {
    let Some(page) = docs.page(&source.page) else {
        out.push(
            Finding {
                file: file_for(&source.page),
                line: 0,
                section: source.section.clone(),
                operation: None,
                kind: Kind::NotInDocs,
                difference: format!("doc page `{}` not found", source.page),
                explained_by: None,
                page: source.page.clone(),
                evidence: Vec::new(),
                quoted_in: None,
            }
            .op(op),
        );
        return;
    };
    let sections: Vec<&Section> = page
        .sections
        .iter()
        .filter(|s| s.heading == source.section)
        .collect();
    let Some(first) = sections.first() else {
        out.push(
            Finding::at(
                page,
                &source.section,
                0,
                Kind::NotInDocs,
                format!("section `{}` is not a heading on the page", source.section),
            )
            .op(op),
        );
        return;
    };
    let method = op.item.method.as_str();
    let key = path_key(&op.item.path);
    let same = |s: &&&Section| {
        s.requests
            .iter()
            .any(|r| r.method.as_deref() == Some(method) && r.key() == key)
    };
    // A page may repeat a heading; the copy with this request is the source.
    let Some(section) = sections
        .iter()
        .find(same)
        .or_else(|| sections.iter().find(|s| !s.requests.is_empty()))
    else {
        out.push(
            Finding::at(
                page,
                &first.heading,
                first.line,
                Kind::NotInDocs,
                format!(
                    "section has no request line; spec: {method} {}",
                    op.item.path
                ),
            )
            .op(op)
            .evidence([first.heading.clone()]),
        );
        return;
    };
    method_and_path(page, section, op, out);
    if primary {
        primary_rate(page, section, op, out);
    } else if op.item.rate_limit.as_ref().and_then(|r| r.source.as_ref()) != Some(source) {
        other_rate(page, section, op, out);
    }
    fields::check(page, section, op, spec, out);
    examples::check(page, section, op, out);
}

fn method_and_path(
    page: &Page,
    section: &Section,
    op: &Located<Operation>,
    out: &mut Vec<Finding>,
) {
    let method = op.item.method.as_str();
    let key = path_key(&op.item.path);
    let requests = &section.requests;
    if requests
        .iter()
        .any(|r| r.method.as_deref() == Some(method) && r.key() == key)
    {
        return;
    }
    let by_path = requests.iter().find(|r| r.key() == key);
    let by_method = requests
        .iter()
        .find(|r| r.method.as_deref() == Some(method));
    let (method_diff, path_diff) = match (by_path, by_method) {
        (Some(r), _) => (Some(r), None),
        (None, Some(r)) => (None, Some(r)),
        (None, None) => (requests.first(), requests.first()),
    };
    if let Some(r) = method_diff {
        let docs_method = r.method.as_deref().unwrap_or("no method");
        out.push(
            Finding::at(
                page,
                &section.heading,
                r.line,
                Kind::Method,
                format!("docs {docs_method}, spec {method}"),
            )
            .op(op)
            .evidence([r.text.clone()]),
        );
    }
    if let Some(r) = path_diff {
        out.push(
            Finding::at(
                page,
                &section.heading,
                r.line,
                Kind::Path,
                format!("docs {}, spec {}", r.path, op.item.path),
            )
            .op(op)
            .evidence([r.url.clone()]),
        );
    }
}

/// The rate limit of the operation's own source.
fn primary_rate(page: &Page, section: &Section, op: &Located<Operation>, out: &mut Vec<Finding>) {
    let spec_rate = op.item.rate_limit.as_ref();
    let elsewhere = spec_rate
        .and_then(|r| r.source.as_ref())
        .filter(|s| **s != op.item.source);
    match (&section.rate, spec_rate) {
        (Some(doc), Some(spec)) if !same_rate(doc, spec) => {
            out.push(rate_finding(page, section, doc, Some(spec), op));
        }
        (Some(doc), None) => out.push(rate_finding(page, section, doc, None, op)),
        (None, Some(spec)) if elsewhere.is_none() => {
            let spec = rate_text(spec.count, spec.per);
            let finding = |difference| {
                Finding::at(
                    page,
                    &section.heading,
                    section.line,
                    Kind::RateLimit,
                    difference,
                )
                .op(op)
            };
            out.push(match &section.unread_rate {
                // What the page states is reported unreadable as well; the
                // erratum explaining that explains this.
                Some(text) => finding(format!(
                    "docs state a limit this check cannot read, spec {spec}"
                ))
                .evidence([text.clone()]),
                None => finding(format!("docs state none, spec {spec}")),
            });
        }
        _ => {}
    }
}

/// The rate limit another source states, when it states one.
fn other_rate(page: &Page, section: &Section, op: &Located<Operation>, out: &mut Vec<Finding>) {
    let spec_rate = op.item.rate_limit.as_ref();
    if let Some(doc) = &section.rate
        && spec_rate.is_none_or(|spec| !same_rate(doc, spec))
    {
        out.push(rate_finding(page, section, doc, spec_rate, op));
    }
}

/// A rate limit read from another detail section (`rate_limit.source`) is
/// checked there; overview sources are checked with the overview rows.
fn rate_source(docs: &DocSet, op: &Located<Operation>, out: &mut Vec<Finding>) {
    let Some(spec) = op.item.rate_limit.as_ref() else {
        return;
    };
    let Some(source) = spec.source.as_ref().filter(|s| **s != op.item.source) else {
        return;
    };
    let Some(other) = docs.page(&source.page).filter(|p| p.overview.is_empty()) else {
        return;
    };
    match other.sections.iter().find(|s| s.heading == source.section) {
        Some(s) => match &s.rate {
            Some(doc) if !same_rate(doc, spec) => {
                out.push(rate_finding(other, s, doc, Some(spec), op))
            }
            Some(_) => {}
            None => out.push(
                Finding::at(
                    other,
                    &s.heading,
                    s.line,
                    Kind::RateLimit,
                    format!(
                        "the spec's rate limit cites this section, which states none; spec {}",
                        rate_text(spec.count, spec.per)
                    ),
                )
                .op(op),
            ),
        },
        None => out.push(
            Finding::at(
                other,
                &source.section,
                0,
                Kind::RateLimit,
                format!(
                    "the spec's rate limit cites section `{}`, not on the page",
                    source.section
                ),
            )
            .op(op),
        ),
    }
}

fn same_rate(doc: &Rate, spec: &RateLimit) -> bool {
    doc.count == spec.count && doc.per == spec.per
}

fn rate_finding(
    page: &Page,
    section: &Section,
    doc: &Rate,
    spec: Option<&RateLimit>,
    op: &Located<Operation>,
) -> Finding {
    let spec = spec.map_or_else(|| "none".to_string(), |s| rate_text(s.count, s.per));
    Finding::at(
        page,
        &section.heading,
        doc.line,
        Kind::RateLimit,
        format!("docs {}, spec {spec}", rate_text(doc.count, doc.per)),
    )
    .op(op)
    .evidence([doc.text.clone()])
}

/// Endpoints no operation describes. A section that is some operation's
/// source or other source is covered even if its request differs (that
/// difference is reported against the operation); elsewhere, an endpoint is
/// covered by any operation with the same method and path, since several
/// pages may show the same endpoint.
fn missing_from_spec(docs: &DocSet, spec: &SpecIndex, out: &mut Vec<Finding>) {
    let sources: BTreeSet<(&str, &str)> = spec
        .operations
        .iter()
        .flat_map(|op| std::iter::once(&op.item.source).chain(&op.item.other_sources))
        .map(|s| (s.page.as_str(), s.section.as_str()))
        .collect();
    let endpoints: BTreeSet<(&str, String)> = spec
        .operations
        .iter()
        .map(|op| (op.item.method.as_str(), path_key(&op.item.path)))
        .collect();
    for page in &docs.pages {
        for section in &page.sections {
            if sources.contains(&(page.id.as_str(), section.heading.as_str())) {
                continue;
            }
            let mut seen = BTreeSet::new();
            for r in &section.requests {
                let key = r.key();
                if !seen.insert((r.method.clone(), key.clone())) {
                    continue;
                }
                let covered = endpoints
                    .iter()
                    .any(|(m, k)| *k == key && r.method.as_deref().is_none_or(|rm| rm == *m));
                if !covered {
                    let method = r.method.as_deref().unwrap_or("(no method)");
                    out.push(
                        Finding::at(
                            page,
                            &section.heading,
                            r.line,
                            Kind::MissingFromSpec,
                            format!("{method} {}", r.path),
                        )
                        .evidence([r.url.clone()]),
                    );
                }
            }
        }
    }
}
