//! Streamed file downloads.

use std::fmt;

use bytes::Bytes;
use futures_util::TryStreamExt;

use super::{BoxStream, Error, HttpMethod, OperationInfo, TransportError};

/// A file being downloaded. The body is not buffered: read it chunk by
/// chunk with [`Download::chunk`] or as a stream with
/// [`Download::into_stream`]; [`Download::bytes`] collects it for small
/// files.
pub struct Download {
    operation: &'static str,
    method: HttpMethod,
    path: String,
    content_length: Option<u64>,
    content_type: Option<String>,
    response: reqwest::Response,
}

impl Download {
    /// `path` is the request path, for error messages.
    pub(crate) fn new(
        op: &'static OperationInfo,
        path: String,
        response: reqwest::Response,
    ) -> Self {
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Download {
            operation: op.id,
            method: op.method,
            path,
            content_length: response.content_length(),
            content_type,
            response,
        }
    }

    /// The size announced by the server (`Content-Length`), if any.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The media type announced by the server (`Content-Type`), if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// A failure while reading the body, attributed to this request.
    fn failed(operation: &'static str, method: HttpMethod, path: &str, e: reqwest::Error) -> Error {
        Error::Transport(TransportError::new(operation, method, path.to_string(), e))
    }

    /// The next chunk of the body, or `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let (operation, method) = (self.operation, self.method);
        match self.response.chunk().await {
            Ok(chunk) => Ok(chunk),
            Err(e) => Err(Self::failed(operation, method, &self.path, e)),
        }
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> BoxStream<'static, Bytes> {
        let Download {
            operation,
            method,
            path,
            response,
            ..
        } = self;
        Box::pin(
            response
                .bytes_stream()
                .map_err(move |e| Self::failed(operation, method, &path, e)),
        )
    }

    /// Reads the whole body into memory.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let Download {
            operation,
            method,
            path,
            response,
            ..
        } = self;
        response
            .bytes()
            .await
            .map_err(|e| Self::failed(operation, method, &path, e))
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("content_length", &self.content_length)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}
