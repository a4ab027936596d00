//! `spec/callbacks/` lowered into the IR ([`crate::ir::callbacks`]), once
//! its checks (`callbacks.rs`) found no problem: type expressions resolved
//! to [`Ty`], inline objects made types of their own, every example a whole
//! body with the operation it belongs to, and each callback union matched
//! with the union of what the client sends that reads the same JSON.

use std::collections::BTreeMap;
use std::path::Path;

use super::At;
use crate::ir::callbacks::{
    CallbackExample, CallbackObject, CallbackObjectRole, CallbackOperation, CallbackType,
    CallbackTypeId, CallbackUnion, CallbackVariant, Callbacks, Family,
};
use crate::ir::{Field, Limits, Object, Origin, Ty, Union, UnionId};
use crate::spec::Spec;
use crate::spec::callbacks::{COMMON_FILE, CallbackField, family_examples};
use crate::types::TypeExpr;

/// The callbacks of a spec whose callbacks passed their checks; `None`
/// when the spec has none. `unions` and `objects` are the lowered types of
/// the groups, for matching callback unions with what the client sends.
pub(super) fn lower(spec: &Spec, unions: &[Union], objects: &[Object]) -> Option<Callbacks> {
    let loaded = spec.callbacks.as_ref()?;
    let common = &loaded.common;
    let mut cx = Cx {
        named: BTreeMap::new(),
        types: Vec::new(),
    };
    // Declared types first, so that fields can name any of them.
    let declared: Vec<(&Path, &crate::spec::callbacks::CallbackType)> = common
        .types
        .iter()
        .map(|t| (Path::new(COMMON_FILE), t))
        .chain(
            loaded
                .files
                .iter()
                .flat_map(|f| f.callbacks.types.iter().map(move |t| (f.file.as_path(), t))),
        )
        .collect();
    for (i, (file, t)) in declared.iter().enumerate() {
        let origin = At::spanned(file, &t.name).origin();
        let placeholder = if t.tag.is_some() {
            CallbackType::Union(CallbackUnion {
                name: t.name.value.clone(),
                description: t.description.clone(),
                tag: t.tag.clone().unwrap_or_default(),
                variants: Vec::new(),
                sending: None,
                origin,
            })
        } else {
            CallbackType::Object(CallbackObject {
                role: CallbackObjectRole::Declared(t.name.value.clone()),
                description: t.description.clone(),
                fields: Vec::new(),
                origin,
                spec_path: "fields".into(),
            })
        };
        cx.types.push(placeholder);
        cx.named.insert(t.name.value.clone(), CallbackTypeId(i));
    }
    for (i, (file, t)) in declared.iter().enumerate() {
        let origin = At::spanned(file, &t.name).origin();
        let owner = Owner::Type(&origin);
        let shared = cx.fields(&owner, "fields", &t.fields);
        match &mut cx.types[i] {
            CallbackType::Object(object) => object.fields = shared,
            CallbackType::Union(_) => {
                let variants: Vec<CallbackVariant> = t
                    .variants
                    .iter()
                    .enumerate()
                    .map(|(v, variant)| {
                        let spec_path = format!("variants[{v}].fields");
                        let mut fields = shared.clone();
                        fields.extend(cx.fields(&owner, &spec_path, &variant.fields));
                        CallbackVariant {
                            value: variant.value.value.clone(),
                            description: variant.description.clone(),
                            fields,
                            sending: None,
                            spec_path,
                        }
                    })
                    .collect();
                if let CallbackType::Union(union) = &mut cx.types[i] {
                    union.variants = variants;
                }
            }
        }
    }

    let origin = Origin {
        file: COMMON_FILE.into(),
        position: None,
        item: String::new(),
    };
    let envelope = cx.fields(&Owner::Type(&origin), "envelope", &common.envelope);
    let reply = cx.fields(&Owner::Type(&origin), "reply.fields", &common.reply.fields);

    let mut families = Vec::new();
    for file in &loaded.files {
        for family in &file.callbacks.families {
            let origin = At::spanned(&file.file, &family.name).origin();
            families.push(cx.family(family, origin, loaded));
        }
    }

    let mut callbacks = Callbacks {
        description: common.description.clone(),
        dispatch: common.dispatch.iter().map(|d| d.value.clone()).collect(),
        envelope,
        reply,
        response_max_chars: common.limits.response_max_chars,
        types: cx.types,
        families,
        origin,
    };
    match_sending(&mut callbacks, unions, objects);
    Some(callbacks)
}

