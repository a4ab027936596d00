//! The intermediate representation: the spec after lowering, with every
//! string parsed into a typed value and every reference resolved.
//!
//! The IR is emitter-neutral. It carries wire names (JSON keys, parameter
//! names, operation ids) and the role of each item, never a name of a target
//! language: each emitter derives its own names (see `emit/rust/names.rs`).
//! Emitters read only the IR, never the spec files or their serde model.

pub mod callbacks;
mod example;
mod ty;

use std::path::PathBuf;

use serde_json::Value;

pub use self::example::{Example, ExampleArgs, ExampleResponse, Wire, WireBody};
pub use self::ty::{EnumId, Limits, ObjectId, TextLimits, Ty, UnionId};
pub use crate::path::{PathTemplate, Segment};
pub use crate::spec::model::{
    AuthScheme, BodyKind, Caller, Method, PageKind, Per, ResponseBody, Shape, Source, UsernameRule,
};

/// The whole API.
#[derive(Debug, Clone)]
pub struct Ir {
    /// API-wide facts.
    pub api: Api,
    /// The errata register, in file order.
    pub errata: Vec<Erratum>,
    /// Groups, in file-name order.
    pub groups: Vec<Group>,
    /// Every object type: declared types and the inline objects of
    /// responses, indexed by [`ObjectId`].
    pub objects: Vec<Object>,
    /// Every closed set of values, indexed by [`EnumId`].
    pub enums: Vec<Enum>,
    /// Every tagged union, indexed by [`UnionId`].
    pub unions: Vec<Union>,
    /// Operations grouped by method and path shape, in the order of their
    /// first operation.
    pub routes: Vec<Route>,
    /// The callbacks the server sends, when the spec describes them.
    pub callbacks: Option<callbacks::Callbacks>,
}

/// Facts that hold for every operation.
#[derive(Debug, Clone)]
pub struct Api {
    /// Name of the API.
    pub title: String,
    /// Version of the spec.
    pub version: String,
    /// What the API is for.
    pub description: String,
    /// `https://{host}/{org_name}/{app_name}`.
    pub base_url: String,
    /// The placeholders of `base_url`, in order.
    pub server_variables: Vec<ServerVariable>,
    /// How requests authenticate.
    pub auth_scheme: AuthScheme,
    /// Which token is expected.
    pub auth_description: String,
    /// The top-level fields of every JSON response besides the payload.
    pub envelope: Vec<Field>,
    /// The fields of an error body.
    pub error_body: Vec<Field>,
    /// Documented values of the error body's `error` field.
    pub error_codes: Vec<ErrorCode>,
    /// What a valid username looks like.
    pub username_rule: UsernameRule,
    /// Where the general facts were read.
    pub source: Source,
}

/// A placeholder of the base URL, set once per client.
#[derive(Debug, Clone)]
pub struct ServerVariable {
    /// Its name in `base_url`.
    pub name: String,
    /// What it is.
    pub description: String,
}

/// A documented value of the error body's `error` field.
#[derive(Debug, Clone)]
pub struct ErrorCode {
    /// The string the server sends.
    pub code: String,
    /// The HTTP status it usually comes with.
    pub status: u16,
    /// When it is returned.
    pub description: String,
}

/// One erratum: what the docs say, what is wrong and what the spec does.
#[derive(Debug, Clone)]
pub struct Erratum {
    /// `E001`.
    pub id: String,
    /// The pages involved.
    pub sources: Vec<Source>,
    /// Exact excerpts of the docs.
    pub quotes: Vec<String>,
    /// What is wrong.
    pub problem: String,
    /// What the spec does about it.
    pub choice: String,
}

/// Where an item was written: for messages that point back into the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The spec file, relative to the spec directory.
    pub file: PathBuf,
    /// Line and column of the item, when known.
    pub position: Option<(u64, u64)>,
    /// The operation, type or group it belongs to.
    pub item: String,
}

/// One endpoint group.
#[derive(Debug, Clone)]
pub struct Group {
    /// snake_case name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// What the group covers.
    pub description: String,
    /// Where the group was written.
    pub origin: Origin,
    /// The objects the group defines, declared types first, then the inline
    /// objects of its operations in operation order.
    pub objects: Vec<ObjectId>,
    /// Operations, in file order.
    pub operations: Vec<Operation>,
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Object {
    /// Index of the group that declares it (or whose operation it belongs
    /// to) in [`Ir::groups`].
    pub group: usize,
    /// What it is, which decides how emitters name it.
    pub role: ObjectRole,
    /// The spec's description; inline objects may have none.
    pub description: Option<String>,
    /// Its fields, in spec order.
    pub fields: Vec<Field>,
    /// Where it was written.
    pub origin: Origin,
}

/// A closed set of values, declared under a group's `types`.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Index of the declaring group.
    pub group: usize,
    /// The declared UpperCamelCase name.
    pub name: String,
    /// What the value says.
    pub description: String,
    /// The values, in spec order.
    pub values: Vec<EnumValue>,
    /// Where it was written.
    pub origin: Origin,
}

