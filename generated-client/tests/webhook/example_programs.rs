//! The `verify_callback` and `webhook_server` examples, run as processes.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{SECRET, examples, signed_with};

/// An example's executable. Both are built once, by the cargo running the
/// tests (`cargo test --test webhook` builds no examples of its own).
fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "-p", "agora-chat"]).args([
            "--example",
            "verify_callback",
            "--example",
            "webhook_server",
        ]);
        // Into the profile directory this test runs from.
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the examples failed");
    });
    // target/<profile>/deps/<this test> -> target/<profile>/examples/
    let exe = std::env::current_exe().expect("the test knows its path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("inside target/");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} is missing", path.display());
    path
}

/// stdout and the exit code of one run.
fn run(args: &[&str], stdin: &[u8]) -> (String, i32, String) {
    let mut child = Command::new(binary("verify_callback"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    // A refused body may not be read to the end: ignore a broken pipe.
    let _ = child.stdin.take().expect("piped").write_all(stdin);
    let out = child.wait_with_output().expect("the example finishes");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn prints_one_line_per_outcome() {
    let message = examples()
        .iter()
        .find(|e| e.value["eventType"] == "chat_offline" && e.value["chat_type"] == "groupchat")
        .expect("a group message example");
    assert_eq!(
        run(&["--secret", SECRET], &message.body),
        ("ok chat_offline groupchat\n".into(), 0, String::new())
    );

    let login = examples()
        .iter()
        .find(|e| e.value["reason"] == "login")
        .expect("a login example");
    assert_eq!(run(&["--secret", SECRET], &login.body).0, "ok - -\n");

    assert_eq!(
        run(&["--secret", "wrong"], &message.body),
        ("bad-signature\n".into(), 1, String::new())
    );

    let (out, code, _) = run(
        &["--secret", SECRET],
        br#"{"callId":"c","timestamp":"soon","security":"x"}"#,
    );
    assert_eq!(code, 2);
    assert!(
        out.starts_with("malformed: `timestamp`: expected Unix milliseconds"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1);

    let (out, code, _) = run(&["--secret", SECRET], b"not json");
    assert_eq!(
        (out.starts_with("malformed: the body is not JSON"), code),
        (true, 2),
        "{out}"
    );

    let (out, code, _) = run(&["--secret", SECRET, "--max-bytes", "10"], &message.body);
    assert_eq!(
        (out.as_str(), code),
        ("malformed: the body is larger than the 10-byte limit\n", 2)
    );

    let (out, code, _) = run(&["--secret", SECRET, "--max-age", "60"], &message.body);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.starts_with("stale: callback timestamp 1600060847294 is "),
        "{out}"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &[][..],
        &["--secret"][..],
        &["--secret", ""][..],
        &["--secret", "s", "--max-age", "x"][..],
        &["--what"][..],
    ] {
        let (out, code, err) = run(args, b"{}");
        assert_eq!((out.as_str(), code), ("", 64), "{args:?}");
        assert!(
            err.contains("usage: verify_callback --secret SECRET"),
            "{args:?}: {err}"
        );
    }
}

/// The server example, stopped (by its pid) when dropped.
struct ServerProcess {
    child: Child,
    url: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server() -> ServerProcess {
    let mut child = Command::new(binary("webhook_server"))
        .args(["--secret", SECRET, "--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    let stderr = child.stderr.take().expect("piped");
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("the server reports its address");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    ServerProcess { child, url }
}

#[tokio::test]
async fn the_server_example_masks_words_and_refuses_forgeries() {
    let server = start_server();
    let message = examples()
        .iter()
        .find(|e| e.value["payload"]["bodies"][0]["type"] == "txt")
        .expect("a text message example");
    let mut value = message.value.clone();
    value["payload"]["bodies"][0]["msg"] = Value::from("a badword here");
    // Under rustls without a provider of reqwest's own (`rustls-ring`).
    agora_chat::install_tls_provider();
    let http = reqwest::Client::new();
    let reply: Value = http
        .post(format!("{}/callbacks/pre", server.url))
        .body(signed_with(&value, SECRET))
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON reply");
    assert_eq!(reply["valid"], true);
    assert_eq!(reply["payload"]["bodies"][0]["msg"], "a ******* here");

    let forged = http
        .post(format!("{}/callbacks/post", server.url))
        .body(signed_with(&value, "guess"))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(forged.status().as_u16(), 401);
    let posted = http
        .post(format!("{}/callbacks/post", server.url))
        .body(message.body.clone())
        .send()
        .await
        .expect("the server answers");
    assert_eq!(posted.status().as_u16(), 200);
}
