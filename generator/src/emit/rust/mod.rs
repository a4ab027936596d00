//! The Rust emitter: one module per group under
//! `generated-client/src/generated/`, plus the conformance tests generated
//! from the doc examples.

mod conformance;
mod docs;
mod operations;
mod types;
mod values;

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{GeneratedFile, rust_file};
use crate::ir::{Group, Ir};

/// Where the generated modules live, relative to the workspace root.
pub const MODULE_DIR: &str = "generated-client/src/generated";
/// The generated conformance test file, relative to the workspace root.
pub const CONFORMANCE_TEST: &str = "generated-client/tests/conformance/cases.rs";
/// The generated prism tests, relative to the workspace root.
pub const PRISM_TEST: &str = "generated-client/tests/prism/cases.rs";

/// Emits the client modules and the conformance tests.
pub fn emit(ir: &Ir) -> Result<Vec<GeneratedFile>, syn::Error> {
    let mut files = vec![GeneratedFile {
        path: PathBuf::from(MODULE_DIR).join("mod.rs"),
        contents: rust_file(root_module(ir))?,
    }];
    for group in &ir.groups {
        files.push(GeneratedFile {
            path: PathBuf::from(MODULE_DIR).join(format!("{}.rs", group.name)),
            contents: rust_file(group_module(group))?,
        });
    }
    files.push(GeneratedFile {
        path: PathBuf::from(CONFORMANCE_TEST),
        contents: rust_file(conformance::tests(ir))?,
    });
    files.push(GeneratedFile {
        path: PathBuf::from(PRISM_TEST),
        contents: rust_file(conformance::prism_tests(ir))?,
    });
    Ok(files)
}

fn root_module(ir: &Ir) -> TokenStream {
    let mods = ir.groups.iter().map(|g| {
        let name = format_ident!("{}", g.name);
        let doc = docs::attrs(&format!("{}: {}", g.title, g.description));
        quote! {
            #doc
            pub mod #name;
            pub use #name::*;
        }
    });
    let ops = ir.operations().map(|(g, op)| {
        let module = format_ident!("{}", g.name);
        let konst = operations::info_const(op);
        quote!(#module::#konst)
    });
    // One check per distinct payload type, in a stable order.
    let mut payload_types = std::collections::BTreeMap::new();
    for (_, op) in ir.operations() {
        if op.response_body == crate::ir::ResponseBody::Json {
            let ty = types::data_type(&op.data);
            payload_types.entry(ty.to_string()).or_insert(ty);
        }
    }
    let checks = payload_types
        .values()
        .map(|ty| quote!($check::<#ty> $args;));
    let rule = ir.username_rule();
    let (min, max, extra) = (
        rule.min_length as usize,
        rule.max_length as usize,
        rule.extra_chars.as_str(),
    );
    let rule_doc = docs::attrs(&format!(
        "Usernames have {min} to {max} characters: ASCII letters, digits and `{extra}`{}.",
        if rule.case_insensitive {
            "; case does not matter"
        } else {
            ""
        }
    ));
    quote! {
        //! Operations and types generated from the spec, one module per group.

        #(#mods)*

        /// Every operation of the API, in spec order.
        pub static OPERATIONS: &[crate::OperationInfo] = &[#(#ops),*];

        #rule_doc
        pub(crate) const USERNAME_RULE: crate::runtime::validate::UsernameRule =
            crate::runtime::validate::UsernameRule {
                min_len: #min,
                max_len: #max,
                extra_chars: #extra,
            };

        /// Calls `$check::<T> $args` for the payload type `T` of every
        /// operation with a JSON response: the decode property tests run
        /// over all of them.
        #[cfg(test)]
        macro_rules! every_response_type {
            ($check:ident $args:tt) => {{
                #(#checks)*
            }};
        }
        #[cfg(test)]
        pub(crate) use every_response_type;

        /// The future a request builder turns into when awaited.
        type BoxFuture<'a, T> =
            ::std::pin::Pin<Box<dyn ::std::future::Future<Output = T> + Send + 'a>>;
    }
}

fn group_module(group: &Group) -> TokenStream {
    let doc = docs::inner_attrs(&format!("{}\n\n{}", group.title, group.description));
    let structs = group.structs.iter().map(types::response_struct);
    let ops = group.operations.iter().map(operations::operation);
    quote! {
        #doc
        #![allow(clippy::too_many_arguments)]


        #(#structs)*
        #(#ops)*
    }
}
