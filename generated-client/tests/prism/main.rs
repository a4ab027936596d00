//! The whole generated client against an independent mock: prism serves
//! `openapi.yaml` and rejects (422) any request that breaks it. The cases
//! are generated into `cases.rs`; `.ci/openapi-tools` starts prism and runs
//! them with `cargo test -p agora-chat --test prism -- --ignored`.

#[path = "../support/mod.rs"]
mod support;

#[rustfmt::skip]
mod cases;
