//! Tests of `agora_chat::webhook` against the spec's doc examples, with
//! mutated bodies, through the axum extractor and through the
//! `verify_callback` example.

mod doc_examples;
mod example_programs;
mod extractor;
mod mutations;
mod spec_facts;
mod support;
