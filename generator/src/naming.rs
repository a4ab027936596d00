//! Rust names for spec names, shared by validation (to find collisions) and
//! the Rust emitter.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The Rust field or argument name for a JSON or parameter name: snake_case,
/// with `_` appended to keywords (`type` -> `type_`).
pub fn field_ident_name(json: &str) -> String {
    let snake = json.replace('-', "_").to_snake_case();
    let snake = if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{snake}")
    } else {
        snake
    };
    if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// The Rust type name for an operation-derived type, e.g.
/// (`create_chatroom`, `Data`) -> `CreateChatroomData`.
pub fn type_name(op_id: &str, suffix: &str) -> String {
    format!("{}{suffix}", op_id.to_upper_camel_case())
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field_ident_name("applicationName"), "application_name");
        assert_eq!(field_ident_name("restrict-access"), "restrict_access");
        assert_eq!(field_ident_name("type"), "type_");
        assert_eq!(type_name("create_chatroom", "Data"), "CreateChatroomData");
    }
}
