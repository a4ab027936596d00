//! The serde model of `spec/callbacks/`: the HTTP callbacks (webhooks) the
//! Chat server sends to the app server. `common.yaml` holds what every
//! callback shares (the signature rule, how a body selects its family, the
//! pre-delivery reply and its limits); every other file holds event families.
//! Like the rest of the model, every struct rejects unknown keys;
//! `spec/README.md` ("callbacks") documents each key.
//!
//! Besides the model, [`LoadedCallbacks::examples`] resolves the examples
//! into whole callback bodies: a doc that shows only a `payload` is read
//! inside the body of another example, so checks and tests see what the
//! server sends.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use super::model::Source;

/// `spec/callbacks/common.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbacksCommon {
    pub title: String,
    pub description: String,
    /// Where the general facts (transport, encoding) were read.
    pub source: Source,
    #[serde(default)]
    pub also: Vec<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
    pub signature: Signature,
    /// Top-level members, in precedence order, whose string value selects a
    /// body's family: the first member the body has decides.
    pub dispatch: Vec<Spanned<String>>,
    /// Members every callback of every family carries.
    pub envelope: Vec<CallbackField>,
    pub limits: ResponseLimits,
    /// The app server's answer to a pre-delivery callback.
    pub reply: Reply,
    /// Types usable from every callbacks file.
    #[serde(default)]
    pub types: Vec<CallbackType>,
}

/// How the `security` member is computed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The member that carries the signature.
    pub field: String,
    pub algorithm: SignatureAlgorithm,
    /// What is hashed, in order: envelope member names, and [`SECRET`] for
    /// the callback rule's secret. The parts are joined with nothing between.
    pub concat: Vec<String>,
    pub description: String,
    pub source: Source,
    #[serde(default)]
    pub also: Vec<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
}

/// The `concat` entry that stands for the callback rule's secret.
pub const SECRET: &str = "{secret}";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureAlgorithm {
    /// MD5 of the UTF-8 text, as 32 lower-case hex digits.
    Md5Hex,
}

/// Documented limits of what the app server answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseLimits {
    /// Longest response body, in characters, to any callback.
    pub response_max_chars: u32,
    pub source: Source,
    #[serde(default)]
    pub also: Vec<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
}

/// The JSON body answering a pre-delivery callback.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub description: String,
    pub source: Source,
    #[serde(default)]
    pub also: Vec<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
    pub fields: Vec<CallbackField>,
    #[serde(default)]
    pub examples: Vec<ReplyExample>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyExample {
    pub name: Spanned<String>,
    pub source: Source,
    #[serde(default)]
    pub also: Vec<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
    /// JSON text, verbatim from the doc or minimally fixed.
    pub body: String,
}

/// `spec/callbacks/<file>.yaml` other than `common.yaml`: event families.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackFile {
    /// snake_case; the file name without `.yaml`.
    pub file: Spanned<String>,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub types: Vec<CallbackType>,
    pub families: Vec<Family>,
}

/// A reusable object type, or a tagged union of object shapes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackType {
    /// UpperCamelCase, unique across all callbacks files.
    pub name: Spanned<String>,
    pub description: String,
    #[serde(default)]
    pub source: Option<Source>,
    /// An object's members; for a union, the members every variant has.
    #[serde(default)]
    pub fields: Vec<CallbackField>,
    /// For a union: the string member whose value names the variant.
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub variants: Vec<UnionVariant>,
    #[serde(default)]
    pub errata: Vec<String>,
}

/// One shape of a tagged union.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionVariant {
    /// The tag value, exactly as sent.
    pub value: Spanned<String>,
    pub description: String,
    /// Members besides the tag and the union's own `fields`.
    #[serde(default)]
    pub fields: Vec<CallbackField>,
    #[serde(default)]
    pub errata: Vec<String>,
}

/// A member of a callback body (or of an object inside it).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackField {
    /// The JSON member name, exactly as sent.
    pub name: String,
    /// A type expression; leave it out for an inline object given by
    /// `fields`.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// The members of an inline object.
    #[serde(default)]
    pub fields: Option<Vec<CallbackField>>,
    #[serde(default)]
    pub required: bool,
    pub description: String,
    /// The only values the docs list for a string member.
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<String>>,
    /// Longest string, in characters.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Largest value in bytes: of a string's UTF-8, or of any other value's
    /// JSON text.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    #[serde(default)]
    pub errata: Vec<String>,
}

/// Pre-delivery (the server waits for a [`Reply`]) or post-delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Pre,
    Post,
}

/// One kind of event: the bodies one `dispatch` member value selects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// snake_case, unique across all callbacks files.
    pub name: Spanned<String>,
    pub summary: String,
    pub description: String,
    pub delivery: Delivery,
    pub source: Source,
    /// Other pages (and sections) that describe the family.
    #[serde(default)]
    pub also: Vec<Source>,
    /// Every erratum concerning the family, its operations, fields and
    /// examples.
    #[serde(default)]
    pub errata: Vec<String>,
    pub select: FamilySelect,
    /// Top-level members besides the common envelope.
    #[serde(default)]
    pub fields: Vec<CallbackField>,
    /// Sub-kinds of the family, told apart by member values.
    #[serde(default)]
    pub operations: Vec<CallbackOperation>,
    #[serde(default)]
    pub examples: Vec<CallbackExample>,
}

/// The family's `dispatch` member and the values that select it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilySelect {
    pub field: String,
    pub values: Vec<String>,
}

