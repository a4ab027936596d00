//! The typed callbacks: `generated-client/src/generated/webhook_events.rs`
//! (re-exported from `agora_chat::webhook`) with the callback types, one
//! struct per family or per operation, the [`names::EVENT`] enum and how a
//! verified body is told apart; and `tests/webhook/events_cases.rs`, one
//! test per doc example decoding it to its variant.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use super::{docs, members, names, types};
use crate::ir::callbacks::{
    CallbackExample, CallbackObject, CallbackOperation, CallbackType, CallbackTypeId,
    CallbackUnion, Callbacks, Delivery, Family,
};
use crate::ir::{Field, Ir, Source, Ty};

/// The generated module, relative to the workspace root.
pub const EVENTS_MODULE: &str = "generated-client/src/generated/webhook_events.rs";
/// The generated tests, relative to the workspace root.
pub const EVENTS_TEST: &str = "generated-client/tests/webhook/events_cases.rs";

/// The doc of a member of a callback: what it is, what the docs say of its
/// values, and its errata. Nothing is checked on receipt.
fn field_doc(f: &Field) -> String {
    let mut text = f.description.trim().to_string();
    let l = &f.limits;
    let mut notes = Vec::new();
    if let Some(values) = &l.enumeration {
        let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        notes.push(format!("one of {}", values.join(", ")));
    }
    if let Some(max) = l.max_length {
        notes.push(format!("at most {max} characters"));
    }
    if let Some(max) = l.max_bytes {
        notes.push(format!("at most {max} bytes"));
    }
    if !notes.is_empty() {
        text.push_str(&format!(
            "\n\nDocumented as {} (not checked when received).",
            notes.join("; ")
        ));
    }
    if !f.errata.is_empty() {
        text.push_str(&format!("\n\nSee errata {}.", f.errata.join(", ")));
    }
    text
}

fn source_text(source: &Source) -> String {
    format!("Source: `{}`, section \"{}\".", source.page, source.section)
}

/// What a member belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Owner {
    /// A struct: the member is `pub`, and the struct's serde impls are
    /// written out ([`members`]), so it carries no `#[serde]` attributes.
    Struct,
    /// A union variant: no visibility (the variant's), and the union's
    /// `Serialize` is derived, so it carries serde's attributes.
    Variant,
}

/// One member of a struct or of a union variant.
fn member(ir: &Ir, f: &Field, owner: Owner) -> TokenStream {
    let ident = format_ident!("{}", names::field_ident(&f.wire_name));
    let ty = types::rust_type(ir, &f.ty);
    let doc = docs::attrs(&field_doc(f));
    if owner == Owner::Struct {
        let ty = types::held(f, ty);
        return quote! {
            #doc
            pub #ident: #ty,
        };
    }
    let rename = types::serde_rename(f);
    if f.required {
        quote! {
            #doc
            #rename
            #ident: #ty,
        }
    } else {
        quote! {
            #doc
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #ident: Option<#ty>,
        }
    }
}

