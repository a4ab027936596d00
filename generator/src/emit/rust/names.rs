//! Rust names for spec names, and the symbol tables that keep them apart.
//!
//! The IR carries wire names; this module alone decides what they are
//! called in Rust. `check` builds one table per Rust scope (the crate
//! root, `Client`'s methods, each request builder, each struct) that also
//! holds the names the hand-written runtime defines there, so that two
//! things that would end up with one Rust name are a spec error naming
//! both, before any code is emitted.

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::error::Diagnostic;
use crate::ir::callbacks::{
    CallbackObjectRole, CallbackOperation, CallbackType, CallbackTypeId, Callbacks, Family,
};
use crate::ir::{Field, Group, Ir, ObjectId, ObjectRole, Operation, Origin, Union, Variant};

/// The public names the runtime puts at the crate root (`pub use
/// runtime::{..}` and its modules in `lib.rs`). A test holds this list
/// against `generated-client/src/lib.rs`.
pub const RUNTIME_ROOT: &[&str] = &[
    "ApiError",
    "AppCredentials",
    "AppTokenProvider",
    "AuthError",
    "BearerToken",
    "BoolOrString",
    "BoxStream",
    "Client",
    "ClientBuilder",
    "ConfigError",
    "DEFAULT_APP_TOKEN_LIFETIME",
    "DecodeError",
    "Download",
    "Error",
    "Extra",
    "FileError",
    "FleetError",
    "HttpMethod",
    "IntoIds",
    "OperationInfo",
    "Paged",
    "RateLimit",
    "RateLimitMode",
    "RatePer",
    "RequestOptions",
    "ResponseTooLarge",
    "SecretString",
    "StaticToken",
    "TokenExchange",
    "TokenFuture",
    "TokenProvider",
    "TransportError",
    "UploadFile",
    "ValidationError",
    "ValidationErrorKind",
    // Functions of lib.rs.
    "install_tls_provider",
    // Modules of lib.rs (`fleet` with the `redis` feature).
    "fleet",
    "generated",
    "mock",
    "runtime",
    "webhook",
];

/// The methods the runtime defines on `Client`, public or not (an
/// operation's method must not repeat one). A test holds this list against
/// the `impl Client` blocks of the runtime.
pub const CLIENT_METHODS: &[&str] = &[
    "base_url",
    "builder",
    "call",
    "download",
    "from_parts",
    "send",
    "send_data",
    "send_raw",
    "token_provider",
];

/// Names the generated root module defines besides the groups' items, and
/// what they are.
const GENERATED_ROOT: &[(&str, &str)] = &[
    ("ErrorBody", "the generated error body `ErrorBody`"),
    ("ErrorCode", "the generated error codes `ErrorCode`"),
    ("OPERATIONS", "the generated list `OPERATIONS`"),
    ("Response", "the generated response envelope `Response<T>`"),
    ("USERNAME_RULE", "the generated `USERNAME_RULE`"),
    ("envelope", "the generated module `envelope`"),
    ("error_codes", "the generated module `error_codes`"),
    ("errata", "the generated page `errata`"),
    ("index", "the generated page `index`"),
    ("rest_docs", "the generated page `rest_docs`"),
    ("webhook_events", "the generated module `webhook_events`"),
];

/// The public names the runtime defines in `agora_chat::webhook` (the
/// generated event types are re-exported there with a glob, which an item
/// of the same name would silently shadow). A test holds this list against
/// `generated-client/src/webhook/mod.rs`.
pub const RUNTIME_WEBHOOK: &[&str] = &[
    "CallbackRejection",
    "ChatroomMessageLevel",
    "DEFAULT_MAX_BODY_BYTES",
    "Delivery",
    "Envelope",
    "Malformed",
    "PreDeliveryReply",
    "ReplyError",
    "ReplyLimits",
    "Undecoded",
    "VerifiedCallback",
    "Verifier",
    "VerifyError",
    "sign",
    "verify",
];

/// The generated enum of every callback, by family.
pub(super) const EVENT: &str = "Event";
/// Its variant of a family the spec does not describe.
pub(super) const EVENT_UNKNOWN: &str = "Unknown";
/// Its variant of a known family whose members do not decode.
pub(super) const EVENT_UNDECODED: &str = "Undecoded";
/// The variant of a family's enum for an operation the spec does not
/// describe, and of a callback union for a variant it does not list.
pub(super) const OTHER: &str = "Other";

