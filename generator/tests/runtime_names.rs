//! The Rust emitter keeps lists of the names the hand-written runtime
//! defines at the crate root, on `Client` and in `webhook`, so that a spec name that would
//! collide with one is a spec error. These tests hold the lists against the
//! runtime's source, so that they cannot go stale.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use agora_chat_generator::emit::rust::names::{CLIENT_METHODS, RUNTIME_ROOT, RUNTIME_WEBHOOK};

fn client_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src")
}

fn parse(path: &Path) -> syn::File {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The leaves of a `use` tree: `runtime::{A, B}` gives A and B.
fn use_leaves(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, out),
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.rename.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_leaves(t, out)),
        syn::UseTree::Glob(_) => {}
    }
}

#[test]
fn crate_root_names_match_lib_rs() {
    let lib = parse(&client_dir().join("lib.rs"));
    let mut defined = BTreeSet::new();
    for item in &lib.items {
        match item {
            // `pub use generated::*` brings the generated items, which the
            // emitter knows; every other `pub use` is the runtime's.
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                use_leaves(&u.tree, &mut defined)
            }
            syn::Item::Mod(m) => {
                defined.insert(m.ident.to_string());
            }
            _ => {}
        }
    }
    let listed: BTreeSet<String> = RUNTIME_ROOT.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        listed, defined,
        "emit/rust/names.rs RUNTIME_ROOT must list what lib.rs puts at the crate root"
    );
}

#[test]
fn webhook_names_match_its_module() {
    let module = parse(&client_dir().join("webhook/mod.rs"));
    let mut defined = BTreeSet::new();
    for item in &module.items {
        // The glob brings the generated event types, which the emitter
        // knows; every other public name is the runtime's.
        if let syn::Item::Use(u) = item
            && matches!(u.vis, syn::Visibility::Public(_))
        {
            use_leaves(&u.tree, &mut defined);
        }
    }
    let listed: BTreeSet<String> = RUNTIME_WEBHOOK.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        listed, defined,
        "emit/rust/names.rs RUNTIME_WEBHOOK must list what webhook/mod.rs makes public"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn client_methods_match_the_runtime() {
    let mut files = Vec::new();
    rust_files(&client_dir().join("runtime"), &mut files);
    let mut defined = BTreeSet::new();
    for file in files {
        for item in parse(&file).items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let is_client = block.trait_.is_none()
                && matches!(&*block.self_ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "Client"));
            if !is_client {
                continue;
            }
            for member in block.items {
                if let syn::ImplItem::Fn(f) = member {
                    defined.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    let listed: BTreeSet<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        listed, defined,
        "emit/rust/names.rs CLIENT_METHODS must list the methods of the runtime's `impl Client`"
    );
}
