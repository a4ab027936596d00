//! Stage 3: the intermediate representation. It is built from a validated
//! spec and holds everything the emitters need, already resolved: parsed
//! types, Rust names, the typed shape of each response. Emitters never look
//! at the raw spec.

use std::path::PathBuf;

use serde_json::Value;

use crate::error::SpecError;
use crate::naming::{field_ident_name, type_name};
use crate::spec::Spec;
use crate::spec::model::{self, BodyKind, Method, Per, Shape, Source, UsernameRule};
pub use crate::spec::model::{PageKind, ResponseBody};
use crate::types::TypeExpr;
pub use crate::validate::Limits;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Ir {
    /// API-wide facts.
    pub api: model::ApiFile,
    /// The envelope fields of every JSON response, resolved once.
    pub envelope: Vec<Field>,
    /// The fields of an error body, resolved once.
    pub error_body: Vec<Field>,
    /// Errata ids, in file order (the register itself stays in the spec;
    /// generated docs name entries by id).
    pub errata: Vec<String>,
    /// Groups, in file-name order.
    pub groups: Vec<Group>,
}

/// One endpoint group: a Rust module and an OpenAPI tag.
#[derive(Debug, Clone)]
pub struct Group {
    /// snake_case name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// What the group is for.
    pub description: String,
    /// The spec file it came from, relative to the spec directory.
    pub file: PathBuf,
    /// Every struct the group's module defines: declared types, then
    /// operation data/item types.
    pub structs: Vec<Struct>,
    /// Operations, in file order.
    pub operations: Vec<Operation>,
}

/// A generated struct.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Rust type name.
    pub name: String,
    /// Rustdoc.
    pub description: String,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// A field of a body or of a response object.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name on the wire.
    pub json_name: String,
    /// Rust name.
    pub rust_name: String,
    /// Type.
    pub ty: TypeExpr,
    /// Required in requests; always present in responses.
    pub required: bool,
    /// Description.
    pub description: String,
    /// Documented limits.
    pub limits: Limits,
    /// Errata ids.
    pub errata: Vec<String>,
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust argument name.
    pub rust_name: String,
    /// Type of the value (of each item, for comma lists).
    pub ty: TypeExpr,
    /// Whether the caller must pass it.
    pub required: bool,
    /// Description.
    pub description: String,
    /// Server-side default, for docs.
    pub default: Option<Value>,
    /// Documented limits.
    pub limits: Limits,
    /// For comma-joined lists: the maximum number of items.
    pub list_max: Option<u32>,
    /// Errata ids.
    pub errata: Vec<String>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// snake_case id; also the Rust method name and the OpenAPI operationId.
    pub id: String,
    /// Name of the builder the method returns.
    pub builder: String,
    /// One-line summary.
    pub summary: String,
    /// Longer description.
    pub description: String,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the base URL.
    pub path: String,
    /// Doc source.
    pub source: Source,
    /// Documented rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Safe to repeat.
    pub idempotent: bool,
    /// Errata ids.
    pub errata: Vec<String>,
    /// Path parameters, in path order.
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query: Vec<Param>,
    /// Header parameters.
    pub headers: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// The response's `data`.
    pub data: Data,
    /// Envelope fields besides `data` the responses carry.
    pub envelope: Vec<String>,
    /// How the operation pages, if it does.
    pub pagination: Option<Pagination>,
    /// Whether the response is a JSON envelope or a file download.
    pub response_body: ResponseBody,
    /// Where the typed payload is in the response.
    pub payload: Payload,
    /// Doc examples.
    pub examples: Vec<model::Example>,
}

impl Operation {
    /// An example's wire body as JSON: the JSON text parsed, or for a form
    /// body its pairs with the fields' types. `None` without a body, or
    /// when the text does not read (validation has reported it).
    pub fn example_wire_body(&self, ex: &model::Example) -> Option<Value> {
        let text = ex.wire.body.as_deref()?;
        match &self.body {
            Some(body) if body.kind == BodyKind::Form => {
                let type_of = |name: &str| match body.fields.iter().find(|f| f.json_name == name) {
                    Some(field) => Some(field.ty.clone()),
                    None => body.additional.as_ref().map(|a| a.ty.clone()),
                };
                crate::form::typed_object(text, type_of)
                    .ok()
                    .map(Value::Object)
            }
            _ => serde_json::from_str(text).ok(),
        }
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

/// Resolved pagination of an operation.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Cursor or page number.
    pub kind: PageKind,
    /// Rust name of the page-size query argument.
    pub size_arg: String,
    /// The page size the server uses when none is sent.
    pub size_default: Option<i64>,
    /// The largest page size the server honours.
    pub size_max: Option<i64>,
    /// Rust name of the cursor or page-number query argument.
    pub position_arg: String,
    /// Where the next cursor is (cursor pagination).
    pub next_cursor: NextCursor,
    /// Rust name of the field of `data` holding the items, when `data` is an
    /// object rather than the array of items.
    pub items_field: Option<String>,
    /// Type of one item.
    pub item: TypeExpr,
}

/// Where a response carries the next cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextCursor {
    /// Page-number pagination has none.
    None,
    /// The envelope's top-level `cursor`.
    Envelope,
    /// A field of the payload object (its Rust name).
    DataField(String),
    /// A JSON pointer into the top-level values the envelope does not
    /// declare (kept in `extra`), e.g. `/properties/cursor`.
    Extra(String),
}