/// Fields every request builder has, besides its arguments.
pub(super) const BUILDER_CLIENT: &str = "client";
/// The per-call options of a builder.
pub(super) const BUILDER_OPTIONS: &str = "options";
/// The body of a builder whose operation sends one.
pub(super) const BUILDER_BODY: &str = "body";
/// Methods every request builder has, besides its setters (the runtime's
/// `request_builder!` adds `timeout`, `header` and `into_future`).
const BUILDER_METHODS: &[&str] = &[
    "timeout",
    "header",
    "validate",
    "send",
    "with_envelope",
    "parts",
    "into_future",
];
/// The method of paged operations' builders.
pub(super) const INTO_STREAM: &str = "into_stream";
/// The field of a body struct that holds additional pairs.
pub(super) const ADDITIONAL: &str = "additional";
/// The field of every response struct that keeps unknown fields.
pub(super) const EXTRA: &str = "extra";

/// The Rust field or argument name for a JSON or parameter name:
/// snake_case, with `_` appended to keywords (`type` -> `type_`).
pub fn field_ident(wire: &str) -> String {
    let snake = wire.replace('-', "_").to_snake_case();
    let snake = if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{snake}")
    } else {
        snake
    };
    if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// The Rust type name for an operation-derived type, e.g.
/// (`create_chatroom`, `Data`) -> `CreateChatroomData`.
pub fn type_name(op_id: &str, suffix: &str) -> String {
    format!("{}{suffix}", op_id.to_upper_camel_case())
}

/// The namespace struct of a group, reached from `Client`: `chatrooms` ->
/// `Chatrooms`.
pub(crate) fn namespace(group: &Group) -> String {
    group.name.to_upper_camel_case()
}

/// The struct name of an object type.
pub(crate) fn object(ir: &Ir, id: ObjectId) -> String {
    match &ir.object(id).role {
        ObjectRole::Declared(name) => name.clone(),
        ObjectRole::ResponseData { operation } => type_name(operation, "Data"),
        ObjectRole::ResponseItem { operation } => type_name(operation, "Item"),
    }
}

/// The Rust type of a callback type: its declared name, or for an inline
/// object its place: `MucPayload`, `MucSetMetadataPayloadEventInfo`.
pub(super) fn callback_type(ir: &Ir, id: CallbackTypeId) -> String {
    let Some(callbacks) = &ir.callbacks else {
        return format!("CallbackType{}", id.0);
    };
    callback_type_in(callbacks, id)
}

fn callback_type_in(callbacks: &Callbacks, id: CallbackTypeId) -> String {
    match callbacks.ty(id) {
        CallbackType::Union(union) => union.name.clone(),
        CallbackType::Object(object) => match &object.role {
            CallbackObjectRole::Declared(name) => name.clone(),
            CallbackObjectRole::Inline {
                owner,
                operation,
                path,
            } => {
                let mut name = owner.to_upper_camel_case();
                if let Some(op) = operation {
                    name.push_str(&op.to_upper_camel_case());
                }
                for member in path {
                    name.push_str(&member.to_upper_camel_case());
                }
                name
            }
        },
    }
}

/// The struct of a family without operations, or the enum of one with
/// them, and its variant of [`EVENT`]: `message_edit` -> `MessageEdit`.
pub(super) fn family(family: &Family) -> String {
    family.name.to_upper_camel_case()
}

/// The variant of a family's enum for one operation: `assign_owner` ->
/// `AssignOwner`.
pub(super) fn operation_variant(op: &CallbackOperation) -> String {
    op.name.to_upper_camel_case()
}

/// The struct of one operation of a family: `MucAssignOwner`.
pub(super) fn operation_struct(family: &Family, op: &CallbackOperation) -> String {
    format!("{}{}", self::family(family), operation_variant(op))
}

/// The variant of a callback union for one tag value: `txt` -> `Txt`.
pub(super) fn callback_variant(value: &str) -> String {
    let name = value.to_upper_camel_case();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("V{name}")
    }
}

/// The constructor of a union variant: `File` -> `MessageContent::file`.
pub(super) fn variant_constructor(variant: &Variant) -> String {
    field_ident(&variant.name.to_snake_case())
}

/// The builder a union variant's constructor returns, for a variant with
/// optional fields to set: `File` of `MessageContent` ->
/// `FileMessageContent`. A variant whose fields are all required has none.
pub(super) fn variant_builder(union: &Union, variant: &Variant) -> Option<String> {
    variant
        .fields
        .iter()
        .any(|f| !f.required)
        .then(|| format!("{}{}", variant.name, union.name))
}

