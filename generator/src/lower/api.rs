//! `api.yaml` (base URL, username rule, envelope, error body and codes) and
//! the errata register.

use std::collections::BTreeSet;

use super::{At, Lowerer};
use crate::ir::{Api, Erratum, ErrorCode, ServerVariable};
use crate::path::placeholders;

impl Lowerer<'_> {
    pub(super) fn api(&mut self) -> Api {
        let api = &self.spec.api;
        let at = At::file("api.yaml");
        match placeholders(&api.base_url) {
            Ok(names) => {
                let declared: Vec<&str> = api
                    .server_variables
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect();
                if names
                    .iter()
                    .map(String::as_str)
                    .ne(declared.iter().copied())
                {
                    self.report(
                        &at,
                        "server_variables",
                        format!(
                            "must list the base_url placeholders in order: {names:?}, found {declared:?}"
                        ),
                    );
                }
            }
            Err(msg) => self.report(&at, "base_url", msg),
        }
        if !api.base_url.starts_with("https://") {
            self.report(&at, "base_url", "must start with https://");
        }
        let rule = &api.username_rule;
        if rule.min_length == 0 || rule.min_length > rule.max_length {
            self.report(
                &at,
                "username_rule",
                format!(
                    "length range {}..={} is empty or allows empty usernames",
                    rule.min_length, rule.max_length
                ),
            );
        }
        let envelope = self.fields(&at, "envelope", &api.envelope, false);
        let error_body = self.fields(&at, "error_body", &api.error_body, false);
        if api.envelope.iter().any(|f| f.name == "data") {
            self.report(
                &at,
                "envelope",
                "`data` is described per operation, not in the envelope",
            );
        }
        let mut codes = BTreeSet::new();
        for (i, code) in api.error_codes.iter().enumerate() {
            if !codes.insert(code.code.as_str()) {
                self.report(
                    &at,
                    format!("error_codes[{i}].code"),
                    format!("`{}` is listed twice", code.code),
                );
            }
        }
        Api {
            title: api.title.clone(),
            version: api.version.clone(),
            description: api.description.clone(),
            base_url: api.base_url.clone(),
            server_variables: api
                .server_variables
                .iter()
                .map(|v| ServerVariable {
                    name: v.name.clone(),
                    description: v.description.clone(),
                })
                .collect(),
            auth_scheme: api.auth.scheme,
            auth_description: api.auth.description.clone(),
            envelope,
            error_body,
            error_codes: api
                .error_codes
                .iter()
                .map(|c| ErrorCode {
                    code: c.code.clone(),
                    status: c.status,
                    description: c.description.clone(),
                })
                .collect(),
            username_rule: api.username_rule.clone(),
            source: api.source.clone(),
        }
    }

    pub(super) fn errata(&mut self) -> Vec<Erratum> {
        let spec = self.spec;
        let mut seen = BTreeSet::new();
        let mut register = Vec::new();
        for (e, file) in spec.errata.errata.iter().zip(&spec.errata_files) {
            let at = At::spanned(file, &e.id);
            let id = &e.id.value;
            let well_formed =
                id.len() == 4 && id.starts_with('E') && id[1..].chars().all(|c| c.is_ascii_digit());
            if !well_formed {
                self.report(&at, "id", "errata ids look like E001");
            }
            if !seen.insert(id.clone()) {
                self.report(&at, "id", "duplicate errata id");
            }
            if e.quote.iter().all(|q| q.trim().is_empty()) {
                self.report(&at, "quote", "an erratum must quote the doc");
            }
            if e.sources.is_empty() {
                self.report(&at, "sources", "an erratum must name at least one page");
            }
            for (field, text) in [("problem", &e.problem), ("choice", &e.choice)] {
                if text.trim().is_empty() {
                    self.report(&at, field, "must not be empty");
                }
            }
            register.push(Erratum {
                id: id.clone(),
                sources: e.sources.clone(),
                quotes: e.quote.clone(),
                problem: e.problem.clone(),
                choice: e.choice.clone(),
            });
        }
        register
    }
}
