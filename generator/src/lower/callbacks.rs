//! The semantic checks of `spec/callbacks/`: names, type expressions, the
//! values that select families and operations, and every example against
//! the fields it must carry. What passes here is lowered into the IR
//! (`callbacks_ir.rs`), which the emitters turn into a Rust event enum and
//! OpenAPI webhooks; they may rely on it: each example body is selected by
//! exactly its own family and operation, and every member it sends is
//! declared with a type it fits. Names of a target language (two members
//! with one Rust field name) are the emitters' checks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value};
use serde_saphyr::Spanned;

use crate::error::Diagnostic;
use crate::spec::Spec;
use crate::spec::callbacks::{
    COMMON_FILE, CallbackField, CallbackOperation, CallbackType, Delivery, Family, LoadedCallbacks,
    ResolvedExample, SECRET,
};
use crate::types::TypeExpr;

/// Every problem in the spec's callbacks; empty when it has none.
pub(crate) fn check(spec: &Spec) -> Vec<Diagnostic> {
    let Some(callbacks) = &spec.callbacks else {
        return Vec::new();
    };
    let mut c = Checker {
        callbacks,
        errata: spec
            .errata
            .errata
            .iter()
            .map(|e| e.id.value.as_str())
            .collect(),
        types: BTreeMap::new(),
        diags: Vec::new(),
    };
    c.collect_types();
    c.common();
    c.families();
    c.examples();
    c.diags
}

/// Where a problem is: file, position of the enclosing named item, and the
/// item's name.
#[derive(Clone)]
struct At {
    file: PathBuf,
    position: Option<(u64, u64)>,
    item: Option<String>,
}

impl At {
    fn file(file: &Path) -> At {
        At {
            file: file.to_path_buf(),
            position: None,
            item: None,
        }
    }

    fn named(file: &Path, name: &Spanned<String>, item: String) -> At {
        let loc = name.referenced;
        At {
            file: file.to_path_buf(),
            position: (loc.line() > 0).then(|| (loc.line(), loc.column())),
            item: Some(item),
        }
    }
}

/// A declared type and the file it is in.
struct Declared<'a> {
    file: &'a Path,
    ty: &'a CallbackType,
}

struct Checker<'a> {
    callbacks: &'a LoadedCallbacks,
    errata: BTreeSet<&'a str>,
    types: BTreeMap<&'a str, Declared<'a>>,
    diags: Vec<Diagnostic>,
}

/// The members an object (or a callback body) may carry.
#[derive(Clone, Default)]
struct Shape<'a> {
    fields: Vec<&'a CallbackField>,
}

impl<'a> Shape<'a> {
    fn with(mut self, more: &'a [CallbackField]) -> Self {
        for f in more {
            // A later list refines a member of the same name (a family makes
            // an envelope member required, or lists its values).
            match self.fields.iter_mut().find(|g| g.name == f.name) {
                Some(slot) => *slot = f,
                None => self.fields.push(f),
            }
        }
        self
    }

    fn get(&self, name: &str) -> Option<&'a CallbackField> {
        self.fields.iter().copied().find(|f| f.name == name)
    }
}

fn is_snake(name: &str) -> bool {
    name.is_ascii() && !name.is_empty() && name.to_snake_case() == name
}

fn is_camel(name: &str) -> bool {
    name.is_ascii()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.to_upper_camel_case() == name
}

/// A value for a message, cut to a readable length.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

