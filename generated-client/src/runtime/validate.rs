//! Argument checks that generated code runs before sending a request, so a
//! documented limit fails locally with a precise message instead of as an
//! opaque server error.

use std::collections::BTreeMap;

use super::{ValidationError, ValidationErrorKind};

/// The username rule from the spec: length bounds in characters, and the
/// allowed characters (ASCII letters and digits plus `extra_chars`).
pub(crate) struct UsernameRule {
    /// Fewest characters allowed.
    pub min_len: usize,
    /// Most characters allowed.
    pub max_len: usize,
    /// Characters allowed besides ASCII letters and digits, e.g. `"_.-"`.
    pub extra_chars: &'static str,
}

/// Limits in the spec are `u32`; counts are `usize`. Saturating keeps the
/// comparison right even on a 16-bit target.
fn limit(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

fn fail(field: &str, kind: ValidationErrorKind) -> Result<(), ValidationError> {
    Err(ValidationError::new(field, kind))
}

/// The names given to an open-ended body setter (`setter`, e.g.
/// `attribute`): none empty, and none that a declared field of the body
/// uses, since that field has its own method and the name would otherwise
/// go on the wire twice.
pub(crate) fn additional_names<'a>(
    setter: &str,
    names: impl IntoIterator<Item = &'a String>,
    declared: &[&str],
) -> Result<(), ValidationError> {
    for name in names {
        let field = || format!("{setter}({name:?})");
        if name.is_empty() {
            return fail(&field(), ValidationErrorKind::Empty);
        }
        if declared.contains(&name.as_str()) {
            return fail(&field(), ValidationErrorKind::DeclaredField);
        }
    }
    Ok(())
}

/// At most `max` characters (Unicode scalar values, not bytes).
pub(crate) fn max_chars(field: &str, value: &str, max: u32) -> Result<(), ValidationError> {
    let (max, actual) = (limit(max), value.chars().count());
    if actual > max {
        return fail(field, ValidationErrorKind::TooLong { max, actual });
    }
    Ok(())
}

/// At least `min` characters.
#[allow(dead_code)] // emitted for spec limits (min_length, enum, max_bytes) no current operation has
pub(crate) fn min_chars(field: &str, value: &str, min: u32) -> Result<(), ValidationError> {
    let (min, actual) = (limit(min), value.chars().count());
    if actual < min {
        return fail(field, ValidationErrorKind::TooShort { min, actual });
    }
    Ok(())
}

/// A list of at most `max` items.
pub(crate) fn max_items(field: &str, len: usize, max: u32) -> Result<(), ValidationError> {
    let max = limit(max);
    if len > max {
        return fail(
            field,
            ValidationErrorKind::TooManyItems { max, actual: len },
        );
    }
    Ok(())
}

/// A list of at least `min` items.
pub(crate) fn min_items(field: &str, len: usize, min: u32) -> Result<(), ValidationError> {
    let min = limit(min);
    if len < min {
        return fail(field, ValidationErrorKind::TooFewItems { min, actual: len });
    }
    Ok(())
}

/// `min <= value <= max`, each bound optional.
pub(crate) fn range(
    field: &str,
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), ValidationError> {
    let below = min.is_some_and(|min| value < min);
    let above = max.is_some_and(|max| value > max);
    if below || above {
        return fail(
            field,
            ValidationErrorKind::OutOfRange {
                min,
                max,
                actual: value,
            },
        );
    }
    Ok(())
}

/// A value used as a path segment: not empty (which would produce `//` and
/// another route) and not `.` or `..` (which URL parsers remove, see
/// [`encode`](super::encode)).
pub(crate) fn non_empty(field: &str, value: &str) -> Result<(), ValidationError> {
    match value {
        "" => fail(field, ValidationErrorKind::Empty),
        "." | ".." => fail(field, ValidationErrorKind::DotSegment),
        _ => Ok(()),
    }
}

/// [`non_empty`] for each item; reports `field[i]` of the first bad one.
pub(crate) fn each_non_empty<S: AsRef<str>>(
    field: &str,
    values: &[S],
) -> Result<(), ValidationError> {
    for (index, value) in values.iter().enumerate() {
        non_empty(&format!("{field}[{index}]"), value.as_ref())?;
    }
    Ok(())
}

