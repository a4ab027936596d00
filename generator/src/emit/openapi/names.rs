//! Schema names of the OpenAPI document. The IR has no names for inline
//! objects and bodies; the document names them after their operation.

use heck::ToUpperCamelCase;

use crate::ir::callbacks::{CallbackObjectRole, CallbackType, CallbackTypeId, Family};
use crate::ir::{Ir, ObjectId, ObjectRole, Operation};

/// The schema of an object type.
pub(super) fn object(ir: &Ir, id: ObjectId) -> String {
    match &ir.object(id).role {
        ObjectRole::Declared(name) => name.clone(),
        ObjectRole::ResponseData { operation } => after(operation, "Data"),
        ObjectRole::ResponseItem { operation } => after(operation, "Item"),
    }
}

/// The `$ref` value of the schema `name`.
pub(super) fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// The schema of one variant of a union: `MessageContent` + `Text` =
/// `MessageContentText`.
pub(super) fn variant(union: &str, variant: &str) -> String {
    format!("{union}{variant}")
}

/// The schema of an operation's request body.
pub(super) fn body(op: &Operation) -> String {
    after(&op.id, "Body")
}

/// The schema of an operation's whole JSON response.
pub(super) fn response(op: &Operation) -> String {
    after(&op.id, "Response")
}

/// The description of an object's schema: the spec's, or what it is for.
pub(super) fn object_description(ir: &Ir, id: ObjectId) -> String {
    let object = ir.object(id);
    if let Some(description) = &object.description {
        return description.clone();
    }
    let (what, operation) = match &object.role {
        ObjectRole::Declared(name) => return name.clone(),
        ObjectRole::ResponseData { operation } => ("The `data` of", operation),
        ObjectRole::ResponseItem { operation } => ("One item of the `data` of", operation),
    };
    let summary = ir
        .operations()
        .find(|(_, op)| &op.id == operation)
        .map_or("", |(_, op)| op.summary.as_str());
    format!("{what} the response of `{operation}`: {summary}")
}

/// `create_chatroom` + `Data` = `CreateChatroomData`.
fn after(operation: &str, suffix: &str) -> String {
    format!("{}{suffix}", operation.to_upper_camel_case())
}

/// The prefix of every callback schema, so that they never meet the
/// schemas of the REST operations (both have a `MessageBody`).
const CALLBACK: &str = "Callback";

/// The schema of a callback type: `CallbackMessageBody`, and for an inline
/// object its place, `CallbackMucSetMetadataPayload`.
pub(super) fn callback_type(ir: &Ir, id: CallbackTypeId) -> String {
    let Some(callbacks) = &ir.callbacks else {
        return format!("{CALLBACK}{}", id.0);
    };
    match callbacks.ty(id) {
        CallbackType::Union(union) => format!("{CALLBACK}{}", union.name),
        CallbackType::Object(object) => match &object.role {
            CallbackObjectRole::Declared(name) => format!("{CALLBACK}{name}"),
            CallbackObjectRole::Inline {
                owner,
                operation,
                path,
            } => {
                let mut name = format!("{CALLBACK}{}", owner.to_upper_camel_case());
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

/// The schema of one variant of a callback union: `CallbackMessageBodyTxt`.
pub(super) fn callback_variant(union: &str, value: &str) -> String {
    format!("{CALLBACK}{union}{}", value.to_upper_camel_case())
}

/// The schema of a family's whole body: `CallbackMucEvent`.
pub(super) fn callback_family(family: &Family) -> String {
    format!("{CALLBACK}{}Event", family.name.to_upper_camel_case())
}

/// The schema of a body of one operation of a family:
/// `CallbackMucCreateEvent`.
pub(super) fn callback_operation(family: &Family, operation: &str) -> String {
    format!(
        "{CALLBACK}{}{}Event",
        family.name.to_upper_camel_case(),
        operation.to_upper_camel_case()
    )
}

/// The schema of a body of a family's operation the spec does not
/// describe: the family's members only.
pub(super) fn callback_other_operation(family: &Family) -> String {
    format!("{CALLBACK}{}OtherEvent", family.name.to_upper_camel_case())
}

/// The tag of every webhook.
pub(super) const WEBHOOK_TAG: &str = "webhooks";

/// The schema of the answer to a pre-delivery callback.
pub(super) const CALLBACK_REPLY: &str = "CallbackReply";