impl<'a> Checker<'a> {
    fn report(&mut self, at: &At, field: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: at.file.clone(),
            position: at.position,
            item: at.item.clone(),
            field: field.into(),
            message: message.into(),
        });
    }

    fn errata_refs(&mut self, at: &At, field: &str, ids: &[String]) {
        for (i, id) in ids.iter().enumerate() {
            if !self.errata.contains(id.as_str()) {
                self.report(
                    at,
                    format!("{field}[{i}]"),
                    format!("erratum `{id}` is not in the errata register"),
                );
            }
        }
    }

    fn not_empty(&mut self, at: &At, field: &str, text: &str) {
        if text.trim().is_empty() {
            self.report(at, field, "must not be empty");
        }
    }

    /// Every declared type of every file: names are unique across files, as
    /// the generated types share one module.
    fn collect_types(&mut self) {
        let common = Path::new(COMMON_FILE);
        let all = self
            .callbacks
            .common
            .types
            .iter()
            .map(|t| (common, t))
            .chain(
                self.callbacks
                    .files
                    .iter()
                    .flat_map(|f| f.callbacks.types.iter().map(move |t| (f.file.as_path(), t))),
            );
        for (file, ty) in all {
            let at = At::named(file, &ty.name, ty.name.value.clone());
            if !is_camel(&ty.name.value) {
                self.report(&at, "name", "type names are UpperCamelCase ASCII");
            }
            if self.types.contains_key(ty.name.value.as_str()) {
                self.report(&at, "name", "another callbacks type has the same name");
                continue;
            }
            self.types.insert(&ty.name.value, Declared { file, ty });
        }
        let declared: Vec<(&Path, &CallbackType)> =
            self.types.values().map(|d| (d.file, d.ty)).collect();
        for (file, ty) in declared {
            self.declared_type(file, ty);
        }
    }

    fn declared_type(&mut self, file: &Path, ty: &'a CallbackType) {
        let at = At::named(file, &ty.name, ty.name.value.clone());
        self.not_empty(&at, "description", &ty.description);
        self.errata_refs(&at, "errata", &ty.errata);
        self.fields(&at, "fields", &ty.fields);
        match (&ty.tag, ty.variants.is_empty()) {
            (None, true) => {
                if ty.fields.is_empty() {
                    self.report(&at, "fields", "an object type needs fields");
                }
            }
            (None, false) => self.report(&at, "tag", "a union with variants needs a `tag`"),
            (Some(_), true) => self.report(&at, "variants", "a union needs variants"),
            (Some(tag), false) => {
                if ty.fields.iter().any(|f| &f.name == tag) {
                    self.report(&at, "fields", format!("the tag `{tag}` is not a field"));
                }
                let mut values = BTreeSet::new();
                for (i, v) in ty.variants.iter().enumerate() {
                    let field = format!("variants[{i}]");
                    if !values.insert(v.value.value.as_str()) {
                        self.report(&at, format!("{field}.value"), "duplicate variant value");
                    }
                    self.not_empty(&at, &format!("{field}.description"), &v.description);
                    self.errata_refs(&at, &format!("{field}.errata"), &v.errata);
                    self.fields(&at, &format!("{field}.fields"), &v.fields);
                    if v.fields.iter().any(|f| &f.name == tag) {
                        self.report(
                            &at,
                            format!("{field}.fields"),
                            format!("the tag `{tag}` is not a field"),
                        );
                    }
                }
            }
        }
    }

    /// Checks a list of field declarations (recursively for inline objects).
    fn fields(&mut self, at: &At, prefix: &str, fields: &'a [CallbackField]) {
        let mut names = BTreeSet::new();
        for (i, f) in fields.iter().enumerate() {
            let field = format!("{prefix}[{i}]");
            if !names.insert(f.name.as_str()) {
                self.report(at, format!("{field}.name"), "duplicate field name");
            }
            if f.name.is_empty() {
                self.report(at, format!("{field}.name"), "must not be empty");
            }
            self.not_empty(at, &format!("{field}.description"), &f.description);
            self.errata_refs(at, &format!("{field}.errata"), &f.errata);
            let ty = match (&f.ty, &f.fields) {
                (Some(text), None) => match TypeExpr::parse(text) {
                    Ok(ty) => {
                        self.type_expr(at, &format!("{field}.type"), &ty);
                        Some(ty)
                    }
                    Err(e) => {
                        self.report(at, format!("{field}.type"), e);
                        None
                    }
                },
                (None, Some(inner)) => {
                    if inner.is_empty() {
                        self.report(
                            at,
                            format!("{field}.fields"),
                            "an inline object needs fields",
                        );
                    }
                    self.fields(at, &format!("{field}.fields"), inner);
                    None
                }
                (Some(_), Some(_)) => {
                    self.report(at, &field, "give `type` or inline `fields`, not both");
                    None
                }
                (None, None) => {
                    self.report(at, &field, "a field needs `type` or inline `fields`");
                    None
                }
            };
            let stringy = ty.as_ref().is_some_and(|t| *t == TypeExpr::String);
            if (f.enumeration.is_some() || f.max_length.is_some()) && !stringy {
                self.report(
                    at,
                    &field,
                    "`enum` and `max_length` apply to string fields only",
                );
            }
            if let Some(values) = &f.enumeration
                && values.is_empty()
            {
                self.report(at, format!("{field}.enum"), "an enum needs values");
            }
        }
    }

    fn type_expr(&mut self, at: &At, field: &str, ty: &TypeExpr) {
        match ty {
            TypeExpr::Username | TypeExpr::File => self.report(
                at,
                field,
                format!("`{ty}` is for what the client sends; callbacks are received: use string"),
            ),
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => self.type_expr(at, field, inner),
            TypeExpr::Named(name) if !self.types.contains_key(name.as_str()) => self.report(
                at,
                field,
                format!("type `{name}` is not declared under `types` in spec/callbacks/"),
            ),
            _ => {}
        }
    }

    fn common(&mut self) {
        let common = &self.callbacks.common;
        let at = At::file(Path::new(COMMON_FILE));
        self.not_empty(&at, "title", &common.title);
        self.not_empty(&at, "description", &common.description);
        self.errata_refs(&at, "errata", &common.errata);
        self.fields(&at, "envelope", &common.envelope);
        let envelope = Shape::default().with(&common.envelope);

        let sig = &common.signature;
        self.errata_refs(&at, "signature.errata", &sig.errata);
        self.not_empty(&at, "signature.description", &sig.description);
        if !envelope
            .get(&sig.field)
            .is_some_and(|f| f.required && f.ty.as_deref() == Some("string"))
        {
            self.report(
                &at,
                "signature.field",
                format!(
                    "`{}` must be a required string member of `envelope`",
                    sig.field
                ),
            );
        }
        if sig.concat.iter().filter(|p| p.as_str() == SECRET).count() != 1 {
            self.report(
                &at,
                "signature.concat",
                format!("must name the rule's secret `{SECRET}` exactly once"),
            );
        }
        for (i, part) in sig.concat.iter().enumerate() {
            let scalar = |f: &CallbackField| {
                f.required && matches!(f.ty.as_deref(), Some("string" | "integer"))
            };
            if part != SECRET && !envelope.get(part).is_some_and(scalar) {
                self.report(
                    &at,
                    format!("signature.concat[{i}]"),
                    format!(
                        "`{part}` must be `{SECRET}` or a required string or integer member of `envelope`"
                    ),
                );
            }
            if part == &sig.field {
                self.report(
                    &at,
                    format!("signature.concat[{i}]"),
                    "the signature cannot sign itself",
                );
            }
        }

        let mut dispatch = BTreeSet::new();
        for (i, member) in common.dispatch.iter().enumerate() {
            let field = format!("dispatch[{i}]");
            if !dispatch.insert(member.value.as_str()) {
                self.report(&at, &field, "listed twice");
            }
            if member.value.is_empty() || member.value.contains('/') {
                self.report(&at, &field, "a top-level member name, not a pointer");
            }
        }
        if common.dispatch.is_empty() {
            self.report(&at, "dispatch", "at least one member must select families");
        }

        if common.limits.response_max_chars == 0 {
            self.report(&at, "limits.response_max_chars", "a limit of 0 is no limit");
        }
        self.errata_refs(&at, "limits.errata", &common.limits.errata);

        let reply = &common.reply;
        self.not_empty(&at, "reply.description", &reply.description);
        self.errata_refs(&at, "reply.errata", &reply.errata);
        self.fields(&at, "reply.fields", &reply.fields);
        let shape = Shape::default().with(&reply.fields);
        let mut names = BTreeSet::new();
        for (i, ex) in reply.examples.iter().enumerate() {
            let at = At::named(
                Path::new(COMMON_FILE),
                &ex.name,
                format!("reply example {}", ex.name.value),
            );
            if !names.insert(ex.name.value.as_str()) {
                self.report(&at, "name", "duplicate example name");
            }
            self.errata_refs(&at, "errata", &ex.errata);
            for id in &ex.errata {
                if !reply.errata.contains(id) {
                    self.report(
                        &at,
                        "errata",
                        format!("`{id}` must also be listed in `reply.errata`"),
                    );
                }
            }
            match serde_json::from_str::<Value>(&ex.body) {
                Err(e) => self.report(
                    &at,
                    format!("reply.examples[{i}].body"),
                    format!("invalid JSON: {e}"),
                ),
                Ok(Value::Object(map)) => {
                    let mut problems = Vec::new();
                    self.object(&shape, &map, "", false, &mut problems);
                    for (path, message) in problems {
                        self.report(&at, format!("body{path}"), message);
                    }
                }
                Ok(_) => self.report(&at, "body", "a reply is a JSON object"),
            }
        }
    }

    fn families(&mut self) {
        let callbacks = self.callbacks;
        let common = &callbacks.common;
        let envelope = Shape::default().with(&common.envelope);
        let mut family_names = BTreeMap::new();
        let mut selectors: BTreeMap<(Delivery, &str, &str), &str> = BTreeMap::new();
        let mut file_names = BTreeSet::new();
        for file in &callbacks.files {
            let cb = &file.callbacks;
            let at = At::named(&file.file, &cb.file, cb.file.value.clone());
            let stem = file
                .file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if cb.file.value != stem {
                self.report(&at, "file", format!("must equal the file name `{stem}`"));
            }
            if !file_names.insert(cb.file.value.as_str()) {
                self.report(&at, "file", "another file has the same name");
            }
            self.not_empty(&at, "title", &cb.title);
            self.not_empty(&at, "description", &cb.description);
            for family in &cb.families {
                let name = &family.name.value;
                let at = At::named(&file.file, &family.name, name.clone());
                if !is_snake(name) {
                    self.report(&at, "name", "family names are snake_case");
                }
                if family_names.insert(name.as_str(), ()).is_some() {
                    self.report(&at, "name", "another family has the same name");
                }
                self.family(&at, family, &envelope);
                for value in &family.select.values {
                    let key = (
                        family.delivery,
                        family.select.field.as_str(),
                        value.as_str(),
                    );
                    if let Some(other) = selectors.insert(key, name) {
                        self.report(
                            &at,
                            "select.values",
                            format!(
                                "`{}: {value}` already selects family `{other}`",
                                family.select.field
                            ),
                        );
                    }
                }
            }
        }
    }

    fn family(&mut self, at: &At, family: &'a Family, envelope: &Shape<'a>) {
        let common = &self.callbacks.common;
        self.not_empty(at, "summary", &family.summary);
        self.not_empty(at, "description", &family.description);
        self.errata_refs(at, "errata", &family.errata);
        self.fields(at, "fields", &family.fields);
        let top = envelope.clone().with(&family.fields);
        // The envelope is a struct of its own, so only the family's members
        // (with each operation's) share one.
        for (i, f) in family.fields.iter().enumerate() {
            // `any` in the envelope is open to any refinement.
            if let Some(base) = envelope.get(&f.name)
                && base.ty != f.ty
                && base.ty.as_deref() != Some("any")
            {
                self.report(
                    at,
                    format!("fields[{i}].type"),
                    format!(
                        "`{}` is an envelope member of type {}: a family may refine it, not change its type",
                        f.name,
                        base.ty.as_deref().unwrap_or("object")
                    ),
                );
            }
        }

        let select = &family.select;
        if !common.dispatch.iter().any(|d| d.value == select.field) {
            self.report(
                at,
                "select.field",
                format!(
                    "`{}` is not a `dispatch` member of common.yaml",
                    select.field
                ),
            );
        }
        if select.values.is_empty() {
            self.report(at, "select.values", "at least one value selects the family");
        }
        match top.get(&select.field) {
            Some(f) if f.ty.as_deref() == Some("string") => {
                if let Some(allowed) = &f.enumeration {
                    for v in select.values.iter().filter(|v| !allowed.contains(v)) {
                        self.report(
                            at,
                            "select.values",
                            format!("`{v}` is not in the `enum` of `{}`", select.field),
                        );
                    }
                }
            }
            _ => self.report(
                at,
                "select.field",
                format!("`{}` must be declared as a string member", select.field),
            ),
        }

        let mut op_names = BTreeSet::new();
        for (i, op) in family.operations.iter().enumerate() {
            let field = format!("operations[{i}]");
            if !is_snake(&op.name.value) {
                self.report(
                    at,
                    format!("{field}.name"),
                    "operation names are snake_case",
                );
            }
            if !op_names.insert(op.name.value.as_str()) {
                self.report(at, format!("{field}.name"), "duplicate operation name");
            }
            self.not_empty(at, &format!("{field}.summary"), &op.summary);
            self.errata_refs(at, &format!("{field}.errata"), &op.errata);
            self.fields(at, &format!("{field}.fields"), &op.fields);
            self.fields(at, &format!("{field}.payload_fields"), &op.payload_fields);
            for f in &op.fields {
                if top.get(&f.name).is_some() {
                    self.report(
                        at,
                        format!("{field}.fields"),
                        format!("`{}` is already a member of the family", f.name),
                    );
                }
            }
            match top.get("payload").and_then(|f| f.fields.as_deref()) {
                Some(base) => {
                    for f in op
                        .payload_fields
                        .iter()
                        .filter(|f| base.iter().any(|b| b.name == f.name))
                    {
                        self.report(
                            at,
                            format!("{field}.payload_fields"),
                            format!("`{}` is already a member of the family's payload", f.name),
                        );
                    }
                }
                None if !op.payload_fields.is_empty() => self.report(
                    at,
                    format!("{field}.payload_fields"),
                    "the family needs a `payload` field with inline `fields` to add to",
                ),
                None => {}
            }
            if op.select.is_empty() {
                self.report(
                    at,
                    format!("{field}.select"),
                    "an operation is selected by at least one member",
                );
            }
            for pointer in op.select.keys() {
                if !pointer.starts_with('/') || pointer.len() < 2 {
                    self.report(
                        at,
                        format!("{field}.select"),
                        format!("`{pointer}` is not a JSON pointer such as /payload/operation"),
                    );
                }
            }
            for other in &family.operations[..i] {
                if overlap(op, other) {
                    self.report(
                        at,
                        format!("{field}.select"),
                        format!(
                            "a body can match both `{}` and `{}`: their selectors agree on every member both name",
                            other.name.value, op.name.value
                        ),
                    );
                }
            }
        }

        // The family lists every erratum any of its parts cites, so a
        // reader of the family sees them all.
        let mut cited: Vec<(String, &String)> = Vec::new();
        let fields_of = |prefix: &str, fs: &'a [CallbackField]| {
            let mut out = Vec::new();
            collect_field_errata(prefix, fs, &mut out);
            out
        };
        cited.extend(fields_of("fields", &family.fields));
        for (i, op) in family.operations.iter().enumerate() {
            cited.extend(
                op.errata
                    .iter()
                    .map(|e| (format!("operations[{i}].errata"), e)),
            );
            cited.extend(fields_of(&format!("operations[{i}].fields"), &op.fields));
            cited.extend(fields_of(
                &format!("operations[{i}].payload_fields"),
                &op.payload_fields,
            ));
        }
        for ex in crate::spec::callbacks::family_examples(family) {
            cited.extend(
                ex.errata
                    .iter()
                    .map(|e| (format!("example {}", ex.name.value), e)),
            );
        }
        for (place, id) in cited {
            if !family.errata.contains(id) {
                self.report(
                    at,
                    place,
                    format!("`{id}` must also be listed in the family's `errata`"),
                );
            }
        }
    }

    fn examples(&mut self) {
        let callbacks = self.callbacks;
        let common = &callbacks.common;
        let envelope = Shape::default().with(&common.envelope);
        let mut names: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for resolved in callbacks.examples() {
            let ResolvedExample {
                file,
                family,
                operation,
                example,
                ..
            } = &resolved;
            let at = At::named(
                &file.file,
                &example.name,
                format!("{} example {}", family.name.value, example.name.value),
            );
            let name = &example.name.value;
            if !is_snake(name) {
                self.report(&at, "name", "example names are snake_case");
            }
            if !names
                .entry(&family.name.value)
                .or_default()
                .insert(name.clone())
            {
                self.report(
                    &at,
                    "name",
                    "another example of the family has the same name",
                );
            }
            self.errata_refs(&at, "errata", &example.errata);
            if let Some(within) = &example.within
                && let Some(base) = crate::spec::callbacks::family_examples(family)
                    .find(|e| &e.name.value == within)
                && base.payload.is_some()
            {
                self.report(
                    &at,
                    "within",
                    format!("`{within}` is itself a payload example"),
                );
            }
            let body = match &resolved.body {
                Ok(Value::Object(body)) => body,
                Ok(_) => {
                    self.report(&at, "body", "a callback body is a JSON object");
                    continue;
                }
                Err(e) => {
                    self.report(&at, e.field, e.message.clone());
                    continue;
                }
            };
            match dispatch(callbacks, family.delivery, body) {
                Some(f) if std::ptr::eq(f, *family) => {}
                Some(f) => self.report(
                    &at,
                    "body",
                    format!("the body selects family `{}`, not this one", f.name.value),
                ),
                None => self.report(&at, "body", "the body selects no family"),
            }
            let matching: Vec<&CallbackOperation> = family
                .operations
                .iter()
                .filter(|op| selects(op, body))
                .collect();
            let names_of = |ops: &[&CallbackOperation]| {
                ops.iter()
                    .map(|op| format!("`{}`", op.name.value))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match operation {
                Some(op) if matching.len() == 1 && std::ptr::eq(matching[0], *op) => {}
                Some(op) => self.report(
                    &at,
                    "body",
                    format!(
                        "listed under operation `{}` but the body selects [{}]",
                        op.name.value,
                        names_of(&matching)
                    ),
                ),
                None if !matching.is_empty() => self.report(
                    &at,
                    "body",
                    format!(
                        "the body selects [{}]: list it under that operation",
                        names_of(&matching)
                    ),
                ),
                None if !family.operations.is_empty() && !example.payload_elided => self.report(
                    &at,
                    "body",
                    "the body selects none of the family's operations",
                ),
                None => {}
            }
            // The fields of the operation it is listed under, else of the
            // one its body selects.
            let op = operation.or_else(|| matching.first().copied());
            let mut shape = envelope.clone().with(&family.fields);
            let mut payload_extra: &[CallbackField] = &[];
            if let Some(op) = op {
                shape = shape.with(&op.fields);
                payload_extra = &op.payload_fields;
            }
            let mut problems = Vec::new();
            self.body(
                &shape,
                payload_extra,
                body,
                example.payload_elided,
                &mut problems,
            );
            for (path, message) in problems {
                self.report(&at, format!("body{path}"), message);
            }
        }
    }

    /// Checks a whole callback body: like [`Checker::object`], with the
    /// operation's payload members added to the family's `payload` object.
    fn body(
        &self,
        shape: &Shape<'a>,
        payload_extra: &'a [CallbackField],
        body: &Map<String, Value>,
        payload_elided: bool,
        out: &mut Vec<(String, String)>,
    ) {
        self.object(shape, body, "", payload_elided, out);
        if payload_elided {
            return;
        }
        if let (Some(Value::Object(payload)), Some(field)) =
            (body.get("payload"), shape.get("payload"))
            && let Some(inner) = &field.fields
        {
            let inner = Shape::default().with(inner).with(payload_extra);
            self.object(&inner, payload, "/payload", false, out);
        }
    }

    /// Checks the members of one object against its declared fields:
    /// required ones present, none undeclared, each of its type. With
    /// `skip_payload`, `payload` (and with an inline payload, its members)
    /// are left to the caller.
    fn object(
        &self,
        shape: &Shape<'a>,
        map: &Map<String, Value>,
        path: &str,
        skip_payload: bool,
        out: &mut Vec<(String, String)>,
    ) {
        for f in &shape.fields {
            if f.required && !map.contains_key(&f.name) {
                out.push((
                    format!("{path}/{}", f.name),
                    "required member missing".into(),
                ));
            }
        }
        for (key, value) in map {
            let here = format!("{path}/{key}");
            let Some(f) = shape.get(key) else {
                out.push((
                    here,
                    "member not declared in the spec: add a field for it".into(),
                ));
                continue;
            };
            if key == "payload" && path.is_empty() && (skip_payload || f.fields.is_some()) {
                // An inline payload is checked with the operation's members.
                if !skip_payload && !value.is_object() {
                    out.push((here, format!("expected an object, found {}", shown(value))));
                }
                continue;
            }
            self.field_value(f, value, &here, out);
        }
    }

    fn field_value(
        &self,
        f: &'a CallbackField,
        value: &Value,
        path: &str,
        out: &mut Vec<(String, String)>,
    ) {
        if let Some(max) = f.max_bytes {
            let bytes = match value {
                Value::String(s) => s.len(),
                other => other.to_string().len(),
            } as u64;
            if bytes > max {
                out.push((path.into(), format!("{bytes} bytes, at most {max} allowed")));
            }
        }
        if let Some(inner) = &f.fields {
            match value {
                Value::Object(map) => {
                    self.object(&Shape::default().with(inner), map, path, false, out)
                }
                other => out.push((
                    path.into(),
                    format!("expected an object, found {}", shown(other)),
                )),
            }
            return;
        }
        let Some(Ok(ty)) = f.ty.as_deref().map(TypeExpr::parse) else {
            return; // reported with the declaration
        };
        if let (Some(allowed), Value::String(s)) = (&f.enumeration, value)
            && !allowed.contains(s)
        {
            out.push((path.into(), format!("`{s}` is not one of {allowed:?}")));
        }
        if let (Some(max), Value::String(s)) = (f.max_length, value)
            && s.chars().count() > max as usize
        {
            out.push((path.into(), format!("longer than {max} characters")));
        }
        self.value(&ty, value, path, out);
    }

    fn value(&self, ty: &TypeExpr, value: &Value, path: &str, out: &mut Vec<(String, String)>) {
        let ok = match (ty, value) {
            (TypeExpr::Any, _) => true,
            (TypeExpr::String | TypeExpr::Username, Value::String(_)) => true,
            (TypeExpr::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (TypeExpr::Number, Value::Number(_)) | (TypeExpr::Boolean, Value::Bool(_)) => true,
            (TypeExpr::BoolOrString, Value::Bool(_) | Value::String(_)) => true,
            (TypeExpr::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.value(item, v, &format!("{path}/{i}"), out);
                }
                true
            }
            (TypeExpr::Map(item), Value::Object(map)) => {
                for (k, v) in map {
                    self.value(item, v, &format!("{path}/{k}"), out);
                }
                true
            }
            (TypeExpr::Named(name), Value::Object(map)) => {
                if let Some(declared) = self.types.get(name.as_str()) {
                    self.named(declared.ty, map, path, out);
                }
                true
            }
            _ => false,
        };
        if !ok {
            out.push((
                path.into(),
                format!("expected {ty}, found {}", shown(value)),
            ));
        }
    }

    fn named(
        &self,
        ty: &'a CallbackType,
        map: &Map<String, Value>,
        path: &str,
        out: &mut Vec<(String, String)>,
    ) {
        let shape = Shape::default().with(&ty.fields);
        let Some(tag) = &ty.tag else {
            self.object(&shape, map, path, false, out);
            return;
        };
        let here = format!("{path}/{tag}");
        let Some(Value::String(value)) = map.get(tag) else {
            out.push((
                here,
                format!(
                    "the `{tag}` member naming the {} variant is missing",
                    ty.name.value
                ),
            ));
            return;
        };
        let Some(variant) = ty.variants.iter().find(|v| &v.value.value == value) else {
            out.push((
                here,
                format!("`{value}` is not a variant of {}", ty.name.value),
            ));
            return;
        };
        let mut rest = map.clone();
        rest.remove(tag);
        self.object(&shape.with(&variant.fields), &rest, path, false, out);
    }
}

