//! The `Deserialize` impls of what keeps unknown members in `extra` (the
//! response structs, the callback structs, and the struct variants of the
//! two kinds of union), and the `Serialize` impls of those structs and of
//! the request bodies. They are written out rather than derived: serde's
//! derive of a struct with `#[serde(flatten)]` expands to about 300 lines
//! for `Deserialize` and 36 for `Serialize`, and with some 400 such structs
//! that was more than half of the crate's code after expansion (each
//! union's derive as large as a dozen structs'). The runtime's `members`
//! module holds the shared pieces and the tests that hold a struct written
//! this way to the derive's results and errors.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{names, types};
use crate::ir::Field;

/// Whether the impls written here can decode and encode `fields`: a
/// flattened union ([`types::flattened`]) stands for two members that only
/// serde's flatten machinery can pick out of the object or write into it,
/// so a struct or body with one keeps serde's derives, and a union whose
/// variants hold one its `Deserialize` derive (a union's `Serialize` is
/// always derived).
pub(super) fn decodable(fields: &[Field]) -> bool {
    !fields.iter().any(types::flattened)
}

/// `impl Deserialize for #name`, decoding `fields` (all [`decodable`]) by
/// their wire names and everything else into `extra`.
pub(super) fn deserialize_impl(name: &str, fields: &[Field]) -> TokenStream {
    let ty = format_ident!("{}", name);
    let visitor = visitor(&ty, quote!(#ty), &format!("struct {name}"), fields, None);
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #visitor
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// `impl Serialize for #name`: `fields` (all [`decodable`]) under their
/// wire names in order, an optional one only when it is set, then the
/// pairs of `rest` (an expression iterating name and value pairs: the
/// unknown members, or a body's added pairs).
pub(super) fn serialize_impl(
    name: &str,
    fields: &[Field],
    rest: Option<TokenStream>,
) -> TokenStream {
    let ty = format_ident!("{}", name);
    let members = fields.iter().map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        let wire = &f.wire_name;
        if f.required {
            quote!(out.member(#wire, &self.#ident)?;)
        } else {
            quote!(out.optional(#wire, &self.#ident)?;)
        }
    });
    let rest = rest.map(|pairs| quote!(out.pairs(#pairs)?;));
    quote! {
        impl ::serde::Serialize for #ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut out = crate::runtime::members::Out::new(serializer)?;
                #(#members)*
                #rest
                out.end()
            }
        }
    }
}

/// Where a union's tag and its variant's members sit.
pub(super) enum Tagging<'a> {
    /// `{tag: "value", content: {members}}`.
    Adjacent { tag: &'a str, content: &'a str },
    /// `{tag: "value", members}`.
    Internal { tag: &'a str },
}

/// A struct variant of a union: its tag value, its Rust name, its members.
pub(super) struct UnionVariant<'a> {
    pub(super) value: &'a str,
    pub(super) ident: proc_macro2::Ident,
    pub(super) fields: &'a [Field],
}

/// `impl Deserialize for #name`, a union whose `other` variant keeps any
/// value that is not one of `variants` whole, as serde's derive does for a
/// tagged enum with an untagged catch-all: the value is read as JSON, and
/// only if its tag names a variant whose members decode is it that
/// variant. Nothing fails but malformed JSON.
pub(super) fn union_deserialize_impl(
    name: &str,
    tagging: &Tagging<'_>,
    variants: &[UnionVariant<'_>],
    other: &proc_macro2::Ident,
) -> TokenStream {
    let ty = format_ident!("{}", name);
    let (find, skip) = match tagging {
        Tagging::Adjacent { tag, content } => (
            quote!(crate::runtime::members::adjacent(&value, #tag, #content)),
            None,
        ),
        Tagging::Internal { tag } => (
            quote!(crate::runtime::members::internal(&value, #tag)),
            Some(*tag),
        ),
    };
    let arms = variants.iter().map(|v| {
        let (value, ident) = (v.value, &v.ident);
        let expecting = format!("struct variant {name}::{ident}");
        let visitor = visitor(&ty, quote!(#ty::#ident), &expecting, v.fields, skip);
        quote! {
            Some((#value, __members)) => {
                #visitor
                ::serde::Deserializer::deserialize_map(__members, __Visitor).ok()
            }
        }
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let variant = match #find {
                    #(#arms)*
                    _ => None,
                };
                Ok(variant.unwrap_or(#ty::#other(value)))
            }
        }
    }
}

/// `struct __Visitor` and its `Visitor` impl, which builds `path` (a
/// struct or a struct variant of `ty`) from the members `fields`, keeps
/// the others in `extra` and passes over the member `skip` (an internal
/// tag).
fn visitor(
    ty: &proc_macro2::Ident,
    path: TokenStream,
    expecting: &str,
    fields: &[Field],
    skip: Option<&str>,
) -> TokenStream {
    let extra = format_ident!("{}", names::EXTRA);
    let slots: Vec<_> = fields
        .iter()
        .map(|f| format_ident!("{}", names::field_ident(&f.wire_name)))
        .collect();
    let skip =
        skip.map(|tag| quote!(#tag => __map.next_value::<::serde::de::IgnoredAny>().map(drop)?,));
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = &f.wire_name;
        quote!(#wire => members::next(&mut #slot, #wire, &mut __map)?,)
    });
    let keep = quote!(members::keep(&mut #extra, __key, &mut __map)?);
    // A struct without known members has nothing to match on.
    let dispatch = if fields.is_empty() && skip.is_none() {
        quote!(#keep;)
    } else {
        quote! {
            match __key.as_str() {
                #skip
                #(#arms)*
                _ => #keep,
            }
        }
    };
    let values = fields.iter().zip(&slots).map(|(f, slot)| {
        if f.required {
            let wire = &f.wire_name;
            quote!(#slot: members::required(#slot, #wire)?,)
        } else {
            quote!(#slot: #slot.unwrap_or_default(),)
        }
    });
    quote! {
        struct __Visitor;
        impl<'de> ::serde::de::Visitor<'de> for __Visitor {
            type Value = #ty;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#expecting)
            }
            // Inlined into the deserializer's one call, as the derive's
            // is: a call of its own costs a tenth more.
            #[inline]
            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut __map: A) -> Result<#ty, A::Error> {
                // A path, not imported names: a local of a member's name
                // would shadow an imported function.
                use crate::runtime::members;
                #(let mut #slots = None;)*
                let mut #extra = crate::Extra::new();
                while let Some(__key) = __map.next_key::<members::Key<'de>>()? {
                    #dispatch
                }
                Ok(#path {
                    #(#values)*
                    #extra,
                })
            }
        }
    }
}
