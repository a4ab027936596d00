//! Text helpers shared by the page parsers and the checks: MDX variable
//! rendering, heading clean-up, and the normalization under which an
//! erratum's quote is compared with the doc text a difference is about.

/// The words Agora's MDX variables render to on the published pages, so that
/// `Creating a <Vg k="CHAT_ROOM"/>` reads `Creating a chat room` as the spec
/// names it. Unknown variables are left as written.
const VARIABLES: [(&str, &str); 8] = [
    ("CHAT", "Chat"),
    ("CHAT_ROOM", "chat room"),
    ("CHAT_ROOM_LOWER", "chat room"),
    ("CHAT_GROUP", "chat group"),
    ("CHAT_GROUP_LOWER", "chat group"),
    ("CHAT_ONE", "one-to-one chat"),
    ("CHAT_ONE_LOWER", "one-to-one chat"),
    ("COMPANY", "Agora"),
];

/// Replaces every `<Vg k="NAME"/>` (any spacing before `/>`) whose name is
/// known by its rendered word.
pub fn render_vars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<Vg k=\"") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "<Vg k=\"".len()..];
        let rendered = after.find('"').and_then(|q| {
            let name = &after[..q];
            let close = after[q + 1..].trim_start();
            let word = VARIABLES.iter().find(|(k, _)| *k == name)?.1;
            close
                .strip_prefix("/>")
                .map(|tail| (word, rest.len() - tail.len()))
        });
        match rendered {
            Some((word, end)) => {
                out.push_str(word);
                rest = &rest[end..];
            }
            None => {
                out.push_str("<Vg k=\"");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes HTML tags such as `<a name="param"></a>`; MDX components that
/// render to text (`<Vg/>`) must be rendered first.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for (i, c) in text.char_indices() {
        match c {
            // Only `<` followed by a letter or `/` opens a tag, so that text
            // like `a < b` survives.
            '<' if text[i + 1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/') => {
                in_tag = true;
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A heading as the spec's `source.section` names it: variables rendered,
/// anchors and link targets removed, spaces collapsed.
pub fn heading_text(raw: &str) -> String {
    collapse_spaces(&strip_links(&strip_tags(&render_vars(raw))))
}

/// `[text](target)` → `text`; brackets without a target stay.
pub fn strip_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let inner = &rest[open + 1..];
        let link = inner.find("](").and_then(|close| {
            let target = &inner[close + 2..];
            target.find(')').map(|end| (close, close + 2 + end + 1))
        });
        match link {
            Some((close, end)) if !inner[..close].contains('[') => {
                out.push_str(&rest[..open]);
                out.push_str(&inner[..close]);
                rest = &inner[end..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Runs of whitespace become one space; ends trimmed.
pub fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The form in which quotes and doc text are compared: variables rendered,
/// whitespace collapsed and exactly one space on each side of every `|`, so
/// that a quote copied from a padded markdown table still matches.
pub fn normalize(text: &str) -> String {
    let rendered = render_vars(text);
    let cells: Vec<String> = rendered.split('|').map(collapse_spaces).collect();
    cells.join(" | ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_known_variables_and_keeps_unknown_ones() {
        assert_eq!(
            render_vars(r#"Creating a <Vg k="CHAT_ROOM"/> in <Vg k="CHAT" />"#),
            "Creating a chat room in Chat"
        );
        assert_eq!(render_vars(r#"<Vg k="NEW"/> x"#), r#"<Vg k="NEW"/> x"#);
        assert_eq!(render_vars(r#"<Vg k="CHAT"#), r#"<Vg k="CHAT"#);
    }

    #[test]
    fn headings_lose_anchors() {
        assert_eq!(
            heading_text(r#"Listing <Vg k="CHAT_GROUP_LOWER"/>s  <a name="all"></a>"#),
            "Listing chat groups"
        );
        assert_eq!(strip_tags("a < b"), "a < b");
        assert_eq!(
            heading_text("[开放](a.html#x) 和 [授权](a.html#y)注册单个用户"),
            "开放 和 授权注册单个用户"
        );
        assert_eq!(strip_links("[x] and [y](z"), "[x] and [y](z");
    }

    #[test]
    fn normalization_ignores_table_padding() {
        assert_eq!(
            normalize("|`size`|   Int  | The size. |"),
            normalize("| `size` | Int | The size. |")
        );
        assert!(normalize("| `size` | Int | The size. |").contains(&normalize("| `size` | Int")));
    }
}
