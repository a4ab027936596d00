//! Rust expressions for example values: how a doc example's arguments are
//! passed to the typed client, in the generated tests and in the example
//! of each method's rustdoc.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::names;
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

/// A union argument's value in an example: its tag and its content (under
/// `content_name`), which the example's body arguments hold side by side.
pub(super) fn union_value(
    ir: &Ir,
    id: UnionId,
    content_name: &str,
    content: &Value,
    body: &BTreeMap<String, Value>,
) -> Value {
    let tag = &ir.union(id).tag;
    let mut object = serde_json::Map::new();
    if let Some(tag_value) = body.get(tag) {
        object.insert(tag.clone(), tag_value.clone());
    }
    object.insert(content_name.to_string(), content.clone());
    Value::Object(object)
}

/// The first doc example of an operation whose union argument has the tag
/// `tag` and can be built with the variant's constructor and setters: its
/// key and the expression building it.
pub(super) fn variant_example(ir: &Ir, id: UnionId, tag: &str) -> Option<(String, TokenStream)> {
    ir.operations().find_map(|(_, op)| {
        let field = op
            .body
            .iter()
            .flat_map(|b| &b.fields)
            .find(|f| f.ty == Ty::Union(id))?;
        op.examples.iter().find_map(|ex| {
            let content = ex.args.body.get(&field.wire_name)?;
            let value = union_value(ir, id, &field.wire_name, content, &ex.args.body);
            if value.get(&ir.union(id).tag)?.as_str()? != tag {
                return None;
            }
            Some((ex.key.clone(), constructed(ir, id, &value)?))
        })
    })
}

/// A union argument: in an example, its variant's constructor and setters
/// where the value fits them; otherwise decoded from its JSON text, the
/// union named (the argument takes anything that converts into it).
pub(super) fn union_expr(ir: &Ir, id: UnionId, value: &Value, context: Context) -> TokenStream {
    if context == Context::Doc
        && let Some(built) = constructed(ir, id, value)
    {
        return built;
    }
    let union = ir.union(id);
    let module = format_ident!("{}", ir.groups[union.group].name);
    let name = format_ident!("{}", union.name);
    context.decode(value, Some(quote!(agora_chat::#module::#name)))
}

/// `MessageContent::image("…").filename("…")`: the value of a union built
/// as a caller would, when its tag names a variant and its content has only
/// that variant's fields, every required one among them.
fn constructed(ir: &Ir, id: UnionId, value: &Value) -> Option<TokenStream> {
    let union = ir.union(id);
    let tag = value.get(&union.tag)?.as_str()?;
    let variant = union.variants.iter().find(|v| v.value == tag)?;
    let empty = serde_json::Map::new();
    let content = match value.get(&union.content) {
        Some(content) => content.as_object()?,
        None => &empty,
    };
    if content
        .keys()
        .any(|key| variant.fields.iter().all(|f| &f.wire_name != key))
    {
        return None;
    }
    let mut required = Vec::new();
    let mut setters = Vec::new();
    for f in &variant.fields {
        // A text parameter (`impl Into<String>`) takes a literal only.
        let value = content.get(&f.wire_name);
        if f.ty.is_stringy() && value.is_some_and(|v| !v.is_string()) {
            return None;
        }
        match (value, f.required) {
            (Some(value), true) => required.push(arg_expr(&f.ty, false, value, Context::Doc)),
            (None, true) => return None,
            (Some(value), false) => {
                let setter = format_ident!("{}", names::field_ident(&f.wire_name));
                let value = arg_expr(&f.ty, false, value, Context::Doc);
                setters.push(quote!(.#setter(#value)));
            }
            (None, false) => {}
        }
    }
    let module = format_ident!("{}", ir.groups[union.group].name);
    let name = format_ident!("{}", union.name);
    let constructor = format_ident!("{}", names::variant_constructor(variant));
    Some(quote!(agora_chat::#module::#name::#constructor(#(#required),*) #(#setters)*))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::{Context, union_expr};
    use crate::ir::UnionId;

    fn message_content() -> (crate::ir::Ir, UnionId) {
        let ir = crate::load_ir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
            .expect("the spec loads");
        let id = ir
            .unions
            .iter()
            .position(|u| u.name == "MessageContent")
            .map(UnionId)
            .expect("the spec has MessageContent");
        (ir, id)
    }

    #[test]
    fn an_example_builds_a_union_as_a_caller_would() {
        let (ir, id) = message_content();
        let image = json!({"type": "img", "body": {
            "url": "https://x/chatfiles/1", "filename": "a.jpg", "size": {"width": 480, "height": 720}
        }});
        let built = union_expr(&ir, id, &image, Context::Doc).to_string();
        assert!(
            built.starts_with("agora_chat :: messages :: MessageContent :: image (\"https://x/chatfiles/1\") . filename (\"a.jpg\") . size (serde_json :: from_str"),
            "{built}"
        );
        // Tests decode the JSON as it is.
        let tested = union_expr(&ir, id, &image, Context::Test).to_string();
        assert!(
            tested.starts_with(
                "support :: from_json :: < agora_chat :: messages :: MessageContent >"
            ),
            "{tested}"
        );
    }

    #[test]
    fn a_value_the_constructors_cannot_take_is_decoded_whole() {
        let (ir, id) = message_content();
        for value in [
            json!({"type": "txt", "body": {"msg": "hi", "undocumented": 1}}),
            json!({"type": "txt", "body": {}}),
            json!({"type": "txt", "body": {"msg": 7}}),
            json!({"type": "no-such-type", "body": {}}),
        ] {
            let built = union_expr(&ir, id, &value, Context::Doc).to_string();
            assert!(
                built.starts_with(
                    "serde_json :: from_str :: < agora_chat :: messages :: MessageContent >"
                ),
                "{value}: {built}"
            );
        }
    }
}