/// The state of lowering the callbacks: declared names and every type so
/// far.
struct Cx {
    named: BTreeMap<String, CallbackTypeId>,
    types: Vec<CallbackType>,
}

/// Who a list of fields belongs to, which names its inline objects.
enum Owner<'a> {
    /// A declared type or the shared lists of `common.yaml`.
    Type(&'a Origin),
    /// A family's body (with one operation's additions), at `path` below
    /// the top.
    Body {
        origin: &'a Origin,
        family: &'a str,
        operation: Option<&'a str>,
        path: Vec<String>,
    },
}

impl Cx {
    fn new_type(&mut self, ty: CallbackType) -> CallbackTypeId {
        self.types.push(ty);
        CallbackTypeId(self.types.len() - 1)
    }

    /// A resolved type expression; the checks made sure it resolves, and
    /// one that did not would be `any`.
    fn resolve(&self, expr: &TypeExpr) -> Ty {
        match expr {
            TypeExpr::String | TypeExpr::Username => Ty::String,
            TypeExpr::Integer => Ty::Integer,
            TypeExpr::Number => Ty::Number,
            TypeExpr::Boolean => Ty::Boolean,
            TypeExpr::Any | TypeExpr::File => Ty::Any,
            TypeExpr::BoolOrString => Ty::BoolOrString,
            TypeExpr::Array(inner) => Ty::Array(Box::new(self.resolve(inner))),
            TypeExpr::Map(inner) => Ty::Map(Box::new(self.resolve(inner))),
            TypeExpr::Named(name) => self.named.get(name).map_or(Ty::Any, |id| Ty::Callback(*id)),
        }
    }

