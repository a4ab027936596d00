//! Fields (of bodies, responses, the envelope and declared types) and
//! parameters (path, query, header).

use std::collections::BTreeSet;

use super::{At, Lowerer};
use crate::ir::{Field, Param, ParamLocation, Ty};
use crate::spec::model;

impl Lowerer<'_> {
    /// Lowers a list of fields at `prefix` (`request.fields`, ...). `file`
    /// types are allowed only in multipart bodies.
    pub(super) fn fields(
        &mut self,
        at: &At,
        prefix: &str,
        fields: &[model::Field],
        multipart: bool,
    ) -> Vec<Field> {
        let mut names = BTreeSet::new();
        let mut lowered = Vec::new();
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
            let Some(ty) = self.ty(at, &format!("{field}.type"), &f.ty) else {
                continue;
            };
            if ty == Ty::File && !multipart {
                self.report(
                    at,
                    format!("{field}.type"),
                    "`file` fields only exist in multipart bodies",
                );
            }
            let limits = super::limits::of_field(f);
            self.limits(at, &field, &ty, &limits, false);
            if f.secret && !ty.is_stringy() {
                self.report(
                    at,
                    format!("{field}.secret"),
                    "only a string can be a secret",
                );
            }
            lowered.push(Field {
                wire_name: f.name.clone(),
                ty,
                required: f.required,
                secret: f.secret,
                description: f.description.clone(),
                limits,
                errata: f.errata.clone(),
                spec_path: field,
            });
        }
        // A union takes its tag key beside its own: no field may have it.
        for (i, f) in lowered.iter().enumerate() {
            if let Ty::Union(id) = &f.ty {
                let tag = &self.unions[id.0].tag;
                if let Some(other) = lowered.iter().find(|g| &g.wire_name == tag) {
                    let message = format!(
                        "the union `{}` puts its tag `{tag}` beside `{}`, but `{}` is a field of its own here",
                        self.unions[id.0].name, f.wire_name, other.wire_name
                    );
                    self.report(at, format!("{prefix}[{i}]"), message);
                }
            }
        }
        lowered
    }

    /// Lowers the parameter at `field` (`query[2]`).
    pub(super) fn param(
        &mut self,
        at: &At,
        field: &str,
        location: ParamLocation,
        p: &model::Param,
    ) -> Option<Param> {
        let kind = match location {
            ParamLocation::Path => "path_params",
            ParamLocation::Query => "query",
            ParamLocation::Header => "headers",
        };
        self.errata_refs(at, &format!("{field}.errata"), &p.errata);
        let ty = self.ty(at, &format!("{field}.type"), &p.ty)?;
        if !ty.is_scalar() {
            let text = self.type_text(&ty);
            self.report(
                at,
                format!("{field}.type"),
                format!("{kind} parameters are strings, numbers or booleans, not `{text}`"),
            );
        }
        if location == ParamLocation::Path {
            if !(ty.is_stringy() || ty == Ty::Integer && p.list.is_none()) {
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
        if location == ParamLocation::Header && !is_header_name(&p.name) {
            self.report(at, format!("{field}.name"), "not a valid HTTP header name");
        }
        let limits = super::limits::of_param(p);
        self.limits(at, field, &ty, &limits, p.list.is_some());
        if let Some(default) = &p.default {
            let mut problems = Vec::new();
            self.check_value(&ty, &limits, default, "", &mut problems);
            for (sub, msg) in problems {
                self.report(at, format!("{field}.default{sub}"), msg);
            }
        }
        Some(Param {
            location,
            wire_name: p.name.clone(),
            ty,
            required: location == ParamLocation::Path || p.required.unwrap_or(false),
            description: p.description.clone(),
            default: p.default.clone(),
            limits,
            list_max: p.list.as_ref().map(|l| l.max_items),
            errata: p.errata.clone(),
            spec_path: field.to_string(),
        })
    }
}

fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}
