//! Rustdoc text. Every public generated item says what it is, its limits and
//! where the fact came from.

use crate::ir::{Field, Group, Limits, Operation, Param, TextLimits, Ty};

/// Doc of a struct field.
pub(super) fn field(f: &Field) -> String {
    with_limits(&f.description, &limits(&f.limits, &f.ty, None), &f.errata)
}

/// Doc of a parameter or body argument.
pub(super) fn param(p: &Param) -> String {
    let mut text = with_limits(
        &p.description,
        &limits(&p.limits, &p.ty, p.list_max),
        &p.errata,
    );
    if let Some(default) = &p.default {
        text.push_str(&format!("\n\nServer default: `{default}`."));
    }
    text
}

fn with_limits(description: &str, limits: &[String], errata: &[String]) -> String {
    let mut text = description.trim().to_string();
    if !limits.is_empty() {
        text.push_str(&format!(
            "\n\nChecked before sending: {}.",
            limits.join("; ")
        ));
    }
    if !errata.is_empty() {
        text.push_str(&format!("\n\nSee errata {}.", links(errata)));
    }
    text
}

/// Errata ids as links into the `errata` page.
fn links(errata: &[String]) -> String {
    let links: Vec<String> = errata
        .iter()
        .map(|id| super::guide::erratum_link(id))
        .collect();
    links.join(", ")
}

/// Human-readable limits, e.g. `at most 128 characters`.
pub(super) fn limits(l: &Limits, ty: &Ty, list_max: Option<u32>) -> Vec<String> {
    let items = if matches!(ty, Ty::Map(_)) {
        "entries"
    } else {
        "items"
    };
    let mut out = Vec::new();
    if let Some(max) = list_max {
        out.push(format!("1 to {max} values, sent comma-separated"));
    }
    if let Some(min) = l.min_length {
        out.push(format!("at least {min} characters"));
    }
    if let Some(max) = l.max_length {
        out.push(format!("at most {max} characters"));
    }
    match (l.minimum, l.maximum) {
        (Some(min), Some(max)) => out.push(format!("between {min} and {max}")),
        (Some(min), None) => out.push(format!("at least {min}")),
        (None, Some(max)) => out.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(min) = l.min_items {
        out.push(format!("at least {min} {items}"));
    }
    if let Some(max) = l.max_items {
        out.push(format!("at most {max} {items}"));
    }
    if let Some(values) = &l.enumeration {
        let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        out.push(format!("one of {}", quoted.join(", ")));
    }
    if let Some(max) = l.max_bytes {
        out.push(format!("at most {max} bytes"));
    }
    for (what, text) in [("each key", &l.keys), ("each value", &l.values)] {
        if let Some(text) = text {
            out.push(format!("{what} {}", text_rule(text)));
        }
    }
    out
}

/// E.g. `at most 128 characters, only ASCII letters, digits and `_-.``.
fn text_rule(l: &TextLimits) -> String {
    let mut parts = Vec::new();
    if let Some(max) = l.max_length {
        parts.push(format!("at most {max} characters"));
    }
    if let Some(max) = l.max_bytes {
        parts.push(format!("at most {max} bytes"));
    }
    if let Some(extra) = &l.extra_chars {
        parts.push(format!("only ASCII letters, digits and `{extra}`"));
    }
    parts.join(", ")
}

/// Limits that come from the type itself.
pub(super) fn type_rule(ty: &Ty) -> Option<&'static str> {
    match ty {
        Ty::Username => Some("must follow the username rule"),
        Ty::Array(inner) if **inner == Ty::Username => {
            Some("each item must follow the username rule")
        }
        _ => None,
    }
}

/// Doc of a group's namespace: what it covers, then every operation with
/// its summary.
pub(super) fn namespace(group: &Group) -> String {
    let mut text = format!(
        "{}: {}\n\nReached with [`Client::{}`](crate::Client::{}).\n\n| Method | What it does |\n|---|---|",
        group.title,
        group.description.trim(),
        group.name,
        group.name
    );
    for op in &group.operations {
        let summary = op.summary.trim().replace('|', "\\|");
        text.push_str(&format!(
            "\n| [`{}`](Self::{}) | {summary} |",
            op.name, op.name
        ));
    }
    text
}