fn collect_field_errata<'a>(
    prefix: &str,
    fields: &'a [CallbackField],
    out: &mut Vec<(String, &'a String)>,
) {
    for (i, f) in fields.iter().enumerate() {
        let here = format!("{prefix}[{i}]");
        out.extend(f.errata.iter().map(|e| (format!("{here}.errata"), e)));
        if let Some(inner) = &f.fields {
            collect_field_errata(&format!("{here}.fields"), inner, out);
        }
    }
}

/// The family a body selects: the first `dispatch` member the body has as a
/// string decides, among the families of that delivery.
fn dispatch<'a>(
    callbacks: &'a LoadedCallbacks,
    delivery: Delivery,
    body: &Map<String, Value>,
) -> Option<&'a Family> {
    let families = || {
        callbacks
            .files
            .iter()
            .flat_map(|f| f.callbacks.families.iter())
            .filter(move |f| f.delivery == delivery)
    };
    let member = callbacks.common.dispatch.iter().find_map(|d| {
        body.get(&d.value)
            .and_then(Value::as_str)
            .map(|v| (&d.value, v))
    })?;
    families()
        .find(|f| &f.select.field == member.0 && f.select.values.iter().any(|v| v == member.1))
}

/// Whether every pointer of the operation's selector holds its value.
fn selects(op: &CallbackOperation, body: &Map<String, Value>) -> bool {
    let body = Value::Object(body.clone());
    op.select
        .iter()
        .all(|(pointer, value)| body.pointer(pointer).and_then(Value::as_str) == Some(value))
}

