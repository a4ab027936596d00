//! The example in each namespace method's rustdoc: the call of the
//! operation's first doc example, with Agora's values, compiled (not run)
//! as a doc test, so an example can never show a call that does not build.
//! Union variant builders get theirs from the same examples
//! (`closed_sets.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::conformance;
use super::values::Context;
use crate::ir::{Group, Ir, Operation};

/// The `# Example` section of `op`'s method, or `None` for an operation
/// that no page gives an example of.
pub(super) fn section(ir: &Ir, group: &Group, op: &Operation) -> Option<String> {
    let example = op.examples.first()?;
    let call = conformance::call(ir, group, op, example, Context::Doc);
    Some(format!(
        "# Example\n\n\
         The call of the doc example `{}`:\n\n\
         ```no_run\n\
         # async fn example(client: agora_chat::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         {}\n\
         # let _ = answer;\n\
         # Ok(())\n\
         # }}\n\
         ```",
        example.key,
        lines(quote!(let answer = #call.await?;))
    ))
}

/// `statement` formatted as the body of a function, then taken out of it.
/// Tokens that do not parse are shown as they are, so that the doc test
/// (and the test of the same call) fails instead of the example going
/// missing.
pub(super) fn lines(statement: TokenStream) -> String {
    let text = match syn::parse2::<syn::File>(quote!(fn example() { #statement })) {
        Ok(function) => prettyplease::unparse(&function),
        Err(_) => format!("fn example() {{\n    {statement}\n}}\n"),
    };
    let body: Vec<&str> = text
        .lines()
        .skip(1)
        .take_while(|line| *line != "}")
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .collect();
    body.join("\n")
}
