//! Type expressions resolved to IR types, and the object types: declared
//! ones (a group's `types`) and the inline objects of responses.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{At, Lowerer};
use crate::ir::{
    Enum, EnumId, EnumValue, EnumWire, Object, ObjectId, ObjectRole, Ty, Union, UnionId, Variant,
};
use crate::spec::{LoadedGroup, model};
use crate::types::TypeExpr;

/// UpperCamelCase ASCII: what the type language reads as a type name.
fn is_type_name(name: &str) -> bool {
    matches!(TypeExpr::parse(name), Ok(TypeExpr::Named(n)) if n == name)
}

impl Lowerer<'_> {
    /// Registers every declared type (names must be UpperCamelCase and
    /// unique across groups, since any group may use them), then lowers
    /// their fields, which may name each other.
    pub(super) fn declare_types(&mut self) {
        let spec = self.spec;
        let mut objects = Vec::new();
        let mut unions = Vec::new();
        for (index, LoadedGroup { file, group }) in spec.groups.iter().enumerate() {
            for t in &group.types {
                let at = At::spanned(file, &t.name);
                if !is_type_name(&t.name.value) {
                    self.report(
                        &at,
                        "name",
                        "type names are UpperCamelCase ASCII letters and digits",
                    );
                }
                let kinds = [t.fields.is_some(), t.values.is_some(), t.union.is_some()];
                if kinds.iter().filter(|k| **k).count() != 1 {
                    self.report(
                        &at,
                        "name",
                        "a type has exactly one of `fields` (an object), `values` (a closed set) or `union`",
                    );
                }
                let ty = if let Some(values) = &t.values {
                    let values = self.enum_values(&at, values);
                    self.enums.push(Enum {
                        group: index,
                        name: t.name.value.clone(),
                        description: t.description.clone(),
                        values,
                        origin: at.origin(),
                    });
                    Ty::Enum(EnumId(self.enums.len() - 1))
                } else if let Some(union) = &t.union {
                    self.unions.push(Union {
                        group: index,
                        name: t.name.value.clone(),
                        description: t.description.clone(),
                        tag: union.tag.clone(),
                        content: union.content.clone(),
                        variants: Vec::new(),
                        origin: at.origin(),
                    });
                    let id = UnionId(self.unions.len() - 1);
                    unions.push((id, at.clone(), union));
                    Ty::Union(id)
                } else {
                    let id = self.new_object(Object {
                        group: index,
                        role: ObjectRole::Declared(t.name.value.clone()),
                        description: Some(t.description.clone()),
                        fields: Vec::new(),
                        origin: at.origin(),
                    });
                    objects.push((id, at.clone(), t.fields.as_deref().unwrap_or_default()));
                    Ty::Object(id)
                };
                if self.named.insert(t.name.value.clone(), ty).is_some() {
                    self.report(&at, "name", "another type has the same name");
                }
            }
        }
        for (id, at, fields) in objects {
            let fields = self.fields(&at, "fields", fields, false);
            self.objects[id.0].fields = fields;
        }
        for (id, at, union) in unions {
            let variants = self.variants(&at, union);
            self.unions[id.0].variants = variants;
        }
    }

    /// The values of a closed set: all strings or all integers, each once.
    fn enum_values(&mut self, at: &At, values: &[model::EnumValue]) -> Vec<EnumValue> {
        if values.is_empty() {
            self.report(at, "values", "a closed set needs at least one value");
        }
        let mut seen = Vec::new();
        let mut lowered = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let field = format!("values[{i}]");
            let value = match &v.value {
                Value::String(s) => EnumWire::String(s.clone()),
                Value::Number(n) if n.as_i64().is_some() => {
                    EnumWire::Integer(n.as_i64().unwrap_or_default())
                }
                other => {
                    self.report(
                        at,
                        format!("{field}.value"),
                        format!("`{other}`: a value is a string or an integer"),
                    );
                    continue;
                }
            };
            if let Some(first) = lowered.first().map(|f: &EnumValue| &f.value)
                && std::mem::discriminant(first) != std::mem::discriminant(&value)
            {
                self.report(
                    at,
                    format!("{field}.value"),
                    "the values of one set are all strings or all integers",
                );
            }
            if seen.contains(&value) {
                self.report(at, format!("{field}.value"), "this value is listed twice");
            }
            if let Some(name) = &v.name
                && !is_type_name(name)
            {
                self.report(
                    at,
                    format!("{field}.name"),
                    "value names are UpperCamelCase ASCII letters and digits",
                );
            }
            seen.push(value.clone());
            lowered.push(EnumValue {
                value,
                name: v.name.clone(),
                description: v.description.clone(),
            });
        }
        lowered
    }

    /// The variants of a union, each with its fields.
    fn variants(&mut self, at: &At, union: &model::Union) -> Vec<Variant> {
        if union.variants.is_empty() {
            self.report(at, "union.variants", "a union needs at least one variant");
        }
        if union.tag == union.content || union.tag.is_empty() || union.content.is_empty() {
            self.report(
                at,
                "union",
                "`tag` and `content` are two different, non-empty keys",
            );
        }
        let mut values = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut lowered = Vec::new();
        for (i, v) in union.variants.iter().enumerate() {
            let field = format!("union.variants[{i}]");
            if !values.insert(v.value.as_str()) {
                self.report(
                    at,
                    format!("{field}.value"),
                    "another variant has this value",
                );
            }
            if !is_type_name(&v.name) {
                self.report(
                    at,
                    format!("{field}.name"),
                    "variant names are UpperCamelCase ASCII letters and digits",
                );
            }
            if !names.insert(v.name.as_str()) {
                self.report(at, format!("{field}.name"), "another variant has this name");
            }
            let fields = self.fields(at, &format!("{field}.fields"), &v.fields, false);
            lowered.push(Variant {
                value: v.value.clone(),
                name: v.name.clone(),
                description: v.description.clone(),
                fields,
            });
        }
        lowered
    }

    pub(super) fn new_object(&mut self, object: Object) -> ObjectId {
        self.objects.push(object);
        ObjectId(self.objects.len() - 1)
    }

    /// Parses and resolves a type expression; a problem is reported at
    /// `field` and gives `None`.
    pub(super) fn ty(&mut self, at: &At, field: &str, text: &str) -> Option<Ty> {
        match TypeExpr::parse(text) {
            Ok(expr) => self.resolve(at, field, &expr),
            Err(msg) => {
                self.report(at, field, msg);
                None
            }
        }
    }

    fn resolve(&mut self, at: &At, field: &str, expr: &TypeExpr) -> Option<Ty> {
        Some(match expr {
            TypeExpr::String => Ty::String,
            TypeExpr::Username => Ty::Username,
            TypeExpr::Integer => Ty::Integer,
            TypeExpr::Number => Ty::Number,
            TypeExpr::Boolean => Ty::Boolean,
            TypeExpr::Any => Ty::Any,
            TypeExpr::BoolOrString => Ty::BoolOrString,
            TypeExpr::File => Ty::File,
            TypeExpr::Array(inner) => Ty::Array(Box::new(self.resolve(at, field, inner)?)),
            TypeExpr::Map(inner) => Ty::Map(Box::new(self.resolve(at, field, inner)?)),
            TypeExpr::Named(name) => match self.named.get(name) {
                Some(ty) => ty.clone(),
                None => {
                    self.report(
                        at,
                        field,
                        format!("type `{name}` is not declared under any group's `types`"),
                    );
                    return None;
                }
            },
        })
    }

    /// A type as the spec writes it, for messages.
    pub(super) fn type_text(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "string".into(),
            Ty::Username => "username".into(),
            Ty::Integer => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Any => "any".into(),
            Ty::BoolOrString => "bool_or_string".into(),
            Ty::File => "file".into(),
            Ty::Array(inner) => format!("array<{}>", self.type_text(inner)),
            Ty::Map(inner) => format!("map<{}>", self.type_text(inner)),
            Ty::Object(id) => match &self.objects[id.0].role {
                ObjectRole::Declared(name) => name.clone(),
                ObjectRole::ResponseData { .. } | ObjectRole::ResponseItem { .. } => {
                    "object".into()
                }
            },
            Ty::Enum(id) => self.enums[id.0].name.clone(),
            Ty::Union(id) => self.unions[id.0].name.clone(),
            // Only callbacks use them, and they are lowered on their own.
            Ty::Callback(_) => "object".into(),
        }
    }
}
