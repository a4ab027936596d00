//! One client method, request builder and operation constant per operation.
//!
//! Shape of the generated code, chosen to keep compile times low: the builder
//! only stores values and validates; all HTTP work is in the runtime's
//! non-generic `send_raw`, so each operation monomorphizes one small decode.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{docs, members, method_example, names, types};
use crate::ir::{
    Body, BodyKind, Field, Group, Ir, Limits, Method, NextCursor, Operation, PageKind, Pagination,
    Param, ParamLocation, Payload, Per, ResponseBody, Segment, Shape, TextLimits, Ty,
};

/// Where an argument goes on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Path { list: Option<u32> },
    Query,
    Header,
    Body,
}

/// A method argument, whatever its place: the unit the builder is made of.
pub(super) struct Arg<'a> {
    pub(super) place: Place,
    pub(super) wire_name: &'a str,
    pub(super) ident: Ident,
    pub(super) ty: &'a Ty,
    pub(super) required: bool,
    /// A password, secret or token: held as a `SecretString`.
    secret: bool,
    doc: String,
    limits: &'a Limits,
}

impl<'a> Arg<'a> {
    fn from_param(p: &'a Param) -> Self {
        let place = match p.location {
            ParamLocation::Path => Place::Path { list: p.list_max },
            ParamLocation::Query => Place::Query,
            ParamLocation::Header => Place::Header,
        };
        Arg {
            place,
            wire_name: &p.wire_name,
            ident: format_ident!("{}", names::field_ident(&p.wire_name)),
            ty: &p.ty,
            required: p.required,
            secret: false,
            doc: docs::param(p),
            limits: &p.limits,
        }
    }

    fn from_field(f: &'a Field) -> Self {
        Arg {
            place: Place::Body,
            wire_name: &f.wire_name,
            ident: format_ident!("{}", names::field_ident(&f.wire_name)),
            ty: &f.ty,
            required: f.required,
            secret: f.secret,
            doc: docs::field(f),
            limits: &f.limits,
        }
    }

    pub(super) fn is_list(&self) -> bool {
        matches!(self.place, Place::Path { list: Some(_) })
    }

