//! Type expressions resolved to IR types, and the object types: declared
//! ones (a group's `types`) and the inline objects of responses.

use super::{At, Lowerer};
use crate::ir::{Object, ObjectId, ObjectRole, Ty};
use crate::spec::LoadedGroup;
use crate::types::TypeExpr;

impl Lowerer<'_> {
    /// Registers every declared type (names must be UpperCamelCase and
    /// unique across groups, since any group may use them), then lowers
    /// their fields, which may name each other.
    pub(super) fn declare_types(&mut self) {
        let spec = self.spec;
        let mut declared = Vec::new();
        for (index, LoadedGroup { file, group }) in spec.groups.iter().enumerate() {
            for t in &group.types {
                let at = At::spanned(file, &t.name);
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
                let id = self.new_object(Object {
                    group: index,
                    role: ObjectRole::Declared(t.name.value.clone()),
                    description: Some(t.description.clone()),
                    fields: Vec::new(),
                    origin: at.origin(),
                });
                if self.named.insert(t.name.value.clone(), id).is_some() {
                    self.report(&at, "name", "another type has the same name");
                }
                declared.push((id, at, &t.fields));
            }
        }
        for (id, at, fields) in declared {
            let fields = self.fields(&at, "fields", fields, false);
            self.objects[id.0].fields = fields;
        }
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
                Some(id) => Ty::Object(*id),
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
        }
    }
}
