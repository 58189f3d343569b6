//! Every CloudFormation resource type, typed: the resource-provider schemas that cfn-lint 1.58.0
//! bundles (us-east-1, 1,854 types), in a compact form embedded in the binary and decoded lazily.
//!
//! The data (`schema/resources.bin`, written by `scripts/gen-cfn-schemas.py`; see
//! `docs/schemas.md`) is a table of types and a few dozen raw-deflate blocks, each holding the
//! compact JSON of consecutive types. The first lookup reads the table (names stay borrowed from
//! the embedded bytes); a type is decoded the first time it is asked for, by inflating its block
//! only up to the end of that type, and is then cached for the life of the process. Each block is
//! inflated at most once: the inflater of a block keeps its state and output, and resumes from
//! there when a later type of the block is asked for. No IO; it builds for wasm32.
//!
//! Native binaries embed each type as a binary record instead, in one stored block, with the
//! type table sorted and each type's place (magic `CVLBIN1\n`, written by `build.rs`, which
//! documents the layout): a lookup reads its record in place (`schema/record.rs`), with no
//! inflating and no JSON, and reading the table sorts nothing. Only the wasm32 build, whose size
//! is a budget, carries the deflated JSON.
//!
//! Property types follow the compact grammar `s i n b j` (string, integer, number, boolean, free
//! JSON), `L<T>` (list), `M<T>` (map with string keys), `@Def` (an object shape in
//! [`ResourceType::definitions`]) and `A|B` (union).

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock, PoisonError};

use indexmap::IndexMap;
use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
use serde::Deserialize;

// native builds only: the wasm embeds the deflated JSON (see build.rs)
#[cfg(not(target_arch = "wasm32"))]
mod record;

/// The embedded data, as `build.rs` prepared it for the target: deflated JSON blocks for wasm32,
/// binary records elsewhere. See the module docs and `scripts/gen-cfn-schemas.py` for the layout.
static DATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/resources.bin"));

/// Where the data comes from: cfn-lint version, licence and schema date.
pub const NOTICE: &str = include_str!("schema/NOTICE");

/// The cfn-lint release whose bundled schemas were compacted.
pub const CFN_LINT_VERSION: &str = "1.58.0";

/// Data whose blocks are raw-deflate streams (`schema/resources.bin` as generated).
const MAGIC: &[u8] = b"CVLCFN2\n";
/// Every type a binary record, stored in one block, the types sorted with their places (native
/// builds; see `build.rs` and `schema/record.rs`).
const STORED_MAGIC: &[u8] = b"CVLBIN1\n";

/// A schema's names (properties, attributes, definitions) to what they stand for, in the
/// schema's order. The keys come from the embedded schemas, not from users, so FxHash (several
/// times cheaper than SipHash on these short keys) needs no protection against collisions.
pub type Names<V> = IndexMap<String, V, rustc_hash::FxBuildHasher>;

/// One CloudFormation resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// `AWS::S3::Bucket`.
    pub name: String,
    /// One line (at most 160 characters), markdown links stripped.
    pub doc: Option<String>,
    /// The properties a template may set, sorted by name. Read-only properties are not here.
    pub properties: Names<Property>,
    /// Top-level read-only properties (outputs such as `Arn`): not settable, often `GetAtt`-able.
    pub read_only: Vec<String>,
    /// `Fn::GetAtt` attributes with their types, as cfn-lint allows them; nested ones are dotted
    /// (`Endpoint.Address`).
    pub attributes: Names<PropType>,
    /// Regular expressions (full match) of further attribute names, e.g. `Outputs\..*` for
    /// `AWS::CloudFormation::Stack`. See [`ResourceType::attribute_type`].
    pub attribute_patterns: Vec<String>,
    /// The properties that identify a resource (what `Ref` returns, in most cases); nested ones
    /// are dotted (`StorageLensConfiguration.Id`).
    pub primary_identifier: Vec<String>,
    /// Whether the type supports tags.
    pub taggable: bool,
    /// The top-level property holding the tags (`Tags` mostly), when it is settable.
    pub tag_property: Option<String>,
    /// Object shapes referred to by [`PropType::Object`], sorted by name. Inline anonymous
    /// objects get synthesized names `Parent~Property`.
    pub definitions: Names<Definition>,
}

/// An object shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub properties: Names<Property>,
}

/// One property of a resource type or of a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub ty: PropType,
    pub required: bool,
    /// The allowed values (of each element, for a list or map), as strings (`"400"` for an
    /// integer). Enums longer than 64 values are dropped.
    pub enum_values: Option<Vec<String>>,
    /// Changing it replaces the resource (top-level properties only).
    pub create_only: bool,
    /// One line (at most 160 characters), markdown links stripped.
    pub doc: Option<String>,
}

