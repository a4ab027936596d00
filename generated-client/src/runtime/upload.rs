//! Files for multipart uploads.

use std::fmt;
use std::path::Path;

use bytes::Bytes;

/// A file to upload: its name, optional media type and contents.
///
/// The contents are held in memory (cheaply cloned) so that the documented
/// size limit can be checked before anything is sent, and so that a retried
/// request can send the same bytes again.
#[derive(Clone)]
pub struct UploadFile {
    file_name: String,
    content_type: Option<String>,
    bytes: Bytes,
}

impl UploadFile {
    /// A file named `file_name` with the given contents.
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        UploadFile {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Reads a file from disk; its name is the path's last component. A
    /// file that cannot be read is [`Error::File`](crate::Error::File),
    /// naming the path.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, crate::Error> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|source| crate::FileError::new(path, source))?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_string());
        Ok(UploadFile::from_bytes(file_name, bytes))
    }

    /// Sets the media type sent with the file part (default
    /// `application/octet-stream`).
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }

    /// The file name sent with the part.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Size in bytes.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(crate) fn to_part(&self) -> Result<reqwest::multipart::Part, reqwest::Error> {
        let part = reqwest::multipart::Part::stream_with_length(
            reqwest::Body::from(self.bytes.clone()),
            self.len(),
        )
        .file_name(self.file_name.clone());
        // Like curl's `-F file=@...`, a file part without a known type is
        // sent as `application/octet-stream` rather than with no type.
        part.mime_str(
            self.content_type
                .as_deref()
                .unwrap_or("application/octet-stream"),
        )
    }
}

impl fmt::Debug for UploadFile {
    // The contents may be large or private: only their size is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.len())
            .finish()
    }
}

/// One part of a multipart body, as generated code lists them. The form is
/// built anew for every attempt, since a sent form cannot be reused.
#[derive(Debug, Clone)]
pub(crate) enum FormPart {
    #[allow(dead_code)] // emitted for multipart text fields; today's spec has none
    Text(&'static str, String),
    File(&'static str, UploadFile),
}

impl FormPart {
    #[allow(dead_code)] // emitted for multipart text fields; today's spec has none
    pub(crate) fn text(name: &'static str, value: String) -> Self {
        FormPart::Text(name, value)
    }

    pub(crate) fn file(name: &'static str, file: UploadFile) -> Self {
        FormPart::File(name, file)
    }
}

/// Builds the reqwest form for one attempt.
pub(crate) fn form(parts: &[FormPart]) -> Result<reqwest::multipart::Form, reqwest::Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match part {
            FormPart::Text(name, value) => form.text(*name, value.clone()),
            FormPart::File(name, file) => form.part(*name, file.to_part()?),
        };
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_size_not_contents() {
        let file =
            UploadFile::from_bytes("a.txt", b"secret contents".to_vec()).content_type("text/plain");
        let shown = format!("{file:?}");
        assert!(shown.contains("a.txt") && shown.contains("15"), "{shown}");
        assert!(!shown.contains("secret contents"));
    }

    #[test]
    fn a_bad_media_type_is_an_error_not_a_panic() {
        let file = UploadFile::from_bytes("a", b"x".to_vec()).content_type("not a mime type");
        assert!(form(&[FormPart::file("file", file)]).is_err());
    }
}
