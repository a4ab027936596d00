//! Reading response bodies within bounds: whole 2xx bodies up to the
//! client's cap, and of error bodies only as much as an error keeps.

use bytes::{Bytes, BytesMut};

/// Why a capped body could not be read.
pub(crate) enum Unread {
    /// The connection failed while reading.
    Transport(reqwest::Error),
    /// The body is larger than the cap: announced so by `Content-Length`
    /// (nothing read), or found so while reading (stopped there).
    TooLarge {
        read: u64,
        content_length: Option<u64>,
    },
}

/// Reads the whole body, stopping with [`Unread::TooLarge`] as soon as it
/// is known to exceed `cap` bytes: before reading, when the server
/// announces more, and otherwise at the first chunk past the cap, so at
/// most one chunk more than the cap is ever held.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: u64,
) -> Result<Bytes, Unread> {
    let content_length = response.content_length();
    if content_length.is_some_and(|length| length > cap) {
        return Err(Unread::TooLarge {
            read: 0,
            content_length,
        });
    }
    // Most bodies arrive in one chunk, which is then returned as is; the
    // chunks of a longer one are appended to a buffer sized from the
    // announced length, so the body is held once, not once more for joining.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut read: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(Unread::Transport)? {
        read = read.saturating_add(chunk.len() as u64);
        if read > cap {
            return Err(Unread::TooLarge {
                read,
                content_length,
            });
        }
        match (&mut joined, first.take()) {
            (Some(buffer), _) => buffer.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(earlier)) => {
                // Within the cap, which the caller sized for memory.
                let expected = content_length.unwrap_or(read).max(read);
                let mut buffer = BytesMut::with_capacity(usize::try_from(expected).unwrap_or(0));
                buffer.extend_from_slice(&earlier);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    Ok(match (joined, first) {
        (Some(buffer), _) => buffer.freeze(),
        (None, Some(only)) => only,
        (None, None) => Bytes::new(),
    })
}

/// The first `max` bytes of the body, or fewer if it is shorter or the
/// connection fails (what arrived is kept: an error's status matters more
/// than its body). The rest is never read; dropping the response closes a
/// connection left with unread bytes.
pub(crate) async fn read_prefix(mut response: reqwest::Response, max: usize) -> Bytes {
    let mut prefix = BytesMut::new();
    while prefix.len() < max {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = max - prefix.len();
                prefix.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    prefix.freeze()
}
