//! Rust expressions for example values: how a doc example's arguments are
//! passed to the typed client, in the generated tests and in the example
//! of each method's rustdoc.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::ir::{Ir, Ty, UnionId};

/// Where the call is written, which decides how a value without a literal
/// form is given: decoded from its JSON text, and a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// A generated test: JSON through the tests' `support::from_json`
    /// (which panics on bad JSON), a file as a few fixed bytes.
    Test,
    /// A rustdoc example returning a `Result`: JSON through
    /// `serde_json::from_str(..)?`, a file read from disk by its name.
    Doc,
}

impl Context {
    fn decode(self, value: &Value, ty: Option<TokenStream>) -> TokenStream {
        let text = Literal::string(&value.to_string());
        let turbofish = ty.map(|ty| quote!(::<#ty>));
        match self {
            Context::Test => quote!(support::from_json #turbofish (#text)),
            Context::Doc => quote!(serde_json::from_str #turbofish (#text)?),
        }
    }

    fn file(self, name: &str) -> TokenStream {
        let name = Literal::string(name);
        let bytes = match self {
            Context::Test => quote!(b"conformance test file".to_vec()),
            Context::Doc => quote!(std::fs::read(#name)?),
        };
        quote!(agora_chat::UploadFile::from_bytes(#name, #bytes))
    }
}

/// An expression passing `value` to an argument of type `ty` (`list` for
/// comma-list path parameters, which take an iterator of strings).
pub(super) fn arg_expr(ty: &Ty, list: bool, value: &Value, context: Context) -> TokenStream {
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
            None => context.decode(value, None),
        },
        Value::Number(n) if *ty == Ty::Number => {
            let lit = Literal::f64_suffixed(n.as_f64().unwrap_or_default());
            quote!(#lit)
        }
        Value::Bool(b) if *ty == Ty::Boolean => quote!(#b),
        // A file argument is given by its name.
        Value::String(name) if *ty == Ty::File => context.file(name),
        _ => context.decode(value, None),
    }
}

/// A union argument decoded from its JSON text: named, as the argument
/// takes anything that converts into the union.
pub(super) fn union_expr(ir: &Ir, id: UnionId, value: &Value, context: Context) -> TokenStream {
    let union = ir.union(id);
    let module = format_ident!("{}", ir.groups[union.group].name);
    let name = format_ident!("{}", union.name);
    context.decode(value, Some(quote!(agora_chat::#module::#name)))
}
