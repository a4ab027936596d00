//! The copy of `openapi.yaml` that cargo-progenitor 0.15.1 is run on, by
//! `cargo xtask bench` and by CI (`cargo xtask progenitor-input OUT`).
//!
//! progenitor 0.15.1 (the newest release) fails the whole generation on a
//! `multipart/form-data` request body: its request bodies can only be
//! JSON, form-urlencoded, text or octet-stream ("unexpected content type").
//! Agora's two file uploads take multipart and nothing else, so our
//! document describes them that way, and this copy is the one departure
//! from it: each multipart body becomes an `application/octet-stream`
//! binary string (the body progenitor has for uploads).
//!
//! The copy also leaves out `x-webhooks` and the component schemas only
//! the callbacks use (the generator names them). progenitor writes a type
//! for every component schema, used or not, and its type generator gives
//! two members whose names differ only in case or separator one Rust field:
//! the keyword-alert callback carries both `chat_type` and `chatType`, and
//! the generated client does not compile (E0124). Callbacks are what the
//! server posts to the app, not part of a REST client. Every operation,
//! parameter and REST schema stays, so both the bench and the compile check
//! cover the whole API.

use std::collections::BTreeSet;

/// Our document with each `multipart/form-data` request body given as an
/// `application/octet-stream` binary string; also returns how many bodies
/// were rewritten. Works on the document's text as we emit it (block YAML,
/// two-space indentation), so it needs no YAML library.
/// `webhook_schemas` are left out with `x-webhooks`.
pub(crate) fn progenitor_input(doc: &str, webhook_schemas: &BTreeSet<String>) -> (String, usize) {
    let mut out = String::with_capacity(doc.len());
    let mut rewritten = 0;
    let mut lines = doc.lines().peekable();
    let mut in_schemas = false;
    while let Some(line) = lines.next() {
        let indent = indentation(line);
        if indent == 2 && !line.trim().is_empty() {
            in_schemas = line.trim() == "schemas:";
        }
        let key = line.trim().strip_suffix(':');
        let dropped = (indent == 0 && key == Some("x-webhooks"))
            || (in_schemas && indent == 4 && key.is_some_and(|k| webhook_schemas.contains(k)));
        if dropped {
            while lines
                .peek()
                .is_some_and(|next| next.trim().is_empty() || indentation(next) > indent)
            {
                lines.next();
            }
            continue;
        }
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
    use std::collections::BTreeSet;

    use super::progenitor_input;

    fn none() -> BTreeSet<String> {
        BTreeSet::new()
    }

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
        let (doc, rewritten) = progenitor_input(DOC, &none());
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
        assert_eq!(progenitor_input(doc, &none()), (doc.to_owned(), 0));
    }

    #[test]
    fn webhooks_and_their_schemas_are_left_out() {
        let doc = "paths: {}
x-webhooks:
  alert:
    post:
      requestBody: {}

components:
  schemas:
    CallbackAlert:
      type: object
      properties:
        chat_type:
          type: string
    Upload:
      type: object
";
        let webhooks = BTreeSet::from(["CallbackAlert".to_string()]);
        let (out, _) = progenitor_input(doc, &webhooks);
        assert_eq!(
            out,
            "paths: {}\ncomponents:\n  schemas:\n    Upload:\n      type: object\n"
        );
    }
}