impl Enum {
    /// True when the values are integers rather than strings.
    pub fn is_integer(&self) -> bool {
        self.values
            .first()
            .is_some_and(|v| matches!(v.value, EnumWire::Integer(_)))
    }
}

/// One value of a closed set.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// The value on the wire.
    pub value: EnumWire,
    /// A name the spec gives it, when the value does not make one.
    pub name: Option<String>,
    /// What it means.
    pub description: String,
}

/// A value of a closed set as it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumWire {
    /// A string value.
    String(String),
    /// An integer value.
    Integer(i64),
}

impl EnumWire {
    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            EnumWire::String(s) => Value::from(s.clone()),
            EnumWire::Integer(i) => Value::from(*i),
        }
    }
}

/// A tagged union, declared under a group's `types`: the value of the
/// `tag` key selects a variant, whose fields sit under the `content` key.
#[derive(Debug, Clone)]
pub struct Union {
    /// Index of the declaring group.
    pub group: usize,
    /// The declared UpperCamelCase name.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// The key naming the variant.
    pub tag: String,
    /// The key holding the variant's fields.
    pub content: String,
    /// The variants, in spec order.
    pub variants: Vec<Variant>,
    /// Where it was written.
    pub origin: Origin,
}

/// One variant of a union.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The tag's value.
    pub value: String,
    /// Its UpperCamelCase name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Its fields (the object under the content key).
    pub fields: Vec<Field>,
}

/// Why an object type exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectRole {
    /// Declared under a group's `types` with this UpperCamelCase name.
    Declared(String),
    /// The object payload of an operation's response.
    ResponseData {
        /// The operation id.
        operation: String,
    },
    /// One item of an operation's array or map payload.
    ResponseItem {
        /// The operation id.
        operation: String,
    },
}

