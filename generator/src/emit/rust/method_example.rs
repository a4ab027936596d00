//! The example in each namespace method's rustdoc: the call of the
//! operation's first doc example, with Agora's values, compiled (not run)
//! as a doc test, so an example can never show a call that does not build.

use quote::quote;

use super::conformance;
use super::values::Context;
use crate::ir::{Group, Ir, Operation};

/// The `# Example` section of `op`'s method, or `None` for an operation
/// that no page gives an example of.
pub(super) fn section(ir: &Ir, group: &Group, op: &Operation) -> Option<String> {
    let example = op.examples.first()?;
    let call = conformance::call(ir, group, op, example, Context::Doc);
    // Formatted as the body of a function, then taken out of it.
    let function: syn::File = syn::parse2(quote! {
        fn example() {
            let answer = #call.await?;
        }
    })
    .ok()?;
    let text = prettyplease::unparse(&function);
    let body: Vec<&str> = text
        .lines()
        .skip(1)
        .take_while(|line| *line != "}")
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .collect();
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
        body.join("\n")
    ))
}
