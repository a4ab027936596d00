//! Reading the `application/x-www-form-urlencoded` text of a `form` body's
//! doc example (`wire.body: a=1&b=x`): validation checks its values against
//! the fields, the conformance tests call the client with them, and the
//! OpenAPI document shows them as an example object.

use serde_json::{Map, Value};

use crate::ir::Ty;

/// The `name=value` pairs of form text, decoded (`+` is a space, `%XX` a
/// byte), in order. Errors name the pair that cannot be decoded.
pub fn pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name, pair)?, decode(value, pair)?))
        })
        .collect()
}

/// The pairs as a JSON object whose values have the types of the fields:
/// `type_of(name)` is the field's type, or `None` for a name that is not a
/// field (kept as a string, for validation to report). A value that does
/// not parse as its field's type stays a string too, so that validation
/// names the field and the expected type.
pub fn typed_object(
    text: &str,
    type_of: impl Fn(&str) -> Option<Ty>,
) -> Result<Map<String, Value>, String> {
    Ok(pairs(text)?
        .into_iter()
        .map(|(name, text)| {
            let value = match type_of(&name) {
                Some(Ty::Integer) => text.parse::<i64>().ok().map(Value::from),
                Some(Ty::Number) => text.parse::<f64>().ok().map(Value::from),
                Some(Ty::Boolean) => text.parse::<bool>().ok().map(Value::from),
                _ => None,
            }
            .unwrap_or(Value::String(text));
            (name, value)
        })
        .collect())
}

/// Percent-decodes one side of a pair.
fn decode(text: &str, pair: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = bytes
                    .get(i + 1..i + 3)
                    // from_str_radix alone would take a sign: `%+1`.
                    .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| format!("`{pair}`: `%` must be followed by two hex digits"))?;
                out.push(byte);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("`{pair}`: the decoded bytes are not UTF-8"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn decodes_pairs_in_order() {
        assert_eq!(
            pairs("b=x+y&a=http%3A%2F%2Fe.com%2F%C3%A9&flag&&c=").unwrap(),
            [
                ("b".to_owned(), "x y".to_owned()),
                ("a".to_owned(), "http://e.com/é".to_owned()),
                ("flag".to_owned(), String::new()),
                ("c".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn bad_escapes_name_the_pair() {
        assert_eq!(
            pairs("a=1&b=%2").unwrap_err(),
            "`b=%2`: `%` must be followed by two hex digits"
        );
        assert_eq!(
            pairs("b=%zz").unwrap_err(),
            "`b=%zz`: `%` must be followed by two hex digits"
        );
        assert_eq!(
            pairs("s=%+1").unwrap_err(),
            "`s=%+1`: `%` must be followed by two hex digits"
        );
        assert_eq!(
            pairs("c=%FF").unwrap_err(),
            "`c=%FF`: the decoded bytes are not UTF-8"
        );
    }

    #[test]
    fn values_take_their_field_types() {
        let type_of = |name: &str| match name {
            "n" => Some(Ty::Integer),
            "x" => Some(Ty::Number),
            "b" => Some(Ty::Boolean),
            "s" => Some(Ty::String),
            _ => None,
        };
        let object = typed_object("n=2&x=1.5&b=true&s=7&other=1&bad=&n2=z", |name| {
            type_of(name).or((name == "n2").then_some(Ty::Integer))
        })
        .unwrap();
        assert_eq!(
            Value::Object(object),
            json!({"n": 2, "x": 1.5, "b": true, "s": "7", "other": "1", "bad": "", "n2": "z"})
        );
    }
}
