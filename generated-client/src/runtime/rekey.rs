//! Decoding an envelope whose payload is under a key other than `data`
//! (`entities`, `result`) straight from the bytes.
//!
//! [`Rekeyed`] wraps a deserializer and renames the keys of the top-level
//! object as they are read: the payload key reads as `data`, so that the
//! generated `Response<T>` decodes it into its `data` field without any
//! intermediate value, and a `data` key the body also carries reads as
//! [`MOVED_DATA`], a name no server sends, which lands in `extra` and is
//! given its own name back afterwards. Nested objects are not touched.
//!
//! The renaming happens above whatever deserializer is wrapped, so wrapping
//! a `serde_path_to_error` deserializer reports paths with the keys as they
//! are on the wire (`entities[3].username`).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};

/// The name the body's own `data` key reads as while the payload is taken
/// from another key. It starts with a NUL character, which no Agora field
/// name contains.
pub(crate) const MOVED_DATA: &str = "\u{0}data";

/// A deserializer whose top-level object presents `key` as `data` and
/// `data` as [`MOVED_DATA`].
pub(crate) struct Rekeyed<D> {
    inner: D,
    key: &'static str,
}

impl<D> Rekeyed<D> {
    /// Wraps `inner`; `key` is where the payload is.
    pub(crate) fn new(inner: D, key: &'static str) -> Self {
        Self { inner, key }
    }
}

/// The name `name` reads as when the payload is under `key`, if it changes.
fn rename(name: &str, key: &'static str) -> Option<&'static str> {
    if name == key {
        Some("data")
    } else if name == "data" {
        Some(MOVED_DATA)
    } else {
        None
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Rekeyed<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner.deserialize_any(TopLevel { visitor, key })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner.deserialize_map(TopLevel { visitor, key })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner
            .deserialize_struct(name, fields, TopLevel { visitor, key })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct enum identifier ignored_any
    }
}

/// The visitor of the top-level value: hands the envelope's visitor a map
/// whose keys are renamed.
struct TopLevel<V> {
    visitor: V,
    key: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TopLevel<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(RekeyedMap { map, key: self.key })
    }
}

/// The top-level object, its keys renamed and its values as they are.
struct RekeyedMap<A> {
    map: A,
    key: &'static str,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for RekeyedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(KeySeed {
            seed,
            key: self.key,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Reads one top-level key through [`KeyDeserializer`].
struct KeySeed<K> {
    seed: K,
    key: &'static str,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer {
            inner: deserializer,
            key: self.key,
        })
    }
}

/// One top-level key, renamed on its way to the visitor.
struct KeyDeserializer<D> {
    inner: D,
    key: &'static str,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner.deserialize_any(KeyVisitor { visitor, key })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner
            .deserialize_identifier(KeyVisitor { visitor, key })
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner.deserialize_str(KeyVisitor { visitor, key })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let key = self.key;
        self.inner.deserialize_string(KeyVisitor { visitor, key })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum ignored_any
    }
}

/// Renames a key read as a string; anything else passes through.
struct KeyVisitor<V> {
    visitor: V,
    key: &'static str,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<V::Value, E> {
        match rename(name, self.key) {
            Some(renamed) => self.visitor.visit_borrowed_str(renamed),
            None => self.visitor.visit_str(name),
        }
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, name: &'de str) -> Result<V::Value, E> {
        match rename(name, self.key) {
            Some(renamed) => self.visitor.visit_borrowed_str(renamed),
            None => self.visitor.visit_borrowed_str(name),
        }
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<V::Value, E> {
        match rename(&name, self.key) {
            Some(renamed) => self.visitor.visit_borrowed_str(renamed),
            None => self.visitor.visit_string(name),
        }
    }

    fn visit_bytes<E: serde::de::Error>(self, name: &[u8]) -> Result<V::Value, E> {
        self.visitor.visit_bytes(name)
    }

    fn visit_borrowed_bytes<E: serde::de::Error>(self, name: &'de [u8]) -> Result<V::Value, E> {
        self.visitor.visit_borrowed_bytes(name)
    }

    fn visit_byte_buf<E: serde::de::Error>(self, name: Vec<u8>) -> Result<V::Value, E> {
        self.visitor.visit_byte_buf(name)
    }

    fn visit_u64<E: serde::de::Error>(self, index: u64) -> Result<V::Value, E> {
        self.visitor.visit_u64(index)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::{MOVED_DATA, Rekeyed};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Envelope {
        data: Option<Vec<u8>>,
        #[serde(flatten)]
        rest: serde_json::Map<String, Value>,
    }

    fn decode(body: &str, key: &'static str) -> Result<Envelope, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let envelope = Envelope::deserialize(Rekeyed::new(&mut deserializer, key))?;
        deserializer.end()?;
        Ok(envelope)
    }

    #[test]
    fn the_payload_key_reads_as_data_and_data_moves_aside() {
        let envelope = decode(
            r#"{"a":1,"data":"x","result":[1,2],"b":{"result":3}}"#,
            "result",
        )
        .expect("decodes");
        assert_eq!(envelope.data, Some(vec![1, 2]));
        assert_eq!(
            Value::Object(envelope.rest),
            json!({"a": 1, MOVED_DATA: "x", "b": {"result": 3}})
        );
    }

    #[test]
    fn nested_keys_and_other_values_are_untouched() {
        let envelope = decode(r#"{"entities":[3],"x":{"data":1}}"#, "entities").unwrap();
        assert_eq!(envelope.data, Some(vec![3]));
        assert_eq!(Value::Object(envelope.rest), json!({"x": {"data": 1}}));
        let absent = decode(r#"{"x":1}"#, "entities").unwrap();
        assert_eq!(absent.data, None);
        assert!(decode("[1]", "entities").is_err());
        assert!(decode(r#"{"entities":[1]} 2"#, "entities").is_err());
    }

    #[test]
    fn paths_name_the_key_on_the_wire() {
        let body = r#"{"entities":[1,"two"]}"#;
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let mut track = serde_path_to_error::Track::new();
        let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
        let error = Envelope::deserialize(Rekeyed::new(tracked, "entities")).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
        assert_eq!(track.path().to_string(), "entities[1]");
    }
}
