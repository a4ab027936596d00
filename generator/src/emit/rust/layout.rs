//! Blank lines between items. prettyplease prints items back to back; the
//! generated files are read by people (in reviews, in "go to definition"),
//! so every item that follows another one at the same depth gets a blank
//! line before it, as rustfmt'd hand-written code has.

/// `text` with a blank line before each item (or its docs and attributes)
/// that follows the end of another item at the same indentation.
pub(super) fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(prev) = previous
            && indent(prev) == indent(line)
            && starts_item(line)
            && (closes_item(prev) || one_line_item(prev) && !one_line_item(line))
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The last line of an item written over several lines.
fn closes_item(line: &str) -> bool {
    matches!(line.trim(), "}" | "};" | ");" | ">;")
}

/// An item on one line (`pub mod a;`, `use b;`): a run of them stays
/// together, and a blank line ends it.
fn one_line_item(line: &str) -> bool {
    starts_item(line) && !line.trim_start().starts_with(['#', '/']) && line.ends_with(';')
}

/// The first line of an item, of its docs or of its attributes.
fn starts_item(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "fn ",
        "async fn ",
        "impl",
        "struct ",
        "enum ",
        "const ",
        "static ",
        "mod ",
        "use ",
        "type ",
        "trait ",
        "macro_rules!",
        "crate::",
    ];
    let t = line.trim_start();
    // A statement in a body may start with a path too; a macro item is a
    // path followed by `!(`.
    if t.starts_with("crate::") {
        return t.contains("!(");
    }
    STARTS.iter().any(|s| t.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn items_are_spaced_statements_are_not() {
        let text = "use a;\n/// S.\nstruct S;\nimpl S {\n    fn f() {\n        let x = 1;\n        if x > 0 {\n            g();\n        }\n        h();\n    }\n    /// G.\n    fn g() {}\n}\nfn h() {}\n";
        assert_eq!(
            space_items(text),
            "use a;\n\n/// S.\nstruct S;\n\nimpl S {\n    fn f() {\n        let x = 1;\n        if x > 0 {\n            g();\n        }\n        h();\n    }\n\n    /// G.\n    fn g() {}\n}\n\nfn h() {}\n"
        );
    }

    #[test]
    fn runs_of_one_line_items_stay_together() {
        let text = "pub mod a;\npub use a::*;\n/// B.\npub mod b;\n";
        assert_eq!(
            space_items(text),
            "pub mod a;\npub use a::*;\n\n/// B.\npub mod b;\n"
        );
    }

    #[test]
    fn fields_and_use_runs_stay_together() {
        let text = "pub struct S {\n    /// A.\n    pub a: i64,\n    /// B.\n    pub b: i64,\n}\n";
        assert_eq!(space_items(text), text);
    }
}
