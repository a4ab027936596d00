//! Stage 2: check that the loaded spec makes sense. Every problem becomes a
//! [`Diagnostic`] naming the file, the position of the enclosing item, the
//! item (operation, type or erratum) and the field path; all of them are
//! reported together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_saphyr::Spanned;

use crate::error::{Diagnostic, SpecError};
use crate::spec::model::{
    Additional, BodyKind, Data, Example, Field, GroupFile, NamedType, Operation, PageKind,
    Pagination, Param, ResponseBody, Shape, TextLimits, UsernameRule,
};
use crate::spec::{LoadedGroup, Spec};
use crate::types::TypeExpr;

/// Checks `spec`; returns every problem found, or `Ok` when there is none.
pub fn validate(spec: &Spec) -> Result<(), SpecError> {
    let mut v = Validator::new(spec);
    v.api();
    v.errata();
    v.groups();
    v.diags.extend(crate::callbacks_check::check(spec));
    if v.diags.is_empty() {
        Ok(())
    } else {
        Err(SpecError::Invalid(v.diags))
    }
}

/// The context every message is reported in.
#[derive(Clone)]
struct At {
    file: PathBuf,
    position: Option<(u64, u64)>,
    item: Option<String>,
}

impl At {
    fn spanned(file: &Path, item: &Spanned<String>) -> At {
        let loc = item.referenced;
        let position = (loc.line() > 0).then(|| (loc.line(), loc.column()));
        At {
            file: file.to_path_buf(),
            position,
            item: Some(item.value.clone()),
        }
    }
}

struct Validator<'a> {
    spec: &'a Spec,
    diags: Vec<Diagnostic>,
    errata_ids: BTreeSet<String>,
    /// Every named type of every group: types are re-exported at the crate
    /// root, so their names must be unique across groups.
    types: BTreeMap<String, &'a NamedType>,
}

impl<'a> Validator<'a> {
    fn new(spec: &'a Spec) -> Self {
        Validator {
            spec,
            diags: Vec::new(),
            errata_ids: spec
                .errata
                .errata
                .iter()
                .map(|e| e.id.value.clone())
                .collect(),
            types: BTreeMap::new(),
        }
    }