/// A documented rate limit.
#[derive(Debug, Clone)]
pub struct RateLimit {
    /// Calls allowed per period.
    pub count: u32,
    /// The period.
    pub per: Per,
    /// Extra notes, e.g. concurrency caps.
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
    /// Name of the generated body struct.
    pub struct_name: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Pairs with caller-chosen names, besides the fields.
    pub additional: Option<Additional>,
}

/// Open-ended pairs of a request body.
#[derive(Debug, Clone)]
pub struct Additional {
    /// Rust name of the builder method that adds a pair.
    pub setter: String,
    /// Type of every value (a scalar).
    pub ty: TypeExpr,
    /// Description.
    pub description: String,
}

/// The typed `data` of a response.
#[derive(Debug, Clone)]
pub struct Data {
    /// Its JSON shape.
    pub shape: Shape,
    /// The Rust-level type: for arrays and maps, the item type.
    pub ty: TypeExpr,
    /// Description, if the spec gives one.
    pub description: Option<String>,
}

/// Validates `spec` and builds the IR.
pub fn build(spec: &Spec) -> Result<Ir, SpecError> {
    crate::validate::validate(spec)?;
    let errata = spec
        .errata
        .errata
        .iter()
        .map(|e| e.id.value.clone())
        .collect();
    let groups = spec
        .groups
        .iter()
        .map(|g| group(&g.file, &g.group))
        .collect();
    Ok(Ir {
        api: spec.api.clone(),
        envelope: fields(&spec.api.envelope),
        error_body: fields(&spec.api.error_body),
        errata,
        groups,
    })
}

fn group(file: &std::path::Path, g: &model::GroupFile) -> Group {
    let mut structs: Vec<Struct> = g
        .types
        .iter()
        .map(|t| Struct {
            name: t.name.value.clone(),
            description: t.description.clone(),
            fields: fields(&t.fields),
        })
        .collect();
    let operations = g
        .operations
        .iter()
        .map(|op| operation(op, &mut structs))
        .collect();
    Group {
        name: g.group.value.clone(),
        title: g.title.clone(),
        description: g.description.clone(),
        file: file.to_path_buf(),
        structs,
        operations,
    }
}

fn operation(op: &model::Operation, structs: &mut Vec<Struct>) -> Operation {
    let id = op.id.value.clone();
    let data = data(&id, &op.summary, &op.response.data, structs);
    let pagination = op.pagination.as_ref().map(|p| pagination(op, p, &data));
    let body = op.request.as_ref().map(|b| Body {
        kind: b.kind,
        struct_name: type_name(&id, "Body"),
        fields: fields(&b.fields),
        additional: b.additional.as_ref().map(|a| Additional {
            setter: field_ident_name(&a.setter),
            // Validation has parsed it.
            ty: TypeExpr::parse(&a.ty).unwrap_or(TypeExpr::String),
            description: a.description.clone(),
        }),
    });
    // Path parameters in the order the path uses them.
    let order = crate::validate::placeholders(&op.path).unwrap_or_default();
    let mut path_params: Vec<Param> = op.path_params.iter().map(|p| param(p, true)).collect();
    path_params.sort_by_key(|p| order.iter().position(|n| *n == p.wire_name));
    Operation {
        builder: type_name(&id, "Request"),
        summary: op.summary.clone(),
        description: op.description.clone(),
        method: op.method,
        path: op.path.clone(),
        source: op.source.clone(),
        rate_limit: op.rate_limit.as_ref().map(|r| RateLimit {
            count: r.count,
            per: r.per,
            notes: r.notes.clone(),
        }),
        idempotent: op.idempotent,
        errata: op.errata.clone(),
        path_params,
        query: op.query.iter().map(|p| param(p, false)).collect(),
        headers: op.headers.iter().map(|p| param(p, false)).collect(),
        body,
        data,
        envelope: op.response.envelope.clone(),
        pagination,
        response_body: op.response.body,
        payload: match op.response.payload.as_deref() {
            None => Payload::Key("data".into()),
            Some("root") => Payload::Root,
            Some(key) => Payload::Key(key.into()),
        },
        examples: op.examples.clone(),
        id,
    }
}

