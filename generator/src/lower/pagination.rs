//! Pagination: which query parameters drive it, where the next cursor and
//! the items are.

use super::{At, Lowerer};
use crate::ir::{NextCursor, Operation, PageKind, Pagination, Shape, Ty};
use crate::spec::model;

impl Lowerer<'_> {
    /// Checks `p` against the operation (`op` as written, `lowered` as far
    /// as it got) and resolves it.
    pub(super) fn pagination(
        &mut self,
        at: &At,
        op: &model::Operation,
        p: &model::Pagination,
        lowered: &Operation,
    ) -> Option<Pagination> {
        let mut ok = true;
        let query = |name: &str| op.query.iter().find(|q| q.name == name);
        let mut check_param = |cx: &mut Self, key: &str, name: Option<&String>, ty: &str| {
            let problem = match name {
                None => Some(format!("{:?} pagination needs `{key}`", p.kind)),
                Some(name) => match query(name) {
                    None => Some(format!(
                        "`{name}` is not a query parameter of this operation"
                    )),
                    Some(q) if q.ty != ty => Some(format!("`{name}` must have type {ty}")),
                    Some(q) if q.required == Some(true) && key != "size_param" => {
                        Some(format!("`{name}` must be optional: the stream sets it"))
                    }
                    Some(_) => None,
                },
            };
            if let Some(problem) = problem {
                cx.report(at, format!("pagination.{key}"), problem);
                ok = false;
            }
        };
        check_param(self, "size_param", Some(&p.size_param), "integer");
        let position = match p.kind {
            PageKind::Cursor => {
                check_param(self, "cursor_param", p.cursor_param.as_ref(), "string");
                if p.page_param.is_some() {
                    self.report(
                        at,
                        "pagination.page_param",
                        "cursor pagination has no page number",
                    );
                    ok = false;
                }
                p.cursor_param.clone()
            }
            PageKind::Page => {
                check_param(self, "page_param", p.page_param.as_ref(), "integer");
                if p.cursor_param.is_some() || p.next_cursor.is_some() {
                    self.report(at, "pagination", "page-number pagination has no cursor");
                    ok = false;
                }
                p.page_param.clone()
            }
        };
        let next_cursor = match (p.kind, p.next_cursor.as_deref()) {
            (PageKind::Page, _) => NextCursor::None,
            (PageKind::Cursor, None | Some("/cursor")) => NextCursor::Envelope,
            (PageKind::Cursor, Some(pointer)) => match self.next_cursor(at, op, pointer) {
                Some(next) => next,
                None => {
                    ok = false;
                    NextCursor::None
                }
            },
        };
        let data = &lowered.data;
        let item = match &p.items_field {
            None if data.shape != Shape::Array => {
                self.report(
                    at,
                    "pagination",
                    "paged `data` must be an array, or set `items_field`",
                );
                None
            }
            None => Some(data.ty.clone()),
            Some(name) => {
                let item = match (&data.shape, &data.ty) {
                    (Shape::Object, Ty::Object(id)) => self.objects[id.0]
                        .fields
                        .iter()
                        .find(|f| &f.wire_name == name)
                        .and_then(|f| f.ty.item().cloned()),
                    _ => None,
                };
                if item.is_none() {
                    self.report(
                        at,
                        "pagination.items_field",
                        format!("`{name}` must be an array field of an object `data`"),
                    );
                }
                item
            }
        };
        let size = op.query.iter().find(|q| q.name == p.size_param);
        let pagination = Pagination {
            kind: p.kind,
            size_param: p.size_param.clone(),
            size_default: size
                .and_then(|q| q.default.as_ref())
                .and_then(|v| v.as_i64()),
            size_max: size.and_then(|q| q.maximum),
            position_param: position.unwrap_or_default(),
            next_cursor,
            items_field: p.items_field.clone(),
            item: item?,
        };
        ok.then_some(pagination)
    }

    /// The next cursor is the envelope's `cursor`, a string field of an
    /// object payload, or inside a top-level value the envelope does not
    /// declare (kept with the unknown fields), e.g. `/properties/cursor`.
    fn next_cursor(&mut self, at: &At, op: &model::Operation, pointer: &str) -> Option<NextCursor> {
        let payload = op.response.payload.as_deref().unwrap_or("data");
        let data = &op.response.data;
        let first = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let found = if first == payload {
            let field = pointer[payload.len() + 1..].trim_start_matches('/');
            let is_string_field = data.shape == Shape::Object
                && data
                    .fields
                    .iter()
                    .flatten()
                    .any(|f| f.name == field && f.ty == "string");
            is_string_field.then(|| NextCursor::PayloadField(field.to_string()))
        } else {
            (pointer.starts_with('/')
                && !first.is_empty()
                && !self.spec.api.envelope.iter().any(|f| f.name == first))
            .then(|| NextCursor::Extra(pointer.to_string()))
        };
        if found.is_none() {
            self.report(
                at,
                "pagination.next_cursor",
                format!(
                    "`{pointer}` must be `/cursor`, `/{payload}/<string field of an object payload>`, \
                     or a pointer into a top-level value the envelope does not declare"
                ),
            );
        }
        found
    }
}
