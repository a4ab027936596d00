//! Path templates (`/chatrooms/{chatroom_id}/users/{usernames}`), parsed
//! once: every stage and tool that needs a path's placeholders, its shape or
//! whether a concrete path fits it asks a [`PathTemplate`] instead of
//! scanning the text again.

use std::fmt;

/// One `/`-separated piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text sent as written, e.g. `chatrooms`.
    Literal(String),
    /// A `{name}` that takes a whole segment.
    Placeholder {
        /// The name between the braces.
        name: String,
        /// For a comma-list parameter: the most values it takes. Set by the
        /// lowering pass from the parameter, `None` in a bare parse.
        list_max: Option<u32>,
    },
}

/// A parsed path template: starts with `/`, no query string, every
/// placeholder a whole snake_case segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    text: String,
    segments: Vec<Segment>,
}

impl PathTemplate {
    /// Parses `text`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<PathTemplate, String> {
        let rest = text
            .strip_prefix('/')
            .ok_or_else(|| format!("`{text}` must start with `/`"))?;
        if text.contains(['?', '#', ' ']) || text.contains("//") {
            return Err(format!(
                "`{text}` must not contain a query string, `#`, spaces or an empty segment"
            ));
        }
        let names = placeholders(text)?;
        let segments: Vec<Segment> = rest
            .split('/')
            .map(|segment| match segment.strip_prefix('{') {
                Some(inner) => match inner.strip_suffix('}') {
                    Some(name) if !name.contains(['{', '}']) => Ok(Segment::Placeholder {
                        name: name.to_string(),
                        list_max: None,
                    }),
                    _ => Err(format!(
                        "`{text}`: a placeholder must be a whole segment, not `{segment}`"
                    )),
                },
                None if segment.contains(['{', '}']) => Err(format!(
                    "`{text}`: a placeholder must be a whole segment, not `{segment}`"
                )),
                None => Ok(Segment::Literal(segment.to_string())),
            })
            .collect::<Result<_, _>>()?;
        debug_assert_eq!(
            names.len(),
            segments
                .iter()
                .filter(|s| matches!(s, Segment::Placeholder { .. }))
                .count()
        );
        Ok(PathTemplate {
            text: text.to_string(),
            segments,
        })
    }

    /// Reads any text as a template without judging it: each `/`-separated
    /// segment that is one `{...}` is a placeholder, anything else literal
    /// text. For doc pages, whose paths are not always well formed, and for
    /// checking a spec whose path did not [`parse`](Self::parse).
    pub fn lenient(text: &str) -> PathTemplate {
        let rest = text.strip_prefix('/').unwrap_or(text);
        let segments = rest
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Segment::Placeholder {
                        name: name.to_string(),
                        list_max: None,
                    },
                    None => Segment::Literal(segment.to_string()),
                },
            )
            .collect();
        PathTemplate {
            text: text.to_string(),
            segments,
        }
    }

    /// The template as written in the spec.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its segments, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The placeholder names, in path order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Placeholder { name, .. } => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// The template with every placeholder name blanked, `/a/{}/b`: two
    /// templates with the same shape are the same route to an HTTP server
    /// (and to OpenAPI), whatever their placeholders are called.
    pub fn shape(&self) -> String {
        shape(&self.text)
    }

    /// Does a concrete, percent-encoded path fit? A placeholder matches one
    /// non-empty segment.
    pub fn matches(&self, wire: &str) -> bool {
        let Some(rest) = wire.strip_prefix('/') else {
            return false;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        parts.len() == self.segments.len()
            && self.segments.iter().zip(&parts).all(|(s, part)| match s {
                Segment::Literal(text) => text == part,
                Segment::Placeholder { .. } => !part.is_empty(),
            })
    }

    /// Marks the placeholder `name` as a comma list of at most `max` values.
    pub fn set_list(&mut self, name: &str, max: u32) {
        for segment in &mut self.segments {
            if let Segment::Placeholder { name: n, list_max } = segment
                && n == name
            {
                *list_max = Some(max);
            }
        }
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The `{name}` placeholders of any template text (a path or the base URL),
/// in order; each name must be snake_case.
pub fn placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in `{template}`"))?;
        let name = &after[..end];
        if !is_snake(name) {
            return Err(format!(
                "placeholder `{{{name}}}` in `{template}` is not snake_case"
            ));
        }
        names.push(name.to_string());
        rest = &after[end + 1..];
    }
    if rest.contains('}') {
        return Err(format!("unmatched `}}` in `{template}`"));
    }
    Ok(names)
}

/// `text` with every `{...}` blanked to `{}`, for comparing paths by shape.
/// Lenient: it takes any text, so that doc pages with odd placeholder
/// spellings (`{chatroomId}`, or `${name}` in a JavaScript template) can be
/// compared with the spec.
pub fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_placeholder = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if !in_placeholder && chars.peek() == Some(&'{') => {}
            '{' => {
                in_placeholder = true;
                out.push_str("{}");
            }
            '}' if in_placeholder => in_placeholder = false,
            _ if in_placeholder => {}
            _ => out.push(c),
        }
    }
    out
}

/// `snake_case`: a lowercase ASCII letter, then lowercase letters, digits
/// and `_`.
pub fn is_snake(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_segments_in_order() {
        let t = PathTemplate::parse("/chatrooms/{chatroom_id}/users/{username}").unwrap();
        assert_eq!(
            t.placeholders().collect::<Vec<_>>(),
            ["chatroom_id", "username"]
        );
        assert_eq!(t.shape(), "/chatrooms/{}/users/{}");
        assert_eq!(t.segments()[0], Segment::Literal("chatrooms".into()));
    }

    #[test]
    fn rejects_what_cannot_be_a_route() {
        for (text, expected) in [
            ("chatrooms", "must start with `/`"),
            ("/a/{b", "unclosed `{`"),
            ("/a/{Bad}", "not snake_case"),
            ("/a?b=1", "query string"),
            ("/a//b", "empty segment"),
            ("/a/x{b}", "whole segment"),
            ("/a/b}", "unmatched `}`"),
        ] {
            let err = PathTemplate::parse(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn wire_paths_fit_templates() {
        let t = PathTemplate::parse("/chatrooms/{id}").unwrap();
        assert!(t.matches("/chatrooms/XXXX%2CYYYY"));
        assert!(!t.matches("/chatrooms/"));
        assert!(!t.matches("/chatroom/x"));
        assert!(!t.matches("chatrooms/x"));
    }

    #[test]
    fn lists_are_marked_by_name() {
        let mut t = PathTemplate::parse("/a/{ids}/b/{id}").unwrap();
        t.set_list("ids", 100);
        assert_eq!(
            t.segments()[1],
            Segment::Placeholder {
                name: "ids".into(),
                list_max: Some(100)
            }
        );
        assert!(matches!(
            t.segments()[3],
            Segment::Placeholder { list_max: None, .. }
        ));
    }

    #[test]
    fn lenient_reading_takes_anything() {
        let t = PathTemplate::lenient("/w/{widgetId}/x{y");
        assert_eq!(t.placeholders().collect::<Vec<_>>(), ["widgetId"]);
        assert!(t.matches("/w/1/x{y"));
        assert!(!t.matches("/w/1"));
    }

    #[test]
    fn shapes_blank_any_placeholder() {
        assert_eq!(shape("/w/{widgetId}/g/{g}"), shape("/w/{widget_id}/g/{id}"));
        assert_ne!(shape("/w/{widget_id}/g"), shape("/w/g/{widget_id}"));
        assert_eq!(shape("/w/${widgetId}/$x"), "/w/{}/$x");
    }
}
