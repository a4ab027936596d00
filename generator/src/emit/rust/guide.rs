//! The crate's reference pages that are not items: the index of namespaces
//! and operations, the table from Agora's doc sections to Rust methods, and
//! the errata register. Each is a Markdown file that the generated root
//! module includes as the docs of an empty module, so rustdoc gives it a
//! page of its own and method docs can link into it; being prose, not code,
//! it is not Rust source.

use std::collections::BTreeMap;

use super::{docs, names};
use crate::ir::{Group, Ir, Operation};

/// The rustdoc path of an operation's method, e.g. `crate::users::Users::get`.
fn method_path(group: &Group, op: &Operation) -> String {
    format!(
        "crate::{}::{}::{}",
        group.name,
        names::namespace(group),
        op.name
    )
}

/// How a caller writes the call, linked: ``[`client.users().get(..)`](..)``.
fn call_link(group: &Group, op: &Operation) -> String {
    format!(
        "[`client.{}().{}(..)`]({})",
        group.name,
        op.name,
        method_path(group, op)
    )
}

/// A table cell: a `|` would end it.
fn cell(text: &str) -> String {
    text.trim().replace('|', "\\|")
}

/// `crate::index`: every namespace with its operations.
pub(super) fn index(ir: &Ir) -> String {
    let count = ir.operations().count();
    let mut text = format!(
        "Every namespace of the client and its operations.\n\n\
         The client has one namespace per group of the API, reached with a method \
         of [`Client`](crate::Client) named like the group. Its methods are the \
         group's operations: `client.users().get(\"alice\")`, \
         `client.chatrooms().create(..)`. {count} operations in {} namespaces.\n\n\
         | Namespace | Operations | What it covers |\n|---|---|---|",
        ir.groups.len()
    );
    for group in &ir.groups {
        text.push_str(&format!(
            "\n| [`client.{g}()`](crate::{g}::{ns}) | {} | {} |",
            group.operations.len(),
            cell(&group.title),
            g = group.name,
            ns = names::namespace(group),
        ));
    }
    for group in &ir.groups {
        text.push_str(&format!(
            "\n\n# {}\n\n{}\n\n| Call | HTTP | What it does |\n|---|---|---|",
            group.title,
            group.description.trim()
        ));
        for op in &group.operations {
            text.push_str(&format!(
                "\n| {} | `{} {}` | {} |",
                call_link(group, op),
                op.method.as_str(),
                op.path,
                cell(&op.summary)
            ));
        }
    }
    docs::markdown(&text)
}

/// `crate::rest_docs`: from a section of Agora's pages to the method.
pub(super) fn rest_docs(ir: &Ir) -> String {
    let mut by_page: BTreeMap<&str, Vec<(&Group, &Operation)>> = BTreeMap::new();
    for (group, op) in ir.operations() {
        by_page
            .entry(&op.source.page)
            .or_default()
            .push((group, op));
    }
    let mut text = String::from(
        "Migrating from the REST docs: the Rust call for each section of Agora's \
         pages.\n\n\
         Agora documents each endpoint as a section of a page (a curl request, a \
         request table, a response example). Find the page and the section below; \
         the call takes the path and required body fields as arguments, the \
         optional ones as builder methods, and `.await` gives the decoded payload. \
         Where the client differs from the page, the method's docs name the \
         [`errata`](crate::errata).",
    );
    for (page, ops) in by_page {
        text.push_str(&format!(
            "\n\n# `{page}`\n\n| Section | HTTP | Rust |\n|---|---|---|"
        ));
        let mut ops = ops;
        ops.sort_by(|a, b| a.1.source.section.cmp(&b.1.source.section));
        for (group, op) in ops {
            text.push_str(&format!(
                "\n| {} | `{} {}` | {} |",
                cell(&op.source.section),
                op.method.as_str(),
                op.path,
                call_link(group, op)
            ));
        }
    }
    docs::markdown(&text)
}

/// The rustdoc link of an erratum, e.g. ``[`E041`](crate::errata#e041)``.
pub(super) fn erratum_link(id: &str) -> String {
    format!("[`{id}`](crate::errata#{})", id.to_ascii_lowercase())
}

/// At most this many operations are named under an erratum.
const LISTED_CALLS: usize = 6;

/// `crate::errata`: every erratum, with an anchor per id.
pub(super) fn errata(ir: &Ir) -> String {
    let mut users: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (group, op) in ir.operations() {
        for id in &op.errata {
            users
                .entry(id.as_str())
                .or_default()
                .push(call_link(group, op));
        }
    }
    let mut text = String::from(
        "Where Agora's pages disagree with each other or with the server, and \
         what this crate does about it.\n\n\
         Each entry quotes the pages, says what is wrong and what the client does \
         instead. Method and field docs link here by id.",
    );
    for erratum in &ir.errata {
        text.push_str(&format!("\n\n# {}\n", erratum.id));
        let pages: Vec<String> = erratum
            .sources
            .iter()
            .map(|s| format!("`{}`, section \"{}\"", s.page, s.section))
            .collect();
        text.push_str(&format!("\nPages: {}.\n", pages.join("; ")));
        if !erratum.quotes.is_empty() {
            text.push_str("\nThe docs say:\n");
            for quote in &erratum.quotes {
                text.push_str(&format!("\n```text\n{}\n```\n", quote.trim_end()));
            }
        }
        text.push_str(&format!(
            "\nProblem: {}\n\nChoice: {}\n",
            erratum.problem.trim(),
            erratum.choice.trim()
        ));
        match users.get(erratum.id.as_str()) {
            Some(calls) if calls.len() <= LISTED_CALLS => {
                text.push_str(&format!("\nConcerns {}.\n", calls.join(", ")));
            }
            // A page-wide problem (the scheme of every curl example): the
            // list would repeat the index.
            Some(calls) => text.push_str(&format!(
                "\nConcerns {} operations, among them {}.\n",
                calls.len(),
                calls[..LISTED_CALLS].join(", ")
            )),
            None => {}
        }
    }
    docs::markdown(&text)
}
