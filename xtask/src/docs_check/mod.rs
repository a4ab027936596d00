//! `cargo xtask docs-check DIR`: every difference between the doc pages in
//! DIR and the spec, each tied to a doc file and line and, where there is
//! one, the spec operation.
//!
//! What is compared:
//! - each operation against its doc source (`source.page` + `source.section`)
//!   and each of its `other_sources`, on the pages DIR holds: method, path,
//!   rate limit, the URL, path, query, header, request body and response
//!   tables where the section has them ([`operations`], [`fields`]), and its
//!   examples ([`examples`]);
//! - every endpoint of every page against the operations, so endpoints the
//!   spec lacks are listed ([`operations`]);
//! - every overview row against the operations naming it in
//!   `overview_rows` ([`overview`]);
//! - what a page parser could not read.
//!
//! Errata explain known differences and are checked for staleness
//! ([`errata`]).

mod errata;
mod examples;
mod fields;
pub(crate) mod operations;
mod overview;
pub mod report;

use serde::Serialize;

use crate::docs::{DocSet, Page};
use crate::spec_index::{Located, SpecIndex};
use agora_chat_generator::spec::model::Operation;

/// What kind of difference a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An endpoint on a page that no operation describes.
    MissingFromSpec,
    /// An operation whose doc source is gone or shows no request line.
    NotInDocs,
    Method,
    Path,
    RateLimit,
    /// A table row the spec does not have.
    FieldAdded,
    /// A spec field the page's table does not have.
    FieldRemoved,
    FieldType,
    FieldRequired,
    /// A doc example that is none of the operation's spec examples.
    Example,
    /// An overview row no operation names.
    OverviewRow,
    /// An operation naming an overview row that exists on no page.
    OverviewRowUnknown,
    /// Something a page parser could not read.
    Unparsed,
    /// An erratum whose quoted text or overview row is gone.
    StaleErratum,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::MissingFromSpec => "missing-from-spec",
            Kind::NotInDocs => "not-in-docs",
            Kind::Method => "method",
            Kind::Path => "path",
            Kind::RateLimit => "rate-limit",
            Kind::FieldAdded => "field-added",
            Kind::FieldRemoved => "field-removed",
            Kind::FieldType => "field-type",
            Kind::FieldRequired => "field-required",
            Kind::Example => "example",
            Kind::OverviewRow => "overview-row",
            Kind::OverviewRowUnknown => "overview-row-unknown",
            Kind::Unparsed => "unparsed",
            Kind::StaleErratum => "stale-erratum",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Doc file relative to DIR (for stale errata: the spec file).
    pub file: String,
    /// 1-based; 0 when the difference has no line (a missing page).
    pub line: usize,
    /// The page section it is in.
    pub section: String,
    /// The spec operation it concerns.
    pub operation: Option<String>,
    pub kind: Kind,
    /// What differs, docs side first.
    pub difference: String,
    /// The erratum that explains it.
    pub explained_by: Option<String>,
    /// The page id, for matching errata sources.
    #[serde(skip)]
    pub page: String,
    /// Doc text an erratum must quote (contain) to explain the difference;
    /// alternatives. Empty: no erratum can explain it, the spec must change.
    #[serde(skip)]
    pub evidence: Vec<String>,
    /// Doc text an erratum may quote a part of to explain the difference (a
    /// doc example, whose errata quote the broken piece).
    #[serde(skip)]
    pub quoted_in: Option<String>,
}

impl Finding {
    /// A finding on `page`, in `section`, at `line`.
    fn at(page: &Page, section: &str, line: usize, kind: Kind, difference: String) -> Finding {
        Finding {
            file: page.file.clone(),
            line,
            section: section.to_string(),
            operation: None,
            kind,
            difference,
            explained_by: None,
            page: page.id.clone(),
            evidence: Vec::new(),
            quoted_in: None,
        }
    }

    fn op(mut self, op: &Located<Operation>) -> Finding {
        self.operation = Some(op.item.id.value.clone());
        self
    }

    fn evidence<S: Into<String>>(mut self, texts: impl IntoIterator<Item = S>) -> Finding {
        self.evidence = texts.into_iter().map(Into::into).collect();
        self
    }
}

/// Compares `docs` with `spec`; findings sorted by file and line.
pub fn check(docs: &DocSet, spec: &SpecIndex) -> Vec<Finding> {
    let mut findings = Vec::new();
    operations::check(docs, spec, &mut findings);
    overview::check(docs, spec, &mut findings);
    for page in &docs.pages {
        for p in &page.problems {
            findings.push(
                Finding::at(page, &p.section, p.line, Kind::Unparsed, p.message.clone())
                    .evidence([p.text.clone()]),
            );
        }
    }
    errata::explain(spec, &mut findings);
    findings.extend(errata::stale(docs, spec));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.kind, &a.operation, &a.difference).cmp(&(
            &b.file,
            b.line,
            b.kind,
            &b.operation,
            &b.difference,
        ))
    });
    findings
}