/// Resolves pagination; validation has checked every name it looks up, so
/// fallbacks here are never taken.
fn pagination(op: &model::Operation, p: &model::Pagination, data: &Data) -> Pagination {
    let size = op.query.iter().find(|q| q.name == p.size_param);
    let position = match p.kind {
        PageKind::Cursor => p.cursor_param.as_deref(),
        PageKind::Page => p.page_param.as_deref(),
    }
    .unwrap_or_default();
    let payload = format!("/{}/", op.response.payload.as_deref().unwrap_or("data"));
    let next_cursor = match (p.kind, p.next_cursor.as_deref().unwrap_or("/cursor")) {
        (PageKind::Page, _) => NextCursor::None,
        (PageKind::Cursor, "/cursor") => NextCursor::Envelope,
        (PageKind::Cursor, pointer) => match pointer.strip_prefix(payload.as_str()) {
            Some(field) => NextCursor::DataField(field_ident_name(field)),
            None => NextCursor::Extra(pointer.to_string()),
        },
    };
    let item = match &p.items_field {
        None => data.ty.clone(),
        Some(name) => op
            .response
            .data
            .fields
            .iter()
            .flatten()
            .find(|f| &f.name == name)
            .and_then(|f| TypeExpr::parse(&f.ty).ok())
            .and_then(|t| t.item().cloned())
            .unwrap_or(TypeExpr::Any),
    };
    Pagination {
        kind: p.kind,
        size_arg: field_ident_name(&p.size_param),
        size_default: size
            .and_then(|q| q.default.as_ref())
            .and_then(|v| v.as_i64()),
        size_max: size.and_then(|q| q.maximum),
        position_arg: field_ident_name(position),
        next_cursor,
        items_field: p.items_field.as_deref().map(field_ident_name),
        item,
    }
}

fn data(id: &str, summary: &str, d: &model::Data, structs: &mut Vec<Struct>) -> Data {
    let ty = match (&d.fields, &d.ty) {
        (Some(f), _) => {
            let suffix = if d.shape == Shape::Object {
                "Data"
            } else {
                "Item"
            };
            let name = type_name(id, suffix);
            structs.push(Struct {
                name: name.clone(),
                description: d.description.clone().unwrap_or_else(|| {
                    let what = if suffix == "Data" {
                        "The `data` of"
                    } else {
                        "One item of the `data` of"
                    };
                    format!("{what} the response of [`crate::Client::{id}`]: {summary}")
                }),
                fields: fields(f),
            });
            TypeExpr::Named(name)
        }
        (None, Some(text)) => TypeExpr::parse(text).unwrap_or(TypeExpr::Any),
        (None, None) => TypeExpr::Any,
    };
    Data {
        shape: d.shape,
        ty,
        description: d.description.clone(),
    }
}

fn fields(list: &[model::Field]) -> Vec<Field> {
    list.iter()
        .map(|f| Field {
            json_name: f.name.clone(),
            rust_name: field_ident_name(&f.name),
            ty: TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any),
            required: f.required,
            description: f.description.clone(),
            limits: Limits::of_field(f),
            errata: f.errata.clone(),
        })
        .collect()
}

fn param(p: &model::Param, path: bool) -> Param {
    Param {
        wire_name: p.name.clone(),
        rust_name: field_ident_name(&p.name),
        ty: TypeExpr::parse(&p.ty).unwrap_or(TypeExpr::String),
        required: path || p.required.unwrap_or(false),
        description: p.description.clone(),
        default: p.default.clone(),
        limits: Limits::of_param(p),
        list_max: p.list.as_ref().map(|l| l.max_items),
        errata: p.errata.clone(),
    }
}

impl Ir {
    /// Every operation, in group then file order.
    pub fn operations(&self) -> impl Iterator<Item = (&Group, &Operation)> {
        self.groups
            .iter()
            .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
    }

    /// The username rule.
    pub fn username_rule(&self) -> &UsernameRule {
        &self.api.username_rule
    }
}