/// A field of a body, of a response object, of the envelope or error body.
#[derive(Debug, Clone)]
pub struct Field {
    /// JSON key (or form or multipart part name), exactly as on the wire.
    pub wire_name: String,
    /// Type.
    pub ty: Ty,
    /// Required in requests; always present in responses.
    pub required: bool,
    /// A password, secret or token, to keep out of logs and debug output.
    pub secret: bool,
    /// Description.
    pub description: String,
    /// Documented limits.
    pub limits: Limits,
    /// Errata ids.
    pub errata: Vec<String>,
    /// Where the field sits in its item, e.g. `request.fields[2]`.
    pub spec_path: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{placeholder}` of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Where it goes.
    pub location: ParamLocation,
    /// Name on the wire.
    pub wire_name: String,
    /// Type of the value (of each item, for comma lists).
    pub ty: Ty,
    /// Whether the caller must pass it.
    pub required: bool,
    /// Description.
    pub description: String,
    /// Server-side default, for docs.
    pub default: Option<Value>,
    /// Documented limits.
    pub limits: Limits,
    /// For comma-joined path lists: the most values.
    pub list_max: Option<u32>,
    /// Errata ids.
    pub errata: Vec<String>,
    /// Where the parameter sits in its operation, e.g. `query[1]`.
    pub spec_path: String,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// snake_case id, unique across the API.
    pub id: String,
    /// snake_case name within its group, unique there (`create`).
    pub name: String,
    /// Where it was written.
    pub origin: Origin,
    /// One-line summary.
    pub summary: String,
    /// Longer description.
    pub description: String,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the base URL; comma-list placeholders are
    /// marked.
    pub path: PathTemplate,
    /// Doc source.
    pub source: Source,
    /// Documented rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Who calls it: the app, or a user for itself.
    pub caller: Caller,
    /// Errata ids.
    pub errata: Vec<String>,
    /// Path parameters, in path order.
    pub path_params: Vec<Param>,
    /// Query parameters, in spec order.
    pub query: Vec<Param>,
    /// Header parameters, in spec order.
    pub headers: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Whether the response is a JSON envelope or a file download.
    pub response_body: ResponseBody,
    /// Where the typed payload is in a JSON response.
    pub payload: Payload,
    /// The payload's type.
    pub data: Data,
    /// Envelope fields besides the payload that the responses carry.
    pub envelope: Vec<String>,
    /// How the operation pages, if it does.
    pub pagination: Option<Pagination>,
    /// Doc examples, typed.
    pub examples: Vec<Example>,
    /// Index of its route in [`Ir::routes`].
    pub route: usize,
}

impl Operation {
    /// Every parameter: path (in path order), query, then headers.
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.path_params
            .iter()
            .chain(&self.query)
            .chain(&self.headers)
    }
}

/// Where a response carries its typed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Under this top-level key (`data`, `entities`, `result`, ...).
    Key(String),
    /// The top-level object itself.
    Root,
}

impl Payload {
    /// The JSON pointer prefix of the payload: `/data`, `/entities`, ``.
    pub fn pointer(&self) -> String {
        match self {
            Payload::Key(k) => format!("/{k}"),
            Payload::Root => String::new(),
        }
    }
}

/// How an operation pages.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Cursor or page number.
    pub kind: PageKind,
    /// The page-size query parameter (wire name).
    pub size_param: String,
    /// The page size the server uses when none is sent.
    pub size_default: Option<i64>,
    /// The largest page size the server honours.
    pub size_max: Option<i64>,
    /// The cursor or page-number query parameter (wire name).
    pub position_param: String,
    /// Where the next cursor is (cursor pagination).
    pub next_cursor: NextCursor,
    /// The payload's array field holding the items (wire name), when the
    /// payload is an object rather than the array of items.
    pub items_field: Option<String>,
    /// Type of one item.
    pub item: Ty,
}

/// Where a response carries the next cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextCursor {
    /// Page-number pagination has none.
    None,
    /// The envelope's top-level `cursor`.
    Envelope,
    /// A string field of the payload object (wire name).
    PayloadField(String),
    /// A JSON pointer into a top-level value the envelope does not declare
    /// (kept with the unknown fields), e.g. `/properties/cursor`.
    Extra(String),
}

/// A documented rate limit.
#[derive(Debug, Clone)]
pub struct RateLimit {
    /// Calls allowed per period.
    pub count: u32,
    /// The period.
    pub per: Per,
    /// Scope and caveats.
    pub notes: Vec<String>,
}

impl RateLimit {
    /// `100/second`.
    pub fn display(&self) -> String {
        let per = match self.per {
            Per::Second => "second",
            Per::Minute => "minute",
        };
        format!("{}/{per}", self.count)
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// JSON, JSON array, multipart or form.
    pub kind: BodyKind,
    /// Fields.
    pub fields: Vec<Field>,
    /// Pairs with caller-chosen names, besides the fields.
    pub additional: Option<Additional>,
}

impl Body {
    /// The MIME type the body is sent as.
    pub fn media_type(&self) -> &'static str {
        match self.kind {
            BodyKind::Json | BodyKind::JsonArray => "application/json",
            BodyKind::Multipart => "multipart/form-data",
            BodyKind::Form => "application/x-www-form-urlencoded",
        }
    }
}

/// Open-ended pairs of a request body.
#[derive(Debug, Clone)]
pub struct Additional {
    /// The spec's snake_case name for adding one pair (`attribute`).
    pub setter: String,
    /// Type of every value (a scalar).
    pub ty: Ty,
    /// Description.
    pub description: String,
}

/// The typed payload of a response.
#[derive(Debug, Clone)]
pub struct Data {
    /// Its JSON shape.
    pub shape: Shape,
    /// Its type: for arrays and maps, the item type; `Any` for `none`.
    pub ty: Ty,
    /// Description, if the spec gives one.
    pub description: Option<String>,
    /// An array that always holds exactly one item: clients give the item.
    pub single: bool,
}

/// Operations that share a method and a path shape: one route to the
/// server, and one operation in OpenAPI.
#[derive(Debug, Clone)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path of the first operation; its placeholder names name the
    /// route's parameters.
    pub path: PathTemplate,
    /// The operations, as (group index, operation index), in spec order.
    pub operations: Vec<(usize, usize)>,
}

impl Ir {
    /// Every operation, in group then file order.
    pub fn operations(&self) -> impl Iterator<Item = (&Group, &Operation)> {
        self.groups
            .iter()
            .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
    }

    /// An object type.
    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0]
    }

    /// A closed set.
    pub fn enumeration(&self, id: EnumId) -> &Enum {
        &self.enums[id.0]
    }

    /// A tagged union.
    pub fn union(&self, id: UnionId) -> &Union {
        &self.unions[id.0]
    }

    /// The operations of a route, with their groups.
    pub fn route_operations<'a>(
        &'a self,
        route: &'a Route,
    ) -> impl Iterator<Item = (&'a Group, &'a Operation)> + 'a {
        route.operations.iter().map(|&(g, o)| {
            let group = &self.groups[g];
            (group, &group.operations[o])
        })
    }
}