/// A struct of members that keeps the unknown ones.
fn members_struct(ir: &Ir, name: &str, doc: &str, fields: &[Field]) -> TokenStream {
    let ident = format_ident!("{}", name);
    let doc = docs::attrs(doc);
    let extra = format_ident!("{}", names::EXTRA);
    let deserialize = members::deserialize_impl(name, fields);
    let serialize = members::serialize_impl(name, fields, Some(quote!(self.#extra.iter())));
    let fields = fields.iter().map(|f| member(ir, f, Owner::Struct));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ident {
            #(#fields)*
            /// Members the server sent that the spec does not describe.
            pub #extra: crate::Extra,
        }

        #deserialize

        #serialize
    }
}

fn object(ir: &Ir, id: CallbackTypeId, object: &CallbackObject) -> TokenStream {
    members_struct(
        ir,
        &names::callback_type(ir, id),
        &object.description,
        &object.fields,
    )
}

/// A union tagged by one of its members: an internally tagged enum whose
/// unlisted tag values (and bodies that fit no variant) are kept whole.
fn union(ir: &Ir, id: CallbackTypeId, union: &CallbackUnion) -> TokenStream {
    let name = format_ident!("{}", names::callback_type(ir, id));
    let tag = &union.tag;
    let doc = docs::attrs(&format!(
        "{}\n\nOn the wire, `{tag}` names the variant and its members sit beside it.",
        union.description.trim()
    ));
    let extra = format_ident!("{}", names::EXTRA);
    let other = format_ident!("{}", names::OTHER);
    let variants = union.variants.iter().map(|v| {
        let ident = format_ident!("{}", names::callback_variant(&v.value));
        let value = &v.value;
        let doc = docs::attrs(&format!("{} Sent as `{value}`.", v.description.trim()));
        let fields = v.fields.iter().map(|f| member(ir, f, Owner::Variant));
        quote! {
            #doc
            #[serde(rename = #value)]
            #ident {
                #(#fields)*
                /// Members the server sent that the spec does not describe.
                #[serde(flatten, default, skip_serializing_if = "crate::Extra::is_empty")]
                #extra: crate::Extra,
            },
        }
    });
    let content = sending(ir, &name, union);
    let members: Vec<_> = union
        .variants
        .iter()
        .map(|v| members::UnionVariant {
            value: &v.value,
            ident: format_ident!("{}", names::callback_variant(&v.value)),
            fields: &v.fields,
        })
        .collect();
    let deserialize = members::union_deserialize_impl(
        &names::callback_type(ir, id),
        &members::Tagging::Internal { tag },
        &members,
        &other,
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(tag = #tag)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A variant the spec does not list, or a value that fits none of
            /// the variants: kept whole, as sent.
            #[serde(untagged)]
            #other(::serde_json::Value),
        }

        #deserialize

        #content
    }
}

/// `content()`: a received value as the union the client sends, for the
/// variants that read as one of its variants.
fn sending(ir: &Ir, name: &proc_macro2::Ident, union: &CallbackUnion) -> TokenStream {
    let Some(sent) = union.sending.map(|id| ir.union(id)) else {
        return quote!();
    };
    let fitting: Vec<&str> = union
        .variants
        .iter()
        .filter(|v| v.sending.is_some())
        .map(|v| v.value.as_str())
        .collect();
    let arms = union
        .variants
        .iter()
        .filter(|v| v.sending.is_some())
        .map(|v| {
            let ident = format_ident!("{}", names::callback_variant(&v.value));
            quote!(Self::#ident { .. })
        });
    let module = format_ident!("{}", ir.groups[sent.group].name);
    let sent_name = format_ident!("{}", sent.name);
    let other = format_ident!("{}", names::OTHER);
    let (tag, content) = (&sent.tag, &sent.content);
    let listed: Vec<String> = fitting.iter().map(|v| format!("`{v}`")).collect();
    let doc = docs::attrs(&format!(
        "This value as what sending a message takes, [`{sent}`](crate::{module}::{sent}), for the variants whose members it reads ({}); `None` for the others, or when a member sending requires is missing. Members the sending type does not describe are kept in its `extra`.",
        listed.join(", "),
        sent = sent.name,
        module = ir.groups[sent.group].name,
    ));
    quote! {
        impl #name {
            #doc
            pub fn content(&self) -> Option<crate::#module::#sent_name> {
                match self {
                    #(#arms)|* => {
                        match crate::webhook::decode::adjacent(self, #tag, #content)? {
                            crate::#module::#sent_name::#other(_) => None,
                            content => Some(content),
                        }
                    }
                    _ => None,
                }
            }
        }
    }
}

fn delivery_tokens(delivery: Delivery) -> TokenStream {
    match delivery {
        Delivery::Pre => quote!(crate::webhook::Delivery::Pre),
        Delivery::Post => quote!(crate::webhook::Delivery::Post),
    }
}

fn family_doc(family: &Family) -> String {
    let values: Vec<String> = family
        .select_values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect();
    let delivery = match family.delivery {
        Delivery::Pre => "pre-delivery callback (the server waits for a reply)",
        Delivery::Post => "post-delivery callback",
    };
    let mut text = format!(
        "{}\n\n{}\n\nA {delivery} whose `{}` is {}. {}",
        family.summary.trim(),
        family.description.trim(),
        family.select_field,
        values.join(" or "),
        source_text(&family.source),
    );
    if !family.errata.is_empty() {
        text.push_str(&format!("\n\nSee errata {}.", family.errata.join(", ")));
    }
    text
}

fn operation_doc(op: &CallbackOperation) -> String {
    let select: Vec<String> = op
        .select
        .iter()
        .map(|(pointer, value)| format!("`{pointer}` is `{value}`"))
        .collect();
    format!(
        "{}\n\nSelected when {}. {}",
        op.summary.trim(),
        select.join(" and "),
        source_text(&op.source)
    )
}

