//! Overview rows against the operations that name them in `overview_rows`.
//! Every page with `Name | Method | Request` tables is an overview page (the
//! rendered seed and the MDX source alike); rows are matched by their Name
//! cell, rendered. A row no operation names is explained only by an erratum
//! listing it in `overview_rows`.

use std::collections::BTreeSet;

use agora_chat_generator::spec::model::Source;

use super::{Finding, Kind};
use crate::docs::request::{path_key, rate_text};
use crate::docs::{DocSet, OverviewRow, Page};
use crate::spec_index::{Located, SpecIndex};
use agora_chat_generator::spec::model::Operation;

pub fn check(docs: &DocSet, spec: &SpecIndex, out: &mut Vec<Finding>) {
    let overview_pages: Vec<&Page> = docs
        .pages
        .iter()
        .filter(|p| !p.overview.is_empty())
        .collect();
    // Without an overview page there is nothing to hold the rows against.
    let Some(first_page) = overview_pages.first() else {
        return;
    };
    for page in &overview_pages {
        for row in &page.overview {
            let ops: Vec<&Located<Operation>> = spec
                .operations
                .iter()
                .filter(|op| op.item.overview_rows.contains(&row.name))
                .collect();
            if ops.is_empty() {
                let mut f = Finding::at(
                    page,
                    &row.section,
                    row.line,
                    Kind::OverviewRow,
                    format!(
                        "`{}` ({} {}) has no operation",
                        row.name, row.method, row.path
                    ),
                );
                f.explained_by = spec
                    .errata_for_row(&row.name)
                    .next()
                    .map(|e| e.item.id.value.clone());
                out.push(f);
            }
            for op in ops {
                compare(page, row, op, out);
            }
        }
    }
    let names: BTreeSet<&str> = overview_pages
        .iter()
        .flat_map(|p| p.overview.iter().map(|r| r.name.as_str()))
        .collect();
    for op in &spec.operations {
        for name in &op.item.overview_rows {
            if !names.contains(name.as_str()) {
                out.push(
                    Finding::at(
                        first_page,
                        "",
                        0,
                        Kind::OverviewRowUnknown,
                        format!("the operation names overview row `{name}`, which is on no overview page"),
                    )
                    .op(op),
                );
            }
        }
    }
}

fn compare(page: &Page, row: &OverviewRow, op: &Located<Operation>, out: &mut Vec<Finding>) {
    let o = &op.item;
    let finding = |kind, difference: String| {
        Finding::at(page, &row.section, row.line, kind, difference).op(op)
    };
    if row.method != o.method.as_str() {
        out.push(
            finding(
                Kind::Method,
                format!(
                    "`{}`: docs {}, spec {}",
                    row.name,
                    row.method,
                    o.method.as_str()
                ),
            )
            .evidence([row.method_text.clone()]),
        );
    }
    if path_key(&row.path) != path_key(&o.path) {
        out.push(
            finding(
                Kind::Path,
                format!("`{}`: docs {}, spec {}", row.name, row.path, o.path),
            )
            .evidence([row.request.clone(), row.request.replace('`', "")]),
        );
    }
    let spec_rate = o.rate_limit.as_ref();
    match (&row.rate, spec_rate) {
        (Some(doc), spec) if spec.is_none_or(|s| (s.count, s.per) != (doc.count, doc.per)) => {
            let spec = spec.map_or_else(|| "none".to_string(), |s| rate_text(s.count, s.per));
            out.push(
                finding(
                    Kind::RateLimit,
                    format!(
                        "`{}`: docs {}, spec {spec}",
                        row.name,
                        rate_text(doc.count, doc.per)
                    ),
                )
                .evidence([doc.text.clone()]),
            );
        }
        (None, Some(s)) => {
            let cited = Source {
                page: page.id.clone(),
                section: row.section.clone(),
            };
            if s.source.as_ref() == Some(&cited) {
                out.push(finding(
                    Kind::RateLimit,
                    format!(
                        "`{}`: the spec's rate limit cites this table, which states none; spec {}",
                        row.name,
                        rate_text(s.count, s.per)
                    ),
                ));
            }
        }
        _ => {}
    }
}
