//! Values of evaluation: build-time data, and deploy-time expressions that CloudFormation
//! resolves (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...).

use indexmap::IndexMap;
use std::rc::Rc;

/// An insertion-ordered map with FxHash. The interpreter's maps (record fields, scope names,
/// a stack's resources) have short string keys that the program wrote, hashed on every field
/// access; SipHash's protection against chosen collisions buys nothing there and cost about a
/// twentieth of a large build (docs/performance.md, F7). Iteration order is insertion order,
/// whatever the hasher, so output stays deterministic.
pub type FxIndexMap<K, V> = IndexMap<K, V, rustc_hash::FxBuildHasher>;

/// The fields of a record, in insertion order. Keys are shared (`Rc<str>`): a key written in
/// the program is one string for all the records made from that expression.
pub type Fields = KeyMap<Value>;

/// From this many entries on, a [`KeyMap`] keeps a hash index beside its entries; smaller maps
/// are searched by comparing keys, which for a handful of short keys is cheaper than hashing
/// and needs no second allocation.
const INDEXED_FROM: usize = 8;

/// An insertion-ordered map from shared strings, for record fields and scope names.
///
/// Most maps the interpreter makes are small (a resource's properties, a nested block of
/// settings, a component's few names), so the entries are a plain vector and lookups compare
/// keys. Maps that grow to [`INDEXED_FROM`] entries (records built by comprehensions, module
/// scopes) also get a hash index, so lookups stay constant-time. `insert` of a key that is
/// already present replaces its value in place and keeps its position, as `IndexMap` does.
#[derive(Clone, Debug)]
pub struct KeyMap<V> {
    /// The keys and values, in insertion order; no key appears twice.
    entries: Vec<(Rc<str>, V)>,
    /// Key to position in `entries`, present once the map has [`INDEXED_FROM`] entries.
    index: Option<Box<rustc_hash::FxHashMap<Rc<str>, usize>>>,
}

/// The entries of a [`KeyMap`] in insertion order: a key and its value.
#[derive(Clone, Debug)]
pub struct Iter<'m, V>(std::slice::Iter<'m, (Rc<str>, V)>);

impl<'m, V> Iterator for Iter<'m, V> {
    type Item = (&'m Rc<str>, &'m V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<V> DoubleEndedIterator for Iter<'_, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<V> ExactSizeIterator for Iter<'_, V> {}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap::new()
    }
}

impl<V> KeyMap<V> {
    pub fn new() -> Self {
        KeyMap {
            entries: Vec::new(),
            index: None,
        }
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        KeyMap {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `key` among the entries.
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| **k == *key),
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.get_index_of(key).map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.get_index_of(key).map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// Sets `key` to `value`. A new key goes last; a key already present keeps its position,
    /// and its old value is returned.
    pub fn insert(&mut self, key: Rc<str>, value: V) -> Option<V> {
        if let Some(i) = self.get_index_of(&key) {
            return Some(std::mem::replace(&mut self.entries[i].1, value));
        }
        let position = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), position);
        } else if position + 1 >= INDEXED_FROM {
            let mut index = rustc_hash::FxHashMap::default();
            index.reserve(position + 1);
            for (i, (k, _)) in self.entries.iter().enumerate() {
                index.insert(k.clone(), i);
            }
            index.insert(key.clone(), position);
            self.index = Some(Box::new(index));
        }
        self.entries.push((key, value));
        None
    }

    /// Adds an entry whose key the caller knows to be absent (a record literal's keys, checked
    /// once for duplicates), without searching for it.
    pub fn push_new(&mut self, key: Rc<str>, value: V) {
        debug_assert!(!self.contains_key(&key));
        let position = self.entries.len();
        if self.index.is_some() || position + 1 >= INDEXED_FROM {
            self.insert(key, value);
            return;
        }
        self.entries.push((key, value));
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter(self.entries.iter())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Rc<str>> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The entry at `position` in insertion order.
    pub fn get_index(&self, position: usize) -> Option<(&Rc<str>, &V)> {
        self.entries.get(position).map(|(k, v)| (k, v))
    }
}

