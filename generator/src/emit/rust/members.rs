//! The `Deserialize` impl of a struct of named members that keeps the
//! unknown ones in `extra` (the response structs and the callback
//! structs). It is written out rather than derived: serde's derive of a
//! struct with `#[serde(flatten)]` expands to about 300 lines, and with
//! some 300 such structs that was more than half of the crate's code after
//! expansion. The runtime's `members` module holds the shared pieces and
//! the test that holds this impl to the derive's results and errors.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names;
use crate::ir::Field;

/// `impl Deserialize for #name`, decoding `fields` (none of them a
/// flattened union) by their wire names and everything else into `extra`.
pub(super) fn deserialize_impl(name: &str, fields: &[Field]) -> TokenStream {
    let ty = format_ident!("{}", name);
    let expecting = format!("struct {name}");
    let extra = format_ident!("{}", names::EXTRA);
    let slots: Vec<_> = fields
        .iter()
        .map(|f| format_ident!("{}", names::field_ident(&f.wire_name)))
        .collect();
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = &f.wire_name;
        quote!(#wire => members::next(&mut #slot, #wire, &mut __map)?,)
    });
    let keep = quote!(members::keep(&mut #extra, __key, &mut __map)?);
    // A struct without known members has nothing to match on.
    let dispatch = if fields.is_empty() {
        quote!(#keep;)
    } else {
        quote! {
            match __key.as_str() {
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
        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #ty;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    // Inlined into the deserializer's one call, as the
                    // derive's is: a call of its own costs a tenth more.
                    #[inline]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut __map: A) -> Result<#ty, A::Error> {
                        // A path, not imported names: a local of a member's
                        // name would shadow an imported function.
                        use crate::runtime::members;
                        #(let mut #slots = None;)*
                        let mut #extra = crate::Extra::new();
                        while let Some(__key) = __map.next_key::<members::Key<'de>>()? {
                            #dispatch
                        }
                        Ok(#ty {
                            #(#values)*
                            #extra,
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