/// The request builder an operation's method returns.
pub(super) fn builder(op: &Operation) -> String {
    type_name(&op.id, "Request")
}

/// The private alias of what an operation's request gives when sent.
pub(super) fn result(op: &Operation) -> String {
    type_name(&op.id, "Result")
}

/// The private struct of an operation's body.
pub(super) fn body(op: &Operation) -> String {
    type_name(&op.id, "Body")
}

/// The operation's `OperationInfo` constant.
pub(super) fn info_const(op: &Operation) -> String {
    op.id.to_shouty_snake_case()
}

/// One Rust scope: every name in it and what holds it.
struct Scope<'a> {
    /// What a name is in this scope, for messages: "the argument".
    noun: &'static str,
    names: BTreeMap<String, String>,
    problems: &'a mut Vec<Diagnostic>,
}

impl<'a> Scope<'a> {
    fn new(noun: &'static str, problems: &'a mut Vec<Diagnostic>) -> Self {
        Scope {
            noun,
            names: BTreeMap::new(),
            problems,
        }
    }

    /// A name the scope always has, and who holds it.
    fn reserve(&mut self, name: &str, holder: impl Into<String>) {
        self.names.insert(name.to_string(), holder.into());
    }

    /// Adds `rust`, the name `subject` (a spec name, for messages) becomes;
    /// `holder` says who holds it in later messages. A collision is
    /// reported at `origin`/`field`, naming both sides.
    fn add(&mut self, rust: &str, subject: &str, holder: String, origin: &Origin, field: &str) {
        match self.names.get(rust) {
            Some(other) => {
                let message = format!(
                    "{subject} becomes {} `{rust}`, which {other} already uses",
                    self.noun
                );
                self.problems.push(origin.diagnostic(field, message));
            }
            None => {
                self.names.insert(rust.to_string(), holder);
            }
        }
    }
}

/// Every Rust name collision the spec would cause.
pub(super) fn check(ir: &Ir) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    root_scope(ir, &mut problems);
    client_scope(ir, &mut problems);
    error_code_scope(ir, &mut problems);
    for (_, op) in ir.operations() {
        builder_scope(op, &mut problems);
        if let Some(body) = &op.body {
            let mut scope = Scope::new("the body struct's field", &mut problems);
            if body.additional.is_some() {
                scope.reserve(ADDITIONAL, "the map of additional pairs");
            }
            struct_fields(&mut scope, &body.fields, &op.origin);
        }
    }
    for object in &ir.objects {
        let mut scope = Scope::new("the struct field", &mut problems);
        scope.reserve(EXTRA, "the map of unknown fields");
        struct_fields(&mut scope, &object.fields, &object.origin);
    }
    if let Some(callbacks) = &ir.callbacks {
        webhook_scope(callbacks, &mut problems);
    }
    problems
}

