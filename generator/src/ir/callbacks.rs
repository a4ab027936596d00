//! The callbacks (webhooks) the Chat server POSTs to the app server, after
//! lowering: event families with their select values, operations and typed
//! fields, the types they use, and the doc examples as whole bodies.
//!
//! Like the rest of the IR this holds wire names only. A field of a callback
//! has an IR [`Ty`]; a type declared under `spec/callbacks/` (or an inline
//! object of a family) is [`Ty::Callback`], indexed into
//! [`Callbacks::types`].

use serde_json::Value;

use super::{Field, Origin, Source, Ty, UnionId};
pub use crate::spec::callbacks::Delivery;

/// Index of a callback type in [`Callbacks::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallbackTypeId(pub usize);

/// Everything the spec says about callbacks.
#[derive(Debug, Clone)]
pub struct Callbacks {
    /// What the callbacks are.
    pub description: String,
    /// Top-level members, in precedence order, whose string value selects
    /// the family: the first member a body has decides.
    pub dispatch: Vec<String>,
    /// Members every callback may carry (required ones every callback
    /// carries); a struct of its own beside the family's.
    pub envelope: Vec<Field>,
    /// The answer to a pre-delivery callback.
    pub reply: Vec<Field>,
    /// The longest answer body, in characters.
    pub response_max_chars: u32,
    /// Declared types and inline objects, indexed by [`CallbackTypeId`].
    pub types: Vec<CallbackType>,
    /// The event families, in file then spec order.
    pub families: Vec<Family>,
    /// Where the shared facts were written.
    pub origin: Origin,
}

impl Callbacks {
    /// A callback type.
    pub fn ty(&self, id: CallbackTypeId) -> &CallbackType {
        &self.types[id.0]
    }

    /// The names of envelope members a family does not declare again: they
    /// belong to the envelope only.
    pub fn envelope_only<'a>(&'a self, family: &'a Family) -> impl Iterator<Item = &'a str> + 'a {
        self.envelope
            .iter()
            .map(|f| f.wire_name.as_str())
            .filter(|name| !family.fields.iter().any(|f| f.wire_name == *name))
    }
}

/// An object type or a tagged union of callbacks.
#[derive(Debug, Clone)]
pub enum CallbackType {
    /// An object.
    Object(CallbackObject),
    /// A union whose string member `tag` names the variant; the variant's
    /// members sit beside it.
    Union(CallbackUnion),
}

/// An object of a callback body.
#[derive(Debug, Clone)]
pub struct CallbackObject {
    /// What it is, which decides how emitters name it.
    pub role: CallbackObjectRole,
    /// What it holds.
    pub description: String,
    /// Its members, in spec order.
    pub fields: Vec<Field>,
    /// Where it was written.
    pub origin: Origin,
    /// Where its members are listed in the item, e.g. `fields[5].fields`.
    pub spec_path: String,
}

/// Why a callback object exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackObjectRole {
    /// Declared under `types` with this UpperCamelCase name.
    Declared(String),
    /// An inline object of a family's body (`payload`, or a member inside
    /// it), as the family declares it or with one operation's additions.
    Inline {
        /// The family's name (the declared type's, for an object inside
        /// one).
        owner: String,
        /// The operation's name, when it adds members.
        operation: Option<String>,
        /// The wire names of the members leading to it from the top of the
        /// body: `["payload"]`, `["payload", "meta", "edit_msg"]`.
        path: Vec<String>,
    },
}

/// A tagged union of callback objects.
#[derive(Debug, Clone)]
pub struct CallbackUnion {
    /// The declared UpperCamelCase name.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// The string member naming the variant.
    pub tag: String,
    /// The variants, in spec order.
    pub variants: Vec<CallbackVariant>,
    /// The union of what the client sends that has the same tag and the
    /// most variants that fit this one's (see [`CallbackVariant::sending`]).
    pub sending: Option<UnionId>,
    /// Where it was written.
    pub origin: Origin,
}

/// One variant of a callback union.
#[derive(Debug, Clone)]
pub struct CallbackVariant {
    /// The tag's value, exactly as sent.
    pub value: String,
    /// What it is.
    pub description: String,
    /// Its members besides the tag: the union's shared ones, then its own.
    pub fields: Vec<Field>,
    /// Index of the variant of [`CallbackUnion::sending`] with the same tag
    /// value whose every field this variant has, of a type that decodes the
    /// same JSON: a received value of this variant reads as that one.
    pub sending: Option<usize>,
    /// Where its own members are listed, e.g. `variants[2].fields`.
    pub spec_path: String,
}

/// One kind of event: the bodies one value of a `dispatch` member selects.
#[derive(Debug, Clone)]
pub struct Family {
    /// snake_case, unique.
    pub name: String,
    /// One sentence.
    pub summary: String,
    /// One to three sentences.
    pub description: String,
    /// Whether the server waits for a reply.
    pub delivery: Delivery,
    /// The doc section it was written from.
    pub source: Source,
    /// Errata concerning the family.
    pub errata: Vec<String>,
    /// The `dispatch` member that selects it.
    pub select_field: String,
    /// The values of that member that select it.
    pub select_values: Vec<String>,
    /// Its top-level members besides the envelope's (envelope members it
    /// refines included). An inline `payload` is the family's own object.
    pub fields: Vec<Field>,
    /// Sub-kinds, told apart by member values.
    pub operations: Vec<CallbackOperation>,
    /// Every doc example, family-level ones first.
    pub examples: Vec<CallbackExample>,
    /// Where it was written.
    pub origin: Origin,
}

/// A sub-kind of a family.
#[derive(Debug, Clone)]
pub struct CallbackOperation {
    /// snake_case, unique in the family.
    pub name: String,
    /// One sentence.
    pub summary: String,
    /// The doc section it was written from.
    pub source: Source,
    /// JSON pointer into the body and the string it must hold; all must
    /// hold.
    pub select: Vec<(String, String)>,
    /// Every top-level member besides the envelope's: the family's, with
    /// an inline `payload` replaced by this operation's object (the
    /// family's payload members and the operation's), then its own.
    pub fields: Vec<Field>,
    /// Where it is in its family, e.g. `operations[3]`.
    pub spec_path: String,
}

/// A doc example: the whole body the server sends.
#[derive(Debug, Clone)]
pub struct CallbackExample {
    /// snake_case, unique in the family.
    pub name: String,
    /// Index of the operation it is listed under, in the family's
    /// [`Family::operations`].
    pub operation: Option<usize>,
    /// The doc shows a placeholder payload: only the top-level members are
    /// the real ones.
    pub payload_elided: bool,
    /// The body.
    pub body: Value,
    /// The page and section showing it.
    pub source: Source,
}

/// Whether a JSON object holds every value of an operation's selector.
pub fn selects(select: &[(String, String)], body: &Value) -> bool {
    select
        .iter()
        .all(|(pointer, value)| body.pointer(pointer).and_then(Value::as_str) == Some(value))
}

impl Ty {
    /// The callback type this is, if any.
    pub fn callback(&self) -> Option<CallbackTypeId> {
        match self {
            Ty::Callback(id) => Some(*id),
            _ => None,
        }
    }
}
