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

/// One generated Rust file.
enum Job<'a> {
    Root,
    Group(&'a Group),
    Conformance,
    Prism,
}

impl Job<'_> {
    fn path(&self) -> PathBuf {
        match self {
            Job::Root => PathBuf::from(MODULE_DIR).join("mod.rs"),
            Job::Group(group) => PathBuf::from(MODULE_DIR).join(format!("{}.rs", group.name)),
            Job::Conformance => PathBuf::from(CONFORMANCE_TEST),
            Job::Prism => PathBuf::from(PRISM_TEST),
        }
    }

    fn render(&self, ir: &Ir) -> Result<String, syn::Error> {
        rust_file(match self {
            Job::Root => root_module(ir),
            Job::Group(group) => group_module(group),
            Job::Conformance => conformance::tests(ir),
            Job::Prism => conformance::prism_tests(ir),
        })
    }
}

/// Emits the client modules and the conformance tests. Files are rendered
/// on one thread per core (building, re-parsing and printing the tokens is most of
/// a regeneration) and returned in a fixed order, so output stays
/// deterministic.
pub fn emit(ir: &Ir) -> Result<Vec<GeneratedFile>, syn::Error> {
    let mut jobs = vec![Job::Root];
    jobs.extend(ir.groups.iter().map(Job::Group));
    jobs.push(Job::Conformance);
    jobs.push(Job::Prism);
    // The machine's cores, never more threads than files.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(jobs.len());
    let rendered: Vec<Vec<(usize, Result<String, String>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let jobs = &jobs;
                scope.spawn(move || {
                    jobs.iter()
                        .enumerate()
                        .skip(worker)
                        .step_by(workers)
                        // syn's error is not `Send`; its message is.
                        .map(|(i, job)| (i, job.render(ir).map_err(|e| e.to_string())))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut contents: Vec<Option<Result<String, String>>> = jobs.iter().map(|_| None).collect();
    for (i, result) in rendered.into_iter().flatten() {
        contents[i] = Some(result);
    }
    jobs.iter()
        .zip(contents)
        .map(|(job, result)| {
            let text = result
                .unwrap_or_else(|| Err("a render thread stopped early".to_string()))
                .map_err(|message| syn::Error::new(proc_macro2::Span::call_site(), message))?;
            Ok(GeneratedFile {
                path: job.path(),
                contents: text,
            })
        })
        .collect()
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
