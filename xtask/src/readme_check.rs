//! `cargo xtask readme-check`: the README's Rust examples built the way a
//! reader would build them, in a crate outside the workspace whose only
//! dependencies are the README's own `toml` blocks. The doc tests compile
//! the same examples inside the workspace, where every dev-dependency and
//! feature of the crate is at hand; this catches an example that needs
//! something the README does not tell the reader to add.

use std::fs;
use std::path::{Path, PathBuf};

use crate::bench::process::{cargo_command, run};

/// The name of the scratch crate (and of its directory under the target
/// dir).
const CRATE: &str = "readme-check";

/// A fenced block of the README.
#[derive(Debug, PartialEq)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The info string, e.g. `rust,no_run`.
    info: String,
    text: String,
}

/// Builds the README's Rust examples in a scratch crate under the target
/// dir (`$CARGO_TARGET_DIR` or `target/`), with the workspace's lock file
/// so that it resolves the versions CI tests.
pub(crate) fn run_check(root: &Path) -> Result<(), String> {
    let readme_path = root.join("README.md");
    let readme = fs::read_to_string(&readme_path)
        .map_err(|e| format!("cannot read {}: {e}", readme_path.display()))?;
    let blocks = blocks(&readme);
    let manifest = manifest(root, &blocks)?;
    let examples: Vec<(String, String)> = blocks
        .iter()
        .filter(|b| is_compiled_rust(&b.info))
        .map(|b| (format!("readme_line_{}", b.line), example_source(b)))
        .collect();
    if examples.is_empty() {
        return Err("README.md has no Rust example to build".to_string());
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join(CRATE);
    let src = dir.join("src");
    let examples_dir = dir.join("examples");
    // A fresh set of examples each time: a deleted README block must not
    // leave its old example behind.
    if examples_dir.exists() {
        fs::remove_dir_all(&examples_dir)
            .map_err(|e| format!("cannot clear {}: {e}", examples_dir.display()))?;
    }
    for d in [&src, &examples_dir] {
        fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&src.join("lib.rs"), "")?;
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy {}: {e}", lock.display()))?;
    }
    for (name, source) in &examples {
        write(&examples_dir.join(format!("{name}.rs")), source)?;
    }
    let mut build = cargo_command(&["build", "--quiet", "--examples"]);
    build
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"));
    run(&mut build).map_err(|e| {
        format!(
            "a README example does not build with only the README's dependencies \
             (the example file names the README line; crate in {}):\n{e}",
            dir.display()
        )
    })?;
    println!(
        "{} README examples build outside the workspace ({})",
        examples.len(),
        dir.display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Every fenced block (```` ``` ```` fences) of a Markdown text.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match (&mut open, trimmed.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    line: index + 1,
                    info: info.trim().to_string(),
                    text: String::new(),
                })
            }
            (Some(_), Some(rest)) if rest.trim().is_empty() => out.extend(open.take()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// Whether rustdoc would compile the block: Rust, and not `ignore`,
/// `compile_fail` or another language.
fn is_compiled_rust(info: &str) -> bool {
    let mut words = info.split(',').map(str::trim);
    matches!(words.next(), Some("rust"))
        && !words.any(|w| matches!(w, "ignore" | "compile_fail" | "text"))
}

/// The example file for a block, as rustdoc would see it: hidden lines
/// (`# …`) shown, and the code wrapped in `fn main` unless it has one.
fn example_source(block: &Block) -> String {
    let code: Vec<&str> = block
        .text
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed == "#" {
                ""
            } else if let Some(shown) = trimmed.strip_prefix("# ") {
                shown
            } else {
                line
            }
        })
        .collect();
    let code = code.join("\n");
    let body = if code.contains("fn main") {
        code
    } else {
        format!("fn main() {{\n{code}\n}}")
    };
    format!(
        "// README.md line {}, written by `cargo xtask readme-check`.\n#![allow(unused)]\n{body}\n",
        block.line
    )
}

/// The scratch crate's manifest: a package, an empty workspace of its own,
/// and the README's `toml` blocks that open a table (`[dependencies]`,
/// `[features]`, ...), with their relative `path`s made absolute (they are
/// relative to the README). A block without a table header is a line shown
/// for one to change (another TLS feature, say), not a part of the
/// manifest.
fn manifest(root: &Path, blocks: &[Block]) -> Result<String, String> {
    let toml: Vec<&Block> = blocks
        .iter()
        .filter(|b| b.info == "toml" && opens_table(&b.text))
        .collect();
    if toml.is_empty() {
        return Err("README.md has no `toml` block of dependencies".to_string());
    }
    let mut out = format!(
        "[package]\nname = \"{CRATE}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n"
    );
    for block in toml {
        out.push_str(&absolute_paths(root, &block.text));
        out.push('\n');
    }
    Ok(out)
}

/// Whether the first line that is not blank or a comment is a table header.
fn opens_table(toml: &str) -> bool {
    toml.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .is_some_and(|line| line.starts_with('['))
}

/// `path = "generated-client"` -> `path = "/abs/root/generated-client"`.
fn absolute_paths(root: &Path, toml: &str) -> String {
    const KEY: &str = "path = \"";
    let mut out = String::with_capacity(toml.len());
    let mut rest = toml;
    while let Some(at) = rest.find(KEY) {
        let (before, after) = rest.split_at(at + KEY.len());
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        let path = &after[..end];
        if Path::new(path).is_absolute() {
            out.push_str(path);
        } else {
            out.push_str(&root.join(path).display().to_string());
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# Title\n\n```toml\n[dependencies]\nagora-chat = { path = \"generated-client\" }\n```\n\n```rust,no_run\n# fn main() {\nlet x = 1;\n#\n# }\n```\n\n```rust\nlet y = 2;\n```\n\n```rust,ignore\nnot rust\n```\n\n```sh\ncargo test\n```\n";

    #[test]
    fn finds_every_block_with_its_line() {
        let found = blocks(README);
        let summary: Vec<(usize, &str)> = found.iter().map(|b| (b.line, b.info.as_str())).collect();
        assert_eq!(
            summary,
            [
                (3, "toml"),
                (8, "rust,no_run"),
                (15, "rust"),
                (19, "rust,ignore"),
                (23, "sh")
            ]
        );
        assert_eq!(found[2].text, "let y = 2;\n");
    }

    #[test]
    fn compiles_rust_blocks_rustdoc_would() {
        assert!(is_compiled_rust("rust"));
        assert!(is_compiled_rust("rust,no_run"));
        assert!(!is_compiled_rust("rust,ignore"));
        assert!(!is_compiled_rust("rust, compile_fail"));
        assert!(!is_compiled_rust("sh"));
        assert!(!is_compiled_rust(""));
    }

    #[test]
    fn shows_hidden_lines_and_adds_main_only_when_missing() {
        let found = blocks(README);
        let with_main = example_source(&found[1]);
        assert!(
            with_main.contains("fn main() {\nlet x = 1;\n\n}"),
            "{with_main}"
        );
        assert_eq!(with_main.matches("fn main").count(), 1);
        let without = example_source(&found[2]);
        assert!(without.contains("fn main() {\nlet y = 2;\n}"), "{without}");
        assert!(without.starts_with("// README.md line 15"));
    }

    #[test]
    fn manifest_makes_paths_absolute() {
        let root = Path::new("/repo");
        let text = manifest(root, &blocks(README)).unwrap();
        assert!(
            text.contains("agora-chat = { path = \"/repo/generated-client\" }"),
            "{text}"
        );
        assert!(text.contains("[workspace]"));
        assert_eq!(
            absolute_paths(root, "a = { path = \"/abs\" }\nb = { path = \"x\" }"),
            "a = { path = \"/abs\" }\nb = { path = \"/repo/x\" }"
        );
    }

    #[test]
    fn a_toml_line_without_a_table_is_not_part_of_the_manifest() {
        let readme = format!(
            "{README}\n```toml\nagora-chat = {{ path = \"x\", features = [\"f\"] }}\n```\n"
        );
        let text = manifest(Path::new("/repo"), &blocks(&readme)).unwrap();
        assert_eq!(text.matches("agora-chat =").count(), 1, "{text}");
        assert!(opens_table("# deps\n\n[dev-dependencies]\nx = 1"));
        assert!(!opens_table("x = 1\n[a]"));
    }

    #[test]
    fn a_readme_without_dependencies_is_an_error() {
        let err = manifest(Path::new("/r"), &blocks("```rust\nfn main() {}\n```\n")).unwrap_err();
        assert!(err.contains("no `toml` block"), "{err}");
    }
}