impl<'m, V> IntoIterator for &'m KeyMap<V> {
    type Item = (&'m Rc<str>, &'m V);
    type IntoIter = Iter<'m, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V, K: Into<Rc<str>>> FromIterator<(K, V)> for KeyMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut map = KeyMap::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            map.insert(k.into(), v);
        }
        map
    }
}

/// Index of a resource in the interpreter's resource arena.
pub type ResourceIdx = usize;
/// Index of a scope in the interpreter's scope arena.
pub type ScopeIdx = usize;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Number(f64),
    Str(Rc<str>),
    List(Rc<Vec<Value>>),
    Record(Rc<Fields>),
    /// A value known only at deploy time: a string, or a list of strings.
    Deploy(Rc<Deploy>),
    /// A resource: its `Ref` where a string is expected.
    Resource(ResourceIdx),
    /// A component instance: a record of its outputs, evaluated on first access.
    Instance(ScopeIdx),
    /// A stack: its members, by name.
    Stack(usize),
    /// An imported module.
    Module(usize),
    /// A declared function (its module and name) or a built-in.
    Fn(FnRef),
    /// A component: its module, and its position among the module's declarations.
    Component {
        module: u32,
        item: u32,
    },
    /// The `aws` pseudo-parameter namespace.
    Aws,
}

/// A function: declared (its module, and its position among the module's declarations; both
/// `u32`, which keeps a [`Value`] at three words) or built in (its name).
#[derive(Clone, Debug, PartialEq)]
pub enum FnRef {
    Declared { module: u32, item: u32 },
    Builtin(&'static str),
}

/// A deploy-time expression. Lowering turns it into CloudFormation intrinsics, with imports
/// where it refers to another stack's resources.
#[derive(Clone, Debug)]
pub enum Deploy {
    Ref(ResourceIdx),
    GetAtt(ResourceIdx, Rc<str>),
    /// A template parameter of a stack: `{"Ref": "<LogicalId>"}`.
    Parameter {
        stack: usize,
        logical_id: Rc<str>,
    },
    /// `AWS::Region` and friends.
    Pseudo(&'static str),
    /// `Fn::GetAZs ""`: a list.
    GetAzs,
    /// A string mixing literal text and deploy-time values: `Fn::Sub`.
    Sub(Vec<SubPart>),
    Join(Rc<str>, Vec<Value>),
    /// `Fn::Select [index, list]`
    Select(i64, Value),
    /// `Fn::Split [sep, string]`: a list.
    Split(Rc<str>, Value),
    /// `Fn::Cidr [block, count, bits]`: a list.
    Cidr(Value, i64, i64),
    Base64(Value),
    ImportValue(Value),
    /// A deploy-time list with some deploy-time elements (`[Subnet1, Subnet2]` is a plain list;
    /// this is for lists that CloudFormation must build).
    List(Vec<Value>),
}

#[derive(Clone, Debug)]
pub enum SubPart {
    Lit(String),
    Value(Value),
}

impl Value {
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    pub fn record(fields: Fields) -> Value {
        Value::Record(Rc::new(fields))
    }

    /// True when CloudFormation, not the build, decides the value.
    pub fn is_deploy_time(&self) -> bool {
        matches!(self, Value::Deploy(_) | Value::Resource(_) | Value::Aws)
    }

    /// A short name of the kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Number(_) => "number",
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Record(_) => "record",
            Value::Deploy(_) => "deploy-time value",
            Value::Resource(_) => "resource",
            Value::Instance(_) => "component instance",
            Value::Stack(_) => "stack",
            Value::Module(_) => "module",
            Value::Fn(_) => "function",
            Value::Component { .. } => "component",
            Value::Aws => "`aws`",
        }
    }
}

