//! `cargo xtask bench fleet [--quick]`: four client processes against one
//! app limit, once sharing it through Redis and once each on its own.
//!
//! A local HTTP server stands in for Agora: it allows 100 requests per
//! second per app over any 1-second window (a sliding window of the
//! requests it accepted) and answers 429 with `Retry-After: 1` beyond
//! that; it hands out one access token per `POST /org/app/token` and counts
//! them. Four processes of the `fleet_client` example then call
//! `list_chatroom_allowlist` (documented at 100/s per app) as fast as their
//! clients allow for 10 seconds (3 with `--quick`), starting together:
//! first with a `redis-server` of our own (free loopback port, temporary
//! directory, stopped by its pid), then with in-process limits and tokens.
//!
//! The last line printed is one JSON object: the accepted calls per second
//! and the 429s of each run, and the token fetches of the Redis run.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::files::TempDir;
use super::process;

const USAGE: &str = "usage: cargo xtask bench fleet [--quick]";
const PROCESSES: usize = 4;
const LIMIT_PER_S: usize = 100;
/// Concurrent callers in each process.
const TASKS: usize = 8;
const TOKEN: &str = "fleet-bench-token";
const LIST_PATH: &str = "/org/app/chatrooms/room1/white/users";
const TOKEN_PATH: &str = "/org/app/token";
/// Time for the processes to start before the common start.
const START_DELAY: Duration = Duration::from_millis(1500);

pub(crate) fn run(args: &[&str]) -> Result<(), String> {
    let seconds = match args {
        [] => 10,
        ["--quick"] => 3,
        _ => return Err(USAGE.to_owned()),
    };
    let root = crate::root();
    eprintln!("bench fleet: building the fleet_client example");
    let client = build_client(&root)?;
    let server = Server::start()?;
    let redis = RedisServer::start()?;
    eprintln!(
        "bench fleet: server on {}, redis-server on port {}",
        server.addr,
        redis.port()
    );

    eprintln!("bench fleet: {PROCESSES} processes for {seconds} s, sharing through Redis");
    let shared = run_fleet(&client, &server, seconds, Some(&redis.url()))?;
    report("redis", &shared, seconds);
    eprintln!("bench fleet: {PROCESSES} processes for {seconds} s, each on its own");
    let local = run_fleet(&client, &server, seconds, None)?;
    report("local", &local, seconds);
    drop(redis);

    println!(
        "{{\"processes\":{PROCESSES},\"limit_per_s\":{LIMIT_PER_S},\"redis_per_s\":{:.1},\"redis_429\":{},\"redis_token_fetches\":{},\"local_per_s\":{:.1},\"local_429\":{}}}",
        shared.per_second(seconds),
        shared.limited,
        shared.token_fetches,
        local.per_second(seconds),
        local.limited
    );
    Ok(())
}

fn report(label: &str, tally: &Tally, seconds: u64) {
    println!(
        "{label}: {:.1} accepted/s, {} answered 429, {} token fetches; clients saw {} ok, {} rate-limited, {} other errors",
        tally.per_second(seconds),
        tally.limited,
        tally.token_fetches,
        tally.client_ok,
        tally.client_limited,
        tally.client_other
    );
}

/// Builds the example (debug: it makes 100 calls a second, not more) and
/// returns its executable.
fn build_client(root: &Path) -> Result<PathBuf, String> {
    let mut command = process::cargo_command(&[
        "build",
        "-p",
        "agora-chat",
        "--example",
        "fleet_client",
        "--message-format=json-render-diagnostics",
    ]);
    command.current_dir(root);
    let output = process::run(&mut command)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == "fleet_client")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo did not report the fleet_client executable".to_owned())
}

/// What one run counted: on the server's side, and the sums of what the
/// processes printed.
#[derive(Debug, Default, Clone)]
struct Tally {
    /// 2xx answers to the limited operation within the run's seconds.
    accepted: u64,
    limited: u64,
    token_fetches: u64,
    client_ok: u64,
    client_limited: u64,
    client_other: u64,
}

impl Tally {
    fn per_second(&self, seconds: u64) -> f64 {
        self.accepted as f64 / seconds as f64
    }
}

/// Starts the processes with a common start time and waits for them.
fn run_fleet(
    client: &Path,
    server: &Server,
    seconds: u64,
    redis: Option<&str>,
) -> Result<Tally, String> {
    let start_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        + START_DELAY;
    let start = Instant::now() + START_DELAY;
    server.reset(start, start + Duration::from_secs(seconds));
    let base = format!("http://{}", server.addr);
    let mut children = Vec::new();
    for _ in 0..PROCESSES {
        let mut command = Command::new(client);
        command
            .arg(&base)
            .arg(start_unix.as_millis().to_string())
            .arg(seconds.to_string())
            .arg(TASKS.to_string());
        if let Some(url) = redis {
            command.arg(url);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", client.display()))?;
        children.push((command, child));
    }
    let mut tally = server.tally();
    for (command, child) in children {
        let output = child
            .wait_with_output()
            .map_err(|e| format!("waiting for {}: {e}", process::describe(&command)))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "`{}` failed ({}):\n{}",
                process::describe(&command),
                output.status,
                process::tail(&String::from_utf8_lossy(&output.stderr), 20)
            ));
        }
        let field = |name: &str| -> u64 {
            stdout
                .split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
                .unwrap_or(0)
        };
        tally.client_ok += field("ok");
        tally.client_limited += field("rate_limited");
        tally.client_other += field("other_errors");
    }
    let counted = server.tally();
    tally.accepted = counted.accepted;
    tally.limited = counted.limited;
    tally.token_fetches = counted.token_fetches;
    Ok(tally)
}

