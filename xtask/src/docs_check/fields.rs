//! A section's tables against the operation: URL, path, query and header
//! parameter tables against its parameters, the request body table against
//! its body fields, the response table against its response `data`.
//!
//! Rules:
//! - Only tables the page has are compared; a spec field is "removed" only
//!   when the page has a table of that kind without it.
//! - A URL table (the parameters under the request line, path and query in
//!   one) is split: rows named like a placeholder of the section's request
//!   line (or of the spec path, or a server variable such as `org_name`) are
//!   path parameters, the others query parameters.
//! - Path parameter rows are matched to the spec's path parameters by the
//!   position of their placeholder in the request line, so a respelled
//!   placeholder (`{groupid}` for `{group_id}`) is the same parameter; rows
//!   of server variables are skipped. Path parameters a table lacks are not
//!   reported: the pages leave the common ones (`username`, `group_id`) to
//!   their common-parameters section, and the request line shows them all.
//! - Header rows are matched by name, case ignored; `Authorization`,
//!   `Accept` and `Content-Type` are the client's and skipped (in URL
//!   tables too, where a page misplaces its header table).
//! - Dotted rows (`msg.type`) are fields of a field whose spec type declares
//!   fields (a named type, or an array or map of one); when the spec keeps
//!   that value opaque (`any`, `map<string>`, ...) its dotted rows are not
//!   compared.
//! - Response rows may be written `data.x` (or `entities.x`, ... for an
//!   operation whose payload is under another key); the payload itself and
//!   envelope fields (`action`, `uri`, ...) are not data fields, and where
//!   the table writes the payload's rows with the prefix, its un-prefixed
//!   rows named like envelope fields are the envelope's. An envelope field
//!   the spec lists per operation (`count`, `cursor`, ...) must be in the
//!   operation's `response.envelope` when the table names it.
//! - Required flags are compared for everything but responses, when the
//!   table has a Required column.

use agora_chat_generator::spec::model::{BodyKind, Field, Operation, Param};
use agora_chat_generator::types::TypeExpr;

use super::{Finding, Kind};
use crate::docs::request::path_key;
use crate::docs::{FieldRow, FieldTable, Page, Request, Section, TableKind};
use crate::spec_index::{Located, SpecIndex};

