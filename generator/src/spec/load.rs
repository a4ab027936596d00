//! Stage 1: read the spec directory with serde-saphyr. Unknown keys, wrong
//! types and bad YAML become [`SpecError::Syntax`] with file, line and column.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::callbacks::{COMMON_FILE, LoadedCallbackFile, LoadedCallbacks};
use super::model::{ApiFile, ErrataFile, GroupFile};
use crate::error::SpecError;

/// The spec directory, parsed but not yet checked for meaning.
#[derive(Debug, Clone)]
pub struct Spec {
    /// `api.yaml`.
    pub api: ApiFile,
    /// `errata.yaml` followed by the entries of `errata/*.yaml`.
    pub errata: ErrataFile,
    /// For each entry of `errata`, the file it came from.
    pub errata_files: Vec<PathBuf>,
    /// `groups/*.yaml`, sorted by file name so output order never depends on
    /// the file system.
    pub groups: Vec<LoadedGroup>,
    /// `callbacks/`, when the spec describes callbacks.
    pub callbacks: Option<LoadedCallbacks>,
}

/// One group file and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedGroup {
    /// Path relative to the spec directory, e.g. `groups/chatrooms.yaml`.
    pub file: PathBuf,
    /// Its contents.
    pub group: GroupFile,
}

/// Reads `api.yaml`, `errata.yaml`, every `errata/*.yaml` and every
/// `groups/*.yaml` below `dir`.
pub fn load(dir: &Path) -> Result<Spec, SpecError> {
    let api = parse_file(dir, Path::new("api.yaml"))?;
    let mut errata: ErrataFile = parse_file(dir, Path::new("errata.yaml"))?;
    let mut errata_files = vec![PathBuf::from("errata.yaml"); errata.errata.len()];
    // More errata files are optional; they let each part of the API keep its
    // own register.
    if dir.join("errata").is_dir() {
        let files = yaml_files(dir, "errata")?;
        for (file, more) in files.iter().zip(parse_files::<ErrataFile>(dir, &files)?) {
            errata_files.extend(std::iter::repeat_n(file.clone(), more.errata.len()));
            errata.errata.extend(more.errata);
        }
    }
    let files = yaml_files(dir, "groups")?;
    let groups = parse_files(dir, &files)?
        .into_iter()
        .zip(files)
        .map(|(group, file)| LoadedGroup { file, group })
        .collect();
    Ok(Spec {
        api,
        errata,
        errata_files,
        groups,
        callbacks: load_callbacks(dir)?,
    })
}

/// `callbacks/common.yaml` and the family files beside it; the directory
/// is optional.
fn load_callbacks(dir: &Path) -> Result<Option<LoadedCallbacks>, SpecError> {
    if !dir.join("callbacks").is_dir() {
        return Ok(None);
    }
    let common = parse_file(dir, Path::new(COMMON_FILE))?;
    let mut files = yaml_files(dir, "callbacks")?;
    files.retain(|file| file != Path::new(COMMON_FILE));
    let files = parse_files(dir, &files)?
        .into_iter()
        .zip(files)
        .map(|(callbacks, file)| LoadedCallbackFile { file, callbacks })
        .collect();
    Ok(Some(LoadedCallbacks { common, files }))
}

/// The `*.yaml` files of `dir/sub`, as paths relative to `dir`, sorted so
/// that output never depends on the file system's order.
fn yaml_files(dir: &Path, sub: &str) -> Result<Vec<PathBuf>, SpecError> {
    let full = dir.join(sub);
    let io = |source| SpecError::Io {
        path: full.clone(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(&full).map_err(io)? {
        let name = PathBuf::from(sub).join(entry.map_err(io)?.file_name());
        if name.extension().is_some_and(|e| e == "yaml") {
            files.push(name);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses `files` side by side (parsing is most of loading), in their
/// order; the first error in that order wins, as when parsed one by one.
fn parse_files<T: DeserializeOwned + Send>(
    dir: &Path,
    files: &[PathBuf],
) -> Result<Vec<T>, SpecError> {
    crate::par::map(files, |file| parse_file(dir, file))
        .into_iter()
        .collect()
}

/// Parses one file. `relative` is how the file is named in messages.
fn parse_file<T: DeserializeOwned>(dir: &Path, relative: &Path) -> Result<T, SpecError> {
    let full = dir.join(relative);
    let text = fs::read_to_string(&full).map_err(|source| SpecError::Io {
        path: full.clone(),
        source,
    })?;
    parse_str(&text, &full)
}

/// Parses YAML text; `path` is only used in the error.
pub fn parse_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, SpecError> {
    serde_saphyr::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        SpecError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: err.to_string(),
        }
    })
}
