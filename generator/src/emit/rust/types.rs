//! Rust types for spec types, and the response structs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::ir::{Data, Field, Struct};
use crate::spec::model::Shape;
use crate::types::TypeExpr;

/// The Rust type of a value as it is stored and decoded.
pub(super) fn rust_type(ty: &TypeExpr) -> TokenStream {
    match ty {
        TypeExpr::String | TypeExpr::Username => quote!(String),
        TypeExpr::Integer => quote!(i64),
        TypeExpr::Number => quote!(f64),
        TypeExpr::Boolean => quote!(bool),
        TypeExpr::Any => quote!(::serde_json::Value),
        TypeExpr::BoolOrString => quote!(crate::BoolOrString),
        // Only in multipart bodies (validation keeps it out of JSON).
        TypeExpr::File => quote!(crate::UploadFile),
        TypeExpr::Array(inner) => {
            let inner = rust_type(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeExpr::Map(inner) => {
            let inner = rust_type(inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeExpr::Named(name) => {
            let name = format_ident!("{name}");
            quote!(crate::#name)
        }
    }
}

/// The Rust type of a response's `data`.
pub(super) fn data_type(data: &Data) -> TokenStream {
    let item = rust_type(&data.ty);
    match data.shape {
        Shape::Object | Shape::Scalar => item,
        Shape::Array => quote!(::std::vec::Vec<#item>),
        Shape::Map => quote!(::std::collections::BTreeMap<String, #item>),
        Shape::None => quote!(::std::option::Option<::serde_json::Value>),
    }
}

/// A struct decoded from (and encodable to) JSON. Unknown fields are kept in
/// `extra` so that nothing the server sends is lost.
pub(super) fn response_struct(s: &Struct) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let doc = docs::attrs(&s.description);
    let fields = s.fields.iter().map(struct_field);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            /// Fields the server sent that the spec does not describe.
            #[serde(flatten)]
            pub extra: crate::Extra,
        }
    }
}

fn struct_field(f: &Field) -> TokenStream {
    let ident = format_ident!("{}", f.rust_name);
    let ty = rust_type(&f.ty);
    let doc = docs::attrs(&docs::field(f));
    let rename = serde_rename(f);
    if f.required {
        quote! {
            #doc
            #rename
            pub #ident: #ty,
        }
    } else {
        quote! {
            #doc
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub #ident: Option<#ty>,
        }
    }
}

/// `#[serde(rename = "...")]` when the Rust name differs from the JSON name.
pub(super) fn serde_rename(f: &Field) -> TokenStream {
    if f.rust_name == f.json_name {
        quote!()
    } else {
        let json = &f.json_name;
        quote!(#[serde(rename = #json)])
    }
}