/// A sub-kind of a family, selected by the values of one or more members.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackOperation {
    /// snake_case, unique within the family.
    pub name: Spanned<String>,
    pub summary: String,
    pub source: Source,
    #[serde(default)]
    pub also: Vec<Source>,
    #[serde(default)]
    pub errata: Vec<String>,
    /// JSON pointer into the body -> the string value it must hold; all
    /// must hold.
    pub select: BTreeMap<String, String>,
    /// Top-level members this operation adds to the family's.
    #[serde(default)]
    pub fields: Vec<CallbackField>,
    /// Members this operation adds to the family's inline `payload` object.
    #[serde(default)]
    pub payload_fields: Vec<CallbackField>,
    #[serde(default)]
    pub examples: Vec<CallbackExample>,
}

/// A callback body a doc page shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackExample {
    /// snake_case, unique within the family (operations included).
    pub name: Spanned<String>,
    pub source: Source,
    /// Other pages showing the same JSON.
    #[serde(default)]
    pub also: Vec<Source>,
    /// Errata explaining fixes made to the JSON.
    #[serde(default)]
    pub errata: Vec<String>,
    /// The whole body: JSON text, verbatim or minimally fixed.
    #[serde(default)]
    pub body: Option<String>,
    /// Only the value of `payload`, when that is all the doc shows.
    #[serde(default)]
    pub payload: Option<String>,
    /// With `payload`: the example of the same family whose body it goes in.
    #[serde(default)]
    pub within: Option<String>,
    /// The doc leaves the payload out of this body (it shows a placeholder),
    /// so only the top-level members are checked against the fields.
    #[serde(default)]
    pub payload_elided: bool,
}

/// The callbacks directory as read.
#[derive(Debug, Clone)]
pub struct LoadedCallbacks {
    pub common: CallbacksCommon,
    /// The family files, sorted by file name.
    pub files: Vec<LoadedCallbackFile>,
}

/// One family file and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedCallbackFile {
    /// Relative to the spec directory, e.g. `callbacks/messages.yaml`.
    pub file: PathBuf,
    pub callbacks: CallbackFile,
}

/// The path of the common file, relative to the spec directory.
pub const COMMON_FILE: &str = "callbacks/common.yaml";

/// An example resolved into the body the server sends.
#[derive(Debug, Clone)]
pub struct ResolvedExample<'a> {
    pub file: &'a LoadedCallbackFile,
    pub family: &'a Family,
    /// The operation whose `examples` list holds it, if any.
    pub operation: Option<&'a CallbackOperation>,
    pub example: &'a CallbackExample,
    /// The whole body, or why it could not be built.
    pub body: Result<Value, ExampleError>,
}

/// Why an example's body could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleError {
    /// The example's key at fault: `body`, `payload` or `within`.
    pub field: &'static str,
    pub message: String,
}

impl LoadedCallbacks {
    /// Every example of every family, in file order, with its whole body.
    pub fn examples(&self) -> Vec<ResolvedExample<'_>> {
        let mut out = Vec::new();
        for file in &self.files {
            for family in &file.callbacks.families {
                let listed = family.examples.iter().map(|e| (None, e)).chain(
                    family
                        .operations
                        .iter()
                        .flat_map(|op| op.examples.iter().map(move |e| (Some(op), e))),
                );
                for (operation, example) in listed {
                    out.push(ResolvedExample {
                        file,
                        family,
                        operation,
                        example,
                        body: resolve(family, example),
                    });
                }
            }
        }
        out
    }
}

/// Every example of a family, wherever it is listed.
pub fn family_examples(family: &Family) -> impl Iterator<Item = &CallbackExample> {
    family
        .examples
        .iter()
        .chain(family.operations.iter().flat_map(|op| op.examples.iter()))
}

fn fail<T>(field: &'static str, message: impl Into<String>) -> Result<T, ExampleError> {
    Err(ExampleError {
        field,
        message: message.into(),
    })
}

fn parse(text: &str, field: &'static str, what: &str) -> Result<Value, ExampleError> {
    serde_json::from_str(text).or_else(|e| {
        fail(
            field,
            format!("{what} is not valid JSON: {e}; fix it and record the fix in the errata"),
        )
    })
}

fn resolve(family: &Family, example: &CallbackExample) -> Result<Value, ExampleError> {
    match (&example.body, &example.payload, &example.within) {
        (Some(body), None, None) => parse(body, "body", "the body"),
        (None, Some(payload), Some(within)) => {
            let payload = parse(payload, "payload", "the payload")?;
            let Some(base) = family_examples(family).find(|e| &e.name.value == within) else {
                return fail("within", format!("no example `{within}` in this family"));
            };
            let Some(text) = base.body.as_deref() else {
                return fail("within", format!("example `{within}` has no `body`"));
            };
            let mut body = parse(text, "within", &format!("the body of `{within}`"))?;
            let Some(object) = body.as_object_mut() else {
                return fail(
                    "within",
                    format!("the body of `{within}` is not a JSON object"),
                );
            };
            object.insert("payload".into(), payload);
            Ok(body)
        }
        (None, Some(_), None) => fail(
            "within",
            "a `payload` example needs `within`: the example whose body it goes in",
        ),
        (Some(_), Some(_), _) => fail("body", "give either `body` or `payload`, not both"),
        (Some(_), None, Some(_)) => fail("within", "`within` goes with `payload`, not `body`"),
        (None, None, _) => fail("body", "an example needs `body` or `payload`"),
    }
}
