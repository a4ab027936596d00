//! Answers one page of a paged operation from a list of items, the way the
//! server pages: page size and position from the request, the next cursor
//! where the spec puts it.

use serde_json::{Map, Value};

use super::table::{NextSpec, OpSpec};
use super::{Canned, Violation, with_payload};

/// The page size when neither the request nor the spec gives one.
const FALLBACK_PAGE_SIZE: i64 = 10;

/// The response to one page request of `op`, whose arguments are `args`.
pub(super) fn page(op: &OpSpec, items: &[Value], args: &Value) -> Result<Canned, Violation> {
    let problem = |field: &str, message: String| Violation {
        operation: Some(op.id.to_owned()),
        field: field.to_owned(),
        message,
    };
    let Some(spec) = &op.page else {
        return Err(problem("pages", "this operation does not page".to_owned()));
    };
    let size = args
        .get(spec.size_param)
        .and_then(Value::as_i64)
        .or(spec.size_default)
        .unwrap_or(FALLBACK_PAGE_SIZE);
    let size = spec.size_max.map_or(size, |max| size.min(max)).max(1);
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let position = args.get(spec.position_param);
    let start = if spec.cursor {
        match position.and_then(Value::as_str) {
            None | Some("") => 0,
            Some(cursor) => cursor.parse::<usize>().map_err(|_| {
                problem(
                    spec.position_param,
                    format!("{cursor:?} is not a cursor this mock handed out"),
                )
            })?,
        }
    } else {
        let page = position.and_then(Value::as_i64).unwrap_or(1).max(1);
        usize::try_from(page - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(size)
    };
    let start = start.min(items.len());
    let end = start.saturating_add(size).min(items.len());
    let slice = Value::Array(items[start..end].to_vec());
    let next = (spec.cursor && end < items.len()).then(|| Value::String(end.to_string()));
    let payload = match spec.items_field {
        Some(field) => {
            let mut object = Map::new();
            object.insert(field.to_owned(), slice);
            if let (NextSpec::PayloadField(cursor), Some(next)) = (&spec.next, &next) {
                object.insert((*cursor).to_owned(), next.clone());
            }
            Value::Object(object)
        }
        None => slice,
    };
    let mut body = with_payload(op, payload);
    match &spec.next {
        NextSpec::Envelope => set_pointer(&mut body, "/cursor", next),
        NextSpec::Extra(pointer) => set_pointer(&mut body, pointer, next),
        NextSpec::None | NextSpec::PayloadField(_) => {}
    }
    Ok(Canned {
        status: 200,
        body: body.to_string().into_bytes(),
        content_type: "application/json",
        headers: Vec::new(),
    })
}

/// Sets (or, for `None`, removes) the member at a JSON pointer of plain
/// keys, creating the objects on the way.
fn set_pointer(target: &mut Value, pointer: &str, value: Option<Value>) {
    let keys: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut here = target;
    for key in parents {
        let Some(object) = here.as_object_mut() else {
            return;
        };
        here = object
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(object) = here.as_object_mut() {
        match value {
            Some(value) => {
                object.insert((*last).to_owned(), value);
            }
            None => {
                object.remove(*last);
            }
        }
    }
}
