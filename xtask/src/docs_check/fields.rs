//! A section's request body, query and response tables against the
//! operation's body fields, query parameters and response `data`.
//!
//! Rules:
//! - Only tables the page has are compared; a spec field is "removed" only
//!   when the page has a table of that kind without it.
//! - Dotted rows (`msg.type`) are fields of a field whose spec type declares
//!   fields (a named type, or an array or map of one); when the spec keeps
//!   that value opaque (`any`, `map<string>`, ...) its dotted rows are not
//!   compared.
//! - Response rows may be written `data.x`; `data` itself and envelope fields
//!   (`action`, `uri`, ...) are not data fields. An envelope field the spec
//!   lists per operation (`count`, `cursor`, ...) must be in the operation's
//!   `response.envelope` when the table names it.
//! - Required flags are compared for request bodies and query parameters,
//!   when the table has a Required column.

use agora_chat_generator::spec::model::{BodyKind, Field, Operation};
use agora_chat_generator::types::TypeExpr;

use super::{Finding, Kind};
use crate::docs::{FieldRow, Page, Section, TableKind};
use crate::spec_index::{Located, SpecIndex};

/// A spec field or parameter, as far as tables describe it.
#[derive(Debug, Clone, Copy)]
struct Item<'a> {
    name: &'a str,
    ty: &'a str,
    required: bool,
}

impl<'a> Item<'a> {
    fn field(f: &'a Field) -> Item<'a> {
        Item {
            name: &f.name,
            ty: &f.ty,
            required: f.required,
        }
    }
}

/// What is being compared, for building findings.
struct Table<'a> {
    page: &'a Page,
    section: &'a Section,
    op: &'a Located<Operation>,
    spec: &'a SpecIndex,
    kind: TableKind,
    line: usize,
}

pub fn check(
    page: &Page,
    section: &Section,
    op: &Located<Operation>,
    spec: &SpecIndex,
    out: &mut Vec<Finding>,
) {
    for kind in [TableKind::Query, TableKind::Body, TableKind::Response] {
        let tables: Vec<_> = section.tables.iter().filter(|t| t.kind == kind).collect();
        let Some(first) = tables.first() else {
            continue;
        };
        // A page may split one table in two; a name counts once.
        let mut rows: Vec<FieldRow> = Vec::new();
        for row in tables.iter().flat_map(|t| &t.rows) {
            if !rows.iter().any(|r| r.name == row.name) {
                rows.push(row.clone());
            }
        }
        let table = Table {
            page,
            section,
            op,
            spec,
            kind,
            line: first.line,
        };
        let o = &op.item;
        match kind {
            TableKind::Query => {
                let items: Vec<Item> = o
                    .query
                    .iter()
                    .map(|p| Item {
                        name: &p.name,
                        ty: &p.ty,
                        required: p.required.unwrap_or(false),
                    })
                    .collect();
                table.compare(&rows, &items, out);
            }
            TableKind::Body => {
                let fields = o.request.as_ref().map(|b| (b.kind, &b.fields[..]));
                let items: Vec<Item> = match fields {
                    // The body is the array itself: the table describes an item.
                    Some((BodyKind::JsonArray, [only])) => spec_fields(spec, &only.ty)
                        .unwrap_or_default()
                        .iter()
                        .map(Item::field)
                        .collect(),
                    Some((_, fields)) => fields.iter().map(Item::field).collect(),
                    None => Vec::new(),
                };
                table.compare(&rows, &items, out);
            }
            TableKind::Response => table.response(rows, out),
        }
    }
}

/// The fields a type expression declares: those of a named type, or of the
/// named item type of an array or map.
fn spec_fields<'a>(spec: &'a SpecIndex, ty: &str) -> Option<&'a [Field]> {
    let name = match TypeExpr::parse(ty).ok()? {
        TypeExpr::Named(n) => n,
        TypeExpr::Array(item) | TypeExpr::Map(item) => match *item {
            TypeExpr::Named(n) => n,
            _ => return None,
        },
        _ => return None,
    };
    spec.types.get(&name).map(Vec::as_slice)
}

/// Whether a doc type word fits a spec type expression.
pub fn compatible(doc: &str, spec: &str) -> bool {
    use TypeExpr as T;
    let Ok(spec) = TypeExpr::parse(spec) else {
        return false;
    };
    let doc: String = doc
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    match doc.as_str() {
        _ if spec == T::Any => true,
        "string" => matches!(spec, T::String | T::Username | T::BoolOrString),
        "int" | "integer" | "long" | "number" | "double" | "float" => {
            matches!(spec, T::Integer | T::Number)
        }
        "bool" | "boolean" => matches!(spec, T::Boolean | T::BoolOrString),
        "jsonarray" | "array" | "list" => matches!(spec, T::Array(_)),
        d if d.ends_with("[]") || d.starts_with("array<") || d.starts_with("list<") => {
            matches!(spec, T::Array(_))
        }
        // The pages write JSON for arrays as well as objects.
        "json" => matches!(spec, T::Array(_) | T::Map(_) | T::Named(_)),
        "jsonobject" | "object" | "map" => matches!(spec, T::Map(_) | T::Named(_)),
        "file" => spec == T::File,
        _ => false,
    }
}

