//! 6. What a user pays to build a one-call app: a binary crate that calls
//!    one operation of `agora-chat` (default features: rustls on ring),
//!    against the same app on progenitor's client with reqwest on rustls.
//!    Each is built cold (fresh target directory) in debug and in release;
//!    the release binary is stripped and its size recorded.

use std::path::Path;

use super::compile::Crate;
use super::files::{self, TempDir};
use super::process::{self, cargo_command};

/// Seconds and bytes of one app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppBuild {
    pub(crate) debug_seconds: f64,
    pub(crate) release_seconds: f64,
    pub(crate) binary_bytes: u64,
}

const OURS_MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = agora_chat::Client::builder("http://127.0.0.1:9", "org", "app")
        .bearer_token("token")
        .allow_http(true)
        .build()
        .expect("client");
    match client.users().get("u1").await {
        Ok(user) => println!("{}", user.username),
        Err(error) => println!("{error}"),
    }
}
"#;

/// The same call on progenitor's client (its base URL holds the org and
/// app names, which are not parameters of its operations).
const PROGENITOR_MAIN: &str = r#"#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = agora_chat_progenitor::Client::new("http://127.0.0.1:9/org/app");
    let username = "u1".parse().expect("username");
    match client.get_user(&username).await {
        Ok(user) => println!("{:?}", user.into_inner()),
        Err(error) => println!("{error}"),
    }
}
"#;

/// The manifest of an app named `name` with `dependencies` (TOML lines).
fn manifest(name: &str, dependencies: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{dependencies}\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n\
         [profile.release]\nstrip = true\n\n[workspace]\n"
    )
}

/// Builds the app on our crate.
pub(crate) fn ours(krate: &Crate) -> Result<AppBuild, String> {
    let path = krate.workspace.join(krate.package);
    let dependencies = format!(
        "agora-chat = {{ path = {:?} }}\n",
        path.display().to_string()
    );
    build(
        "one-call-ours",
        &manifest("one-call-ours", &dependencies),
        OURS_MAIN,
        &krate.workspace.join("Cargo.lock"),
    )
}

/// Builds the app on progenitor's crate, adding reqwest's rustls feature
/// (of the reqwest version the crate asks for).
pub(crate) fn progenitor(krate: &Crate) -> Result<AppBuild, String> {
    let crate_manifest = files::read(&krate.workspace.join("Cargo.toml"))?;
    let version = reqwest_requirement(&crate_manifest)
        .ok_or("progenitor's Cargo.toml: no reqwest dependency with a version")?;
    // reqwest 0.12 calls the feature `rustls-tls`, 0.13 `rustls`.
    let feature = if version.starts_with("0.12") {
        "rustls-tls"
    } else {
        "rustls"
    };
    let dependencies = format!(
        "agora-chat-progenitor = {{ path = {:?} }}\nreqwest = {{ version = \"{version}\", default-features = false, features = [\"{feature}\"] }}\n",
        krate.workspace.display().to_string()
    );
    build(
        "one-call-progenitor",
        &manifest("one-call-progenitor", &dependencies),
        PROGENITOR_MAIN,
        &krate.workspace.join("Cargo.lock"),
    )
}

/// The version requirement of the `reqwest` line of a manifest.
fn reqwest_requirement(manifest: &str) -> Option<String> {
    let line = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("reqwest"))?;
    let rest = line.split_once("version")?.1;
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_owned())
}

/// Writes the app into a scratch directory (with `lock` as its Cargo.lock,
/// so versions match the crate's own builds), then times a cold debug and
/// a cold release build, each in a fresh target directory.
fn build(name: &str, manifest: &str, main: &str, lock: &Path) -> Result<AppBuild, String> {
    let dir = TempDir::new(name)?;
    files::sync_file(manifest.as_bytes(), &dir.path().join("Cargo.toml"))?;
    files::sync_file(main.as_bytes(), &dir.path().join("src/main.rs"))?;
    if lock.is_file() {
        files::sync_copy(lock, &dir.path().join("Cargo.lock"))?;
    }
    let cargo = |release: bool, target: &str| {
        let mut command = cargo_command(&["build", "--quiet"]);
        if release {
            command.arg("--release");
        }
        command
            .arg("--manifest-path")
            .arg(dir.path().join("Cargo.toml"))
            .arg("--target-dir")
            .arg(dir.path().join(target));
        command
    };
    let debug_seconds = process::time(&mut cargo(false, "target-debug"))?;
    let release_seconds = process::time(&mut cargo(true, "target-release"))?;
    let binary = dir
        .path()
        .join("target-release/release")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let binary_bytes = std::fs::metadata(&binary)
        .map_err(|e| format!("{}: {e}", binary.display()))?
        .len();
    Ok(AppBuild {
        debug_seconds,
        release_seconds,
        binary_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::{manifest, reqwest_requirement};

    #[test]
    fn reads_the_reqwest_requirement() {
        let toml = "[dependencies]\nbytes = \"1\"\nreqwest = { version = \"0.12.4\", default-features = false, features = [\"json\"] }\n";
        assert_eq!(reqwest_requirement(toml).as_deref(), Some("0.12.4"));
        assert_eq!(reqwest_requirement("[dependencies]\nbytes = \"1\"\n"), None);
    }

    #[test]
    fn the_app_is_its_own_workspace_with_a_stripped_release() {
        let toml = manifest("app", "x = \"1\"\n");
        assert!(toml.contains("[workspace]"));
        assert!(toml.contains("strip = true"));
        assert!(toml.contains("x = \"1\"\ntokio"));
    }
}