    /// Strings are taken as `impl Into<String>` (so callers pass `&str` or
    /// `String`), secrets as `impl Into<SecretString>`, lists of ids as
    /// `impl IntoIds` (one id or many), and unions as `impl Into<Union>`
    /// (a variant's builder or the union itself).
    fn input_type(&self, ir: &Ir) -> TokenStream {
        if self.secret {
            quote!(impl Into<crate::SecretString>)
        } else if self.ty.is_stringy() && !self.is_list() {
            quote!(impl Into<String>)
        } else if self.is_list() || self.ty.item().is_some_and(Ty::is_stringy) {
            quote!(impl crate::IntoIds)
        } else if let Ty::Union(_) = self.ty {
            // A variant's builder converts into its union.
            let ty = types::rust_type(ir, self.ty);
            quote!(impl Into<#ty>)
        } else {
            types::rust_type(ir, self.ty)
        }
    }

    fn convert(&self) -> TokenStream {
        let ident = &self.ident;
        if self.secret || self.ty.is_stringy() && !self.is_list() || matches!(self.ty, Ty::Union(_))
        {
            quote!(#ident.into())
        } else if self.is_list() || self.ty.item().is_some_and(Ty::is_stringy) {
            quote!(crate::IntoIds::into_ids(#ident))
        } else {
            quote!(#ident)
        }
    }

    /// The field initializer in the builder, `name` alone when the value
    /// is stored as passed (clippy's `redundant_field_names`).
    fn init(&self) -> TokenStream {
        let ident = &self.ident;
        let conv = self.convert();
        if *ident == conv.to_string() {
            quote!(#ident)
        } else {
            quote!(#ident: #conv)
        }
    }

    fn stored_type(&self, ir: &Ir) -> TokenStream {
        let ty = if self.is_list() {
            quote!(::std::vec::Vec<String>)
        } else if self.secret {
            quote!(crate::SecretString)
        } else {
            types::rust_type(ir, self.ty)
        };
        if self.required {
            ty
        } else {
            quote!(Option<#ty>)
        }
    }

    /// Checks on `value`, a reference to the stored (non-optional) value.
    fn checks(&self) -> TokenStream {
        let name = self.wire_name;
        let value = quote!(value);
        let mut out = Vec::new();
        let l = self.limits;
        if let Place::Path { list } = self.place {
            match list {
                Some(max) => {
                    out.push(quote!(crate::runtime::validate::min_items(#name, #value.len(), 1)?;));
                    out.push(
                        quote!(crate::runtime::validate::max_items(#name, #value.len(), #max)?;),
                    );
                    out.push(if *self.ty == Ty::Username {
                        quote!(crate::runtime::validate::usernames(#name, #value, &super::USERNAME_RULE)?;)
                    } else {
                        quote!(crate::runtime::validate::each_non_empty(#name, #value)?;)
                    });
                }
                None if self.ty.is_stringy() => {
                    out.push(quote!(crate::runtime::validate::non_empty(#name, #value)?;))
                }
                None => {}
            }
        }
        if !self.is_list() {
            match self.ty {
                Ty::Username => {
                    out.push(quote!(crate::runtime::validate::username(#name, #value, &super::USERNAME_RULE)?;))
                }
                Ty::Array(inner) if **inner == Ty::Username => {
                    out.push(quote!(crate::runtime::validate::usernames(#name, #value, &super::USERNAME_RULE)?;))
                }
                _ => {}
            }
        }
        if let Some(max) = l.max_length {
            out.push(quote!(crate::runtime::validate::max_chars(#name, #value, #max)?;));
        }
        if let Some(min) = l.min_length {
            out.push(quote!(crate::runtime::validate::min_chars(#name, #value, #min)?;));
        }
        if l.minimum.is_some() || l.maximum.is_some() {
            let min = option_tokens(l.minimum);
            let max = option_tokens(l.maximum);
            out.push(quote!(crate::runtime::validate::range(#name, *#value, #min, #max)?;));
        }
        if let Some(max) = l.max_items {
            out.push(quote!(crate::runtime::validate::max_items(#name, #value.len(), #max)?;));
        }
        if let Some(min) = l.min_items {
            out.push(quote!(crate::runtime::validate::min_items(#name, #value.len(), #min)?;));
        }
        if let Some(max) = l.max_bytes {
            out.push(if self.ty.is_stringy() {
                quote!(crate::runtime::validate::max_utf8_bytes(#name, #value, #max)?;)
            } else {
                quote!(crate::runtime::validate::max_bytes(#name, #value.len(), #max)?;)
            });
        }
        if l.keys.is_some() || l.values.is_some() {
            let keys = text_rule(l.keys.as_ref());
            let values = text_rule(l.values.as_ref());
            out.push(
                quote!(crate::runtime::validate::map_entries(#name, #value, &#keys, &#values)?;),
            );
        }
        if let Some(values) = &l.enumeration {
            out.push(quote!(crate::runtime::validate::one_of(#name, #value, &[#(#values),*])?;));
        }
        if out.is_empty() {
            return quote!();
        }
        let place = self.access();
        // The limits of a secret are checked on its text.
        let reveal = self
            .secret
            .then(|| quote!(let value = value.expose_secret();));
        if self.required {
            quote! { { let value = &#place; #reveal #(#out)* } }
        } else {
            quote! { if let Some(value) = &#place { #reveal #(#out)* } }
        }
    }

    /// Where the builder stores the value.
    fn access(&self) -> TokenStream {
        let ident = &self.ident;
        if self.place == Place::Body {
            quote!(self.body.#ident)
        } else {
            quote!(self.#ident)
        }
    }
}

/// A `TextRule` literal; no limits at all when `l` is `None`.
fn text_rule(l: Option<&TextLimits>) -> TokenStream {
    let l = l.cloned().unwrap_or_default();
    let max_chars = option_tokens(l.max_length);
    let max_bytes = option_tokens(l.max_bytes);
    let extra_chars = option_tokens(l.extra_chars.as_deref());
    quote! {
        crate::runtime::validate::TextRule {
            max_chars: #max_chars,
            max_bytes: #max_bytes,
            extra_chars: #extra_chars,
        }
    }
}

fn option_tokens(v: Option<impl quote::ToTokens>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The name of the operation's `OperationInfo` constant.
pub(super) fn info_const(op: &Operation) -> Ident {
    format_ident!("{}", names::info_const(op))
}

/// The arguments of an operation's method, in the order required ones are
/// passed: path (in path order), query, headers, body.
pub(super) fn args(op: &Operation) -> Vec<Arg<'_>> {
    let mut args: Vec<Arg> = op.params().map(Arg::from_param).collect();
    if let Some(body) = &op.body {
        args.extend(body.fields.iter().map(Arg::from_field));
    }
    args
}

/// Everything generated for one operation.
pub(super) fn operation(ir: &Ir, group: &Group, op: &Operation) -> OperationTokens {
    let args = args(op);
    let method_name = format_ident!("{}", op.name);
    let builder = format_ident!("{}", names::builder(op));
    let result = format_ident!("{}", names::result(op));
    let konst = info_const(op);
    let method_doc = docs::method(op);
    let data_ty = types::data_type(ir, &op.data);

    let required: Vec<&Arg> = args.iter().filter(|a| a.required).collect();
    let params = required.iter().map(|a| {
        let ident = &a.ident;
        let ty = a.input_type(ir);
        quote!(#ident: #ty)
    });
    let outside_body = |a: &&Arg| a.place != Place::Body;
    let init_fields = args.iter().filter(outside_body).map(|a| {
        let ident = &a.ident;
        if a.required {
            a.init()
        } else {
            quote!(#ident: None)
        }
    });
    let stored_fields = args.iter().filter(outside_body).map(|a| {
        let ident = &a.ident;
        let ty = a.stored_type(ir);
        quote!(#ident: #ty)
    });

    let body = op.body.as_ref().map(|b| body_struct(ir, op, b));
    let additional = op.body.as_ref().and_then(|b| additional(ir, b));
    let additional_init = additional.as_ref().map(|a| &a.init);
    let additional_setter = additional.as_ref().map(|a| &a.setter);
    let additional_check = additional.as_ref().map(|a| &a.check);
    let (body_field, body_init) = match &op.body {
        Some(_) => {
            let name = format_ident!("{}", names::body(op));
            let inits = args.iter().filter(|a| a.place == Place::Body).map(|a| {
                let ident = &a.ident;
                if a.required {
                    a.init()
                } else {
                    quote!(#ident: None)
                }
            });
            (
                quote!(body: #name,),
                quote!(body: #name { #(#inits,)* #additional_init },),
            )
        }
        None => (quote!(), quote!()),
    };
    let setters = args.iter().filter(|a| !a.required).map(|a| {
        let ident = &a.ident;
        let ty = a.input_type(ir);
        let conv = a.convert();
        let doc = docs::attrs(&a.doc);
        let place = a.access();
        quote! {
            #doc
            pub fn #ident(mut self, #ident: #ty) -> Self {
                #place = Some(#conv);
                self
            }
        }
    });
    let checks = args.iter().map(Arg::checks);
    let path = path_expr(op, &args);
    let query = pairs(&args, Place::Query, quote!(query));
    let headers = pairs(&args, Place::Header, quote!(headers));
    let body_expr = match &op.body {
        Some(b) if b.kind == BodyKind::Json => quote!(crate::runtime::Body::json(&self.body)?),
        Some(b) if b.kind == BodyKind::Form => quote!(crate::runtime::Body::form(&self.body)?),
        Some(b) if b.kind == BodyKind::JsonArray => {
            let field = b
                .fields
                .first()
                .map(|f| format_ident!("{}", names::field_ident(&f.wire_name)));
            quote!(crate::runtime::Body::json(&self.body.#field)?)
        }
        Some(b) => multipart_expr(&b.fields),
        None => quote!(crate::runtime::Body::Empty),
    };
    let args_doc = args_doc(&required);
    let example = method_example::section(ir, group, op)
        .map(|section| format!("\n\n{section}"))
        .unwrap_or_default();
    let method_doc = docs::attrs(&format!("{method_doc}{args_doc}{example}"));
    let then = if op.response_body == ResponseBody::Binary {
        "then `.await` it for the file"
    } else {
        "then `.await` it for the payload, or call [`with_envelope`](Self::with_envelope) for the whole response"
    };
    let builder_doc = docs::attrs(&format!(
        "The request of [`{ns}::{name}`]({ns}::{name}): set optional arguments, {then}.",
        ns = names::namespace(group),
        name = op.name,
    ));
    let info = operation_info(op);
    let payload = match &op.payload {
        Payload::Key(key) if key == "data" => quote!(crate::runtime::Payload::Data),
        Payload::Key(key) => quote!(crate::runtime::Payload::Key(#key)),
        Payload::Root => quote!(crate::runtime::Payload::Root),
    };
    let stream = op.pagination.as_ref().map(|p| stream_method(ir, p));
    let prepare = quote! {
        self.validate()
            .map_err(|error| error.in_operation(#konst.id))?;
        let path = #path;
        #query
        #headers
        let parts = crate::runtime::RequestParts {
            op: &#konst,
            path,
            query,
            headers,
            body: #body_expr,
            options: self.options,
            payload: #payload,
        };
    };
    // A download hands back the streamed body; a JSON response its payload
    // (`.await`) or the whole envelope (`with_envelope`).
    let (output, sends) = if op.response_body == ResponseBody::Binary {
        let sends = quote! {
            /// Validates the arguments, sends the request and hands over the
            /// file as it streams in.
            pub async fn send(self) -> #result {
                #prepare
                self.client.download(parts).await
            }
        };
        (quote!(crate::Download), sends)
    } else {
        // `.await` decodes only the payload, then `take` (if any) turns it
        // into what the method returns; `with_envelope` decodes the whole
        // body.
        let (payload_ty, take) = if op.data.shape == Shape::None {
            (quote!(()), Some(quote!(|_| ())))
        } else if op.data.single {
            (
                data_ty.clone(),
                Some(quote!(crate::runtime::One::into_inner)),
            )
        } else {
            (data_ty.clone(), None)
        };
        let wire = types::wire_data_type(ir, &op.data);
        let call = quote!(client.send_data::<#wire>(self.parts()));
        let call = match take {
            Some(take) => {
                quote!(::futures_util::FutureExt::map(#call, |result| result.map(#take)))
            }
            None => call,
        };
        let decode = if op.data.single {
            quote! {
                client
                    .send::<#wire>(parts)
                    .await
                    .map(|response| response.map_data(crate::runtime::One::into_inner))
            }
        } else {
            quote!(client.send(parts).await)
        };
        let sends = quote! {
            /// Validates the arguments, sends the request and decodes the
            /// response's payload (what `.await` does); the envelope members
            /// around it are skipped, not decoded.
            pub fn send(self) -> impl ::std::future::Future<Output = #result> + Send + 'a {
                let client = self.client;
                #call
            }

            /// Like [`send`](Self::send), but keeps the whole response: the
            /// payload in `data`, and the envelope fields around it.
            pub async fn with_envelope(self) -> Result<crate::Response<#data_ty>, crate::Error> {
                let client = self.client;
                let parts = self.parts()?;
                #decode
            }

            /// The checked arguments as the request to send.
            fn parts(self) -> Result<crate::runtime::RequestParts, crate::Error> {
                #prepare
                Ok(parts)
            }
        };
        (payload_ty, sends)
    };

    let method = quote! {
        #method_doc
        pub fn #method_name(&self, #(#params),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#init_fields,)*
                #body_init
                options: crate::RequestOptions::default(),
            }
        }
    };
    let items = quote! {
        pub(crate) const #konst: crate::OperationInfo = #info;

        #body

        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            #(#stored_fields,)*
            #body_field
            options: crate::RequestOptions,
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #additional_setter

            /// Checks every documented limit; nothing is sent when one fails.
            fn validate(&self) -> Result<(), crate::ValidationError> {
                #(#checks)*
                #additional_check
                Ok(())
            }

            #sends

            #stream
        }

        /// What the request gives when awaited.
        type #result = Result<#output, crate::Error>;

        crate::runtime::request_builder!(#builder => #result);
    };
    OperationTokens { method, items }
}

/// What one operation adds: a method of its group's namespace, and its own
/// items (constant, body, builder).
pub(super) struct OperationTokens {
    /// The namespace method.
    pub(super) method: TokenStream,
    /// Everything else.
    pub(super) items: TokenStream,
}

/// `into_stream`: every item of every page, as a `Stream`.
fn stream_method(ir: &Ir, p: &Pagination) -> TokenStream {
    let item = types::rust_type(ir, &p.item);
    let size = format_ident!("{}", names::field_ident(&p.size_param));
    let position = format_ident!("{}", names::field_ident(&p.position_param));
    let items = match &p.items_field {
        Some(field) => {
            let field = format_ident!("{}", names::field_ident(field));
            quote!(response.data.#field.unwrap_or_default())
        }
        None => quote!(response.data),
    };
    match p.kind {
        PageKind::Cursor => {
            let next = match &p.next_cursor {
                NextCursor::PayloadField(field) => {
                    let field = format_ident!("{}", names::field_ident(field));
                    quote!(response.data.#field.clone())
                }
                NextCursor::Extra(pointer) => {
                    quote!(crate::runtime::paginate::cursor_in(&response.extra, #pointer))
                }
                NextCursor::Envelope | NextCursor::None => quote!(response.cursor.clone()),
            };
            quote! {
                /// Streams every item of every page: sends this request, then
                /// follows the cursor until a page has none (or no items).
                /// Set the page size with the builder first; the cursor is
                /// managed by the stream.
                #[inline]
                pub fn into_stream(self) -> crate::Paged<'a, #item> {
                    crate::runtime::paginate::by_cursor(self, |mut request: Self, cursor| async move {
                        request.#position = cursor;
                        let response = request.with_envelope().await?;
                        let next = #next;
                        Ok((#items, next))
                    })
                }
            }
        }
        PageKind::Page => {
            let cap = match p.size_max {
                Some(max) => quote!(.map(|size| size.min(#max))),
                None => quote!(),
            };
            let default = match p.size_default {
                Some(d) => quote!(.or(Some(#d))),
                None => quote!(),
            };
            quote! {
                /// Streams every item of every page: starts at the page set
                /// on the builder (default 1) and fetches the next page until
                /// one comes back empty or shorter than the page size.
                #[inline]
                pub fn into_stream(self) -> crate::Paged<'a, #item> {
                    let first = self.#position.map_or(1, |page| page.max(1) as u64);
                    let size = self.#size #default #cap .and_then(|size| u64::try_from(size).ok());
                    crate::runtime::paginate::by_page_number(self, first, size, |mut request: Self, page| async move {
                        request.#position = Some(i64::try_from(page).unwrap_or(i64::MAX));
                        let response = request.with_envelope().await?;
                        Ok(#items)
                    })
                }
            }
        }
    }
}

fn args_doc(required: &[&Arg]) -> String {
    if required.is_empty() {
        return String::new();
    }
    let mut text = String::from("\n\n# Arguments\n");
    for a in required {
        let first = a.doc.replace("\n\n", " ");
        text.push_str(&format!("\n- `{}`: {}", a.ident, first));
    }
    text
}

fn body_struct(ir: &Ir, op: &Operation, body: &Body) -> TokenStream {
    let (name, kind, fields) = (
        format_ident!("{}", names::body(op)),
        body.kind,
        &body.fields,
    );
    // The fields without serde's attributes: a multipart body is not
    // serialized, and a body without a union has its `Serialize` written out.
    let plain = fields.iter().map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        let ty = types::held(f, types::field_type(ir, f));
        quote!(#ident: #ty,)
    });
    if kind == BodyKind::Multipart {
        return quote! {
            /// The parts of the multipart body.
            #[derive(Debug, Clone)]
            struct #name {
                #(#plain)*
            }
        };
    }
    let doc = if kind == BodyKind::Form {
        " The form fields, exactly as they go on the wire."
    } else {
        " The JSON body, exactly as it goes on the wire."
    };
    let additional_ty = body.additional.as_ref().map(|a| {
        let ty = types::rust_type(ir, &a.ty);
        let doc = format!(
            " Pairs added with `{}`, after the fields.",
            names::field_ident(&a.setter)
        );
        (doc, quote!(::std::collections::BTreeMap<String, #ty>))
    });
    // Without a union the `Serialize` impl is written out (see
    // `members`); a union is two members of the body, its tag and its
    // content, which only serde's flatten can write into the body.
    if members::decodable(fields) {
        let additional = additional_ty
            .as_ref()
            .map(|(doc, ty)| quote!(#[doc = #doc] additional: #ty,));
        let rest = additional_ty.as_ref().map(|_| quote!(&self.additional));
        let serialize = members::serialize_impl(&name.to_string(), fields, rest);
        return quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            struct #name {
                #(#plain)*
                #additional
            }

            #serialize
        };
    }
    let fields = fields.iter().map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        let ty = types::field_type(ir, f);
        match (f.required, &f.ty) {
            (true, Ty::Union(_)) => quote!(#[serde(flatten)] #ident: #ty,),
            (false, Ty::Union(_)) => quote!(#[serde(flatten)] #ident: Option<#ty>,),
            (true, _) => {
                let rename = types::serde_rename(f);
                quote!(#rename #ident: #ty,)
            }
            (false, _) => {
                let rename = types::serde_rename(f);
                quote! {
                    #rename
                    #[serde(skip_serializing_if = "Option::is_none")]
                    #ident: Option<#ty>,
                }
            }
        }
    });
    let additional = additional_ty.map(|(doc, ty)| {
        quote! {
            #[doc = #doc]
            #[serde(flatten)]
            additional: #ty,
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, ::serde::Serialize)]
        struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// What an open-ended body adds to the builder.
struct AdditionalTokens {
    /// The body struct's empty map.
    init: TokenStream,
    /// The builder method that adds a pair.
    setter: TokenStream,
    /// The check of the names given.
    check: TokenStream,
}

fn additional(ir: &Ir, body: &Body) -> Option<AdditionalTokens> {
    let a = body.additional.as_ref()?;
    let setter = format_ident!("{}", names::field_ident(&a.setter));
    let ty = types::rust_type(ir, &a.ty);
    let (input, value) = if a.ty.is_stringy() {
        (quote!(impl Into<String>), quote!(value.into()))
    } else {
        (ty, quote!(value))
    };
    let declared: Vec<&str> = body.fields.iter().map(|f| f.wire_name.as_str()).collect();
    let listed = declared
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = docs::attrs(&format!(
        "Adds a pair to the body: {}\n\nCall it once per pair. The names of the declared fields ({listed}) are rejected when the request is sent: they have their own methods.",
        a.description.trim()
    ));
    let setter_name = names::field_ident(&a.setter);
    Some(AdditionalTokens {
        init: quote!(additional: ::std::collections::BTreeMap::new(),),
        setter: quote! {
            #doc
            pub fn #setter(mut self, name: impl Into<String>, value: #input) -> Self {
                self.body.additional.insert(name.into(), #value);
                self
            }
        },
        check: quote! {
            crate::runtime::validate::additional_names(
                #setter_name,
                self.body.additional.keys(),
                &[#(#declared),*],
            )?;
        },
    })
}

/// The parts of a multipart body: files as file parts, everything else as
/// text.
fn multipart_expr(fields: &[Field]) -> TokenStream {
    let part = |f: &Field, value: TokenStream| {
        let name = &f.wire_name;
        if f.ty == Ty::File {
            quote!(crate::runtime::FormPart::file(#name, #value.clone()))
        } else if f.ty.is_stringy() {
            quote!(crate::runtime::FormPart::text(#name, #value.clone()))
        } else {
            quote!(crate::runtime::FormPart::text(#name, #value.to_string()))
        }
    };
    let required = fields.iter().filter(|f| f.required).map(|f| {
        let ident = format_ident!("{}", names::field_ident(&f.wire_name));
        part(f, quote!(self.body.#ident))
    });
    let optional: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let ident = format_ident!("{}", names::field_ident(&f.wire_name));
            let part = part(f, quote!(value));
            quote! {
                if let Some(value) = &self.body.#ident {
                    parts.push(#part);
                }
            }
        })
        .collect();
    let binding = if optional.is_empty() {
        quote!(parts)
    } else {
        quote!(mut parts)
    };
    let init = vec_expr(required.collect());
    quote! {{
        let #binding: ::std::vec::Vec<crate::runtime::FormPart> = #init;
        #(#optional)*
        crate::runtime::Body::Multipart(parts)
    }}
}

/// The path: the template with each placeholder percent-encoded. The
/// values are bound before `format!` (and named in its string) so that no
/// path sits inside the macro, where the formatter cannot lay it out.
fn path_expr(op: &Operation, args: &[Arg]) -> TokenStream {
    let mut fmt = String::new();
    let mut values = Vec::new();
    for segment in op.path.segments() {
        fmt.push('/');
        match segment {
            Segment::Literal(text) => fmt.push_str(text),
            Segment::Placeholder { name, .. } => {
                let Some(arg) = args.iter().find(|a| a.wire_name == name) else {
                    continue;
                };
                let ident = &arg.ident;
                fmt.push_str(&format!("{{{ident}}}"));
                values.push(if arg.is_list() {
                    quote!(let #ident = crate::runtime::encode::list(&self.#ident);)
                } else if arg.ty.is_stringy() {
                    quote!(let #ident = crate::runtime::encode::segment(&self.#ident);)
                } else {
                    quote!(let #ident = crate::runtime::encode::segment(&self.#ident.to_string());)
                });
            }
        }
    }
    if values.is_empty() {
        quote!(String::from(#fmt))
    } else {
        quote!({
            #(#values)*
            format!(#fmt)
        })
    }
}

/// Pushes each set query or header argument as a `(name, value)` pair.
/// `let target = vec![required pairs]` then a push per optional argument
/// that is set (no `push` right after `Vec::new()`, which clippy flags).
fn pairs(args: &[Arg], place: Place, target: TokenStream) -> TokenStream {
    let here: Vec<&Arg> = args.iter().filter(|a| a.place == place).collect();
    let required = here.iter().filter(|a| a.required).map(|a| {
        let name = a.wire_name;
        let ident = &a.ident;
        quote!((#name, self.#ident.to_string()))
    });
    let optional: Vec<TokenStream> = here
        .iter()
        .filter(|a| !a.required)
        .map(|a| {
            let name = a.wire_name;
            let ident = &a.ident;
            quote! {
                if let Some(value) = &self.#ident {
                    #target.push((#name, value.to_string()));
                }
            }
        })
        .collect();
    let binding = if optional.is_empty() {
        quote!(#target)
    } else {
        quote!(mut #target)
    };
    let init = vec_expr(required.collect());
    quote! {
        let #binding: ::std::vec::Vec<(&'static str, String)> = #init;
        #(#optional)*
    }
}

/// A vector of `items`, written as a function call rather than `vec![]`
/// so that the formatter lays the items out.
fn vec_expr(items: Vec<TokenStream>) -> TokenStream {
    if items.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote!(::std::vec::Vec::from([#(#items),*]))
    }
}

fn operation_info(op: &Operation) -> TokenStream {
    let id = &op.id;
    let method = format_ident!(
        "{}",
        match op.method {
            Method::GET => "Get",
            Method::POST => "Post",
            Method::PUT => "Put",
            Method::DELETE => "Delete",
        }
    );
    let path = op.path.as_str();
    let idempotent = op.idempotent;
    let rate_limit = match &op.rate_limit {
        Some(rl) => {
            let count = rl.count;
            let per = format_ident!(
                "{}",
                match rl.per {
                    Per::Second => "Second",
                    Per::Minute => "Minute",
                }
            );
            quote!(Some(crate::RateLimit { count: #count, per: crate::RatePer::#per }))
        }
        None => quote!(None),
    };
    quote! {
        crate::OperationInfo {
            id: #id,
            method: crate::HttpMethod::#method,
            path_template: #path,
            idempotent: #idempotent,
            rate_limit: #rate_limit,
        }
    }
}