/// The generated items of `agora_chat::webhook` and the members of each
/// of its structs. Two members with one Rust field name are reported as
/// the spec's callbacks checks always have: "`a` and `b` have the same
/// Rust field name".
fn webhook_scope(callbacks: &Callbacks, problems: &mut Vec<Diagnostic>) {
    let mut module = Scope::new("the webhook item", problems);
    for name in RUNTIME_WEBHOOK {
        module.reserve(name, format!("the runtime's `webhook::{name}`"));
    }
    module.reserve(EVENT, "the generated enum `Event`");
    for (i, ty) in callbacks.types.iter().enumerate() {
        let name = callback_type_in(callbacks, CallbackTypeId(i));
        let (origin, subject) = match ty {
            CallbackType::Object(o) => {
                (&o.origin, format!("the callback type at `{}`", o.spec_path))
            }
            CallbackType::Union(u) => (&u.origin, format!("the callback union `{}`", u.name)),
        };
        module.add(&name, &subject, subject.clone(), origin, "name");
    }
    for family in &callbacks.families {
        let subject = format!("the family `{}`", family.name);
        module.add(
            &self::family(family),
            &subject,
            subject.clone(),
            &family.origin,
            "name",
        );
        for op in &family.operations {
            let subject = format!("the operation `{}` of `{}`", op.name, family.name);
            let field = format!("{}.name", op.spec_path);
            module.add(
                &operation_struct(family, op),
                &subject,
                subject.clone(),
                &family.origin,
                &field,
            );
        }
    }
    let mut events = Scope::new("the `Event` variant", problems);
    events.reserve(EVENT_UNKNOWN, "the variant of unknown families");
    events.reserve(EVENT_UNDECODED, "the variant of bodies that do not decode");
    for family in &callbacks.families {
        let subject = format!("the family `{}`", family.name);
        events.add(
            &self::family(family),
            &subject,
            subject.clone(),
            &family.origin,
            "name",
        );
    }
    for family in &callbacks.families {
        let mut variants = Scope::new("the operation variant", problems);
        variants.reserve(OTHER, "the variant of unknown operations");
        for op in &family.operations {
            let subject = format!("the operation `{}`", op.name);
            let field = format!("{}.name", op.spec_path);
            variants.add(
                &operation_variant(op),
                &subject,
                subject.clone(),
                &family.origin,
                &field,
            );
        }
    }
    let mut same_field = |fields: &[Field], origin: &Origin, at: &str| {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        seen.insert(EXTRA.to_string(), "the map of unknown members");
        for f in fields {
            if let Some(other) = seen.insert(field_ident(&f.wire_name), &f.wire_name) {
                problems.push(origin.diagnostic(
                    at,
                    format!(
                        "`{other}` and `{}` have the same Rust field name",
                        f.wire_name
                    ),
                ));
            }
        }
    };
    for ty in &callbacks.types {
        match ty {
            CallbackType::Object(o) => same_field(&o.fields, &o.origin, &o.spec_path),
            CallbackType::Union(u) => {
                for v in &u.variants {
                    same_field(&v.fields, &u.origin, &v.spec_path);
                }
            }
        }
    }
    for family in &callbacks.families {
        same_field(&family.fields, &family.origin, "fields");
        for op in &family.operations {
            same_field(
                &op.fields,
                &family.origin,
                &format!("{}.fields", op.spec_path),
            );
        }
    }
    for ty in &callbacks.types {
        if let CallbackType::Union(u) = ty {
            let mut variants = Scope::new("the union variant", problems);
            variants.reserve(OTHER, "the variant of unlisted tag values");
            for (i, v) in u.variants.iter().enumerate() {
                let subject = format!("the variant `{}`", v.value);
                let field = format!("variants[{i}].value");
                variants.add(
                    &callback_variant(&v.value),
                    &subject,
                    subject.clone(),
                    &u.origin,
                    &field,
                );
            }
        }
    }
}

fn struct_fields(scope: &mut Scope, fields: &[Field], origin: &Origin) {
    for f in fields {
        let subject = format!("`{}`", f.wire_name);
        let rust = field_ident(&f.wire_name);
        scope.add(&rust, &subject, f.spec_path.clone(), origin, &f.spec_path);
    }
}

/// Modules and shared types at the crate root, and in each group's module
/// its namespace, objects, builders and constants.
fn root_scope(ir: &Ir, problems: &mut Vec<Diagnostic>) {
    let mut root = Scope::new("the crate-root name", problems);
    for name in RUNTIME_ROOT {
        root.reserve(name, format!("the runtime's `{name}`"));
    }
    for (name, holder) in GENERATED_ROOT {
        root.reserve(name, *holder);
    }
    for group in &ir.groups {
        let subject = format!("the group `{}`", group.name);
        root.add(
            &group.name,
            &subject,
            subject.clone(),
            &group.origin,
            "group",
        );
    }
    for (index, group) in ir.groups.iter().enumerate() {
        module_scope(ir, index, group, problems);
    }
}