    fn fields(&mut self, owner: &Owner, prefix: &str, fields: &[CallbackField]) -> Vec<Field> {
        fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let spec_path = format!("{prefix}[{i}]");
                let ty = match (&f.ty, &f.fields) {
                    (_, Some(inner)) => {
                        let inner_path = format!("{spec_path}.fields");
                        let id = self.inline(owner, &f.name, &f.description, &inner_path, inner);
                        Ty::Callback(id)
                    }
                    (Some(text), None) => {
                        TypeExpr::parse(text).map_or(Ty::Any, |e| self.resolve(&e))
                    }
                    (None, None) => Ty::Any,
                };
                Field {
                    wire_name: f.name.clone(),
                    ty,
                    required: f.required,
                    secret: false,
                    description: f.description.clone(),
                    limits: Limits {
                        max_length: f.max_length,
                        enumeration: f.enumeration.clone(),
                        max_bytes: f.max_bytes,
                        ..Limits::default()
                    },
                    errata: f.errata.clone(),
                    spec_path,
                }
            })
            .collect()
    }

    /// An inline object: a type of its own, named after where it is.
    fn inline(
        &mut self,
        owner: &Owner,
        member: &str,
        description: &str,
        spec_path: &str,
        fields: &[CallbackField],
    ) -> CallbackTypeId {
        let (origin, family, operation, mut path) = match owner {
            Owner::Type(origin) => (*origin, origin.item.as_str(), None, Vec::new()),
            Owner::Body {
                origin,
                family,
                operation,
                path,
            } => (*origin, *family, *operation, path.clone()),
        };
        path.push(member.to_string());
        let inner_owner = Owner::Body {
            origin,
            family,
            operation,
            path: path.clone(),
        };
        let role = CallbackObjectRole::Inline {
            owner: family.to_string(),
            operation: operation.map(str::to_string),
            path,
        };
        let id = self.new_type(CallbackType::Object(CallbackObject {
            role,
            description: description.to_string(),
            fields: Vec::new(),
            origin: origin.clone(),
            spec_path: spec_path.to_string(),
        }));
        let lowered = self.fields(&inner_owner, spec_path, fields);
        if let CallbackType::Object(object) = &mut self.types[id.0] {
            object.fields = lowered;
        }
        id
    }

    fn family(
        &mut self,
        family: &crate::spec::callbacks::Family,
        origin: Origin,
        loaded: &crate::spec::callbacks::LoadedCallbacks,
    ) -> Family {
        let name = family.name.value.as_str();
        let owner = Owner::Body {
            origin: &origin,
            family: name,
            operation: None,
            path: Vec::new(),
        };
        let fields = self.fields(&owner, "fields", &family.fields);
        let payload_fields = family
            .fields
            .iter()
            .find(|f| f.name == "payload")
            .and_then(|f| f.fields.as_ref());
        let mut operations = Vec::new();
        for (i, op) in family.operations.iter().enumerate() {
            let spec_path = format!("operations[{i}]");
            let op_owner = Owner::Body {
                origin: &origin,
                family: name,
                operation: Some(&op.name.value),
                path: Vec::new(),
            };
            let mut op_fields = fields.clone();
            if payload_fields.is_some() && !op.payload_fields.is_empty() {
                // The family's payload members, as lowered for the family,
                // and the operation's.
                let payload = op_fields.iter_mut().find(|f| f.wire_name == "payload");
                if let Some(payload) = payload {
                    let family_members = match payload.ty.callback().map(|id| &self.types[id.0]) {
                        Some(CallbackType::Object(object)) => object.fields.clone(),
                        _ => Vec::new(),
                    };
                    let payload_owner = Owner::Body {
                        origin: &origin,
                        family: name,
                        operation: Some(&op.name.value),
                        path: vec!["payload".into()],
                    };
                    let path = format!("{spec_path}.payload_fields");
                    let mut members = family_members;
                    members.extend(self.fields(&payload_owner, &path, &op.payload_fields));
                    let id = self.new_type(CallbackType::Object(CallbackObject {
                        role: CallbackObjectRole::Inline {
                            owner: name.to_string(),
                            operation: Some(op.name.value.clone()),
                            path: vec!["payload".into()],
                        },
                        description: payload.description.clone(),
                        fields: members,
                        origin: origin.clone(),
                        spec_path: path,
                    }));
                    payload.ty = Ty::Callback(id);
                }
            }
            op_fields.extend(self.fields(&op_owner, &format!("{spec_path}.fields"), &op.fields));
            operations.push(CallbackOperation {
                name: op.name.value.clone(),
                summary: op.summary.clone(),
                source: op.source.clone(),
                select: op
                    .select
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                fields: op_fields,
                spec_path,
            });
        }
        let resolved = loaded.examples();
        let examples = family_examples(family)
            .filter_map(|example| {
                let found = resolved
                    .iter()
                    .find(|r| std::ptr::eq(r.example, example) && std::ptr::eq(r.family, family))?;
                let body = found.body.as_ref().ok()?.clone();
                let operation = found
                    .operation
                    .and_then(|op| family.operations.iter().position(|o| std::ptr::eq(o, op)));
                Some(CallbackExample {
                    name: example.name.value.clone(),
                    operation,
                    payload_elided: example.payload_elided,
                    body,
                    source: example.source.clone(),
                })
            })
            .collect();
        Family {
            name: name.to_string(),
            summary: family.summary.clone(),
            description: family.description.clone(),
            delivery: family.delivery,
            source: family.source.clone(),
            errata: family.errata.clone(),
            select_field: family.select.field.clone(),
            select_values: family.select.values.clone(),
            fields,
            operations,
            examples,
            origin,
        }
    }
}

/// How deep [`reads_as`] follows object types: deeper than any spec type
/// nests, and a bound for types that contain themselves.
const MAX_DEPTH: usize = 8;

