//! Reads a `multipart/form-data` body into its parts: enough to check part
//! names, file sizes and text values; not a general MIME parser.

/// One part of a multipart body.
pub(crate) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, for a file part.
    pub file_name: Option<String>,
    /// Its own `Content-Type`, if given.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
}

/// The parts of `body`, sent with the `Content-Type` value `content_type`;
/// the error says what is malformed.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_owned())
        .filter(|b| !b.is_empty())
        .ok_or("the multipart Content-Type has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = match find(body, &delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return Err("the body has no multipart boundary".to_owned()),
    };
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        let rest_after_crlf = rest
            .strip_prefix(b"\r\n")
            .ok_or("a boundary is not followed by a line break")?;
        let head_end = find(rest_after_crlf, b"\r\n\r\n")
            .ok_or("a part has no blank line after its headers")?;
        let head = String::from_utf8_lossy(&rest_after_crlf[..head_end]).into_owned();
        let content = &rest_after_crlf[head_end + 4..];
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end = find(content, &closing).ok_or("a part is not closed by the boundary")?;
        parts.push(part(&head, content[..end].to_vec())?);
        rest = &content[end + closing.len()..];
    }
}

fn part(head: &str, bytes: Vec<u8>) -> Result<Part, String> {
    let mut name = None;
    let mut file_name = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            for param in value.split(';').skip(1) {
                let Some((k, v)) = param.trim().split_once('=') else {
                    continue;
                };
                let v = v.trim().trim_matches('"').to_owned();
                match k.trim() {
                    "name" => name = Some(v),
                    "filename" => file_name = Some(v),
                    _ => {}
                }
            }
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    Ok(Part {
        name: name.ok_or("a part has no name in its Content-Disposition")?,
        file_name,
        content_type,
        bytes,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_text_and_file_parts() {
        let body = b"--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xyz--\r\n";
        let parts = parse("multipart/form-data; boundary=xyz", body).expect("parses");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "a");
        assert_eq!(parts[0].bytes, b"1");
        assert_eq!(parts[1].file_name.as_deref(), Some("f.txt"));
        assert_eq!(parts[1].bytes, b"hello");
    }

    #[test]
    fn malformed_bodies_are_errors() {
        assert!(parse("multipart/form-data", b"").is_err());
        assert!(parse("multipart/form-data; boundary=x", b"junk").is_err());
        assert!(parse("multipart/form-data; boundary=x", b"--x\r\nno blank line").is_err());
    }
}