/// The names of envelope members a family's structs leave to the envelope.
fn envelope_only(callbacks: &Callbacks, family: &Family) -> TokenStream {
    let names = callbacks.envelope_only(family);
    quote!(&[#(#names),*])
}

/// The items of one family: its struct, or its enum and one struct per
/// operation; and the function telling its bodies apart.
fn family(ir: &Ir, callbacks: &Callbacks, family: &Family) -> TokenStream {
    let name = names::family(family);
    let ident = format_ident!("{}", name);
    let event = format_ident!("{}", names::EVENT);
    let undecoded = format_ident!("{}", names::EVENT_UNDECODED);
    let decode_fn = format_ident!("decode_{}", family.name);
    let wire = &family.name;
    let drop = envelope_only(callbacks, family);
    let decode_fn_doc = docs::attrs(&format!("Reads a body of the family `{wire}`."));
    if family.operations.is_empty() {
        let item = members_struct(ir, &name, &family_doc(family), &family.fields);
        return quote! {
            #item

            #decode_fn_doc
            fn #decode_fn(envelope: &crate::webhook::Envelope) -> #event {
                match crate::webhook::decode::members(envelope, #drop) {
                    Ok(event) => #event::#ident(event),
                    Err(problem) => #event::#undecoded(crate::webhook::Undecoded::new(envelope, #wire, None, problem)),
                }
            }
        };
    }
    let other = format_ident!("{}", names::OTHER);
    let structs = family.operations.iter().map(|op| {
        members_struct(
            ir,
            &names::operation_struct(family, op),
            &operation_doc(op),
            &op.fields,
        )
    });
    let variants = family.operations.iter().map(|op| {
        let variant = format_ident!("{}", names::operation_variant(op));
        let st = format_ident!("{}", names::operation_struct(family, op));
        let doc = docs::attrs(op.summary.trim());
        quote! {
            #doc
            #variant(#st),
        }
    });
    let op_names = family.operations.iter().map(|op| {
        let variant = format_ident!("{}", names::operation_variant(op));
        let wire = &op.name;
        quote!(Self::#variant(_) => Some(#wire),)
    });
    let selects = family.operations.iter().map(|op| {
        let variant = format_ident!("{}", names::operation_variant(op));
        let op_wire = &op.name;
        let pairs = op.select.iter().map(|(p, v)| quote!((#p, #v)));
        quote! {
            if crate::webhook::decode::holds(members, &[#(#pairs),*]) {
                return match crate::webhook::decode::members(envelope, #drop) {
                    Ok(event) => #event::#ident(#ident::#variant(event)),
                    Err(problem) => #event::#undecoded(crate::webhook::Undecoded::new(envelope, #wire, Some(#op_wire), problem)),
                };
            }
        }
    });
    let doc = docs::attrs(&family_doc(family));
    let op_doc = docs::attrs(&format!(
        "The operation's name in the spec; `None` for [`{o}`](Self::{o}).",
        o = names::OTHER
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #(#variants)*
            /// An operation the spec does not describe: the body kept whole.
            #other(crate::webhook::Envelope),
        }

        impl #ident {
            #op_doc
            pub fn operation(&self) -> Option<&'static str> {
                match self {
                    #(#op_names)*
                    Self::#other(_) => None,
                }
            }
        }

        #(#structs)*

        #decode_fn_doc
        fn #decode_fn(envelope: &crate::webhook::Envelope) -> #event {
            let members = envelope.members();
            #(#selects)*
            #event::#ident(#ident::#other(envelope.clone()))
        }
    }
}

/// The `Event` enum and how a verified body becomes one.
fn event_enum(callbacks: &Callbacks) -> TokenStream {
    let event = format_ident!("{}", names::EVENT);
    let unknown = format_ident!("{}", names::EVENT_UNKNOWN);
    let undecoded = format_ident!("{}", names::EVENT_UNDECODED);
    let variants = callbacks.families.iter().map(|f| {
        let ident = format_ident!("{}", names::family(f));
        let doc = docs::attrs(f.summary.trim());
        quote! {
            #doc
            #ident(#ident),
        }
    });
    let dispatch = &callbacks.dispatch;
    let arms = callbacks.families.iter().map(|f| {
        let delivery = delivery_tokens(f.delivery);
        let field = &f.select_field;
        let values = &f.select_values;
        let decode_fn = format_ident!("decode_{}", f.name);
        quote!((#delivery, #field, #(#values)|*) => #decode_fn(envelope),)
    });
    let families = callbacks.families.iter().map(|f| {
        let ident = format_ident!("{}", names::family(f));
        let wire = &f.name;
        quote!(Self::#ident(_) => Some(#wire),)
    });
    let operations = callbacks
        .families
        .iter()
        .filter(|f| !f.operations.is_empty())
        .map(|f| {
            let ident = format_ident!("{}", names::family(f));
            quote!(Self::#ident(event) => event.operation(),)
        });
    let order: Vec<String> = dispatch.iter().map(|d| format!("`{d}`")).collect();
    let doc = docs::attrs(&format!(
        "A verified callback, typed by its event family.\n\nThe family is picked by the first of {} the body has as a string, among the families of the rule's delivery (pre- or post-delivery), then the operation by the members each one names. Nothing is dropped: a family or operation the spec does not describe is kept whole, and so is a body of a known one whose members do not have the documented types. Every struct keeps unknown members in `extra`.",
        order.join(", ")
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #event {
            #(#variants)*
            /// A family the spec does not describe: the body kept whole.
            #unknown(crate::webhook::Envelope),
            /// A body of a known family whose members do not decode as
            /// documented: kept whole, with the problem.
            #undecoded(crate::webhook::Undecoded),
        }

        impl #event {
            /// The typed event of a verified body, for a callback rule of
            /// `delivery`.
            pub fn from_envelope(envelope: &crate::webhook::Envelope, delivery: crate::webhook::Delivery) -> Self {
                let selected = crate::webhook::decode::dispatch(envelope.members(), &[#(#dispatch),*]);
                let Some((member, value)) = selected else {
                    return Self::#unknown(envelope.clone());
                };
                match (delivery, member, value) {
                    #(#arms)*
                    _ => Self::#unknown(envelope.clone()),
                }
            }

            /// The family's name in the spec (`message`, `muc`, ...); `None`
            /// for an unknown family.
            pub fn family(&self) -> Option<&'static str> {
                match self {
                    #(#families)*
                    Self::#unknown(_) => None,
                    Self::#undecoded(undecoded) => Some(undecoded.family()),
                }
            }

            /// The operation's name in the spec (`create`, `kick`, ...), for
            /// families with operations; `None` for the others and for an
            /// unknown operation.
            pub fn operation(&self) -> Option<&'static str> {
                match self {
                    #(#operations)*
                    Self::#undecoded(undecoded) => undecoded.operation(),
                    _ => None,
                }
            }
        }
    }
}

/// The whole module.
pub(super) fn module(ir: &Ir) -> TokenStream {
    let Some(callbacks) = &ir.callbacks else {
        return quote!();
    };
    let types = callbacks.types.iter().enumerate().map(|(i, ty)| {
        let id = CallbackTypeId(i);
        match ty {
            CallbackType::Object(o) => object(ir, id, o),
            CallbackType::Union(u) => union(ir, id, u),
        }
    });
    let families = callbacks.families.iter().map(|f| family(ir, callbacks, f));
    let event = event_enum(callbacks);
    quote! {
        //! The callbacks' event families as types, generated from
        //! `spec/callbacks/`; re-exported from [`crate::webhook`].
        // An event is decoded once per callback and matched on; boxing
        // the larger families would only add a step to every match.
        #![allow(clippy::large_enum_variant)]

        #event

        #(#families)*

        #(#types)*
    }
}

/// `assert_eq!`s of up to `max` scalar members of `fields` that the body
/// object has, reached through `base`.
fn field_asserts(
    fields: &[Field],
    body: &Value,
    base: &TokenStream,
    max: usize,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in fields {
        if out.len() == max {
            break;
        }
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        let expected = match (&f.ty, body.get(&f.wire_name)) {
            (Ty::String, Some(Value::String(s))) => Some((quote!(#s), true)),
            (Ty::Integer, Some(Value::Number(n))) => n
                .as_i64()
                .map(|i| (Literal::i64_suffixed(i).into_token_stream(), false)),
            (Ty::Boolean, Some(Value::Bool(b))) => Some((quote!(#b), false)),
            _ => None,
        };
        let Some((value, text)) = expected else {
            continue;
        };
        out.push(match (f.required, text) {
            (true, _) => quote!(assert_eq!(#base.#ident, #value);),
            (false, true) => quote!(assert_eq!(#base.#ident.as_deref(), Some(#value));),
            (false, false) => quote!(assert_eq!(#base.#ident, Some(#value));),
        });
    }
    out
}

fn example_test(ir: &Ir, family: &Family, ex: &CallbackExample) -> TokenStream {
    let name = format_ident!("{}", names::field_ident(&ex.name));
    let body = serde_json::to_string(&ex.body).unwrap_or_default();
    let delivery = match family.delivery {
        Delivery::Pre => quote!(Delivery::Pre),
        Delivery::Post => quote!(Delivery::Post),
    };
    let family_ident = format_ident!("{}", names::family(family));
    let wire = &family.name;
    let doc = format!(" {}", source_text(&ex.source));
    let decoded = quote!(let event = event_of(#body, #delivery););
    if ex.payload_elided {
        // The doc shows a placeholder payload: the family is still known.
        return quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                #decoded
                assert_eq!(event.family(), Some(#wire), "{event:?}");
            }
        };
    }
    let (pattern, fields) = match ex.operation.and_then(|i| family.operations.get(i)) {
        Some(op) => {
            let variant = format_ident!("{}", names::operation_variant(op));
            (
                quote!(Event::#family_ident(webhook::#family_ident::#variant(typed))),
                &op.fields,
            )
        }
        None => (quote!(Event::#family_ident(typed)), &family.fields),
    };
    let base = quote!(typed);
    let mut asserts = field_asserts(fields, &ex.body, &base, 2);
    // And one member of an inline payload.
    if let Some(payload) = fields
        .iter()
        .find(|f| f.wire_name == "payload" && f.required)
        && let Some(CallbackType::Object(object)) = payload
            .ty
            .callback()
            .and_then(|id| ir.callbacks.as_ref().map(|c| c.ty(id)))
        && let Some(value) = ex.body.get("payload")
        && matches!(
            object.role,
            crate::ir::callbacks::CallbackObjectRole::Inline { .. }
        )
    {
        asserts.extend(field_asserts(
            &object.fields,
            value,
            &quote!(typed.payload),
            1,
        ));
    }
    asserts.extend(union_asserts(ir, fields, &ex.body));
    let message = format!(
        "{wire} example {} decodes to another variant: {{event:?}}",
        ex.name
    );
    quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            #decoded
            let #pattern = event else {
                panic!(#message);
            };
            #(#asserts)*
        }
    }
}

/// For each required object member holding a required list of a callback
/// union (a message's `payload.bodies`): every item of the example decodes
/// to the variant its tag names, not to the catch-all.
fn union_asserts(ir: &Ir, fields: &[Field], body: &Value) -> Vec<TokenStream> {
    let Some(callbacks) = &ir.callbacks else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in fields.iter().filter(|f| f.required) {
        let Some(CallbackType::Object(object)) = f.ty.callback().map(|id| callbacks.ty(id)) else {
            continue;
        };
        let outer = format_ident!("{}", names::field_ident(&f.wire_name));
        for g in object.fields.iter().filter(|g| g.required) {
            let Some(Ty::Callback(id)) = g.ty.item() else {
                continue;
            };
            let (CallbackType::Union(union), Some(Value::Array(items))) = (
                callbacks.ty(*id),
                body.get(&f.wire_name).and_then(|v| v.get(&g.wire_name)),
            ) else {
                continue;
            };
            let union_ident = format_ident!("{}", names::callback_type(ir, *id));
            let inner = format_ident!("{}", names::field_ident(&g.wire_name));
            for (i, item) in items.iter().enumerate() {
                let Some(tag) = item.get(&union.tag).and_then(Value::as_str) else {
                    continue;
                };
                if !union.variants.iter().any(|v| v.value == tag) {
                    continue;
                }
                let variant = format_ident!("{}", names::callback_variant(tag));
                let message = format!(
                    "`{}/{}/{i}` is not `{tag}`: {{:?}}",
                    f.wire_name, g.wire_name
                );
                let i = Literal::usize_unsuffixed(i);
                out.push(quote! {
                    assert!(
                        matches!(typed.#outer.#inner[#i], webhook::#union_ident::#variant { .. }),
                        #message,
                        typed.#outer.#inner[#i]
                    );
                });
            }
        }
    }
    out
}

/// The generated tests: one module per family, one test per example.
pub(super) fn tests(ir: &Ir) -> TokenStream {
    let Some(callbacks) = &ir.callbacks else {
        return quote!();
    };
    let modules = callbacks.families.iter().map(|family| {
        let module = format_ident!("{}", family.name);
        let tests = family
            .examples
            .iter()
            .map(|ex| example_test(ir, family, ex));
        quote! {
            mod #module {
                #[allow(unused_imports)]
                use agora_chat::webhook::{self, Delivery, Event};

                use crate::support::event_of;

                #(#tests)*
            }
        }
    });
    quote! {
        //! One test per doc example of every callback family: signed and
        //! verified, the body decodes to its family's (and operation's)
        //! variant with the documented values.

        #(#modules)*
    }
}
