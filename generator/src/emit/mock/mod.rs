//! The mock emitter: the generated half of the `mock` feature of
//! `agora-chat`, a test kit whose server checks every request against the
//! spec. From the IR alone it writes
//!
//! - `src/generated/mock.rs`: one table entry per operation (method, path
//!   template, parameters, body fields with their types, requirements and
//!   limits, the request objects and unions they use, the default response
//!   from the first doc example, pagination), which the hand-written
//!   runtime in `src/runtime/mock/` checks requests against; and per group
//!   a module with the typed call of each operation (its arguments as the
//!   server received them) and a namespace of typed expectations;
//! - `tests/mock/cases.rs`: one test per group that sends each operation's
//!   first doc example without errata through the typed client to the
//!   mock, which must find no violation.
//!
//! Rust names come from the Rust emitter's `names`, so both halves of the
//! crate agree on them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use heck::ToUpperCamelCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::rust::values::Context;
use super::rust::{conformance, docs, names, rust_file, types};
use super::{Emitter, GeneratedFile};
use crate::error::Diagnostic;
use crate::ir::{
    BodyKind, Field, Group, Ir, Limits, NextCursor, ObjectId, Operation, PageKind, Param,
    ParamLocation, Payload, ResponseBody, Segment, Shape, TextLimits, Ty,
};

/// The generated tables and typed calls, relative to the workspace root.
pub const MOCK_MODULE: &str = "generated-client/src/generated/mock.rs";
/// The generated scenario tests, relative to the workspace root.
pub const MOCK_TEST: &str = "generated-client/tests/mock/cases.rs";

/// Names at the root of `agora_chat::mock` besides the group modules: the
/// runtime's re-exports and the generated tables.
pub const MOCK_ROOT: &[&str] = &[
    "Expect",
    "FilePart",
    "MOCK_APP",
    "MOCK_ORG",
    "MOCK_TOKEN",
    "MockServer",
    "OBJECTS",
    "OPERATIONS",
    "Problem",
    "RecordedCall",
    "SPEC",
    "UNIONS",
    "Violation",
    "t",
];

/// The mock emitter.
pub struct MockEmitter;

impl Emitter for MockEmitter {
    fn name(&self) -> &'static str {
        "mock"
    }

    fn check(&self, ir: &Ir) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for group in &ir.groups {
            if MOCK_ROOT.contains(&group.name.as_str()) {
                problems.push(group.origin.diagnostic(
                    "group",
                    format!(
                        "the group `{}` becomes a module of `agora_chat::mock` named like one of its own items",
                        group.name
                    ),
                ));
            }
            let mut seen: BTreeMap<String, String> = BTreeMap::new();
            seen.insert(
                names::namespace(group),
                "the mock namespace of the group".into(),
            );
            for op in &group.operations {
                let name = call_name(op);
                if let Some(other) = seen.get(&name) {
                    problems.push(op.origin.diagnostic(
                        "id",
                        format!("the mock's typed call of `{}` becomes `{name}`, which {other} already uses", op.id),
                    ));
                } else {
                    seen.insert(name, format!("the typed call of `{}`", op.id));
                }
            }
        }
        problems
    }

    fn emit(&self, ir: &Ir) -> Result<Vec<GeneratedFile>, String> {
        let module = rust_file(module(ir)).map_err(|e| format!("{MOCK_MODULE}: {e}"))?;
        let tests = rust_file(tests(ir)).map_err(|e| format!("{MOCK_TEST}: {e}"))?;
        Ok(vec![
            GeneratedFile {
                path: PathBuf::from(MOCK_MODULE),
                contents: module,
            },
            GeneratedFile {
                path: PathBuf::from(MOCK_TEST),
                contents: tests,
            },
        ])
    }
}

/// The typed call struct of an operation: `get_user` -> `GetUserCall`.
fn call_name(op: &Operation) -> String {
    format!("{}Call", op.id.to_upper_camel_case())
}

