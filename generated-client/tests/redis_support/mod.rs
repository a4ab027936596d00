//! A real `redis-server` for the fleet tests: started on 127.0.0.1 at a
//! free port, with its own temporary directory and no persistence, and
//! stopped by its pid when the test is done (also when it panics: `Drop`),
//! and what the fleet tests do with it: calls from several replicas at
//! once, requests counted per route.
//!
//! `redis-server` comes from Debian's package of that name, which
//! `.ci/run` installs when it is missing.

#![allow(dead_code)] // each test crate uses a different part of it

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// One running `redis-server`.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts a server and waits until it answers `PING`.
    pub fn start() -> Self {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "agora-chat-redis-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("temporary directory for redis-server");
        let mut server = Self {
            child: None,
            port: free_port(),
            dir,
        };
        // A port found free can be taken before redis-server binds it: then
        // it exits, and another port is tried.
        for _ in 0..5 {
            if server.spawn() {
                return server;
            }
            server.port = free_port();
        }
        panic!("redis-server did not start; see {}", server.dir.display());
    }

    /// Starts the server on `self.port`; false if it exited instead.
    fn spawn(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .arg("--dir")
            .arg(&self.dir)
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--logfile")
            .arg(self.dir.join("redis.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start redis-server: install Debian's package `redis-server`");
        self.child = Some(child);
        // Bounded: 400 tries, 25 ms apart.
        for _ in 0..400 {
            let exited = self
                .child
                .as_mut()
                .is_none_or(|child| !matches!(child.try_wait(), Ok(None)));
            if exited {
                self.child = None;
                return false;
            }
            // Answered by our own server: it is still running (above).
            if self.ping() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server on port {} did not answer PING", self.port);
    }

    /// `redis://127.0.0.1:{port}/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server by its pid (SIGKILL), as a crash would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    pub fn restart(&mut self) {
        self.stop();
        assert!(self.spawn(), "redis-server did not start again");
    }

    fn ping(&self) -> bool {
        self.command(&["PING"])
            .is_some_and(|reply| reply == "+PONG")
    }

    /// Sends one command and returns the first line of the reply (for
    /// bulk replies, the value itself).
    pub fn command(&self, args: &[&str]) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        stream.write_all(request.as_bytes()).ok()?;
        let reply = read_reply(&mut stream)?;
        Some(reply)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .write_all(b"*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n")
            .expect("KEYS");
        let mut keys = read_array(&mut stream);
        keys.sort();
        keys
    }

    /// The elements of list `key`.
    pub fn list(&self, key: &str) -> Vec<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let request = format!(
            "*4\r\n$6\r\nLRANGE\r\n${}\r\n{key}\r\n$1\r\n0\r\n$2\r\n-1\r\n",
            key.len()
        );
        stream.write_all(request.as_bytes()).expect("LRANGE");
        read_array(&mut stream)
    }

    /// The members of sorted set `key` with their scores, lowest first.
    pub fn zset(&self, key: &str) -> Vec<(String, u64)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let request = format!(
            "*5\r\n$6\r\nZRANGE\r\n${}\r\n{key}\r\n$1\r\n0\r\n$2\r\n-1\r\n$10\r\nWITHSCORES\r\n",
            key.len()
        );
        stream.write_all(request.as_bytes()).expect("ZRANGE");
        let flat = read_array(&mut stream);
        flat.chunks(2)
            .map(|pair| (pair[0].clone(), pair[1].parse().expect("a whole score")))
            .collect()
    }

    /// Everything the server holds, as text: each key, its type and its
    /// value(s).
    pub fn dump(&self) -> String {
        let mut text = String::new();
        for key in self.keys() {
            let kind = self.command(&["TYPE", &key]).unwrap_or_default();
            let values = match kind.as_str() {
                "+string" => vec![self.command(&["GET", &key]).unwrap_or_default()],
                "+list" => self.list(&key),
                "+zset" => self
                    .zset(&key)
                    .into_iter()
                    .map(|(member, score)| format!("{member}={score}"))
                    .collect(),
                other => vec![format!("(type {other})")],
            };
            text.push_str(&format!("{key} {kind} {values:?}\n"));
        }
        text
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port on 127.0.0.1")
}

fn read_line(stream: &mut TcpStream) -> Option<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        stream.read_exact(&mut byte).ok()?;
        if byte[0] == b'\n' {
            break;
        }
        line.push(byte[0]);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).ok()
}

/// One reply: a status or error line as is, an integer as `:n`, a bulk
/// string as its value, a nil bulk as `(nil)`.
fn read_reply(stream: &mut TcpStream) -> Option<String> {
    let line = read_line(stream)?;
    if let Some(len) = line.strip_prefix('$') {
        let Ok(len) = len.parse::<usize>() else {
            return Some("(nil)".to_owned());
        };
        let mut value = vec![0u8; len + 2];
        stream.read_exact(&mut value).ok()?;
        value.truncate(len);
        return String::from_utf8(value).ok();
    }
    Some(line)
}

fn read_array(stream: &mut TcpStream) -> Vec<String> {
    let header = read_line(stream).expect("array reply");
    let count: usize = header
        .strip_prefix('*')
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (0..count)
        .map(|_| read_reply(stream).expect("array element"))
        .collect()
}

/// `calls` calls of `list_admins("room1")` from each replica, all at once;
/// every one must succeed.
pub async fn call_from_each(replicas: &[agora_chat::Client], calls: usize) {
    futures_util::future::join_all(replicas.iter().flat_map(|client| {
        (0..calls).map(move |_| async move {
            client
                .chatroom_members()
                .list_admins("room1")
                .await
                .expect("call succeeds")
        })
    }))
    .await;
}

/// How many requests `server` received for `route`.
pub async fn requests_to(server: &wiremock::MockServer, route: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|request| request.url.path() == route)
        .count()
}