/// Writes a build-time value the way checks show it: `"gamma"`, `2`, `[1, 2]`, `{ a: 1 }`.
pub fn display(value: &Value) -> String {
    let mut out = String::new();
    write_display(value, &mut out, 0);
    out
}

fn write_display(value: &Value, out: &mut String, depth: usize) {
    if depth > 8 || out.len() > 200 {
        out.push('…');
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::Str(s) => out.push_str(&format!("{:?}", &**s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_display(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Record(fields) => {
            if fields.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                write_display(v, out, depth + 1);
            }
            out.push_str(" }");
        }
        other => {
            out.push('<');
            out.push_str(other.kind());
            out.push('>');
        }
    }
}

/// Numbers print without a trailing `.0` when integral, so `0.5` and `2` read naturally.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(map: &KeyMap<i64>) -> Vec<String> {
        map.keys().map(|k| k.to_string()).collect()
    }

    #[test]
    fn key_map_keeps_insertion_order_and_replaces_in_place() {
        let mut map = KeyMap::new();
        assert_eq!(map.insert("b".into(), 1), None);
        assert_eq!(map.insert("a".into(), 2), None);
        assert_eq!(map.insert("b".into(), 3), Some(1));
        assert_eq!(keys_of(&map), ["b", "a"]);
        assert_eq!(map.get("b"), Some(&3));
        assert_eq!(map.get("c"), None);
        assert_eq!(map.len(), 2);
        let pairs: Vec<(String, i64)> = map.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(pairs, [("b".to_string(), 3), ("a".to_string(), 2)]);
    }

    #[test]
    fn key_map_finds_keys_before_and_after_it_is_indexed() {
        let mut map = KeyMap::new();
        for i in 0..(INDEXED_FROM as i64 * 3) {
            map.insert(format!("k{i}").into(), i);
            // every key inserted so far is found at its position, whichever way it is searched
            for j in 0..=i {
                assert_eq!(map.get(&format!("k{j}")), Some(&j), "k{j} after {i}");
                assert_eq!(map.get_index_of(&format!("k{j}")), Some(j as usize));
            }
            assert!(!map.contains_key("missing"));
        }
        assert!(map.index.is_some());
        // replacing a value of an indexed map keeps its position
        assert_eq!(map.insert("k1".into(), 100), Some(1));
        assert_eq!(
            map.get_index(1).map(|(k, v)| (k.to_string(), *v)),
            Some(("k1".to_string(), 100))
        );
        assert_eq!(map.len(), INDEXED_FROM * 3);
    }

    #[test]
    fn key_map_push_new_builds_the_index_like_insert() {
        let mut pushed = KeyMap::new();
        let mut inserted = KeyMap::new();
        for i in 0..(INDEXED_FROM as i64 * 2) {
            pushed.push_new(format!("k{i}").into(), i);
            inserted.insert(format!("k{i}").into(), i);
        }
        assert!(pushed.index.is_some());
        assert_eq!(keys_of(&pushed), keys_of(&inserted));
        for i in 0..(INDEXED_FROM as i64 * 2) {
            assert_eq!(pushed.get(&format!("k{i}")), Some(&i));
        }
        // after the index exists, insert still finds pushed keys
        assert_eq!(pushed.insert("k0".into(), -1), Some(0));
        assert_eq!(pushed.len(), INDEXED_FROM * 2);
    }

    #[test]
    fn key_map_from_pairs_keeps_the_last_value_at_the_first_position() {
        let map: KeyMap<i64> = [("x", 1), ("y", 2), ("x", 3)].into_iter().collect();
        assert_eq!(keys_of(&map), ["x", "y"]);
        assert_eq!(map.get("x"), Some(&3));
    }
}

#[cfg(test)]
mod size_tests {
    use super::Value;

    /// Values fill record entries, lists and slots by the million: three words, not four.
    #[test]
    fn a_value_is_three_words() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }
}
