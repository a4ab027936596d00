//! The lowering pass: the loaded spec in, the IR and every diagnostic out.
//!
//! Each string of the spec is parsed here, once, into a typed value (type
//! expressions, path templates, limits, example bodies), every reference is
//! resolved (named types, errata, pagination parameters) and every problem
//! is reported with the file, the position of its item, the item and the
//! field path. All problems are reported together; the IR is returned only
//! when there is none.
//!
//! One file per concern: `api` (api.yaml and the errata register), `types`
//! (type expressions and object types), `fields` (fields and parameters),
//! `limits`, `operation`, `pagination`, `examples`, `values` (checking a
//! JSON value against a type), `routes`, `callbacks` (the checks of
//! `spec/callbacks/`) and `callbacks_ir` (their lowering).

mod api;
mod callbacks;
mod callbacks_ir;
mod examples;
mod fields;
mod limits;
mod operation;
mod pagination;
mod report;
mod routes;
mod types;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Diagnostic, SpecError};
use crate::ir::{Enum, Group, Ir, Object, ObjectId, Ty, Union};
use crate::path::is_snake;
use crate::spec::{LoadedGroup, Spec};

pub(crate) use self::report::At;

/// Lowers `spec` to the IR, or returns every problem found.
pub fn lower(spec: &Spec) -> Result<Ir, SpecError> {
    let mut cx = Lowerer::new(spec);
    let api = cx.api();
    let errata = cx.errata();
    cx.declare_types();
    let groups = cx.groups();
    let routes = routes::routes(&groups);
    // The callbacks are checked on the spec as written, then lowered.
    cx.diags.extend(callbacks::check(spec));
    if !cx.diags.is_empty() {
        return Err(SpecError::Invalid(cx.diags));
    }
    let mut groups = groups;
    for (i, route) in routes.iter().enumerate() {
        for &(g, o) in &route.operations {
            groups[g].operations[o].route = i;
        }
    }
    let callbacks = callbacks_ir::lower(spec, &cx.unions, &cx.objects);
    Ok(Ir {
        api,
        errata,
        groups,
        objects: cx.objects,
        enums: cx.enums,
        unions: cx.unions,
        routes,
        callbacks,
    })
}

/// The state of one lowering run.
pub(crate) struct Lowerer<'a> {
    spec: &'a Spec,
    diags: Vec<Diagnostic>,
    errata_ids: BTreeSet<String>,
    /// Declared type names, across all groups (a name is usable anywhere).
    named: BTreeMap<String, Ty>,
    objects: Vec<Object>,
    enums: Vec<Enum>,
    unions: Vec<Union>,
    /// Index of the group being lowered.
    group: usize,
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a Spec) -> Self {
        Lowerer {
            spec,
            diags: Vec::new(),
            errata_ids: spec
                .errata
                .errata
                .iter()
                .map(|e| e.id.value.clone())
                .collect(),
            named: BTreeMap::new(),
            objects: Vec::new(),
            enums: Vec::new(),
            unions: Vec::new(),
            group: 0,
        }
    }

    /// Records a problem.
    pub(crate) fn report(&mut self, at: &At, field: impl Into<String>, message: impl Into<String>) {
        self.diags.push(at.diagnostic(field.into(), message.into()));
    }

    /// Every id in `ids` must be in the errata register.
    fn errata_refs(&mut self, at: &At, field: &str, ids: &[String]) {
        for (i, id) in ids.iter().enumerate() {
            if !self.errata_ids.contains(id) {
                self.report(
                    at,
                    format!("{field}[{i}]"),
                    format!("erratum `{id}` is not in errata.yaml"),
                );
            }
        }
    }

    fn groups(&mut self) -> Vec<Group> {
        let spec = self.spec;
        let mut names = BTreeSet::new();
        let mut op_ids = BTreeSet::new();
        let mut groups = Vec::new();
        for (index, LoadedGroup { file, group }) in spec.groups.iter().enumerate() {
            self.group = index;
            let at = At::spanned(file, &group.group);
            if !is_snake(&group.group.value) {
                self.report(&at, "group", "group names are snake_case");
            }
            if !names.insert(group.group.value.clone()) {
                self.report(&at, "group", "another file declares the same group");
            }
            let mut objects: Vec<ObjectId> = group
                .types
                .iter()
                .filter_map(|t| match self.named.get(&t.name.value) {
                    Some(Ty::Object(id)) => Some(*id),
                    _ => None,
                })
                .collect();
            let mut operations = Vec::new();
            let mut op_names = BTreeSet::new();
            for op in &group.operations {
                let at = At::spanned(file, &op.id);
                if !op_ids.insert(op.id.value.clone()) {
                    self.report(&at, "id", "duplicate operation id");
                }
                if !op_names.insert(op.name.as_str()) {
                    self.report(&at, "name", "another operation of the group has this name");
                }
                if let Some(op) = self.operation(&at, op, &mut objects) {
                    operations.push(op);
                }
            }
            groups.push(Group {
                name: group.group.value.clone(),
                title: group.title.clone(),
                description: group.description.clone(),
                origin: at.origin(),
                objects,
                operations,
            });
        }
        groups
    }
}
