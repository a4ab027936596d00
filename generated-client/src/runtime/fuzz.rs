//! Inputs for the property tests of the decoders a server controls: random
//! JSON, and valid bodies with one mutation (a value replaced, a member
//! removed or added, a number turned into a string) and optionally damaged
//! bytes (cut short, one byte changed). Each mutation says where it struck,
//! so a test can require the decode error to name that spot.

use std::fmt;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

/// The configuration of each decoder property: 10 000 cases, and no
/// failure files written into the source tree.
pub(crate) fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Field names the generated types and the envelope use, so that random
/// objects reach past the first missing field.
const KEYS: &[&str] = &[
    "data",
    "id",
    "name",
    "owner",
    "result",
    "success",
    "announcement",
    "description",
    "maxusers",
    "affiliations",
    "affiliations_count",
    "members",
    "count",
    "cursor",
    "entities",
    "timestamp",
    "duration",
    "action",
    "params",
    "user",
    "admin",
    "groupname",
    "created",
    "membersonly",
    "allowinvites",
    "custom",
    "mute",
    "scale",
    "public",
    "disabled",
    "reason",
    "access_token",
    "expires_in",
    "error",
    "exception",
    "error_description",
];

/// Strings that tend to break decoders: empty, numeric, boolean-looking,
/// escapes, control characters, non-ASCII, long.
const STRINGS: &[&str] = &[
    "",
    "x",
    "0",
    "-1",
    "1.5",
    "18446744073709551616",
    "true",
    "null",
    "\"",
    "\\",
    "\u{0}",
    "\r\n",
    "é",
    "😀",
    "\u{FEFF}",
    "a b/c?d#e",
    "0000000000000000000000000000000000000000000000000000000000000000",
];

/// Any JSON value, up to four levels deep.
pub(crate) fn json_value() -> impl Strategy<Value = Value> {
    json_up_to(4, 32, 5)
}

/// A JSON value to put into a valid body: mostly a scalar, sometimes a
/// small list or object, so that the body stays cheap to decode.
fn replacement() -> impl Strategy<Value = Value> {
    json_up_to(2, 6, 3)
}

fn json_up_to(depth: u32, nodes: u32, width: usize) -> impl Strategy<Value = Value> {
    // Strings come from fixed lists rather than a regex: generating from
    // a regex costs more than decoding does, and these lists hold what
    // matters here.
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(STRINGS).prop_map(|text| Value::String(text.to_owned())),
        prop::sample::select(KEYS).prop_map(|key| Value::String(key.to_owned())),
    ];
    leaf.prop_recursive(depth, nodes, width as u32, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..width).prop_map(Value::Array),
            btree_map(key(), inner, 0..width)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS),
        1 => prop::sample::select(STRINGS),
    ]
    .prop_map(str::to_owned)
}

/// Up to 256 arbitrary bytes, made from a seed: as random as a byte-wise
/// strategy and much cheaper to generate (failures are reported with the
/// seed, which reproduces them).
pub(crate) fn random_bytes() -> impl Strategy<Value = Vec<u8>> {
    (any::<u64>(), 0usize..256).prop_map(|(seed, len)| {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                // xorshift64
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect()
    })
}

/// One step from the root of a JSON value to a node.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Where in a value a mutation struck, shown the way decode errors show
/// paths (`data[0].id`, `.` for the root).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Spot(Vec<Step>);

impl Spot {
    /// Whether a decode error reported at `path` is about this spot: the
    /// spot itself, its parent (the object now missing a field) or a node
    /// inside it (a replaced value can be wrong deep down).
    pub(crate) fn is_named_by(&self, path: &str) -> bool {
        let parent = Spot(self.0[..self.0.len().saturating_sub(1)].to_vec());
        let spot = self.to_string();
        let inside = self.0.is_empty()
            || path
                .strip_prefix(&spot)
                .is_some_and(|rest| rest.starts_with(['.', '[']));
        path == spot || path == parent.to_string() || inside
    }
}

impl fmt::Display for Spot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        for (position, step) in self.0.iter().enumerate() {
            match step {
                Step::Index(index) => write!(f, "[{index}]")?,
                Step::Key(key) if position == 0 => f.write_str(key)?,
                Step::Key(key) => write!(f, ".{key}")?,
            }
        }
        Ok(())
    }
}

/// What to do to the chosen node.
#[derive(Debug, Clone)]
enum Change {
    /// Put another value there.
    Replace(Value),
    /// Take it out of its object or list (the root is replaced by `null`).
    Remove,
    /// Add a member (to an object; other nodes are replaced by one).
    Add(String, Value),
    /// Put its JSON text there as a string: `7` becomes `"7"`.
    Stringify,
}

/// What to do to the bytes afterwards.
#[derive(Debug, Clone)]
enum Damage {
    None,
    Cut(Index),
    Flip(Index, u8),
}

/// One mutation of a valid body: which node (any of them, in document
/// order), what change, and what damage to the bytes.
#[derive(Debug, Clone)]
pub(crate) struct Mutation {
    node: Index,
    change: Change,
    damage: Damage,
    pretty: bool,
}