/// The type of a property or attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PropType {
    String,
    Integer,
    Number,
    Boolean,
    /// Free JSON: policy documents, untyped objects, anything.
    Json,
    List(Box<PropType>),
    /// A JSON object with arbitrary string keys.
    Map(Box<PropType>),
    /// A definition name, see [`definition`].
    Object(String),
    Union(Vec<PropType>),
}

impl PropType {
    /// Human-readable: `string`, `list of Tag`, `map of string`, `integer or string`.
    pub fn display(&self, rt: &ResourceType) -> String {
        match self {
            PropType::String => "string".into(),
            PropType::Integer => "integer".into(),
            PropType::Number => "number".into(),
            PropType::Boolean => "boolean".into(),
            PropType::Json => "json".into(),
            PropType::List(t) => format!("list of {}", t.display(rt)),
            PropType::Map(t) => format!("map of {}", t.display(rt)),
            PropType::Object(name) if rt.definitions.contains_key(name) => name.replace('~', "."),
            PropType::Object(_) => "object".into(),
            PropType::Union(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| t.display(rt)).collect();
                parts.join(" or ")
            }
        }
    }

    /// Parses the compact grammar (`L<@Tag>`, `i|s`); `None` if malformed.
    pub fn parse(s: &str) -> Option<PropType> {
        let (t, rest) = parse_union(s)?;
        rest.is_empty().then_some(t)
    }

    /// The definition names this type mentions, in order.
    pub fn object_names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            PropType::List(t) | PropType::Map(t) => t.collect_names(out),
            PropType::Object(n) => out.push(n),
            PropType::Union(ts) => ts.iter().for_each(|t| t.collect_names(out)),
            _ => {}
        }
    }
}

fn parse_union(s: &str) -> Option<(PropType, &str)> {
    let (first, mut rest) = parse_alt(s)?;
    let mut alts = vec![first];
    while let Some(r) = rest.strip_prefix('|') {
        let (t, r) = parse_alt(r)?;
        alts.push(t);
        rest = r;
    }
    let t = if alts.len() == 1 {
        alts.pop()?
    } else {
        PropType::Union(alts)
    };
    Some((t, rest))
}

fn parse_alt(s: &str) -> Option<(PropType, &str)> {
    if let Some(r) = s.strip_prefix("L<").or_else(|| s.strip_prefix("M<")) {
        let (inner, r) = parse_union(r)?;
        let r = r.strip_prefix('>')?;
        let inner = Box::new(inner);
        let t = if s.starts_with('L') {
            PropType::List(inner)
        } else {
            PropType::Map(inner)
        };
        return Some((t, r));
    }
    if let Some(r) = s.strip_prefix('@') {
        let end = r.find(['|', '>']).unwrap_or(r.len());
        if end == 0 {
            return None;
        }
        return Some((PropType::Object(r[..end].to_string()), &r[end..]));
    }
    let t = match s.as_bytes().first()? {
        b's' => PropType::String,
        b'i' => PropType::Integer,
        b'n' => PropType::Number,
        b'b' => PropType::Boolean,
        b'j' => PropType::Json,
        _ => return None,
    };
    Some((t, &s[1..]))
}

impl ResourceType {
    /// The type of `Fn::GetAtt` attribute `name`: an exact attribute, else one matching an
    /// attribute pattern (strings, except the catch-all `.*` of custom resources: any JSON).
    pub fn attribute_type(&self, name: &str) -> Option<PropType> {
        if let Some(t) = self.attributes.get(name) {
            return Some(t.clone());
        }
        self.attribute_patterns.iter().find_map(|p| {
            if p == ".*" {
                Some(PropType::Json)
            } else {
                let prefix = prefix_pattern(p)?;
                name.strip_prefix(prefix.as_str())
                    .filter(|rest| !rest.is_empty())
                    .map(|_| PropType::String)
            }
        })
    }

    /// The one-line doc of the type: `self.doc` or empty.
    pub fn doc_or_empty(&self) -> &str {
        self.doc.as_deref().unwrap_or("")
    }
}

/// A type's binary record (native builds).
#[cfg(not(target_arch = "wasm32"))]
fn read_record(bytes: &[u8]) -> Result<RawType, String> {
    record::read(bytes)
}

/// The wasm build embeds no records (see build.rs).
#[cfg(target_arch = "wasm32")]
fn read_record(_: &[u8]) -> Result<RawType, String> {
    Err("binary records are read by native builds only".into())
}

/// `Outputs\..*` → `Outputs.`: a literal prefix (with `\.` escapes) then `.*`; `None` otherwise.
fn prefix_pattern(pattern: &str) -> Option<String> {
    let literal = pattern.strip_suffix(".*")?;
    let mut out = String::new();
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().filter(|c| !c.is_alphanumeric())?),
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == ':' => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// The resource type `name` (`AWS::S3::Bucket`), decoded on first use. `None` if unknown.
pub fn resource_type(name: &str) -> Option<&'static ResourceType> {
    let index = index();
    let i = index.position(name)?;
    index.decoded[i]
        .get_or_init(|| index.decode(i).ok().map(Box::new))
        .as_deref()
}

