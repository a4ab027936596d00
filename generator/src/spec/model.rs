//! The serde model of the YAML spec files. Every struct rejects unknown keys so
//! that a typo in the spec is an error with a line and column, never a silently
//! ignored setting. `spec/README.md` documents each key.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// `spec/api.yaml`: facts that hold for every operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    pub title: String,
    pub version: String,
    pub description: String,
    /// `https://{host}/{org_name}/{app_name}`.
    pub base_url: String,
    pub server_variables: Vec<ServerVariable>,
    pub auth: Auth,
    /// Top-level fields of every JSON response besides `data`.
    pub envelope: Vec<Field>,
    /// Fields of the JSON body of an error response.
    pub error_body: Vec<Field>,
    /// Documented values of the error body's `error` field.
    #[serde(default)]
    pub error_codes: Vec<ErrorCode>,
    pub username_rule: UsernameRule,
    pub source: Source,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerVariable {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub scheme: AuthScheme,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthScheme {
    Bearer,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: String,
    pub status: u16,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsernameRule {
    pub min_length: u32,
    pub max_length: u32,
    /// Characters allowed besides ASCII letters and digits, e.g. `_.-`.
    pub extra_chars: String,
    pub case_insensitive: bool,
    pub source: Source,
}

/// Where a fact was read: a page (public docs path or seed file name) and the
/// section heading on it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub page: String,
    pub section: String,
}

/// `spec/errata.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrataFile {
    pub errata: Vec<Erratum>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    pub id: Spanned<String>,
    /// Pages the quotes come from.
    pub sources: Vec<Source>,
    /// The doc text, quoted exactly.
    pub quote: Vec<String>,
    pub problem: String,
    pub choice: String,
    /// Seed-errata item numbers this entry covers, if any.
    #[serde(default)]
    pub seed_errata: Vec<u32>,
    /// Names of overview (seed 001) rows this entry explains when no
    /// operation matches them, exactly as in the row's Name column.
    #[serde(default)]
    pub overview_rows: Vec<String>,
}

/// `spec/groups/*.yaml`: one endpoint group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    /// snake_case; becomes the Rust module name and the OpenAPI tag.
    pub group: Spanned<String>,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub types: Vec<NamedType>,
    pub operations: Vec<Operation>,
}

/// A reusable object type, referenced by its UpperCamelCase name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedType {
    pub name: Spanned<String>,
    pub description: String,
    /// An object type: its fields.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// A closed set of values (all strings or all integers).
    #[serde(default)]
    pub values: Option<Vec<EnumValue>>,
    /// A tagged union: one key names the variant, another holds its fields.
    #[serde(default)]
    pub union: Option<Union>,
}

/// One value of a closed set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire: a string or an integer.
    pub value: serde_json::Value,
    /// Its name, when the value does not make one (`0`, `ROUTE_ONLINE`):
    /// UpperCamelCase.
    #[serde(default)]
    pub name: Option<String>,
    pub description: String,
}

/// A tagged union: the value of the `tag` key selects a variant, whose
/// fields sit under the `content` key. A field of a union type is named
/// like `content`; `tag` is its sibling key in the same object.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Union {
    /// The key naming the variant (`type`).
    pub tag: String,
    /// The key holding the variant's fields (`body`).
    pub content: String,
    pub variants: Vec<Variant>,
}

/// One variant of a union.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The tag's value selecting it (`txt`).
    pub value: String,
    /// Its name, UpperCamelCase (`Text`).
    pub name: String,
    pub description: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub id: Spanned<String>,
    /// snake_case name within the group's namespace (`create` in
    /// `chatrooms`): the Rust method `client.chatrooms().create(..)`, and
    /// what any other client would call it.
    pub name: String,
    pub summary: String,
    pub description: String,
    pub method: Method,
    /// Relative to the base URL, with `{placeholders}`.
    pub path: String,
    pub source: Source,
    /// Other page sections documenting the same endpoint (an Easemob page, a
    /// pricing-table row, a seed), which `cargo xtask docs-check` holds
    /// against the operation as it does `source`.
    #[serde(default)]
    pub other_sources: Vec<Source>,
    /// The overview (seed 001) rows this operation implements, exactly as
    /// in the row's Name column.
    #[serde(default)]
    pub overview_rows: Vec<String>,
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// True when sending the request twice has the same effect as once, so a
    /// retry after an ambiguous failure is safe.
    pub idempotent: bool,
    /// Who calls the operation: `app` (default, with the app token) or
    /// `user` (a user acting for itself with its own user token, as the
    /// client SDKs do).
    #[serde(default)]
    pub caller: Caller,
    #[serde(default)]
    pub errata: Vec<String>,
    #[serde(default)]
    pub path_params: Vec<Param>,
    #[serde(default)]
    pub query: Vec<Param>,
    #[serde(default)]
    pub headers: Vec<Param>,
    #[serde(default)]
    pub request: Option<RequestBody>,
    pub response: Response,
    /// How the operation pages through results, if it does.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// How a paged operation moves from one page to the next. The client gets a
/// `Stream` of items that follows the pages until the end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    pub kind: PageKind,
    /// Query parameter carrying the page size (`limit`, `pagesize`, ...).
    pub size_param: String,
    /// `cursor` pagination: the query parameter that takes the cursor.
    #[serde(default)]
    pub cursor_param: Option<String>,
    /// `cursor` pagination: JSON pointer to the next cursor in the response
    /// (default `/cursor`). A missing or empty cursor ends the stream.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// `page` pagination: the query parameter that takes the page number
    /// (pages count from 1). A page with fewer items than the page size
    /// ends the stream.
    #[serde(default)]
    pub page_param: Option<String>,
    /// When `data` is an object, the name of its array field holding the
    /// items; when absent, `data` itself is the array of items.
    #[serde(default)]
    pub items_field: Option<String>,
}

