//! Tests of `agora_chat::webhook` against the spec's doc examples, with
//! mutated bodies, through the axum extractor and through the
//! `verify_callback` example; `events_cases.rs` (generated) decodes every
//! doc example to its typed event.

mod doc_examples;
mod events;
#[rustfmt::skip]
mod events_cases;
mod example_programs;
mod extractor;
mod mutations;
mod spec_facts;
mod support;