/// Every resource type name, sorted. Decodes nothing.
pub fn resource_type_names() -> impl Iterator<Item = &'static str> {
    index().names.iter().copied()
}

/// Whether `name` is a known resource type. Decodes nothing.
pub fn is_resource_type(name: &str) -> bool {
    index().position(name).is_some()
}

/// The definition `name` of `rt` (the target of a [`PropType::Object`]).
pub fn definition<'a>(rt: &'a ResourceType, name: &str) -> Option<&'a Definition> {
    rt.definitions.get(name)
}

// ------------------------------------------------------------------------------------------
// the index and the decoder

struct Block {
    /// Absolute range of the deflate stream in `DATA`.
    start: usize,
    len: usize,
    raw_len: usize,
}

struct Entry {
    block: usize,
    offset: usize,
    len: usize,
}

struct Index {
    data: &'static [u8],
    /// The types are binary records in a stored block ([`STORED_MAGIC`]), read in place;
    /// otherwise they are compact JSON in deflated blocks.
    stored: bool,
    blocks: Vec<Block>,
    /// One per block, created on the block's first use.
    inflaters: Vec<Mutex<Option<Inflater>>>,
    /// Sorted.
    names: Vec<&'static str>,
    entries: Vec<Entry>,
    /// One per type; boxed, so that the 1,854 empty cells take 30 KB rather than the 650 KB
    /// of as many `ResourceType`s (a page fault per 4 KB in every process).
    decoded: Vec<OnceLock<Option<Box<ResourceType>>>>,
}

/// A block inflated up to some point, which can go on from there. Inflating every type from
/// the start of its block made the types that share a block inflate the same prefix again and
/// again (docs/performance.md, F13).
struct Inflater {
    state: Box<DecompressorOxide>,
    /// The block's output so far (`out[..out_pos]`); as long as the whole block, since
    /// inflating refers back into what it wrote.
    out: Vec<u8>,
    /// How much of the compressed block has been consumed.
    in_pos: usize,
    out_pos: usize,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::parse(DATA).unwrap_or_else(Index::empty))
}

struct Reader {
    data: &'static [u8],
    pos: usize,
}

impl Reader {
    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u16(&mut self) -> Option<usize> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?) as usize)
    }
    fn u32(&mut self) -> Option<usize> {
        usize::try_from(u32::from_le_bytes(self.take(4)?.try_into().ok()?)).ok()
    }
}

impl Index {
    fn empty() -> Index {
        Index {
            data: &[],
            stored: true,
            blocks: vec![],
            inflaters: vec![],
            names: vec![],
            entries: vec![],
            decoded: vec![],
        }
    }