impl Table<'_> {
    fn finding(&self, line: usize, kind: Kind, difference: String) -> Finding {
        Finding::at(self.page, &self.section.heading, line, kind, difference).op(self.op)
    }

    fn response(&self, rows: Vec<FieldRow>, out: &mut Vec<Finding>) {
        let o = &self.op.item;
        let data = &o.response.data;
        let items: Vec<Item> = match (&data.fields, &data.ty) {
            (Some(fields), _) => fields.iter().map(Item::field).collect(),
            (None, Some(ty)) => spec_fields(self.spec, ty)
                .unwrap_or_default()
                .iter()
                .map(Item::field)
                .collect(),
            (None, None) => Vec::new(),
        };
        let optional = self.spec.optional_envelope();
        let mut data_rows = Vec::new();
        for mut row in rows {
            if let Some(inner) = row.name.strip_prefix("data.") {
                row.name = inner.to_string();
            } else if row.name == "data" && !items.iter().any(|i| i.name == "data") {
                // The `data` value itself: its shape is the spec's `data`.
                continue;
            }
            let top = row.name.split('.').next().unwrap_or_default();
            if items.iter().any(|i| i.name == top) || !self.spec.is_envelope(top) {
                data_rows.push(row);
                continue;
            }
            if row.name == top
                && optional.contains(top)
                && !o.response.envelope.iter().any(|e| e == top)
            {
                out.push(
                    self.finding(
                        row.line,
                        Kind::FieldAdded,
                        format!("`{top}` is in the docs' response table, not in the operation's envelope"),
                    )
                    .evidence([row.key.clone()]),
                );
            }
        }
        self.compare(&data_rows, &items, out);
    }

    fn compare(&self, rows: &[FieldRow], items: &[Item], out: &mut Vec<Finding>) {
        let mut used = vec![false; rows.len()];
        self.walk(rows, &mut used, "", items, out);
        for (row, used) in rows.iter().zip(used) {
            if !used {
                out.push(
                    self.finding(
                        row.line,
                        Kind::FieldAdded,
                        format!(
                            "`{}` ({}) is in the docs' {} table, not in the spec",
                            row.name,
                            row.ty,
                            self.kind.name()
                        ),
                    )
                    .evidence([row.key.clone()]),
                );
            }
        }
    }

    fn walk(
        &self,
        rows: &[FieldRow],
        used: &mut [bool],
        prefix: &str,
        items: &[Item],
        out: &mut Vec<Finding>,
    ) {
        for item in items {
            let name = format!("{prefix}{}", item.name);
            match rows.iter().position(|r| r.name == name) {
                Some(i) => {
                    used[i] = true;
                    self.row(&rows[i], item, out);
                }
                None => out.push(
                    self.finding(
                        self.line,
                        Kind::FieldRemoved,
                        format!(
                            "`{name}` is in the spec, not in the docs' {} table",
                            self.kind.name()
                        ),
                    )
                    // An erratum accounts for a field the table lacks by
                    // quoting where the page shows it (an example's JSON key).
                    .evidence([format!("\"{}\"", item.name), format!("`{name}`")]),
                ),
            }
            let nested = format!("{name}.");
            if !rows.iter().any(|r| r.name.starts_with(&nested)) {
                continue;
            }
            match spec_fields(self.spec, item.ty) {
                Some(fields) => {
                    let children: Vec<Item> = fields.iter().map(Item::field).collect();
                    self.walk(rows, used, &nested, &children, out);
                }
                // The spec keeps this value opaque: its parts are not compared.
                None => {
                    for (i, r) in rows.iter().enumerate() {
                        if r.name.starts_with(&nested) {
                            used[i] = true;
                        }
                    }
                }
            }
        }
    }

    fn row(&self, row: &FieldRow, item: &Item, out: &mut Vec<Finding>) {
        if !compatible(&row.ty, item.ty) {
            out.push(
                self.finding(
                    row.line,
                    Kind::FieldType,
                    format!("`{}`: docs {}, spec {}", row.name, row.ty, item.ty),
                )
                .evidence([row.key.clone()]),
            );
        }
        let flag = |b: bool| if b { "required" } else { "optional" };
        if let Some(required) = row.required
            && self.kind != TableKind::Response
            && required != item.required
        {
            out.push(
                self.finding(
                    row.line,
                    Kind::FieldRequired,
                    format!(
                        "`{}`: docs {}, spec {}",
                        row.name,
                        flag(required),
                        flag(item.required)
                    ),
                )
                .evidence([row.key.clone()]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::compatible;

    #[test]
    fn doc_types_against_spec_types() {
        assert!(compatible("String", "username"));
        assert!(compatible("Int", "integer"));
        assert!(compatible("Long", "integer"));
        assert!(compatible("Number", "number"));
        assert!(compatible("Boolean", "bool_or_string"));
        assert!(compatible("JSONArray", "array<username>"));
        assert!(compatible("List", "array<string>"));
        assert!(compatible("JSON", "map<string>"));
        assert!(compatible("JSON", "Widget"));
        assert!(compatible("Instant", "any"));
        assert!(!compatible("String", "integer"));
        assert!(!compatible("Bool", "string"));
        assert!(!compatible("Object", "array<string>"));
        assert!(!compatible("Instant", "string"));
    }
}
