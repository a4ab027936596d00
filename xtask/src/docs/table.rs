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

/// The columns of a field table, when the header has a Type column after the
/// name column. Required columns are headed `Required` or `Is it required?`.
pub fn field_columns(header: &[String]) -> Option<Columns> {
    let ty = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("type"))
        .filter(|&i| i > 0)?;
    let required = header
        .iter()
        .position(|h| h.to_ascii_lowercase().contains("required"));
    Some(Columns { ty, required })
}

/// A name cell without markup: `` `msg.type` `` → `msg.type`.
pub fn clean_name(cell: &str) -> String {
    let text = strip_tags(&render_vars(cell)).replace("\\_", "_");
    collapse_spaces(&text.replace(['`', '*'], ""))
}

/// `Yes` / `No` (any case, markup and final period ignored).
pub fn yes_no(cell: &str) -> Option<bool> {
    let word = clean_name(cell);
    let word = word.trim_end_matches('.');
    if word.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if word.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
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
        assert_eq!(yes_no("Optional"), None);
        assert_eq!(clean_name("`limit\\_max`"), "limit_max");
    }
}
