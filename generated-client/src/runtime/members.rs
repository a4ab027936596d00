//! Decoding a JSON object into a struct of named members that keeps the
//! unknown ones in an [`Extra`], and encoding it back: the pieces the
//! generated `Deserialize` and `Serialize` impls of the response, callback
//! and request-body structs are made of.
//!
//! serde's derive would do the same from `#[serde(flatten)] extra`, but it
//! buffers every member name as a `Content` value so that the flattened
//! field can see the unknown ones, and it expands to about 300 lines per
//! struct for `Deserialize` and 36 for `Serialize`: more than half of the
//! crate's code after macro expansion, paid for on every build. A generated
//! impl is a `match` on the member name calling these functions (or one
//! call per member to encode it), a sixth of that, and it decodes each
//! member straight into its slot.

use std::fmt;

use serde::de::{Error, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::Extra;

/// A member name: borrowed from the input when the deserializer can lend
/// it (`serde_json::from_slice` does for every name without escapes), so
/// that a known member costs no allocation.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    /// The name, to match on.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(name) => name,
            Key::Owned(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    #[inline]
    fn visit_borrowed_str<E: Error>(self, name: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(name))
    }

    #[inline]
    fn visit_str<E: Error>(self, name: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(name.to_owned()))
    }

    #[inline]
    fn visit_string<E: Error>(self, name: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(name))
    }
}

/// Decodes the value of the member `name` into `slot`; a member sent twice
/// is an error, as with serde's derive.
#[inline]
pub(crate) fn next<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Keeps the value of a member the struct does not describe.
pub(crate) fn keep<'de, A: MapAccess<'de>>(
    extra: &mut Extra,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error> {
    let value: Value = map.next_value()?;
    let name = match key {
        Key::Borrowed(name) => name.to_owned(),
        Key::Owned(name) => name,
    };
    extra.insert(name, value);
    Ok(())
}

/// The value of a required member, or serde's "missing field" error.
#[inline]
pub(crate) fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A struct being encoded as a map of its members, in the order they are
/// written, as serde's derive writes a struct with a flattened field (and,
/// for JSON, exactly as it writes any struct).
pub(crate) struct Out<M>(M);

impl<M: SerializeMap> Out<M> {
    /// Starts the map.
    #[inline]
    pub(crate) fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(
        serializer: S,
    ) -> Result<Self, M::Error> {
        serializer.serialize_map(None).map(Out)
    }

    /// A member that is always written.
    #[inline]
    pub(crate) fn member<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(name, value)
    }

    /// A member that is left out when it is `None`.
    #[inline]
    pub(crate) fn optional<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.0.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// Members by name after the described ones: the unknown ones of an
    /// [`Extra`], or the pairs added to an open-ended request body.
    pub(crate) fn pairs<K: Serialize, V: Serialize>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), M::Error> {
        pairs
            .into_iter()
            .try_for_each(|(name, value)| self.0.serialize_entry(&name, &value))
    }

    /// Ends the map.
    #[inline]
    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

/// The tag and the content of an adjacently tagged union's value
/// (`{tag: "value", content: {...}}`), if it has both and the tag is a
/// string.
pub(crate) fn adjacent<'v>(
    value: &'v Value,
    tag: &str,
    content: &str,
) -> Option<(&'v str, &'v Value)> {
    let object = value.as_object()?;
    Some((object.get(tag)?.as_str()?, object.get(content)?))
}

/// The tag of an internally tagged union's value (`{tag: "value", ...}`),
/// if it has a string one, and the value, which holds the members. (Only
/// callbacks have such unions.)
#[cfg(feature = "webhook")]
pub(crate) fn internal<'v>(value: &'v Value, tag: &str) -> Option<(&'v str, &'v Value)> {
    Some((value.as_object()?.get(tag)?.as_str()?, value))
}

#[cfg(test)]
mod tests {
    use serde::de::{Deserializer, MapAccess, Visitor};
    use serde_json::json;

    use super::*;

    /// What the generator writes (`emit/rust/members.rs`) for a struct with
    /// a required member, an optional renamed one and the unknown ones.
    #[derive(Debug, PartialEq)]
    struct Item {
        member: String,
        room_id: Option<i64>,
        extra: Extra,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Members;
            impl<'de> Visitor<'de> for Members {
                type Value = Item;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Item")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                    let mut member = None;
                    let mut room_id = None;
                    let mut extra = Extra::new();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "member" => next(&mut member, "member", &mut map)?,
                            "roomId" => next(&mut room_id, "roomId", &mut map)?,
                            _ => keep(&mut extra, key, &mut map)?,
                        }
                    }
                    Ok(Item {
                        member: required(member, "member")?,
                        room_id: room_id.unwrap_or_default(),
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(Members)
        }
    }

