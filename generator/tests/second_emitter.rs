//! A second emitter needs nothing but the IR: this one, written here and
//! not in the generator, lists every operation with its method, wire path,
//! parameters and body fields, and runs through the same pipeline as the
//! project's emitters (`generate_with`), checks included.

use std::fmt::Write;
use std::path::Path;

use agora_chat_generator::ir::{Ir, ParamLocation};
use agora_chat_generator::{Diagnostic, Emitter, GeneratedFile, generate_with};

/// Writes `operations.txt`: one line per operation.
struct OperationList;

impl Emitter for OperationList {
    fn name(&self) -> &'static str {
        "operation-list"
    }

    fn emit(&self, ir: &Ir) -> Result<Vec<GeneratedFile>, String> {
        let mut text = String::new();
        for (group, op) in ir.operations() {
            let query: Vec<&str> = op
                .params()
                .filter(|p| p.location == ParamLocation::Query)
                .map(|p| p.wire_name.as_str())
                .collect();
            let body: Vec<&str> = op
                .body
                .iter()
                .flat_map(|b| &b.fields)
                .map(|f| f.wire_name.as_str())
                .collect();
            writeln!(
                text,
                "{}.{} {} {} query={} body={}",
                group.name,
                op.id,
                op.method.as_str(),
                op.path,
                query.join(","),
                body.join(",")
            )
            .map_err(|e| e.to_string())?;
        }
        Ok(vec![GeneratedFile {
            path: "operations.txt".into(),
            contents: text,
        }])
    }
}

/// An emitter whose target needs a rate limit on every operation: its check
/// must stop generation, before any emitter writes anything.
struct NeedsRateLimits;

impl Emitter for NeedsRateLimits {
    fn name(&self) -> &'static str {
        "needs-rate-limits"
    }

    fn check(&self, ir: &Ir) -> Vec<Diagnostic> {
        ir.operations()
            .filter(|(_, op)| op.rate_limit.is_none())
            .map(|(_, op)| {
                op.origin
                    .diagnostic("rate_limit", "this target needs a rate limit")
            })
            .collect()
    }

    fn emit(&self, _ir: &Ir) -> Result<Vec<GeneratedFile>, String> {
        Err("emit must not run when the check failed".into())
    }
}

#[test]
fn an_emitter_check_stops_generation_with_a_spec_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let error = generate_with(&dir, &[&OperationList, &NeedsRateLimits])
        .expect_err("several operations have no rate limit")
        .to_string();
    assert!(
        error.contains(
            "groups/rooms.yaml:54:9: `get_rooms` at `rate_limit`: this target needs a rate limit"
        ),
        "{error}"
    );
}

#[test]
fn an_emitter_outside_the_generator_reads_the_ir_alone() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let files = generate_with(&dir, &[&OperationList]).expect("the fixture generates");
    assert_eq!(files.len(), 1, "only this emitter ran");
    let lines: Vec<&str> = files[0].contents.lines().collect();
    assert!(
        lines.contains(
            &"rooms.create_room POST /rooms query= body=name,owner,maxusers,members,tags"
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"rooms.get_rooms GET /rooms/{room_id} query=limit body="),
        "{lines:#?}"
    );
    assert_eq!(
        lines.len(),
        agora_chat_generator::load_ir(&dir)
            .unwrap()
            .operations()
            .count()
    );
}