/// `value` must be one of `allowed` (compared exactly).
#[allow(dead_code)] // emitted for spec limits (min_length, enum, max_bytes) no current operation has
pub(crate) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ValidationError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    fail(
        field,
        ValidationErrorKind::NotAllowed {
            allowed: allowed.iter().map(|&item| item.to_owned()).collect(),
            actual: value.to_owned(),
        },
    )
}

/// Content (e.g. an uploaded file) of at most `max` bytes.
pub(crate) fn max_bytes(field: &str, len: u64, max: u64) -> Result<(), ValidationError> {
    if len > max {
        return fail(
            field,
            ValidationErrorKind::TooLarge {
                max_bytes: max,
                actual: len,
            },
        );
    }
    Ok(())
}

/// A string of at most `max` bytes once encoded as UTF-8 (limits the docs
/// give in bytes, which a character count would let multi-byte text
/// exceed).
pub(crate) fn max_utf8_bytes(field: &str, value: &str, max: u64) -> Result<(), ValidationError> {
    max_bytes(field, u64::try_from(value.len()).unwrap_or(u64::MAX), max)
}

/// Limits of each key or each value of a map argument.
pub(crate) struct TextRule {
    /// Most characters.
    pub max_chars: Option<u32>,
    /// Most bytes of UTF-8.
    pub max_bytes: Option<u64>,
    /// When set, only ASCII letters, digits and these characters.
    pub extra_chars: Option<&'static str>,
}

impl TextRule {
    /// What is wrong with `text`, if anything. The entry's name is only
    /// formatted once something is.
    fn problem(&self, text: &str) -> Option<ValidationErrorKind> {
        let broken = |result: Result<(), ValidationError>| result.err().map(|e| e.kind);
        if let Some(kind) = self
            .max_chars
            .and_then(|max| broken(max_chars("", text, max)))
        {
            return Some(kind);
        }
        if let Some(kind) = self
            .max_bytes
            .and_then(|max| broken(max_utf8_bytes("", text, max)))
        {
            return Some(kind);
        }
        let extra = self.extra_chars?;
        text.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || extra.contains(*c)))
            .map(|found| ValidationErrorKind::InvalidCharacter {
                found,
                allowed_besides_alphanumerics: extra.to_owned(),
            })
    }
}

/// Every key of `map` follows `keys` and every value follows `values`. A
/// key is reported as `field.keys["<key>"]`, a value as `field["<key>"]`.
pub(crate) fn map_entries(
    field: &str,
    map: &BTreeMap<String, String>,
    keys: &TextRule,
    values: &TextRule,
) -> Result<(), ValidationError> {
    for (key, value) in map {
        if let Some(kind) = keys.problem(key) {
            return fail(&format!("{field}.keys[{key:?}]"), kind);
        }
        if let Some(kind) = values.problem(value) {
            return fail(&format!("{field}[{key:?}]"), kind);
        }
    }
    Ok(())
}

/// `value` follows `rule`.
pub(crate) fn username(
    field: &str,
    value: &str,
    rule: &UsernameRule,
) -> Result<(), ValidationError> {
    let len = value.chars().count();
    let reason = if len == 0 && rule.min_len > 0 {
        "must not be empty".to_owned()
    } else if len < rule.min_len {
        format!("{len} characters, at least {} required", rule.min_len)
    } else if len > rule.max_len {
        format!("{len} characters, at most {} allowed", rule.max_len)
    } else if let Some(bad) = value
        .chars()
        .find(|&c| !c.is_ascii_alphanumeric() && !rule.extra_chars.contains(c))
    {
        format!(
            "character {bad:?} is not allowed (only ASCII letters, digits and `{}`)",
            rule.extra_chars
        )
    } else {
        return Ok(());
    };
    fail(field, ValidationErrorKind::InvalidUsername { reason })
}