/// A mutated body.
pub(crate) struct Mutated {
    pub(crate) bytes: Vec<u8>,
    /// Where the change struck.
    pub(crate) spot: Spot,
    /// The bytes are valid JSON, so a decode error is about a field, not
    /// about syntax.
    pub(crate) well_formed: bool,
}

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    let change = prop_oneof![
        4 => replacement().prop_map(Change::Replace),
        2 => Just(Change::Remove),
        2 => (key(), replacement()).prop_map(|(key, value)| Change::Add(key, value)),
        1 => Just(Change::Stringify),
    ];
    let damage = prop_oneof![
        6 => Just(Damage::None),
        1 => any::<Index>().prop_map(Damage::Cut),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Damage::Flip(at, byte)),
    ];
    let pretty = prop_oneof![7 => Just(false), 1 => Just(true)];
    (any::<Index>(), change, damage, pretty).prop_map(|(node, change, damage, pretty)| Mutation {
        node,
        change,
        damage,
        pretty,
    })
}

/// A valid body and its nodes, to mutate many times.
pub(crate) struct Valid {
    value: Value,
    spots: Vec<Spot>,
}

impl Valid {
    pub(crate) fn new(value: Value) -> Self {
        let mut spots = Vec::new();
        collect(&value, &mut Spot::default(), &mut spots);
        Self { value, spots }
    }
}

impl Mutation {
    /// `valid` with this mutation applied.
    pub(crate) fn apply(&self, valid: &Valid) -> Mutated {
        let mut value = valid.value.clone();
        let spot = &valid.spots[self.node.index(valid.spots.len())];
        let changed = change(&mut value, spot, &self.change);
        let mut bytes = if self.pretty {
            serde_json::to_vec_pretty(&value)
        } else {
            serde_json::to_vec(&value)
        }
        .expect("a Value always serializes");
        let well_formed = match &self.damage {
            Damage::None => true,
            Damage::Cut(at) => {
                bytes.truncate(at.index(bytes.len()));
                false
            }
            Damage::Flip(at, byte) => {
                let at = at.index(bytes.len());
                bytes[at] = *byte;
                false
            }
        };
        Mutated {
            bytes,
            spot: changed,
            well_formed,
        }
    }
}

/// Every node of `value` (itself included), in document order.
fn collect(value: &Value, at: &mut Spot, spots: &mut Vec<Spot>) {
    spots.push(at.clone());
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.0.push(Step::Index(index));
                collect(item, at, spots);
                at.0.pop();
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                at.0.push(Step::Key(key.clone()));
                collect(member, at, spots);
                at.0.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(value: &'a mut Value, spot: &[Step]) -> &'a mut Value {
    spot.iter().fold(value, |node, step| match (node, step) {
        (Value::Array(items), Step::Index(index)) => &mut items[*index],
        (Value::Object(members), Step::Key(key)) => members.get_mut(key).expect("collected"),
        _ => unreachable!("spots are collected from this value"),
    })
}

/// Applies `change` at `spot`; returns where it struck (for an added
/// member, the new member).
fn change(value: &mut Value, spot: &Spot, change: &Change) -> Spot {
    match change {
        Change::Replace(new) => {
            *node_mut(value, &spot.0) = new.clone();
            spot.clone()
        }
        Change::Stringify => {
            let node = node_mut(value, &spot.0);
            *node = Value::String(node.to_string());
            spot.clone()
        }
        Change::Remove => {
            let Some((last, parent)) = spot.0.split_last() else {
                *value = Value::Null;
                return spot.clone();
            };
            match (node_mut(value, parent), last) {
                (Value::Array(items), Step::Index(index)) => {
                    items.remove(*index);
                }
                (Value::Object(members), Step::Key(key)) => {
                    members.shift_remove(key);
                }
                _ => unreachable!("spots are collected from this value"),
            }
            spot.clone()
        }
        Change::Add(key, new) => {
            let node = node_mut(value, &spot.0);
            if !node.is_object() {
                *node = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(members) = node {
                members.insert(key.clone(), new.clone());
            }
            let mut added = spot.clone();
            added.0.push(Step::Key(key.clone()));
            added
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::{Spot, Step, Valid, mutation};

    #[test]
    fn spots_show_like_decode_paths() {
        let spot = Spot(vec![
            Step::Key("data".into()),
            Step::Index(0),
            Step::Key("id".into()),
        ]);
        assert_eq!(spot.to_string(), "data[0].id");
        assert!(spot.is_named_by("data[0].id"));
        assert!(spot.is_named_by("data[0]"));
        assert!(!spot.is_named_by("data"));
        assert!(!spot.is_named_by("."));
        assert!(Spot(vec![Step::Key("data".into())]).is_named_by("."));
        assert!(spot.is_named_by("data[0].id[3].x"));
        assert!(!spot.is_named_by("data[1]"));
        assert!(!spot.is_named_by("data[0].idx"));
        assert!(!spot.is_named_by("count"));
        assert_eq!(Spot(vec![Step::Index(2)]).to_string(), "[2]");
    }

    proptest! {
        #[test]
        fn a_mutation_without_damage_keeps_the_json_valid(plan in mutation()) {
            let valid = Valid::new(json!({"data": [{"id": "r1", "n": 2}], "count": 1}));
            let mutated = plan.apply(&valid);
            if mutated.well_formed {
                prop_assert!(serde_json::from_slice::<serde_json::Value>(&mutated.bytes).is_ok());
            }
        }
    }
}