/// Whether every JSON value of the received type `got` also decodes as the
/// sent type `sent`: the same scalar, and objects whose every member of
/// `sent` the received object has, of such a type.
fn reads_as(
    callbacks: &Callbacks,
    objects: &[Object],
    unions: &[Union],
    got: &Ty,
    sent: &Ty,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let next = |g: &Ty, s: &Ty| reads_as(callbacks, objects, unions, g, s, depth + 1);
    match (got, sent) {
        (_, Ty::Any) => true,
        (Ty::String | Ty::Username, Ty::String | Ty::Username | Ty::Enum(_)) => true,
        (Ty::Integer, Ty::Integer)
        | (Ty::Number, Ty::Number)
        | (Ty::Boolean, Ty::Boolean)
        | (Ty::BoolOrString, Ty::BoolOrString) => true,
        (Ty::Array(g), Ty::Array(s)) | (Ty::Map(g), Ty::Map(s)) => next(g, s),
        (Ty::Callback(id), Ty::Object(sent)) => match callbacks.ty(*id) {
            CallbackType::Object(got) => members_read_as(
                callbacks,
                objects,
                unions,
                &got.fields,
                &objects[sent.0].fields,
                depth,
            ),
            CallbackType::Union(_) => false,
        },
        _ => false,
    }
}

/// Whether every field of `sent` is among `got`, of a type that reads as
/// its own.
fn members_read_as(
    callbacks: &Callbacks,
    objects: &[Object],
    unions: &[Union],
    got: &[Field],
    sent: &[Field],
    depth: usize,
) -> bool {
    sent.iter().all(|s| {
        got.iter().any(|g| {
            g.wire_name == s.wire_name
                && reads_as(callbacks, objects, unions, &g.ty, &s.ty, depth + 1)
        })
    })
}

/// Matches every callback union with the sent union of the same tag whose
/// variants it reads as most often.
fn match_sending(callbacks: &mut Callbacks, unions: &[Union], objects: &[Object]) {
    let mut found: Vec<(usize, UnionId, Vec<Option<usize>>)> = Vec::new();
    for (i, ty) in callbacks.types.iter().enumerate() {
        let CallbackType::Union(union) = ty else {
            continue;
        };
        let mut best: Option<(UnionId, Vec<Option<usize>>, usize)> = None;
        for (u, sent) in unions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.tag == union.tag)
        {
            let fits: Vec<Option<usize>> = union
                .variants
                .iter()
                .map(|v| {
                    sent.variants.iter().position(|s| {
                        s.value == v.value
                            && members_read_as(callbacks, objects, unions, &v.fields, &s.fields, 0)
                    })
                })
                .collect();
            let count = fits.iter().flatten().count();
            if count > 0 && best.as_ref().is_none_or(|(_, _, n)| count > *n) {
                best = Some((UnionId(u), fits, count));
            }
        }
        if let Some((id, fits, _)) = best {
            found.push((i, id, fits));
        }
    }
    for (i, id, fits) in found {
        if let CallbackType::Union(union) = &mut callbacks.types[i] {
            union.sending = Some(id);
            for (variant, fit) in union.variants.iter_mut().zip(fits) {
                variant.sending = fit;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_keep_their_operation() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        let spec = crate::spec::load(&dir).expect("the fixture loads");
        let ir = crate::lower::lower(&spec).expect("the fixture lowers");
        let callbacks = ir.callbacks.expect("the fixture has callbacks");
        let room = &callbacks.families[0];
        let ops: Vec<Option<usize>> = room.examples.iter().map(|e| e.operation).collect();
        assert_eq!(ops, [None, Some(0), Some(1)]);
        assert!(room.examples[0].payload_elided);
        // The operation adding payload members has a payload of its own.
        let payload = |fields: &[Field]| {
            fields
                .iter()
                .find(|f| f.wire_name == "payload")
                .and_then(|f| f.ty.callback())
        };
        assert_ne!(payload(&room.fields), payload(&room.operations[0].fields));
        assert_eq!(payload(&room.fields), payload(&room.operations[1].fields));
    }
}
