//! Markdown pipe tables: cells, separators, and the columns of a
//! parameter/field table.

use super::text::{collapse_spaces, render_vars, strip_tags};

/// The cells of a pipe row: split on `|` not escaped as `\|`, the empty
/// cells outside the outer pipes dropped, each trimmed.
pub fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    if line.starts_with('|') {
        cells.remove(0);
    }
    if line.ends_with('|') && !line.ends_with("\\|") {
        cells.pop();
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

/// `| :--- | --- |`.
pub fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// Where the columns of a field table are.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub ty: usize,
    pub required: Option<usize>,
}

/// The columns of a field table, when the header has a Type column (`Type`,
/// or `类型` / `数据类型` on the Chinese pages) after the name column.
/// Required columns are headed `Required`, `Is it required?`, `是否必需`,
/// `是否必填` or `是否必须`.
pub fn field_columns(header: &[String]) -> Option<Columns> {
    let header: Vec<String> = header.iter().map(|h| clean_name(h)).collect();
    let ty = header
        .iter()
        .position(|h| h.eq_ignore_ascii_case("type") || h == "类型" || h == "数据类型")
        .filter(|&i| i > 0)?;
    let required = header.iter().position(|h| {
        h.to_ascii_lowercase().contains("required")
            || ["必需", "必填", "必须"].iter().any(|w| h.contains(w))
    });
    Some(Columns { ty, required })
}

/// A name cell without markup: `` `msg.type` `` → `msg.type`.
pub fn clean_name(cell: &str) -> String {
    let text = strip_tags(&render_vars(cell)).replace("\\_", "_");
    collapse_spaces(&text.replace(['`', '*'], ""))
}

/// `Yes` / `No` / `Required` / `Optional` (any case, markup and final
/// period ignored), `是` / `否`. A cell that makes the value required only
/// under a condition ("mandatory if you set ...") reads as not required:
/// the spec's flag means always, and the condition goes in the description.
pub fn yes_no(cell: &str) -> Option<bool> {
    let word = clean_name(cell);
    let word = word.trim_end_matches(['.', '。']);
    let is = |words: [&str; 2]| words.iter().any(|w| word.eq_ignore_ascii_case(w));
    let lower = word.to_ascii_lowercase();
    let conditional = ["mandatory", "required"].iter().any(|w| lower.contains(w))
        && [" if ", " when "].iter().any(|w| lower.contains(w));
    if is(["yes", "required"]) || word == "是" {
        Some(true)
    } else if is(["no", "optional"]) || word == "否" || conditional {
        Some(false)
    } else {
        None
    }
}

/// The full name of a row whose name cell is written `- name`, as the
/// Chinese pages mark the fields of the row above (`entities`, then
/// `- uuid`): `entities.uuid`. `parent` is the name of the last row without
/// a dash; a dashed name that already starts with it (`- entities.id`) is
/// complete. `None` when the name has no dash.
pub fn dashed_name(name: &str, parent: Option<&str>) -> Option<String> {
    let inner = name.strip_prefix('-')?.trim_start();
    Some(match parent {
        Some(p) if !inner.starts_with(&format!("{p}.")) => format!("{p}.{inner}"),
        _ => inner.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_of_padded_and_open_rows() {
        assert_eq!(
            cells("| `a` |  String | x \\| y |"),
            ["`a`", "String", "x | y"]
        );
        assert_eq!(cells("Name | GET | /w |"), ["Name", "GET", "/w"]);
        assert_eq!(cells("| Create | POST | /w"), ["Create", "POST", "/w"]);
    }

    #[test]
    fn columns_and_flags() {
        let header = cells("| parameter | type | describe | Is it required? |");
        let cols = field_columns(&header).unwrap();
        assert_eq!((cols.ty, cols.required), (1, Some(3)));
        assert!(field_columns(&cells("| Role | Description |")).is_none());
        assert!(is_separator(&cells("| :--- | ---: |")));
        assert_eq!(yes_no("**Yes**."), Some(true));
        assert_eq!(yes_no("Optional"), Some(false));
        assert_eq!(yes_no("Maybe"), None);
        assert_eq!(
            yes_no("This field is mandatory if you set `a` to `true`."),
            Some(false)
        );
        assert_eq!(yes_no("The content type, required by the server."), None);
        assert_eq!(clean_name("`limit\\_max`"), "limit_max");
    }

    #[test]
    fn chinese_columns_flags_and_dashed_rows() {
        let header = cells("| 参数 | 类型 | 是否必需<div style=\"width: 80px;\"></div> | 描述 |");
        let cols = field_columns(&header).unwrap();
        assert_eq!((cols.ty, cols.required), (1, Some(2)));
        let header = cells("| 字段 | 数据类型 | 含义 |");
        assert_eq!(field_columns(&header).map(|c| c.required), Some(None));
        assert!(field_columns(&cells("| HTTP 状态码 | 错误类型 | 错误提示 |")).is_none());
        assert_eq!(
            (yes_no("是"), yes_no(" 否 "), yes_no("是否")),
            (Some(true), Some(false), None)
        );
        assert_eq!(
            dashed_name("- uuid", Some("entities")).as_deref(),
            Some("entities.uuid")
        );
        assert_eq!(
            dashed_name("- entities.id", Some("entities")).as_deref(),
            Some("entities.id")
        );
        assert_eq!(dashed_name("-uuid", None).as_deref(), Some("uuid"));
        assert_eq!(dashed_name("uuid", Some("entities")), None);
    }
}
