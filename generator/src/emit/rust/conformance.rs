//! Conformance tests generated from the doc examples (in the spirit of
//! smithy-rs protocol tests): each example calls the typed client against a
//! local mock server, asserts the wire request and decodes the documented
//! response.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::names;
use super::operations::{self, Place};
use super::values::{Context, arg_expr, union_expr, union_value};
use crate::ir::{BodyKind, Example, Group, Ir, Operation, ResponseBody, Ty};

/// The whole test file.
pub(super) fn tests(ir: &Ir) -> TokenStream {
    let tests = ir
        .operations()
        .flat_map(|(group, op)| op.examples.iter().map(move |ex| test(ir, group, op, ex)));
    quote! {
        //! One test per doc example in the spec: the typed client must send
        //! the documented request and decode the documented response.

        use super::support;

        #(#tests)*
    }
}

/// The prism tests: every operation called once, with its first example,
/// against a prism mock serving `openapi.yaml`. Ignored by default because
/// they need prism running; CI runs them with `--ignored`.
pub(super) fn prism_tests(ir: &Ir) -> TokenStream {
    let tests = ir.operations().filter_map(|(group, op)| {
        let ex = op.examples.first()?;
        let name = format_ident!("{}", op.id);
        let call = call(ir, group, op, ex, Context::Test);
        // Operations sharing a route are one OpenAPI operation with several
        // response examples; the test asks prism for its own.
        let merged = ir.routes[op.route].operations.len() > 1;
        let call = if merged && op.response_body == ResponseBody::Json {
            let prefer = format!("example={}", ex.key);
            quote!(#call.header("Prefer", #prefer))
        } else {
            call
        };
        let id = &op.id;
        Some(quote! {
            #[tokio::test]
            #[ignore = "needs a prism mock of openapi.yaml at PRISM_URL; run by .ci/openapi-tools"]
            async fn #name() {
                let client = support::prism_client();
                let result = #call.await;
                support::assert_accepted(#id, result);
            }
        })
    });
    quote! {
        //! Every operation, called once with its doc example against prism,
        //! which validates each request against `openapi.yaml` on its own
        //! (it answers 422 on any violation when started with `--errors`).

        use super::support;

        #(#tests)*
    }
}

/// `client.op(required...).setter(optional)...` for an example's arguments,
/// with values that have no literal form written as `context` says.
pub(crate) fn call(
    ir: &Ir,
    group: &Group,
    op: &Operation,
    ex: &Example,
    context: Context,
) -> TokenStream {
    let namespace = format_ident!("{}", group.name);
    let method = format_ident!("{}", op.name);
    let body_args = &ex.args.body;
    let args = operations::args(op);
    let value_of = |place: Place, wire_name: &str| -> Option<&Value> {
        match place {
            Place::Path { .. } => ex.args.path.get(wire_name),
            Place::Query => ex.args.query.get(wire_name),
            Place::Header => ex.args.headers.get(wire_name),
            Place::Body => body_args.get(wire_name),
        }
    };
    let mut positional = Vec::new();
    let mut setters = Vec::new();
    for arg in &args {
        let Some(value) = value_of(arg.place, arg.wire_name) else {
            continue;
        };
        // A union argument is its tag and its content together.
        let expr = match arg.ty {
            Ty::Union(id) => {
                let value = union_value(ir, *id, arg.wire_name, value, body_args);
                union_expr(ir, *id, &value, context)
            }
            _ => arg_expr(arg.ty, arg.is_list(), value, context),
        };
        if arg.required {
            positional.push(expr);
        } else {
            let setter = &arg.ident;
            setters.push(quote!(.#setter(#expr)));
        }
    }
    // Body values with names of their own go through the open-ended setter.
    if let Some(body) = &op.body
        && let Some(additional) = &body.additional
    {
        let setter = format_ident!("{}", names::field_ident(&additional.setter));
        for (name, value) in body_args {
            if body.fields.iter().all(|f| &f.wire_name != name) {
                let expr = arg_expr(&additional.ty, false, value, context);
                setters.push(quote!(.#setter(#name, #expr)));
            }
        }
    }
    quote!(client.#namespace().#method(#(#positional),*) #(#setters)*)
}

fn test(ir: &Ir, group: &Group, op: &Operation, ex: &Example) -> TokenStream {
    let name = format_ident!("{}", ex.key);
    let call = call(ir, group, op, ex, Context::Test);
    let status = ex.response.status;
    let response_body = Literal::string(&ex.response.body);
    let wire_method = ex.wire.method.as_str();
    let wire_path = &ex.wire.path;
    let query = option_lit(ex.wire.query.as_deref());
    let body = option_lit(ex.wire.body_text());
    // The decoded response holds the payload as `data`, wherever the wire
    // carried it.
    let payload = op.payload.pointer();
    let expectations = ex.response.expect.iter().map(|(pointer, value)| {
        let pointer = match pointer.strip_prefix(payload.as_str()) {
            // A single item is the payload itself: `/entities/0/uuid` is
            // `/data/uuid` of the decoded response.
            Some(rest) if op.data.single && (rest == "/0" || rest.starts_with("/0/")) => {
                format!("/data{}", &rest[2..])
            }
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("/data{rest}"),
            _ => pointer.clone(),
        };
        let value = Literal::string(&value.to_string());
        quote!((#pointer, #value))
    });
    let context = format!("{} example `{}`", op.id, ex.name);
    // Multipart examples carry their part names instead of a JSON body.
    let parts: Vec<&str> = match &op.body {
        Some(b) if b.kind == BodyKind::Multipart => {
            ex.args.body.keys().map(String::as_str).collect()
        }
        _ => Vec::new(),
    };
    let form = op.body.as_ref().is_some_and(|b| b.kind == BodyKind::Form);
    let headers = ex
        .wire
        .headers
        .iter()
        .map(|(name, value)| quote!((#name, #value)));
    let download = op.response_body == ResponseBody::Binary;
    let check_response = if download {
        quote! {
            let download = result.expect(#context);
            support::assert_download(download, #response_body).await;
        }
    } else {
        quote! {
            let response = result.expect(#context);
            support::assert_decoded(&response, &[#(#expectations),*]);
        }
    };
    // The whole response is checked, envelope included.
    let send = if download {
        quote!(#call.await)
    } else {
        quote!(#call.with_envelope().await)
    };
    quote! {
        #[tokio::test]
        async fn #name() {
            let server = support::MockApi::start(#status, #response_body).await;
            let client = server.client();
            let result = #send;
            server
                .assert_request(&support::WireRequest {
                    method: #wire_method,
                    path: #wire_path,
                    query: #query,
                    body: #body,
                    multipart: &[#(#parts),*],
                    form: #form,
                    download: #download,
                    headers: &[#(#headers),*],
                })
                .await;
            #check_response
        }
    }
}

fn option_lit(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) => {
            let lit = Literal::string(t);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}
