//! Checking a JSON value (an example argument, a parameter default) against
//! a type and its documented limits, as the client will check it before
//! sending.

use serde_json::{Map, Value};

use super::Lowerer;
use crate::ir::{Field, Limits, TextLimits, Ty, UnionId, UsernameRule};

/// Problems found: (path suffix below the checked value, message).
pub(super) type Problems = Vec<(String, String)>;

impl Lowerer<'_> {
    /// Checks `value` against `ty` and `limits`, pushing problems with paths
    /// that start with `path`.
    pub(super) fn check_value(
        &self,
        ty: &Ty,
        limits: &Limits,
        value: &Value,
        path: &str,
        out: &mut Problems,
    ) {
        let mismatch = |out: &mut Problems| {
            out.push((
                path.to_string(),
                format!(
                    "expected {}, found {}",
                    self.type_text(ty),
                    json_kind(value)
                ),
            ));
        };
        match (ty, value) {
            (Ty::Any, _) => {}
            (Ty::String | Ty::Username, Value::String(s)) => {
                let chars = s.chars().count() as u64;
                if let Some(max) = limits.max_length
                    && chars > u64::from(max)
                {
                    out.push((
                        path.into(),
                        format!("{chars} characters, at most {max} allowed"),
                    ));
                }
                let bytes = s.len() as u64;
                if let Some(max) = limits.max_bytes
                    && bytes > max
                {
                    out.push((
                        path.into(),
                        format!("{bytes} bytes of UTF-8, at most {max} allowed"),
                    ));
                }
                if let Some(min) = limits.min_length
                    && chars < u64::from(min)
                {
                    out.push((
                        path.into(),
                        format!("{chars} characters, at least {min} required"),
                    ));
                }
                if let Some(allowed) = &limits.enumeration
                    && !allowed.contains(s)
                {
                    out.push((path.into(), format!("`{s}` is not one of {allowed:?}")));
                }
                if *ty == Ty::Username
                    && let Err(msg) = check_username(s, &self.spec.api.username_rule)
                {
                    out.push((path.into(), msg));
                }
            }
            (Ty::Integer, Value::Number(n)) => match n.as_i64() {
                None => mismatch(out),
                Some(v) => check_range(v, limits, path, out),
            },
            (Ty::Number, Value::Number(n)) => {
                if let Some(v) = n.as_f64() {
                    let below = limits.minimum.is_some_and(|m| v < m as f64);
                    let above = limits.maximum.is_some_and(|m| v > m as f64);
                    if below || above {
                        out.push((
                            path.into(),
                            format!("{v} is outside {:?}..={:?}", limits.minimum, limits.maximum),
                        ));
                    }
                }
            }
            (Ty::Boolean, Value::Bool(_)) => {}
            (Ty::BoolOrString, Value::Bool(_) | Value::String(_)) => {}
            (Ty::Array(item), Value::Array(values)) => {
                let n = values.len() as u64;
                if let Some(max) = limits.max_items
                    && n > u64::from(max)
                {
                    out.push((path.into(), format!("{n} items, at most {max} allowed")));
                }
                if let Some(min) = limits.min_items
                    && n < u64::from(min)
                {
                    out.push((path.into(), format!("{n} items, at least {min} required")));
                }
                for (i, v) in values.iter().enumerate() {
                    self.check_value(item, &Limits::default(), v, &format!("{path}[{i}]"), out);
                }
            }
            (Ty::Map(item), Value::Object(map)) => {
                let n = map.len() as u64;
                if let Some(max) = limits.max_items
                    && n > u64::from(max)
                {
                    out.push((path.into(), format!("{n} entries, at most {max} allowed")));
                }
                for (k, v) in map {
                    let entry = format!("{path}.{k}");
                    if let Some(keys) = &limits.keys
                        && let Some(problem) = check_text(k, keys)
                    {
                        out.push((entry.clone(), format!("key: {problem}")));
                    }
                    self.check_value(item, &Limits::default(), v, &entry, out);
                    if let (Some(values), Value::String(text)) = (&limits.values, v)
                        && let Some(problem) = check_text(text, values)
                    {
                        out.push((entry, problem));
                    }
                }
            }
            (Ty::Object(id), Value::Object(map)) => {
                self.check_fields(&self.objects[id.0].fields, map, path, out);
            }
            (Ty::Enum(id), Value::String(_) | Value::Number(_)) => {
                let set = &self.enums[id.0];
                let listed: Vec<Value> = set.values.iter().map(|v| v.value.to_json()).collect();
                if !listed.contains(value) {
                    let listed: Vec<String> = listed.iter().map(Value::to_string).collect();
                    out.push((
                        path.into(),
                        format!("{value} is not one of {} ({})", set.name, listed.join(", ")),
                    ));
                }
            }
            _ => mismatch(out),
        }
    }
}

