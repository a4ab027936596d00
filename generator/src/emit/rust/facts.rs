//! The runtime's view of facts every operation shares, generated from the
//! spec instead of copied by hand: the response envelope (`Response<T>`),
//! the error body (`ErrorBody`) and the documented error codes
//! (`ErrorCode`). The runtime decodes into these types; it keeps only their
//! behaviour (decoding, `Display`).

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, names, types};
use crate::ir::{Field, Ir, Ty};

/// The envelope file: `Response<T>` and `ErrorBody`.
pub(super) fn envelope(ir: &Ir) -> TokenStream {
    let envelope = ir.api.envelope.iter().map(|f| envelope_field(ir, f));
    let none = ir.api.envelope.iter().map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        quote!(#ident: None,)
    });
    let moved = ir.api.envelope.iter().map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        quote!(#ident: self.#ident,)
    });
    let error_fields = ir.api.error_body.iter().map(|f| types::struct_field(ir, f));
    quote! {
        //! The response envelope and the error body, as `api.yaml` describes
        //! them.

        /// A successful response: the operation's payload in [`data`](Self::data),
        /// wherever the server put it (`data`, `entities`, `result` or the
        /// top level), plus the envelope fields Agora wraps around it.
        ///
        /// The envelope fields are optional because operations differ in which
        /// of them they send; integers are accepted as JSON numbers or as
        /// numeric strings, since the docs show both. Fields the spec does not
        /// know are kept in [`extra`](Self::extra).
        #[derive(Debug, Clone, ::serde::Deserialize, ::serde::Serialize)]
        pub struct Response<T> {
            /// The operation's payload. A response without one fails to
            /// decode, unless `T` is an `Option`, which then is `None`.
            pub data: T,
            #(#envelope)*
            /// Top-level fields the spec does not describe.
            #[serde(flatten)]
            pub extra: crate::Extra,
        }

        impl<T> Response<T> {
            /// The same response with its payload turned into another value.
            pub fn map_data<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
                Response {
                    data: f(self.data),
                    #(#moved)*
                    extra: self.extra,
                }
            }

            /// A response whose payload was the whole body, so without
            /// envelope fields.
            pub(crate) fn with_data(data: T) -> Self {
                Response {
                    data,
                    #(#none)*
                    extra: crate::Extra::new(),
                }
            }
        }

        /// The JSON body of a non-2xx response.
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Deserialize, ::serde::Serialize)]
        pub struct ErrorBody {
            #(#error_fields)*
            /// Fields the spec does not describe.
            #[serde(flatten)]
            pub extra: crate::Extra,
        }
    }
}

/// An optional envelope field; integers decode leniently.
fn envelope_field(ir: &Ir, f: &Field) -> TokenStream {
    let ident = format_ident!("{}", names::field_ident(&f.wire_name));
    let ty = types::rust_type(ir, &f.ty);
    let doc = docs::attrs(&docs::field(f));
    let rename = types::serde_rename(f);
    let lenient = (f.ty == Ty::Integer)
        .then(|| quote!(#[serde(deserialize_with = "crate::runtime::lenient::optional_integer")]));
    quote! {
        #doc
        #rename
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #lenient
        pub #ident: Option<#ty>,
    }
}

/// The Rust variant of an error code: `file exceeding maximum limit` ->
/// `FileExceedingMaximumLimit`.
pub(super) fn error_variant(code: &str) -> String {
    code.to_upper_camel_case()
}

/// The error-code file: `ErrorCode`, with its wire strings and statuses.
pub(super) fn error_codes(ir: &Ir) -> TokenStream {
    let codes = &ir.api.error_codes;
    let variants = codes.iter().map(|c| {
        let variant = format_ident!("{}", error_variant(&c.code));
        let doc = docs::attrs(&format!("{}: {}", c.status, c.description.trim()));
        quote!(#doc #variant,)
    });
    let parse = codes.iter().map(|c| {
        let (wire, variant) = (&c.code, format_ident!("{}", error_variant(&c.code)));
        quote!(#wire => Self::#variant,)
    });
    let as_str = codes.iter().map(|c| {
        let (wire, variant) = (&c.code, format_ident!("{}", error_variant(&c.code)));
        quote!(Self::#variant => #wire,)
    });
    let status = codes.iter().map(|c| {
        let (status, variant) = (c.status, format_ident!("{}", error_variant(&c.code)));
        quote!(Self::#variant => Some(#status),)
    });
    let example = codes.first().map(|c| {
        let line = format!(
            " assert_eq!(ErrorCode::parse({:?}), ErrorCode::{});",
            c.code,
            error_variant(&c.code)
        );
        quote!(#[doc = #line])
    });
    quote! {
        //! The documented values of the error body's `error` field, as
        //! `api.yaml` lists them.

        /// The machine-readable `error` code of an Agora error body, as
        /// documented in the REST API's status code tables.
        ///
        /// Codes the documentation does not list are kept verbatim in
        /// [`Other`](Self::Other), so nothing the server says is lost.
        ///
        /// ```
        /// use agora_chat::ErrorCode;
        #example
        /// assert_eq!(ErrorCode::parse("brand_new").as_str(), "brand_new");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variants)*
            /// A code that is not documented, exactly as the server sent it.
            Other(String),
        }

        impl ErrorCode {
            /// Maps a wire string to its variant; unknown strings become
            /// [`Other`](Self::Other). Matching is exact, like the server's.
            pub fn parse(code: &str) -> Self {
                match code {
                    #(#parse)*
                    other => Self::Other(other.to_owned()),
                }
            }

            /// The code as sent on the wire, e.g. `"reach_limit"`.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Other(code) => code,
                }
            }

            /// The HTTP status the docs list the code with (some codes also
            /// come with another one); `None` for an undocumented code.
            pub fn documented_status(&self) -> Option<u16> {
                match self {
                    #(#status)*
                    Self::Other(_) => None,
                }
            }
        }
    }
}
