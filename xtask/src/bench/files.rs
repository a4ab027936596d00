//! Directories and files of a bench run: removed-on-drop scratch
//! directories, the persistent work directory, copies that keep unchanged
//! files untouched, and touching sources (with their times restored).

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory under the system temp dir, removed with everything in it
/// when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(label: &str) -> Result<Self, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "agora-bench-{label}-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self(path))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `<temp>/agora-bench`: the copies of both crates and their target
/// directories, kept between runs so dependencies are built once. Delete
/// it to start from scratch.
pub(crate) struct Work {
    pub(crate) base: PathBuf,
}

impl Work {
    pub(crate) fn open() -> Result<Self, String> {
        let base = std::env::temp_dir().join("agora-bench");
        fs::create_dir_all(&base).map_err(|e| format!("{}: {e}", base.display()))?;
        Ok(Self { base })
    }

    /// A workspace holding a copy of `agora-chat`.
    pub(crate) fn ours(&self) -> PathBuf {
        self.base.join("ours")
    }

    pub(crate) fn ours_target(&self) -> PathBuf {
        self.base.join("ours-target")
    }

    /// The crate cargo-progenitor generated.
    pub(crate) fn progenitor(&self) -> PathBuf {
        self.base.join("progenitor")
    }

    pub(crate) fn progenitor_target(&self) -> PathBuf {
        self.base.join("progenitor-target")
    }
}

pub(crate) fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `contents` to `dest` unless it already holds exactly that, so an
/// unchanged file keeps its modification time and cargo sees it as fresh.
pub(crate) fn sync_file(contents: &[u8], dest: &Path) -> Result<(), String> {
    if fs::read(dest).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(dir) = dest.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(dest, contents).map_err(|e| format!("{}: {e}", dest.display()))
}

/// Copies the file `src` to `dest` with [`sync_file`].
pub(crate) fn sync_copy(src: &Path, dest: &Path) -> Result<(), String> {
    let contents = fs::read(src).map_err(|e| format!("{}: {e}", src.display()))?;
    sync_file(&contents, dest)
}

/// Makes `dest` a copy of `src` (recursively), writing only files that
/// differ and removing what `src` does not have.
pub(crate) fn sync_tree(src: &Path, dest: &Path) -> Result<(), String> {
    fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let mut names = Vec::new();
    for entry in fs::read_dir(src).map_err(|e| format!("{}: {e}", src.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", src.display()))?;
        let from = entry.path();
        let to = dest.join(entry.file_name());
        if from.is_dir() {
            sync_tree(&from, &to)?;
        } else {
            sync_copy(&from, &to)?;
        }
        names.push(entry.file_name());
    }
    for entry in fs::read_dir(dest).map_err(|e| format!("{}: {e}", dest.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", dest.display()))?;
        if !names.contains(&entry.file_name()) {
            let path = entry.path();
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The `.rs` files directly in `dir`, sorted.
pub(crate) fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no .rs files", dir.display()));
    }
    Ok(files)
}

/// Files whose modification time is set to "now" on each [`touch`]
/// (contents unchanged), and put back to what it was when dropped, so the
/// builds that did not see the touch stay fresh.
///
/// [`touch`]: Touched::touch
pub(crate) struct Touched {
    originals: Vec<(PathBuf, SystemTime)>,
}

impl Touched {
    pub(crate) fn new(files: Vec<PathBuf>) -> Result<Self, String> {
        let originals = files
            .into_iter()
            .map(|path| {
                let time = fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Ok((path, time))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { originals })
    }

    pub(crate) fn touch(&self) -> Result<(), String> {
        let now = SystemTime::now();
        for (path, _) in &self.originals {
            set_modified(path, now)?;
        }
        Ok(())
    }
}

impl Drop for Touched {
    fn drop(&mut self) {
        for (path, time) in &self.originals {
            let _ = set_modified(path, *time);
        }
    }
}

fn set_modified(path: &Path, time: SystemTime) -> Result<(), String> {
    File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(time))
        .map_err(|e| format!("touch {}: {e}", path.display()))
}

/// Non-blank lines of `text`.
pub(crate) fn non_blank_lines(text: &str) -> usize {
    text.lines().filter(|line| !line.trim().is_empty()).count()
}
