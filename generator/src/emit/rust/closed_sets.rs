//! Rust enums for the spec's closed sets of values and tagged unions. A
//! closed set keeps a value the spec does not list in `Other`; a union keeps
//! a variant the spec does not list whole, so nothing the server sends is
//! lost.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, members, method_example, names, types, values};
use crate::ir::{EnumId, EnumWire, Ir, Union, UnionId, Variant};

/// The variant name of a value: its spec name, or the value in
/// UpperCamelCase (`groupchat` -> `Groupchat`, `NO_DELETE` -> `NoDelete`).
pub(super) fn value_variant(name: Option<&str>, value: &EnumWire) -> String {
    match (name, value) {
        (Some(name), _) => name.to_string(),
        (None, EnumWire::String(s)) => s.to_upper_camel_case(),
        (None, EnumWire::Integer(i)) => format!("V{i}"),
    }
}

/// A closed set: the enum, its wire form, `Display` and serde.
pub(super) fn closed_set(ir: &Ir, id: EnumId) -> TokenStream {
    let set = ir.enumeration(id);
    let name = format_ident!("{}", set.name);
    let doc = docs::attrs(&set.description);
    let integer = set.is_integer();
    let variants: Vec<(proc_macro2::Ident, &EnumWire, TokenStream)> = set
        .values
        .iter()
        .map(|v| {
            let variant = format_ident!("{}", value_variant(v.name.as_deref(), &v.value));
            let shown = match &v.value {
                EnumWire::String(s) => format!("`{s}`"),
                EnumWire::Integer(i) => format!("`{i}`"),
            };
            let doc = docs::attrs(&format!("{} Sent as {shown}.", v.description.trim()));
            (variant, &v.value, doc)
        })
        .collect();
    let defs = variants.iter().map(|(v, _, doc)| quote!(#doc #v,));
    let to_wire = variants.iter().map(|(v, wire, _)| match wire {
        EnumWire::String(s) => quote!(Self::#v => #s,),
        EnumWire::Integer(i) => quote!(Self::#v => #i,),
    });
    let from_wire = variants.iter().map(|(v, wire, _)| match wire {
        EnumWire::String(s) => quote!(#s => Self::#v,),
        EnumWire::Integer(i) => quote!(#i => Self::#v,),
    });
    let (other, wire_ty, wire_fn, wire_doc, display, serialize, deserialize, from_arg, other_arm) =
        if integer {
            (
                quote!(Other(i64)),
                quote!(i64),
                quote!(value),
                "The value as sent on the wire.",
                quote!(write!(f, "{}", self.value())),
                quote!(serializer.serialize_i64(self.value())),
                quote!(
                    <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from_wire)
                ),
                quote!(value: i64),
                quote!(Self::Other(value) => *value,),
            )
        } else {
            (
                quote!(Other(String)),
                quote!(&str),
                quote!(as_str),
                "The value as sent on the wire.",
                quote!(f.write_str(self.as_str())),
                quote!(serializer.serialize_str(self.as_str())),
                quote!(
                    <String as ::serde::Deserialize>::deserialize(deserializer)
                        .map(|value| Self::from_wire(&value))
                ),
                quote!(value: &str),
                quote!(Self::Other(value) => value,),
            )
        };
    let other_value = if integer {
        quote!(other => Self::Other(other),)
    } else {
        quote!(other => Self::Other(other.to_owned()),)
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A value the spec does not list, exactly as sent.
            #other,
        }

        impl #name {
            #[doc = #wire_doc]
            pub fn #wire_fn(&self) -> #wire_ty {
                match self {
                    #(#to_wire)*
                    #other_arm
                }
            }

            /// The variant of a wire value; a value the spec does not list
            /// becomes `Other`.
            pub fn from_wire(#from_arg) -> Self {
                match value {
                    #(#from_wire)*
                    #other_value
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}

/// A tagged union: an adjacently tagged enum of struct variants, with a
/// constructor per variant taking its required fields.
pub(super) fn union(ir: &Ir, id: UnionId) -> TokenStream {
    let union = ir.union(id);
    let name = format_ident!("{}", union.name);
    let doc = docs::attrs(&format!(
        "{}\n\nOn the wire, `{}` names the variant and `{}` holds its fields.",
        union.description.trim(),
        union.tag,
        union.content
    ));
    let (tag, content) = (&union.tag, &union.content);
    let variants = union.variants.iter().map(|v| variant(ir, v));
    let constructors = union.variants.iter().map(|v| constructor(ir, union, v));
    let builders = union.variants.iter().filter_map(|v| {
        let builder = names::variant_builder(union, v)?;
        Some(variant_builder(ir, id, v, &builder))
    });
    let (derived, deserialize) = if union.variants.iter().all(|v| members::decodable(&v.fields)) {
        let variants: Vec<_> = union
            .variants
            .iter()
            .map(|v| members::UnionVariant {
                value: &v.value,
                ident: format_ident!("{}", v.name),
                fields: &v.fields,
            })
            .collect();
        let deserialize = members::union_deserialize_impl(
            &union.name,
            &members::Tagging::Adjacent { tag, content },
            &variants,
            &format_ident!("Other"),
        );
        (quote!(), deserialize)
    } else {
        (quote!(::serde::Deserialize), quote!())
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, #derived)]
        #[serde(tag = #tag, content = #content)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A variant the spec does not list, kept whole: the tag and the
            /// content as sent.
            #[serde(untagged)]
            Other(::serde_json::Value),
        }

        #deserialize

        impl #name {
            #(#constructors)*
        }

        #(#builders)*
    }
}

fn variant(ir: &Ir, v: &Variant) -> TokenStream {
    let ident = format_ident!("{}", v.name);
    let value = &v.value;
    let doc = docs::attrs(&format!("{} Sent as `{value}`.", v.description.trim()));
    let fields = v.fields.iter().map(|f| types::variant_field(ir, f));
    let extra = format_ident!("{}", names::EXTRA);
    quote! {
        #doc
        #[serde(rename = #value)]
        #ident {
            #(#fields)*
            /// Fields the server sent that the spec does not describe.
            #[serde(flatten, default, skip_serializing_if = "crate::Extra::is_empty")]
            #extra: crate::Extra,
        },
    }
}

/// `MessageContent::text(msg)`: the variant with its required fields, the
/// others left out. A variant with optional fields is returned inside its
/// builder (see [`variant_builder`]), which sets them by name.
fn constructor(ir: &Ir, union: &Union, v: &Variant) -> TokenStream {
    let ident = format_ident!("{}", v.name);
    let function = format_ident!("{}", names::variant_constructor(v));
    let builder = names::variant_builder(union, v).map(|name| format_ident!("{name}"));
    let returns = match &builder {
        Some(builder) => quote!(#builder),
        None => quote!(Self),
    };
    let optional = match &builder {
        Some(builder) => format!(
            " Its optional fields start out empty: set them on the [`{builder}`] returned, which converts into [`{}`] (calls that take one take it as is).",
            union.name
        ),
        None => String::new(),
    };
    let doc = docs::attrs(&format!(
        "{} Sent as `{}`, with the required fields given here.{optional}",
        v.description.trim(),
        v.value
    ));
    let params = v.fields.iter().filter(|f| f.required).map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        let ty = types::input_type(ir, &f.ty);
        quote!(#ident: #ty)
    });
    let inits = v.fields.iter().map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        if f.required {
            types::convert_input(&ident, &f.ty)
        } else {
            quote!(#ident: None)
        }
    });
    let extra = format_ident!("{}", names::EXTRA);
    let value = quote! {
        Self::#ident {
            #(#inits,)*
            #extra: crate::Extra::new(),
        }
    };
    let body = match &builder {
        Some(builder) => quote!(#builder(#value)),
        None => value,
    };
    quote! {
        #doc
        pub fn #function(#(#params),*) -> #returns {
            #body
        }
    }
}

/// `FileMessageContent`: a variant being built, with a chainable setter per
/// optional field. It holds the union's value itself, always of its own
/// variant (only the constructor makes one), so the setters cannot meet
/// another variant and nothing about the variant is written twice.
fn variant_builder(ir: &Ir, id: UnionId, v: &Variant, builder: &str) -> TokenStream {
    let union = ir.union(id);
    let name = format_ident!("{}", union.name);
    let builder = format_ident!("{builder}");
    let ident = format_ident!("{}", v.name);
    let constructor = names::variant_constructor(v);
    let example = values::variant_example(ir, id, &v.value).map(|(key, built)| {
        let module = format_ident!("{}", ir.groups[union.group].name);
        format!(
            "\n\n# Example\n\n\
             The `{}` of the doc example `{key}`:\n\n\
             ```\n\
             # fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
             {}\n\
             # let _ = content;\n\
             # Ok(())\n\
             # }}\n\
             ```",
            union.content,
            method_example::lines(quote!(let content: agora_chat::#module::#name = #built.into();))
        )
    });
    let doc = docs::attrs(&format!(
        "The `{}` variant of [`{}`] being built, from [`{}::{constructor}`]: set its optional fields by name, then pass it where a `{}` is taken, or turn it into one with `.into()`.{}",
        v.value,
        union.name,
        union.name,
        union.name,
        example.unwrap_or_default()
    ));
    let setters = v.fields.iter().filter(|f| !f.required).map(|f| {
        let field = format_ident!("{}", names::field_ident(&f.wire_name));
        let (ty, value) = if f.secret {
            (
                quote!(impl Into<crate::SecretString>),
                quote!(#field.into()),
            )
        } else if f.ty.is_stringy() {
            (quote!(impl Into<String>), quote!(#field.into()))
        } else {
            (types::rust_type(ir, &f.ty), quote!(#field))
        };
        let doc = docs::attrs(&docs::field(f));
        quote! {
            #doc
            pub fn #field(mut self, #field: #ty) -> Self {
                if let #name::#ident { #field: place, .. } = &mut self.0 {
                    *place = Some(#value);
                }
                self
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[must_use]
        pub struct #builder(#name);

        impl #builder {
            #(#setters)*
        }

        impl From<#builder> for #name {
            fn from(builder: #builder) -> Self {
                builder.0
            }
        }
    }
}