    impl Serialize for Item {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut out = Out::new(serializer)?;
            out.member("member", &self.member)?;
            out.optional("roomId", &self.room_id)?;
            out.pairs(self.extra.iter())?;
            out.end()
        }
    }

    /// What the generator writes for an open-ended request body: pairs
    /// added after the fields, no unknown members.
    struct Body {
        name: String,
        note: Option<String>,
        additional: std::collections::BTreeMap<String, i64>,
    }

    impl Serialize for Body {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut out = Out::new(serializer)?;
            out.member("name", &self.name)?;
            out.optional("note", &self.note)?;
            out.pairs(&self.additional)?;
            out.end()
        }
    }

    /// The same struct as serde's derive sees it, to hold the impl to.
    mod derived {
        use super::Extra;

        #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
        pub(super) struct Item {
            pub(super) member: String,
            #[serde(rename = "roomId", default, skip_serializing_if = "Option::is_none")]
            pub(super) room_id: Option<i64>,
            #[serde(flatten)]
            pub(super) extra: Extra,
        }

        #[derive(serde::Serialize)]
        pub(super) struct Body {
            pub(super) name: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub(super) note: Option<String>,
            #[serde(flatten)]
            pub(super) additional: std::collections::BTreeMap<String, i64>,
        }
    }

    fn both(body: &str) -> (Result<Item, String>, Result<derived::Item, String>) {
        (
            serde_json::from_str(body).map_err(|e| e.to_string()),
            serde_json::from_str(body).map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn decodes_as_the_derive_does() {
        for body in [
            r#"{"member":"u1"}"#,
            r#"{"roomId":7,"member":"u1"}"#,
            r#"{"member":"u1","roomId":null}"#,
            r#"{"zeta":1,"member":"u1","alpha":{"n":[true]},"mid":null}"#,
            r#"{"mem\u0062er":"escaped name"}"#,
        ] {
            let (ours, derived) = both(body);
            let derived = derived.unwrap();
            let ours = ours.unwrap();
            assert_eq!(
                (&ours.member, ours.room_id, &ours.extra),
                (&derived.member, derived.room_id, &derived.extra),
                "{body}"
            );
        }
    }

    #[test]
    fn fails_as_the_derive_does() {
        for body in [
            r#"{"roomId":7}"#,
            r#"{"member":"a","member":"b"}"#,
            r#"{"member":1}"#,
            r#"{"member":"u1","roomId":"x"}"#,
            r#"["u1"]"#,
            r#""u1""#,
            r#"{"member":"u1""#,
        ] {
            let (ours, derived) = both(body);
            assert_eq!(ours.unwrap_err(), derived.unwrap_err(), "{body}");
        }
    }

    #[test]
    fn unknown_members_keep_their_order() {
        let item: Item = serde_json::from_str(r#"{"z":1,"member":"u1","a":2}"#).unwrap();
        assert_eq!(item.extra.keys().collect::<Vec<_>>(), ["z", "a"]);
        let item: Item = serde_json::from_value(json!({"member": "u1"})).unwrap();
        assert!(item.extra.is_empty());
        assert_eq!(item.extra, Extra::new());
    }

    #[test]
    fn decodes_from_a_value_and_tracks_the_path_of_a_failure() {
        let item: Item = serde_json::from_value(json!({"member": "u1", "x": [1]})).unwrap();
        assert_eq!(item.extra.get("x"), Some(&json!([1])));
        let body = br#"{"member":"u1","roomId":"seven"}"#;
        let mut de = serde_json::Deserializer::from_slice(body);
        let error = serde_path_to_error::deserialize::<_, Item>(&mut de).unwrap_err();
        assert_eq!(error.path().to_string(), "roomId");
    }

    #[test]
    fn encodes_as_the_derive_does() {
        for body in [
            r#"{"member":"u1"}"#,
            r#"{"roomId":7,"member":"u1"}"#,
            r#"{"zeta":1,"member":"u1","alpha":{"n":[true]},"mid":null,"roomId":-3}"#,
        ] {
            let ours: Item = serde_json::from_str(body).unwrap();
            let derived: derived::Item = serde_json::from_str(body).unwrap();
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&derived).unwrap(),
                "{body}"
            );
            assert_eq!(
                serde_json::to_value(&ours).unwrap(),
                serde_json::to_value(&derived).unwrap(),
                "{body}"
            );
        }
        for (note, additional) in [(None, vec![]), (Some("n"), vec![("b", 2), ("a", 1)])] {
            let additional: std::collections::BTreeMap<String, i64> = additional
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect();
            let ours = Body {
                name: "x".to_owned(),
                note: note.map(str::to_owned),
                additional: additional.clone(),
            };
            let derived = derived::Body {
                name: "x".to_owned(),
                note: note.map(str::to_owned),
                additional,
            };
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&derived).unwrap()
            );
        }
    }
}