    fn report(&mut self, at: &At, field: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: at.file.clone(),
            position: at.position,
            item: at.item.clone(),
            field: field.into(),
            message: message.into(),
        });
    }

    fn api(&mut self) {
        let api = &self.spec.api;
        let at = At {
            file: "api.yaml".into(),
            position: None,
            item: None,
        };
        let placeholders = placeholders(&api.base_url);
        match &placeholders {
            Ok(names) => {
                let declared: Vec<&str> = api
                    .server_variables
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect();
                if names
                    .iter()
                    .map(String::as_str)
                    .ne(declared.iter().copied())
                {
                    self.report(
                        &at,
                        "server_variables",
                        format!(
                            "must list the base_url placeholders in order: {names:?}, found {declared:?}"
                        ),
                    );
                }
            }
            Err(msg) => self.report(&at, "base_url", msg.clone()),
        }
        if !api.base_url.starts_with("https://") {
            self.report(&at, "base_url", "must start with https://");
        }
        let rule = &api.username_rule;
        if rule.min_length == 0 || rule.min_length > rule.max_length {
            self.report(
                &at,
                "username_rule",
                format!(
                    "length range {}..={} is empty or allows empty usernames",
                    rule.min_length, rule.max_length
                ),
            );
        }
        for (list, name) in [(&api.envelope, "envelope"), (&api.error_body, "error_body")] {
            self.fields(&at, name, list, false);
        }
        if api.envelope.iter().any(|f| f.name == "data") {
            self.report(
                &at,
                "envelope",
                "`data` is described per operation, not in the envelope",
            );
        }
    }

    fn errata(&mut self) {
        let mut seen = BTreeSet::new();
        for (e, file) in self.spec.errata.errata.iter().zip(&self.spec.errata_files) {
            let at = At::spanned(file, &e.id);
            let id = &e.id.value;
            let well_formed =
                id.len() == 4 && id.starts_with('E') && id[1..].chars().all(|c| c.is_ascii_digit());
            if !well_formed {
                self.report(&at, "id", "errata ids look like E001");
            }
            if !seen.insert(id.clone()) {
                self.report(&at, "id", "duplicate errata id");
            }
            if e.quote.iter().all(|q| q.trim().is_empty()) {
                self.report(&at, "quote", "an erratum must quote the doc");
            }
            if e.sources.is_empty() {
                self.report(&at, "sources", "an erratum must name at least one page");
            }
            for (field, text) in [("problem", &e.problem), ("choice", &e.choice)] {
                if text.trim().is_empty() {
                    self.report(&at, field, "must not be empty");
                }
            }
        }
    }

    fn groups(&mut self) {
        let spec = self.spec;
        let mut group_names = BTreeSet::new();
        for LoadedGroup { file, group } in &spec.groups {
            let at = At::spanned(file, &group.group);
            if !is_snake(&group.group.value) {
                self.report(&at, "group", "group names are snake_case");
            }
            if !group_names.insert(group.group.value.clone()) {
                self.report(&at, "group", "another file declares the same group");
            }
            for t in &group.types {
                let at = At::spanned(file, &t.name);
                // The name becomes a Rust struct name: the emitter would panic
                // on anything else.
                let is_type_name = matches!(
                    TypeExpr::parse(&t.name.value),
                    Ok(TypeExpr::Named(n)) if n == t.name.value
                );
                if !is_type_name {
                    self.report(
                        &at,
                        "name",
                        "type names are UpperCamelCase ASCII letters and digits",
                    );
                }
                if self.types.insert(t.name.value.clone(), t).is_some() {
                    self.report(&at, "name", "another type has the same name");
                }
            }
        }
        let mut op_ids = BTreeSet::new();
        for LoadedGroup { file, group } in &spec.groups {
            self.group(file, group, &mut op_ids);
        }
    }

    fn group(&mut self, file: &Path, group: &'a GroupFile, op_ids: &mut BTreeSet<String>) {
        for t in &group.types {
            let at = At::spanned(file, &t.name);
            self.fields(&at, "fields", &t.fields, false);
        }
        for op in &group.operations {
            let at = At::spanned(file, &op.id);
            if !op_ids.insert(op.id.value.clone()) {
                self.report(&at, "id", "duplicate operation id");
            }
            self.operation(&at, op);
        }
    }

    fn operation(&mut self, at: &At, op: &Operation) {
        if !is_snake(&op.id.value) {
            self.report(at, "id", "operation ids are snake_case");
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
        self.path(at, op);
        let mut arg_names: BTreeMap<String, String> = BTreeMap::new();
        for (kind, params) in [
            ("path_params", &op.path_params),
            ("query", &op.query),
            ("headers", &op.headers),
        ] {
            for (i, p) in params.iter().enumerate() {
                let field = format!("{kind}[{i}]");
                self.param(at, &field, kind, p);
                self.arg_name(at, &field, &p.name, &mut arg_names);
            }
        }
        if let Some(body) = &op.request {
            self.fields(
                at,
                "request.fields",
                &body.fields,
                body.kind == BodyKind::Multipart,
            );
            for (i, f) in body.fields.iter().enumerate() {
                self.arg_name(at, &format!("request.fields[{i}]"), &f.name, &mut arg_names);
            }
            if let Some(additional) = &body.additional {
                self.additional(at, body.kind, additional, &mut arg_names);
                // The generated body struct keeps the pairs in a field of
                // that name.
                if body
                    .fields
                    .iter()
                    .any(|f| crate::naming::field_ident_name(&f.name) == "additional")
                {
                    self.report(
                        at,
                        "request.additional",
                        "a body with additional pairs cannot also have a field named `additional`",
                    );
                }
            }
            if body.fields.is_empty() {
                self.report(
                    at,
                    "request.fields",
                    "a request body needs at least one field",
                );
            }
            let single_array = body.fields.len() == 1
                && TypeExpr::parse(&body.fields[0].ty).is_ok_and(|t| t.item().is_some());
            if body.kind == BodyKind::JsonArray && !single_array {
                self.report(
                    at,
                    "request.fields",
                    "a json_array body has exactly one field, of type array<T>: the array is the body",
                );
            }
            if body.kind == BodyKind::Form {
                for (i, f) in body.fields.iter().enumerate() {
                    if !TypeExpr::parse(&f.ty).is_ok_and(|t| t.is_scalar()) {
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
        }
        self.data(at, &op.response.data);
        if op.response.body == ResponseBody::Binary && op.response.data.shape != Shape::None {
            self.report(
                at,
                "response.data.shape",
                "a binary (download) response has no `data`: use shape none",
            );
        }
        if let Some(p) = &op.pagination {
            self.pagination(at, op, p);
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
        let mut example_names = BTreeSet::new();
        for (i, ex) in op.examples.iter().enumerate() {
            let field = format!("examples[{i}]");
            // Each example becomes a conformance test named after it in snake_case.
            if !example_names.insert(heck::ToSnakeCase::to_snake_case(ex.name.as_str())) {
                self.report(
                    at,
                    format!("{field}.name"),
                    "duplicate example name (names equal in snake_case name the same test)",
                );
            }
            self.example(at, &field, op, ex);
        }
    }

    fn pagination(&mut self, at: &At, op: &Operation, p: &Pagination) {
        let query = |name: &str| op.query.iter().find(|q| q.name == name);
        let check_param = |v: &mut Self, key: &str, name: Option<&String>, ty: &str| match name {
            None => v.report(
                at,
                format!("pagination.{key}"),
                format!("{:?} pagination needs `{key}`", p.kind),
            ),
            Some(name) => match query(name) {
                None => v.report(
                    at,
                    format!("pagination.{key}"),
                    format!("`{name}` is not a query parameter of this operation"),
                ),
                Some(q) if q.ty != ty => v.report(
                    at,
                    format!("pagination.{key}"),
                    format!("`{name}` must have type {ty}"),
                ),
                Some(q) if q.required == Some(true) && key != "size_param" => v.report(
                    at,
                    format!("pagination.{key}"),
                    format!("`{name}` must be optional: the stream sets it"),
                ),
                Some(_) => {}
            },
        };
        check_param(self, "size_param", Some(&p.size_param), "integer");
        match p.kind {
            PageKind::Cursor => {
                check_param(self, "cursor_param", p.cursor_param.as_ref(), "string");
                if p.page_param.is_some() {
                    self.report(
                        at,
                        "pagination.page_param",
                        "cursor pagination has no page number",
                    );
                }
            }
            PageKind::Page => {
                check_param(self, "page_param", p.page_param.as_ref(), "integer");
                if p.cursor_param.is_some() || p.next_cursor.is_some() {
                    self.report(at, "pagination", "page-number pagination has no cursor");
                }
            }
        }
        let data = &op.response.data;
        let data_field = |name: &str| data.fields.iter().flatten().find(|f| f.name == name);
        if let Some(pointer) = &p.next_cursor {
            self.next_cursor(at, op, pointer);
        }
        match &p.items_field {
            None if data.shape != Shape::Array => {
                self.report(
                    at,
                    "pagination",
                    "paged `data` must be an array, or set `items_field`",
                );
            }
            Some(name) => {
                let is_array = data_field(name)
                    .and_then(|f| TypeExpr::parse(&f.ty).ok())
                    .is_some_and(|t| t.item().is_some());
                if data.shape != Shape::Object || !is_array {
                    self.report(
                        at,
                        "pagination.items_field",
                        format!("`{name}` must be an array field of an object `data`"),
                    );
                }
            }
            None => {}
        }
    }

    /// The next cursor is the envelope's `cursor`, a string field of an
    /// object payload, or inside a top-level value the envelope does not
    /// declare (kept in `extra`), e.g. `/properties/cursor`.
    fn next_cursor(&mut self, at: &At, op: &Operation, pointer: &str) {
        let payload = op.response.payload.as_deref().unwrap_or("data");
        let data = &op.response.data;
        let first = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let ok = if pointer == "/cursor" {
            true
        } else if first == payload {
            let field = pointer[payload.len() + 1..].trim_start_matches('/');
            data.shape == Shape::Object
                && data
                    .fields
                    .iter()
                    .flatten()
                    .any(|f| f.name == field && f.ty == "string")
        } else {
            pointer.starts_with('/')
                && !first.is_empty()
                && !self.spec.api.envelope.iter().any(|f| f.name == first)
        };
        if !ok {
            self.report(
                at,
                "pagination.next_cursor",
                format!(
                    "`{pointer}` must be `/cursor`, `/{payload}/<string field of an object payload>`, \
                     or a pointer into a top-level value the envelope does not declare"
                ),
            );
        }
    }

    /// Open-ended body pairs: a scalar value type, a setter that is a
    /// snake_case name of its own, and a body that can carry them.
    fn additional(
        &mut self,
        at: &At,
        kind: BodyKind,
        additional: &Additional,
        arg_names: &mut BTreeMap<String, String>,
    ) {
        if !matches!(kind, BodyKind::Json | BodyKind::Form) {
            self.report(
                at,
                "request.additional",
                "only json and form bodies take additional pairs",
            );
        }
        match TypeExpr::parse(&additional.ty) {
            Ok(ty) if ty.is_scalar() => {}
            Ok(_) => self.report(
                at,
                "request.additional.type",
                format!(
                    "`{}`: additional values must be string, username, integer, number or boolean",
                    additional.ty
                ),
            ),
            Err(msg) => self.report(at, "request.additional.type", msg),
        }
        let setter = &additional.setter;
        if setter.is_empty() || *setter != heck::ToSnakeCase::to_snake_case(setter.as_str()) {
            self.report(
                at,
                "request.additional.setter",
                format!("`{setter}` must be a snake_case method name"),
            );
        }
        self.arg_name(at, "request.additional.setter", setter, arg_names);
    }

    /// Two arguments of one method (path, query, header or body) must not end
    /// up with the same Rust name.
    fn arg_name(&mut self, at: &At, field: &str, name: &str, seen: &mut BTreeMap<String, String>) {
        let rust = crate::naming::field_ident_name(name);
        if RESERVED_ARGS.contains(&rust.as_str()) {
            self.report(
                at,
                field,
                format!("`{name}` becomes `{rust}`, which the request builder already uses"),
            );
        }
        if let Some(other) = seen.insert(rust.clone(), field.to_string()) {
            self.report(
                at,
                field,
                format!("`{name}` becomes the argument `{rust}`, which {other} already uses"),
            );
        }
    }

    fn path(&mut self, at: &At, op: &Operation) {
        let p = &op.path;
        if !p.starts_with('/') {
            self.report(at, "path", "must start with `/`");
        }
        if p.contains(['?', '#', ' ']) || p.contains("//") {
            self.report(
                at,
                "path",
                "must not contain a query string, `#`, spaces or an empty segment",
            );
        }
        match placeholders(p) {
            Err(msg) => self.report(at, "path", msg),
            Ok(used) => {
                let declared: Vec<&str> = op.path_params.iter().map(|p| p.name.as_str()).collect();
                for name in &used {
                    if !declared.contains(&name.as_str()) {
                        self.report(
                            at,
                            "path",
                            format!("placeholder `{{{name}}}` is not declared in path_params"),
                        );
                    }
                }
                for (i, name) in declared.iter().enumerate() {
                    let count = used.iter().filter(|u| u == name).count();
                    if count == 0 {
                        self.report(
                            at,
                            format!("path_params[{i}]"),
                            format!("`{name}` is declared but the path has no `{{{name}}}`"),
                        );
                    } else if count > 1 {
                        self.report(at, "path", format!("`{{{name}}}` appears {count} times"));
                    }
                }
            }
        }
    }

    fn param(&mut self, at: &At, field: &str, kind: &str, p: &Param) {
        self.errata_refs(at, &format!("{field}.errata"), &p.errata);
        let ty = match TypeExpr::parse(&p.ty) {
            Ok(ty) => ty,
            Err(msg) => return self.report(at, format!("{field}.type"), msg),
        };
        let scalar = matches!(
            ty,
            TypeExpr::String
                | TypeExpr::Username
                | TypeExpr::Integer
                | TypeExpr::Number
                | TypeExpr::Boolean
        );
        if !scalar {
            self.report(
                at,
                format!("{field}.type"),
                format!("{kind} parameters are strings, numbers or booleans, not `{ty}`"),
            );
        }
        if kind == "path_params" {
            if !(ty.is_stringy() || ty == TypeExpr::Integer && p.list.is_none()) {
                self.report(
                    at,
                    format!("{field}.type"),
                    "path parameters are strings (or single integers)",
                );
            }
            if p.required == Some(false) {
                self.report(
                    at,
                    format!("{field}.required"),
                    "path parameters are always required",
                );
            }
            if p.default.is_some() {
                self.report(
                    at,
                    format!("{field}.default"),
                    "a path parameter cannot have a default",
                );
            }
        } else if p.list.is_some() {
            self.report(
                at,
                format!("{field}.list"),
                "only path parameters are comma lists",
            );
        }
        if let Some(list) = &p.list
            && list.max_items == 0
        {
            self.report(at, format!("{field}.list.max_items"), "must be at least 1");
        }
        if kind == "headers" && !is_header_name(&p.name) {
            self.report(at, format!("{field}.name"), "not a valid HTTP header name");
        }
        let limits = Limits::of_param(p);
        self.limits(at, field, &ty, &limits, p.list.is_some());
        if let Some(default) = &p.default {
            let mut problems = Vec::new();
            check_value(
                &ty,
                &limits,
                default,
                "",
                self.username_rule(),
                &self.types,
                &mut problems,
            );
            for (sub, msg) in problems {
                self.report(at, format!("{field}.default{sub}"), msg);
            }
        }
    }

    fn fields(&mut self, at: &At, prefix: &str, fields: &[Field], multipart: bool) {
        let mut names = BTreeSet::new();
        for (i, f) in fields.iter().enumerate() {
            let field = format!("{prefix}[{i}]");
            if !names.insert(f.name.as_str()) {
                self.report(
                    at,
                    format!("{field}.name"),
                    format!("duplicate field `{}`", f.name),
                );
            }
            if f.name.is_empty() {
                self.report(at, format!("{field}.name"), "must not be empty");
            }
            self.errata_refs(at, &format!("{field}.errata"), &f.errata);
            let ty = match TypeExpr::parse(&f.ty) {
                Ok(ty) => ty,
                Err(msg) => {
                    self.report(at, format!("{field}.type"), msg);
                    continue;
                }
            };
            self.type_refs(at, &format!("{field}.type"), &ty);
            if ty == TypeExpr::File && !multipart {
                self.report(
                    at,
                    format!("{field}.type"),
                    "`file` fields only exist in multipart bodies",
                );
            }
            self.limits(at, &field, &ty, &Limits::of_field(f), false);
        }
    }

    fn type_refs(&mut self, at: &At, field: &str, ty: &TypeExpr) {
        match ty {
            TypeExpr::Named(name) if !self.types.contains_key(name) => {
                self.report(
                    at,
                    field,
                    format!("type `{name}` is not declared under any group's `types`"),
                );
            }
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => self.type_refs(at, field, inner),
            _ => {}
        }
    }

    /// Limits must fit the type they constrain and describe a non-empty range.
    fn limits(&mut self, at: &At, field: &str, ty: &TypeExpr, l: &Limits, list: bool) {
        let stringy = ty.is_stringy();
        let numeric = matches!(ty, TypeExpr::Integer | TypeExpr::Number);
        let items = matches!(ty, TypeExpr::Array(_) | TypeExpr::Map(_)) || list;
        let checks: [(&str, bool, bool); 6] = [
            (
                "max_length",
                l.max_length.is_some() || l.min_length.is_some(),
                stringy,
            ),
            (
                "minimum",
                l.minimum.is_some() || l.maximum.is_some(),
                numeric,
            ),
            (
                "max_items",
                l.max_items.is_some() || l.min_items.is_some(),
                items && !list,
            ),
            ("enum", l.enumeration.is_some(), stringy),
            (
                "max_bytes",
                l.max_bytes.is_some(),
                *ty == TypeExpr::File || stringy,
            ),
            ("list", false, true),
        ];
        for (name, present, fits) in checks {
            if present && !fits {
                self.report(
                    at,
                    format!("{field}.{name}"),
                    format!("does not apply to type `{ty}`"),
                );
            }
        }
        let ranges = [
            (
                "length",
                l.min_length.map(i64::from),
                l.max_length.map(i64::from),
            ),
            ("value", l.minimum, l.maximum),
            (
                "items",
                l.min_items.map(i64::from),
                l.max_items.map(i64::from),
            ),
        ];
        for (what, min, max) in ranges {
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                self.report(at, field, format!("{what} range {min}..={max} is empty"));
            }
        }
        if l.max_length == Some(0) || l.max_items == Some(0) || l.max_bytes == Some(0) {
            self.report(
                at,
                field,
                "a maximum of 0 allows nothing; leave it out or fix it",
            );
        }
        if let Some(values) = &l.enumeration
            && values.is_empty()
        {
            self.report(
                at,
                format!("{field}.enum"),
                "an enum needs at least one value",
            );
        }
        let string_map = matches!(ty, TypeExpr::Map(inner) if inner.is_stringy());
        for (name, text) in [("keys", &l.keys), ("values", &l.values)] {
            let Some(text) = text else { continue };
            if !string_map {
                self.report(
                    at,
                    format!("{field}.{name}"),
                    format!("applies to `map<string>` fields only, not `{ty}`"),
                );
            }
            if text.max_length == Some(0) || text.max_bytes == Some(0) {
                self.report(
                    at,
                    format!("{field}.{name}"),
                    "a maximum of 0 allows nothing; leave it out or fix it",
                );
            }
        }
    }

    fn data(&mut self, at: &At, data: &Data) {
        let has_fields = data.fields.is_some();
        let ty = match &data.ty {
            Some(text) => match TypeExpr::parse(text) {
                Ok(ty) => {
                    self.type_refs(at, "response.data.type", &ty);
                    Some(ty)
                }
                Err(msg) => return self.report(at, "response.data.type", msg),
            },
            None => None,
        };
        let ok = match data.shape {
            Shape::Object => {
                has_fields != matches!(ty, Some(TypeExpr::Named(_)))
                    && (ty.is_none() || !has_fields)
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
        if let Some(fields) = &data.fields {
            self.fields(at, "response.data.fields", fields, false);
        }
    }

    fn errata_refs(&mut self, at: &At, field: &str, ids: &[String]) {
        for (i, id) in ids.iter().enumerate() {
            if !self.errata_ids.contains(id) {
                self.report(
                    at,
                    format!("{field}[{i}]"),
                    format!("erratum `{id}` is not in errata.yaml"),
                );
            }
        }
    }

    fn username_rule(&self) -> &'a UsernameRule {
        &self.spec.api.username_rule
    }

    fn example(&mut self, at: &At, field: &str, op: &Operation, ex: &Example) {
        self.errata_refs(at, &format!("{field}.errata"), &ex.errata);
        if ex.wire.method != op.method {
            self.report(
                at,
                format!("{field}.wire.method"),
                format!(
                    "is {} but the operation is {}",
                    ex.wire.method.as_str(),
                    op.method.as_str()
                ),
            );
        }
        if !path_matches(&op.path, &ex.wire.path) {
            self.report(
                at,
                format!("{field}.wire.path"),
                format!("`{}` does not fit the template `{}`", ex.wire.path, op.path),
            );
        }
        let mut problems = Vec::new();
        let rule = self.username_rule();
        // Path arguments: exactly the declared placeholders.
        for p in &op.path_params {
            if !ex.request.path.contains_key(&p.name) {
                problems.push((
                    format!(".request.path.{}", p.name),
                    "missing path argument".to_string(),
                ));
            }
        }
        for (name, value) in &ex.request.path {
            match op.path_params.iter().find(|p| &p.name == name) {
                None => problems.push((
                    format!(".request.path.{name}"),
                    "not a path parameter of this operation".into(),
                )),
                Some(p) => {
                    let ty = TypeExpr::parse(&p.ty).unwrap_or(TypeExpr::Any);
                    let limits = Limits::of_param(p);
                    let sub = format!(".request.path.{name}");
                    if let Some(list) = &p.list {
                        let list_limits = Limits {
                            max_items: Some(list.max_items),
                            min_items: Some(1),
                            ..Limits::default()
                        };
                        check_value(
                            &TypeExpr::Array(Box::new(ty)),
                            &list_limits,
                            value,
                            &sub,
                            rule,
                            &self.types,
                            &mut problems,
                        );
                    } else {
                        check_value(&ty, &limits, value, &sub, rule, &self.types, &mut problems);
                    }
                }
            }
        }
        for (kind, args, params) in [
            ("query", &ex.request.query, &op.query),
            ("headers", &ex.request.headers, &op.headers),
        ] {
            for (name, value) in args {
                let sub = format!(".request.{kind}.{name}");
                match params.iter().find(|p| &p.name == name) {
                    None => {
                        problems.push((sub, format!("not a {kind} parameter of this operation")))
                    }
                    Some(p) => {
                        let ty = TypeExpr::parse(&p.ty).unwrap_or(TypeExpr::Any);
                        check_value(
                            &ty,
                            &Limits::of_param(p),
                            value,
                            &sub,
                            rule,
                            &self.types,
                            &mut problems,
                        );
                    }
                }
            }
            for p in params.iter().filter(|p| p.required == Some(true)) {
                if !args.contains_key(&p.name) {
                    problems.push((
                        format!(".request.{kind}.{}", p.name),
                        "missing required argument".into(),
                    ));
                }
            }
        }
        if let Some(query) = &ex.wire.query
            && (query.starts_with('?') || query.contains(' '))
        {
            problems.push((
                ".wire.query".into(),
                "write the query without `?` and percent-encoded".into(),
            ));
        }
        // Body: explicit arguments, or the wire body.
        let mut wire_body_unreadable = false;
        let form = op.request.as_ref().filter(|b| b.kind == BodyKind::Form);
        let wire_body = match (&ex.wire.body, form) {
            (None, _) => None,
            (Some(text), Some(body)) => {
                let type_of = |name: &str| {
                    let ty = match body.fields.iter().find(|f| f.name == name) {
                        Some(field) => &field.ty,
                        None => &body.additional.as_ref()?.ty,
                    };
                    TypeExpr::parse(ty).ok()
                };
                match crate::form::typed_object(text, type_of) {
                    Ok(map) => Some(Value::Object(map)),
                    Err(e) => {
                        problems.push((".wire.body".into(), format!("invalid form text: {e}")));
                        wire_body_unreadable = true;
                        None
                    }
                }
            }
            (Some(text), None) => match serde_json::from_str::<Value>(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    problems.push((
                        ".wire.body".into(),
                        format!("invalid JSON: {e}; fix it and record the fix in the errata"),
                    ));
                    wire_body_unreadable = true;
                    None
                }
            },
        };
        let body_args: Option<serde_json::Map<String, Value>> = match (&ex.request.body, &wire_body)
        {
            (Some(args), _) => Some(args.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            (None, Some(Value::Object(map))) => Some(map.clone()),
            // A bare-array body is the value of the operation's one field.
            (None, Some(array @ Value::Array(_)))
                if op
                    .request
                    .as_ref()
                    .is_some_and(|b| b.kind == BodyKind::JsonArray) =>
            {
                op.request
                    .as_ref()
                    .and_then(|b| b.fields.first())
                    .map(|f| [(f.name.clone(), array.clone())].into_iter().collect())
            }
            (None, Some(_)) => {
                problems.push((".wire.body".into(), "a JSON body must be an object".into()));
                wire_body_unreadable = true;
                None
            }
            (None, None) => None,
        };
        match (&op.request, body_args) {
            (None, Some(_)) => problems.push((
                ".wire.body".into(),
                "the operation has no request body".into(),
            )),
            // Reported above; its fields are not "missing" on top of that.
            (Some(_), None) if wire_body_unreadable => {}
            (Some(body), args) if body.kind != BodyKind::Multipart => {
                let args = args.unwrap_or_default();
                for f in &body.fields {
                    if f.required && !args.contains_key(&f.name) {
                        problems.push((
                            format!(".request.body.{}", f.name),
                            "missing required field".into(),
                        ));
                    }
                }
                let additional_ty = body
                    .additional
                    .as_ref()
                    .and_then(|a| TypeExpr::parse(&a.ty).ok());
                for (name, value) in &args {
                    let sub = format!(".request.body.{name}");
                    match body.fields.iter().find(|f| &f.name == name) {
                        None => match &additional_ty {
                            Some(ty) => check_value(
                                ty,
                                &Limits::default(),
                                value,
                                &sub,
                                rule,
                                &self.types,
                                &mut problems,
                            ),
                            None => problems.push((sub, "not a field of the request body".into())),
                        },
                        Some(f) => {
                            let ty = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
                            check_value(
                                &ty,
                                &Limits::of_field(f),
                                value,
                                &sub,
                                rule,
                                &self.types,
                                &mut problems,
                            );
                        }
                    }
                }
            }
            _ => {}
        }
        // Response: a download's body is the file itself, not JSON.
        if op.response.body == ResponseBody::Binary {
            if !ex.response.expect.is_empty() {
                problems.push((
                    ".response.expect".into(),
                    "a download has no JSON fields to expect".into(),
                ));
            }
        } else {
            self.example_response(op, ex, &mut problems);
        }
        for (sub, msg) in problems {
            self.report(at, format!("{field}{sub}"), msg);
        }
    }

    fn example_response(&self, op: &Operation, ex: &Example, problems: &mut Vec<(String, String)>) {
        match serde_json::from_str::<Value>(&ex.response.body) {
            Err(e) => problems.push((
                ".response.body".into(),
                format!("invalid JSON: {e}; fix it and record the fix in the errata"),
            )),
            Ok(body) => {
                if (200..300).contains(&ex.response.status) {
                    let data = match op.response.payload.as_deref() {
                        Some("root") => Some(&body),
                        key => body.get(key.unwrap_or("data")),
                    };
                    let fits = match (op.response.data.shape, data) {
                        (Shape::None, _) => true,
                        (_, None) => false,
                        (Shape::Object | Shape::Map, Some(d)) => d.is_object(),
                        (Shape::Array, Some(d)) => d.is_array(),
                        (Shape::Scalar, Some(d)) => !d.is_object() && !d.is_array(),
                    };
                    if !fits {
                        problems.push((
                            ".response.body".into(),
                            format!(
                                "`data` does not have the declared shape {:?}",
                                op.response.data.shape
                            ),
                        ));
                    }
                }
                for (pointer, expected) in &ex.response.expect {
                    match body.pointer(pointer) {
                        None => problems.push((
                            format!(".response.expect.{pointer}"),
                            "the pointer matches nothing in the body".into(),
                        )),
                        Some(actual) if actual != expected => problems.push((
                            format!(".response.expect.{pointer}"),
                            format!("the body has {actual}, not {expected}"),
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

/// Names the generated request builders use for their own fields and
/// methods; an argument with one of them would clash.
const RESERVED_ARGS: &[&str] = &[
    "client",
    "options",
    "timeout",
    "header",
    "into_stream",
    "send",
    "validate",
    "into_future",
];

/// The limits of a field or parameter, in one place.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Maximum length in characters.
    pub max_length: Option<u32>,
    /// Minimum length in characters.
    pub min_length: Option<u32>,
    /// Smallest allowed integer.
    pub minimum: Option<i64>,
    /// Largest allowed integer.
    pub maximum: Option<i64>,
    /// Maximum number of array items.
    pub max_items: Option<u32>,
    /// Minimum number of array items.
    pub min_items: Option<u32>,
    /// Allowed string values.
    pub enumeration: Option<Vec<String>>,
    /// Maximum size in bytes (a file, or a string's UTF-8).
    pub max_bytes: Option<u64>,
    /// Limits of every key of a `map<string>`.
    pub keys: Option<TextLimits>,
    /// Limits of every value of a `map<string>`.
    pub values: Option<TextLimits>,
}

impl Limits {
    /// The limits declared on a field.
    pub fn of_field(f: &Field) -> Limits {
        Limits {
            max_length: f.max_length,
            min_length: f.min_length,
            minimum: f.minimum,
            maximum: f.maximum,
            max_items: f.max_items,
            min_items: f.min_items,
            enumeration: f.enumeration.clone(),
            max_bytes: f.max_bytes,
            keys: f.keys.clone(),
            values: f.values.clone(),
        }
    }

    /// The limits declared on a parameter.
    pub fn of_param(p: &Param) -> Limits {
        Limits {
            max_length: p.max_length,
            min_length: p.min_length,
            minimum: p.minimum,
            maximum: p.maximum,
            max_items: p.max_items,
            min_items: p.min_items,
            enumeration: p.enumeration.clone(),
            max_bytes: p.max_bytes,
            keys: None,
            values: None,
        }
    }
}

/// The first limit of `l` that `text` breaks, described.
fn check_text(text: &str, l: &TextLimits) -> Option<String> {
    let chars = text.chars().count() as u64;
    let bytes = text.len() as u64;
    if let Some(max) = l.max_length
        && chars > u64::from(max)
    {
        return Some(format!("{chars} characters, at most {max} allowed"));
    }
    if let Some(max) = l.max_bytes
        && bytes > max
    {
        return Some(format!("{bytes} bytes of UTF-8, at most {max} allowed"));
    }
    let extra = l.extra_chars.as_deref()?;
    text.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || extra.contains(*c)))
        .map(|c| format!("`{c}` is not an ASCII letter, a digit or one of `{extra}`"))
}

/// Checks an example value against a type and its limits; problems are pushed
/// as (path suffix, message).
fn check_value(
    ty: &TypeExpr,
    limits: &Limits,
    value: &Value,
    path: &str,
    rule: &UsernameRule,
    types: &BTreeMap<String, &NamedType>,
    out: &mut Vec<(String, String)>,
) {
    let mismatch = |out: &mut Vec<(String, String)>| {
        out.push((
            path.to_string(),
            format!("expected {ty}, found {}", json_kind(value)),
        ));
    };
    match (ty, value) {
        (TypeExpr::Any, _) => {}
        (TypeExpr::String | TypeExpr::Username, Value::String(s)) => {
            let chars = s.chars().count() as u64;
            if let Some(max) = limits.max_length
                && chars > u64::from(max)
            {
                out.push((
                    path.into(),
                    format!("{chars} characters, at most {max} allowed"),
                ));
            }
            let bytes = s.len() as u64;
            if let Some(max) = limits.max_bytes
                && bytes > max
            {
                out.push((
                    path.into(),
                    format!("{bytes} bytes of UTF-8, at most {max} allowed"),
                ));
            }
            if let Some(min) = limits.min_length
                && chars < u64::from(min)
            {
                out.push((
                    path.into(),
                    format!("{chars} characters, at least {min} required"),
                ));
            }
            if let Some(allowed) = &limits.enumeration
                && !allowed.contains(s)
            {
                out.push((path.into(), format!("`{s}` is not one of {allowed:?}")));
            }
            if *ty == TypeExpr::Username
                && let Err(msg) = check_username(s, rule)
            {
                out.push((path.into(), msg));
            }
        }
        (TypeExpr::Integer, Value::Number(n)) => match n.as_i64() {
            None => mismatch(out),
            Some(v) => check_range(v, limits, path, out),
        },
        (TypeExpr::Number, Value::Number(n)) => {
            if let Some(v) = n.as_f64() {
                let below = limits.minimum.is_some_and(|m| v < m as f64);
                let above = limits.maximum.is_some_and(|m| v > m as f64);
                if below || above {
                    out.push((
                        path.into(),
                        format!("{v} is outside {:?}..={:?}", limits.minimum, limits.maximum),
                    ));
                }
            }
        }
        (TypeExpr::Boolean, Value::Bool(_)) => {}
        (TypeExpr::BoolOrString, Value::Bool(_) | Value::String(_)) => {}
        (TypeExpr::Array(item), Value::Array(values)) => {
            let n = values.len() as u64;
            if let Some(max) = limits.max_items
                && n > u64::from(max)
            {
                out.push((path.into(), format!("{n} items, at most {max} allowed")));
            }
            if let Some(min) = limits.min_items
                && n < u64::from(min)
            {
                out.push((path.into(), format!("{n} items, at least {min} required")));
            }
            for (i, v) in values.iter().enumerate() {
                check_value(
                    item,
                    &Limits::default(),
                    v,
                    &format!("{path}[{i}]"),
                    rule,
                    types,
                    out,
                );
            }
        }
        (TypeExpr::Map(item), Value::Object(map)) => {
            let n = map.len() as u64;
            if let Some(max) = limits.max_items
                && n > u64::from(max)
            {
                out.push((path.into(), format!("{n} entries, at most {max} allowed")));
            }
            for (k, v) in map {
                let entry = format!("{path}.{k}");
                if let Some(keys) = &limits.keys
                    && let Some(problem) = check_text(k, keys)
                {
                    out.push((entry.clone(), format!("key: {problem}")));
                }
                check_value(item, &Limits::default(), v, &entry, rule, types, out);
                if let (Some(values), Value::String(text)) = (&limits.values, v)
                    && let Some(problem) = check_text(text, values)
                {
                    out.push((entry, problem));
                }
            }
        }
        (TypeExpr::Named(name), Value::Object(map)) => {
            if let Some(t) = types.get(name) {
                for f in &t.fields {
                    if f.required && !map.contains_key(&f.name) {
                        out.push((
                            format!("{path}.{}", f.name),
                            "missing required field".into(),
                        ));
                    }
                }
                for (k, v) in map {
                    if let Some(f) = t.fields.iter().find(|f| &f.name == k)
                        && let Ok(fty) = TypeExpr::parse(&f.ty)
                    {
                        check_value(
                            &fty,
                            &Limits::of_field(f),
                            v,
                            &format!("{path}.{k}"),
                            rule,
                            types,
                            out,
                        );
                    }
                }
            }
        }
        _ => mismatch(out),
    }
}

fn check_range(v: i64, limits: &Limits, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(min) = limits.minimum
        && v < min
    {
        out.push((path.into(), format!("{v} is below the minimum {min}")));
    }
    if let Some(max) = limits.maximum
        && v > max
    {
        out.push((path.into(), format!("{v} is above the maximum {max}")));
    }
}

/// The username rule, as the client checks it before sending.
pub(crate) fn check_username(s: &str, rule: &UsernameRule) -> Result<(), String> {
    let n = s.chars().count() as u32;
    if n < rule.min_length || n > rule.max_length {
        return Err(format!(
            "username `{s}` has {n} characters, {}..={} allowed",
            rule.min_length, rule.max_length
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || rule.extra_chars.contains(*c)))
    {
        return Err(format!("username `{s}` contains `{bad}`"));
    }
    Ok(())
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The `{name}` placeholders of a template, in order.
pub(crate) fn placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in `{template}`"))?;
        let name = &after[..end];
        if !is_snake(name) {
            return Err(format!(
                "placeholder `{{{name}}}` in `{template}` is not snake_case"
            ));
        }
        names.push(name.to_string());
        rest = &after[end + 1..];
    }
    if rest.contains('}') {
        return Err(format!("unmatched `}}` in `{template}`"));
    }
    Ok(names)
}

/// Does a concrete wire path fit a template? Placeholders match one
/// non-empty segment.
fn path_matches(template: &str, wire: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let w: Vec<&str> = wire.split('/').collect();
    t.len() == w.len()
        && t.iter().zip(&w).all(|(t, w)| {
            if t.starts_with('{') && t.ends_with('}') {
                !w.is_empty()
            } else {
                t == w
            }
        })
}

fn is_snake(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_order() {
        assert_eq!(
            placeholders("/chatrooms/{chatroom_id}/users/{username}").unwrap(),
            vec!["chatroom_id", "username"]
        );
        assert!(placeholders("/a/{b").is_err());
        assert!(placeholders("/a/{Bad}").is_err());
    }

    #[test]
    fn wire_paths_fit_templates() {
        assert!(path_matches("/chatrooms/{id}", "/chatrooms/XXXX%2CYYYY"));
        assert!(!path_matches("/chatrooms/{id}", "/chatrooms/"));
        assert!(!path_matches("/chatrooms/{id}", "/chatroom/x"));
    }

    #[test]
    fn username_rule() {
        let rule = UsernameRule {
            min_length: 1,
            max_length: 64,
            extra_chars: "_.-".into(),
            case_insensitive: true,
            source: crate::spec::model::Source {
                page: "p".into(),
                section: "s".into(),
            },
        };
        assert!(check_username("Aa_.-9", &rule).is_ok());
        assert!(check_username("a/b", &rule).unwrap_err().contains("`/`"));
        assert!(check_username("", &rule).is_err());
        assert!(check_username(&"a".repeat(65), &rule).is_err());
    }
}
