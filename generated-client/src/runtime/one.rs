//! A payload the docs show as an array that always holds exactly one item
//! (the user just registered, the file just uploaded): decoded from that
//! array, so that operations can give the item itself, and a response with
//! no item or with several is a decode error rather than a silently
//! dropped value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// The one item of a one-item array.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct One<T>(pub(crate) T);

impl<T> One<T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for One<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneVisitor<T> {
            type Value = One<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of exactly one item")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<One<T>, A::Error> {
                let item = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "expected an array of exactly one item, found more",
                    ));
                }
                Ok(One(item))
            }
        }

        deserializer.deserialize_seq(OneVisitor(PhantomData))
    }
}

impl<T: Serialize> Serialize for One<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(1))?;
        seq.serialize_element(&self.0)?;
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::One;

    #[test]
    fn exactly_one_item_decodes() {
        let one: One<u8> = serde_json::from_str("[7]").unwrap();
        assert_eq!(one.into_inner(), 7);
        assert_eq!(serde_json::to_string(&One(7)).unwrap(), "[7]");
    }

    #[test]
    fn none_or_several_are_errors() {
        let none = serde_json::from_str::<One<u8>>("[]").unwrap_err();
        assert!(none.to_string().contains("exactly one"), "{none}");
        let two = serde_json::from_str::<One<u8>>("[1, 2]").unwrap_err();
        assert!(two.to_string().contains("found more"), "{two}");
        assert!(serde_json::from_str::<One<u8>>("{\"a\": 1}").is_err());
    }
}
