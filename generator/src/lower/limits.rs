//! Documented limits: gathered from a field or parameter, and checked to fit
//! the type they constrain.

use super::{At, Lowerer};
use crate::ir::{Limits, TextLimits, Ty};
use crate::spec::model;

/// The limits declared on a field.
pub(super) fn of_field(f: &model::Field) -> Limits {
    Limits {
        max_length: f.max_length,
        min_length: f.min_length,
        minimum: f.minimum,
        maximum: f.maximum,
        max_items: f.max_items,
        min_items: f.min_items,
        enumeration: f.enumeration.clone(),
        max_bytes: f.max_bytes,
        keys: f.keys.as_ref().map(text),
        values: f.values.as_ref().map(text),
    }
}

/// The limits declared on a parameter.
pub(super) fn of_param(p: &model::Param) -> Limits {
    Limits {
        max_length: p.max_length,
        min_length: p.min_length,
        minimum: p.minimum,
        maximum: p.maximum,
        max_items: p.max_items,
        min_items: p.min_items,
        enumeration: p.enumeration.clone(),
        max_bytes: p.max_bytes,
        keys: None,
        values: None,
    }
}

fn text(l: &model::TextLimits) -> TextLimits {
    TextLimits {
        max_length: l.max_length,
        max_bytes: l.max_bytes,
        extra_chars: l.extra_chars.clone(),
    }
}

impl Lowerer<'_> {
    /// Limits must fit the type they constrain and describe a non-empty
    /// range. `list`: the value is a comma-list path parameter.
    pub(super) fn limits(&mut self, at: &At, field: &str, ty: &Ty, l: &Limits, list: bool) {
        let stringy = ty.is_stringy();
        let numeric = matches!(ty, Ty::Integer | Ty::Number);
        let items = matches!(ty, Ty::Array(_) | Ty::Map(_)) || list;
        let checks: [(&str, bool, bool); 5] = [
            (
                "max_length",
                l.max_length.is_some() || l.min_length.is_some(),
                stringy,
            ),
            (
                "minimum",
                l.minimum.is_some() || l.maximum.is_some(),
                numeric,
            ),
            (
                "max_items",
                l.max_items.is_some() || l.min_items.is_some(),
                items && !list,
            ),
            ("enum", l.enumeration.is_some(), stringy),
            (
                "max_bytes",
                l.max_bytes.is_some(),
                *ty == Ty::File || stringy,
            ),
        ];
        for (name, present, fits) in checks {
            if present && !fits {
                let text = self.type_text(ty);
                self.report(
                    at,
                    format!("{field}.{name}"),
                    format!("does not apply to type `{text}`"),
                );
            }
        }
        let ranges = [
            (
                "length",
                l.min_length.map(i64::from),
                l.max_length.map(i64::from),
            ),
            ("value", l.minimum, l.maximum),
            (
                "items",
                l.min_items.map(i64::from),
                l.max_items.map(i64::from),
            ),
        ];
        for (what, min, max) in ranges {
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                self.report(at, field, format!("{what} range {min}..={max} is empty"));
            }
        }
        if l.max_length == Some(0) || l.max_items == Some(0) || l.max_bytes == Some(0) {
            self.report(
                at,
                field,
                "a maximum of 0 allows nothing; leave it out or fix it",
            );
        }
        if let Some(values) = &l.enumeration
            && values.is_empty()
        {
            self.report(
                at,
                format!("{field}.enum"),
                "an enum needs at least one value",
            );
        }
        let string_map = matches!(ty, Ty::Map(inner) if inner.is_stringy());
        for (name, text) in [("keys", &l.keys), ("values", &l.values)] {
            let Some(text) = text else { continue };
            if !string_map {
                let ty_text = self.type_text(ty);
                self.report(
                    at,
                    format!("{field}.{name}"),
                    format!("applies to `map<string>` fields only, not `{ty_text}`"),
                );
            }
            if text.max_length == Some(0) || text.max_bytes == Some(0) {
                self.report(
                    at,
                    format!("{field}.{name}"),
                    "a maximum of 0 allows nothing; leave it out or fix it",
                );
            }
        }
    }
}
