//! A minimal keep-alive HTTP/1.1 server for the benchmark examples: every
//! request (a GET without a body) gets the same 200 response, so that the
//! server adds as little as possible and the clients' share shows. It runs
//! on its own thread and runtime.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The bearer token both sides send.
pub const TOKEN: &str = "benchmark-token";

/// The generated side's client for the server at `base`: its defaults
/// (retries) but rate limiting off, since the measured operations have
/// documented limits (100/s) that would pace the loop instead of measuring
/// the call.
pub fn generated_client(base: &str) -> agora_chat::Client {
    agora_chat::Client::builder(base, "org", "app")
        .bearer_token(TOKEN)
        .allow_http(true)
        .rate_limits(agora_chat::RateLimitMode::Off)
        .build()
        .expect("client")
}

/// Starts the server answering `body` as JSON; returns its address.
pub fn start(body: Vec<u8>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    listener.set_nonblocking(true).expect("nonblocking");
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: &'static [u8] = Box::leak(response.into_boxed_slice());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("listener");
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let mut buffer = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        // Each request ends with an empty line.
                        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            buffer.drain(..end + 4);
                            if stream.write_all(response).await.is_err() {
                                return;
                            }
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                });
            }
        });
    });
    addr
}