/// Request headers the client sets itself; the spec does not list them.
const CLIENT_HEADERS: [&str; 3] = ["authorization", "accept", "content-type"];

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

    fn param(p: &'a Param, required: bool) -> Item<'a> {
        Item {
            name: &p.name,
            ty: &p.ty,
            required,
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

/// The rows of a section's tables of some kinds, each name once (a page may
/// split one table in two), and the first of those tables.
fn rows_of<'a>(
    section: &'a Section,
    kinds: &[TableKind],
) -> (Vec<FieldRow>, Option<&'a FieldTable>) {
    let tables: Vec<&FieldTable> = section
        .tables
        .iter()
        .filter(|t| kinds.contains(&t.kind))
        .collect();
    let mut rows: Vec<FieldRow> = Vec::new();
    for row in tables.iter().flat_map(|t| &t.rows) {
        if !rows.iter().any(|r| r.name == row.name) {
            rows.push(row.clone());
        }
    }
    (rows, tables.first().copied())
}

pub fn check(
    page: &Page,
    section: &Section,
    op: &Located<Operation>,
    spec: &SpecIndex,
    out: &mut Vec<Finding>,
) {
    let table = |first: &FieldTable| Table {
        page,
        section,
        op,
        spec,
        kind: first.kind,
        line: first.line,
    };
    let o = &op.item;
    let placeholders = doc_placeholders(section, op);
    let (mut url_rows, url_first) = rows_of(section, &[TableKind::Url, TableKind::Path]);
    url_rows.retain(|r| !is_client_header(&r.name));
    let is_path = |row: &FieldRow| {
        placeholders.contains(&row.name)
            || o.path_params.iter().any(|p| p.name == row.name)
            || spec.is_server_variable(&row.name)
    };
    // Path rows: of path tables and of URL tables alike.
    if let Some(first) = url_first {
        let rows: Vec<FieldRow> = url_rows.iter().filter(|r| is_path(r)).cloned().collect();
        table(first).path(&rows, &placeholders, out);
    }
    // Query rows: of query tables and the rest of URL tables. A row may
    // name the placeholder of a value (`word_id` in `?wordId={word_id}`):
    // it describes the parameter that takes it.
    let (mut query_rows, query_table) = rows_of(section, &[TableKind::Query]);
    for row in url_rows.iter().filter(|r| !is_path(r)) {
        if !query_rows.iter().any(|q| q.name == row.name) {
            query_rows.push(row.clone());
        }
    }
    let by_placeholder = query_placeholders(section, op);
    for row in &mut query_rows {
        if let Some((key, _)) = by_placeholder.iter().find(|(_, value)| *value == row.name) {
            row.name = key.clone();
        }
    }
    let url_table = section.tables.iter().find(|t| {
        t.kind == TableKind::Url
            && t.rows
                .iter()
                .any(|r| !is_path(r) && !is_client_header(&r.name))
    });
    if let Some(first) = query_table.or(url_table) {
        let items: Vec<Item> = o
            .query
            .iter()
            .map(|p| Item::param(p, p.required.unwrap_or(false)))
            .collect();
        table(first).compare(&query_rows, &items, out);
    }
    if let (rows, Some(first)) = rows_of(section, &[TableKind::Header]) {
        table(first).headers(rows, out);
    }
    if let (rows, Some(first)) = rows_of(section, &[TableKind::Body]) {
        let fields = o.request.as_ref().map(|b| (b.kind, &b.fields[..]));
        let items: Vec<Item> = match fields {
            // The body is the array itself: the table describes an item.
            Some((BodyKind::JsonArray, [only])) => {
                items_of(spec, spec_fields(spec, &only.ty).unwrap_or_default())
            }
            Some((_, fields)) => items_of(spec, fields),
            None => Vec::new(),
        };
        table(first).compare(&rows, &items, out);
    }
    if let (rows, Some(first)) = rows_of(section, &[TableKind::Response]) {
        table(first).response(rows, out);
    }
}

fn is_client_header(name: &str) -> bool {
    CLIENT_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// The placeholder names of the section's request line for this operation
/// (the one with its method and path, else the first), in path order.
/// The section's request line for `op`: the one with its method and path,
/// else the first.
fn request_for<'s>(section: &'s Section, op: &Located<Operation>) -> Option<&'s Request> {
    let key = path_key(&op.item.path);
    section
        .requests
        .iter()
        .find(|r| r.method.as_deref() == Some(op.item.method.as_str()) && r.key() == key)
        .or_else(|| section.requests.first())
}

fn doc_placeholders(section: &Section, op: &Located<Operation>) -> Vec<String> {
    let Some(request) = request_for(section, op) else {
        return Vec::new();
    };
    request
        .path
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// The `key={placeholder}` pairs of the query string of the section's
/// request line for `op`, as (key, placeholder).
fn query_placeholders(section: &Section, op: &Located<Operation>) -> Vec<(String, String)> {
    let Some(request) = request_for(section, op) else {
        return Vec::new();
    };
    let Some((_, query)) = request.url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            let name = value.trim().strip_prefix('{')?.strip_suffix('}')?;
            (key.trim() != name).then(|| (key.trim().to_string(), name.to_string()))
        })
        .collect()
}

