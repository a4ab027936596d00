//! The copy of `openapi.yaml` that cargo-progenitor 0.15.1 is run on, by
//! `cargo xtask bench` and by CI (`cargo xtask progenitor-input OUT`).
//!
//! progenitor 0.15.1 (the newest release) fails the whole generation on a
//! `multipart/form-data` request body: its request bodies can only be
//! JSON, form-urlencoded, text or octet-stream ("unexpected content type").
//! Agora's two file uploads take multipart and nothing else, so our
//! document describes them that way, and this copy is the one departure
//! from it: each multipart body becomes an `application/octet-stream`
//! binary string (the body progenitor has for uploads). Every operation,
//! parameter and schema stays, so both the bench and the compile check
//! cover the whole API.

/// Our document with each `multipart/form-data` request body given as an
/// `application/octet-stream` binary string; also returns how many bodies
/// were rewritten. Works on the document's text as we emit it (block YAML,
/// two-space indentation), so it needs no YAML library.
pub(crate) fn progenitor_input(doc: &str) -> (String, usize) {
    let mut out = String::with_capacity(doc.len());
    let mut rewritten = 0;
    let mut lines = doc.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() != "multipart/form-data:" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = indentation(line);
        let pad = " ".repeat(indent);
        out.push_str(&format!(
            "{pad}application/octet-stream:\n{pad}  schema:\n{pad}    type: string\n{pad}    format: binary\n"
        ));
        // Drop the multipart media type's own block.
        while lines
            .peek()
            .is_some_and(|next| !next.trim().is_empty() && indentation(next) > indent)
        {
            lines.next();
        }
        rewritten += 1;
    }
    (out, rewritten)
}

/// Leading spaces of a line.
pub(crate) fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::progenitor_input;

    const DOC: &str = "paths:
  /files:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              $ref: \"#/components/schemas/Upload\"
            encoding:
              file:
                contentType: image/png
      responses: {}
    get:
      operationId: list
components:
  schemas:
    Upload:
      type: object
";

    #[test]
    fn multipart_bodies_become_binary_strings_and_nothing_else_changes() {
        let (doc, rewritten) = progenitor_input(DOC);
        assert_eq!(rewritten, 1);
        let expected = DOC.replace(
            "          multipart/form-data:
            schema:
              $ref: \"#/components/schemas/Upload\"
            encoding:
              file:
                contentType: image/png
",
            "          application/octet-stream:
            schema:
              type: string
              format: binary
",
        );
        assert_eq!(doc, expected);
    }

    #[test]
    fn a_document_without_uploads_is_unchanged() {
        let doc = "paths:\n  /a:\n    get:\n      operationId: a\n";
        assert_eq!(progenitor_input(doc), (doc.to_owned(), 0));
    }
}