/// [`username`] for each item; reports `field[i]` of the first bad one.
pub(crate) fn usernames<S: AsRef<str>>(
    field: &str,
    values: &[S],
    rule: &UsernameRule,
) -> Result<(), ValidationError> {
    for (index, value) in values.iter().enumerate() {
        username(&format!("{field}[{index}]"), value.as_ref(), rule)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: UsernameRule = UsernameRule {
        min_len: 1,
        max_len: 64,
        extra_chars: "_.-",
    };

    fn kind(result: Result<(), ValidationError>) -> ValidationErrorKind {
        result.expect_err("validation should fail").kind
    }

    #[test]
    fn max_chars_boundary() {
        assert_eq!(max_chars("name", &"a".repeat(128), 128), Ok(()));
        let err = max_chars("name", &"a".repeat(129), 128).unwrap_err();
        assert_eq!(err.field, "name");
        assert_eq!(
            err.kind,
            ValidationErrorKind::TooLong {
                max: 128,
                actual: 129
            }
        );
    }

    #[test]
    fn additional_names_reject_empty_and_declared_names() {
        let names = |list: &[&str]| list.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let declared = ["nickname", "gender"];
        assert_eq!(
            additional_names("attribute", &names(&["level", "team"]), &declared),
            Ok(())
        );
        let err =
            additional_names("attribute", &names(&["level", "gender"]), &declared).unwrap_err();
        assert_eq!(err.field, r#"attribute("gender")"#);
        assert_eq!(err.kind, ValidationErrorKind::DeclaredField);
        assert_eq!(
            kind(additional_names("attribute", &names(&[""]), &declared)),
            ValidationErrorKind::Empty
        );
    }

    #[test]
    fn chars_are_counted_not_bytes() {
        // 128 three-byte characters: 384 bytes, still within the limit.
        assert_eq!(max_chars("name", &"用".repeat(128), 128), Ok(()));
        assert_eq!(
            kind(max_chars("name", &"é".repeat(3), 2)),
            ValidationErrorKind::TooLong { max: 2, actual: 3 }
        );
        assert_eq!(min_chars("name", "éé", 2), Ok(()));
    }

    #[test]
    fn min_chars_boundary() {
        assert_eq!(min_chars("pw", "abcdef", 6), Ok(()));
        assert_eq!(
            kind(min_chars("pw", "abcde", 6)),
            ValidationErrorKind::TooShort { min: 6, actual: 5 }
        );
    }

    #[test]
    fn item_count_boundaries() {
        assert_eq!(max_items("members", 60, 60), Ok(()));
        assert_eq!(
            kind(max_items("members", 61, 60)),
            ValidationErrorKind::TooManyItems {
                max: 60,
                actual: 61
            }
        );
        assert_eq!(min_items("members", 1, 1), Ok(()));
        assert_eq!(
            kind(min_items("members", 0, 1)),
            ValidationErrorKind::TooFewItems { min: 1, actual: 0 }
        );
    }

    #[test]
    fn range_bounds_are_inclusive() {
        assert_eq!(range("limit", 1, Some(1), Some(50)), Ok(()));
        assert_eq!(range("limit", 50, Some(1), Some(50)), Ok(()));
        assert_eq!(range("limit", i64::MIN, None, Some(0)), Ok(()));
        assert_eq!(range("limit", i64::MAX, None, None), Ok(()));
        assert_eq!(
            kind(range("limit", 51, Some(1), Some(50))),
            ValidationErrorKind::OutOfRange {
                min: Some(1),
                max: Some(50),
                actual: 51
            }
        );
        assert_eq!(
            kind(range("limit", 0, Some(1), None)),
            ValidationErrorKind::OutOfRange {
                min: Some(1),
                max: None,
                actual: 0
            }
        );
    }

    #[test]
    fn non_empty_rejects_empty_and_dot_segments() {
        assert_eq!(non_empty("group_id", "123"), Ok(()));
        assert_eq!(non_empty("group_id", "..."), Ok(()));
        assert_eq!(kind(non_empty("group_id", "")), ValidationErrorKind::Empty);
        assert_eq!(
            kind(non_empty("group_id", ".")),
            ValidationErrorKind::DotSegment
        );
        assert_eq!(
            kind(non_empty("group_id", "..")),
            ValidationErrorKind::DotSegment
        );
    }

    #[test]
    fn each_non_empty_names_the_item() {
        assert_eq!(each_non_empty("ids", &["a", "b"]), Ok(()));
        assert_eq!(each_non_empty::<&str>("ids", &[]), Ok(()));
        let err = each_non_empty("ids", &["a", "", ""]).unwrap_err();
        assert_eq!(err.field, "ids[1]");
        assert_eq!(err.kind, ValidationErrorKind::Empty);
    }

    #[test]
    fn one_of_is_exact() {
        assert_eq!(one_of("type", "txt", &["txt", "img"]), Ok(()));
        assert_eq!(
            kind(one_of("type", "TXT", &["txt", "img"])),
            ValidationErrorKind::NotAllowed {
                allowed: vec!["txt".into(), "img".into()],
                actual: "TXT".into()
            }
        );
    }

    #[test]
    fn max_bytes_boundary() {
        assert_eq!(max_bytes("file", 10 << 20, 10 << 20), Ok(()));
        assert_eq!(
            kind(max_bytes("file", (10 << 20) + 1, 10 << 20)),
            ValidationErrorKind::TooLarge {
                max_bytes: 10 << 20,
                actual: (10 << 20) + 1
            }
        );
    }

    #[test]
    fn utf8_bytes_are_counted_not_chars() {
        assert_eq!(max_utf8_bytes("ext", &"a".repeat(1024), 1024), Ok(()));
        // 342 three-byte characters: 1026 bytes.
        assert_eq!(
            kind(max_utf8_bytes("ext", &"用".repeat(342), 1024)),
            ValidationErrorKind::TooLarge {
                max_bytes: 1024,
                actual: 1026
            }
        );
    }

    #[test]
    fn map_entries_check_keys_and_values_and_name_the_entry() {
        let keys = TextRule {
            max_chars: Some(4),
            max_bytes: None,
            extra_chars: Some("_-."),
        };
        let values = TextRule {
            max_chars: None,
            max_bytes: Some(4),
            extra_chars: None,
        };
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let ok = map(&[("a_b", "1234"), ("x.-", "")]);
        assert_eq!(map_entries("meta", &ok, &keys, &values), Ok(()));

        let err = map_entries("meta", &map(&[("abcde", "v")]), &keys, &values).unwrap_err();
        assert_eq!(err.field, r#"meta.keys["abcde"]"#);
        assert_eq!(err.kind, ValidationErrorKind::TooLong { max: 4, actual: 5 });

        let err = map_entries("meta", &map(&[("a b", "v")]), &keys, &values).unwrap_err();
        assert_eq!(
            err.kind,
            ValidationErrorKind::InvalidCharacter {
                found: ' ',
                allowed_besides_alphanumerics: "_-.".into()
            }
        );
        assert!(err.to_string().contains("`_-.`"), "{err}");

        // Three characters, five bytes.
        let err = map_entries("meta", &map(&[("k", "éé1")]), &keys, &values).unwrap_err();
        assert_eq!(err.field, r#"meta["k"]"#);
        assert_eq!(
            err.kind,
            ValidationErrorKind::TooLarge {
                max_bytes: 4,
                actual: 5
            }
        );
    }

    #[test]
    fn username_accepts_the_allowed_alphabet() {
        assert_eq!(username("username", "Aa_.-9", &RULE), Ok(()));
        assert_eq!(username("username", "a", &RULE), Ok(()));
        assert_eq!(username("username", &"a".repeat(64), &RULE), Ok(()));
    }

    #[test]
    fn username_rejections() {
        let cases = [
            ("", "must not be empty"),
            (&"a".repeat(65), "65 characters, at most 64 allowed"),
            ("a/b", "'/'"),
            ("a b", "' '"),
            ("ä", "'ä'"),
            ("a@b", "'@'"),
        ];
        for (value, expected) in cases {
            match kind(username("username", value, &RULE)) {
                ValidationErrorKind::InvalidUsername { reason } => {
                    assert!(reason.contains(expected), "{value:?}: {reason}");
                }
                other => panic!("{value:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn username_min_len_above_one() {
        let rule = UsernameRule {
            min_len: 3,
            max_len: 5,
            extra_chars: "",
        };
        assert_eq!(username("u", "abc", &rule), Ok(()));
        let err = username("u", "ab", &rule).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `u`: not a valid username: 2 characters, at least 3 required"
        );
        assert!(username("u", "a_c", &rule).is_err());
    }

    #[test]
    fn usernames_names_the_first_bad_item() {
        assert_eq!(usernames("members", &["a", "b"], &RULE), Ok(()));
        let err = usernames("members", &["ok", "also_ok", "not ok", ""], &RULE).unwrap_err();
        assert_eq!(err.field, "members[2]");
        assert!(matches!(
            err.kind,
            ValidationErrorKind::InvalidUsername { .. }
        ));
    }
}
