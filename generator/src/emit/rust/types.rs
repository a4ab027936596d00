//! Rust types for IR types, and the response structs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, members, names};
use crate::ir::{Data, Field, Ir, ObjectId, ObjectRole, Shape, Ty};

/// The Rust type of a value as it is stored and decoded.
pub(crate) fn rust_type(ir: &Ir, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::Username => quote!(String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Any => quote!(::serde_json::Value),
        Ty::BoolOrString => quote!(crate::BoolOrString),
        // Only in multipart bodies (lowering keeps it out of JSON).
        Ty::File => quote!(crate::UploadFile),
        Ty::Array(inner) => {
            let inner = rust_type(ir, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_type(ir, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        Ty::Object(id) => {
            let module = format_ident!("{}", ir.groups[ir.object(*id).group].name);
            let name = format_ident!("{}", names::object(ir, *id));
            quote!(crate::#module::#name)
        }
        Ty::Enum(id) => {
            let set = ir.enumeration(*id);
            let module = format_ident!("{}", ir.groups[set.group].name);
            let name = format_ident!("{}", set.name);
            quote!(crate::#module::#name)
        }
        Ty::Union(id) => {
            let union = ir.union(*id);
            let module = format_ident!("{}", ir.groups[union.group].name);
            let name = format_ident!("{}", union.name);
            quote!(crate::#module::#name)
        }
        Ty::Callback(id) => {
            let name = format_ident!("{}", names::callback_type(ir, *id));
            quote!(crate::webhook::#name)
        }
    }
}

/// What an argument of type `ty` takes: `impl Into<String>` for text, so
/// callers pass `&str` or `String`; the type itself otherwise.
pub(super) fn input_type(ir: &Ir, ty: &Ty) -> TokenStream {
    if ty.is_stringy() {
        quote!(impl Into<String>)
    } else {
        rust_type(ir, ty)
    }
}

/// The field initializer storing an argument taken with [`input_type`].
pub(super) fn convert_input(ident: &proc_macro2::Ident, ty: &Ty) -> TokenStream {
    if ty.is_stringy() {
        quote!(#ident: #ident.into())
    } else {
        quote!(#ident)
    }
}

/// The Rust type of a response's payload, as callers get it: the item
/// itself for a single-item array.
pub(crate) fn data_type(ir: &Ir, data: &Data) -> TokenStream {
    let item = rust_type(ir, &data.ty);
    if data.single {
        return item;
    }
    wire_data_type(ir, data)
}

/// The Rust type a response's payload is decoded as.
pub(super) fn wire_data_type(ir: &Ir, data: &Data) -> TokenStream {
    let item = rust_type(ir, &data.ty);
    if data.single {
        return quote!(crate::runtime::One<#item>);
    }
    match data.shape {
        Shape::Object | Shape::Scalar => item,
        Shape::Array => quote!(::std::vec::Vec<#item>),
        Shape::Map => quote!(::std::collections::BTreeMap<String, #item>),
        Shape::None => quote!(::std::option::Option<::serde_json::Value>),
    }
}

/// The doc of an object's struct: the spec's, or what it is for.
fn object_doc(ir: &Ir, id: ObjectId) -> String {
    let object = ir.object(id);
    if let Some(description) = &object.description {
        return description.clone();
    }
    let (what, operation) = match &object.role {
        ObjectRole::Declared(name) => return name.clone(),
        ObjectRole::ResponseData { operation } => ("The `data` of", operation),
        ObjectRole::ResponseItem { operation } => ("One item of the `data` of", operation),
    };
    match ir.operations().find(|(_, op)| &op.id == operation) {
        Some((group, op)) => format!(
            "{what} the response of [`{ns}::{name}`](crate::{module}::{ns}::{name}): {summary}",
            ns = names::namespace(group),
            name = op.name,
            module = group.name,
            summary = op.summary,
        ),
        None => format!("{what} the response of `{operation}`."),
    }
}

/// A struct decoded from (and encodable to) JSON. Unknown fields are kept in
/// `extra` so that nothing the server sends is lost.
pub(super) fn response_struct(ir: &Ir, id: ObjectId) -> TokenStream {
    let object = ir.object(id);
    let type_name = names::object(ir, id);
    let name = format_ident!("{}", type_name);
    let doc = docs::attrs(&object_doc(ir, id));
    let extra = format_ident!("{}", names::EXTRA);
    let default = has_default(ir, id, &mut Vec::new()).then(|| quote!(Default,));
    // Written out unless a field is a flattened union (see `members`);
    // then serde's derives, and the fields carry their attributes.
    let written = members::decodable(&object.fields);
    let fields = object
        .fields
        .iter()
        .map(|f| field_tokens(ir, f, quote!(pub), !written));
    let (derived, flatten, impls) = if written {
        let deserialize = members::deserialize_impl(&type_name, &object.fields);
        let serialize =
            members::serialize_impl(&type_name, &object.fields, Some(quote!(self.#extra.iter())));
        (quote!(), quote!(), quote!(#deserialize #serialize))
    } else {
        (
            quote!(::serde::Serialize, ::serde::Deserialize),
            quote!(#[serde(flatten)]),
            quote!(),
        )
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default #derived)]
        pub struct #name {
            #(#fields)*
            /// Fields the server sent that the spec does not describe.
            #flatten
            pub #extra: crate::Extra,
        }

        #impls
    }
}

/// Whether the Rust type a response payload is decoded as has a `Default`
/// (lists and maps always do; an item, object or scalar only when its type
/// does).
pub(super) fn data_has_default(ir: &Ir, data: &Data) -> bool {
    if matches!(data.shape, Shape::Array | Shape::Map | Shape::None) && !data.single {
        return true;
    }
    match &data.ty {
        Ty::Enum(_) | Ty::Union(_) => false,
        Ty::Object(id) => has_default(ir, *id, &mut Vec::new()),
        _ => true,
    }
}

/// Whether an object's struct can derive `Default`: a required field of a
/// closed set or a union (or of an object that cannot) has no value to
/// start from.
pub(super) fn has_default(ir: &Ir, id: ObjectId, seen: &mut Vec<ObjectId>) -> bool {
    if seen.contains(&id) {
        return true;
    }
    seen.push(id);
    ir.object(id)
        .fields
        .iter()
        .filter(|f| f.required)
        .all(|f| match &f.ty {
            Ty::Enum(_) | Ty::Union(_) => false,
            Ty::Object(inner) => has_default(ir, *inner, seen),
            _ => true,
        })
}

pub(super) fn struct_field(ir: &Ir, f: &Field) -> TokenStream {
    field_tokens(ir, f, quote!(pub), true)
}

/// A field of a union variant (no visibility: the variant's).
pub(super) fn variant_field(ir: &Ir, f: &Field) -> TokenStream {
    field_tokens(ir, f, quote!(), true)
}

/// The Rust type of a field: its type's, or `SecretString` for a secret.
pub(super) fn field_type(ir: &Ir, f: &Field) -> TokenStream {
    if f.secret {
        quote!(crate::SecretString)
    } else {
        rust_type(ir, &f.ty)
    }
}

/// The type a struct holds a field as: `ty`, or `Option<ty>` when the
/// field is optional.
pub(super) fn held(f: &Field, ty: TokenStream) -> TokenStream {
    if f.required { ty } else { quote!(Option<#ty>) }
}

/// Whether a field is written `#[serde(flatten)]`: a union stands for two
/// members of the object, its tag and its content.
pub(super) fn flattened(f: &Field) -> bool {
    matches!(f.ty, Ty::Union(_))
}

/// A field, with the `#[serde]` attributes serde's derives read when
/// `serde` is set.
fn field_tokens(ir: &Ir, f: &Field, vis: TokenStream, serde: bool) -> TokenStream {
    let ident = format_ident!("{}", names::field_ident(&f.wire_name));
    let ty = field_type(ir, f);
    let doc = docs::attrs(&docs::field(f));
    if !serde {
        let ty = held(f, ty);
        return quote! {
            #doc
            #vis #ident: #ty,
        };
    }
    let rename = if flattened(f) {
        quote!(#[serde(flatten)])
    } else {
        serde_rename(f)
    };
    match (f.required, &f.ty) {
        (true, _) => quote! {
            #doc
            #rename
            #vis #ident: #ty,
        },
        (false, Ty::Union(_)) => quote! {
            #doc
            #rename
            #vis #ident: Option<#ty>,
        },
        (false, _) => quote! {
            #doc
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #vis #ident: Option<#ty>,
        },
    }
}

/// `#[serde(rename = "...")]` when the Rust name differs from the JSON name.
pub(super) fn serde_rename(f: &Field) -> TokenStream {
    if names::field_ident(&f.wire_name) == f.wire_name {
        quote!()
    } else {
        let json = &f.wire_name;
        quote!(#[serde(rename = #json)])
    }
}
