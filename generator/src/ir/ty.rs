//! Resolved types and the documented limits of values.

/// Index of an object type in [`Ir::objects`](super::Ir::objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(pub usize);

/// Index of a closed set in [`Ir::enums`](super::Ir::enums).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnumId(pub usize);

/// Index of a tagged union in [`Ir::unions`](super::Ir::unions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnionId(pub usize);

/// The type of a value, with every object reference resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
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
    Array(Box<Ty>),
    /// A JSON object with arbitrary keys.
    Map(Box<Ty>),
    /// An object type.
    Object(ObjectId),
    /// One value of a closed set.
    Enum(EnumId),
    /// A tagged union; a field of this type stands for two keys of its
    /// object (the tag and the content).
    Union(UnionId),
    /// A type of the callbacks the server sends (`spec/callbacks/`).
    Callback(super::callbacks::CallbackTypeId),
}

impl Ty {
    /// True for types whose values are strings on the wire.
    pub fn is_stringy(&self) -> bool {
        matches!(self, Ty::String | Ty::Username)
    }

    /// A single string, number or boolean: what a form value, a query
    /// parameter or a header can be.
    pub fn is_scalar(&self) -> bool {
        self.is_stringy() || matches!(self, Ty::Integer | Ty::Number | Ty::Boolean | Ty::Enum(_))
    }

    /// The element type of an array, if this is one.
    pub fn item(&self) -> Option<&Ty> {
        match self {
            Ty::Array(inner) => Some(inner),
            _ => None,
        }
    }
}

/// The documented limits of a field or parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// Maximum length in characters.
    pub max_length: Option<u32>,
    /// Minimum length in characters.
    pub min_length: Option<u32>,
    /// Smallest allowed number.
    pub minimum: Option<i64>,
    /// Largest allowed number.
    pub maximum: Option<i64>,
    /// Maximum number of array items or map entries.
    pub max_items: Option<u32>,
    /// Minimum number of array items or map entries.
    pub min_items: Option<u32>,
    /// Allowed string values.
    pub enumeration: Option<Vec<String>>,
    /// Maximum size in bytes (a file, or a string's UTF-8).
    pub max_bytes: Option<u64>,
    /// Limits of every key of a `map<string>`.
    pub keys: Option<TextLimits>,
    /// Limits of every value of a `map<string>`.
    pub values: Option<TextLimits>,
}

/// Limits of each key or each value of a `map<string>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextLimits {
    /// Maximum length in characters.
    pub max_length: Option<u32>,
    /// Maximum length in bytes of UTF-8.
    pub max_bytes: Option<u64>,
    /// When set, only ASCII letters, digits and these characters.
    pub extra_chars: Option<String>,
}