/// The items of one group's module.
fn module_scope(ir: &Ir, index: usize, group: &Group, problems: &mut Vec<Diagnostic>) {
    let mut module = Scope::new("the module item", problems);
    let subject = format!("the namespace of the group `{}`", group.name);
    module.add(
        &namespace(group),
        &subject,
        subject.clone(),
        &group.origin,
        "group",
    );
    for (id, object) in ir
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.group == index)
    {
        let (subject, field) = match &object.role {
            ObjectRole::Declared(name) => (format!("the type `{name}`"), "name"),
            ObjectRole::ResponseData { operation } | ObjectRole::ResponseItem { operation } => (
                format!("the response struct of `{operation}`"),
                "response.data",
            ),
        };
        let name = self::object(ir, ObjectId(id));
        module.add(&name, &subject, subject.clone(), &object.origin, field);
    }
    for union in ir.unions.iter().filter(|u| u.group == index) {
        let subject = format!("the union `{}`", union.name);
        module.add(
            &union.name,
            &subject,
            subject.clone(),
            &union.origin,
            "name",
        );
        for (i, v) in union.variants.iter().enumerate() {
            if let Some(builder) = variant_builder(union, v) {
                let subject = format!("the builder of `{}`'s variant `{}`", union.name, v.value);
                let field = format!("union.variants[{i}]");
                module.add(&builder, &subject, subject.clone(), &union.origin, &field);
            }
        }
    }
    for op in &group.operations {
        let mut add = |rust: String, what: &str, field: &str| {
            let subject = format!("the {what} of `{}`", op.id);
            module.add(&rust, &subject, subject.clone(), &op.origin, field);
        };
        add(builder(op), "request builder", "id");
        add(result(op), "result alias", "id");
        add(info_const(op), "operation constant", "id");
        if op.body.is_some() {
            add(body(op), "body struct", "request");
        }
    }
    let mut methods = Scope::new("the namespace method", problems);
    for op in &group.operations {
        let subject = format!("the operation `{}`", op.id);
        methods.add(&op.name, &subject, subject.clone(), &op.origin, "name");
    }
}

/// The variants of `ErrorCode`: one per documented code, and `Other`.
fn error_code_scope(ir: &Ir, problems: &mut Vec<Diagnostic>) {
    let mut variants = Scope::new("the `ErrorCode` variant", problems);
    variants.reserve("Other", "the variant of undocumented codes");
    let origin = Origin {
        file: "api.yaml".into(),
        position: None,
        item: String::new(),
    };
    for (i, code) in ir.api.error_codes.iter().enumerate() {
        let subject = format!("the error code `{}`", code.code);
        let variant = super::facts::error_variant(&code.code);
        let field = format!("error_codes[{i}].code");
        variants.add(&variant, &subject, subject.clone(), &origin, &field);
    }
}

/// `Client`'s methods: one namespace per group, plus the runtime's own.
fn client_scope(ir: &Ir, problems: &mut Vec<Diagnostic>) {
    let mut client = Scope::new("the client method", problems);
    for name in CLIENT_METHODS {
        client.reserve(name, format!("the runtime's `Client::{name}`"));
    }
    for group in &ir.groups {
        let subject = format!("the namespace of the group `{}`", group.name);
        client.add(
            &group.name,
            &subject,
            subject.clone(),
            &group.origin,
            "group",
        );
    }
}

/// The arguments of an operation's method and builder: one Rust name each,
/// none of them a name the builder has anyway. Body arguments are kept in
/// the body struct; the others are fields of the builder itself, next to
/// the field holding the body.
fn builder_scope(op: &Operation, problems: &mut Vec<Diagnostic>) {
    let mut args = Scope::new("the argument", problems);
    args.reserve(BUILDER_CLIENT, "the request builder's own field");
    args.reserve(BUILDER_OPTIONS, "the request builder's own field");
    for method in BUILDER_METHODS {
        args.reserve(method, "the request builder's own method");
    }
    if op.pagination.is_some() {
        args.reserve(INTO_STREAM, "the request builder's own method");
    }
    let mut add = |wire: &str, field: &str| {
        let subject = format!("`{wire}`");
        args.add(
            &field_ident(wire),
            &subject,
            field.to_string(),
            &op.origin,
            field,
        );
    };
    for p in op.params() {
        add(&p.wire_name, &p.spec_path);
    }
    if let Some(body) = &op.body {
        for f in &body.fields {
            add(&f.wire_name, &f.spec_path);
        }
        if let Some(a) = &body.additional {
            add(&a.setter, "request.additional.setter");
        }
        // Duplicates among the parameters are reported above; here only the
        // one field name the builder adds for the body.
        let mut fields = Scope::new("the request builder's field", problems);
        fields.reserve(BUILDER_BODY, "the field holding the request body");
        for p in op
            .params()
            .filter(|p| field_ident(&p.wire_name) == BUILDER_BODY)
        {
            let subject = format!("`{}`", p.wire_name);
            fields.add(
                BUILDER_BODY,
                &subject,
                p.spec_path.clone(),
                &op.origin,
                &p.spec_path,
            );
        }
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field_ident("applicationName"), "application_name");
        assert_eq!(field_ident("restrict-access"), "restrict_access");
        assert_eq!(field_ident("type"), "type_");
        assert_eq!(field_ident("1st"), "f_1st");
        assert_eq!(type_name("create_chatroom", "Data"), "CreateChatroomData");
    }
}