/// Two operations can both match one body when they agree on every pointer
/// both of them test.
fn overlap(a: &CallbackOperation, b: &CallbackOperation) -> bool {
    a.select
        .iter()
        .all(|(pointer, value)| b.select.get(pointer).is_none_or(|other| other == value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(select: &[(&str, &str)]) -> CallbackOperation {
        let yaml = format!(
            "{{name: x, summary: s, source: {{page: p, section: s}}, select: {{{}}}}}",
            select
                .iter()
                .map(|(k, v)| format!("\"{k}\": \"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        crate::spec::load::parse_str(&yaml, Path::new("test.yaml")).unwrap()
    }

    #[test]
    fn selectors_overlap_only_when_they_agree_on_shared_pointers() {
        let admin_add = op(&[("/operation", "ADMIN"), ("/payload/type", "ADD")]);
        let admin_remove = op(&[("/operation", "ADMIN"), ("/payload/type", "REMOVE")]);
        let delete = op(&[("/operation", "DELETE")]);
        let any_admin = op(&[("/operation", "ADMIN")]);
        let add = op(&[("/payload/type", "ADD")]);
        assert!(!overlap(&admin_add, &admin_remove));
        assert!(!overlap(&admin_add, &delete));
        assert!(overlap(&admin_add, &any_admin));
        assert!(overlap(&any_admin, &admin_add));
        // No shared pointer: nothing tells the two apart.
        assert!(overlap(&delete, &add));
    }

    #[test]
    fn names_follow_the_case_rules() {
        assert!(is_snake("group_op_event") && !is_snake("groupOp") && !is_snake(""));
        assert!(is_camel("MessageBody") && !is_camel("messageBody") && !is_camel("Message_Body"));
    }
}
