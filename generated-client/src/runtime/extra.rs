//! [`Extra`]: the fields of a JSON object that its Rust type does not
//! describe.
//!
//! Every response struct keeps such fields so that nothing the server sends
//! is lost. Almost every object arrives without any, and a page of 1000 chat
//! room members decodes 1000 structs, so the empty case must cost nothing:
//! `Extra` is one pointer wide and allocates only when the first unknown
//! field arrives. (An inline `serde_json::Map` is an `IndexMap` with its own
//! hasher state under the `preserve_order` feature: larger, and built for
//! every struct even when empty.)

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Fields the server sent that the spec does not describe, in the order they
/// arrived.
///
/// It reads like a map (`get`, `iter`, `len`), converts to and from
/// [`serde_json::Map`], and is re-encoded in place when the owning struct
/// is serialized, so a value decoded and encoded again keeps every field.
///
/// ```
/// use agora_chat::Extra;
///
/// let mut extra = Extra::new();
/// assert!(extra.is_empty());
/// extra.insert("newFlag", serde_json::json!(true));
/// assert_eq!(extra.get("newFlag"), Some(&serde_json::json!(true)));
/// assert_eq!(extra.len(), 1);
/// ```
#[derive(Clone, Default)]
pub struct Extra(Option<Box<Map<String, Value>>>);

impl Extra {
    /// No fields; does not allocate.
    pub const fn new() -> Self {
        Extra(None)
    }

    /// Whether there are no unknown fields.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// How many unknown fields there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// The value of the field named `key`, if the server sent it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// A mutable reference to the value of the field named `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.as_mut()?.get_mut(key)
    }

    /// Whether the server sent a field named `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Adds or replaces a field, returning the value it replaced.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0
            .get_or_insert_with(Box::default)
            .insert(key.into(), value)
    }

    /// Removes a field, keeping the order of the others, and returns its
    /// value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.as_mut()?.shift_remove(key)
    }

    /// The fields, in the order they arrived.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|map| map.iter())
    }

    /// The field names, in the order they arrived.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.iter().map(|(key, _)| key)
    }

    /// The fields as a JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map_or_else(Map::new, |map| *map)
    }
}

impl PartialEq for Extra {
    /// Equal when both hold the same fields; an emptied `Extra` equals a new
    /// one.
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            _ => self.is_empty() && other.is_empty(),
        }
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            Extra(None)
        } else {
            Extra(Some(Box::new(map)))
        }
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Extra::from(Map::from_iter(iter))
    }
}

impl Extend<(String, Value)> for Extra {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.insert(key, value);
        }
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl Serialize for Extra {
    /// As a map, which `#[serde(flatten)]` writes into the owning object.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ExtraVisitor)
    }
}

struct ExtraVisitor;

impl<'de> Visitor<'de> for ExtraVisitor {
    type Value = Extra;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Extra, A::Error> {
        // The common case, no unknown field, returns before any allocation.
        let Some((key, value)) = access.next_entry::<String, Value>()? else {
            return Ok(Extra(None));
        };
        let mut map = Map::new();
        map.insert(key, value);
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            map.insert(key, value);
        }
        Ok(Extra(Some(Box::new(map))))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// How a generated response struct declares it.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        member: String,
        #[serde(flatten)]
        extra: Extra,
    }

    #[test]
    fn one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Extra>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn known_fields_only_leave_it_empty_and_unallocated() {
        let item: Item = serde_json::from_value(json!({"member": "u1"})).unwrap();
        assert!(item.extra.is_empty());
        assert!(item.extra.0.is_none());
    }

    #[test]
    fn unknown_fields_are_kept_in_order_and_written_back() {
        let body = r#"{"zeta":1,"member":"u1","alpha":{"n":[true]},"mid":null}"#;
        let item: Item = serde_json::from_str(body).unwrap();
        assert_eq!(item.extra.len(), 3);
        assert_eq!(item.extra.get("alpha"), Some(&json!({"n": [true]})));
        assert_eq!(item.extra.get("mid"), Some(&Value::Null));
        assert!(!item.extra.contains_key("member"));
        let keys: Vec<&str> = item.extra.keys().map(String::as_str).collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
        let again: Value = serde_json::to_value(&item).unwrap();
        assert_eq!(
            again,
            json!({"member": "u1", "zeta": 1, "alpha": {"n": [true]}, "mid": null})
        );
    }

    #[test]
    fn edits_keep_order_and_emptied_equals_new() {
        let mut extra: Extra = [("a".to_owned(), json!(1)), ("b".to_owned(), json!(2))]
            .into_iter()
            .collect();
        extra.insert("c", json!(3));
        assert_eq!(extra.insert("a", json!(10)), Some(json!(1)));
        assert_eq!(extra.remove("b"), Some(json!(2)));
        assert_eq!(extra.remove("missing"), None);
        *extra.get_mut("c").unwrap() = json!(30);
        assert_eq!(
            format!("{extra:?}"),
            r#"{"a": Number(10), "c": Number(30)}"#
        );
        let map: Map<String, Value> = extra.clone().into();
        assert_eq!(Value::Object(map), json!({"a": 10, "c": 30}));
        extra.remove("a");
        extra.remove("c");
        assert!(extra.is_empty());
        assert_eq!(extra, Extra::new());
        assert_eq!(Extra::from(Map::new()), Extra::default());
        assert_ne!(Extra::from_iter([("a".to_owned(), json!(1))]), Extra::new());
    }

    #[test]
    fn a_non_object_is_a_clear_error() {
        let error = serde_json::from_str::<Extra>("[1]").unwrap_err();
        assert!(
            error.to_string().contains("expected a JSON object"),
            "{error}"
        );
    }
}
