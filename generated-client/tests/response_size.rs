//! Response bodies are read within bounds: a 2xx body up to the client's
//! `max_response_bytes`, checked while it streams in; of an error body only
//! what the error keeps; a download not at all, since the caller streams it.
//! The bodies come from a raw TCP server on 127.0.0.1 that counts how many
//! bytes it could hand to the connection.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use agora_chat::{Client, ConfigError, Error, RateLimitMode};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
/// The size of each chunk the server writes.
const CHUNK: usize = 64 * 1024;

/// How the server frames the body.
#[derive(Clone, Copy)]
enum Framing {
    /// `Content-Length` up front.
    Length,
    /// `Transfer-Encoding: chunked`, so the size is only known at the end.
    Chunked,
}

/// A server answering every request with `status` and a JSON body of about
/// `size` bytes: `{"data":["xxx…"]}`, the shape of `list_chatroom_admins`.
struct BigBodyServer {
    uri: String,
    requests: Arc<AtomicUsize>,
    /// Body bytes the server managed to write, over all requests.
    written: Arc<AtomicU64>,
}

impl BigBodyServer {
    async fn start(status: u16, size: u64, framing: Framing) -> BigBodyServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicU64::new(0));
        let (seen, counted) = (Arc::clone(&requests), Arc::clone(&written));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, counted) = (Arc::clone(&seen), Arc::clone(&counted));
                tokio::spawn(async move {
                    serve(stream, status, size, framing, &seen, &counted).await;
                });
            }
        });
        BigBodyServer {
            uri,
            requests,
            written,
        }
    }

    fn client(&self, max_response_bytes: Option<u64>) -> Client {
        let builder = Client::builder(self.uri.as_str(), "org", "app")
            .bearer_token("token")
            .allow_http(true)
            .rate_limits(RateLimitMode::Off)
            .retry_delays(Duration::from_millis(5), Duration::from_millis(10));
        match max_response_bytes {
            Some(max) => builder.max_response_bytes(max),
            None => builder,
        }
        .build()
        .unwrap()
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

/// The body of `size` bytes (at least the 13 of its frame).
fn body(size: u64) -> Vec<u8> {
    let filler = usize::try_from(size.saturating_sub(13)).unwrap();
    let mut body = Vec::with_capacity(filler + 13);
    body.extend_from_slice(b"{\"data\":[\"");
    body.resize(body.len() + filler, b'x');
    body.extend_from_slice(b"\"]}");
    body
}

async fn serve(
    mut stream: TcpStream,
    status: u16,
    size: u64,
    framing: Framing,
    seen: &AtomicUsize,
    written: &AtomicU64,
) {
    if !support::read_request(&mut stream).await {
        return;
    }
    seen.fetch_add(1, Ordering::SeqCst);
    let body = body(size);
    let framing_header = match framing {
        Framing::Length => format!("content-length: {}", body.len()),
        Framing::Chunked => "transfer-encoding: chunked".to_owned(),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{framing_header}\r\nconnection: close\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for chunk in body.chunks(CHUNK) {
        let sent = match framing {
            Framing::Length => stream.write_all(chunk).await,
            Framing::Chunked => {
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(chunk);
                framed.extend_from_slice(b"\r\n");
                stream.write_all(&framed).await
            }
        };
        if sent.is_err() {
            return; // the client closed the connection
        }
        written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
    }
    if let Framing::Chunked = framing {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
    let _ = stream.shutdown().await;
}

fn too_large(result: Result<impl std::fmt::Debug, Error>) -> agora_chat::ResponseTooLarge {
    match result {
        Err(Error::ResponseTooLarge(error)) => error,
        other => panic!("expected Error::ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_2xx_body_over_the_cap_stops_while_it_streams_in() {
    let server = BigBodyServer::start(200, 8 * MIB, Framing::Chunked).await;
    let result = server
        .client(Some(MIB))
        .chatroom_members()
        .list_admins("room1")
        .await;
    let error = too_large(result);
    assert_eq!(error.operation(), "list_chatroom_admins");
    assert_eq!(error.status().as_u16(), 200);
    assert_eq!(error.limit(), MIB);
    assert_eq!(error.content_length(), None);
    // Stopped at the chunk that crossed the cap.
    assert!(
        error.read() > MIB && error.read() <= MIB + 2 * CHUNK as u64,
        "{}",
        error.read()
    );
    let message = error.to_string();
    for part in [
        "`list_chatroom_admins`",
        "1048576-byte cap",
        "max_response_bytes",
    ] {
        assert!(message.contains(part), "{message}");
    }
    assert!(
        message.contains(&format!("after reading {} bytes", error.read())),
        "{message}"
    );
    // The same body would come again: not retried.
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_announced_length_over_the_cap_is_refused_before_reading() {
    let server = BigBodyServer::start(200, 2 * MIB, Framing::Length).await;
    let error = too_large(
        server
            .client(Some(MIB))
            .chatroom_members()
            .list_admins("room1")
            .await,
    );
    assert_eq!(error.read(), 0);
    assert_eq!(error.content_length(), Some(2 * MIB));
    assert!(
        error.to_string().contains("announced 2097152 bytes"),
        "{error}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_read() {
    for framing in [Framing::Length, Framing::Chunked] {
        let server = BigBodyServer::start(200, 300 * KIB, framing).await;
        let response = server
            .client(Some(300 * KIB))
            .chatroom_members()
            .list_admins("room1")
            .await
            .expect("a body at the cap is accepted");
        assert_eq!(response[0].len(), 300 * 1024 - 13);
    }
}

#[tokio::test]
async fn the_default_cap_is_16_mib() {
    let under = BigBodyServer::start(200, 16 * MIB, Framing::Chunked).await;
    assert!(
        under
            .client(None)
            .chatroom_members()
            .list_admins("room1")
            .await
            .is_ok()
    );
    let over = BigBodyServer::start(200, 16 * MIB + 1, Framing::Length).await;
    assert_eq!(
        too_large(
            over.client(None)
                .chatroom_members()
                .list_admins("room1")
                .await
        )
        .limit(),
        16 * MIB
    );
}

#[tokio::test]
async fn a_huge_error_body_is_read_only_as_far_as_the_error_keeps() {
    // 50 MB of 502 on each of the 3 attempts.
    let server = BigBodyServer::start(502, 50 * MIB, Framing::Chunked).await;
    let result = server
        .client(None)
        .chatroom_members()
        .list_admins("room1")
        .await;
    let error = match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected Error::Api, got {other:?}"),
    };
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.raw_body().map(|raw| raw.chars().count()), Some(512));
    assert_eq!(server.requests(), 3);
    // What the server could write is what the socket buffers took before
    // the client closed: a few MB, not the 150 MB reading all would take.
    assert!(
        server.written() < 50 * MIB,
        "{} bytes written",
        server.written()
    );
}

#[tokio::test]
async fn a_download_is_streamed_past_the_cap() {
    let server = BigBodyServer::start(200, 256 * KIB, Framing::Chunked).await;
    let download = server
        .client(Some(KIB))
        .chat_files()
        .download("file-uuid")
        .await
        .expect("a download is not capped");
    assert_eq!(download.bytes().await.unwrap().len(), 256 * 1024);
}

#[test]
fn a_cap_of_zero_is_a_configuration_error() {
    let result = Client::builder("a41.chat.agora.io", "org", "app")
        .bearer_token("token")
        .max_response_bytes(0)
        .build();
    match result {
        Err(Error::Config(ConfigError::InvalidOption { option, .. })) => {
            assert_eq!(option, "max_response_bytes");
        }
        other => panic!("expected an invalid option, got {other:?}"),
    }
}
