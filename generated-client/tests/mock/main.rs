//! Tests of the `mock` test kit: generated scenarios (one per group, in
//! `cases.rs`) and hand-written ones for expectations, violations and
//! pagination.

#[path = "../support/mod.rs"]
mod support;

#[rustfmt::skip]
mod cases;

mod kit;
mod price_list;
