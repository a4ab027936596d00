//! The type-expression language of the spec: `string`, `array<username>`,
//! `map<ChatroomDetail>`, ...

use std::fmt;

/// A parsed type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    /// Any string.
    String,
    /// A string that must follow the API's username rule.
    Username,
    /// A 64-bit signed integer.
    Integer,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Arbitrary JSON.
    Any,
    /// A success flag sent either as a boolean or as a string like `"success"`.
    BoolOrString,
    /// A file part of a multipart body.
    File,
    /// A JSON array.
    Array(Box<TypeExpr>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeExpr>),
    /// A type declared under `types:` in a group file.
    Named(String),
}

impl TypeExpr {
    /// Parses `text`; the error says what was expected.
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        let text = text.trim();
        if let Some(inner) = generic_arg(text, "array") {
            return Ok(TypeExpr::Array(Box::new(TypeExpr::parse(inner)?)));
        }
        if let Some(inner) = generic_arg(text, "map") {
            return Ok(TypeExpr::Map(Box::new(TypeExpr::parse(inner)?)));
        }
        Ok(match text {
            "string" => TypeExpr::String,
            "username" => TypeExpr::Username,
            "integer" => TypeExpr::Integer,
            "number" => TypeExpr::Number,
            "boolean" => TypeExpr::Boolean,
            "any" => TypeExpr::Any,
            "bool_or_string" => TypeExpr::BoolOrString,
            "file" => TypeExpr::File,
            name if is_type_name(name) => TypeExpr::Named(name.to_string()),
            other => {
                return Err(format!(
                    "unknown type `{other}`: expected string, username, integer, number, boolean, \
                     any, bool_or_string, file, array<T>, map<T> or an UpperCamelCase type name"
                ));
            }
        })
    }

    /// True for types whose values are strings on the wire.
    pub fn is_stringy(&self) -> bool {
        matches!(self, TypeExpr::String | TypeExpr::Username)
    }

    /// A single string, number or boolean: what a form value can be.
    pub fn is_scalar(&self) -> bool {
        self.is_stringy()
            || matches!(
                self,
                TypeExpr::Integer | TypeExpr::Number | TypeExpr::Boolean
            )
    }

    /// The element type of an array, if this is one.
    pub fn item(&self) -> Option<&TypeExpr> {
        match self {
            TypeExpr::Array(inner) => Some(inner),
            _ => None,
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Username => f.write_str("username"),
            TypeExpr::Integer => f.write_str("integer"),
            TypeExpr::Number => f.write_str("number"),
            TypeExpr::Boolean => f.write_str("boolean"),
            TypeExpr::Any => f.write_str("any"),
            TypeExpr::BoolOrString => f.write_str("bool_or_string"),
            TypeExpr::File => f.write_str("file"),
            TypeExpr::Array(inner) => write!(f, "array<{inner}>"),
            TypeExpr::Map(inner) => write!(f, "map<{inner}>"),
            TypeExpr::Named(name) => f.write_str(name),
        }
    }
}

fn generic_arg<'a>(text: &'a str, head: &str) -> Option<&'a str> {
    text.strip_prefix(head)?
        .trim_start()
        .strip_prefix('<')?
        .strip_suffix('>')
}

fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_generics() {
        assert_eq!(
            TypeExpr::parse("array<map<string>>").unwrap(),
            TypeExpr::Array(Box::new(TypeExpr::Map(Box::new(TypeExpr::String))))
        );
        assert_eq!(
            TypeExpr::parse("ChatroomDetail").unwrap(),
            TypeExpr::Named("ChatroomDetail".into())
        );
    }

    #[test]
    fn rejects_unknown_names() {
        let err = TypeExpr::parse("int").unwrap_err();
        assert!(err.contains("unknown type `int`"), "{err}");
        assert!(TypeExpr::parse("array<>").is_err());
        assert!(TypeExpr::parse("array<string").is_err());
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "array<username>",
            "map<array<integer>>",
            "bool_or_string",
            "Foo",
        ] {
            assert_eq!(TypeExpr::parse(text).unwrap().to_string(), text);
        }
    }
}