/// The request objects: every object a request body reaches, directly or
/// through arrays, maps, other objects and union variants, numbered in
/// `ObjectId` order.
fn request_objects(ir: &Ir) -> BTreeMap<ObjectId, usize> {
    fn visit(ir: &Ir, ty: &Ty, found: &mut Vec<ObjectId>) {
        match ty {
            Ty::Array(inner) | Ty::Map(inner) => visit(ir, inner, found),
            Ty::Object(id) if !found.contains(id) => {
                found.push(*id);
                for f in &ir.object(*id).fields {
                    visit(ir, &f.ty, found);
                }
            }
            Ty::Union(id) => {
                for v in &ir.union(*id).variants {
                    for f in &v.fields {
                        visit(ir, &f.ty, found);
                    }
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (_, op) in ir.operations() {
        for f in op.body.iter().flat_map(|b| &b.fields) {
            visit(ir, &f.ty, &mut found);
        }
    }
    found.sort();
    found
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect()
}

/// Every union a request reaches, numbered in `UnionId` order: all of them
/// (there are few), so the index is the id.
fn ty_desc(ir: &Ir, objects: &BTreeMap<ObjectId, usize>, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(t::TyDesc::String),
        Ty::Username => quote!(t::TyDesc::Username),
        Ty::Integer => quote!(t::TyDesc::Integer),
        Ty::Number => quote!(t::TyDesc::Number),
        Ty::Boolean => quote!(t::TyDesc::Boolean),
        Ty::Any => quote!(t::TyDesc::Any),
        Ty::BoolOrString => quote!(t::TyDesc::BoolOrString),
        Ty::File => quote!(t::TyDesc::File),
        Ty::Array(inner) => {
            let inner = ty_desc(ir, objects, inner);
            quote!(t::TyDesc::Array(&#inner))
        }
        Ty::Map(inner) => {
            let inner = ty_desc(ir, objects, inner);
            quote!(t::TyDesc::Map(&#inner))
        }
        Ty::Object(id) => match objects.get(id) {
            Some(index) => quote!(t::TyDesc::Object(#index)),
            None => quote!(t::TyDesc::Any),
        },
        Ty::Enum(id) => {
            let set = ir.enumeration(*id);
            if set.is_integer() {
                let values = set.values.iter().filter_map(|v| match &v.value {
                    crate::ir::EnumWire::Integer(i) => Some(Literal::i64_unsuffixed(*i)),
                    crate::ir::EnumWire::String(_) => None,
                });
                quote!(t::TyDesc::IntEnum(&[#(#values),*]))
            } else {
                let values = set.values.iter().filter_map(|v| match &v.value {
                    crate::ir::EnumWire::String(s) => Some(s.as_str()),
                    crate::ir::EnumWire::Integer(_) => None,
                });
                quote!(t::TyDesc::StrEnum(&[#(#values),*]))
            }
        }
        Ty::Union(id) => {
            let index = id.0;
            quote!(t::TyDesc::Union(#index))
        }
        // Callback types describe what the server posts to the app; no
        // request of an operation carries one, so nothing is checked.
        Ty::Callback(_) => quote!(t::TyDesc::Any),
    }
}

fn option<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn text_rule(l: &TextLimits) -> TokenStream {
    let max_chars = option(l.max_length);
    let max_bytes = option(l.max_bytes);
    let extra = option(l.extra_chars.as_deref());
    quote!(crate::runtime::validate::TextRule {
        max_chars: #max_chars,
        max_bytes: #max_bytes,
        extra_chars: #extra,
    })
}

/// A `LimitSpec` literal naming only the limits the spec sets.
fn limits(l: &Limits) -> TokenStream {
    let mut set: Vec<TokenStream> = Vec::new();
    let mut push = |name: &str, value: Option<TokenStream>| {
        if let Some(value) = value {
            let name = format_ident!("{name}");
            set.push(quote!(#name: Some(#value)));
        }
    };
    push("max_length", l.max_length.map(|v| quote!(#v)));
    push("min_length", l.min_length.map(|v| quote!(#v)));
    push("minimum", l.minimum.map(|v| quote!(#v)));
    push("maximum", l.maximum.map(|v| quote!(#v)));
    push("max_items", l.max_items.map(|v| quote!(#v)));
    push("min_items", l.min_items.map(|v| quote!(#v)));
    push(
        "enumeration",
        l.enumeration.as_ref().map(|values| quote!(&[#(#values),*])),
    );
    push("max_bytes", l.max_bytes.map(|v| quote!(#v)));
    push("keys", l.keys.as_ref().map(text_rule));
    push("values", l.values.as_ref().map(text_rule));
    if set.is_empty() {
        quote!(t::NO_LIMITS)
    } else {
        quote!(t::LimitSpec { #(#set,)* ..t::NO_LIMITS })
    }
}

fn field_spec(ir: &Ir, objects: &BTreeMap<ObjectId, usize>, f: &Field) -> TokenStream {
    let name = &f.wire_name;
    let ty = ty_desc(ir, objects, &f.ty);
    let required = f.required;
    let limits = limits(&f.limits);
    quote!(t::FieldSpec { name: #name, ty: #ty, required: #required, limits: #limits })
}

fn param_spec(ir: &Ir, objects: &BTreeMap<ObjectId, usize>, p: &Param) -> TokenStream {
    let loc = match p.location {
        ParamLocation::Path => quote!(t::Loc::Path),
        ParamLocation::Query => quote!(t::Loc::Query),
        ParamLocation::Header => quote!(t::Loc::Header),
    };
    let name = &p.wire_name;
    let ty = ty_desc(ir, objects, &p.ty);
    let required = p.required;
    let limits = limits(&p.limits);
    let list_max = option(p.list_max);
    quote!(t::ParamSpec { loc: #loc, name: #name, ty: #ty, required: #required, limits: #limits, list_max: #list_max })
}

/// The first doc example with a 2xx status: the default response. An
/// operation no page shows an example of (the price-list rows) answers with
/// its payload key holding `null`, which its untyped payload reads.
fn default_response(op: &Operation) -> (u16, String) {
    let empty = || match &op.payload {
        crate::ir::Payload::Key(key) => serde_json::json!({ key: null }).to_string(),
        crate::ir::Payload::Root => "{}".to_string(),
    };
    op.examples
        .iter()
        .map(|ex| &ex.response)
        .find(|r| (200..300).contains(&r.status))
        .map_or_else(|| (200, empty()), |r| (r.status, r.body.clone()))
}

fn op_spec(
    ir: &Ir,
    objects: &BTreeMap<ObjectId, usize>,
    group: &Group,
    op: &Operation,
) -> TokenStream {
    let id = &op.id;
    let method = op.method.as_str();
    let template = op.path.as_str();
    // A token request (OAuth style: a required `grant_type` body field)
    // carries its credentials in the body; every other call a bearer token.
    let auth = !op
        .body
        .iter()
        .flat_map(|b| &b.fields)
        .any(|f| f.required && f.wire_name == "grant_type");
    let path = op.path.segments().iter().map(|s| match s {
        Segment::Literal(text) => quote!(t::Seg::Lit(#text)),
        Segment::Placeholder { name, .. } => quote!(t::Seg::Param(#name)),
    });
    let params = op.params().map(|p| param_spec(ir, objects, p));
    let body = match &op.body {
        Some(b) => {
            let kind = match b.kind {
                BodyKind::Json => quote!(t::BodyKindSpec::Json),
                BodyKind::JsonArray => quote!(t::BodyKindSpec::JsonArray),
                BodyKind::Multipart => quote!(t::BodyKindSpec::Multipart),
                BodyKind::Form => quote!(t::BodyKindSpec::Form),
            };
            let fields = b.fields.iter().map(|f| field_spec(ir, objects, f));
            let additional = option(b.additional.as_ref().map(|a| ty_desc(ir, objects, &a.ty)));
            quote!(Some(t::BodySpec { kind: #kind, fields: &[#(#fields),*], additional: #additional }))
        }
        None => quote!(None),
    };
    let binary = op.response_body == ResponseBody::Binary;
    let payload = match &op.payload {
        Payload::Key(k) => quote!(t::PayloadSpec::Key(#k)),
        Payload::Root => quote!(t::PayloadSpec::Root),
    };
    let single = op.data.single;
    let (status, body_text) = default_response(op);
    let body_lit = Literal::string(&body_text);
    let page = match &op.pagination {
        Some(p) => {
            let cursor = p.kind == PageKind::Cursor;
            let size_param = &p.size_param;
            let size_default = option(p.size_default);
            let size_max = option(p.size_max);
            let position_param = &p.position_param;
            let next = match &p.next_cursor {
                NextCursor::None => quote!(t::NextSpec::None),
                NextCursor::Envelope => quote!(t::NextSpec::Envelope),
                NextCursor::PayloadField(f) => quote!(t::NextSpec::PayloadField(#f)),
                NextCursor::Extra(pointer) => quote!(t::NextSpec::Extra(#pointer)),
            };
            let items_field = option(p.items_field.as_deref());
            quote!(Some(t::PageSpec {
                cursor: #cursor,
                size_param: #size_param,
                size_default: #size_default,
                size_max: #size_max,
                position_param: #position_param,
                next: #next,
                items_field: #items_field,
            }))
        }
        None => quote!(None),
    };
    let module = format_ident!("{}", group.name);
    let call = format_ident!("{}", call_name(op));
    quote! {
        t::OpSpec {
            id: #id,
            method: #method,
            template: #template,
            auth: #auth,
            path: &[#(#path),*],
            params: &[#(#params),*],
            body: #body,
            response: t::ResponseSpec {
                binary: #binary,
                payload: #payload,
                single: #single,
                status: #status,
                body: #body_lit,
            },
            page: #page,
            decode: crate::runtime::mock::decode::<#module::#call>,
        }
    }
}

/// The Rust type of an argument in a typed call.
fn call_type(ir: &Ir, ty: &Ty) -> TokenStream {
    match ty {
        Ty::File => quote!(crate::runtime::mock::FilePart),
        Ty::Array(inner) if **inner == Ty::File => {
            quote!(::std::vec::Vec<crate::runtime::mock::FilePart>)
        }
        _ => types::rust_type(ir, ty),
    }
}

/// One member of a typed call struct.
fn call_field(
    ir: &Ir,
    wire: &str,
    ty: &Ty,
    required: bool,
    list: bool,
    description: &str,
) -> TokenStream {
    let ident = format_ident!("{}", names::field_ident(wire));
    let doc = docs::attrs(description.trim());
    let rust = if list {
        quote!(::std::vec::Vec<String>)
    } else {
        call_type(ir, ty)
    };
    let rename = if names::field_ident(wire) == wire || matches!(ty, Ty::Union(_)) {
        quote!()
    } else {
        quote!(#[serde(rename = #wire)])
    };
    match (required, ty) {
        (_, Ty::Union(_)) => quote! {
            #doc
            #[serde(flatten)]
            pub #ident: Option<#rust>,
        },
        (true, _) => quote! {
            #doc
            #rename
            pub #ident: #rust,
        },
        (false, _) => quote! {
            #doc
            #rename
            #[serde(default)]
            pub #ident: Option<#rust>,
        },
    }
}

fn group_module(ir: &Ir, group: &Group) -> TokenStream {
    let module = format_ident!("{}", group.name);
    let namespace = format_ident!("{}", names::namespace(group));
    let ns = names::namespace(group);
    let g = &group.name;
    let module_doc = docs::inner_attrs(&format!(
        "The mock of the group {}: the typed calls of its operations and [`{ns}`], its expectations, which [`MockServer::{g}`](super::MockServer::{g}) returns.",
        group.title
    ));
    let mut calls = Vec::new();
    let mut methods = Vec::new();
    let mut impls = Vec::new();
    for op in &group.operations {
        let call = format_ident!("{}", call_name(op));
        let mut fields: Vec<TokenStream> = op
            .params()
            .map(|p| {
                call_field(
                    ir,
                    &p.wire_name,
                    &p.ty,
                    p.required,
                    p.list_max.is_some() && p.location == ParamLocation::Path,
                    &p.description,
                )
            })
            .collect();
        if let Some(body) = &op.body {
            fields.extend(
                body.fields.iter().map(|f| {
                    call_field(ir, &f.wire_name, &f.ty, f.required, false, &f.description)
                }),
            );
        }
        let call_doc = docs::attrs(&format!(
            "A request of [`{ns}::{name}`](crate::{g}::{ns}::{name}) (`{id}`, `{method} {path}`) as the mock received it: each argument with its spec type, by its name in the client.",
            name = op.name,
            id = op.id,
            method = op.method.as_str(),
            path = op.path.as_str(),
        ));
        calls.push(quote! {
            #call_doc
            #[derive(Debug, Clone, PartialEq, ::serde::Deserialize)]
            #[non_exhaustive]
            pub struct #call {
                #(#fields)*
            }
        });
        let payload = if op.response_body == ResponseBody::Binary {
            quote!(::std::vec::Vec<u8>)
        } else if op.data.shape == Shape::None {
            quote!(())
        } else {
            types::data_type(ir, &op.data)
        };
        let method = format_ident!("{}", op.name);
        let method_doc = docs::attrs(&format!(
            "An expectation of `{id}` (`{m} {path}`): {summary}\n\nMatch with [`when`](super::Expect::when) on a [`{call}`], then respond.",
            id = op.id,
            m = op.method.as_str(),
            path = op.path.as_str(),
            summary = op.summary.trim(),
            call = call_name(op),
        ));
        let id = &op.id;
        methods.push(quote! {
            #method_doc
            pub fn #method(&self) -> super::Expect<'m, #call, #payload> {
                super::Expect::new(self.server, #id)
            }
        });
        if let Some(p) = &op.pagination {
            let item = types::rust_type(ir, &p.item);
            let doc = docs::attrs(&format!(
                "Answers every page of `{}` from `items`, the way the server pages them: the page size from the request's `{}` (capped as documented), the position from its `{}`, and the next cursor where the spec puts it, absent after the last page.",
                op.id, p.size_param, p.position_param
            ));
            impls.push(quote! {
                impl super::Expect<'_, #call, #payload> {
                    #doc
                    pub fn pages(self, items: ::std::vec::Vec<#item>) {
                        self.respond_pages(items);
                    }
                }
            });
        }
    }
    let ns_doc = docs::attrs(&format!(
        "The expectations of the group {}, one method per operation.",
        group.title
    ));
    let accessor_doc = docs::attrs(&format!("The expectations of the group {}.", group.title));
    quote! {
        pub mod #module {
            #module_doc

            #ns_doc
            #[derive(Debug, Clone, Copy)]
            pub struct #namespace<'m> {
                server: &'m super::MockServer,
            }

            impl super::MockServer {
                #accessor_doc
                pub fn #module(&self) -> #namespace<'_> {
                    #namespace { server: self }
                }
            }

            impl<'m> #namespace<'m> {
                #(#methods)*
            }

            #(#impls)*

            #(#calls)*
        }
    }
}

fn module(ir: &Ir) -> TokenStream {
    let objects = request_objects(ir);
    let ops = ir.operations().map(|(g, op)| op_spec(ir, &objects, g, op));
    let object_specs = objects.keys().map(|id| {
        let fields = ir
            .object(*id)
            .fields
            .iter()
            .map(|f| field_spec(ir, &objects, f));
        quote!(t::ObjSpec { fields: &[#(#fields),*] })
    });
    let union_specs = ir.unions.iter().map(|u| {
        let tag = &u.tag;
        let content = &u.content;
        let variants = u.variants.iter().map(|v| {
            let value = &v.value;
            let fields = v.fields.iter().map(|f| field_spec(ir, &objects, f));
            quote!((#value, &[#(#fields),*]))
        });
        quote!(t::UnionSpec { tag: #tag, content: #content, variants: &[#(#variants),*] })
    });
    let statuses = ir.api.error_codes.iter().map(|c| {
        let code = &c.code;
        let status = c.status;
        quote!((#code, #status))
    });
    let groups = ir.groups.iter().map(|g| group_module(ir, g));
    quote! {
        //! A test kit for code that uses this crate: [`MockServer`], a local
        //! Agora Chat server that checks every request against the spec, with
        //! typed expectations per operation (one module per group), recorded
        //! calls and pagination helpers. Behind the `mock` feature.
        //!
        //! ```
        //! # #[tokio::main(flavor = "current_thread")]
        //! # async fn main() {
        //! let mock = agora_chat::mock::MockServer::start().await;
        //! mock.users()
        //!     .get()
        //!     .when(|call| call.username == "alice")
        //!     .respond(agora_chat::users::UserDetails {
        //!         uuid: "u-1".into(),
        //!         username: "alice".into(),
        //!         ..Default::default()
        //!     });
        //! let user = mock.client().users().get("alice").await.expect("answered");
        //! assert_eq!(user.uuid, "u-1");
        //! # }
        //! ```

        #![allow(clippy::too_many_lines)]

        pub use crate::runtime::mock::{
            Expect, FilePart, MOCK_APP, MOCK_ORG, MOCK_TOKEN, MockServer, Problem, RecordedCall,
            Violation,
        };
        use crate::runtime::mock::table as t;

        /// Every table of the spec, as the mock server checks requests.
        pub(crate) static SPEC: t::ApiSpec = t::ApiSpec {
            operations: OPERATIONS,
            objects: OBJECTS,
            unions: UNIONS,
            error_statuses: &[#(#statuses),*],
        };

        /// Every operation, in spec order.
        static OPERATIONS: &[t::OpSpec] = &[#(#ops),*];

        /// The objects requests carry.
        static OBJECTS: &[t::ObjSpec] = &[#(#object_specs),*];

        /// The tagged unions, by union id.
        static UNIONS: &[t::UnionSpec] = &[#(#union_specs),*];

        #(#groups)*
    }
}

fn tests(ir: &Ir) -> TokenStream {
    let tests = ir.groups.iter().filter_map(|group| {
        let steps: Vec<TokenStream> = group
            .operations
            .iter()
            .filter_map(|op| {
                // An example the errata fix may carry keys the spec does not
                // declare (kept verbatim in the client's `extra`), which the
                // mock rightly rejects: take the first one without errata.
                let ex = op.examples.iter().find(|ex| ex.errata.is_empty())?;
                let call = conformance::call(ir, group, op, ex, Context::Test);
                let context = format!("{} example `{}`", op.id, ex.name);
                let namespace = format_ident!("{}", group.name);
                let method = format_ident!("{}", op.name);
                Some(quote! {
                    let result = #call.await;
                    assert!(result.is_ok(), "{}: {:?}", #context, result.err());
                    assert_eq!(mock.#namespace().#method().calls().len(), 1, "{}: one typed call recorded", #context);
                })
            })
            .collect();
        if steps.is_empty() {
            return None;
        }
        let name = format_ident!("{}", group.name);
        Some(quote! {
            #[tokio::test]
            async fn #name() {
                let mock = MockServer::start().await;
                let client = mock.client();
                #(#steps)*
                assert_eq!(mock.problems(), Vec::new());
            }
        })
    });
    quote! {
        //! One scenario per group: each operation's first doc example without
        //! errata, sent by the typed client, must pass the mock's checks, be
        //! answered with the default response and be recorded as one typed
        //! call.

        use agora_chat::mock::MockServer;

        use super::support;

        #(#tests)*
    }
}