    /// Reads the tables; `None` if the data is malformed.
    fn parse(data: &'static [u8]) -> Option<Index> {
        let mut r = Reader { data, pos: 0 };
        let stored = match r.take(MAGIC.len())? {
            magic if magic == MAGIC => false,
            magic if magic == STORED_MAGIC => true,
            _ => return None,
        };
        let (ntypes, nblocks) = (r.u32()?, r.u32()?);
        let mut raw_blocks = Vec::with_capacity(nblocks.min(data.len()));
        for _ in 0..nblocks {
            raw_blocks.push((r.u32()?, r.u32()?, r.u32()?));
        }
        if stored {
            return Index::parse_stored_types(r, ntypes, raw_blocks);
        }
        // The types are listed in the order of the blocks, with their lengths only: a type's
        // block and offset follow from adding the lengths up.
        let mut types: Vec<(&'static str, Entry)> = Vec::with_capacity(ntypes.min(data.len()));
        let (mut block, mut offset) = (0, 0);
        for _ in 0..ntypes {
            let n = r.u16()?;
            let name = std::str::from_utf8(r.take(n)?).ok()?;
            let len = r.u32()?;
            if offset == raw_blocks.get(block)?.2 {
                (block, offset) = (block + 1, 0);
            }
            let end = offset.checked_add(len)?;
            if end > raw_blocks.get(block)?.2 {
                return None;
            }
            types.push((name, Entry { block, offset, len }));
            offset = end;
        }
        if ntypes > 0 && (block + 1 != raw_blocks.len() || offset != raw_blocks.get(block)?.2) {
            return None;
        }
        let blocks = Index::blocks(data, r.pos, raw_blocks, false)?;
        types.sort_by(|a, b| a.0.cmp(b.0));
        types.dedup_by(|a, b| a.0 == b.0);
        let (names, entries): (Vec<_>, Vec<_>) = types.into_iter().unzip();
        Some(Index::new(data, false, blocks, names, entries))
    }

    /// The type table of the stored layout (see `build.rs`): the names, sorted, in one run, then
    /// each type's name length and place.
    fn parse_stored_types(
        mut r: Reader,
        ntypes: usize,
        raw_blocks: Vec<(usize, usize, usize)>,
    ) -> Option<Index> {
        let names_len = r.u32()?;
        let mut all_names = std::str::from_utf8(r.take(names_len)?).ok()?;
        let mut names: Vec<&'static str> = Vec::with_capacity(ntypes.min(names_len));
        let mut entries = Vec::with_capacity(ntypes.min(names_len));
        for _ in 0..ntypes {
            let n = r.u16()?;
            let (block, offset, len) = (r.u32()?, r.u32()?, r.u32()?);
            let name = all_names.get(..n)?;
            all_names = all_names.get(n..)?;
            if names.last().is_some_and(|last| *last >= name) {
                return None;
            }
            if offset.checked_add(len)? > raw_blocks.get(block)?.2 {
                return None;
            }
            names.push(name);
            entries.push(Entry { block, offset, len });
        }
        if !all_names.is_empty() {
            return None;
        }
        let blocks = Index::blocks(r.data, r.pos, raw_blocks, true)?;
        Some(Index::new(r.data, true, blocks, names, entries))
    }

    /// The blocks, checked against the data: their streams start at `blob`.
    fn blocks(
        data: &[u8],
        blob: usize,
        raw_blocks: Vec<(usize, usize, usize)>,
        stored: bool,
    ) -> Option<Vec<Block>> {
        let mut blocks = Vec::with_capacity(raw_blocks.len());
        for (offset, len, raw_len) in raw_blocks {
            let start = blob.checked_add(offset)?;
            data.get(start..start.checked_add(len)?)?;
            if stored && len != raw_len {
                return None;
            }
            blocks.push(Block {
                start,
                len,
                raw_len,
            });
        }
        Some(blocks)
    }

    fn new(
        data: &'static [u8],
        stored: bool,
        blocks: Vec<Block>,
        names: Vec<&'static str>,
        entries: Vec<Entry>,
    ) -> Index {
        let decoded = names.iter().map(|_| OnceLock::new()).collect();
        let inflaters = blocks.iter().map(|_| Mutex::new(None)).collect();
        Index {
            data,
            stored,
            blocks,
            inflaters,
            names,
            entries,
            decoded,
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.names.binary_search(&name).ok()
    }

    /// Decodes type `i`; every inconsistency is an error (never a panic).
    fn decode(&self, i: usize) -> Result<ResourceType, String> {
        let name = self.names.get(i).ok_or("no such type")?;
        let bytes = self.bytes(i)?;
        let raw = if self.stored {
            read_record(&bytes)
        } else {
            serde_json::from_slice::<RawType>(&bytes).map_err(|e| e.to_string())
        };
        raw.and_then(|raw| raw.into_resource_type(name))
            .map_err(|e| format!("{name}: {e}"))
    }

    /// The bytes of type `i`: its binary record, read in place from the stored block, or its
    /// compact JSON, its block inflated up to the end of the type, going on from where the
    /// block's inflater stopped.
    fn bytes(&self, i: usize) -> Result<Cow<'static, [u8]>, String> {
        let entry = self.entries.get(i).ok_or("no such type")?;
        let block = self.blocks.get(entry.block).ok_or("no such block")?;
        let input = self
            .data
            .get(block.start..block.start + block.len)
            .ok_or("block out of range")?;
        let end = entry.offset + entry.len;
        if end > block.raw_len {
            return Err("type out of block".into());
        }
        if self.stored {
            return Ok(Cow::Borrowed(
                input.get(entry.offset..end).ok_or("type out of block")?,
            ));
        }
        let mut guard = self
            .inflaters
            .get(entry.block)
            .ok_or("no such block")?
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let inflater = guard.get_or_insert_with(|| Inflater {
            state: Box::default(),
            out: vec![0u8; block.raw_len],
            in_pos: 0,
            out_pos: 0,
        });
        if inflater.out_pos < end {
            let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
            let rest = input.get(inflater.in_pos..).ok_or("block out of range")?;
            // The output slice ends where the type does: inflating stops there (HasMoreOutput),
            // keeping its state for the next type of the block.
            let out = inflater.out.get_mut(..end).ok_or("type out of block")?;
            let (status, consumed, written) =
                decompress(&mut inflater.state, rest, out, inflater.out_pos, flags);
            inflater.in_pos += consumed;
            inflater.out_pos += written;
            match status {
                TINFLStatus::Done | TINFLStatus::HasMoreOutput if inflater.out_pos == end => {}
                _ => {
                    return Err(format!(
                        "inflate: {status:?} after {} of {end} bytes",
                        inflater.out_pos
                    ));
                }
            }
        }
        Ok(Cow::Owned(
            inflater
                .out
                .get(entry.offset..end)
                .ok_or("type out of block")?
                .to_vec(),
        ))
    }
}

// ------------------------------------------------------------------------------------------
// the compact JSON of one type

/// The entries of a JSON object in the order written, as they are decoded: each is moved into a
/// [`Names`] once, without hashing its key for an intermediate map first.
struct Pairs<V>(Vec<(String, V)>);

impl<V> Default for Pairs<V> {
    fn default() -> Self {
        Pairs(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Pairs<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for PairsVisitor<V> {
            type Value = Pairs<V>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Pairs<V>, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct RawType {
    #[serde(default)]
    d: Option<String>,
    #[serde(default)]
    p: Pairs<RawProp>,
    #[serde(default)]
    r: Vec<String>,
    #[serde(default)]
    c: Vec<String>,
    #[serde(default)]
    ro: Vec<String>,
    #[serde(default)]
    a: Pairs<String>,
    #[serde(default)]
    ap: Vec<String>,
    #[serde(default)]
    id: Vec<String>,
    /// Absent: not taggable; `true`: taggable; a string: taggable, with that tag property.
    #[serde(default)]
    tg: Option<serde_json::Value>,
    #[serde(default)]
    defs: Pairs<RawDef>,
}

#[derive(Deserialize)]
struct RawDef {
    #[serde(default)]
    p: Pairs<RawProp>,
    #[serde(default)]
    r: Vec<String>,
}

/// A property: its type alone (`"s"`), or `[type, doc]`, or `[type, doc, enum values]` (the doc
/// may be null). `{ "t": type, "e": enum values, "d": doc }` is read too.
///
/// Deserialized by hand: `#[serde(untagged)]` buffers every property into serde's `Content`
/// before it tries the variants, which was a good part of decoding a type (docs/performance.md,
/// F14).
enum RawProp {
    Type(String),
    Full {
        t: String,
        e: Option<Vec<String>>,
        d: Option<String>,
    },
}

impl<'de> Deserialize<'de> for RawProp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawPropVisitor)
    }
}

struct RawPropVisitor;

impl<'de> serde::de::Visitor<'de> for RawPropVisitor {
    type Value = RawProp;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a property type, a list `[type, doc, enum]`, or a record with `t`, `e`, `d`")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawProp, A::Error> {
        let t = seq
            .next_element::<String>()?
            .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
        let d = seq.next_element::<Option<String>>()?.flatten();
        let e = seq.next_element::<Option<Vec<String>>>()?.flatten();
        if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            return Err(serde::de::Error::invalid_length(4, &self));
        }
        Ok(RawProp::Full { t, e, d })
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawProp, E> {
        Ok(RawProp::Type(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<RawProp, E> {
        Ok(RawProp::Type(v))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawProp, A::Error> {
        let (mut t, mut e, mut d) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "t" => t = Some(map.next_value::<String>()?),
                "e" => e = map.next_value::<Option<Vec<String>>>()?,
                "d" => d = map.next_value::<Option<String>>()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let t = t.ok_or_else(|| serde::de::Error::missing_field("t"))?;
        Ok(RawProp::Full { t, e, d })
    }
}

fn props(
    raw: Pairs<RawProp>,
    required: &[String],
    create_only: &[String],
) -> Result<Names<Property>, String> {
    raw.0
        .into_iter()
        .map(|(name, p)| {
            let (t, enum_values, doc) = match p {
                RawProp::Type(t) => (t, None, None),
                RawProp::Full { t, e, d } => (t, e, d),
            };
            let ty = PropType::parse(&t).ok_or_else(|| format!("{name}: bad type {t:?}"))?;
            let required = required.contains(&name);
            let create_only = create_only.contains(&name);
            Ok((
                name,
                Property {
                    ty,
                    required,
                    enum_values,
                    create_only,
                    doc,
                },
            ))
        })
        .collect()
}

impl RawType {
    fn into_resource_type(self, name: &str) -> Result<ResourceType, String> {
        let properties = props(self.p, &self.r, &self.c)?;
        let mut definitions =
            Names::with_capacity_and_hasher(self.defs.0.len(), Default::default());
        for (dname, d) in self.defs.0 {
            let properties = props(d.p, &d.r, &[]).map_err(|e| format!("{dname}.{e}"))?;
            definitions.insert(dname, Definition { properties });
        }
        let mut attributes = Names::with_capacity_and_hasher(self.a.0.len(), Default::default());
        for (aname, t) in self.a.0 {
            let ty =
                PropType::parse(&t).ok_or_else(|| format!("attribute {aname}: bad type {t:?}"))?;
            attributes.insert(aname, ty);
        }
        let (taggable, tag_property) = match self.tg {
            None | Some(serde_json::Value::Bool(false)) => (false, None),
            Some(serde_json::Value::String(p)) => (true, Some(p)),
            Some(_) => (true, None),
        };
        let rt = ResourceType {
            name: name.to_string(),
            doc: self.d,
            properties,
            read_only: self.ro,
            attributes,
            attribute_patterns: self.ap,
            primary_identifier: self.id,
            taggable,
            tag_property,
            definitions,
        };
        // Every `@Def` must resolve.
        let types = rt
            .properties
            .values()
            .chain(rt.definitions.values().flat_map(|d| d.properties.values()))
            .map(|p| &p.ty)
            .chain(rt.attributes.values());
        for t in types {
            if let Some(missing) = t
                .object_names()
                .into_iter()
                .find(|n| !rt.definitions.contains_key(*n))
            {
                return Err(format!("dangling definition {missing:?}"));
            }
        }
        Ok(rt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(name: &str) -> &'static ResourceType {
        resource_type(name).unwrap_or_else(|| panic!("{name} does not decode"))
    }

    #[test]
    fn every_type_decodes() {
        let index = index();
        assert_eq!(index.names.len(), 1854);
        let mut failures = Vec::new();
        for (i, name) in index.names.iter().enumerate() {
            if let Err(e) = index.decode(i) {
                failures.push(e);
            }
            assert!(
                resource_type(name).is_some_and(|rt| rt.name == *name),
                "{name}"
            );
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn names_are_sorted_and_unique() {
        let names: Vec<&str> = resource_type_names().collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(names.contains(&"AWS::S3::Bucket"));
        assert!(names.contains(&"Alexa::ASK::Skill"));
        assert!(is_resource_type("AWS::EC2::VPC"));
        assert!(!is_resource_type("AWS::S3::Buckett"));
        assert!(resource_type("AWS::Nope::Nope").is_none());
    }

    #[test]
    fn s3_bucket() {
        let b = rt("AWS::S3::Bucket");
        let name = &b.properties["BucketName"];
        assert_eq!(name.ty, PropType::String);
        assert!(!name.required);
        assert!(name.create_only);
        assert!(
            name.doc
                .as_deref()
                .is_some_and(|d| d.starts_with("A name for the bucket"))
        );
        let versioning = &b.properties["VersioningConfiguration"];
        let PropType::Object(def_name) = &versioning.ty else {
            panic!("{:?}", versioning.ty)
        };
        let def = definition(b, def_name).expect("definition");
        let status = &def.properties["Status"];
        assert!(status.required);
        assert_eq!(status.ty, PropType::String);
        assert_eq!(
            status.enum_values,
            Some(vec!["Enabled".to_string(), "Suspended".to_string()])
        );
        assert!(!b.properties.contains_key("Arn"));
        assert!(b.read_only.iter().any(|p| p == "Arn"));
        assert_eq!(b.attributes.get("Arn"), Some(&PropType::String));
        assert_eq!(b.primary_identifier, vec!["BucketName".to_string()]);
        assert!(b.taggable);
        assert_eq!(b.tag_property.as_deref(), Some("Tags"));
        let tags = &b.properties["Tags"];
        assert_eq!(tags.ty.display(b), "list of Tag");
        assert!(
            b.doc
                .as_deref()
                .is_some_and(|d| !d.contains('\n') && d.chars().count() <= 160)
        );
    }

    #[test]
    fn security_group_requires_description() {
        let sg = rt("AWS::EC2::SecurityGroup");
        assert!(sg.properties["GroupDescription"].required);
        assert!(!sg.properties["VpcId"].required);
        let ingress = &sg.properties["SecurityGroupIngress"].ty;
        assert_eq!(
            ingress,
            &PropType::List(Box::new(PropType::Object("Ingress".into())))
        );
        assert!(definition(sg, "Ingress").is_some_and(|d| d.properties["IpProtocol"].required));
        assert_eq!(sg.attributes.get("GroupId"), Some(&PropType::String));
    }

    #[test]
    fn attributes() {
        let f = rt("AWS::Lambda::Function");
        assert_eq!(f.attributes.get("Arn"), Some(&PropType::String));
        let vpc = rt("AWS::EC2::VPC");
        assert!(matches!(
            vpc.attributes.get("CidrBlockAssociations"),
            Some(PropType::List(_))
        ));
        // cfn-lint allows GetAtt on any VPC property.
        assert_eq!(vpc.attribute_type("CidrBlock"), Some(PropType::String));
        let stack = rt("AWS::CloudFormation::Stack");
        assert_eq!(stack.attribute_patterns, vec![r"Outputs\..*".to_string()]);
        assert_eq!(
            stack.attribute_type("Outputs.BucketName"),
            Some(PropType::String)
        );
        assert_eq!(stack.attribute_type("Outputs."), None);
        assert_eq!(stack.attribute_type("Nope"), None);
        let db = rt("AWS::RDS::DBInstance");
        assert_eq!(
            db.attribute_type("Endpoint.Address"),
            Some(PropType::String)
        );
    }

    #[test]
    fn policy_documents_are_json() {
        let role = rt("AWS::IAM::Role");
        assert_eq!(
            role.properties["AssumeRolePolicyDocument"].ty,
            PropType::Json
        );
        assert_eq!(role.attributes.get("Arn"), Some(&PropType::String));
    }

    #[test]
    fn grammar() {
        assert_eq!(PropType::parse("s"), Some(PropType::String));
        assert_eq!(
            PropType::parse("L<i|s>"),
            Some(PropType::List(Box::new(PropType::Union(vec![
                PropType::Integer,
                PropType::String
            ]))))
        );
        assert_eq!(
            PropType::parse("M<@A~B>|j"),
            Some(PropType::Union(vec![
                PropType::Map(Box::new(PropType::Object("A~B".into()))),
                PropType::Json
            ]))
        );
        for bad in ["", "x", "L<s", "L<s>>", "@", "s|", "ss", "@|s"] {
            assert_eq!(PropType::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_data_is_rejected_without_panicking() {
        assert!(Index::parse(b"").is_none());
        assert!(Index::parse(b"CVLCFN1\n\x01\x00\x00\x00").is_none());
        assert!(Index::parse(b"CVLCFN2\n\x01\x00\x00\x00").is_none());
        // one block of 5 raw bytes (an empty stream), one type `A` of `len` bytes: the lengths
        // must fill the blocks exactly
        let data = |len: u8| -> &'static [u8] {
            let mut d = b"CVLCFN2\n\x01\0\0\0\x01\0\0\0".to_vec();
            d.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0]);
            d.extend_from_slice(&[1, 0, b'A', len, 0, 0, 0]);
            Vec::leak(d)
        };
        assert!(Index::parse(data(5)).is_some());
        assert!(Index::parse(data(6)).is_none(), "past its block");
        assert!(Index::parse(data(4)).is_none(), "the block is not filled");
        // stored records: types `A` and `B` of 10 bytes each (empty types) in one block of 20
        let empty_record = [0u8; 10];
        let stored = |stored_len: u8, second: u8, b_len: u8, b_record: &[u8]| -> &'static [u8] {
            let mut d = b"CVLBIN1\n\x02\0\0\0\x01\0\0\0".to_vec();
            d.extend_from_slice(&[0, 0, 0, 0, stored_len, 0, 0, 0, 20, 0, 0, 0]);
            d.extend_from_slice(&[2, 0, 0, 0, b'A', second]);
            d.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0]);
            d.extend_from_slice(&[1, 0, 0, 0, 0, 0, 10, 0, 0, 0, b_len, 0, 0, 0]);
            d.extend_from_slice(&empty_record);
            d.extend_from_slice(b_record);
            Vec::leak(d)
        };
        let index = Index::parse(stored(20, b'B', 10, &empty_record)).expect("stored data");
        assert_eq!(index.names, ["A", "B"]);
        for i in 0..2 {
            let ty = index.decode(i).expect("an empty type");
            assert_eq!(ty.name, index.names[i]);
            assert!(ty.properties.is_empty() && !ty.taggable);
        }
        // a record that says its doc is 200 bytes long, with 9 bytes left
        let damaged = Index::parse(stored(20, b'B', 10, &[1, 200, 0, 0, 0, 0, 0, 0, 0, 0]))
            .expect("the tables are fine");
        assert!(damaged.decode(1).is_err());
        assert!(
            Index::parse(stored(19, b'B', 10, &empty_record)).is_none(),
            "stored length is not the raw length"
        );
        assert!(
            Index::parse(stored(20, b'A', 10, &empty_record)).is_none(),
            "names not sorted and unique"
        );
        assert!(
            Index::parse(stored(20, b'B', 11, &empty_record)).is_none(),
            "a type past its block"
        );
        for data in [DATA, DEFLATED] {
            let truncated: &'static [u8] = data.get(..data.len() / 2).unwrap_or_default();
            if let Some(index) = Index::parse(truncated) {
                for i in 0..index.names.len() {
                    let _ = index.decode(i);
                }
            }
        }
        assert!(prefix_pattern("a(b).*").is_none());
        assert_eq!(prefix_pattern(r"Outputs\..*").as_deref(), Some("Outputs."));
    }

    /// The generated data, deflated, as the wasm build embeds it.
    static DEFLATED: &[u8] = include_bytes!("schema/resources.bin");

    /// A block's inflater resumes where it stopped: asking for the types in order (each one
    /// resumes) and in reverse order (the first inflates the most, the others are already
    /// there) gives the same bytes for every type. The data this build embeds (binary records,
    /// natively) decodes to the same types as the JSON.
    #[test]
    fn resumed_inflating_matches_inflating_at_once_and_the_records_hold_the_same_types() {
        let forward = Index::parse(DEFLATED).expect("index");
        let backward = Index::parse(DEFLATED).expect("index");
        let embedded = Index::parse(DATA).expect("index");
        assert!(!forward.stored);
        assert_eq!(embedded.stored, cfg!(not(target_arch = "wasm32")));
        assert_eq!(embedded.names, forward.names);
        let n = forward.names.len();
        let backward_json: Vec<Cow<[u8]>> = (0..n)
            .rev()
            .map(|i| backward.bytes(i).expect("inflate"))
            .collect();
        for i in 0..n {
            let json = forward.bytes(i).expect("inflate");
            assert_eq!(json, backward_json[n - 1 - i], "{}", forward.names[i]);
            assert_eq!(
                forward.decode(i).expect("decode the JSON"),
                embedded.decode(i).expect("decode the record"),
                "{}",
                forward.names[i]
            );
        }
    }

    #[test]
    fn object_entries_keep_their_order_and_the_last_of_a_repeated_key_wins() {
        let raw: RawType = serde_json::from_str(
            r#"{"p":{"Z":"s","A":"i","Z":"b"},"a":{"Arn":"s","Id":"s"},"defs":{"Y":{"p":{"K":"s"}},"X":{}}}"#,
        )
        .expect("parse");
        let rt = raw.into_resource_type("AWS::Test::Thing").expect("decode");
        fn names<V>(map: &Names<V>) -> Vec<&str> {
            map.keys().map(String::as_str).collect()
        }
        assert_eq!(names(&rt.properties), ["Z", "A"]);
        assert_eq!(rt.properties["Z"].ty, PropType::Boolean);
        assert_eq!(names(&rt.attributes), ["Arn", "Id"]);
        assert_eq!(names(&rt.definitions), ["Y", "X"]);
        assert_eq!(names(&rt.definitions["Y"].properties), ["K"]);
    }

    #[test]
    fn properties_read_as_a_list() {
        let p: IndexMap<String, RawProp> =
            serde_json::from_str(r#"{"A":["s","doc"],"B":["L<s>",null,["x","y"]]}"#)
                .expect("parse");
        assert!(
            matches!(&p["A"], RawProp::Full { t, e: None, d: Some(d) } if t == "s" && d == "doc")
        );
        assert!(
            matches!(&p["B"], RawProp::Full { t, e: Some(e), d: None } if t == "L<s>" && e.len() == 2)
        );
        assert!(serde_json::from_str::<RawProp>("[]").is_err());
        assert!(serde_json::from_str::<RawProp>(r#"["s",null,null,1]"#).is_err());
    }

    #[test]
    fn properties_read_as_a_type_or_a_record() {
        let p: IndexMap<String, RawProp> = serde_json::from_str(
            r#"{"A":"s","B":{"t":"L<s>","e":["x","y"],"d":"doc","z":1},"C":{"t":"i","e":null}}"#,
        )
        .expect("parse");
        assert!(matches!(&p["A"], RawProp::Type(t) if t == "s"));
        assert!(
            matches!(&p["B"], RawProp::Full { t, e: Some(e), d: Some(d) } if t == "L<s>" && e.len() == 2 && d == "doc")
        );
        assert!(matches!(&p["C"], RawProp::Full { t, e: None, d: None } if t == "i"));
        assert!(serde_json::from_str::<RawProp>(r#"{"e":["x"]}"#).is_err());
        assert!(serde_json::from_str::<RawProp>("1").is_err());
    }

    /// Times the cold path: reading the tables, then decoding a few types (uncached).
    /// `cargo test -p cvl-compiler --lib cfn::schema::tests::first_lookup_time -- --ignored --nocapture`
    #[test]
    #[ignore = "timing, prints"]
    #[allow(clippy::print_stderr)]
    fn first_lookup_time() {
        use std::time::Instant;
        let t = Instant::now();
        let index = Index::parse(DATA).expect("index");
        let table = t.elapsed();
        eprintln!("{} bytes embedded; tables: {table:?}", DATA.len());
        for name in [
            "AWS::S3::Bucket",
            "AWS::Lambda::Function",
            "AWS::EC2::Instance",
            "AWS::ECS::TaskDefinition",
        ] {
            let i = index.position(name).expect("known");
            let t = Instant::now();
            let rt = index.decode(i).expect("decode");
            let total = t.elapsed();
            let t = Instant::now();
            let bytes = index.bytes(i).expect("read");
            let read = t.elapsed();
            eprintln!(
                "{name}: {} bytes, {} properties, {} definitions; read (inflate) {read:?}, read and decode {total:?}",
                bytes.len(),
                rt.properties.len(),
                rt.definitions.len()
            );
        }
        let t = Instant::now();
        for i in 0..index.names.len() {
            index.decode(i).expect("decode");
        }
        eprintln!("all {} types: {:?}", index.names.len(), t.elapsed());
    }
}
