//! Rust expressions for example values: how a doc example's arguments are
//! passed to the typed client in the generated conformance tests.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::ir::{Ir, Ty, UnionId};

/// An expression passing `value` to an argument of type `ty` (`list` for
/// comma-list path parameters, which take an iterator of strings).
pub(super) fn arg_expr(ty: &Ty, list: bool, value: &Value) -> TokenStream {
    let string_items = list || ty.item().is_some_and(Ty::is_stringy);
    match value {
        Value::String(s) if ty.is_stringy() && !list => {
            let lit = Literal::string(s);
            quote!(#lit)
        }
        Value::Array(items) if string_items && items.iter().all(Value::is_string) => {
            if items.is_empty() {
                quote!(::std::vec::Vec::<String>::new())
            } else {
                let lits = items.iter().filter_map(Value::as_str).map(Literal::string);
                quote!([#(#lits),*])
            }
        }
        Value::Number(n) if *ty == Ty::Integer => match n.as_i64() {
            Some(v) => {
                let lit = Literal::i64_unsuffixed(v);
                quote!(#lit)
            }
            None => json_expr(value),
        },
        Value::Number(n) if *ty == Ty::Number => {
            let lit = Literal::f64_suffixed(n.as_f64().unwrap_or_default());
            quote!(#lit)
        }
        Value::Bool(b) if *ty == Ty::Boolean => quote!(#b),
        // A file argument is given by its name; the test uploads a few bytes.
        Value::String(name) if *ty == Ty::File => {
            let lit = Literal::string(name);
            quote!(agora_chat::UploadFile::from_bytes(#lit, b"conformance test file".to_vec()))
        }
        _ => json_expr(value),
    }
}

/// Any other value is decoded from its JSON text into the argument's type.
fn json_expr(value: &Value) -> TokenStream {
    let text = Literal::string(&value.to_string());
    quote!(support::from_json(#text))
}

/// A union argument decoded from its JSON text: named, as the argument
/// takes anything that converts into the union.
pub(super) fn union_expr(ir: &Ir, id: UnionId, value: &Value) -> TokenStream {
    let union = ir.union(id);
    let module = format_ident!("{}", ir.groups[union.group].name);
    let name = format_ident!("{}", union.name);
    let text = Literal::string(&value.to_string());
    quote!(support::from_json::<agora_chat::#module::#name>(#text))
}