/// Who calls an operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Caller {
    /// The app's server, with the app token.
    #[default]
    App,
    /// A user acting for itself, with its user token.
    User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Cursor,
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Method {
    GET,
    POST,
    PUT,
    DELETE,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::DELETE => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub count: u32,
    pub per: Per,
    #[serde(default)]
    pub notes: Vec<String>,
    /// Where the number was read, when it is not the operation's own source.
    #[serde(default)]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    Second,
    Minute,
}

/// A path, query or header parameter.
///
/// The limit keys (`max_length` ... `max_bytes`) are repeated here and in
/// [`Field`] rather than flattened from one struct: serde's `flatten` turns
/// off `deny_unknown_fields` and loses line numbers. The lowering pass
/// gathers them into one `ir::Limits`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    /// A type expression; see `Field::type`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Path parameters are always required; query and header parameters
    /// default to optional.
    #[serde(default)]
    pub required: Option<bool>,
    pub description: String,
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// Maximum length of a string, in characters.
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub min_items: Option<u32>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<String>>,
    /// Maximum size of an uploaded file, or of a string in bytes of UTF-8.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// For a path parameter that carries several values joined by commas.
    #[serde(default)]
    pub list: Option<ListParam>,
    #[serde(default)]
    pub errata: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParam {
    pub max_items: u32,
}

/// A body or response field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    /// Type expression: `string`, `integer`, `number`, `boolean`, `username`,
    /// `any`, `bool_or_string`, `file`, `array<T>`, `map<T>` or the name of a
    /// type declared under `types`.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    /// A password, client secret or token: clients keep it out of logs and
    /// debug output (strings only).
    #[serde(default)]
    pub secret: bool,
    pub description: String,
    /// Maximum length of a string, in characters.
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub min_items: Option<u32>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<String>>,
    /// Maximum size of an uploaded file, or of a string in bytes of UTF-8.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// For `map<string>` fields: the limits of every key.
    #[serde(default)]
    pub keys: Option<TextLimits>,
    /// For `map<string>` fields: the limits of every value.
    #[serde(default)]
    pub values: Option<TextLimits>,
    #[serde(default)]
    pub errata: Vec<String>,
}

/// Limits of each key or each value of a `map<string>` field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextLimits {
    /// Maximum length in characters.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Maximum length in bytes of UTF-8.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// When set, only ASCII letters, digits and these characters are allowed.
    #[serde(default)]
    pub extra_chars: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    pub kind: BodyKind,
    pub fields: Vec<Field>,
    /// Name/value pairs the body takes besides `fields`, with names the
    /// caller chooses (`json` and `form` bodies only).
    #[serde(default)]
    pub additional: Option<Additional>,
}

/// Open-ended pairs of a request body, set through one builder method.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Additional {
    /// Name of the builder method that adds one pair, e.g. `attribute`.
    pub setter: String,
    /// Type expression of every value: a scalar (string, username,
    /// integer, number or boolean).
    #[serde(rename = "type")]
    pub ty: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A JSON object with the fields as members.
    Json,
    /// A bare JSON array: the body is the value of the one field, which must
    /// be an `array<T>`.
    JsonArray,
    /// `multipart/form-data` parts.
    Multipart,
    /// `application/x-www-form-urlencoded` pairs, one per field; fields
    /// must be scalars. An example's `wire.body` is then the form text.
    Form,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// `json` (default): the JSON envelope. `binary`: a file download,
    /// streamed to the caller; `data` must then have shape `none`.
    #[serde(default)]
    pub body: ResponseBody,
    /// The top-level key holding the typed payload that `data` describes:
    /// `data` (default) or another key such as `entities` or `result`, or
    /// `root` when the payload's fields are the top-level fields themselves.
    #[serde(default)]
    pub payload: Option<String>,
    pub data: Data,
    /// Envelope fields (besides `data`) this operation's responses carry.
    #[serde(default)]
    pub envelope: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseBody {
    #[default]
    Json,
    Binary,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    pub shape: Shape,
    /// Object fields: of `data` itself (object) or of each item (array, map).
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// Type expression of `data` (scalar) or of each item (array, map), when
    /// the items are not described by `fields`.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// For `array`: the array always holds exactly one item (the operation
    /// creates, fetches or changes one entity), so clients return the item.
    #[serde(default)]
    pub single: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Object,
    Array,
    Map,
    Scalar,
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
    /// The typed arguments a caller passes.
    #[serde(default)]
    pub request: ExampleRequest,
    /// The HTTP request the doc shows.
    pub wire: Wire,
    pub response: ExampleResponse,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    #[serde(default)]
    pub path: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub query: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub headers: BTreeMap<String, serde_json::Value>,
    /// Body arguments; when absent they are read from `wire.body`.
    #[serde(default)]
    pub body: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wire {
    pub method: Method,
    /// Path after `/{org_name}/{app_name}`, percent-encoded as sent.
    pub path: String,
    /// The query string as sent, without `?`.
    #[serde(default)]
    pub query: Option<String>,
    /// Request headers the doc shows and the client must send (the token
    /// excepted), by name.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body text, verbatim from the doc or fixed (see the errata).
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    pub status: u16,
    /// JSON text, verbatim from the doc or fixed (see the errata).
    pub body: String,
    /// Key fields the decoded response must carry: a JSON pointer into the
    /// body and the expected value.
    #[serde(default)]
    pub expect: BTreeMap<String, serde_json::Value>,
}
