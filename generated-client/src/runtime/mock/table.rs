//! The shapes of the tables the mock emitter writes into
//! `src/generated/mock.rs`: one [`OpSpec`] per operation, derived from the
//! IR, so that every check of the mock server is driven by the spec and no
//! operation has a hand-written rule.

use crate::runtime::validate::TextRule;

/// One operation as the mock server checks and answers it.
pub(crate) struct OpSpec {
    /// The operation id, e.g. `get_user`.
    pub id: &'static str,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path template, for messages.
    pub template: &'static str,
    /// Whether the request must carry a bearer token (token requests carry
    /// their credentials in the body instead).
    pub auth: bool,
    /// The path after `/{org_name}/{app_name}`, segment by segment.
    pub path: &'static [Seg],
    /// Path (in path order), query and header parameters.
    pub params: &'static [ParamSpec],
    /// The request body, if the operation takes one.
    pub body: Option<BodySpec>,
    /// How a successful response is shaped, and the default one.
    pub response: ResponseSpec,
    /// How the operation pages, if it does.
    pub page: Option<PageSpec>,
    /// Whether the arguments decode as the operation's typed call; the
    /// error names the field.
    pub decode: fn(&serde_json::Value) -> Result<(), String>,
}

/// One segment of a path template.
pub(crate) enum Seg {
    /// Literal text.
    Lit(&'static str),
    /// The path parameter of this wire name.
    Param(&'static str),
}

/// Where a parameter goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    /// A path placeholder.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// A path, query or header parameter.
pub(crate) struct ParamSpec {
    /// Where it goes.
    pub loc: Loc,
    /// Its wire name.
    pub name: &'static str,
    /// Its type (of each item, for comma lists).
    pub ty: TyDesc,
    /// Whether the request must carry it.
    pub required: bool,
    /// Documented limits.
    pub limits: LimitSpec,
    /// For comma-joined path lists: the most values.
    pub list_max: Option<u32>,
}

/// A field of a body or of a request object.
pub(crate) struct FieldSpec {
    /// The JSON key or part name.
    pub name: &'static str,
    /// Its type.
    pub ty: TyDesc,
    /// Whether the request must carry it.
    pub required: bool,
    /// Documented limits.
    pub limits: LimitSpec,
}

/// How a request body is encoded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKindSpec {
    /// A JSON object.
    Json,
    /// A JSON array: the one field is the whole body.
    JsonArray,
    /// `multipart/form-data`.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    Form,
}

/// A request body.
pub(crate) struct BodySpec {
    /// Its encoding.
    pub kind: BodyKindSpec,
    /// Its fields.
    pub fields: &'static [FieldSpec],
    /// The type of open-ended pairs besides the fields, when allowed.
    pub additional: Option<TyDesc>,
}

/// The type of a value. The spec need not use every variant.
#[allow(dead_code)]
pub(crate) enum TyDesc {
    /// Any string.
    String,
    /// A string following the username rule.
    Username,
    /// A 64-bit integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Any JSON.
    Any,
    /// A boolean, or a string like `"success"`.
    BoolOrString,
    /// A file part of a multipart body.
    File,
    /// An array of items of this type.
    Array(&'static TyDesc),
    /// An object with arbitrary keys and values of this type.
    Map(&'static TyDesc),
    /// The request object at this index of the object table.
    Object(usize),
    /// One of these string values.
    StrEnum(&'static [&'static str]),
    /// One of these integer values.
    IntEnum(&'static [i64]),
    /// The tagged union at this index of the union table.
    Union(usize),
}

/// The documented limits of a value.
pub(crate) struct LimitSpec {
    /// Most characters.
    pub max_length: Option<u32>,
    /// Fewest characters.
    pub min_length: Option<u32>,
    /// Smallest number.
    pub minimum: Option<i64>,
    /// Largest number.
    pub maximum: Option<i64>,
    /// Most items or entries.
    pub max_items: Option<u32>,
    /// Fewest items or entries.
    pub min_items: Option<u32>,
    /// Allowed string values.
    pub enumeration: Option<&'static [&'static str]>,
    /// Most bytes (a file, or a string's UTF-8).
    pub max_bytes: Option<u64>,
    /// Limits of every key of a map.
    pub keys: Option<TextRule>,
    /// Limits of every value of a map.
    pub values: Option<TextRule>,
}

/// No limits at all; generated entries name the limits they set and take
/// the rest from here.
pub(crate) const NO_LIMITS: LimitSpec = LimitSpec {
    max_length: None,
    min_length: None,
    minimum: None,
    maximum: None,
    max_items: None,
    min_items: None,
    enumeration: None,
    max_bytes: None,
    keys: None,
    values: None,
};

/// An object a request may carry.
pub(crate) struct ObjSpec {
    /// Its fields.
    pub fields: &'static [FieldSpec],
}

/// A tagged union a request may carry.
pub(crate) struct UnionSpec {
    /// The key naming the variant.
    pub tag: &'static str,
    /// The key holding the variant's fields.
    pub content: &'static str,
    /// The variants: tag value and fields.
    pub variants: &'static [(&'static str, &'static [FieldSpec])],
}

/// Where a JSON response carries its payload.
#[derive(Clone, Copy)]
pub(crate) enum PayloadSpec {
    /// Under this top-level key.
    Key(&'static str),
    /// The top-level object itself.
    Root,
}

/// How a successful response looks.
pub(crate) struct ResponseSpec {
    /// A file download rather than a JSON envelope.
    pub binary: bool,
    /// Where the payload is.
    pub payload: PayloadSpec,
    /// The payload is an array that always holds one item.
    pub single: bool,
    /// The status of the default response (the first doc example's).
    pub status: u16,
    /// The body of the default response.
    pub body: &'static str,
}

/// How a paged operation pages.
pub(crate) struct PageSpec {
    /// Cursor or page-number pagination.
    pub cursor: bool,
    /// The page-size query parameter.
    pub size_param: &'static str,
    /// The page size when none is sent.
    pub size_default: Option<i64>,
    /// The largest page size honoured.
    pub size_max: Option<i64>,
    /// The cursor or page-number query parameter.
    pub position_param: &'static str,
    /// Where the next cursor goes.
    pub next: NextSpec,
    /// The payload's array field holding the items, when the payload is an
    /// object.
    pub items_field: Option<&'static str>,
}

/// Where a response carries the next cursor.
pub(crate) enum NextSpec {
    /// Page-number pagination has none.
    None,
    /// The envelope's top-level `cursor`.
    Envelope,
    /// A field of the payload object.
    PayloadField(&'static str),
    /// A JSON pointer into the top-level object.
    Extra(&'static str),
}

/// Every table of the spec.
pub(crate) struct ApiSpec {
    /// Every operation, in spec order.
    pub operations: &'static [OpSpec],
    /// Request objects, by the index [`TyDesc::Object`] holds.
    pub objects: &'static [ObjSpec],
    /// Unions, by the index [`TyDesc::Union`] holds.
    pub unions: &'static [UnionSpec],
    /// Documented error codes and their statuses.
    pub error_statuses: &'static [(&'static str, u16)],
}
