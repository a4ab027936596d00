//! The spec as the doc checks read it. They need the written model (doc
//! sources, overview rows, errata quotes), which the IR does not keep, so the
//! spec is loaded and validated here and its items indexed with their file
//! and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use agora_chat_generator::SpecError;
use agora_chat_generator::lower::lower;
use agora_chat_generator::spec::model::{ApiFile, Erratum, Field, Operation};
use agora_chat_generator::spec::{self, LoadedGroup};

/// A validated spec with positions.
#[derive(Debug, Clone)]
pub struct SpecIndex {
    pub api: ApiFile,
    /// Every operation, in group-file then file order.
    pub operations: Vec<Located<Operation>>,
    /// Every erratum, in register order.
    pub errata: Vec<Located<Erratum>>,
    /// Declared object types by name (names are unique across groups).
    pub types: BTreeMap<String, Vec<Field>>,
    /// Declared tagged unions by name, with their tag member (`type`): a
    /// field of such a type puts that member beside itself on the wire.
    pub union_tags: BTreeMap<String, String>,
}

/// An item and where it is written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub item: T,
    /// `spec/groups/chatrooms.yaml`.
    pub file: String,
    /// Line of the item's id.
    pub line: u64,
}

impl SpecIndex {
    /// Loads and validates the spec in `dir`; `label` is how the directory
    /// is named in locations (`spec`).
    pub fn load(dir: &Path, label: &str) -> Result<SpecIndex, SpecError> {
        let spec = spec::load(dir)?;
        lower(&spec)?;
        let file_name = |file: &Path| Path::new(label).join(file).display().to_string();
        let mut operations = Vec::new();
        let mut types = BTreeMap::new();
        let mut union_tags = BTreeMap::new();
        for LoadedGroup { file, group } in &spec.groups {
            // Object types have a field table; a closed set has none, a
            // union adds its tag.
            for t in &group.types {
                if let Some(fields) = &t.fields {
                    types.insert(t.name.value.clone(), fields.clone());
                }
                if let Some(union) = &t.union {
                    union_tags.insert(t.name.value.clone(), union.tag.clone());
                }
            }
            for op in &group.operations {
                operations.push(Located {
                    file: file_name(file),
                    line: op.id.referenced.line(),
                    item: op.clone(),
                });
            }
        }
        let errata = spec
            .errata
            .errata
            .iter()
            .zip(&spec.errata_files)
            .map(|(e, file)| Located {
                file: file_name(file),
                line: e.id.referenced.line(),
                item: e.clone(),
            })
            .collect();
        Ok(SpecIndex {
            api: spec.api,
            operations,
            errata,
            types,
            union_tags,
        })
    }

    /// Envelope fields the spec lists per operation (`count`, `cursor`,
    /// ...): a response carries them only when its operation says so. The
    /// other envelope fields (`action`, `uri`, ...) come with every response.
    pub fn optional_envelope(&self) -> BTreeSet<&str> {
        self.operations
            .iter()
            .flat_map(|op| op.item.response.envelope.iter().map(String::as_str))
            .collect()
    }

    /// Whether `name` is a placeholder of api.yaml's base URL (`host`,
    /// `org_name`, `app_name`), which the client takes as configuration.
    pub fn is_server_variable(&self, name: &str) -> bool {
        self.api.server_variables.iter().any(|v| v.name == name)
    }

    /// Whether `name` is an envelope field of api.yaml.
    pub fn is_envelope(&self, name: &str) -> bool {
        self.api.envelope.iter().any(|f| f.name == name)
    }

    /// The errata whose `overview_rows` name this row.
    pub fn errata_for_row<'a>(
        &'a self,
        row: &'a str,
    ) -> impl Iterator<Item = &'a Located<Erratum>> {
        self.errata
            .iter()
            .filter(move |e| e.item.overview_rows.iter().any(|r| r == row))
    }
}