/// The stand-in for Agora.
struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Accepted requests of the last second, oldest first.
    window: VecDeque<Instant>,
    /// Accepted requests between `from` and `to` are counted.
    from: Option<Instant>,
    to: Option<Instant>,
    tally: Tally,
}

impl Server {
    fn start() -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &state));
            }
        });
        Ok(Self { addr, state })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn reset(&self, from: Instant, to: Instant) {
        let mut state = self.lock();
        *state = State {
            from: Some(from),
            to: Some(to),
            ..State::default()
        };
    }

    fn tally(&self) -> Tally {
        self.lock().tally.clone()
    }
}

/// Answers the requests of one keep-alive connection until it closes.
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut authorized = false;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("authorization") {
                authorized = value == format!("Bearer {TOKEN}");
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let path = target.split('?').next().unwrap_or("");
        let response = answer(method, path, authorized, state);
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn answer(method: &str, path: &str, authorized: bool, state: &Mutex<State>) -> String {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    match (method, path) {
        ("POST", TOKEN_PATH) => {
            state.tally.token_fetches += 1;
            respond(
                200,
                "",
                &format!(r#"{{"access_token":"{TOKEN}","expires_in":3600,"application":"app"}}"#),
            )
        }
        ("GET", LIST_PATH) if !authorized => respond(401, "", r#"{"error":"unauthorized"}"#),
        ("GET", LIST_PATH) => {
            let now = Instant::now();
            while state
                .window
                .front()
                .is_some_and(|&at| at + Duration::from_secs(1) <= now)
            {
                state.window.pop_front();
            }
            if state.window.len() >= LIMIT_PER_S {
                state.tally.limited += 1;
                return respond(
                    429,
                    "Retry-After: 1\r\n",
                    r#"{"error":"reach_limit","error_description":"over 100 per second"}"#,
                );
            }
            state.window.push_back(now);
            let counted =
                state.from.is_some_and(|from| now >= from) && state.to.is_some_and(|to| now < to);
            if counted {
                state.tally.accepted += 1;
            }
            respond(
                200,
                "",
                r#"{"action":"get","application":"app","data":["user1","user2"],"timestamp":1700000000000,"duration":0,"organization":"org","applicationName":"app"}"#,
            )
        }
        _ => respond(404, "", r#"{"error":"not_found"}"#),
    }
}

fn respond(status: u16, extra_headers: &str, body: &str) -> String {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        _ => "Not Found",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

/// A `redis-server` of the bench's own: loopback, a free port, a temporary
/// directory, no persistence; stopped by its pid when dropped.
struct RedisServer {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl RedisServer {
    fn start() -> Result<Self, String> {
        let dir = TempDir::new("redis")?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .map_err(|e| format!("no free port: {e}"))?;
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .arg("--dir")
            .arg(dir.path())
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!("cannot start redis-server ({e}): install Debian's package `redis-server`")
            })?;
        let server = Self {
            child,
            port,
            _dir: dir,
        };
        // Bounded: 400 tries, 25 ms apart.
        for _ in 0..400 {
            if server.ping() {
                return Ok(server);
            }
            thread::sleep(Duration::from_millis(25));
        }
        Err(format!("redis-server on port {port} did not answer PING"))
    }

    fn port(&self) -> u16 {
        self.port
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        if stream.write_all(b"*1\r\n$4\r\nPING\r\n").is_err() {
            return false;
        }
        let mut reply = [0u8; 7];
        stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::{LIMIT_PER_S, LIST_PATH, State, TOKEN, TOKEN_PATH, answer};

    fn status(response: &str) -> &str {
        response.split_whitespace().nth(1).unwrap_or("")
    }

    #[test]
    fn the_server_allows_the_limit_per_second_then_answers_429() {
        let state = Mutex::new(State::default());
        for _ in 0..LIMIT_PER_S {
            assert_eq!(status(&answer("GET", LIST_PATH, true, &state)), "200");
        }
        let refused = answer("GET", LIST_PATH, true, &state);
        assert_eq!(status(&refused), "429");
        assert!(refused.contains("Retry-After: 1\r\n"), "{refused}");
        assert_eq!(status(&answer("GET", LIST_PATH, false, &state)), "401");
        let token = answer("POST", TOKEN_PATH, false, &state);
        assert!(token.contains(TOKEN), "{token}");
        let state = state.into_inner().unwrap();
        assert_eq!(state.tally.limited, 1);
        assert_eq!(state.tally.token_fetches, 1);
        // Nothing is counted as accepted outside a run's seconds.
        assert_eq!(state.tally.accepted, 0);
    }
}
