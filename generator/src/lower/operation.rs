//! One operation: its path, parameters, body and response.

use super::{At, Lowerer};
use crate::ir::{
    Additional, Body, BodyKind, Data, Object, ObjectId, ObjectRole, Operation, Param,
    ParamLocation, PathTemplate, Payload, RateLimit, ResponseBody, Shape, Ty,
};
use crate::path::is_snake;
use crate::spec::model;

impl Lowerer<'_> {
    /// Lowers `op`; new inline objects are added to `objects`, the group's
    /// list. `None` when a part could not be lowered (reported).
    pub(super) fn operation(
        &mut self,
        at: &At,
        op: &model::Operation,
        objects: &mut Vec<ObjectId>,
    ) -> Option<Operation> {
        let id = &op.id.value;
        if !is_snake(id) {
            self.report(at, "id", "operation ids are snake_case");
        }
        if !is_snake(&op.name) {
            self.report(at, "name", "operation names are snake_case");
        }
        for (field, text) in [("summary", &op.summary), ("description", &op.description)] {
            if text.trim().is_empty() {
                self.report(at, field, "must not be empty");
            }
        }
        self.errata_refs(at, "errata", &op.errata);
        if let Some(rl) = &op.rate_limit
            && rl.count == 0
        {
            self.report(
                at,
                "rate_limit.count",
                "a rate limit of 0 calls is not a limit",
            );
        }
        let (mut path, mut ok) = self.path(at, op);
        let mut params = |cx: &mut Self, location, list: &[model::Param], kind: &str| {
            let mut lowered: Vec<Param> = Vec::new();
            for (i, p) in list.iter().enumerate() {
                let field = format!("{kind}[{i}]");
                if lowered.iter().any(|q| q.wire_name == p.name) {
                    cx.report(
                        at,
                        format!("{field}.name"),
                        format!("duplicate parameter `{}`", p.name),
                    );
                }
                match cx.param(at, &field, location, p) {
                    Some(p) => lowered.push(p),
                    None => ok = false,
                }
            }
            lowered
        };
        let mut path_params = params(self, ParamLocation::Path, &op.path_params, "path_params");
        let query = params(self, ParamLocation::Query, &op.query, "query");
        let headers = params(self, ParamLocation::Header, &op.headers, "headers");
        let body = op.request.as_ref().map(|b| self.body(at, b));
        let data = self.data(at, op, objects).unwrap_or_else(|| {
            ok = false;
            Data {
                shape: op.response.data.shape,
                ty: Ty::Any,
                description: None,
                single: false,
            }
        });
        if op.response.body == ResponseBody::Binary && op.response.data.shape != Shape::None {
            self.report(
                at,
                "response.data.shape",
                "a binary (download) response has no `data`: use shape none",
            );
        }
        for (i, name) in op.response.envelope.iter().enumerate() {
            if !self.spec.api.envelope.iter().any(|f| &f.name == name) {
                self.report(
                    at,
                    format!("response.envelope[{i}]"),
                    format!("`{name}` is not an envelope field declared in api.yaml"),
                );
            }
        }
        // Path parameters in the order the path uses them.
        let order: Vec<String> = path.placeholders().map(str::to_owned).collect();
        path_params.sort_by_key(|p| order.iter().position(|n| *n == p.wire_name));
        for p in &path_params {
            if let Some(max) = p.list_max {
                path.set_list(&p.wire_name, max);
            }
        }
        let payload = match op.response.payload.as_deref() {
            None => Payload::Key("data".into()),
            Some("root") => Payload::Root,
            Some(key) => Payload::Key(key.into()),
        };
        let mut lowered = Operation {
            id: id.clone(),
            name: op.name.clone(),
            origin: at.origin(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            method: op.method,
            path,
            source: op.source.clone(),
            rate_limit: op.rate_limit.as_ref().map(|r| RateLimit {
                count: r.count,
                per: r.per,
                notes: r.notes.clone(),
            }),
            idempotent: op.idempotent,
            caller: op.caller,
            errata: op.errata.clone(),
            path_params,
            query,
            headers,
            body: match body {
                Some(Some(body)) => Some(body),
                Some(None) => {
                    ok = false;
                    None
                }
                None => None,
            },
            response_body: op.response.body,
            payload,
            data,
            envelope: op.response.envelope.clone(),
            pagination: None,
            examples: Vec::new(),
            route: 0,
        };
        if let Some(p) = &op.pagination {
            lowered.pagination = self.pagination(at, op, p, &lowered);
        }
        lowered.examples = self.examples(at, op, &lowered);
        ok.then_some(lowered)
    }

    /// The path template, checked against the declared path parameters;
    /// `false` when it has a problem (reported). A path that does not parse
    /// is read leniently, so that the rest of the operation is checked too.
    fn path(&mut self, at: &At, op: &model::Operation) -> (PathTemplate, bool) {
        let path = match PathTemplate::parse(&op.path) {
            Ok(path) => path,
            Err(msg) => {
                // Its placeholders are not trustworthy: no more reports on them.
                self.report(at, "path", msg);
                return (PathTemplate::lenient(&op.path), false);
            }
        };
        let mut ok = true;
        let used: Vec<&str> = path.placeholders().collect();
        let declared: Vec<&str> = op.path_params.iter().map(|p| p.name.as_str()).collect();
        for name in &used {
            if !declared.contains(name) {
                self.report(
                    at,
                    "path",
                    format!("placeholder `{{{name}}}` is not declared in path_params"),
                );
                ok = false;
            }
        }
        for (i, name) in declared.iter().enumerate() {
            let count = used.iter().filter(|u| *u == name).count();
            if count == 0 {
                self.report(
                    at,
                    format!("path_params[{i}]"),
                    format!("`{name}` is declared but the path has no `{{{name}}}`"),
                );
                ok = false;
            } else if count > 1 {
                self.report(at, "path", format!("`{{{name}}}` appears {count} times"));
                ok = false;
            }
        }
        (path, ok)
    }

    fn body(&mut self, at: &At, body: &model::RequestBody) -> Option<Body> {
        let fields = self.fields(
            at,
            "request.fields",
            &body.fields,
            body.kind == BodyKind::Multipart,
        );
        let complete = fields.len() == body.fields.len();
        let additional = body
            .additional
            .as_ref()
            .and_then(|a| self.additional(at, body.kind, a));
        if body.fields.is_empty() {
            self.report(
                at,
                "request.fields",
                "a request body needs at least one field",
            );
        }
        let single_array = fields.len() == 1 && fields[0].ty.item().is_some();
        if body.kind == BodyKind::JsonArray && complete && !single_array {
            self.report(
                at,
                "request.fields",
                "a json_array body has exactly one field, of type array<T>: the array is the body",
            );
        }
        if body.kind == BodyKind::Form {
            for (i, f) in body.fields.iter().enumerate() {
                let scalar = fields
                    .iter()
                    .find(|l| l.wire_name == f.name)
                    .is_some_and(|l| l.ty.is_scalar());
                if !scalar {
                    self.report(
                        at,
                        format!("request.fields[{i}].type"),
                        format!(
                            "`{}` cannot be a form field: a form body carries only string, username, integer, number and boolean values",
                            f.ty
                        ),
                    );
                }
            }
        }
        (complete && (body.additional.is_none() || additional.is_some())).then_some(Body {
            kind: body.kind,
            fields,
            additional,
        })
    }

    /// Open-ended body pairs: a scalar value type and a setter that is a
    /// snake_case name, on a body that can carry them.
    fn additional(
        &mut self,
        at: &At,
        kind: BodyKind,
        additional: &model::Additional,
    ) -> Option<Additional> {
        if !matches!(kind, BodyKind::Json | BodyKind::Form) {
            self.report(
                at,
                "request.additional",
                "only json and form bodies take additional pairs",
            );
        }
        let ty = self.ty(at, "request.additional.type", &additional.ty)?;
        if !ty.is_scalar() {
            self.report(
                at,
                "request.additional.type",
                format!(
                    "`{}`: additional values must be string, username, integer, number or boolean",
                    additional.ty
                ),
            );
        }
        if !is_snake(&additional.setter) {
            self.report(
                at,
                "request.additional.setter",
                format!("`{}` must be a snake_case method name", additional.setter),
            );
        }
        Some(Additional {
            setter: additional.setter.clone(),
            ty,
            description: additional.description.clone(),
        })
    }

    /// The payload: its shape, and its type (an inline object for fields).
    fn data(
        &mut self,
        at: &At,
        op: &model::Operation,
        objects: &mut Vec<ObjectId>,
    ) -> Option<Data> {
        let data = &op.response.data;
        let has_fields = data.fields.is_some();
        let ty = match &data.ty {
            Some(text) => Some(self.ty(at, "response.data.type", text)?),
            None => None,
        };
        let ok = match data.shape {
            Shape::Object => {
                has_fields != matches!(ty, Some(Ty::Object(_))) && (ty.is_none() || !has_fields)
            }
            Shape::Array | Shape::Map => has_fields != ty.is_some(),
            Shape::Scalar => !has_fields && ty.is_some(),
            Shape::None => !has_fields && ty.is_none(),
        };
        if !ok {
            let want = match data.shape {
                Shape::Object => "`fields`, or a `type` naming a declared type",
                Shape::Array | Shape::Map => "either `fields` (object items) or an item `type`",
                Shape::Scalar => "a `type` and no `fields`",
                Shape::None => "neither `fields` nor `type`",
            };
            self.report(
                at,
                "response.data",
                format!("shape {:?} needs {want}", data.shape),
            );
        }
        let ty = match &data.fields {
            Some(fields) => {
                let lowered = self.fields(at, "response.data.fields", fields, false);
                let operation = op.id.value.clone();
                let role = if data.shape == Shape::Object {
                    ObjectRole::ResponseData { operation }
                } else {
                    ObjectRole::ResponseItem { operation }
                };
                let id = self.new_object(Object {
                    group: self.group,
                    role,
                    description: data.description.clone(),
                    fields: lowered,
                    origin: at.origin(),
                });
                objects.push(id);
                Ty::Object(id)
            }
            None => ty.unwrap_or(Ty::Any),
        };
        if data.single && data.shape != Shape::Array {
            self.report(
                at,
                "response.data.single",
                "only an array payload can hold a single item",
            );
        }
        if data.single && op.pagination.is_some() {
            self.report(
                at,
                "response.data.single",
                "a paged operation returns a list, not a single item",
            );
        }
        ok.then_some(Data {
            shape: data.shape,
            ty,
            description: data.description.clone(),
            single: data.single,
        })
    }
}