impl Lowerer<'_> {
    /// Checks the members of an object against its fields: required ones
    /// present, each value against its field. A union field takes two
    /// members, its tag and its content.
    pub(super) fn check_fields(
        &self,
        fields: &[Field],
        map: &Map<String, Value>,
        path: &str,
        out: &mut Problems,
    ) {
        for f in fields {
            if f.required && !map.contains_key(&f.wire_name) {
                out.push((
                    format!("{path}.{}", f.wire_name),
                    "missing required field".into(),
                ));
            }
            if let Ty::Union(id) = &f.ty {
                if map.contains_key(&f.wire_name) {
                    self.check_union(*id, map, path, out);
                }
            }
        }
        for (k, v) in map {
            match fields.iter().find(|f| &f.wire_name == k) {
                Some(f) if !matches!(f.ty, Ty::Union(_)) => {
                    self.check_value(&f.ty, &f.limits, v, &format!("{path}.{k}"), out)
                }
                _ => {}
            }
        }
    }

    /// The keys a union field of `fields` takes besides its own name: the
    /// union's tags.
    pub(super) fn union_tags<'f>(&'f self, fields: &'f [Field]) -> impl Iterator<Item = &'f str> {
        fields.iter().filter_map(|f| match &f.ty {
            Ty::Union(id) => Some(self.unions[id.0].tag.as_str()),
            _ => None,
        })
    }

    /// A union inside `parent`: the tag names a variant, the content fits it.
    fn check_union(
        &self,
        id: UnionId,
        parent: &Map<String, Value>,
        path: &str,
        out: &mut Problems,
    ) {
        let union = &self.unions[id.0];
        let tag_path = format!("{path}.{}", union.tag);
        let content_path = format!("{path}.{}", union.content);
        let variant = match parent.get(&union.tag) {
            None => {
                out.push((
                    tag_path,
                    format!("missing: it names the {} variant", union.name),
                ));
                return;
            }
            Some(Value::String(tag)) => match union.variants.iter().find(|v| &v.value == tag) {
                Some(variant) => variant,
                None => {
                    let values: Vec<&str> =
                        union.variants.iter().map(|v| v.value.as_str()).collect();
                    out.push((
                        tag_path,
                        format!(
                            "`{tag}` is not a variant of {} ({})",
                            union.name,
                            values.join(", ")
                        ),
                    ));
                    return;
                }
            },
            Some(other) => {
                out.push((
                    tag_path,
                    format!("expected a string, found {}", json_kind(other)),
                ));
                return;
            }
        };
        match parent.get(&union.content) {
            Some(Value::Object(content)) => {
                self.check_fields(&variant.fields, content, &content_path, out)
            }
            Some(other) => out.push((
                content_path,
                format!("expected an object, found {}", json_kind(other)),
            )),
            None => out.push((content_path, "missing".into())),
        }
    }
}

fn check_range(v: i64, limits: &Limits, path: &str, out: &mut Problems) {
    if let Some(min) = limits.minimum
        && v < min
    {
        out.push((path.into(), format!("{v} is below the minimum {min}")));
    }
    if let Some(max) = limits.maximum
        && v > max
    {
        out.push((path.into(), format!("{v} is above the maximum {max}")));
    }
}

/// The first limit of `l` that `text` breaks, described.
fn check_text(text: &str, l: &TextLimits) -> Option<String> {
    let chars = text.chars().count() as u64;
    let bytes = text.len() as u64;
    if let Some(max) = l.max_length
        && chars > u64::from(max)
    {
        return Some(format!("{chars} characters, at most {max} allowed"));
    }
    if let Some(max) = l.max_bytes
        && bytes > max
    {
        return Some(format!("{bytes} bytes of UTF-8, at most {max} allowed"));
    }
    let extra = l.extra_chars.as_deref()?;
    text.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || extra.contains(*c)))
        .map(|c| format!("`{c}` is not an ASCII letter, a digit or one of `{extra}`"))
}

/// The username rule, as the client checks it before sending.
pub(super) fn check_username(s: &str, rule: &UsernameRule) -> Result<(), String> {
    let n = s.chars().count() as u32;
    if n < rule.min_length || n > rule.max_length {
        return Err(format!(
            "username `{s}` has {n} characters, {}..={} allowed",
            rule.min_length, rule.max_length
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || rule.extra_chars.contains(*c)))
    {
        return Err(format!("username `{s}` contains `{bad}`"));
    }
    Ok(())
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_rule() {
        let rule = UsernameRule {
            min_length: 1,
            max_length: 64,
            extra_chars: "_.-".into(),
            case_insensitive: true,
            source: crate::ir::Source {
                page: "p".into(),
                section: "s".into(),
            },
        };
        assert!(check_username("Aa_.-9", &rule).is_ok());
        assert!(check_username("a/b", &rule).unwrap_err().contains("`/`"));
        assert!(check_username("", &rule).is_err());
        assert!(check_username(&"a".repeat(65), &rule).is_err());
    }

    #[test]
    fn text_limits_name_the_first_problem() {
        let l = TextLimits {
            max_length: Some(3),
            max_bytes: None,
            extra_chars: Some("_".into()),
        };
        assert_eq!(
            check_text("abcd", &l).unwrap(),
            "4 characters, at most 3 allowed"
        );
        assert!(check_text("a b", &l).unwrap().contains("` `"));
        assert_eq!(check_text("a_b", &l), None);
    }
}