/// The members the fields put on the wire: each field, and beside a field
/// of a union type the union's tag (`type` beside `body`), a string.
fn items_of<'a>(spec: &'a SpecIndex, fields: &'a [Field]) -> Vec<Item<'a>> {
    let mut items = Vec::with_capacity(fields.len());
    for f in fields {
        items.push(Item::field(f));
        if let Some(tag) = spec.union_tags.get(&f.ty) {
            items.push(Item {
                name: tag,
                ty: "string",
                required: f.required,
            });
        }
    }
    items
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

    /// Path rows against the path parameters: by placeholder position when
    /// the request line has as many placeholders as the spec's path, else by
    /// name.
    fn path(&self, rows: &[FieldRow], placeholders: &[String], out: &mut Vec<Finding>) {
        let params = &self.op.item.path_params;
        let same_path = placeholders.len() == params.len();
        for row in rows
            .iter()
            .filter(|r| !self.spec.is_server_variable(&r.name))
        {
            let at = placeholders
                .iter()
                .position(|p| *p == row.name)
                .filter(|_| same_path)
                .or_else(|| params.iter().position(|p| p.name == row.name));
            match at {
                Some(i) => self.row(row, &Item::param(&params[i], true), out),
                None => out.push(self.added(row)),
            }
        }
    }

    /// Header rows against the operation's headers, names compared without
    /// case; the client's own headers are skipped.
    fn headers(&self, rows: Vec<FieldRow>, out: &mut Vec<Finding>) {
        let lower = |name: &str| name.to_ascii_lowercase();
        let rows: Vec<FieldRow> = rows
            .into_iter()
            .filter(|r| !is_client_header(&r.name))
            .map(|mut r| {
                r.name = lower(&r.name);
                r
            })
            .collect();
        let names: Vec<String> = self
            .op
            .item
            .headers
            .iter()
            .map(|h| lower(&h.name))
            .collect();
        let items: Vec<Item> = self
            .op
            .item
            .headers
            .iter()
            .zip(&names)
            .map(|(h, name)| Item {
                name,
                ..Item::param(h, h.required.unwrap_or(false))
            })
            .collect();
        self.compare(&rows, &items, out);
    }

    fn added(&self, row: &FieldRow) -> Finding {
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
        .evidence([row.key.clone()])
    }

    /// `full` is the name as tables write it (`msgs.to`), `name` the spec's.
    fn removed(&self, full: &str, name: &str) -> Finding {
        self.finding(
            self.line,
            Kind::FieldRemoved,
            format!(
                "`{full}` is in the spec, not in the docs' {} table",
                self.kind.name()
            ),
        )
        // An erratum accounts for a field the table lacks by quoting where
        // the page shows it: an example's JSON key, or its curl header.
        .evidence([
            format!("\"{name}\""),
            format!("`{full}`"),
            format!("'{name}:"),
        ])
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
        // The payload key (`data`, or `entities`, `result`, ...); `root`
        // payloads are the top-level fields themselves.
        let payload = o.response.payload.as_deref().unwrap_or("data");
        let prefix = format!("{payload}.");
        let prefixed = payload != "root" && rows.iter().any(|r| r.name.starts_with(&prefix));
        let mut data_rows = Vec::new();
        for mut row in rows {
            let mut written_prefixed = false;
            if payload != "root" {
                if let Some(inner) = row.name.strip_prefix(&prefix) {
                    row.name = inner.to_string();
                    written_prefixed = true;
                } else if row.name == payload && !items.iter().any(|i| i.name == payload) {
                    // The payload value itself: its shape is the spec's `data`.
                    continue;
                }
            }
            let top = row.name.split('.').next().unwrap_or_default();
            // A page that writes the payload's rows `data.x` means its other
            // rows named like envelope fields (`action`) as envelope fields.
            let envelope_row = self.spec.is_envelope(top) && prefixed && !written_prefixed;
            if !envelope_row && (items.iter().any(|i| i.name == top) || !self.spec.is_envelope(top))
            {
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
                out.push(self.added(row));
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
                None => out.push(self.removed(&name, item.name)),
            }
            let nested = format!("{name}.");
            if !rows.iter().any(|r| r.name.starts_with(&nested)) {
                continue;
            }
            match spec_fields(self.spec, item.ty) {
                Some(fields) => {
                    let children = items_of(self.spec, fields);
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