/// Doc of the client method of an operation.
pub(super) fn method(op: &Operation) -> String {
    let mut text = format!("{}\n\n{}\n", op.summary.trim(), op.description.trim());
    text.push_str(&format!("\n- HTTP: `{} {}`", op.method.as_str(), op.path));
    match &op.rate_limit {
        Some(rl) => {
            text.push_str(&format!("\n- Rate limit: {} per app key", rl.display()));
            for note in &rl.notes {
                text.push_str(&format!("; {note}"));
            }
        }
        None => text.push_str("\n- Rate limit: not documented"),
    }
    text.push_str(if op.idempotent {
        "\n- Idempotent: yes, safe to repeat"
    } else {
        "\n- Idempotent: no, a repeat may act twice"
    });
    let mut checks = Vec::new();
    let args = op.params().map(|p| {
        (
            p.wire_name.as_str(),
            &p.ty,
            limits(&p.limits, &p.ty, p.list_max),
        )
    });
    let body = op
        .body
        .iter()
        .flat_map(|b| &b.fields)
        .map(|f| (f.wire_name.as_str(), &f.ty, limits(&f.limits, &f.ty, None)));
    for (name, ty, mut l) in args.chain(body) {
        l.extend(type_rule(ty).map(String::from));
        if !l.is_empty() {
            checks.push(format!("`{name}`: {}", l.join(", ")));
        }
    }
    if !checks.is_empty() {
        text.push_str(&format!(
            "\n- Checked before sending: {}",
            checks.join("; ")
        ));
    }
    text.push_str(&format!(
        "\n- Source: `{}`, section \"{}\"",
        op.source.page, op.source.section
    ));
    if !op.errata.is_empty() {
        // Links only: the `errata` page has the quotes, the problems and the
        // choices; repeating them in every method's docs made up a quarter
        // of the generated code.
        text.push_str(&format!("\n- Doc errata: {}", links(&op.errata)));
    }
    text
}

/// Spec prose may mention `array<string>` without backticks; rustdoc would
/// read that as an HTML tag. Angle brackets outside code spans are escaped.
///
/// Square brackets in prose (`[1,20]`, `entities[0]`) would be read as
/// intra-doc links and are escaped too; the generator's own links all have
/// the form ``[`name`](path)`` or ``[`path`]``, so a bracket next to a
/// backtick is kept.
fn escape_html(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).map(|p| chars[p]);
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '[' if !in_code && next != Some('`') => out.push_str("\\["),
            ']' if !in_code && prev != Some('`') => out.push_str("\\]"),
            _ => out.push(c),
        }
    }
    out
}

/// `#[doc]` attributes, one per line, so that the output reads as `///`
/// comments rather than a block comment.
pub(super) fn attrs(text: &str) -> proc_macro2::TokenStream {
    let lines = doc_lines(text).map(|line| quote::quote!(#[doc = #line]));
    quote::quote!(#(#lines)*)
}

/// A doc text as a Markdown page of its own, escaped like doc comments,
/// with the do-not-edit header after its summary line.
pub(super) fn markdown(text: &str) -> String {
    let mut out: String = doc_lines(text)
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_string() + "\n")
        .collect();
    // After the first paragraph: rustdoc takes that as the page's summary.
    let at = out.find("\n\n").map_or(out.len(), |end| end + 2);
    out.insert_str(at, super::MARKDOWN_HEADER);
    out
}

/// The lines of a doc text, each with its leading space: prose escaped,
/// fenced blocks (a quote of the docs) kept as written.
fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut fenced = false;
    text.trim_end().lines().map(move |line| {
        let fence = line.trim_start().starts_with("```");
        let out = if line.is_empty() {
            String::new()
        } else if fenced || fence {
            format!(" {line}")
        } else {
            format!(" {}", escape_html(line))
        };
        if fence {
            fenced = !fenced;
        }
        out
    })
}

/// The same as inner attributes (`//!`), for module docs.
pub(super) fn inner_attrs(text: &str) -> proc_macro2::TokenStream {
    let lines = doc_lines(text).map(|line| quote::quote!(#![doc = #line]));
    quote::quote!(#(#lines)*)
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_angle_brackets_outside_code() {
        assert_eq!(
            escape_html("a array<b> `array<c>` d>"),
            "a array&lt;b&gt; `array<c>` d&gt;"
        );
        assert_eq!(escape_html("range [1,20] `[x]`"), "range \\[1,20\\] `[x]`");
        assert_eq!(
            escape_html("see [`send`](Self::send)"),
            "see [`send`](Self::send)"
        );
    }
}
